#pragma once
// The tabular views shared by the xlsx sheets and the CSV files: one column
// list and one row builder per table, so both formats always agree. Rows are
// built one inspection at a time: nothing here holds the whole dataset.
#include <string>
#include <vector>

#include "export/dataset.hpp"

namespace jtai::exporter {

enum class CellType { text, date, url, integer };

struct Column {
  std::string header;
  CellType type = CellType::text;
  double width = 12;        // Excel column width (characters)
  bool wrap = false;        // long text: wrap inside the cell
  std::string definition;   // for the glossary
};

using Row = std::vector<std::string>;

// Cells are strings: dates as ISO "YYYY-MM-DD" (or ""), integers as digits,
// URLs as the URL. The writers turn them into typed cells.
struct TableSpec {
  std::string name;  // sheet name and CSV file stem
  std::string description;
  std::vector<Column> columns;
};

// summary (each authority's latest inspection) and inspections (every one).
const TableSpec& summary_spec();
const TableSpec& inspections_spec();
Row inspection_row(const Inspection& in);

// One row per finding item (priority action, improvement, strength, case study).
const TableSpec& findings_spec();
std::vector<Row> finding_rows(const Inspection& in);

// The known extraction issues, for the about sheet and the HTML page.
const TableSpec& issues_spec();
Row issue_row(const ExtractionIssue& issue);

// What changed since the previous export (changes.csv).
const TableSpec& changes_spec();

// The 0-based index of the "local authority" column (frozen with the header).
size_t authority_column(const TableSpec& spec);

// List fields inside one cell: items joined with line breaks.
std::string join_lines(const std::vector<std::string>& items);

}  // namespace jtai::exporter

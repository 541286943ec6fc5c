#pragma once
// The tabular views shared by the xlsx sheets and the CSV files: one column
// list and one row builder per table, so both formats always agree.
#include <string>
#include <vector>

#include "export/dataset.hpp"

namespace jtai::exporter {

enum class CellType { text, date, url, integer };

struct Column {
  std::string header;
  CellType type = CellType::text;
  double width = 12;   // Excel column width (characters)
  bool wrap = false;   // long text: wrap inside the cell
};

// Cells are strings: dates as ISO "YYYY-MM-DD" (or ""), integers as digits,
// URLs as the URL. The writers turn them into typed cells.
struct Table {
  std::string name;  // sheet name and CSV file stem
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;
};

// One row per authority with a JTAI: its latest inspection.
Table summary_table(const Dataset& data);
// Every JTAI inspection.
Table inspections_table(const Dataset& data);
// One row per finding item (priority action, improvement, strength, case study).
Table findings_table(const Dataset& data);
// The known extraction issues, for the about sheet and the HTML page.
Table issues_table(const Dataset& data);

// The latest inspection of each authority, in authority order.
std::vector<const Inspection*> latest_per_authority(const Dataset& data);

// List fields inside one cell: items joined with line breaks.
std::string join_lines(const std::vector<std::string>& items);
std::string case_studies_text(const Inspection& in);
std::string priority_actions_text(const Inspection& in);

}  // namespace jtai::exporter

#pragma once
// jtai_summary.xlsx via libxlsxwriter in constant_memory mode: each row goes
// to the sheet's temporary file as it is written, so memory stays flat in the
// number of letters. Sheets: summary, inspections, findings (continued on
// "findings (2)", ... past Excel's 1,048,576 rows), trends, about, glossary.
//
// Every text cell is written with worksheet_write_string, which never makes a
// formula; dates are real Excel dates; links are =HYPERLINK("url","url")
// formula cells with the URL as their cached text (no per-link state, so no
// per-sheet cap; a URL a formula cannot hold stays plain text). The only
// formulas in the workbook are those link cells. The workbook's creation time comes
// from the data (DatasetInfo::data_as_of), not the clock, so an unchanged
// store gives a byte-identical file.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "export/context.hpp"
#include "export/tables.hpp"

namespace jtai::exporter {

inline constexpr uint32_t kExcelRowLimit = 1048576;   // rows per sheet, the header included

struct XlsxStats {
  int truncated_cells = 0;                  // cells cut to Excel's 32,767-character limit
  int plain_links = 0;                      // URLs written as text: over 255 characters or not http(s)
  std::vector<std::string> continued;       // "findings (2)", ... : sheets a table continued on
};

struct XlsxOptions {
  std::filesystem::path tmpdir;  // for libxlsxwriter's temporary files ("" = system default)
  bool zip64 = false;            // needed past 4 GB inside the zip
  uint32_t row_limit = kExcelRowLimit;  // lower only in tests, to exercise the continuation
};

class XlsxWriter {
 public:
  // Throws jtai::Error when the file cannot be created.
  XlsxWriter(const std::filesystem::path& path, const ExportContext& ctx, const XlsxOptions& options);
  ~XlsxWriter();
  void add_summary(const Row& row);
  void add_inspection(const Row& row);
  void add_finding(const Row& row);
  // Writes trends, about and glossary and closes the workbook.
  XlsxStats finish(const ExportContext& ctx);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Column definitions of every file of an export, for the glossary sheet and README.
struct GlossaryEntry {
  std::string where;  // sheet and/or file
  std::string column;
  std::string definition;
};
std::vector<GlossaryEntry> glossary();

}  // namespace jtai::exporter

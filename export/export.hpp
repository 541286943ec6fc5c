#pragma once
// Writes DIR/exports/<YYYY-MM-DD>/ (xlsx, CSV, JSON, index.html) from the store
// and refreshes DIR/exports/latest/.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace jtai::exporter {

// Writing the files failed (e.g. a full disk): the earlier exports and
// exports/latest are left as they were.
class ExportWriteError : public Error {
 public:
  using Error::Error;
};

// Limits lowered only by tests, to exercise the xlsx continuation sheets.
struct ExportLimits {
  uint32_t xlsx_rows = 0;  // 0: Excel's
};

struct ExportOptions {
  std::filesystem::path data_dir;
  std::filesystem::path rules_dir;
  std::string date;  // YYYY-MM-DD; empty means today (UTC)
  ExportLimits limits{};
};

struct ExportResult {
  std::filesystem::path dir;  // the dated directory written
  int authorities = 0;        // rows of the summary sheet
  int inspections = 0;
  int findings = 0;
  std::vector<std::string> new_since_last_export;  // the first kListedNewLetters (100) new letters, described
  // Extensions (after the original fields, so aggregate initialisation still works):
  std::filesystem::path latest_dir;         // DIR/exports/latest
  std::string compared_with;                // the earlier dated export, "" when none
  int known_issues = 0;                     // letters listed under "known extraction issues"
  int truncated_cells = 0;                  // xlsx cells cut to Excel's 32,767-character limit
  int plain_links = 0;                      // xlsx URLs left as text: too long for a HYPERLINK formula, or not http(s)
  std::vector<std::string> continued_sheets;  // "findings (2)", ...: past Excel's 1,048,576 rows
  std::map<std::string, int> changes;       // change kind (new letter, changed item, ...) -> count
  int new_letters = 0;                      // all new letters (new_since_last_export lists the first 100)
};


// Throws jtai::Error for bad input (no store, a bad date, a rule-file error) and
// ExportWriteError when the files cannot be written.
ExportResult run_export(const ExportOptions& options);

}  // namespace jtai::exporter

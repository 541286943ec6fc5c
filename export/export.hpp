#pragma once
// Writes DIR/exports/<YYYY-MM-DD>/ (xlsx, CSV, JSON, index.html) from the store
// and refreshes DIR/exports/latest/.
#include <filesystem>
#include <string>
#include <vector>

namespace jtai::exporter {

struct ExportOptions {
  std::filesystem::path data_dir;
  std::filesystem::path rules_dir;
  std::string date;  // YYYY-MM-DD; empty means today (UTC)
};

struct ExportResult {
  std::filesystem::path dir;  // the dated directory written
  int authorities = 0;        // rows of the summary sheet
  int inspections = 0;
  int findings = 0;
  std::vector<std::string> new_since_last_export;
};

ExportResult run_export(const ExportOptions& options);

}  // namespace jtai::exporter

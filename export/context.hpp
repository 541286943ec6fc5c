#pragma once
// Everything one export run shows, beyond the dataset itself.
#include <optional>
#include <string>
#include <vector>

#include "export/dataset.hpp"

namespace jtai::exporter {

// The files an export directory holds (relative names).
inline constexpr const char* kXlsxName = "jtai_summary.xlsx";
inline constexpr const char* kJsonName = "jtai.json";
inline constexpr const char* kHtmlName = "index.html";
inline constexpr const char* kCsvNames[] = {"summary.csv", "inspections.csv", "findings.csv"};

struct ExportContext {
  const Dataset& data;
  std::string export_date;                     // YYYY-MM-DD, the dated directory's name
  std::optional<std::string> previous_export;  // the earlier dated export compared with
  std::vector<const Inspection*> new_since_last_export;
};

// An inspection's identity across exports: the Ofsted file id.
std::string inspection_key(const Inspection& in);
// "Barnsley, letter of 2023-06-12 (neglect)".
std::string describe(const Inspection& in);

}  // namespace jtai::exporter

#pragma once
// Everything one export run shows besides the inspections themselves, and the
// totals the single pass over them gathers for the sheets written last.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "export/dataset.hpp"

namespace jtai::exporter {

// The files an export directory holds (relative names).
inline constexpr const char* kXlsxName = "jtai_summary.xlsx";
inline constexpr const char* kJsonName = "jtai.json";
inline constexpr const char* kHtmlName = "index.html";
inline constexpr const char* kHtmlDataDir = "index_data";
inline constexpr const char* kChangesName = "changes.csv";
inline constexpr const char* kCsvNames[] = {"summary.csv", "inspections.csv", "findings.csv"};

// Counts gathered while the inspections stream past (small maps, never rows).
struct Totals {
  int inspections = 0;
  int authorities = 0;
  int findings = 0;
  std::map<std::string, std::map<std::string, int>> focus_by_year;      // focus -> year -> inspections
  std::map<std::string, std::map<std::string, int>> section_by_agency;  // section -> agency -> findings
  std::map<std::string, std::map<std::string, int>> region_by_section;  // region -> section -> findings
  std::map<std::string, int> region_inspections;                        // region -> inspections
  std::map<std::string, int> changes;                                   // change kind -> count ("new letter": letters new since the last export)
  std::vector<std::string> new_letters_listed;                          // describe() of the first kListedNewLetters
};

// New letters named one by one on the command line (all are in changes.csv and jtai.json).
inline constexpr size_t kListedNewLetters = 100;

struct ExportContext {
  const DatasetInfo& info;
  std::string export_date;                     // YYYY-MM-DD, the dated directory's name
  std::optional<std::string> previous_export;  // the earlier dated export compared with
  bool previous_items_known = false;           // it had fingerprints: item changes are listed
  Totals totals;
  // Visits the known issues in order (Dataset::for_each_issue; complete once the inspections have passed).
  std::function<void(const std::function<void(const ExtractionIssue&)>&)> for_each_issue =
      [](const std::function<void(const ExtractionIssue&)>&) {};
};

// An inspection's identity across exports: the Ofsted file id.
std::string inspection_key(const Inspection& in);
// "Barnsley, letter of 2023-06-12 (neglect)".
std::string describe(const Inspection& in);
// The year an inspection counts under in trends: fieldwork start, else letter,
// else fieldwork end, else publication ("unknown").
std::string year_of(const Inspection& in);

}  // namespace jtai::exporter

#pragma once
// What an export shows, read from the store with its own read-only queries:
// every JTAI inspection (a JTAI publication whose current extraction is a JTAI
// letter) enriched from the authority table, the letters that need a human
// look ("known extraction issues"), and where and when the data were gathered.
//
// Memory stays flat in the number of letters: opening the dataset writes a
// small index (one short entry per letter, to order them by authority and
// date) and the known issues to a scratch database (export/scratch.hpp), not
// to memory; for_each then reads, parses and hands over one inspection at a
// time, and for_each_issue the issues one at a time.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/authority_table.hpp"
#include "extract/report.hpp"

namespace jtai::exporter {

struct Inspection {
  // Authority: codes from the project's table; name falls back to Ofsted's spelling.
  int urn = 0;
  std::string authority;        // the name researchers use
  std::string ofsted_name;      // as the Ofsted site spells it
  std::string la_code, ltla23cd, region_code, rgn22cd, region_name;
  bool in_authority_table = false;

  // Publication and file.
  std::string file_id;
  std::string url;
  std::string title;
  std::optional<std::string> published_on;
  std::string first_seen;
  std::optional<std::string> gone_since;
  std::string sha256;
  int64_t size = 0;

  // Current extraction: the record as `jtai extract` printed it.
  std::string extracted_at;
  extract::Report report;

  // The date that orders an authority's inspections: letter date, else
  // fieldwork end, else start, else the publication date ("" when none).
  std::string sort_date() const;
};

// A JTAI publication the export cannot fully trust or show.
struct ExtractionIssue {
  int urn = 0;
  std::string authority;
  std::string url;
  std::string title;
  std::optional<std::string> letter_date;
  std::string problem;               // error | not_jtai | quarantined | warnings | overrides | not_extracted | not_downloaded | unknown_authority
  std::vector<std::string> details;  // the error / reason / warnings
};

struct RunInfo {
  std::string command;
  std::string site;
  std::string started_at;
  std::optional<std::string> ended_at;
  std::string status;
};

// Everything about the data except the inspections themselves (small).
struct DatasetInfo {
  int issue_count = 0;                  // known issues (Dataset::for_each_issue); final once for_each has run
  std::optional<RunInfo> last_run;      // the newest finished run (else the newest run)
  std::vector<std::string> rules_versions;  // of the inspections shown, sorted
  int jtai_publications = 0;            // listed as JTAI on the site, including issues
  int inspections = 0;                  // JTAI letters with a current JTAI extraction
  int authorities = 0;                  // distinct authorities among them
  // A stable "as of" instant derived from the data (last run's end, else the
  // newest extraction), used for workbook metadata instead of the clock.
  std::string data_as_of;
};

// Reads DATA_DIR/jtai.sqlite read-only inside one read transaction, so every
// query sees the same snapshot even while a crawl writes.
class Dataset {
 public:
  // Throws jtai::Error when the store is missing.
  Dataset(const std::filesystem::path& data_dir, const AuthorityTable& authorities);
  ~Dataset();
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;

  const DatasetInfo& info() const { return info_; }

  // Calls visit for every inspection, by authority name, then URN, then date.
  // A stored record that cannot be parsed becomes a known issue instead; at
  // the end info().inspections/authorities/issue_count are exact.
  void for_each(const std::function<void(const Inspection&)>& visit);

  // Calls visit for every known issue, by authority name, then URN, letter
  // date, URL and problem (complete once for_each has run).
  void for_each_issue(const std::function<void(const ExtractionIssue&)>& visit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  DatasetInfo info_;
};

// Section keys, in the order exports list them.
inline constexpr const char* kSections[] = {"priority_action", "improvement", "strength", "case_study"};
// "priority action", "improvement", "strength", "case study".
std::string section_label(const std::string& section);

}  // namespace jtai::exporter

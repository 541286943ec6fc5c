#pragma once
// What `jtai status` shows, read from DIR/jtai.sqlite without writing to it.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

#include <nlohmann/json.hpp>

namespace jtai::refresh {

// A stored run as `status` shows it.
struct RunInfo : store::RunRow {
  bool abandoned = false;  // still 'running' but its process is gone
  std::string shown_status() const { return abandoned ? "abandoned" : store::to_string(status); }
};

struct WarnedLetter {
  int urn = 0;
  std::string letter;  // "Barnsley — 2022-07-18"
  std::vector<std::string> warnings;
};

struct StatusReport {
  std::filesystem::path data_dir;
  std::string running;  // "jtai refresh (pid …, started …)" while a run holds the lock, else empty
  int authorities = 0;
  int jtai_letters = 0;         // JTAI publications ever listed
  int stored_letters = 0;       // of which the PDF is stored
  int gone_letters = 0;         // no longer listed by the site (kept)
  int not_jtai = 0;             // stored letters whose current extraction says not_jtai
  std::vector<std::string> unreadable;  // "Letter: reason" for stored PDFs the extractor could not read
  int findings = 0;             // items in current extractions
  std::vector<std::pair<std::string, int>> rules_versions;  // current extractions per rules version
  std::vector<RunInfo> runs;    // newest first
  // What the newest run did.
  std::vector<std::string> last_run_new_letters;
  std::vector<std::string> last_run_extracted;         // every extraction it stored
  std::vector<std::string> last_run_findings_changed;  // of those, the ones whose findings differ from the previous
  std::vector<std::string> last_run_gone;
  std::vector<WarnedLetter> warned;
  std::vector<store::QuarantinedLetter> quarantined;  // Store::quarantined(): letters the parser could not get through
  std::string check_kind;      // "quick_check" or "integrity_check" (--check)
  std::string store_problems;  // empty when the check passed
  std::map<std::string, int> warnings_by_code;  // over current extractions ("legacy": stored before codes)
  // The newest crawl's selector fallbacks (rules/site.toml chains that fell back or matched nothing).
  int64_t selectors_run = 0;
  std::vector<std::string> selector_warnings;
};

// Throws jtai::Error with a clear message when DIR holds no jtai database.
// `full_check` runs PRAGMA integrity_check instead of quick_check.
StatusReport read_status(const std::filesystem::path& data_dir, int max_runs = 10, bool full_check = false);

std::string format_status(const StatusReport& report);
nlohmann::ordered_json status_to_json(const StatusReport& report);

}  // namespace jtai::refresh

#pragma once
// The weekly job: crawl -> re-extract what the current rules have not seen ->
// export, recorded as one run (command "refresh") with a one-paragraph summary.
// The caller holds the data-directory lock (refresh/lock.hpp).
#include <filesystem>
#include <string>
#include <vector>

#include "extract/extractor.hpp"
#include "refresh/reextract.hpp"
#include "store/store.hpp"

namespace jtai::refresh {

struct RefreshOptions {
  std::filesystem::path data_dir;
  std::filesystem::path rules_dir;
  std::string site = "https://reports.ofsted.gov.uk";
  double delay_seconds = 1.0;
  bool progress = false;
  std::string export_date;  // YYYY-MM-DD; empty means today (UTC)
  int threads = 2;
  std::string contact;  // --contact for the User-Agent (empty: $JTAI_CONTACT, else the rules)
};

struct RefreshResult {
  int64_t run_id = 0;
  store::RunStatus status = store::RunStatus::failed;
  store::RunCounts counts;
  std::vector<std::string> messages;
  std::vector<std::string> new_letters;
  ReextractResult reextract;
  bool exported = false;
  std::filesystem::path export_dir;
  std::string summary;  // one paragraph, also stored in runs.summary
};

// A failed crawl (site down, every page failing) stops the run there: no
// re-extraction and no export, so exports/latest keeps the last good export.
// A suspect crawl still re-extracts and exports (nothing stored is ever
// removed, so the export is complete as far as the store goes) and the run
// stays suspect. Letters that cannot be re-extracted make the run suspect;
// an export that fails makes it failed.
RefreshResult run_refresh(store::Store& store, const extract::RuleSet& rules, const RefreshOptions& options);

// Exit status for a run status (app/command.hpp): ok 0, suspect 4, failed 1.
int exit_status_for(store::RunStatus status);

}  // namespace jtai::refresh

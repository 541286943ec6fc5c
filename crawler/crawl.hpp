#pragma once
// One crawl of the Ofsted site into the store: listing pages -> providers ->
// publications -> new JTAI letters downloaded, stored and extracted.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "crawler/site_rules.hpp"
#include "store/store.hpp"

namespace jtai::crawler {

// Crawling a host other than this machine with the example contact address in
// the User-Agent: refused before any request (and before a run is recorded).
class ContactRequired : public Error {
 public:
  using Error::Error;
};

struct CrawlOptions {
  std::filesystem::path data_dir;
  std::filesystem::path rules_dir;
  std::string site = "https://reports.ofsted.gov.uk";
  double delay_seconds = 1.0;
  std::string command = "crawl";  // recorded in runs.command ("refresh" when called by refresh)
  bool progress = false;          // live progress on a terminal; plain log lines otherwise
  bool quiet = false;             // no log lines at all (tests)
  std::string contact;            // --contact; empty: $JTAI_CONTACT, else rules/site.toml
  // Overrides of rules/site.toml [http] values, for tests and impatient users.
  std::optional<double> timeout_seconds;
  std::optional<double> backoff_seconds;
  std::optional<int> max_attempts;
  std::optional<double> retry_after_cap_seconds;
};

struct CrawlResult {
  int64_t run_id = 0;
  store::RunStatus status = store::RunStatus::failed;
  store::RunCounts counts;
  std::vector<std::string> messages;        // errors and suspect reasons, one line each
  std::vector<std::string> new_letters;     // "Authority name — 2025-02-27" for each new JTAI
};

// Never throws for site or network trouble: that becomes status failed/suspect
// with messages. Throws jtai::Error only when the store itself cannot be used,
// jtai::RuleError (after recording the run as failed) for a rule-file mistake,
// and ContactRequired (recording nothing) when the contact address is missing.
CrawlResult run_crawl(store::Store& store, const CrawlOptions& options);

// Whether a host is this machine (127.0.0.0/8, ::1, localhost): the only hosts
// crawled with the example contact address.
bool is_loopback_host(const std::string& host);

// Throws ContactRequired when `rules` (contact already applied) still carry
// the example address and `site` is not on this machine.
void require_contact(const SiteRules& rules, const std::string& site);

}  // namespace jtai::crawler

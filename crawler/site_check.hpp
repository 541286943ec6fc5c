#pragma once
// `jtai check-site`: a handful of polite requests (robots.txt, listing page 1,
// the last listing page, one provider page with a JTAI letter, a HEAD of its
// file) that report, rule by rule of rules/site.toml, what matched and what
// did not. For an operator before the first run and after the site changes.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace jtai::crawler {

struct SiteCheckOptions {
  std::filesystem::path rules_dir;
  std::string site = "https://reports.ofsted.gov.uk";
  double delay_seconds = 1.0;
  std::optional<double> timeout_seconds;
  std::string contact;  // as for the crawl: --contact, else $JTAI_CONTACT, else the rules
};

struct CheckLine {
  enum class Verdict { ok, note, fallback, nothing, failed };
  Verdict verdict = Verdict::ok;
  std::string what;    // "[listing] provider_link", "listing page 1", ...
  std::string detail;  // what matched, with counts
};

struct SiteCheckResult {
  std::string user_agent;
  std::vector<CheckLine> lines;
  int64_t requests = 0;
  // 0: every rule found what it should; 4: a rule fell back or found nothing;
  // 1: the site could not be read (network, HTTP error, refused).
  int exit_status() const;
  std::string format() const;  // the report, one line per check and a last verdict line
};

// Throws ContactRequired (before any request) like the crawl, RuleError for a rule-file mistake.
SiteCheckResult check_site(const SiteCheckOptions& options);

}  // namespace jtai::crawler

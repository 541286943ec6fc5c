#pragma once
// rules/site.toml: every selector, URL pattern, kind pattern and limit the
// crawler uses. Loading checks everything (patterns compile, selectors parse)
// and reports a mistake as jtai::RuleError with file and line.
#include <re2/re2.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "crawler/selector.hpp"

namespace jtai::crawler {

struct KindRule {
  std::string name;
  std::shared_ptr<const re2::RE2> pattern;
};

struct HttpRules {
  // The User-Agent sent; "{contact}" in the rule file's user_agent is replaced
  // by the contact address (--contact, else $JTAI_CONTACT, else [http] contact).
  std::string user_agent;
  std::string contact;
  std::string robots_token;
  double connect_timeout_seconds = 15;
  double total_timeout_seconds = 120;
  int max_attempts = 4;
  double backoff_seconds = 2;
  double retry_after_cap_seconds = 300;
  long long page_max_bytes = 5'000'000;
  long long pdf_max_bytes = 60'000'000;
  std::vector<std::string> page_content_types;
  std::vector<std::string> pdf_content_types;
  std::vector<std::string> file_hosts;
};

struct ListingRules {
  std::string path;
  std::string start_parameter;
  std::string rows_parameter;
  int rows = 100;
  int max_pages = 20;
  SelectorChain provider_link;
  std::shared_ptr<const re2::RE2> provider_href;  // group 1: URN
  // The result count the page states, when it states one (optional: an empty
  // chain means the rules do not look for it).
  SelectorChain count;
  std::shared_ptr<const re2::RE2> count_pattern;  // group 1: the number (digits and commas)
};

struct ProviderRules {
  SelectorChain publication;
  SelectorChain link;
  SelectorChain nonvisual;
  SelectorChain date;
  // A timeline day holding publications, and its date: used when a publication
  // carries no date of its own.
  SelectorChain day;
  SelectorChain day_date;
  std::shared_ptr<const re2::RE2> file_href;  // group 1: file id
};

// [check]: what `jtai check-site` looks at.
struct CheckRules {
  std::vector<int> jtai_provider_urns;  // providers known to have a JTAI letter, tried first
  int max_provider_pages = 5;           // provider pages read looking for one with a JTAI
};

struct SiteRules {
  std::string file;  // where they were loaded from, for messages
  HttpRules http;
  ListingRules listing;
  ProviderRules provider;
  std::vector<KindRule> kinds;
  CheckRules check;
  double min_fraction = 0.9;

  // Loads rules_dir/site.toml.
  static SiteRules load(const std::filesystem::path& rules_dir);

  // The kind of a publication from its nonvisual (or link) text, matched on
  // normalise_kind_text() of it.
  std::string classify(const std::string& text) const;

  // Puts `contact` (when non-empty) into the User-Agent in place of the rule file's.
  void set_contact(const std::string& contact);
  // Whether the User-Agent still carries the shipped example address.
  bool has_example_contact() const;

  std::string user_agent_template_;  // the rule file's user_agent when it has {contact}
};

// The contact to use: `option` when given, else $JTAI_CONTACT, else empty (the rule file's).
std::string contact_from(const std::string& option);

// A publication's text in one canonical form: whitespace (including no-break
// spaces) collapsed, typographic apostrophes and dashes made ASCII, and the
// format marker written ", pdf" whatever the site wrote ("  pdf", " as pdf",
// ",PDF", "(pdf)"). Case is kept.
std::string canonical_publication_text(const std::string& text);
// canonical_publication_text, case-folded: what kind patterns are matched on.
std::string normalise_kind_text(const std::string& text);

}  // namespace jtai::crawler

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
  std::string user_agent;
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
  Selector provider_link;
  std::shared_ptr<const re2::RE2> provider_href;  // group 1: URN
};

struct ProviderRules {
  Selector publication;
  Selector link;
  Selector nonvisual;
  Selector date;
  std::shared_ptr<const re2::RE2> file_href;  // group 1: file id
};

struct SiteRules {
  std::string file;  // where they were loaded from, for messages
  HttpRules http;
  ListingRules listing;
  ProviderRules provider;
  std::vector<KindRule> kinds;
  double min_fraction = 0.9;

  // Loads rules_dir/site.toml.
  static SiteRules load(const std::filesystem::path& rules_dir);

  // The kind of a publication from its lower-cased nonvisual (or link) text.
  std::string classify(const std::string& lower_text) const;
};

}  // namespace jtai::crawler

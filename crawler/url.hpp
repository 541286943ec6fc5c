#pragma once
// URL helpers on libcurl's URL API (CURLU), so parsing follows curl's rules.
#include <optional>
#include <string>

namespace jtai::crawler {

struct UrlParts {
  std::string scheme;
  std::string host;  // lower-case, no port
  std::string port;  // "" when default
  std::string path_and_query;
  std::string origin() const;  // scheme://host[:port]
};

// nullopt for anything that is not an absolute http(s) URL.
std::optional<UrlParts> parse_url(const std::string& url);
// Resolves `reference` (absolute or relative) against `base`; nullopt when invalid.
std::optional<std::string> resolve_url(const std::string& base, const std::string& reference);

}  // namespace jtai::crawler

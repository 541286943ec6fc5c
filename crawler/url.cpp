#include "crawler/url.hpp"

#include <curl/curl.h>

#include <memory>

#include "common/text.hpp"

namespace jtai::crawler {

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::optional<std::string> part(CURLU* u, CURLUPart which, unsigned flags = 0) {
  char* out = nullptr;
  if (curl_url_get(u, which, &out, flags) != CURLUE_OK) return std::nullopt;
  std::string s(out);
  curl_free(out);
  return s;
}

}  // namespace

std::string UrlParts::origin() const { return scheme + "://" + host + (port.empty() ? "" : ":" + port); }

std::optional<UrlParts> parse_url(const std::string& url) {
  UrlHandle u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  UrlParts p;
  auto scheme = part(u.get(), CURLUPART_SCHEME);
  auto host = part(u.get(), CURLUPART_HOST);
  if (!scheme || !host) return std::nullopt;
  p.scheme = to_lower_ascii(*scheme);
  if (p.scheme != "http" && p.scheme != "https") return std::nullopt;
  p.host = to_lower_ascii(*host);
  p.port = part(u.get(), CURLUPART_PORT).value_or("");
  p.path_and_query = part(u.get(), CURLUPART_PATH).value_or("/");
  if (auto q = part(u.get(), CURLUPART_QUERY)) p.path_and_query += "?" + *q;
  return p;
}

std::optional<std::string> resolve_url(const std::string& base, const std::string& reference) {
  UrlHandle u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) return std::nullopt;
  if (curl_url_set(u.get(), CURLUPART_URL, reference.c_str(), 0) != CURLUE_OK) return std::nullopt;
  return part(u.get(), CURLUPART_URL);
}

}  // namespace jtai::crawler

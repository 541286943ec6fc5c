#pragma once
// A polite HTTP client on libcurl: identifying User-Agent, robots.txt, one
// request at a time with a delay between requests to the same host, timeouts,
// retries with exponential backoff and jitter, Retry-After, conditional GET,
// redirects followed by hand and only to allowed hosts, and a size cap.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include "common/error.hpp"
#include "crawler/robots.hpp"
#include "crawler/site_rules.hpp"

namespace jtai::crawler {

// A request that could not be completed: network trouble after every retry,
// a refused redirect, a robots.txt refusal or a body over the size cap.
class FetchError : public Error {
 public:
  enum class Reason { network, redirect_refused, robots, too_large, bad_url };
  FetchError(Reason reason, const std::string& what) : Error(what), reason_(reason) {}
  Reason reason() const { return reason_; }

 private:
  Reason reason_;
};

// The host answered 403 Forbidden: it refuses us. Nothing more is sent to that
// host by this client, and a crawl ends at once. Deliberately not a jtai::Error,
// so no per-page or per-letter handler mistakes it for one page's trouble.
class Refused : public std::runtime_error {
 public:
  Refused(std::string host, const std::string& url)
      : std::runtime_error(url + ": HTTP 403 (refused)"), host_(std::move(host)) {}
  const std::string& host() const { return host_; }

 private:
  std::string host_;
};

// The one line a run refused by the site ends with.
inline const char* const kRefusedMessage = "the site refused our requests (403); see README: being blocked";

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;  // lower-case, parameters removed
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<std::string> location;  // of a 3xx
  std::string url;  // after redirects
};

struct HttpRequest {
  std::string url;
  long long max_bytes = 5'000'000;
  std::optional<std::string> if_none_match;
  std::optional<std::string> if_modified_since;
  bool head = false;  // HEAD: status and headers only
};

struct HttpSettings {
  HttpRules rules;
  double delay_seconds = 1.0;
  std::set<std::string> allowed_hosts;  // lower-case host names
};

class HttpClient {
 public:
  using Log = std::function<void(const std::string&)>;
  HttpClient(HttpSettings settings, Log log);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Returns the final response whatever its status (200, 304, 404, a 5xx that
  // outlasted every retry); throws FetchError when there is no response to give,
  // and Refused on a 403 (never retried) or for a host that answered one before.
  HttpResponse get(const HttpRequest& request);
  // Whether robots.txt (fetched once per origin) lets us ask for `url`.
  bool robots_allows(const std::string& url);
  // Hosts that answered 403, "host[:port]".
  const std::set<std::string>& refused_hosts() const { return refused_; }

  int64_t requests() const { return requests_; }
  int64_t bytes() const { return bytes_; }

 private:
  struct Attempt;
  HttpResponse get_following_redirects(const HttpRequest& request);
  HttpResponse get_with_retries(const HttpRequest& request);
  Attempt perform_once(const HttpRequest& request);
  const Robots& robots_for(const std::string& origin);
  void wait_turn(const std::string& host_key);
  void sleep_seconds(double seconds);

  HttpSettings settings_;
  Log log_;
  void* curl_ = nullptr;  // CURL*, reused so connections are kept alive
  std::map<std::string, Robots> robots_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_request_;
  std::map<std::string, double> host_delay_;
  std::map<std::string, std::chrono::steady_clock::time_point> retry_after_until_;  // a host's Retry-After
  std::set<std::string> refused_;
  std::mt19937 random_;
  int64_t requests_ = 0;
  int64_t bytes_ = 0;
};

// "120" or an HTTP date -> seconds from now; nullopt when unparseable.
std::optional<double> parse_retry_after(const std::string& value);

}  // namespace jtai::crawler

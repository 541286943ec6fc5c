#include "crawler/http.hpp"

#include <curl/curl.h>

#include <cmath>
#include <ctime>
#include <mutex>
#include <thread>

#include "common/text.hpp"
#include "crawler/url.hpp"

namespace jtai::crawler {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct Sink {
  std::string body;
  long long max_bytes = 0;
  bool too_large = false;
  std::string content_type;
  std::optional<std::string> etag, last_modified, location, retry_after;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (static_cast<long long>(sink->body.size() + n) > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response starts: forget the previous one's headers
    sink->content_type.clear();
    sink->etag = sink->last_modified = sink->location = sink->retry_after = std::nullopt;
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string key = to_lower_ascii(trim(line.substr(0, colon)));
  std::string value = trim(line.substr(colon + 1));
  if (key == "content-type") {
    std::string type = to_lower_ascii(value);
    if (auto semi = type.find(';'); semi != std::string::npos) type = trim(type.substr(0, semi));
    sink->content_type = type;
  } else if (key == "etag") {
    sink->etag = value;
  } else if (key == "last-modified") {
    sink->last_modified = value;
  } else if (key == "location") {
    sink->location = value;
  } else if (key == "retry-after") {
    sink->retry_after = value;
  }
  return n;
}

bool retryable(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

std::string host_key(const UrlParts& p) { return p.host + (p.port.empty() ? "" : ":" + p.port); }

}  // namespace

std::optional<double> parse_retry_after(const std::string& value) {
  std::string v = trim(value);
  if (v.empty()) return std::nullopt;
  if (v.find_first_not_of("0123456789") == std::string::npos) {
    try {
      return std::stod(v);
    } catch (...) {
      return std::nullopt;
    }
  }
  time_t when = curl_getdate(v.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  double seconds = std::difftime(when, std::time(nullptr));
  return seconds < 0 ? 0.0 : seconds;
}

struct HttpClient::Attempt {
  CURLcode code = CURLE_OK;
  std::string error;
  HttpResponse response;
  std::optional<std::string> retry_after;
  bool too_large = false;
};

HttpClient::HttpClient(HttpSettings settings, Log log)
    : settings_(std::move(settings)), log_(std::move(log)), random_(std::random_device{}()) {
  global_init();
  curl_ = curl_easy_init();
  if (!curl_) throw Error("cannot initialise libcurl");
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

void HttpClient::sleep_seconds(double seconds) {
  if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

void HttpClient::wait_turn(const std::string& key) {
  double delay = settings_.delay_seconds;
  if (auto it = host_delay_.find(key); it != host_delay_.end()) delay = std::max(delay, it->second);
  auto it = last_request_.find(key);
  if (it != last_request_.end()) {
    auto due = it->second + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(delay));
    auto now = std::chrono::steady_clock::now();
    if (due > now) std::this_thread::sleep_for(due - now);
  }
  if (auto until = retry_after_until_.find(key); until != retry_after_until_.end()) {
    double wait = std::chrono::duration<double>(until->second - std::chrono::steady_clock::now()).count();
    if (wait > settings_.rules.retry_after_cap_seconds)
      throw FetchError(FetchError::Reason::network, key + " asked us (Retry-After) to wait " +
                                                         std::to_string(static_cast<int>(std::ceil(wait))) +
                                                         " s more; not sending more requests to it now");
    sleep_seconds(wait);
  }
}

HttpClient::Attempt HttpClient::perform_once(const HttpRequest& request) {
  auto parts = parse_url(request.url);
  if (!parts) throw FetchError(FetchError::Reason::bad_url, "not an http(s) URL: " + request.url);
  const std::string key = host_key(*parts);
  if (refused_.count(key)) throw Refused(key, request.url);  // asked once, refused once: never again this run
  wait_turn(key);

  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  Sink sink;
  sink.max_bytes = request.max_bytes;
  Slist headers;
  auto add_header = [&](const std::string& h) {
    curl_slist* next = curl_slist_append(headers.get(), h.c_str());
    if (!next) throw Error("out of memory building request headers");
    headers.release();
    headers.reset(next);
  };
  if (request.if_none_match) add_header("If-None-Match: " + *request.if_none_match);
  if (request.if_modified_since) add_header("If-Modified-Since: " + *request.if_modified_since);

  const auto& rules = settings_.rules;
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, rules.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(rules.connect_timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(rules.total_timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (request.head) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

  Attempt a;
  a.code = curl_easy_perform(c);
  last_request_[key] = std::chrono::steady_clock::now();
  ++requests_;
  curl_off_t downloaded = 0;
  long header_size = 0;
  curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
  curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &header_size);
  bytes_ += static_cast<int64_t>(downloaded) + header_size;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.response.status);
  a.error = error_buffer[0] ? error_buffer : curl_easy_strerror(a.code);
  a.too_large = sink.too_large || a.code == CURLE_FILESIZE_EXCEEDED;
  a.response.body = std::move(sink.body);
  a.response.content_type = sink.content_type;
  a.response.etag = sink.etag;
  a.response.last_modified = sink.last_modified;
  a.response.url = request.url;
  a.response.location = sink.location;
  a.retry_after = sink.retry_after;
  return a;
}

HttpResponse HttpClient::get_with_retries(const HttpRequest& request) {
  const auto& rules = settings_.rules;
  for (int attempt = 1;; ++attempt) {
    Attempt a = perform_once(request);
    if (a.too_large)
      throw FetchError(FetchError::Reason::too_large,
                       request.url + " is larger than the cap of " + std::to_string(request.max_bytes) + " bytes");
    bool retry = false;
    double wait = rules.backoff_seconds * std::pow(2.0, attempt - 1) *
                  (1.0 + std::uniform_real_distribution<double>(0.0, 0.5)(random_));
    std::string why;
    if (a.code != CURLE_OK) {
      if (!retryable(a.code)) throw FetchError(FetchError::Reason::network, request.url + ": " + a.error);
      retry = true;
      why = a.error;
    } else if (a.response.status == 403) {
      // A refusal is not trouble to ride out: retrying would only press a site that said no.
      auto parts = parse_url(request.url);
      const std::string key = parts ? host_key(*parts) : request.url;
      refused_.insert(key);
      log_(request.url + ": HTTP 403; the host refuses our requests, asking it nothing more");
      throw Refused(key, request.url);
    } else if (a.response.status == 429 || a.response.status >= 500) {
      retry = true;
      why = "HTTP " + std::to_string(a.response.status);
      if ((a.response.status == 429 || a.response.status == 503) && a.retry_after) {
        if (auto seconds = parse_retry_after(*a.retry_after)) {
          if (auto parts = parse_url(request.url))
            retry_after_until_[host_key(*parts)] =
                std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                       std::chrono::duration<double>(*seconds));
          why += ", Retry-After " + *a.retry_after;
          if (*seconds > rules.retry_after_cap_seconds) {  // never ask again sooner than the site said
            log_(request.url + ": " + why + " exceeds the cap of " +
                 std::to_string(static_cast<int>(rules.retry_after_cap_seconds)) + " s; not retrying");
            return std::move(a.response);
          }
          wait = *seconds;
        }
      }
    }
    if (!retry) return std::move(a.response);
    if (attempt >= rules.max_attempts) {
      if (a.code != CURLE_OK)
        throw FetchError(FetchError::Reason::network,
                         request.url + ": " + why + " (gave up after " + std::to_string(attempt) + " attempts)");
      log_(request.url + ": " + why + " (gave up after " + std::to_string(attempt) + " attempts)");
      return std::move(a.response);
    }
    log_(request.url + ": " + why + "; retrying in " + std::to_string(static_cast<int>(std::lround(wait * 1000))) +
         " ms");
    sleep_seconds(wait);
  }
}

const Robots& HttpClient::robots_for(const std::string& origin) {
  auto it = robots_.find(origin);
  if (it != robots_.end()) return it->second;
  Robots robots = Robots::allow_all();
  try {
    HttpRequest req;
    req.url = origin + "/robots.txt";
    req.max_bytes = 500'000;
    HttpResponse r = get_with_retries(req);
    // RFC 9309: follow a few redirects (to allowed hosts only).
    for (int hop = 0; hop < 5 && r.status >= 300 && r.status < 400 && r.location; ++hop) {
      auto next = resolve_url(req.url, *r.location);
      auto next_parts = next ? parse_url(*next) : std::nullopt;
      if (!next_parts || !settings_.allowed_hosts.count(next_parts->host)) break;
      req.url = *next;
      r = get_with_retries(req);
    }
    if (r.status == 200) {
      robots = Robots::parse(r.body, settings_.rules.robots_token);
    } else if (r.status >= 500 || r.status == 429) {
      log_(origin + "/robots.txt: HTTP " + std::to_string(r.status) + "; staying off this host");
      robots = Robots::disallow_all();
    }  // 3xx and other 4xx: no usable robots.txt, everything allowed
  } catch (const FetchError& e) {
    // Unreachable: nothing is fetched from this host now; asked again on the next request.
    throw FetchError(FetchError::Reason::network, std::string("robots.txt unavailable: ") + e.what());
  }
  auto parts = parse_url(origin + "/");
  if (parts && robots.crawl_delay()) host_delay_[host_key(*parts)] = std::min(*robots.crawl_delay(), 60.0);
  return robots_.emplace(origin, std::move(robots)).first->second;
}

HttpResponse HttpClient::get_following_redirects(const HttpRequest& request) {
  HttpRequest current = request;
  for (int hop = 0; hop <= 5; ++hop) {
    auto parts = parse_url(current.url);
    if (!parts) throw FetchError(FetchError::Reason::bad_url, "not an http(s) URL: " + current.url);
    if (!settings_.allowed_hosts.count(parts->host))
      throw FetchError(FetchError::Reason::redirect_refused,
                       (hop == 0 ? "refusing " : "refusing redirect to ") + current.url + ": host " + parts->host +
                           " is not allowed");
    if (!robots_for(parts->origin()).allowed(parts->path_and_query))
      throw FetchError(FetchError::Reason::robots, current.url + " is disallowed by robots.txt");
    HttpResponse r = get_with_retries(current);
    bool redirect = r.status == 301 || r.status == 302 || r.status == 303 || r.status == 307 || r.status == 308;
    if (!redirect) return r;
    if (!r.location)
      throw FetchError(FetchError::Reason::network, current.url + ": HTTP " + std::to_string(r.status) + " without Location");
    auto next = resolve_url(current.url, *r.location);
    if (!next) throw FetchError(FetchError::Reason::bad_url, current.url + ": bad redirect Location " + *r.location);
    current.url = *next;
    current.if_none_match.reset();
    current.if_modified_since.reset();
  }
  throw FetchError(FetchError::Reason::network, request.url + ": too many redirects");
}

HttpResponse HttpClient::get(const HttpRequest& request) { return get_following_redirects(request); }

bool HttpClient::robots_allows(const std::string& url) {
  auto parts = parse_url(url);
  if (!parts) throw FetchError(FetchError::Reason::bad_url, "not an http(s) URL: " + url);
  return robots_for(parts->origin()).allowed(parts->path_and_query);
}

}  // namespace jtai::crawler

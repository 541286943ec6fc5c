// libcurl is loaded when the crawler first calls it, not linked into jtai.
//
// Why: libcurl and what it links (GnuTLS, Kerberos, LDAP, SASL, SSH, RTMP,
// nghttp2, IDN, PSL...) are 25 of the 63 shared objects jtai loaded before
// main(). Relocating them cost every process about 10 ms of CPU (callgrind:
// 20 million instructions, 9% of extracting one letter), which `jtai extract`
// - run once per letter - paid without ever touching the network.
//
// These definitions stand in for the few libcurl functions the crawler calls
// (crawler/http.cpp, crawler/url.cpp); each forwards to the function of the
// same name in libcurl.so.4, opened on the first call. The crawler's code and
// libcurl's documented API are unchanged. A missing libcurl is a one-line
// error when a network command starts, not a loader failure of every command.
#define CURL_DISABLE_TYPECHECK  // the type-checking macros would rename our definitions
#include <curl/curl.h>

#include <cstdarg>

#include "common/lazy_library.hpp"

namespace {

constinit const jtai::LazyLibrary kLibcurl("libcurl.so.4", "libcurl4");  // libcurl's ABI 4, stable since 2006

#define JTAI_CURL_REAL(name) \
  static const auto fn = kLibcurl.function<decltype(&::name)>(#name)

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  JTAI_CURL_REAL(curl_global_init);
  return fn(flags);
}

CURL* curl_easy_init(void) {
  JTAI_CURL_REAL(curl_easy_init);
  return fn();
}

void curl_easy_cleanup(CURL* curl) {
  JTAI_CURL_REAL(curl_easy_cleanup);
  fn(curl);
}

void curl_easy_reset(CURL* curl) {
  JTAI_CURL_REAL(curl_easy_reset);
  fn(curl);
}

CURLcode curl_easy_perform(CURL* curl) {
  JTAI_CURL_REAL(curl_easy_perform);
  return fn(curl);
}

const char* curl_easy_strerror(CURLcode code) {
  JTAI_CURL_REAL(curl_easy_strerror);
  return fn(code);
}

// The option's number says the type of its one argument (curl.h: CURLOPTTYPE_*);
// libcurl's own curl_easy_setopt reads it the same way.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  JTAI_CURL_REAL(curl_easy_setopt);
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT)
    rc = fn(curl, option, va_arg(ap, long));
  else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB)
    rc = fn(curl, option, va_arg(ap, curl_off_t));
  else
    rc = fn(curl, option, va_arg(ap, void*));  // object, function or blob pointer
  va_end(ap);
  return rc;
}

// Every CURLINFO_* takes one pointer.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  JTAI_CURL_REAL(curl_easy_getinfo);
  va_list ap;
  va_start(ap, info);
  CURLcode rc = fn(curl, info, va_arg(ap, void*));
  va_end(ap);
  return rc;
}

curl_slist* curl_slist_append(curl_slist* list, const char* text) {
  JTAI_CURL_REAL(curl_slist_append);
  return fn(list, text);
}

void curl_slist_free_all(curl_slist* list) {
  JTAI_CURL_REAL(curl_slist_free_all);
  fn(list);
}

time_t curl_getdate(const char* text, const time_t* unused) {
  JTAI_CURL_REAL(curl_getdate);
  return fn(text, unused);
}

void curl_free(void* p) {
  JTAI_CURL_REAL(curl_free);
  fn(p);
}

CURLU* curl_url(void) {
  JTAI_CURL_REAL(curl_url);
  return fn();
}

void curl_url_cleanup(CURLU* url) {
  JTAI_CURL_REAL(curl_url_cleanup);
  fn(url);
}

CURLUcode curl_url_get(CURLU* url, CURLUPart part, char** out, unsigned int flags) {
  JTAI_CURL_REAL(curl_url_get);
  return fn(url, part, out, flags);
}

CURLUcode curl_url_set(CURLU* url, CURLUPart part, const char* content, unsigned int flags) {
  JTAI_CURL_REAL(curl_url_set);
  return fn(url, part, content, flags);
}

}  // extern "C"

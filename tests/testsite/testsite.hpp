#pragma once
// A loopback imitation of the Ofsted reports site (../shared/site/OFSTED_SITE.md)
// for the crawler's tests and benchmarks: a site host (listing pages, provider
// pages, robots.txt) and a separate file host (/v1/file/<id>), both bound to
// 127.0.0.1 only, with ETag/Last-Modified + 304, request counting and fault
// switches. Control endpoints on the site host (never linked, not counted):
// /__stats (JSON), /__fault?name=NAME&on=1|0, /__publish.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace jtai::testsite {

// Fault switches, by name:
//   500        listing page 2 answers HTTP 500
//   flaky      the first request for every provider page and file answers HTTP 500
//   429        the first request for listing page 1 answers 429 with Retry-After: 1
//   slow       the target letter's file answers only after 3 s
//   drop       the target letter's connection is dropped half-way through the body
//   html       the target letter's file is an HTML page (200, text/html)
//   truncated  the target letter's file is cut short (valid headers, no %%EOF)
//   blank      the target letter's file is a well-formed PDF without any text
//   layout     provider pages use different markup (class names changed)
//   redirect   the target letter's file redirects to another host (localhost)
//   robots     robots.txt disallows the target authority's provider page
//   withdraw   the target letter is no longer listed on its provider page
//   publish    a new JTAI letter is published (same as publish_new_report())
// The end of the listing and its markup (listing pages state "N results" unless nocount):
//   nocount    listing pages do not state the result count
//   miscount   listing pages state 5 more results than there are
//   clamped    a page past the end repeats the last page (start clamped)
//   past404    a page past the end answers 404
//   past410    a page past the end answers 410
//   nopaging   `start` is ignored: every listing page is page 1
//   extra      provider links outside the results list (recently viewed, featured)
//   results    the results list's markup changed (class names), links still in <main>
// Provider pages:
//   variants   publication texts vary ("  pdf", " as PDF", upper case, no-break spaces)
//   timeline   ol.timeline > li.timeline__day with the date in p.timeline__date
//              outside each title, and events without a file link
// Refusals:
//   403        every request to the site host answers 403
//   403file    the target letter's file answers 403
std::vector<std::string> fault_names();

struct Options {
  std::filesystem::path rules_dir;                 // reads authority_table.toml
  std::optional<std::filesystem::path> shared_dir; // ../shared; tiny generated PDFs when absent
  int max_jtai = -1;                               // serve at most this many JTAI letters (-1: all)
  std::set<std::string> faults;
};

struct Letter {
  int urn = 0;
  std::string file_id;
  std::string date_iso;       // publication date
  std::string expected_path;  // reports/<urn>_<slug>/joint area child protection inspection - dd month yyyy.pdf
};

struct RequestRecord {
  std::string host;  // "site" or "files"
  std::string target;  // path and query
  int status = 0;
  bool conditional = false;  // carried If-None-Match or If-Modified-Since
  std::string user_agent;
  std::chrono::steady_clock::time_point at;
};

struct Stats {
  int requests = 0;
  int not_modified = 0;     // 304s
  int pdf_bodies = 0;       // 200 responses carrying a PDF from the file host
  long long bytes = 0;      // response bodies sent (before compression)
};

class TestSite {
 public:
  explicit TestSite(Options options);
  ~TestSite();
  TestSite(const TestSite&) = delete;
  TestSite& operator=(const TestSite&) = delete;

  // Binds both hosts to 127.0.0.1 (0: any free port) and serves in background threads.
  void start(int site_port = 0, int file_port = 0);
  void stop();
  std::string site_url() const;  // e.g. http://127.0.0.1:40123
  std::string file_url() const;

  void set_fault(const std::string& name, bool on);
  // Publishes one more JTAI letter (an unused corpus letter, else a tiny one); returns it.
  Letter publish_new_report();

  std::vector<Letter> jtai_letters() const;  // currently published
  int authority_count() const;
  Letter target_letter() const;                  // the letter the file faults act on
  std::vector<std::string> other_file_ids() const;  // published files that are not JTAI letters
  Stats stats() const;
  std::vector<RequestRecord> requests() const;
  void reset_stats();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A minimal one-page PDF showing `lines` in Helvetica.
std::string tiny_pdf(const std::vector<std::string>& lines);

}  // namespace jtai::testsite

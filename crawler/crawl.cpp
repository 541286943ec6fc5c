#include "crawler/crawl.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <set>

#include "common/authority_table.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/hash.hpp"
#include "common/interrupt.hpp"
#include "common/text.hpp"
#include "common/version.hpp"
#include "crawler/http.hpp"
#include "crawler/progress.hpp"
#include "crawler/rule_usage.hpp"
#include "crawler/site_pages.hpp"
#include "crawler/site_rules.hpp"
#include "crawler/url.hpp"
#include "extract/extractor.hpp"
#include "extract/isolated.hpp"

namespace jtai::crawler {

namespace fs = std::filesystem;

namespace {

const char* const kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                               "july",    "august",   "september", "october", "november", "december"};

// "2025-02-27" -> "27 february 2025", as the report file names have it.
std::string file_date(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) return iso;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%02d %s %04d", d, kMonths[m - 1], y);
  return buf;
}

// A file or folder name from site data: bounded, no separators or control characters.
std::string safe_file_part(const std::string& s) { return safe_name_component(s, 100); }

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

bool type_accepted(const std::string& type, const std::vector<std::string>& accepted) {
  if (type.empty()) return true;  // no Content-Type: the body checks decide
  for (const auto& a : accepted)
    if (type.rfind(a, 0) == 0) return true;
  return false;
}

std::string human_bytes(int64_t bytes) {
  char buf[32];
  if (bytes >= 1'000'000)
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(bytes) / 1e3);
  return buf;
}

class Crawl {
 public:
  Crawl(store::Store& store, const CrawlOptions& options) : store_(store), options_(options) {}

  CrawlResult run();

 private:
  void load_rules();
  std::string fetch_page(const std::string& url, bool* gone = nullptr);
  bool read_listing(std::vector<ListedProvider>& providers);
  void check_listing_total(size_t read, std::optional<long> stated);
  std::optional<ProviderPage> fetch_provider(const ListedProvider& provider);
  void check_provider_rules(const std::vector<std::optional<ProviderPage>>& pages);
  void apply_provider(const ListedProvider& provider, const ProviderPage& page, std::vector<int>& fully_read);
  void download(const store::PublicationRow& publication);
  void extract_letters(const std::vector<store::StoredLetter>& letters);
  void store_parsed(const store::StoredLetter& letter, extract::IsolatedResult&& result);
  void save_report(const store::StoredLetter& letter, const extract::Report& report);
  // SIGTERM/SIGINT or --max-runtime: stop taking new work.
  bool stop_requested();
  void check_stop() {
    if (stop_requested()) throw StopRequested("stopped");
  }
  std::string report_path(const store::PublicationRow& publication);
  store::RunStatus judge();
  void error(const std::string& message) {
    ++result_.counts.errors;
    message_(printable(message));
  }
  // A reason to distrust the run that is not an error of one page or letter.
  void suspect(const std::string& message) {
    suspect_ = true;
    message_(message);
  }
  // Every message is logged; the run record keeps the first kMaxMessages and a count of the rest,
  // so a site-wide markup change does not flood `runs.messages`.
  void message_(const std::string& message) {
    progress_->log(printable(message));
    if (result_.messages.size() < kMaxMessages)
      result_.messages.push_back(message);
    else
      ++more_messages_;
  }
  static constexpr size_t kMaxMessages = 25;
  int more_messages_ = 0;
  void update_progress() {
    progress_->update(pages_, providers_done_, providers_total_, downloads_done_, downloads_total_);
  }

  store::Store& store_;
  const CrawlOptions& options_;
  CrawlResult result_;
  std::string started_at_;
  SiteRules rules_;
  std::optional<AuthorityTable> authorities_;
  std::optional<extract::RuleSet> extraction_rules_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Progress> progress_;
  std::string site_;  // without a trailing slash
  bool listing_complete_ = true;
  bool suspect_ = false;
  RuleUsage usage_;
  std::map<int, std::string> authority_names_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  bool out_of_time_ = false;
  int pages_ = 0, providers_done_ = 0, providers_total_ = 0, downloads_done_ = 0, downloads_total_ = 0;
};

void Crawl::load_rules() {
  rules_ = SiteRules::load(options_.rules_dir);
  if (options_.timeout_seconds) {
    rules_.http.total_timeout_seconds = *options_.timeout_seconds;
    rules_.http.connect_timeout_seconds = std::min(rules_.http.connect_timeout_seconds, *options_.timeout_seconds);
  }
  if (options_.backoff_seconds) rules_.http.backoff_seconds = *options_.backoff_seconds;
  if (options_.max_attempts) rules_.http.max_attempts = std::max(1, *options_.max_attempts);
  if (options_.retry_after_cap_seconds) rules_.http.retry_after_cap_seconds = *options_.retry_after_cap_seconds;
  rules_.set_contact(contact_from(options_.contact));
  authorities_ = AuthorityTable::load(options_.rules_dir);
  extraction_rules_ = extract::RuleSet::load(options_.rules_dir);
}

// GETs a site page, conditionally when a cached copy exists; the body of every
// page is kept under DIR/cache/pages/ so a 304 can be answered from it. With
// `gone`, a 404 or 410 sets it and returns nothing instead of failing.
std::string Crawl::fetch_page(const std::string& url, bool* gone) {
  const fs::path cache_file = store_.data_dir() / "cache" / "pages" / (sha256_hex(url) + ".html");
  HttpRequest request;
  request.url = url;
  request.max_bytes = rules_.http.page_max_bytes;
  auto cached = store_.http_cache(url);
  if (cached && fs::exists(cache_file)) {
    request.if_none_match = cached->etag;
    request.if_modified_since = cached->last_modified;
  }
  HttpResponse response = http_->get(request);
  ++pages_;
  if (response.status == 304 && (request.if_none_match || request.if_modified_since)) return read_file(cache_file);
  if (gone && (response.status == 404 || response.status == 410)) {
    *gone = true;
    return {};
  }
  if (response.status != 200) throw Error(url + ": HTTP " + std::to_string(response.status));
  if (!type_accepted(response.content_type, rules_.http.page_content_types))
    throw Error(url + ": expected a web page, got " + response.content_type);
  if (response.etag || response.last_modified) {
    write_file_atomic(cache_file, response.body);
    store_.save_http_cache(url, {response.etag, response.last_modified}, 200);
  }
  return std::move(response.body);
}

// Reads listing pages until the listing ends. It ends normally when the stated
// result count is reached, on a page shorter than a full one, or on a page past
// the end: one that lists nobody, lists only providers already read (a site
// that clamps `start` to its last page) or answers 404/410. A page 1 shorter
// than the rows asked for does not end it: the site may serve fewer rows a page
// than asked (it cut pages to 100 in February 2025), so the next page is read
// to tell, and that page 1's length is a full page from then on.
bool Crawl::read_listing(std::vector<ListedProvider>& providers) {
  std::set<int> seen;
  const std::string base = site_ + rules_.listing.path;
  const size_t rows = static_cast<size_t>(rules_.listing.rows);
  size_t start = 0;  // the next page starts after the providers the site actually listed
  size_t full_page = rows;
  std::optional<long> stated;
  bool ended = false;
  for (int page = 0; page < rules_.listing.max_pages; ++page) {
    const std::string label = "listing page " + std::to_string(page + 1);
    const std::string url =
        with_query(base, rules_.listing.start_parameter + "=" + std::to_string(start) + "&" +
                             rules_.listing.rows_parameter + "=" + std::to_string(rules_.listing.rows));
    ListingPage listed;
    bool gone = false;
    try {
      std::string html = fetch_page(url, page > 0 ? &gone : nullptr);
      if (!gone) listed = parse_listing_page(html, url, rules_);
    } catch (const StopRequested&) {
      throw;
    } catch (const Error& e) {
      error(label + " failed: " + e.what());
      return false;
    }
    update_progress();
    if (gone) {
      progress_->log(label + " answers 404/410: past the end of the listing");
      ended = true;
      break;
    }
    if (page == 0 || !listed.providers.empty())  // an empty page past the end is no miss of the rule
      usage_.record("[listing] provider_link", rules_.listing.provider_link, listed.link_alternative);
    if (!rules_.listing.count.alternatives.empty())
      usage_.record("[listing] count", rules_.listing.count, listed.count_alternative, /*optional=*/true);
    if (listed.stated_count && !stated) stated = listed.stated_count;
    if (listed.providers.empty()) {
      if (page == 0) {
        error("listing page 1 lists no providers; has the site's markup changed? (see " + rules_.file +
              " [listing], and run `jtai check-site`)");
        return false;
      }
      progress_->log(label + " lists no providers: past the end of the listing");
      ended = true;
      break;
    }
    size_t added = 0;
    for (auto& p : listed.providers)
      if (seen.insert(p.urn).second) {
        providers.push_back(std::move(p));
        ++added;
      }
    const size_t count = listed.providers.size();
    if (added == 0) {
      progress_->log(label + " lists only providers already read: past the end of the listing");
      ended = true;
      break;
    }
    progress_->log(label + ": " + std::to_string(count) + " providers" +
                   (added < count ? " (" + std::to_string(added) + " new)" : ""));
    start += count;
    if (stated && static_cast<long>(seen.size()) >= *stated) {  // as many as the site says it has
      ended = true;
      break;
    }
    if (page == 0 && count < rows) {
      if (!stated || static_cast<long>(seen.size()) < *stated)
        progress_->log(label + " lists " + std::to_string(count) + " of the " + std::to_string(rows) +
                       " rows asked for; reading on in case the site serves fewer rows a page");
      full_page = count;
      continue;
    }
    if (count < full_page) {  // a short page is the last one
      ended = true;
      break;
    }
  }
  if (!ended) {
    error("listing still had providers after " + std::to_string(rules_.listing.max_pages) +
          " pages (max_pages in " + rules_.file + ")");
    return false;
  }
  check_listing_total(seen.size(), stated);
  return true;
}

// A listing that ended normally but read other than the stated count, or fewer
// providers than the previous run read, is not trusted.
void Crawl::check_listing_total(size_t read, std::optional<long> stated) {
  if (stated && static_cast<long>(read) != *stated)
    suspect("suspect: the listing states " + std::to_string(*stated) + " results but " + std::to_string(read) +
            " providers were read" + (static_cast<long>(read) < *stated ? "; the listing ended early" : ""));
  for (const auto& run : store_.recent_runs(50)) {
    if (run.id == result_.run_id || run.status == store::RunStatus::running) continue;
    if ((run.command != "crawl" && run.command != "refresh") || run.counts.authorities_seen <= 0) continue;
    if (static_cast<int>(read) < run.counts.authorities_seen)
      suspect("suspect: the listing ended after " + std::to_string(read) + " providers, fewer than the " +
              std::to_string(run.counts.authorities_seen) + " the previous run (#" + std::to_string(run.id) +
              ") read");
    break;
  }
}

std::optional<ProviderPage> Crawl::fetch_provider(const ListedProvider& provider) {
  try {
    ProviderPage page = parse_provider_page(fetch_page(provider.url), provider.url, rules_);
    usage_.record("[provider] publication", rules_.provider.publication, page.publication_alternative);
    return page;
  } catch (const StopRequested&) {
    throw;
  } catch (const Error& e) {
    error("provider " + std::to_string(provider.urn) + " (" + provider.name + "): " + e.what());
    return std::nullopt;
  }
}

// The site check a refresh makes from what it fetched anyway: provider rules
// that find no publication on any page read mean the markup has changed, and
// the run stops before it changes anything stored.
void Crawl::check_provider_rules(const std::vector<std::optional<ProviderPage>>& pages) {
  int read = 0, with_publications = 0, file_links = 0;
  for (const auto& page : pages) {
    if (!page) continue;
    ++read;
    with_publications += page->publications.empty() ? 0 : 1;
    file_links += page->file_links;
  }
  if (read > 0 && with_publications == 0)
    throw Error("the provider rules found no publication on any of the " + std::to_string(read) +
                " provider pages read (" + std::to_string(file_links) +
                " file links on them); has the site's markup changed? Nothing stored was changed. See " +
                rules_.file + " [provider], and run `jtai check-site`");
}

void Crawl::apply_provider(const ListedProvider& provider, const ProviderPage& page, std::vector<int>& fully_read) {
  bool complete = true;
  if (static_cast<int>(page.publications.size()) < page.file_links) {
    error("provider " + std::to_string(provider.urn) + " (" + provider.name + "): read " +
          std::to_string(page.publications.size()) + " of " + std::to_string(page.file_links) +
          " file links; has the page markup changed? (see " + rules_.file + " [provider])");
    complete = false;
  }
  if (page.publications.empty()) {
    int known = 0;
    for (const auto& p : store_.publications_of(provider.urn)) known += p.gone_since ? 0 : 1;
    if (known > 0) {
      if (complete)
        error("provider " + std::to_string(provider.urn) + " (" + provider.name + ") lists none of its " +
              std::to_string(known) + " known publications; not marking them gone");
      complete = false;
    }
  }
  for (const auto& pub : page.publications) {
    store::PublicationRow row;
    row.urn = provider.urn;
    row.file_id = pub.file_id;
    row.url = pub.url;
    row.kind = pub.kind;
    row.title = pub.title;
    row.published_on = pub.published_on;
    store_.upsert_publication(row, started_at_);
    if (pub.kind == "jtai") ++result_.counts.jtai_seen;
  }
  if (complete) fully_read.push_back(provider.urn);
}

std::string Crawl::report_path(const store::PublicationRow& publication) {
  std::string slug;
  if (const Authority* a = authorities_->find(publication.urn)) slug = a->slug;
  if (slug.empty()) slug = slugify(authority_names_[publication.urn]);
  if (slug.empty()) slug = "authority";
  std::string kind_title = to_lower_ascii(trim(publication.title.substr(0, publication.title.find(','))));
  if (kind_title.empty()) kind_title = publication.kind;
  std::string when = publication.published_on ? file_date(*publication.published_on) : publication.file_id;
  const std::string folder = "reports/" + std::to_string(publication.urn) + "_" + safe_file_part(slug) + "/";
  std::string path = folder + safe_file_part(kind_title + " - " + when) + ".pdf";
  if (store_.file_path_taken(path, publication.id))
    path = folder + safe_file_part(kind_title + " - " + when + " (" + publication.file_id + ")") + ".pdf";
  return path;
}

void Crawl::download(const store::PublicationRow& publication) {
  const std::string label = authority_names_.count(publication.urn) ? authority_names_[publication.urn]
                                                                    : "URN " + std::to_string(publication.urn);
  const std::string what = label + " " + publication.published_on.value_or(publication.file_id);
  HttpResponse response;
  try {
    HttpRequest request;
    request.url = publication.url;
    request.max_bytes = rules_.http.pdf_max_bytes;
    response = http_->get(request);
  } catch (const StopRequested&) {
    throw;
  } catch (const Error& e) {
    error("download of " + what + " failed: " + e.what() + " (retried next run)");
    return;
  }
  auto reject = [&](const std::string& why) {
    error("download of " + what + " rejected: " + publication.url + " " + why + " (retried next run)");
  };
  if (response.status != 200) return reject("answered HTTP " + std::to_string(response.status));
  if (!type_accepted(response.content_type, rules_.http.pdf_content_types))
    return reject("served " + response.content_type + " where a PDF was expected");
  const std::string& body = response.body;
  if (body.rfind("%PDF-", 0) != 0) return reject("does not start with %PDF");
  if (body.find("%%EOF", body.size() > 2048 ? body.size() - 2048 : 0) == std::string::npos)
    return reject("is truncated (no %%EOF at the end)");

  std::string relative;
  const std::string sha = sha256_hex(body);
  try {
    relative = report_path(publication);
    write_file_atomic(store_.data_dir() / relative, body);
  } catch (const std::exception& e) {  // filesystem errors too: this letter only
    error(std::string("cannot store ") + what + ": " + e.what());
    return;
  }
  store_.record_file({publication.id, relative, sha, static_cast<int64_t>(body.size()), store::timestamp_now()});
  ++result_.counts.downloads;
  ++result_.counts.new_letters;
  result_.new_letters.push_back(label + " — " + publication.published_on.value_or("date unknown"));
  progress_->log(printable("stored " + relative + " (" + human_bytes(static_cast<int64_t>(body.size())) + ")"));
}

bool Crawl::stop_requested() {
  if (interrupted()) return true;
  if (deadline_ && std::chrono::steady_clock::now() >= *deadline_) out_of_time_ = true;
  return out_of_time_;
}

void Crawl::save_report(const store::StoredLetter& letter, const extract::Report& report) {
  store_.save_extraction(letter.publication.id, letter.file.sha256, report);
  store_.release_quarantine(letter.publication.id);
  ++result_.counts.extracted;
  if (report.kind == extract::Report::Kind::not_jtai)
    progress_->log(printable(letter.file.path + ": not a JTAI letter (" + report.reason + ")"));
}

void Crawl::store_parsed(const store::StoredLetter& letter, extract::IsolatedResult&& r) {
  const std::string& rules_version = extraction_rules_->version();
  const std::string& path = letter.file.path;
  const int64_t id = letter.publication.id;
  using S = extract::IsolatedResult::Status;
  if (r.status == S::ok) {
    store_.save_layout(letter.file.sha256, extract::kLayoutVersion, r.layout);
    save_report(letter, *r.report);
  } else if (r.status == S::unreadable) {
    store_.save_error_extraction(id, letter.file.sha256, rules_version, r.reason);
    error(path + ": cannot be read: " + r.reason + " (kept; recorded as an extraction error)");
  } else {
    // The sandbox stopped it: quarantined, so no later run spends its limits on it again.
    store_.quarantine(id, letter.file.sha256, extract::to_string(r.status), r.reason, program_version(),
                      rules_version);
    store_.save_error_extraction(id, letter.file.sha256, rules_version, "quarantined: " + r.reason);
    result_.quarantined.push_back(path + ": " + r.reason);
    error(path + ": " + r.reason + " (quarantined: not tried again until jtai or the rules change, or "
                                   "--retry-failed; see jtai status)");
  }
}

// Runs the rules over a stored layout when there is one; otherwise parses the
// PDF in the sandbox (extract/isolated.hpp), `jobs` letters at once. Every
// letter's trouble stays with that letter.
void Crawl::extract_letters(const std::vector<store::StoredLetter>& letters) {
  const std::string& rules_version = extraction_rules_->version();
  std::vector<const store::StoredLetter*> to_parse;
  for (const auto& letter : letters) {
    check_stop();
    try {
      if (!options_.retry_failed &&
          store_.should_skip(letter.publication.id, letter.file.sha256, program_version(), rules_version)) {
        ++result_.skipped_quarantined;
        continue;
      }
      if (auto stored = store_.load_layout(letter.file.sha256, extract::kLayoutVersion)) {
        std::optional<extract::Report> report;
        try {
          report = extract::extract_report(extract::decode_layout(*stored), *extraction_rules_, letter.publication.urn);
        } catch (const std::exception& e) {
          progress_->log(printable(letter.file.path + ": stored layout unusable (" + e.what() + "); parsing the PDF"));
        }
        if (report) {
          save_report(letter, *report);
          continue;
        }
      }
      to_parse.push_back(&letter);
    } catch (const std::exception& e) {
      error(letter.file.path + ": extraction failed: " + e.what() + " (tried again next run)");
    }
  }
  if (to_parse.empty()) return;
  std::vector<extract::IsolatedTask> tasks;
  for (const auto* letter : to_parse)
    tasks.push_back({store_.data_dir() / letter->file.path, letter->publication.urn});
  progress_->log("extracting " + std::to_string(tasks.size()) + " letter(s)");
  extract::IsolatedExtractor runner(*extraction_rules_, options_.isolation.value_or(extract::IsolationLimits{}),
                                    options_.jobs);
  runner.run(
      tasks,
      [&](size_t i, extract::IsolatedResult&& r) {
        try {
          store_parsed(*to_parse[i], std::move(r));
        } catch (const std::exception& e) {
          error(to_parse[i]->file.path + ": extraction failed: " + e.what() + " (tried again next run)");
        }
      },
      [this] { return stop_requested(); });
  check_stop();
}

store::RunStatus Crawl::judge() {
  auto& c = result_.counts;
  if (more_messages_ > 0) {
    result_.messages.push_back("... and " + std::to_string(more_messages_) + " more message(s) like these");
    more_messages_ = 0;
  }
  // The guard's verdicts are always recorded, however many messages came before.
  auto verdict = [this](const std::string& m) {
    progress_->log(m);
    result_.messages.push_back(m);
  };
  if (c.authorities_seen == 0) return store::RunStatus::failed;
  bool suspect = !listing_complete_ || c.errors > 0 || suspect_;
  if (auto baseline = store_.last_good_crawl()) {
    const double f = rules_.min_fraction;
    if (c.authorities_seen < f * baseline->counts.authorities_seen) {
      verdict("suspect: " + std::to_string(c.authorities_seen) + " authorities seen, " +
               std::to_string(baseline->counts.authorities_seen) + " in the last good run (#" +
               std::to_string(baseline->id) + ")");
      suspect = true;
    }
    if (c.jtai_seen < f * baseline->counts.jtai_seen) {
      verdict("suspect: " + std::to_string(c.jtai_seen) + " JTAI letters listed, " +
               std::to_string(baseline->counts.jtai_seen) + " in the last good run (#" +
               std::to_string(baseline->id) + ")");
      suspect = true;
    }
  }
  return suspect ? store::RunStatus::suspect : store::RunStatus::ok;
}

CrawlResult Crawl::run() {
  {  // refused before anything is recorded or sent; a rule-file mistake is reported by the run below
    std::optional<SiteRules> rules;
    try {
      rules = SiteRules::load(options_.rules_dir);
    } catch (const RuleError&) {
    }
    if (rules) {
      try {
        rules->set_contact(contact_from(options_.contact));
      } catch (const ContactRequired&) {
        throw;
      } catch (const Error& e) {
        throw ContactRequired(e.what());  // a malformed --contact / JTAI_CONTACT: bad input, nothing recorded
      }
      require_contact(*rules, options_.site);
    }
  }
  progress_ = std::make_unique<Progress>(options_.progress, options_.quiet);
  store_.close_abandoned_runs();
  if (options_.max_runtime_seconds)
    deadline_ = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                        std::chrono::duration<double>(*options_.max_runtime_seconds));
  result_.run_id = store_.begin_run(options_.command, options_.site);
  started_at_ = store_.run(result_.run_id)->started_at;
  store::RunStatus status = store::RunStatus::failed;
  std::optional<RuleError> rule_error;
  try {
    try {
      load_rules();
    } catch (const RuleError& e) {
      rule_error = e;  // recorded as a failed run, then reported as bad input
      throw;
    }
    site_ = options_.site;
    while (!site_.empty() && site_.back() == '/') site_.pop_back();
    auto site = parse_url(site_ + "/");
    if (!site) throw Error("--site " + options_.site + " is not an http(s) URL");

    HttpSettings settings;
    settings.rules = rules_.http;
    settings.delay_seconds = options_.delay_seconds;
    settings.allowed_hosts.insert(site->host);
    settings.should_stop = [this] { return stop_requested(); };
    for (const auto& h : rules_.http.file_hosts) settings.allowed_hosts.insert(to_lower_ascii(h));
    http_ = std::make_unique<HttpClient>(settings, [this](const std::string& line) { progress_->log(line); });

    std::vector<ListedProvider> providers;
    listing_complete_ = read_listing(providers);
    providers_total_ = static_cast<int>(providers.size());
    result_.counts.authorities_seen = providers_total_;

    // Every provider page is read before anything is stored, so rules that find
    // nothing on the live site stop the run with the store as it was.
    std::vector<std::optional<ProviderPage>> pages;
    pages.reserve(providers.size());
    for (const auto& p : providers) {
      check_stop();
      pages.push_back(fetch_provider(p));
      ++providers_done_;
      update_progress();
    }
    check_provider_rules(pages);
    for (const auto& warning : usage_.warnings()) message_("warning: " + warning);

    for (const auto& p : providers) {
      store_.upsert_authority({p.urn, p.name, p.provider_path}, started_at_);
      authority_names_[p.urn] = p.name;
    }
    std::vector<int> fully_read;
    for (size_t i = 0; i < providers.size(); ++i) {
      if (!pages[i]) continue;
      try {
        apply_provider(providers[i], *pages[i], fully_read);
      } catch (const std::exception& e) {  // any failure stays with this provider
        error("provider " + std::to_string(providers[i].urn) + " (" + providers[i].name + "): " + e.what());
      }
    }
    store_.mark_unlisted_publications(fully_read, started_at_);

    auto todo = store_.jtai_publications_without_file();
    downloads_total_ = static_cast<int>(todo.size());
    if (!todo.empty()) progress_->log(std::to_string(todo.size()) + " JTAI letter(s) to download");
    for (const auto& publication : todo) {
      check_stop();
      try {
        download(publication);
      } catch (const StopRequested&) {
        throw;
      } catch (const Refused&) {
        throw;  // the whole run stops (below)
      } catch (const std::exception& e) {  // any failure stays with this letter
        error("download of " + publication.url + " failed: " + e.what() + " (retried next run)");
      }
      ++downloads_done_;
      update_progress();
    }
    // The letters just downloaded, letters stored by a run that ended before extracting them, and
    // quarantined letters due another try (new program or rules version, or --retry-failed).
    auto letters = store_.letters_without_current_extraction();
    std::set<int64_t> listed;
    for (const auto& l : letters) listed.insert(l.publication.id);
    for (const auto& q : store_.quarantined())
      if (!listed.count(q.publication_id))
        if (auto l = store_.stored_letter(q.publication_id)) letters.push_back(std::move(*l));
    extract_letters(letters);

    status = judge();
  } catch (const StopRequested&) {
    if (interrupted()) {
      message_("interrupted by " + std::string(interrupt_signal() == SIGINT ? "SIGINT" : "SIGTERM") +
               "; everything stored so far is kept");
      status = store::RunStatus::interrupted;
    } else {
      ++result_.counts.errors;
      message_("stopped after --max-runtime " + std::to_string(static_cast<long long>(*options_.max_runtime_seconds)) +
               " s; everything fetched so far is kept, the rest is fetched next run");
      status = store::RunStatus::suspect;
    }
  } catch (const Refused& e) {
    // Stop at once: no more requests to that host (the client refuses them) and none elsewhere.
    progress_->log(e.what());
    progress_->log(kRefusedMessage);
    result_.messages.insert(result_.messages.begin(), {kRefusedMessage, std::string("refused: ") + e.what()});
    ++result_.counts.errors;
    status = store::RunStatus::failed;
  } catch (const Error& e) {
    result_.messages.push_back(e.what());
    if (!rule_error) progress_->log(e.what());  // a rule error is reported by the caller
    ++result_.counts.errors;
    status = store::RunStatus::failed;
  } catch (const std::exception& e) {  // whatever it is, the run ends recorded
    message_(std::string("unexpected error: ") + e.what());
    ++result_.counts.errors;
    status = store::RunStatus::failed;
  }
  if (!usage_.empty()) store_.save_run_selectors(result_.run_id, usage_.to_json());
  if (http_) {
    result_.counts.requests = http_->requests();
    result_.counts.bytes = http_->bytes();
  }
  result_.status = status;
  const auto& c = result_.counts;
  std::string summary = store::to_string(status) + ": " + std::to_string(c.authorities_seen) + " authorities, " +
                        std::to_string(c.jtai_seen) + " JTAI letters listed, " + std::to_string(c.downloads) +
                        " downloaded, " + std::to_string(c.extracted) + " extracted, " + std::to_string(c.errors) +
                        " error(s); " + std::to_string(c.requests) + " requests, " + human_bytes(c.bytes);
  store_.finish_run(result_.run_id, status, c, result_.messages, summary);
  progress_.reset();
  if (rule_error) throw *rule_error;
  return result_;
}

}  // namespace

CrawlResult run_crawl(store::Store& store, const CrawlOptions& options) { return Crawl(store, options).run(); }

bool is_loopback_host(const std::string& host) {
  std::string h = to_lower_ascii(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  const bool ipv4_127 = h.rfind("127.", 0) == 0 && h.find_first_not_of("0123456789.") == std::string::npos;
  return h == "localhost" || h == "::1" || ipv4_127 ||
         (h.size() > 10 && h.compare(h.size() - 10, 10, ".localhost") == 0);
}

void require_contact(const SiteRules& rules, const std::string& site) {
  if (!rules.has_example_contact()) return;
  auto parts = parse_url(site + (site.empty() || site.back() != '/' ? "/" : ""));
  if (parts && is_loopback_host(parts->host)) return;
  throw ContactRequired("refusing to crawl " + site + " with the example contact address (" + rules.http.contact +
                        ") in the User-Agent: give yours with --contact ADDRESS or JTAI_CONTACT=ADDRESS "
                        "(see README: live-site checklist)");
}

}  // namespace jtai::crawler

#include "crawler/site_check.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "common/error.hpp"
#include "common/text.hpp"
#include "crawler/crawl.hpp"
#include "crawler/http.hpp"
#include "crawler/site_pages.hpp"
#include "crawler/site_rules.hpp"
#include "crawler/url.hpp"

namespace jtai::crawler {

namespace {

using Verdict = CheckLine::Verdict;

const char* verdict_word(Verdict v) {
  switch (v) {
    case Verdict::ok: return "ok";
    case Verdict::note: return "note";
    case Verdict::fallback: return "FALLBACK";
    case Verdict::nothing: return "NOTHING";
    case Verdict::failed: return "FAILED";
  }
  return "?";
}

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

class Checker {
 public:
  explicit Checker(const SiteCheckOptions& options) : options_(options) {}

  SiteCheckResult run();

 private:
  void add(Verdict v, std::string what, std::string detail) {
    result_.lines.push_back({v, std::move(what), std::move(detail)});
  }
  // Reports which alternative of `chain` matched; returns false when none did.
  bool chain_line(const std::string& rule, const SelectorChain& chain, int alternative, const std::string& found,
                  bool optional = false);
  std::optional<std::string> get_page(const std::string& what, const std::string& url);
  std::optional<ListingPage> listing_page(const std::string& what, size_t start);
  bool provider_with_jtai(const std::vector<ListedProvider>& listed);

  const SiteCheckOptions& options_;
  SiteRules rules_;
  std::unique_ptr<HttpClient> http_;
  std::string site_;
  SiteCheckResult result_;
};

bool Checker::chain_line(const std::string& rule, const SelectorChain& chain, int alternative,
                         const std::string& found, bool optional) {
  if (alternative == 0) {
    add(Verdict::ok, rule, "'" + chain.alternatives[0].text + "' " + found);
    return true;
  }
  if (alternative > 0) {
    add(Verdict::fallback, rule,
        "fallback '" + chain.alternatives[static_cast<size_t>(alternative)].text + "' " + found + "; the expected '" +
            chain.alternatives[0].text + "' matched nothing");
    return true;
  }
  add(optional ? Verdict::note : Verdict::nothing, rule,
      "no selector matched (" + chain.text() + ")" + (optional ? " (optional)" : ""));
  return false;
}

std::optional<std::string> Checker::get_page(const std::string& what, const std::string& url) {
  try {
    HttpRequest request;
    request.url = url;
    request.max_bytes = rules_.http.page_max_bytes;
    HttpResponse r = http_->get(request);
    if (r.status != 200) {
      add(Verdict::failed, what, url + " answered HTTP " + std::to_string(r.status));
      return std::nullopt;
    }
    return std::move(r.body);
  } catch (const FetchError& e) {
    add(Verdict::failed, what, e.what());
    return std::nullopt;
  }
}

std::optional<ListingPage> Checker::listing_page(const std::string& what, size_t start) {
  const std::string url =
      with_query(site_ + rules_.listing.path, rules_.listing.start_parameter + "=" + std::to_string(start) + "&" +
                                                   rules_.listing.rows_parameter + "=" +
                                                   std::to_string(rules_.listing.rows));
  auto html = get_page(what, url);
  if (!html) return std::nullopt;
  ListingPage page = parse_listing_page(*html, url, rules_);
  add(Verdict::ok, what, "HTTP 200, start=" + std::to_string(start));
  chain_line("[listing] provider_link", rules_.listing.provider_link, page.link_alternative,
             "matched " + std::to_string(page.providers.size()) + " provider link(s)");
  if (!rules_.listing.count.alternatives.empty())
    chain_line("[listing] count", rules_.listing.count, page.count_alternative,
               page.stated_count ? "states " + std::to_string(*page.stated_count) + " results" : "", true);
  return page;
}

// Reads provider pages (the rule file's known URNs first, then the listed
// order) until one lists a JTAI letter, then HEADs that letter's file.
bool Checker::provider_with_jtai(const std::vector<ListedProvider>& listed) {
  std::vector<const ListedProvider*> order;
  for (int urn : rules_.check.jtai_provider_urns)
    for (const auto& p : listed)
      if (p.urn == urn) order.push_back(&p);
  for (const auto& p : listed)
    if (std::find(order.begin(), order.end(), &p) == order.end()) order.push_back(&p);
  if (order.size() > static_cast<size_t>(rules_.check.max_provider_pages))
    order.resize(static_cast<size_t>(rules_.check.max_provider_pages));

  int read = 0, publications = 0;
  for (const ListedProvider* p : order) {
    auto html = get_page("provider page " + p->provider_path, p->url);
    if (!html) return false;
    ++read;
    ProviderPage page = parse_provider_page(*html, p->url, rules_);
    publications += static_cast<int>(page.publications.size());
    const ListedPublication* jtai = nullptr;
    for (const auto& pub : page.publications)
      if (pub.kind == "jtai" && !jtai) jtai = &pub;
    if (!jtai && page.publication_alternative >= 0 && page.link_alternative <= 0) continue;  // try the next
    // Report the rules on this page: it has a JTAI, or something in it is amiss.
    add(Verdict::ok, "provider page", p->name + " (" + p->provider_path + "), HTTP 200");
    const std::string found = "matched " + std::to_string(page.publications.size()) + " publication(s) of the " +
                              std::to_string(page.file_links) + " file link(s) on the page";
    chain_line("[provider] publication", rules_.provider.publication, page.publication_alternative, found);
    if (page.publication_alternative >= 0) {
      chain_line("[provider] link", rules_.provider.link, page.link_alternative, "found each publication's file link");
      if (static_cast<int>(page.publications.size()) < page.file_links)
        add(Verdict::nothing, "[provider] publication",
            "read " + std::to_string(page.publications.size()) + " of " + std::to_string(page.file_links) +
                " file links: some publications are outside what the rules select");
      const int dated = static_cast<int>(page.publications.size()) - page.undated;
      add(page.undated ? Verdict::nothing : Verdict::ok, "[provider] date / day_date",
          std::to_string(dated) + " of " + std::to_string(page.publications.size()) + " publications dated");
      if (page.events_without_file)
        add(Verdict::note, "[provider] events", std::to_string(page.events_without_file) +
                                                    " event(s) without a file link (ignored)");
    }
    if (!jtai) {
      add(Verdict::nothing, "[[kind]] jtai", "no publication on this page is a JTAI letter");
      return false;
    }
    add(Verdict::ok, "[[kind]] jtai", "'" + jtai->title + "' (" + jtai->published_on.value_or("no date") + ")");
    try {
      HttpRequest head;
      head.url = jtai->url;
      head.head = true;
      head.max_bytes = rules_.http.pdf_max_bytes;
      HttpResponse r = http_->get(head);
      const bool pdf = std::any_of(rules_.http.pdf_content_types.begin(), rules_.http.pdf_content_types.end(),
                                   [&](const std::string& t) { return r.content_type.rfind(t, 0) == 0; });
      if (r.status == 200 && pdf)
        add(Verdict::ok, "file (HEAD)", jtai->url + ": HTTP 200, " + r.content_type);
      else
        add(Verdict::failed, "file (HEAD)", jtai->url + ": HTTP " + std::to_string(r.status) + ", " +
                                                (r.content_type.empty() ? "no Content-Type" : r.content_type));
    } catch (const FetchError& e) {
      add(Verdict::failed, "file (HEAD)", e.what());
    }
    return true;
  }
  add(Verdict::nothing, "[[kind]] jtai",
      "none of the " + std::to_string(read) + " provider page(s) read lists a JTAI letter (" +
          std::to_string(publications) + " publications read); see [check] and [[kind]] in " + rules_.file);
  return false;
}

SiteCheckResult Checker::run() {
  rules_ = SiteRules::load(options_.rules_dir);
  rules_.set_contact(contact_from(options_.contact));
  if (options_.timeout_seconds) {
    rules_.http.total_timeout_seconds = *options_.timeout_seconds;
    rules_.http.connect_timeout_seconds = std::min(rules_.http.connect_timeout_seconds, *options_.timeout_seconds);
  }
  rules_.http.max_attempts = std::min(rules_.http.max_attempts, 2);  // a check, not a harvest: give up sooner
  site_ = options_.site;
  while (!site_.empty() && site_.back() == '/') site_.pop_back();
  auto site = parse_url(site_ + "/");
  if (!site) throw Error("--site " + options_.site + " is not an http(s) URL");
  require_contact(rules_, site_);
  result_.user_agent = rules_.http.user_agent;

  HttpSettings settings;
  settings.rules = rules_.http;
  settings.delay_seconds = options_.delay_seconds;
  settings.allowed_hosts.insert(site->host);
  for (const auto& h : rules_.http.file_hosts) settings.allowed_hosts.insert(to_lower_ascii(h));
  http_ = std::make_unique<HttpClient>(settings, [](const std::string&) {});

  try {
    const std::string listing_url = site_ + rules_.listing.path;
    bool allowed = false;
    try {
      allowed = http_->robots_allows(listing_url);
    } catch (const FetchError& e) {
      add(Verdict::failed, "robots.txt", e.what());
      result_.requests = http_->requests();
      return result_;
    }
    if (!allowed) {
      add(Verdict::failed, "robots.txt", "disallows the listing " + rules_.listing.path + " for '" +
                                             rules_.http.robots_token + "'");
      result_.requests = http_->requests();
      return result_;
    }
    add(Verdict::ok, "robots.txt", "allows the listing for '" + rules_.http.robots_token + "'");

    auto first = listing_page("listing page 1", 0);
    if (first && !first->providers.empty()) {
      std::vector<ListedProvider> listed = first->providers;
      const size_t served = first->providers.size();
      // The last page: from the stated count when there is one, else the page after page 1.
      std::optional<size_t> last_start;
      if (first->stated_count && *first->stated_count > static_cast<long>(served))
        last_start = static_cast<size_t>((*first->stated_count - 1) / static_cast<long>(served)) * served;
      else if (!first->stated_count)
        last_start = served;
      if (last_start) {
        auto last = listing_page("listing last page", *last_start);
        if (last) {
          if (last->providers.empty())
            add(first->stated_count ? Verdict::nothing : Verdict::note, "listing last page",
                first->stated_count ? "lists nobody although the count says it should"
                                    : "lists nobody: page 1 held the whole listing");
          for (auto& p : last->providers) {
            const bool known = std::any_of(listed.begin(), listed.end(), [&](const auto& q) { return q.urn == p.urn; });
            if (!known) listed.push_back(std::move(p));
          }
        }
      } else {
        add(Verdict::note, "listing last page", "page 1 holds all " + std::to_string(served) + " results");
      }
      provider_with_jtai(listed);
    }
  } catch (const Refused& e) {
    add(Verdict::failed, "refused", std::string(e.what()) + ": " + kRefusedMessage);
  }
  result_.requests = http_->requests();
  return result_;
}

}  // namespace

int SiteCheckResult::exit_status() const {
  bool failed = false, degraded = false;
  for (const auto& l : lines) {
    failed = failed || l.verdict == Verdict::failed;
    degraded = degraded || l.verdict == Verdict::fallback || l.verdict == Verdict::nothing;
  }
  return failed ? 1 : degraded ? 4 : 0;
}

std::string SiteCheckResult::format() const {
  std::ostringstream s;
  s << "User-Agent: " << user_agent << "\n";
  size_t width = 0;
  for (const auto& l : lines) width = std::max(width, l.what.size());
  for (const auto& l : lines) {
    std::string word = verdict_word(l.verdict);
    s << "  " << word << std::string(10 - std::min<size_t>(word.size(), 9), ' ') << l.what
      << std::string(width + 2 - l.what.size(), ' ') << l.detail << "\n";
  }
  const int status = exit_status();
  s << "check-site: " << requests << " request(s); "
    << (status == 0   ? "every rule found what it should"
        : status == 4 ? "some rules fell back or found nothing: the site's markup has moved; update rules/site.toml"
                      : "the site could not be read")
    << " (exit " << status << ")\n";
  return s.str();
}

SiteCheckResult check_site(const SiteCheckOptions& options) { return Checker(options).run(); }

}  // namespace jtai::crawler

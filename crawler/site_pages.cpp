#include "crawler/site_pages.hpp"

#include <algorithm>
#include <set>

#include "common/text.hpp"
#include "crawler/selector.hpp"
#include "crawler/url.hpp"

namespace jtai::crawler {

ListingPage parse_listing_page(const std::string& html, const std::string& page_url, const SiteRules& rules) {
  HtmlDocument doc(html);
  ListingPage page;
  const auto& alternatives = rules.listing.provider_link.alternatives;
  for (size_t alt = 0; alt < alternatives.size() && page.providers.empty(); ++alt) {
    std::set<int> seen;
    for (const GumboNode* a : select_all(doc.root(), alternatives[alt])) {
      const char* href = attribute_of(a, "href");
      if (!href) continue;
      std::string urn_text;
      if (!re2::RE2::PartialMatch(href, *rules.listing.provider_href, &urn_text)) continue;
      int urn = 0;
      try {
        urn = std::stoi(urn_text);
      } catch (...) {
        continue;
      }
      if (urn <= 0 || !seen.insert(urn).second) continue;
      auto url = resolve_url(page_url, href);
      auto parts = url ? parse_url(*url) : std::nullopt;
      if (!parts) continue;
      ListedProvider p;
      p.urn = urn;
      p.name = text_of(a);
      p.provider_path = parts->path_and_query;
      p.url = *url;
      page.providers.push_back(std::move(p));
    }
    if (!page.providers.empty()) page.link_alternative = static_cast<int>(alt);
  }
  const auto& counts = rules.listing.count.alternatives;
  for (size_t alt = 0; alt < counts.size() && !page.stated_count; ++alt) {
    for (const GumboNode* n : select_all(doc.root(), counts[alt])) {
      std::string digits;
      if (!re2::RE2::PartialMatch(text_of(n), *rules.listing.count_pattern, &digits)) continue;
      digits.erase(std::remove(digits.begin(), digits.end(), ','), digits.end());
      try {
        page.stated_count = std::stol(digits);
        page.count_alternative = static_cast<int>(alt);
      } catch (...) {
        continue;
      }
      break;
    }
  }
  return page;
}

std::vector<ListedProvider> parse_listing(const std::string& html, const std::string& page_url, const SiteRules& rules) {
  return parse_listing_page(html, page_url, rules).providers;
}

namespace {

std::optional<std::string> date_of(const GumboNode* date) {
  if (!date) return std::nullopt;
  if (auto d = parse_day_month_year(text_of(date))) return d;
  if (const char* dt = attribute_of(date, "datetime")) {
    std::string iso = trim(dt).substr(0, 10);
    if (iso.size() == 10 && iso[4] == '-' && iso[7] == '-') return iso;
  }
  return std::nullopt;
}

}  // namespace

ProviderPage parse_provider_page(const std::string& html, const std::string& page_url, const SiteRules& rules) {
  HtmlDocument doc(html);
  ProviderPage page;
  std::set<std::string> file_ids;
  for (const GumboNode* a : select_all(doc.root(), *Selector::parse("a[href]"))) {
    std::string id;
    if (re2::RE2::PartialMatch(attribute_of(a, "href"), *rules.provider.file_href, &id)) file_ids.insert(id);
  }
  page.file_links = static_cast<int>(file_ids.size());

  const auto& alternatives = rules.provider.publication.alternatives;
  for (size_t alt = 0; alt < alternatives.size() && page.publications.empty(); ++alt) {
    std::set<std::string> seen;
    int without_file = 0, undated = 0, link_alt = -1;
    for (const GumboNode* item : select_all(doc.root(), alternatives[alt])) {
      int this_link_alt = -1;
      const GumboNode* link = select_first(item, rules.provider.link, &this_link_alt);
      const char* href = link ? attribute_of(link, "href") : nullptr;
      auto url = href ? resolve_url(page_url, href) : std::nullopt;
      ListedPublication pub;
      if (!url || !re2::RE2::PartialMatch(*url, *rules.provider.file_href, &pub.file_id)) {
        ++without_file;  // an event without a publication (e.g. a visit): nothing to read
        continue;
      }
      if (!seen.insert(pub.file_id).second) continue;
      link_alt = std::max(link_alt, this_link_alt);
      pub.url = *url;
      const GumboNode* nonvisual = select_first(link, rules.provider.nonvisual);
      pub.kind_title = canonical_publication_text(text_without(link, rules.provider.nonvisual));
      pub.title = nonvisual ? canonical_publication_text(text_of(nonvisual)) : pub.kind_title;
      pub.kind = rules.classify(pub.title.empty() ? pub.kind_title : pub.title);
      const GumboNode* date = select_first(item, rules.provider.date);
      if (!date && !rules.provider.day.alternatives.empty()) {
        // The timeline gives the date once per day, outside each publication's title.
        for (const auto& day_selector : rules.provider.day.alternatives)
          if (const GumboNode* day = closest(item, day_selector)) {
            date = select_first(day, rules.provider.day_date);
            if (date) break;
          }
      }
      if (date) pub.date_text = text_of(date);
      pub.published_on = date_of(date);
      if (!pub.published_on) {
        // The nonvisual text ends "..., pdf - 31 March 2023".
        auto dash = pub.title.rfind(" - ");
        if (dash != std::string::npos) pub.published_on = parse_day_month_year(pub.title.substr(dash + 3));
      }
      if (!pub.published_on) ++undated;
      page.publications.push_back(std::move(pub));
    }
    if (!page.publications.empty()) {
      page.publication_alternative = static_cast<int>(alt);
      page.events_without_file = without_file;
      page.link_alternative = link_alt;
      page.undated = undated;
    }
  }
  return page;
}

}  // namespace jtai::crawler

#include "crawler/site_pages.hpp"

#include <set>

#include "common/text.hpp"
#include "crawler/selector.hpp"
#include "crawler/url.hpp"

namespace jtai::crawler {

std::vector<ListedProvider> parse_listing(const std::string& html, const std::string& page_url, const SiteRules& rules) {
  HtmlDocument doc(html);
  std::vector<ListedProvider> out;
  std::set<int> seen;
  for (const GumboNode* a : select_all(doc.root(), rules.listing.provider_link)) {
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
    out.push_back(std::move(p));
  }
  return out;
}

ProviderPage parse_provider_page(const std::string& html, const std::string& page_url, const SiteRules& rules) {
  HtmlDocument doc(html);
  ProviderPage page;
  std::set<std::string> file_ids;
  for (const GumboNode* a : select_all(doc.root(), *Selector::parse("a[href]"))) {
    std::string id;
    if (re2::RE2::PartialMatch(attribute_of(a, "href"), *rules.provider.file_href, &id)) file_ids.insert(id);
  }
  page.file_links = static_cast<int>(file_ids.size());

  std::set<std::string> seen;
  for (const GumboNode* item : select_all(doc.root(), rules.provider.publication)) {
    const GumboNode* link = select_first(item, rules.provider.link);
    if (!link) continue;
    const char* href = attribute_of(link, "href");
    if (!href) continue;
    auto url = resolve_url(page_url, href);
    ListedPublication pub;
    if (!url || !re2::RE2::PartialMatch(*url, *rules.provider.file_href, &pub.file_id)) continue;
    if (!seen.insert(pub.file_id).second) continue;
    pub.url = *url;
    const GumboNode* nonvisual = select_first(link, rules.provider.nonvisual);
    pub.kind_title = text_without(link, rules.provider.nonvisual);
    pub.title = nonvisual ? text_of(nonvisual) : pub.kind_title;
    pub.kind = rules.classify(to_lower_ascii(pub.title.empty() ? pub.kind_title : pub.title));
    if (const GumboNode* date = select_first(item, rules.provider.date)) {
      pub.date_text = text_of(date);
      pub.published_on = parse_day_month_year(pub.date_text);
      if (!pub.published_on) {
        if (const char* dt = attribute_of(date, "datetime")) {
          pub.published_on = iso_date(trim(dt));  // only a real date
        }
      }
    }
    if (!pub.published_on) {
      // The nonvisual text ends "..., pdf - 31 March 2023".
      auto dash = pub.title.rfind(" - ");
      if (dash != std::string::npos) pub.published_on = parse_day_month_year(pub.title.substr(dash + 3));
    }
    page.publications.push_back(std::move(pub));
  }
  return page;
}

}  // namespace jtai::crawler

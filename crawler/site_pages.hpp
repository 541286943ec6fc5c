#pragma once
// Reading the site's pages (Gumbo + the selectors and patterns of site.toml).
#include <optional>
#include <string>
#include <vector>

#include "crawler/site_rules.hpp"

namespace jtai::crawler {

struct ListedProvider {
  int urn = 0;
  std::string name;           // link text, as Ofsted spells it
  std::string provider_path;  // site-relative, e.g. "/provider/44/80426"
  std::string url;            // absolute
};

struct ListingPage {
  std::vector<ListedProvider> providers;  // in page order, each URN once
  int link_alternative = -1;              // which [listing] provider_link selector found them (-1: none)
  std::optional<long> stated_count;       // the result count the page states, if any
  int count_alternative = -1;             // which [listing] count selector found it
};

ListingPage parse_listing_page(const std::string& html, const std::string& page_url, const SiteRules& rules);
// Providers on one listing page, in page order, each URN once.
std::vector<ListedProvider> parse_listing(const std::string& html, const std::string& page_url, const SiteRules& rules);

struct ListedPublication {
  std::string file_id;
  std::string url;         // absolute file URL
  std::string kind;        // from SiteRules::classify
  std::string title;       // the nonvisual text (or link text), canonical_publication_text()
  std::string kind_title;  // the visible link text, e.g. "Joint area child protection inspection"
  std::optional<std::string> published_on;  // ISO date from the date element
  std::string date_text;                    // the date element's text, e.g. "31 March 2023"
};

struct ProviderPage {
  std::vector<ListedPublication> publications;
  // Links to files anywhere on the page. More of these than publications
  // read means the markup no longer matches the rules.
  int file_links = 0;
  int publication_alternative = -1;  // which [provider] publication selector found them (-1: none)
  int link_alternative = -1;         // the furthest [provider] link selector any publication needed
  int events_without_file = 0;       // publication elements with no file link (ignored)
  int undated = 0;                   // publications whose date no rule found
};

ProviderPage parse_provider_page(const std::string& html, const std::string& page_url, const SiteRules& rules);

}  // namespace jtai::crawler

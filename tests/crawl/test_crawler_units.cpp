// Unit tests of the crawler's parts: robots.txt, Retry-After, URL helpers,
// selectors, listing/provider page parsing and rules/site.toml loading.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>

#include "common/error.hpp"
#include "common/files.hpp"
#include "crawler/crawl.hpp"
#include "crawler/http.hpp"
#include "crawler/rule_usage.hpp"
#include "crawler/selector.hpp"
#include "crawler/robots.hpp"
#include "crawler/site_pages.hpp"
#include "crawler/site_rules.hpp"
#include "crawler/url.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai;
using namespace jtai::crawler;

TEST_CASE("robots.txt: groups, longest match, Allow wins ties, wildcards") {
  const std::string text =
      "User-agent: badbot\nDisallow: /\n\n"
      "User-agent: *\nDisallow: /private/\nAllow: /private/open\nDisallow: /search?*&sort=\nDisallow: /*.json$\n"
      "Crawl-delay: 2\n";
  Robots r = Robots::parse(text, "jtai");
  CHECK(r.allowed("/provider/44/80426"));
  CHECK_FALSE(r.allowed("/private/x"));
  CHECK(r.allowed("/private/open/page"));
  CHECK_FALSE(r.allowed("/search?q=&sort=name"));
  CHECK(r.allowed("/search?q=&start=100"));
  CHECK_FALSE(r.allowed("/data.json"));
  CHECK(r.allowed("/data.json?x=1"));
  CHECK(r.crawl_delay() == doctest::Approx(2.0));

  Robots bad = Robots::parse(text, "badbot");
  CHECK_FALSE(bad.allowed("/provider/44/80426"));
  CHECK(bad.allowed("/robots.txt"));

  Robots specific = Robots::parse("User-agent: *\nDisallow: /\nUser-agent: JTAI\nDisallow: /x\n", "jtai");
  CHECK(specific.allowed("/y"));
  CHECK_FALSE(specific.allowed("/x"));

  CHECK(Robots::parse("", "jtai").allowed("/anything"));
  CHECK(Robots::parse("User-agent: *\nDisallow:\n", "jtai").allowed("/anything"));
  CHECK_FALSE(Robots::disallow_all().allowed("/"));
}

TEST_CASE("Retry-After: seconds and HTTP dates") {
  CHECK(parse_retry_after("120") == doctest::Approx(120.0));
  CHECK(parse_retry_after(" 0 ") == doctest::Approx(0.0));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == doctest::Approx(0.0));  // in the past
  auto future = parse_retry_after("Fri, 01 Jan 2100 00:00:00 GMT");
  REQUIRE(future);
  CHECK(*future > 1e9);
  CHECK_FALSE(parse_retry_after("soon"));
}

TEST_CASE("URLs resolve and split") {
  CHECK(resolve_url("https://reports.ofsted.gov.uk/search?q=", "/provider/44/80426") ==
        "https://reports.ofsted.gov.uk/provider/44/80426");
  CHECK(resolve_url("http://127.0.0.1:8080/v1/file/1", "/v1/file/1/content") == "http://127.0.0.1:8080/v1/file/1/content");
  auto p = parse_url("HTTP://Files.Ofsted.gov.uk:8443/v1/file/50212861?x=1");
  REQUIRE(p);
  CHECK(p->host == "files.ofsted.gov.uk");
  CHECK(p->port == "8443");
  CHECK(p->path_and_query == "/v1/file/50212861?x=1");
  CHECK_FALSE(parse_url("ftp://example.org/x"));
  CHECK_FALSE(parse_url("/relative"));
}

TEST_CASE("selectors parse and reject") {
  CHECK(Selector::parse("span.event__title"));
  CHECK(Selector::parse(".nonvisual"));
  CHECK(Selector::parse("a[href]"));
  CHECK(Selector::parse("time"));
  CHECK(Selector::parse("div > a"));
  CHECK(Selector::parse("ul.results-list > li.search-result > h3.search-result__title > a[href]"));
  CHECK(Selector::parse("main a[href^=\"/provider/\"]"));
  CHECK(Selector::parse("a[href*='/v1/file/'][target=_blank]"));
  CHECK(Selector::parse("#results li.a.b"));
  CHECK(Selector::parse("*[data-x]"));
  auto parsed = Selector::parse("  ol.timeline >li.timeline__day   p.timeline__date time ");
  REQUIRE(parsed);
  REQUIRE(parsed->parts.size() == 4);
  CHECK(parsed->parts[0].tag == "ol");
  CHECK_FALSE(parsed->parts[0].child_of_previous);
  CHECK(parsed->parts[1].child_of_previous);
  CHECK(parsed->parts[1].classes == std::vector<std::string>{"timeline__day"});
  CHECK_FALSE(parsed->parts[2].child_of_previous);
  CHECK(parsed->parts[3].tag == "time");
  CHECK_FALSE(Selector::parse(""));
  CHECK_FALSE(Selector::parse("a[href"));
  CHECK_FALSE(Selector::parse("a >"));
  CHECK_FALSE(Selector::parse("> a"));
  CHECK_FALSE(Selector::parse("a > > b"));
  CHECK_FALSE(Selector::parse("a[href=\"x]"));
  CHECK_FALSE(Selector::parse("a[href==x]"));
  CHECK_FALSE(Selector::parse("a.:hover"));
  CHECK_FALSE(Selector::parse("a, b"));
}

namespace {
// Texts of the elements `selector` selects in `html`, joined by '|'.
std::string picked(const std::string& html, const std::string& selector) {
  HtmlDocument doc(html);
  auto s = Selector::parse(selector);
  REQUIRE(s);
  std::string out;
  for (const GumboNode* n : select_all(doc.root(), *s)) {
    if (!out.empty()) out += '|';
    out += text_of(n);
  }
  return out;
}
}  // namespace

TEST_CASE("selectors match by descendant, child and attribute tests") {
  const std::string html =
      "<html><body><aside><ul><li><a href=\"/provider/44/1\">Recent</a></li></ul></aside>"
      "<ul class=\"results-list\"><li class=\"search-result\"><h3 class=\"search-result__title\">"
      "<a href=\"/provider/44/2\">Two</a></h3><p><a href=\"/about\">About</a></p></li>"
      "<li class=\"search-result other\"><h3 class=\"search-result__title\"><a href=\"/provider/44/3\" "
      "data-kind=\"la featured\">Three</a></h3></li></ul><div id=\"x\"><span><a href=\"/y\">Y</a></span></div>"
      "</body></html>";
  CHECK(picked(html, "a") == "Recent|Two|About|Three|Y");
  CHECK(picked(html, "ul.results-list a") == "Two|About|Three");
  CHECK(picked(html, "ul.results-list > li.search-result > h3.search-result__title > a[href]") == "Two|Three");
  CHECK(picked(html, "ul.results-list > a").empty());  // a is not a child of the ul
  CHECK(picked(html, "li > a") == "Recent");
  CHECK(picked(html, "li.search-result.other a") == "Three");
  CHECK(picked(html, "a[href^=\"/provider/\"]") == "Recent|Two|Three");
  CHECK(picked(html, "a[href$=\"/3\"]") == "Three");
  CHECK(picked(html, "a[href*=\"44/2\"]") == "Two");
  CHECK(picked(html, "a[href=\"/about\"]") == "About");
  CHECK(picked(html, "a[data-kind~=featured]") == "Three");
  CHECK(picked(html, "a[data-kind~=feat]").empty());
  CHECK(picked(html, "#x a") == "Y");
  CHECK(picked(html, "div#x > span > a") == "Y");
  CHECK(picked(html, "body > div a") == "Y");
  CHECK(picked(html, "aside li a[href]") == "Recent");

  // Relative to an element: ancestors are looked for only up to (and including) it.
  HtmlDocument doc(html);
  const GumboNode* item = select_first(doc.root(), *Selector::parse("li.other"));
  REQUIRE(item);
  CHECK(select_all(item, *Selector::parse("li h3 a")).size() == 1);
  CHECK(select_all(item, *Selector::parse("ul li a")).empty());  // the ul is outside the item
  CHECK(closest(select_first(item, *Selector::parse("a")), *Selector::parse("ul.results-list > li")) == item);
}

TEST_CASE("selector chains: the first alternative that matches, and which one it was") {
  const std::string html = "<html><body><main><ol class=\"search-results\"><li><a href=\"/p/1\">1</a></li></ol></main></body></html>";
  HtmlDocument doc(html);
  SelectorChain chain{{*Selector::parse("ul.results-list a"), *Selector::parse("main a"), *Selector::parse("a")}};
  auto m = select_all(doc.root(), chain);
  CHECK(m.alternative == 1);
  CHECK(m.nodes.size() == 1);
  int alt = 7;
  CHECK(select_first(doc.root(), chain, &alt));
  CHECK(alt == 1);
  SelectorChain none{{*Selector::parse("table")}};
  CHECK(select_all(doc.root(), none).alternative == -1);
  CHECK_FALSE(select_first(doc.root(), none, &alt));
  CHECK(alt == -1);
  CHECK(chain.text() == "'ul.results-list a' | 'main a' | 'a'");
}

TEST_CASE("rule usage: fallbacks and misses become warnings; round trip through JSON") {
  SelectorChain chain{{*Selector::parse("ul a"), *Selector::parse("a")}};
  RuleUsage usage;
  usage.record("[listing] provider_link", chain, 0);
  CHECK(usage.warnings().empty());
  usage.record("[listing] provider_link", chain, 1);
  usage.record("[listing] count", chain, -1, true);
  auto w = usage.warnings();
  REQUIRE(w.size() == 1);  // an optional rule finding nothing is no warning
  CHECK(w[0].find("[listing] provider_link: fell back to 'a' on 1 of 2 page(s)") == 0);
  usage.record("[provider] publication", chain, -1);
  auto back = RuleUsage::from_json(usage.to_json());
  auto w2 = back.warnings();
  REQUIRE(w2.size() == 2);
  bool saw_none = false;
  for (const auto& line : w2) saw_none = saw_none || line.find("[provider] publication: matched nothing on 1 of 1") == 0;
  CHECK(saw_none);
  CHECK(RuleUsage::from_json("not json").empty());
  CHECK(RuleUsage::from_json("{}").warnings().empty());
}

TEST_CASE("publication texts are normalised before kinds are matched") {
  CHECK(canonical_publication_text("Joint area child protection inspection, pdf - 31 March 2023") ==
        "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(canonical_publication_text("Joint area child protection inspection,  pdf - 31 March 2023") ==
        "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(canonical_publication_text("Joint area child protection inspection  pdf - 31 March 2023") ==
        "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(canonical_publication_text("Joint area child protection inspection as pdf - 31 March 2023") ==
        "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(canonical_publication_text("Joint area child protection inspection, PDF - 31 March 2023") ==
        "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(canonical_publication_text("Joint area child protection inspection (PDF) \xE2\x80\x93 31\xC2\xA0March 2023") ==
        "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(canonical_publication_text("Joint area child protection inspection,pdf-31 March 2023") ==
        "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(canonical_publication_text("  Children\xE2\x80\x99s services inspection as PDF ") == "Children's services inspection, pdf");
  CHECK(canonical_publication_text("Pdf guidance for providers") == "Pdf guidance for providers");
  CHECK(normalise_kind_text("JOINT AREA CHILD PROTECTION INSPECTION as PDF - 1 May 2020") ==
        "joint area child protection inspection, pdf - 1 may 2020");
}

TEST_CASE("the contact address: option, environment, rules; refused for real hosts while it is the example") {
  SiteRules rules = SiteRules::load(test::rules_dir());
  CHECK(rules.http.user_agent.find("jtai-maintainers@example.org") != std::string::npos);
  CHECK(rules.has_example_contact());
  CHECK_THROWS_AS(require_contact(rules, "https://reports.ofsted.gov.uk"), ContactRequired);
  CHECK_THROWS_AS(require_contact(rules, "http://192.0.2.1:8080"), ContactRequired);
  CHECK_NOTHROW(require_contact(rules, "http://127.0.0.1:8080"));
  CHECK_NOTHROW(require_contact(rules, "http://localhost:8080/"));
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("[::1]"));
  CHECK_FALSE(is_loopback_host("reports.ofsted.gov.uk"));
  CHECK_FALSE(is_loopback_host("127.example.org"));

  rules.set_contact("data-team@council.example.gov.uk");
  CHECK(rules.http.user_agent == "jtai/0.1 (Ofsted JTAI findings dataset; contact: data-team@council.example.gov.uk)");
  CHECK_FALSE(rules.has_example_contact());
  CHECK_NOTHROW(require_contact(rules, "https://reports.ofsted.gov.uk"));

  ::setenv("JTAI_CONTACT", "ops@research.ac.uk", 1);
  CHECK(contact_from("") == "ops@research.ac.uk");
  CHECK(contact_from("me@uni.ac.uk") == "me@uni.ac.uk");  // the option wins
  ::setenv("JTAI_CONTACT", "nobody", 1);
  CHECK_THROWS_AS(contact_from(""), Error);
  ::unsetenv("JTAI_CONTACT");
  CHECK(contact_from("").empty());
  CHECK(contact_from("https://example.gov.uk/jtai") == "https://example.gov.uk/jtai");
  CHECK_THROWS_AS(contact_from("me"), Error);
  CHECK_THROWS_AS(contact_from("me@x.org\r\nX-Evil: 1"), Error);
}

TEST_CASE("the project's site rules load and classify publication kinds") {
  SiteRules rules = SiteRules::load(test::rules_dir());
  CHECK(rules.http.user_agent.find('@') != std::string::npos);
  CHECK(rules.classify("joint area child protection inspection, pdf - 31 march 2023") == "jtai");
  CHECK(rules.classify("joint area review - progress inspection, pdf - 12 june 2009") == "joint_area_review");
  CHECK(rules.classify("children's services focused visit, pdf - 2 may 2021") == "focused_visit");
  CHECK(rules.classify("children\xE2\x80\x99s services inspection, pdf - 2 may 2021") == "ilacs");
  CHECK(rules.classify("area send full inspection, pdf - 5 may 2023") == "area_send");
  CHECK(rules.classify("children's home inspection") == "other");
  CHECK(rules.classify("joint area inspection of something") == "other");
  // The variants the live site has written, matched on the normalised text.
  CHECK(rules.classify("Joint area child protection inspection,  pdf - 31 March 2023") == "jtai");
  CHECK(rules.classify("JOINT AREA CHILD PROTECTION INSPECTION as PDF - 31 March 2023") == "jtai");
  CHECK(rules.classify("Joint area child\xC2\xA0protection  inspection") == "jtai");
  CHECK(rules.classify("Joint targeted area inspection, pdf - 27 February 2025") == "jtai");
  CHECK(rules.classify("Joint Area Review \xE2\x80\x93 progress inspection as pdf") == "joint_area_review");
  CHECK(rules.classify("Children\xE2\x80\x99s Services Focused Visit (PDF)") == "focused_visit");
}

TEST_CASE("a site.toml mistake is reported with file and line") {
  test::TempDir dir;
  std::string text = read_file(test::rules_dir() / "site.toml");
  SUBCASE("bad pattern") {
    auto at = text.find("pattern = '^area send\\b'");
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string("pattern = '^area send\\b'").size(), "pattern = '^area (send'");
  }
  SUBCASE("bad selector") {
    auto at = text.find("publication = [\"span.event__title\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string("publication = [\"span.event__title\"").size(), "publication = [\"span >\"");
  }
  SUBCASE("toml syntax") { text += "\n[broken\n"; }
  write_file_atomic(dir.path() / "site.toml", text);
  try {
    SiteRules::load(dir.path());
    FAIL("no error");
  } catch (const RuleError& e) {
    CHECK(e.line() > 1);
    CHECK(std::string(e.what()).find("site.toml:") != std::string::npos);
  }
}

TEST_CASE("listing pages: provider links only, URN from href, name from text") {
  SiteRules rules = SiteRules::load(test::rules_dir());
  const std::string html =
      "<html><body><a href=\"/\">Home</a><a href=\"/search\">Search</a><ul>"
      "<li><a href=\"/provider/44/80426\">Barnsley Metropolitan\n Borough Council</a></li>"
      "<li><a href=\"https://reports.ofsted.gov.uk/provider/44/80427\">Royal Borough of Windsor and Maidenhead</a></li>"
      "<li><a href=\"/provider/44/80426\">Barnsley again</a></li>"
      "<li><a href=\"/provider/44/80428/inspections\">Not a provider page</a></li></ul>"
      "<ul class=\"pagination\"><li class=\"next\"><a href=\"/search?start=100\">Next</a></li></ul></body></html>";
  auto providers = parse_listing(html, "https://reports.ofsted.gov.uk/search?q=", rules);
  REQUIRE(providers.size() == 2);
  CHECK(providers[0].urn == 80426);
  CHECK(providers[0].name == "Barnsley Metropolitan Borough Council");
  CHECK(providers[0].provider_path == "/provider/44/80426");
  CHECK(providers[0].url == "https://reports.ofsted.gov.uk/provider/44/80426");
  CHECK(providers[1].urn == 80427);
  CHECK(parse_listing("<html><body><p>No results</p></body></html>", "https://x/", rules).empty());
}

TEST_CASE("listing pages: only the results list counts; the stated count is read; drift falls back") {
  SiteRules rules = SiteRules::load(test::rules_dir());
  const std::string results =
      "<ul class=\"results-list\"><li class=\"search-result\"><h3 class=\"search-result__title\">"
      "<a href=\"/provider/44/80426\">Barnsley</a></h3></li><li class=\"search-result\"><h3 "
      "class=\"search-result__title\"><a href=\"/provider/44/80427\">Bedford</a></h3></li></ul>";
  const std::string extras =
      "<aside><a href=\"/provider/44/80999\">Recently viewed</a></aside><div class=\"featured\">"
      "<a href=\"/provider/23/123456\">Featured academy</a></div>";
  auto page = parse_listing_page("<html><body><main><p class=\"results-count\">1,153 results</p>" + extras + results +
                                     "</main></body></html>",
                                 "https://reports.ofsted.gov.uk/search?q=", rules);
  REQUIRE(page.providers.size() == 2);
  CHECK(page.providers[0].urn == 80426);
  CHECK(page.providers[1].urn == 80427);
  CHECK(page.link_alternative == 0);
  CHECK(page.stated_count == 1153);
  CHECK(page.count_alternative == 0);

  // The results list renamed: the fallback finds the links in <main>, and says it was a fallback.
  auto drifted = parse_listing_page("<html><body><main><ol class=\"search-results\"><li><a href=\"/provider/44/80426\">"
                                    "Barnsley</a></li></ol></main></body></html>",
                                    "https://reports.ofsted.gov.uk/search?q=", rules);
  REQUIRE(drifted.providers.size() == 1);
  CHECK(drifted.link_alternative > 0);
  CHECK_FALSE(drifted.stated_count);
  CHECK(drifted.count_alternative == -1);
}

TEST_CASE("provider pages: timeline markup, events without a file, text variants") {
  SiteRules rules = SiteRules::load(test::rules_dir());
  const std::string html =
      "<html><body><ol class=\"timeline\">"
      "<li class=\"timeline__day\"><p class=\"timeline__date\"><time datetime=\"2023-03-31\">31 March 2023</time></p>"
      "<div class=\"event\"><span class=\"event__title heading--sub\">Inspection fieldwork</span></div>"
      "<div class=\"event\"><span class=\"event__title heading--sub\"><a class=\"publication-link\" "
      "href=\"https://files.ofsted.gov.uk/v1/file/50212861\">  JOINT AREA CHILD PROTECTION INSPECTION \n"
      "<span class=\"nonvisual\">Joint area child protection inspection as PDF - 31 March 2023</span></a></span></div></li>"
      "<li class=\"timeline__day\"><p class=\"timeline__date\"><time>2 May 2021</time></p>"
      "<div class=\"event\"><span class=\"event__title heading--sub\"><a class=\"publication-link\" "
      "href=\"https://files.ofsted.gov.uk/v1/file/40000001\">Children's services focused visit "
      "<span class=\"nonvisual\">Children's services focused visit,PDF</span></a></span></div></li>"
      "</ol></body></html>";
  auto page = parse_provider_page(html, "https://reports.ofsted.gov.uk/provider/44/80426", rules);
  CHECK(page.file_links == 2);
  REQUIRE(page.publications.size() == 2);
  CHECK(page.events_without_file == 1);
  CHECK(page.publication_alternative == 0);
  CHECK(page.link_alternative == 0);
  CHECK(page.undated == 0);
  const auto& jtai = page.publications[0];
  CHECK(jtai.kind == "jtai");
  CHECK(jtai.title == "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(jtai.kind_title == "JOINT AREA CHILD PROTECTION INSPECTION");
  CHECK(jtai.published_on == "2023-03-31");  // from the day, outside the title
  CHECK(page.publications[1].kind == "focused_visit");
  CHECK(page.publications[1].published_on == "2021-05-02");
}

TEST_CASE("provider pages: publications with kind, title and date; markup changes are noticed") {
  SiteRules rules = SiteRules::load(test::rules_dir());
  const std::string item =
      "<span class=\"event__title heading--sub\"><a class=\"publication-link\" "
      "href=\"https://files.ofsted.gov.uk/v1/file/50212861\" target=\"_blank\">Joint area child protection inspection "
      "<span class=\"nonvisual\">Joint area child protection inspection, pdf - 31 March 2023</span></a>"
      "<div class=\"event__metadata\"><time pubdate>31 March 2023</time></div></span>";
  const std::string review =
      "<span class=\"event__title heading--sub\"><a class=\"publication-link\" "
      "href=\"https://files.ofsted.gov.uk/v1/file/123\">Joint area review <span class=\"nonvisual\">Joint area review - "
      "progress inspection, pdf - 12 June 2009</span></a><div class=\"event__metadata\"><time>12 June 2009</time></div></span>";
  auto page = parse_provider_page("<html><body>" + item + review + "</body></html>", "https://reports.ofsted.gov.uk/provider/44/80428", rules);
  CHECK(page.file_links == 2);
  REQUIRE(page.publications.size() == 2);
  const auto& p = page.publications[0];
  CHECK(p.file_id == "50212861");
  CHECK(p.url == "https://files.ofsted.gov.uk/v1/file/50212861");
  CHECK(p.kind == "jtai");
  CHECK(p.kind_title == "Joint area child protection inspection");
  CHECK(p.title == "Joint area child protection inspection, pdf - 31 March 2023");
  CHECK(p.published_on == "2023-03-31");
  CHECK(page.publications[1].kind == "joint_area_review");
  CHECK(page.publications[1].published_on == "2009-06-12");

  auto changed = parse_provider_page(
      "<html><body><div class=\"timeline__title\"><a class=\"report-download\" "
      "href=\"https://files.ofsted.gov.uk/v1/file/50212861\">Joint area child protection inspection</a></div></body></html>",
      "https://reports.ofsted.gov.uk/provider/44/80428", rules);
  CHECK(changed.publications.empty());
  CHECK(changed.file_links == 1);
}

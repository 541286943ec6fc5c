// Unit tests of the crawler's parts: robots.txt, Retry-After, URL helpers,
// selectors, listing/provider page parsing and rules/site.toml loading.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "common/error.hpp"
#include "common/files.hpp"
#include "crawler/http.hpp"
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
  CHECK_FALSE(Selector::parse("div > a"));
  CHECK_FALSE(Selector::parse(""));
  CHECK_FALSE(Selector::parse("a[href"));
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
    auto at = text.find("publication = \"span.event__title\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string("publication = \"span.event__title\"").size(), "publication = \"span > a\"");
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

// `jtai search` as a user runs it: formats, filters, and one-line errors with exit 2.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai;
using namespace jtai::store;

namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A store with two letters: Barnsley (Yorkshire and the Humber) and Bristol (South West).
struct SearchFixture {
  test::TempDir dir;
  SearchFixture() {
    Store s(dir.path());
    add(s, 80426, "Barnsley Council", "1", "2019-03-01", "domestic abuse");
    add(s, 80441, "Bristol City Council", "2", "2024-05-16", "front door");
  }

  static void add(Store& s, int urn, const std::string& name, const std::string& file_id, const std::string& date,
                  const std::string& focus) {
    const std::string seen = "2025-01-01T00:00:00.000Z";
    s.upsert_authority({urn, name, "/provider/44/" + std::to_string(urn)}, seen);
    PublicationRow p;
    p.urn = urn;
    p.file_id = file_id;
    p.url = "https://files.ofsted.gov.uk/v1/file/" + file_id;
    p.kind = "jtai";
    p.title = "Joint area child protection inspection";
    int64_t id = s.upsert_publication(p, seen);
    s.record_file({id, "reports/" + file_id + ".pdf", "sha" + file_id, 1, seen});
    extract::Report r;
    r.rules_version = "v1";
    r.letter_date = date;
    r.focus = focus;
    r.headline_findings = "Partners work well together with the police.";
    r.headline_agencies = {"police"};
    extract::Finding pa("Strategy meetings do not include health practitioners.");
    pa.subheading = "Health";
    pa.agency = "health";
    pa.agencies = {"health"};
    r.priority_actions = {pa};
    extract::Finding imp("Schools are not told when the police attend domestic abuse incidents.");
    imp.agencies = {"police", "education"};
    r.improvements = {imp};
    r.strengths = {extract::Finding("Leaders know their services well.")};
    s.save_extraction(id, "sha" + file_id, r);
  }

  test::CommandResult run(const std::string& args) const {
    return test::run_command(quote(test::jtai_binary().string()) + " --rules " + quote(test::rules_dir().string()) +
                             " search --data " + quote(dir.path().string()) + " " + args);
  }

  nlohmann::json json(const std::string& args) const {
    auto r = run(args + " --format json");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
  }
};

std::vector<int> urns(const nlohmann::json& j) {
  std::vector<int> out;
  for (const auto& h : j["results"]) out.push_back(h["urn"].get<int>());
  return out;
}

int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("json: ranked results with authority, region, date, section, agencies, snippet and link") {
  SearchFixture f;
  auto j = f.json("police");
  CHECK(j["total"] == 4);
  REQUIRE(j["results"].size() == 4);
  const auto& top = j["results"][0];
  CHECK(top["rank"] == 1);
  for (const char* key : {"score", "urn", "authority", "region", "date", "focus", "round", "section", "position",
                          "title", "subheading", "agency", "agencies", "snippet", "text", "link"})
    CHECK_MESSAGE(top.contains(key), key);
  CHECK(top["snippet"].get<std::string>().find("[police]") != std::string::npos);
  auto bristol = f.json("police --authority 80441");
  REQUIRE(bristol["results"].size() == 2);
  CHECK(bristol["results"][0]["region"] == "South West");
  CHECK(bristol["results"][0]["link"] == "https://files.ofsted.gov.uk/v1/file/2");
  CHECK(bristol["results"][0]["date"] == "2024-05-16");
}

TEST_CASE("filters: section, agency, focus, authority by name, region, dates, limit") {
  SearchFixture f;
  CHECK(f.json("--section 'priority actions'")["total"] == 2);
  CHECK(f.json("--section improvement police")["total"] == 2);
  CHECK(f.json("--agency Health")["total"] == 2);  // the subheading's agency
  CHECK(f.json("--agency education")["total"] == 2);
  CHECK(f.json("police --focus 'Domestic abuse'")["total"] == 2);
  CHECK(urns(f.json("police --authority barnsley")) == std::vector<int>{80426, 80426});
  CHECK(urns(f.json("police --region 'south west'")) == std::vector<int>{80441, 80441});
  CHECK(urns(f.json("police --region YH")) == std::vector<int>{80426, 80426});
  CHECK(urns(f.json("police --from 2020")) == std::vector<int>{80441, 80441});
  CHECK(urns(f.json("police --to 2019-03-01")) == std::vector<int>{80426, 80426});
  auto limited = f.json("police --limit 1");
  CHECK(limited["total"] == 4);
  CHECK(limited["results"].size() == 1);
}

TEST_CASE("csv and table formats") {
  SearchFixture f;
  auto csv = f.run("police --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.rfind("rank,URN,local authority,region name,date,focus,round,section,position,", 0) == 0);
  CHECK(lines(csv.out) == 5);
  CHECK(csv.out.find("\"police; education\"") == std::string::npos);  // no comma: not quoted
  CHECK(csv.out.find(",police; education,") != std::string::npos);

  auto table = f.run("'\"domestic abuse\"'");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("1. Bristol City Council (80441), South West, 2024-05-16, improvement 1") == 0);
  CHECK(table.out.find("[domestic abuse]") != std::string::npos);
  CHECK(table.out.find("https://files.ofsted.gov.uk/v1/file/2") != std::string::npos);
  CHECK(table.out.find("2 matching items.") != std::string::npos);
  CHECK(f.run("police --limit 1").out.find("1 of 4 matching items shown") != std::string::npos);
  CHECK(f.run("zebra").out == "No matching items.\n");
}

TEST_CASE("mistakes are one line on stderr and exit 2") {
  SearchFixture f;
  for (const std::string& args : {std::string("'health AND ('"), std::string("'nosuchcolumn:police'"),
                                  std::string("x --agency 'fire service'"), std::string("x --region Mars"),
                                  std::string("x --authority Atlantis"), std::string("x --from 2019-1"),
                                  std::string("x --section summary")}) {
    INFO(args);
    auto r = f.run(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("jtai: ", 0) == 0);
    CHECK(lines(r.err) == 1);
  }
  CHECK(f.run("'health AND ('").err.find("bad search query") != std::string::npos);
  test::TempDir empty;
  auto none = test::run_command(quote(test::jtai_binary().string()) + " search --data " + quote(empty.path().string()) +
                                " police");
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("no store at") != std::string::npos);
}

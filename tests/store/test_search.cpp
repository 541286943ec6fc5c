// The search index (search_items / search_fts) and store/search.hpp on stores
// built in code: kept in step with the current extraction, filters, ranking.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "store/search.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai;
using namespace jtai::store;
using Names = std::vector<std::string>;

namespace {

int64_t add_publication(Store& s, int urn, const std::string& name, const std::string& file_id) {
  const std::string seen = "2025-01-01T00:00:00.000Z";
  s.upsert_authority({urn, name, "/provider/44/" + std::to_string(urn)}, seen);
  PublicationRow p;
  p.urn = urn;
  p.file_id = file_id;
  p.url = "https://files.ofsted.gov.uk/v1/file/" + file_id;
  p.kind = "jtai";
  p.title = "Joint area child protection inspection";
  p.published_on = "2022-07-18";
  int64_t id = s.upsert_publication(p, seen);
  s.record_file({id, "reports/" + file_id + ".pdf", "sha" + file_id, 1, seen});
  return id;
}

extract::Finding finding(const std::string& text, std::optional<std::string> subheading = std::nullopt,
                         std::optional<std::string> agency = std::nullopt, Names agencies = {}) {
  extract::Finding f(text);
  f.subheading = std::move(subheading);
  f.agency = std::move(agency);
  f.agencies = std::move(agencies);
  return f;
}

extract::Report report(const std::string& version, const std::string& date, const std::string& focus) {
  extract::Report r;
  r.rules_version = version;
  r.letter_date = date;
  r.focus = focus;
  r.theme = focus;
  r.round = focus == "domestic abuse" ? "2018-domestic-abuse" : "2022-front-door";
  r.headline_findings = "Partners in " + focus + " work well together with the police.";
  r.headline_agencies = {"police"};
  r.priority_actions = {finding("Strategy meetings do not include health practitioners.", "Health", "health",
                                {"health"})};
  r.improvements = {finding("Social workers do not record the voice of the child.", std::nullopt, std::nullopt,
                            {"children's social care"}),
                    finding("Schools are not told when the police attend domestic abuse incidents.", std::nullopt,
                            std::nullopt, {"police", "education"})};
  r.strengths = {finding("Leaders know their services well.")};
  r.case_studies = {{"Practice study: highly effective practice", "highly effective practice",
                     "A health visitor noticed bruising and acted at once.", {"health"}}};
  return r;
}

int64_t count(Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  REQUIRE(st.step());
  return st.column_int(0);
}

// The index holds exactly the current jtai extractions' items, and FTS5 agrees with its content.
void check_in_step(Store& s) {
  Db& db = s.db();
  int64_t expected =
      count(db, "SELECT COUNT(*) FROM findings f JOIN extractions e ON e.id = f.extraction_id "
                "WHERE e.is_current = 1 AND e.kind = 'jtai'") +
      count(db, "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND kind = 'jtai' "
                "AND COALESCE(headline_findings, '') != ''");
  CHECK(count(db, "SELECT COUNT(*) FROM search_items") == expected);
  CHECK(count(db, "SELECT COUNT(*) FROM search_items si JOIN extractions e ON e.id = si.extraction_id "
                  "WHERE e.is_current = 0") == 0);
  db.exec("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)");  // throws when out of step
}

SearchResult find(Store& s, const std::string& match, SearchQuery q = {}) {
  q.match = match;
  return search(s.db(), q);
}

}  // namespace

TEST_CASE("the index follows the current extraction: new rules, the same rules again, not_jtai, error") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t pub = add_publication(s, 80426, "Barnsley Council", "1");
  s.save_extraction(pub, "sha1", report("v1", "2022-07-18", "front door"));
  check_in_step(s);
  CHECK(find(s, "bruising").total == 1);
  CHECK(find(s, "partners").hits.at(0).section == "headline");

  auto changed = report("v2", "2022-07-18", "front door");
  changed.improvements[0].text = "Social workers do not always record what children say.";
  s.save_extraction(pub, "sha1", changed);
  check_in_step(s);
  CHECK(find(s, "voice").total == 0);  // only the earlier extraction said it
  CHECK(find(s, "\"what children say\"").total == 1);

  s.save_extraction(pub, "sha1", changed);  // the same rules version replaces its own row
  check_in_step(s);
  CHECK(find(s, "\"what children say\"").total == 1);

  s.save_error_extraction(pub, "sha1", "v3", "the PDF is damaged");  // never hides the readable one
  check_in_step(s);
  CHECK(find(s, "\"what children say\"").total == 1);

  extract::Report other;
  other.kind = extract::Report::Kind::not_jtai;
  other.rules_version = "v4";
  other.reason = "an area SEND inspection";
  s.save_extraction(pub, "sha1", other);
  check_in_step(s);
  CHECK(count(s.db(), "SELECT COUNT(*) FROM search_items") == 0);
  CHECK(find(s, "children").total == 0);

  s.save_extraction(pub, "sha1", changed);  // back to jtai under v2
  check_in_step(s);
  CHECK(find(s, "children").total == 1);

  s.db().exec("DELETE FROM search_items");
  CHECK(find(s, "children").total == 0);
  s.rebuild_search_index();
  check_in_step(s);
  CHECK(find(s, "children").total == 1);
}

TEST_CASE("re-extraction keeps the index rows whose text did not change, and only re-indexes the rest") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t pub = add_publication(s, 80426, "Barnsley Council", "1");
  s.save_extraction(pub, "sha1", report("v1", "2022-07-18", "front door"));
  auto ids = [&] {
    std::map<std::string, int64_t> out;  // text -> search_items.id
    auto st = s.db().prepare("SELECT text, id FROM search_items");
    while (st.step()) out[st.column_text(0)] = st.column_int(1);
    return out;
  };
  const auto before = ids();
  REQUIRE(before.size() == 6);  // the headline, four findings and the case study
  // Counts the rows that enter or leave search_items, i.e. the FTS5 index's work.
  s.db().exec("CREATE TEMP TABLE churn (n INTEGER); INSERT INTO churn VALUES (0);"
              "CREATE TEMP TRIGGER churn_in AFTER INSERT ON search_items BEGIN UPDATE churn SET n = n + 1; END;"
              "CREATE TEMP TRIGGER churn_out AFTER DELETE ON search_items BEGIN UPDATE churn SET n = n + 1; END;");
  auto churn = [&] {
    int64_t n = count(s.db(), "SELECT n FROM churn");
    s.db().exec("UPDATE churn SET n = 0");
    return n;
  };

  // New rules that change nothing: every row stays, pointed at the new extraction.
  s.save_extraction(pub, "sha1", report("v2", "2022-07-18", "front door"));
  check_in_step(s);
  CHECK(churn() == 0);
  CHECK(ids() == before);

  // One text changes and one finding's agencies change: that text is re-indexed
  // under a new row; the agencies are updated in place.
  auto changed = report("v3", "2022-07-18", "front door");
  changed.improvements[0].text = "Social workers do not always record what children say.";
  changed.strengths[0].agencies = {"health"};
  s.save_extraction(pub, "sha1", changed);
  check_in_step(s);
  CHECK(churn() == 2);  // one row out, one in
  const auto after = ids();
  CHECK(after.size() == 6);
  CHECK(after.count("Social workers do not record the voice of the child.") == 0);
  REQUIRE(after.count("Social workers do not always record what children say.") == 1);
  for (const auto& [text, id] : before) CHECK(after.at("Social workers do not always record what children say.") != id);
  for (const auto& [text, id] : before)
    if (text != "Social workers do not record the voice of the child.") CHECK(after.at(text) == id);
  CHECK(find(s, "voice").total == 0);
  CHECK(find(s, "\"what children say\"").total == 1);
  SearchQuery by_health;
  by_health.agency = "health";
  CHECK(find(s, "leaders", by_health).total == 1);

  // Back to the first rules: the first extraction is current again, its texts come back.
  s.save_extraction(pub, "sha1", report("v1", "2022-07-18", "front door"));
  check_in_step(s);
  CHECK(churn() == 2);  // the changed text out, the first one back in
  CHECK(find(s, "voice").total == 1);
  CHECK(find(s, "leaders", by_health).total == 0);
}

TEST_CASE("agencies are stored on findings and on the index") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t pub = add_publication(s, 80426, "Barnsley Council", "1");
  auto saved = s.save_extraction(pub, "sha1", report("v1", "2022-07-18", "front door"));
  auto st = s.db().prepare("SELECT section, position, subheading, agency, agencies FROM findings WHERE extraction_id = ?1 "
                           "ORDER BY section, position");
  st.bind(1, saved.extraction_id);
  std::vector<std::string> rows;
  while (st.step())
    rows.push_back(st.column_text(0) + " " + std::to_string(st.column_int(1)) + " " + st.column_text(2) + " " +
                   st.column_text(3) + " " + st.column_text(4));
  CHECK(rows == Names{"case_study 1   [\"health\"]", "improvement 1   [\"children's social care\"]",
                      "improvement 2   [\"police\",\"education\"]", "priority_action 1 Health health [\"health\"]",
                      "strength 1   []"});
  auto headline = find(s, "partners");
  REQUIRE(headline.hits.size() == 1);
  CHECK(headline.hits[0].agencies == Names{"police"});
  CHECK(headline.hits[0].agency == std::nullopt);
}

TEST_CASE("search filters, ranking, snippet, limit and total") {
  test::TempDir dir;
  Store s(dir.path());
  s.save_extraction(add_publication(s, 80426, "Barnsley Council", "1"), "sha1",
                    report("v1", "2019-03-01", "domestic abuse"));
  s.save_extraction(add_publication(s, 80441, "Bristol City Council", "2"), "sha2",
                    report("v1", "2024-05-16", "front door"));

  SearchQuery q;
  CHECK(find(s, "police").total == 4);  // two headlines, two improvements

  q.section = "improvement";
  CHECK(find(s, "police", q).total == 2);
  q = {};
  q.agency = "police";  // the headline's and the improvement's agencies
  CHECK(find(s, "", q).total == 4);
  q.agency = "health";  // the priority action's subheading agency and its agencies, the case study
  auto health = find(s, "", q);
  CHECK(health.total == 4);
  q = {};
  q.focus = "Domestic Abuse";
  CHECK(find(s, "police", q).total == 2);
  q = {};
  q.round = "2022-front-door";
  CHECK(find(s, "police", q).total == 2);
  q = {};
  q.urns = std::vector<int>{80441};
  auto bristol = find(s, "police", q);
  CHECK(bristol.total == 2);
  CHECK(bristol.hits.at(0).authority == "Bristol City Council");
  CHECK(bristol.hits.at(0).url == "https://files.ofsted.gov.uk/v1/file/2");
  q = {};
  q.from = "2020";
  CHECK(find(s, "police", q).total == 2);
  q.from = "2019-03-01";
  q.to = "2019-03";
  CHECK(find(s, "police", q).total == 2);
  q.to = "2019-02";
  CHECK(find(s, "police", q).total == 0);

  q = {};
  q.limit = 1;
  auto one = find(s, "police", q);
  CHECK(one.total == 4);
  CHECK(one.hits.size() == 1);
  q.limit = 0;
  CHECK(find(s, "police", q).hits.size() == 4);

  // bm25: the item with more of the query's words comes first.
  auto ranked = find(s, "police OR schools OR incidents");
  REQUIRE(ranked.hits.size() >= 2);
  CHECK(ranked.hits[0].text.find("Schools are not told") == 0);
  CHECK(ranked.hits[0].score <= ranked.hits[1].score);

  q = {};
  q.mark_open = "<b>";
  q.mark_close = "</b>";
  auto marked = find(s, "bruis*", q);
  REQUIRE(marked.hits.size() == 2);
  CHECK(marked.hits[0].snippet.find("<b>bruising</b>") != std::string::npos);
  CHECK(marked.hits[0].section == "case_study");
  CHECK(marked.hits[0].title == "Practice study: highly effective practice");

  CHECK(find(s, "\"domestic abuse incidents\"").total == 2);
  CHECK(find(s, "NEAR(schools incidents, 10)").total == 2);
  CHECK(find(s, "NEAR(leaders bruising, 2)").total == 0);
  CHECK(find(s, "title:practice").total == 2);
  CHECK(find(s, "subheading:health").total == 2);
}

TEST_CASE("a query with bad FTS5 syntax is a QueryError with SQLite's one-line reason") {
  test::TempDir dir;
  Store s(dir.path());
  s.save_extraction(add_publication(s, 80426, "Barnsley Council", "1"), "sha1",
                    report("v1", "2019-03-01", "domestic abuse"));
  for (const char* bad : {"health AND (", "\"unclosed", "nosuchcolumn:police", "NEAR(a b"}) {
    INFO(bad);
    try {
      find(s, bad);
      FAIL("no QueryError");
    } catch (const QueryError& e) {
      std::string msg = e.what();
      CHECK(msg.find("bad search query") == 0);
      CHECK(msg.find('\n') == std::string::npos);
    }
  }
}

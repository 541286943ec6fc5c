// Report v2 JSON: round trip, and reading the v1 records stored before it.
#include <doctest/doctest.h>

#include "common/error.hpp"
#include "extract/report.hpp"

using namespace jtai::extract;

TEST_CASE("Report v2 JSON round-trips every field") {
  Report r;
  r.rules_version = "abc";
  r.round = "jtai-2024-domestic-abuse-under-8";
  r.focus = "children who are victims of domestic abuse";
  r.theme = r.focus;
  r.headline_agencies = {"police"};
  Finding f("Police must share information.");
  f.subheading = "Police";
  f.agency = "police";
  f.agencies = {"police", "health"};
  r.priority_actions = {f};
  r.improvements = {"Recording."};
  r.case_studies = {{"Case study: area for priority action", kKindPriorityAction, "Delay.", {"police"}}};
  r.warnings = {{"unrecognised_heading", "heading 'Areas for development' read as improvements"}};
  r.overrides = {{"authorities/80426-barnsley.toml:3 pin inspection_end", "the letter misprints the year"}};
  auto j = to_json(r);
  CHECK(j["priority_actions"][0]["text"] == "Police must share information.");
  CHECK(j["priority_actions"][0]["subheading"] == "Police");
  CHECK(j["improvements"][0]["subheading"].is_null());
  CHECK(j["case_studies"][0]["kind"] == "area for priority action");
  CHECK(j["warnings"][0]["code"] == "unrecognised_heading");
  CHECK(j["overrides"][0]["reason"] == "the letter misprints the year");
  CHECK(report_from_json(nlohmann::json::parse(j.dump())) == r);
}

TEST_CASE("a v1 record (items and warnings as plain strings) still reads") {
  auto j = nlohmann::json::parse(R"({
    "kind": "jtai", "rules_version": "old", "letter_date": "2017-07-10", "theme": "neglect",
    "priority_actions": ["Act now."], "no_priority_actions": false,
    "improvements": ["Recording.", "Training."], "strengths": [],
    "case_studies": [{"title": "Case study: area(s) for improvement", "text": "Delay."},
                     {"title": "Places and spaces", "text": "A youth club."}],
    "warnings": ["no fieldwork dates found"]})");
  Report r = report_from_json(j);
  CHECK(texts(r.improvements) == std::vector<std::string>{"Recording.", "Training."});
  CHECK_FALSE(r.improvements[0].subheading);
  CHECK(r.priority_actions[0].text == "Act now.");
  REQUIRE(r.case_studies.size() == 2);
  CHECK(r.case_studies[0].kind == kKindImprovement);  // from the title
  CHECK_FALSE(r.case_studies[1].kind);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].code == "legacy");
  CHECK(r.warnings[0].message == "no fieldwork dates found");
  CHECK_FALSE(r.round);
  CHECK(r.overrides.empty());
}

TEST_CASE("a malformed record is a clear error") {
  CHECK_THROWS_AS(report_from_json(nlohmann::json::parse(R"({"kind":"jtai","improvements":[{"subheading":"x"}]})")),
                  jtai::Error);
  CHECK_THROWS_AS(report_from_json(nlohmann::json::parse(R"({"kind":"letter"})")), jtai::Error);
}

TEST_CASE("case-study kind from the title") {
  CHECK(case_study_kind("Practice study: highly effective practice") == kKindHighlyEffective);
  CHECK(case_study_kind("Practice study: areas of highly effective practice") == kKindHighlyEffective);
  CHECK(case_study_kind("Case study: effective practice") == kKindHighlyEffective);
  CHECK(case_study_kind("Case study: area(s) for improvement") == kKindImprovement);
  CHECK(case_study_kind("Case study: Area for improvement") == kKindImprovement);
  CHECK(case_study_kind("Case study: areas for priority action and improvement") == kKindPriorityAction);
  CHECK(case_study_kind("Case study: area for priority action") == kKindPriorityAction);
  CHECK_FALSE(case_study_kind("Case study 2"));
}

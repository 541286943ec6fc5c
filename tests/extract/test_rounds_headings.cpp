// Issue 12: every JTAI since 2016 read right. Letters built in code with each
// heading variant and each theme wording: items land in the right section,
// and every deviation carries a coded warning.
#include <doctest/doctest.h>

#include <algorithm>

#include "extract/extractor.hpp"
#include "extract/rounds.hpp"
#include "tests/extract/fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai::extract;
using jtai::test::LayoutBuilder;
using Strings = std::vector<std::string>;

namespace {
const RuleSet& rules() { return jtai::test::shipped_rules(); }

std::vector<Warning> with_code(const Report& r, const std::string& code) {
  std::vector<Warning> out;
  std::copy_if(r.warnings.begin(), r.warnings.end(), std::back_inserter(out),
               [&](const Warning& w) { return w.code == code; });
  return out;
}

Strings codes(const Report& r) {
  Strings out;
  for (const auto& w : r.warnings) out.push_back(w.code);
  return out;
}

// A 2022-style letter on the front door, up to its headline findings.
LayoutBuilder opening(const std::string& theme_sentence =
                          "multi-agency response to identification of initial need and risk in Anytown.",
                      const std::string& dates = "This inspection took place from 23 to 27 May 2022.",
                      const std::string& letter_date = "18 July 2022") {
  LayoutBuilder b;
  b.text(letter_date).gap()
      .text("Dear Director").gap()
      .bold("Joint targeted area inspection of Anytown", 72, 14).gap()
      .text("This letter summarises the findings of the joint targeted area inspection (JTAI) of the")
      .text(theme_sentence).gap()
      .text(dates + " It was carried out by inspectors from Ofsted, the Care Quality")
      .text("Commission (CQC) and HMICFRS.").gap()
      .bold("Headline findings").gap()
      .text("Most children receive the right help at the right time.").gap();
  return b;
}

// The sections after the opening, with the improvements heading worded as given.
Report letter_with_improvements_heading(const std::string& heading) {
  LayoutBuilder b = opening();
  b.bold(heading).gap()
      .bullet("The recording of decisions.").gap(6)
      .bullet("The training offer.").gap()
      .bold("Strengths").gap()
      .bullet("Leaders know their services well.");
  return extract_report(b.build(), rules());
}
}  // namespace

TEST_CASE("improvements headings: singular, plural, area(s) - read without a warning") {
  for (const char* h : {"Area for improvement", "Areas for improvement", "Area(s) for improvement",
                        "Areas for further improvement", "What needs to improve?"}) {
    INFO(h);
    Report r = letter_with_improvements_heading(h);
    CHECK(texts(r.improvements) == Strings{"The recording of decisions.", "The training offer."});
    CHECK(texts(r.strengths) == Strings{"Leaders know their services well."});
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("a heading with extra words is read by its section words, with an unrecognised_heading warning") {
  for (const auto& [heading, section] : std::vector<std::pair<std::string, std::string>>{
           {"Areas for improvement and development", "improvements"},
           {"What partners need to improve", "improvements"},
           {"Areas for practice development", "improvements"}}) {
    INFO(heading);
    Report r = letter_with_improvements_heading(heading);
    CHECK(texts(r.improvements) == Strings{"The recording of decisions.", "The training offer."});
    CHECK(r.headline_findings == "Most children receive the right help at the right time.");  // nothing folded in
    auto w = with_code(r, "unrecognised_heading");
    REQUIRE(w.size() == 1);
    CHECK(w[0].message.find("'" + heading + "'") != std::string::npos);
    CHECK(w[0].message.find("read as " + section) != std::string::npos);
  }
}

TEST_CASE("priority-action and strengths headings with other words; case studies in the plural") {
  LayoutBuilder b = opening();
  b.bold("Priority areas for action by partners").gap()
      .bullet("Leaders must act on referrals.").gap()
      .bold("What needs to improve?").gap()
      .bullet("The recording of decisions.").gap()
      .bold("Partnership strengths and good practice").gap()
      .bullet("Leaders know their services well.").gap()
      .bold("Practice studies: area for priority action").gap()
      .text("Decisions for a baby were delayed.");
  Report r = extract_report(b.build(), rules());
  CHECK(texts(r.priority_actions) == Strings{"Leaders must act on referrals."});
  CHECK(texts(r.improvements) == Strings{"The recording of decisions."});
  CHECK(texts(r.strengths) == Strings{"Leaders know their services well."});
  REQUIRE(r.case_studies.size() == 1);
  CHECK(r.case_studies[0].kind == kKindPriorityAction);  // never dropped from what a researcher counts
  CHECK(r.case_studies[0].text == "Decisions for a baby were delayed.");
  auto w = with_code(r, "unrecognised_heading");
  REQUIRE(w.size() == 2);  // the plural "Practice studies" is a known wording
  CHECK(w[0].message.find("read as priority_actions") != std::string::npos);
  CHECK(w[1].message.find("read as strengths") != std::string::npos);
}

TEST_CASE("an unknown heading without section words is reported, and its paragraphs are accounted for") {
  LayoutBuilder b = opening();
  b.bold("What needs to improve?").gap()
      .bullet("The recording of decisions.").gap()
      .bold("Strengths").gap()
      .bullet("Leaders know their services well.").gap()
      .bold("Reflections from the inspection team").gap()
      .text("The partnership engaged openly with inspectors throughout the week.").gap()
      .text("Inspectors saw a real commitment to children in every agency.");
  Report r = extract_report(b.build(), rules());
  CHECK(texts(r.strengths) == Strings{"Leaders know their services well."});  // not swallowed
  auto heading = with_code(r, "unrecognised_heading");
  REQUIRE(heading.size() == 1);
  CHECK(heading[0].message.find("'Reflections from the inspection team'") != std::string::npos);
  CHECK(heading[0].message.find("go into no field") != std::string::npos);
  auto gap = with_code(r, "unaccounted_text");
  REQUIRE(gap.size() == 1);
  CHECK(gap[0].message.find("2 paragraph(s) under 'Reflections from the inspection team'") != std::string::npos);
}

TEST_CASE("per-agency and per-topic sub-headings stay inside the section and label its items") {
  LayoutBuilder b = opening();
  b.bold("What needs to improve?").gap()
      .bold("Police").gap()
      .bullet("Referrals lack focus.").gap(6)
      .bullet("Strategy meetings start late.").gap()
      .bold("Health").gap()
      .bullet("GPs rarely attend.").gap()
      .bold("Children\xE2\x80\x99s social care").gap()
      .bullet("Assessments are slow.").gap()
      .bold("Strengths").gap()
      .bullet("Leaders know their services well.");
  Report r = extract_report(b.build(), rules());
  REQUIRE(r.improvements.size() == 4);
  CHECK(r.improvements[0].subheading == "Police");
  CHECK(r.improvements[1].subheading == "Police");
  CHECK(r.improvements[2].subheading == "Health");
  CHECK(r.improvements[3].subheading == "Children\xE2\x80\x99s social care");
  CHECK_FALSE(r.strengths[0].subheading);
  CHECK(r.warnings.empty());  // known sub-headings: no warning
}

TEST_CASE("a sub-heading no rule knows is kept inside the section, with a warning") {
  LayoutBuilder b = opening();
  b.bold("What needs to improve?").gap()
      .bold("Working with families from the Traveller community").gap()
      .bullet("Outreach is limited.").gap()
      .bullet("Interpreters are hard to book.").gap()
      .bold("Strengths").gap()
      .bullet("Leaders know their services well.");
  Report r = extract_report(b.build(), rules());
  CHECK(texts(r.improvements) == Strings{"Outreach is limited.", "Interpreters are hard to book."});
  CHECK(r.improvements[0].subheading == "Working with families from the Traveller community");
  auto w = with_code(r, "unrecognised_heading");
  REQUIRE(w.size() == 1);
  CHECK(w[0].message.find("kept as a sub-heading of 'What needs to improve?'") != std::string::npos);
}

TEST_CASE("round and focus for each programme") {
  struct Case {
    std::string sentence, dates, round, focus, theme;
  };
  const std::vector<Case> cases = {
      {"multi-agency response to identification of initial need and risk in Anytown.",
       "This inspection took place from 23 to 27 May 2022.", "2022-front-door",
       "identification of initial need and risk", "identification of initial need and risk"},
      {"multi-agency response to children who are victims of domestic abuse in Anytown.",
       "This inspection took place from 9 to 13 December 2024.", "2024-domestic-abuse-under-8",
       "children who are victims of domestic abuse", "children who are victims of domestic abuse"},
      {"multi-agency response to domestic abuse in Anytown.", "This inspection took place from 18 to 22 June 2018.",
       "2018-domestic-abuse", "domestic abuse", "domestic abuse"},
      {"multi-agency response to child sexual abuse in the family environment in Anytown.",
       "This inspection took place from 6 to 10 October 2025.", "2025-csa-family", "sexual abuse in the family",
       "sexual abuse in the family"},
      {"multi-agency response to child sexual abuse in the family environment in Anytown.",
       "This inspection took place from 3 to 7 December 2018.", "2018-csa-family", "sexual abuse in the family",
       "sexual abuse in the family"},
  };
  for (const auto& c : cases) {
    INFO(c.round);
    LayoutBuilder b = opening(c.sentence, c.dates, "2 March 2026");
    b.bold("What needs to improve?").gap()
        .bullet("The recording of decisions.").gap()
        .bold("Strengths").gap()
        .bullet("Leaders know their services well.");
    Report r = extract_report(b.build(), rules());
    CHECK(r.theme == c.theme);
    CHECK(r.focus == c.focus);
    CHECK(r.round == c.round);
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("2016-17 'abuse and neglect' letters: the focus is the deep dive's theme, in each wording") {
  struct Case {
    std::string deep_dive_sentence, dates, round, focus;
  };
  const std::vector<Case> cases = {
      {"This inspection included a \xE2\x80\x98" "deep dive\xE2\x80\x99 focus on the response to child sexual",
       "Between 7 and 11 March 2016,", "2016-cse-missing", "child sexual exploitation and missing"},
      {"This inspection included a deep-dive focus on the response to children living with",
       "Between 17 and 21 October 2016,", "2016-domestic-abuse", "domestic abuse"},
      {"Inspectors undertook a \xE2\x80\x98" "deep dive\xE2\x80\x99 into the response to children living with",
       "Between 22 and 26 May 2017,", "2017-neglect", "neglect"},
  };
  const Strings endings = {"exploitation and those missing from home, care or education.", "domestic abuse.",
                           "neglect."};
  for (size_t k = 0; k < cases.size(); ++k) {
    const auto& c = cases[k];
    INFO(c.round);
    LayoutBuilder b;
    b.text("1 August 2017").gap()
        .text("Dear local partnership").gap()
        .bold("Joint targeted area inspection of the multi-agency response to abuse and neglect in Anytown").gap()
        .text(c.dates + " Ofsted, the Care Quality Commission (CQC) and HMI Constabulary (HMIC)")
        .text("undertook a joint inspection. " + c.deep_dive_sentence)
        .text(endings[k]).gap()
        .text("The partnership has a strong commitment to protecting children.").gap()
        .bold("Key strengths", 72, 14).gap()
        .bullet("Leaders know their services well.").gap()
        .bold("Areas for improvement", 72, 14).gap()
        .bullet("Thresholds are not well understood.");
    Report r = extract_report(b.build(), rules());
    CHECK(r.theme == "abuse and neglect");
    CHECK(r.deep_dive);
    CHECK(r.focus == c.focus);
    CHECK(r.round == c.round);
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("a letter outside every round's period, or of no round's theme, is warned") {
  {
    LayoutBuilder b = opening("multi-agency response to serious youth violence in Anytown.",
                              "This inspection took place from 23 to 27 May 2022.");
    b.bold("What needs to improve?").gap().bullet("Recording.").gap().bold("Strengths").gap().bullet("Leaders.");
    Report r = extract_report(b.build(), rules());
    CHECK(r.round == "2023-serious-youth-violence");  // the nearest round with its theme
    auto w = with_code(r, "outside_round");
    REQUIRE(w.size() == 1);
    CHECK(w[0].message.find("2022-05-23 is outside the period") != std::string::npos);
  }
  {
    LayoutBuilder b = opening("multi-agency response to online harms in Anytown.");
    b.bold("What needs to improve?").gap().bullet("Recording.").gap().bold("Strengths").gap().bullet("Leaders.");
    Report r = extract_report(b.build(), rules());
    CHECK_FALSE(r.round);
    CHECK(r.theme == "other: online harms");
    CHECK(codes(r) == Strings{"unknown_theme", "outside_round"});
  }
}

TEST_CASE("round periods are those the published sources state (rounds.toml 'source')") {
  // A fieldwork start just inside a period set from a source gets its round
  // without a warning; one just outside (no round of the theme ran then) gets
  // the nearest round and an outside_round warning.
  struct Case {
    std::string focus, start, round;
    bool inside;
  };
  const std::vector<Case> cases = {
      {"child sexual exploitation and missing", "2016-08-15", "2016-cse-missing", true},  // February-August 2016
      {"neglect", "2017-05-02", "2017-neglect", true},                                    // May-December 2017
      {"child exploitation", "2018-02-05", "2018-exploitation", true},                    // February-July 2018
      {"child exploitation", "2018-07-02", "2018-exploitation", true},
      {"domestic abuse", "2018-02-05", "2018-domestic-abuse", true},                      // February-July 2018
      {"sexual abuse in the family", "2019-05-13", "2018-csa-family", true},              // September 2018-May 2019
      {"criminal exploitation", "2022-04-25", "2022-criminal-exploitation", true},        // from April 2022
      {"children's mental health", "2020-02-24", "2019-mental-health", true},             // September 2019-February 2020
      {"children who are victims of domestic abuse", "2025-06-16", "2024-domestic-abuse-under-8", true},  // to June 2025
      {"neglect", "2017-04-24", "2017-neglect", false},                         // the neglect round began in May 2017
      {"domestic abuse", "2018-08-06", "2018-domestic-abuse", false},           // the 2018 revisit ended in July
      {"children's mental health", "2020-03-09", "2019-mental-health", false},  // the last inspections were in February 2020
      {"children who are victims of domestic abuse", "2025-07-07", "2024-domestic-abuse-under-8", false},
  };
  for (const auto& c : cases) {
    INFO(c.round << " " << c.start << (c.inside ? " inside" : " outside"));
    RoundChoice choice = choose_round(c.focus, c.start, rules());
    REQUIRE(choice.round);
    CHECK(choice.round->id == c.round);
    if (c.inside) {
      CHECK_FALSE(choice.warning);
    } else {
      REQUIRE(choice.warning);
      CHECK(choice.warning->code == "outside_round");
    }
  }
}

TEST_CASE("a section every letter of the round has, missing, is warned") {
  LayoutBuilder b = opening("multi-agency response to serious youth violence in Anytown.",
                            "This inspection took place from 9 to 13 October 2023.");
  b.bold("What needs to improve?").gap().bullet("Recording.");
  Report r = extract_report(b.build(), rules());
  CHECK(r.round == "2023-serious-youth-violence");
  auto w = with_code(r, "empty_section");
  REQUIRE(w.size() == 1);
  CHECK(w[0].message.find("no strengths section") != std::string::npos);
}

TEST_CASE("theme without the usual phrase: read from the keywords, with a warning naming what was used") {
  LayoutBuilder b = opening("identification and response to children at risk of criminal exploitation in Anytown.",
                            "This inspection took place from 27 June to 1 July 2022.");
  b.bold("What needs to improve?").gap().bullet("Recording.").gap().bold("Strengths").gap().bullet("Leaders.");
  Report r = extract_report(b.build(), rules());
  CHECK_FALSE(r.theme_phrase);
  CHECK(r.theme == "criminal exploitation");
  CHECK(r.focus == "criminal exploitation");
  CHECK(r.round == "2022-criminal-exploitation");
  auto w = with_code(r, "no_theme_phrase");
  REQUIRE(w.size() == 1);
  CHECK(w[0].message.find("opening paragraph 1") != std::string::npos);
  CHECK(w[0].message.find("'criminal exploitation'") != std::string::npos);
}

TEST_CASE("overrides applied to a letter are listed with their reasons") {
  jtai::test::TempDir tmp;
  jtai::test::copy_rules(tmp.path());
  jtai::test::write_text(tmp.path() / "authorities" / "12345-anytown.toml",
                         "[[heading]]\nsection = \"improvements\"\npattern = 'things to work on'\n"
                         "reason = \"Anytown's 2023 letter names the section this way\"\n"
                         "[[fixup]]\npattern = 'Recordng'\nreplacement = 'Recording'\nreason = \"typo in the PDF\"\n"
                         "[[fixup]]\npattern = 'never present'\nreplacement = 'x'\n"
                         "[[pin]]\nfield = \"inspection_end\"\nvalue = \"2022-05-27\"\nreason = \"the letter omits it\"\n");
  RuleSet with = RuleSet::load(tmp.path());
  LayoutBuilder b = opening();
  b.bold("Things to work on").gap().bullet("Recordng of decisions.").gap().bold("Strengths").gap().bullet("Leaders.");
  Report r = extract_report(b.build(), with, 12345);
  CHECK(texts(r.improvements) == Strings{"Recording of decisions."});
  REQUIRE(r.overrides.size() == 3);  // the fix-up that changed nothing is not listed
  CHECK(r.overrides[0].rule.find("fix-up 'Recordng'") != std::string::npos);
  CHECK(r.overrides[0].reason == "typo in the PDF");
  CHECK(r.overrides[1].rule.find("heading alias -> improvements") != std::string::npos);
  CHECK(r.overrides[1].reason == "Anytown's 2023 letter names the section this way");
  CHECK(r.overrides[2].rule.find("pin inspection_end") != std::string::npos);
  CHECK(r.overrides[2].reason == "the letter omits it");
}

// Variants the corpus does not contain: other heading wordings, numbered
// headings and items, missing sections and dates, unusual date ranges,
// unknown themes, two-column and rotated pages. The extractor must handle
// unseen letters through typography, structure and rule files.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "common/error.hpp"
#include "common/files.hpp"
#include "extract/extractor.hpp"
#include "extract/facts.hpp"
#include "extract/structure.hpp"
#include "tests/extract/fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai::extract;
using jtai::test::LayoutBuilder;
using jtai::test::make_pdf;
using jtai::test::PdfText;
using Strings = std::vector<std::string>;

namespace {
const RuleSet& rules() { return jtai::test::shipped_rules(); }

std::optional<SectionId> section_of(const std::string& heading) {
  auto m = match_heading(heading, rules(), nullptr);
  if (!m) return std::nullopt;
  return m->section;
}

bool has_warning(const Report& r, const std::string& part) {
  return std::any_of(r.warnings.begin(), r.warnings.end(),
                     [&](const jtai::extract::Warning& w) { return w.message.find(part) != std::string::npos; });
}

std::pair<std::string, std::string> fieldwork(const std::string& text, std::optional<std::string> letter = std::nullopt) {
  auto f = find_fieldwork({text}, rules(), letter);
  if (!f) return {"", ""};
  return {f->start, f->end};
}
using Range = std::pair<std::string, std::string>;

// The opening of a 2022+ letter: date, title, introduction with theme,
// fieldwork dates and inspectorates. `dates` replaces the fieldwork sentence.
LayoutBuilder modern_opening(const std::string& dates = "This inspection took place from 23 to 27 May 2022.",
                             const std::string& theme = "identification of initial need and risk",
                             const std::string& letter_date = "18 July 2022") {
  LayoutBuilder b;
  if (!letter_date.empty()) b.text(letter_date).gap();
  b.text("Dear Director").gap()
      .bold("Joint targeted area inspection of Anytown", 72, 14).gap()
      .text("This letter summarises the findings of the joint targeted area inspection (JTAI) of the")
      .text("multi-agency response to " + theme + " in Anytown.").gap()
      .text(dates + " It was carried out by inspectors from Ofsted, the Care Quality")
      .text("Commission (CQC) and HMICFRS.").gap()
      .bold("Headline findings").gap()
      .text("Most children receive the right help at the right time.").gap();
  return b;
}
}  // namespace

TEST_CASE("heading wordings likely in future letters") {
  CHECK(section_of("Area for priority action") == SectionId::priority_actions);
  CHECK(section_of("Areas for priority action") == SectionId::priority_actions);
  CHECK(section_of("Priority actions") == SectionId::priority_actions);
  CHECK(section_of("Priority action:") == SectionId::priority_actions);
  CHECK(section_of("Areas requiring urgent action") == SectionId::priority_actions);
  CHECK(section_of("What needs to improve") == SectionId::improvements);
  CHECK(section_of("What needs to improve?") == SectionId::improvements);
  CHECK(section_of("What needs improving?") == SectionId::improvements);
  CHECK(section_of("Areas for improvement") == SectionId::improvements);
  CHECK(section_of("Areas that require improvement") == SectionId::improvements);
  CHECK(section_of("Improvements needed") == SectionId::improvements);
  CHECK(section_of("Strengths") == SectionId::strengths);
  CHECK(section_of("Key strengths") == SectionId::strengths);
  CHECK(section_of("Key Strengths:") == SectionId::strengths);
  CHECK(section_of("Areas of strength") == SectionId::strengths);
  CHECK(section_of("What works well") == SectionId::strengths);
  CHECK(section_of("Practice study: area for improvement") == SectionId::case_study);
  CHECK(section_of("Practice study: highly effective practice") == SectionId::case_study);
  CHECK(section_of("Case Study: area for improvement") == SectionId::case_study);
  CHECK(section_of("Case study 2: highly effective practice") == SectionId::case_study);
  CHECK(section_of("Practice study \xE2\x80\x93 area for improvement") == SectionId::case_study);
  CHECK(section_of("Areas for further improvement") == SectionId::improvements);
  CHECK_FALSE(section_of("Case studies show that leaders act quickly."));
  CHECK(section_of("AREAS FOR PRIORITY ACTION") == SectionId::priority_actions);
  CHECK(section_of("Key strengths.") == SectionId::strengths);
  CHECK(section_of("  Key   strengths ") == SectionId::strengths);
  // Section numbers are ignored; a sentence is never a heading.
  CHECK(section_of("2. Key strengths") == SectionId::strengths);
  CHECK(section_of("3.1 What needs to improve?") == SectionId::improvements);
  CHECK(section_of("B) Areas for priority action") == SectionId::priority_actions);
  CHECK_FALSE(section_of("2. Leaders know their strengths and weaknesses well."));
  CHECK_FALSE(section_of("Strengths in this area are not yet embedded."));
  CHECK_FALSE(section_of("12345 Areas for improvement"));
}

TEST_CASE("a clean letter has no warnings; other wordings and numbered items are found") {
  LayoutBuilder b = modern_opening();
  b.bold("Area for priority action").gap()
      .text("Priority action should be taken to address the following:").gap(6)
      .text("1. Leaders must ensure that referrals are screened without delay.").gap(6)
      .text("2. Police must share information with partners.").gap()
      .bold("2. Key strengths").gap()
      .text("(a) Leaders know their services well.").gap(6)
      .text("(b) Schools are well supported.").gap()
      .bold("What needs to improve").gap()
      .bullet("The recording of decisions.").gap(6)
      .bullet("The training offer for");
  b.text("health staff.", 90).gap()
      .bold("Practice study: area for improvement").gap()
      .text("A child\xE2\x80\x99s needs were not identified quickly.");
  Report r = extract_report(b.build(), rules());
  CHECK(r.kind == Report::Kind::jtai);
  CHECK(jtai::extract::texts(r.priority_actions) == Strings{"Leaders must ensure that referrals are screened without delay.",
                                      "Police must share information with partners."});
  CHECK(jtai::extract::texts(r.strengths) == Strings{"Leaders know their services well.", "Schools are well supported."});
  CHECK(jtai::extract::texts(r.improvements) == Strings{"The recording of decisions.", "The training offer for health staff."});
  REQUIRE(r.case_studies.size() == 1);
  CHECK(r.case_studies[0].title == "Practice study: area for improvement");
  CHECK(r.case_studies[0].text == "A child\xE2\x80\x99s needs were not identified quickly.");
  CHECK(r.letter_date == "2022-07-18");
  CHECK(r.inspection_start == "2022-05-23");
  CHECK(r.theme == "identification of initial need and risk");
  CHECK(r.inspectorates == Strings{"Ofsted", "CQC", "HMICFRS"});
  CHECK(r.headline_findings == "Most children receive the right help at the right time.");
  CHECK(r.warnings.empty());
}

TEST_CASE("a letter with no priority-action heading: no priority actions, no warning about them") {
  LayoutBuilder b = modern_opening();
  b.bold("Strengths").gap()
      .bullet("Leaders know their services well.").gap()
      .bold("What needs to improve?").gap()
      .bullet("The recording of decisions.");
  Report r = extract_report(b.build(), rules());
  CHECK(r.priority_actions.empty());
  CHECK_FALSE(r.no_priority_actions);
  CHECK(jtai::extract::texts(r.improvements) == Strings{"The recording of decisions."});
  CHECK(r.warnings.empty());
}

TEST_CASE("what a reader should distrust is warned about") {
  SUBCASE("no fieldwork dates") {
    LayoutBuilder b = modern_opening("The inspection was carried out recently.");
    b.bold("What needs to improve?").gap().bullet("Recording.");
    Report r = extract_report(b.build(), rules());
    CHECK_FALSE(r.inspection_start);
    CHECK_FALSE(r.inspection_end);
    CHECK(has_warning(r, "no fieldwork dates"));
  }
  SUBCASE("an unknown theme") {
    LayoutBuilder b = modern_opening("This inspection took place from 23 to 27 May 2022.", "online harms");
    b.bold("What needs to improve?").gap().bullet("Recording.");
    Report r = extract_report(b.build(), rules());
    CHECK(r.theme == "other: online harms");
    CHECK(r.theme_phrase == "the multi-agency response to online harms in Anytown");
    CHECK(has_warning(r, "theme not recognised: online harms"));
  }
  SUBCASE("no letter date") {
    LayoutBuilder b = modern_opening("This inspection took place from 23 to 27 May 2022.",
                                     "identification of initial need and risk", "");
    b.bold("What needs to improve?").gap().bullet("Recording.");
    Report r = extract_report(b.build(), rules());
    CHECK_FALSE(r.letter_date);
    CHECK(has_warning(r, "no letter date"));
  }
  SUBCASE("inspection end before its start") {
    LayoutBuilder b = modern_opening("This inspection took place from 27 May 2022 to 23 May 2022.");
    b.bold("What needs to improve?").gap().bullet("Recording.");
    Report r = extract_report(b.build(), rules());
    CHECK(r.inspection_start == "2022-05-27");
    CHECK(r.inspection_end == "2022-05-23");
    CHECK(has_warning(r, "out of order"));
  }
  SUBCASE("a letter dated before its fieldwork ended") {
    LayoutBuilder b = modern_opening("This inspection took place from 23 to 27 May 2022.",
                                     "identification of initial need and risk", "25 May 2022");
    b.bold("What needs to improve?").gap().bullet("Recording.");
    Report r = extract_report(b.build(), rules());
    CHECK(has_warning(r, "before the end of fieldwork"));
  }
  SUBCASE("a known section heading with no items") {
    LayoutBuilder b = modern_opening();
    b.bold("What needs to improve?").gap().bold("Main findings").gap().text("Findings.");
    Report r = extract_report(b.build(), rules());
    CHECK(r.improvements.empty());
    CHECK(has_warning(r, "'What needs to improve?' (page 1) has no items"));
  }
  SUBCASE("priority actions found in a letter that says there are none") {
    LayoutBuilder b = modern_opening();
    b.bold("Areas for priority action").gap().text("Leaders must act on referrals.").gap()
        .bold("What needs to improve?").gap().bullet("Recording.").gap()
        .bold("Main findings").gap().text("At the last inspection there were no areas for priority action.");
    Report r = extract_report(b.build(), rules());
    CHECK(jtai::extract::texts(r.priority_actions) == Strings{"Leaders must act on referrals."});
    CHECK(r.no_priority_actions);
    CHECK(has_warning(r, "says there are no priority actions, yet 1 were found"));
  }
  SUBCASE("a 'week of' sentence gives an inferred end date") {
    LayoutBuilder b = modern_opening("The inspection took place during the week of 6 March 2023.",
                                     "identification of initial need and risk", "24 April 2023");
    b.bold("What needs to improve?").gap().bullet("Recording.");
    Report r = extract_report(b.build(), rules());
    CHECK(r.inspection_start == "2023-03-06");
    CHECK(r.inspection_end == "2023-03-10");
    CHECK(has_warning(r, "inferred"));
  }
}

TEST_CASE("fieldwork date sentences across months, years and wordings") {
  CHECK(fieldwork("The inspection took place from 23 to 27 May 2022.") == Range{"2022-05-23", "2022-05-27"});
  CHECK(fieldwork("Between 16 and 20 October 2017, Ofsted") == Range{"2017-10-16", "2017-10-20"});
  CHECK(fieldwork("Between 21 March 2017 and 24 March 2017, Ofsted") == Range{"2017-03-21", "2017-03-24"});
  CHECK(fieldwork("This inspection took place from 28 February to 4 March 2022.") == Range{"2022-02-28", "2022-03-04"});
  CHECK(fieldwork("took place from 28 February to 3 March 2024.") == Range{"2024-02-28", "2024-03-03"});
  CHECK(fieldwork("Between 30 December 2019 and 3 January 2020, inspectors") == Range{"2019-12-30", "2020-01-03"});
  CHECK(fieldwork("from 29 December to 2 January 2021") == Range{"2020-12-29", "2021-01-02"});
  CHECK(fieldwork("from Monday 23 May to Friday 27 May 2022") == Range{"2022-05-23", "2022-05-27"});
  CHECK(fieldwork("The inspection took place from 23rd to 27th May 2022.") == Range{"2022-05-23", "2022-05-27"});
  CHECK(fieldwork("The inspection took place 23\xE2\x80\x93" "27 May 2022.") == Range{"2022-05-23", "2022-05-27"});
  CHECK(fieldwork("Inspection dates: 6 to 10 March 2023") == Range{"2023-03-06", "2023-03-10"});
  CHECK(fieldwork("between 6 Sept and 10 Sept 2019") == Range{"2019-09-06", "2019-09-10"});
  CHECK(fieldwork("from 23 May until 27 May 2022") == Range{"2022-05-23", "2022-05-27"});
  // "the week of ...": the end is inferred (5 working days).
  CHECK(fieldwork("during the week of 23 May 2022") == Range{"2022-05-23", "2022-05-27"});
  CHECK(fieldwork("in the week beginning 16 October 2017") == Range{"2017-10-16", "2017-10-20"});
  CHECK(fieldwork("in the week commencing Monday 29 January 2024") == Range{"2024-01-29", "2024-02-02"});
  CHECK(fieldwork("in the week commencing 30 December 2019") == Range{"2019-12-30", "2020-01-03"});
  CHECK(fieldwork("in the week beginning 16 October", std::string("2017-12-01")) == Range{"2017-10-16", "2017-10-20"});
  // Not fieldwork dates.
  CHECK(fieldwork("There were 12 to 15 children in the sample.").first.empty());
  CHECK(fieldwork("from 31 to 35 May 2022").first.empty());
  CHECK(fieldwork("from 3 to 5 Smarch 2022").first.empty());
  // A range is preferred to a "week of" sentence anywhere in the letter.
  auto f = find_fieldwork({"The week beginning 1 May 2022 was planned.", "It took place from 9 to 13 May 2022."}, rules());
  REQUIRE(f);
  CHECK(f->start == "2022-05-09");
  CHECK_FALSE(f->end_inferred);
}

TEST_CASE("letter dates in other forms") {
  CHECK(find_letter_date({"1st December 2017"}, rules()) == "2017-12-01");
  CHECK(find_letter_date({"Monday 18 July 2022"}, rules()) == "2022-07-18");
  CHECK(find_letter_date({"18 Sept 2022"}, rules()) == "2022-09-18");
  CHECK_FALSE(find_letter_date({"18 Smarch 2022"}, rules()));
  // Run together with the address above or the addressee below.
  CHECK(find_letter_date({"Piccadilly Gate Store Street Manchester M1 2WD 18 July 2022"}, rules()) == "2022-07-18");
  CHECK(find_letter_date({"18 July 2022 Ms Jane Smith Director of Childrenâs Services"}, rules()) ==
        "2022-07-18");
  CHECK_FALSE(find_letter_date({"The inspection took place from 23 to 27 May 2022."}, rules()));
  CHECK_FALSE(find_letter_date({"18 July 2022 was the date of the meeting."}, rules()));
}

TEST_CASE("each canonical theme in other reasonable wordings") {
  auto theme = [](const std::string& focus) {
    return classify_theme("the multi-agency response to " + focus + " in Anytown", rules());
  };
  CHECK(theme("children who have been victims of domestic abuse") == "children who are victims of domestic abuse");
  CHECK(theme("child victims of domestic abuse") == "children who are victims of domestic abuse");
  CHECK(theme("children living with domestic abuse") == "domestic abuse");
  CHECK(theme("child sexual abuse in the family environment") == "sexual abuse in the family");
  CHECK(theme("sexual abuse within families") == "sexual abuse in the family");
  CHECK(theme("intra-familial child sexual abuse") == "sexual abuse in the family");
  CHECK(theme("child sexual exploitation and missing children") == "child sexual exploitation and missing");
  CHECK(theme("children at risk of sexual exploitation and missing from home") == "child sexual exploitation and missing");
  CHECK(theme("children at risk of criminal exploitation") == "criminal exploitation");
  CHECK(theme("child criminal exploitation") == "criminal exploitation");
  CHECK(theme("the exploitation of children") == "child exploitation");
  CHECK(theme("children at risk of exploitation") == "child exploitation");
  CHECK(theme("serious violence affecting young people") == "serious youth violence");
  CHECK(theme("children and young people\xE2\x80\x99s mental health") == "children's mental health");
  CHECK(theme("children with mental ill-health") == "children's mental health");
  CHECK(theme("children\xE2\x80\x99s emotional wellbeing") == "children's mental health");
  CHECK(theme("children and families who need early help") == "children and families who need help");
  CHECK(theme("early help for children and families") == "children and families who need help");
  CHECK(theme("the identification of initial need and risk") == "identification of initial need and risk");
  CHECK(theme("the front door") == "identification of initial need and risk");
  CHECK(theme("abuse and neglect") == "abuse and neglect");
  CHECK(theme("children experiencing abuse and neglect") == "abuse and neglect");
  CHECK(theme("children living with neglect") == "neglect");
  CHECK(theme("online harms") == "other: online harms");
  // The phrase pattern accepts "multi agency" and "multiagency".
  CHECK(find_theme_phrase({"the joint inspection of the multi agency response to neglect in Anytown."}, rules()) ==
        "the multi agency response to neglect in Anytown");
  CHECK(find_theme_phrase({"the multiagency responses to neglect in Anytown."}, rules()) ==
        "the multiagency responses to neglect in Anytown");
}

TEST_CASE("a two-column page and rotated pages are read without crashing") {
  // Two columns of text side by side on the same baselines.
  std::vector<PdfText> page;
  page.push_back({72, 80, 16, true, "Joint targeted area inspection of Anytown"});
  for (int i = 0; i < 20; ++i) {
    float y = 120 + 16.0f * static_cast<float>(i);
    page.push_back({72, y, 11, false, "Left column line " + std::to_string(i) + " of text."});
    page.push_back({320, y, 11, false, "Right column line " + std::to_string(i) + " of text."});
  }
  Layout two = read_layout_from_memory(make_pdf({page}));
  REQUIRE(two.pages.size() == 1);
  std::string all;
  for (const auto& l : two.pages[0].lines) all += l.text + "\n";
  // Poppler reads column by column: the whole left column, then the right.
  CHECK(all.find("Left column line 19") != std::string::npos);
  CHECK(all.find("Right column line 19") != std::string::npos);
  CHECK(all.find("Left column line 19") < all.find("Right column line 0"));
  for (const auto& l : two.pages[0].lines)
    CHECK_FALSE((l.text.find("Left") != std::string::npos && l.text.find("Right") != std::string::npos));
  Report r = extract_report(two, rules());
  CHECK(r.kind == Report::Kind::jtai);
  CHECK(has_warning(r, "no fieldwork dates"));

  for (int rotate : {90, 180, 270}) {
    INFO("rotate " << rotate);
    std::vector<PdfText> lines = {{100, 100, 16, true, "Joint targeted area inspection of Anytown"},
                                  {100, 140, 12, false, "This inspection took place from 23 to 27 May 2022."}};
    Layout rotated = read_layout_from_memory(make_pdf({lines, lines}, false, rotate));
    REQUIRE(rotated.pages.size() == 2);
    // Read upright, on the page as displayed.
    CHECK(rotated.pages[0].width == doctest::Approx(rotate == 180 ? 595 : 842));
    REQUIRE(rotated.pages[0].lines.size() == 2);
    CHECK(rotated.pages[0].lines[1].text == "This inspection took place from 23 to 27 May 2022.");
    Report rr = extract_report(rotated, rules());
    CHECK(rr.kind == Report::Kind::jtai);
    CHECK(rr.inspection_start == "2022-05-23");
  }
}

TEST_CASE("odd layouts do not crash: empty lines, lone glyphs, huge type, text off the page") {
  LayoutBuilder b;
  b.bold("Joint targeted area inspection of Anytown").gap()
      .bullet("").gap()
      .text("\xE2\x80\xA2").gap()
      .text("1.").gap()
      .text("(a)").gap()
      .text("Key strengths", 72, 60).gap()
      .text("text far to the right", 5000).gap()
      .text("text to the left of the page", -200);
  Report r = extract_report(b.build(), rules());
  CHECK(r.kind == Report::Kind::jtai);
  Layout empty_pages;
  empty_pages.pages.resize(3);
  CHECK(extract_report(empty_pages, rules()).kind == Report::Kind::not_jtai);
}

TEST_CASE("a PDF with more pages than any letter is refused with one line; a long one is read") {
  std::vector<std::vector<PdfText>> pages(1001, std::vector<PdfText>{{72, 100, 12, false, "Page text."}});
  std::string message;
  try {
    read_layout_from_memory(make_pdf(pages));
  } catch (const jtai::PdfError& e) {
    message = e.what();
  }
  CHECK(message.find("1001 pages") != std::string::npos);
  CHECK(message.find('\n') == std::string::npos);
  pages.resize(300);
  CHECK(read_layout_from_memory(make_pdf(pages)).pages.size() == 300);
}

TEST_CASE("other ways of saying there are no priority actions") {
  for (const char* says : {"There is no area for priority action.", "No priority actions were identified.",
                           "Inspectors did not identify any areas for priority action."}) {
    INFO(says);
    LayoutBuilder b = modern_opening();
    b.bold("Areas for priority action").gap().text(says).gap().bold("What needs to improve?").gap().bullet("Recording.");
    Report r = extract_report(b.build(), rules());
    CHECK(r.no_priority_actions);
    CHECK(r.priority_actions.empty());
    CHECK(r.warnings.empty());
  }
}

TEST_CASE("an old-family letter opening in other words: the introduction is not a headline finding") {
  LayoutBuilder b;
  b.text("1 December 2017").gap()
      .text("Dear local partnership").gap()
      .bold("Joint targeted area inspection of the multi-agency response to abuse and neglect in Anytown").gap()
      .text("From 16 to 20 October 2017, Ofsted, the Care Quality Commission (CQC) and HMI Constabulary (HMIC)")
      .text("undertook a joint inspection. This inspection included a \u2018deep dive\u2019 focus on children")
      .text("living with neglect.").gap()
      .text("Inspectors from Ofsted, the CQC and HMIC looked at the local authority and its partners.").gap()
      .text("The partnership has a strong commitment to protecting children.").gap()
      .bold("Key strengths", 72, 14).gap()
      .bullet("Leaders know their services well.").gap()
      .bold("Areas for improvement", 72, 14).gap()
      .bullet("Thresholds are not well understood.");
  Report r = extract_report(b.build(), rules());
  CHECK(r.inspection_start == "2017-10-16");
  CHECK(r.inspectorates == Strings{"Ofsted", "CQC", "HMIC"});
  CHECK(r.headline_findings == "The partnership has a strong commitment to protecting children.");
  CHECK(r.warnings.empty());
}

TEST_CASE("a file larger than any letter is refused before it is read") {
  jtai::test::TempDir tmp;
  auto big = tmp.path() / "big.pdf";
  jtai::test::write_text(big, "%PDF-1.4\n");
  std::filesystem::resize_file(big, std::uintmax_t{65} << 20);  // sparse: no disk used
  std::string message;
  try {
    read_layout(big);
  } catch (const jtai::PdfError& e) {
    message = e.what();
  }
  CHECK(message.find("big.pdf: file too large (65 MiB; limit 64 MiB)") != std::string::npos);
}

TEST_CASE("font names that do not tell bold: headings are found by wording and shape") {
  // Everything in one plain font ("F1"-style names): no text is known to be bold.
  LayoutBuilder b;
  b.text("18 November 2023").gap()
      .text("Dear Director").gap()
      .text("Joint targeted area inspection of Anytown").gap()
      .text("This letter summarises the findings of the joint targeted area inspection (JTAI) of the")
      .text("multi-agency response to serious youth violence in Anytown.").gap()
      .text("This inspection took place from 23 to 27 October 2023. It was carried out by inspectors")
      .text("from Ofsted, the Care Quality Commission (CQC) and HMICFRS.").gap()
      .text("Headline findings").gap()
      .text("Most children receive the right help.").gap()
      .text("What needs to improve?").gap()
      .bullet("The recording of decisions.").gap()
      .text("Police").gap()
      .bullet("Referrals lack focus.").gap()
      .text("Strengths").gap()
      .bullet("Leaders know their services well.").gap()
      .text("Main findings").gap()
      .text("Leaders are ambitious for children.");
  Report r = extract_report(b.build(), rules());
  CHECK(r.kind == Report::Kind::jtai);
  CHECK(r.headline_findings == "Most children receive the right help.");
  CHECK(jtai::extract::texts(r.improvements) == Strings{"The recording of decisions.", "Referrals lack focus."});
  CHECK(jtai::extract::texts(r.strengths) == Strings{"Leaders know their services well."});
  CHECK(r.theme == "serious youth violence");
  CHECK(r.warnings.empty());
}

TEST_CASE("errors in the new rule keys name file and line") {
  auto error_for = [](const std::string& from, const std::string& to) {
    jtai::test::TempDir tmp;
    jtai::test::copy_rules(tmp.path());
    auto file = tmp.path() / "dates.toml";
    jtai::test::edit(file, from, to);
    try {
      RuleSet::load(tmp.path());
    } catch (const jtai::RuleError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string e = error_for("week_days = 5", "week_days = 0");
  CHECK(e.find("dates.toml:") != std::string::npos);
  CHECK(e.find("week_days") != std::string::npos);
  e = error_for("week_days = 5", "week_days = \"five\"");
  CHECK(e.find("week_days") != std::string::npos);
  e = error_for("(?P<start_day>\\d{1,2})(?:st|nd|rd|th)?\\s+(?P<start_month>[A-Za-z]{3,9})\\.?(?:,?",
                "(?P<day>\\d{1,2})(?:st|nd|rd|th)?\\s+(?P<start_month>[A-Za-z]{3,9})\\.?(?:,?");
  CHECK(e.find("dates.toml:") != std::string::npos);
  CHECK(e.find("start_day") != std::string::npos);
}

TEST_CASE("numbered items that are not sentences still start one item each") {
  LayoutBuilder b = modern_opening();
  b.bold("What needs to improve?").gap()
      .text("The partnership should improve:").gap(2)
      .text("1. the recording of decisions")
      .text("2. the training offer for health staff, including")
      .text("practitioners in schools")
      .text("3. (a) the timeliness of strategy meetings");
  Report r = extract_report(b.build(), rules());
  CHECK(jtai::extract::texts(r.improvements) == Strings{"the recording of decisions",
                                  "the training offer for health staff, including practitioners in schools",
                                  "(a) the timeliness of strategy meetings"});
}

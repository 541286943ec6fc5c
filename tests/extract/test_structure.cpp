// Headings, sections and list items, with the repository's rules.
#include <doctest/doctest.h>

#include "extract/extractor.hpp"
#include "extract/lists.hpp"
#include "extract/structure.hpp"
#include "tests/extract/fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai::extract;
using jtai::test::LayoutBuilder;

namespace {
const RuleSet& rules() { return jtai::test::shipped_rules(); }

// A small letter of the 2016-2020 family.
Layout old_family_letter() {
  LayoutBuilder b;
  b.text("1 December 2017").gap()
      .text("Dear local partnership").gap()
      .bold("Joint targeted area inspection of the multi-agency response to abuse and")
      .bold("neglect in Anytown").gap()
      .text("Between 16 and 20 October 2017, Ofsted, the Care Quality Commission (CQC), HMI")
      .text("Constabulary (HMICFRS) and HMI Probation (HMI Prob) undertook a joint inspection")
      .text("of the multi-agency response to abuse and neglect in Anytown. This inspection")
      .text("included a \xE2\x80\x98" "deep dive\xE2\x80\x99 focus on children living with neglect.").gap()
      .text("This letter to all the service leaders in the area outlines our findings.").gap()
      .text("The partnership has a strong commitment to protecting children.").gap()
      .bold("Key strengths", 72, 14).gap()
      .bullet("Leaders know their services well.").gap(6)
      .bullet("Schools are well supported.").gap()
      .bold("Case study: highly effective practice", 90).gap()
      .text("Mark\xE2\x80\x99s case shows effective partnership working.", 90).gap()
      .text("His school has provided effective support.", 90).gap()
      .bullet("Training is valued by staff.").gap()
      .bold("Areas for improvement", 72, 14).gap()
      .bold("Leadership and management").gap()
      .text("The partnership should address the following:").gap(6)
      .bullet("Strategy discussions do not always include")
      .text("all professionals.", 90).gap(6)
      .bullet("a sub-point of the item above;", 100).gap(6)
      .text("This continues the item above.", 90).gap(6)
      .bullet("Thresholds are not well understood.").gap()
      .bold("Police").gap()
      .bullet("Referrals lack focus.").gap()
      .text("Case study: area for improvement", 90).gap()
      .text("Decisions were delayed.", 90).gap()
      .bold("Next steps", 72, 14).gap()
      .text("The director of children\xE2\x80\x99s services should prepare a written statement.");
  return b.build();
}
}  // namespace

TEST_CASE("headings are matched by wording, whole and case-insensitively") {
  auto m = match_heading("Areas for Improvement", rules(), nullptr);
  REQUIRE(m);
  CHECK(m->section == SectionId::improvements);
  CHECK(m->rule.find("sections.toml:") == 0);
  CHECK(match_heading("What needs to improve?", rules(), nullptr)->section == SectionId::improvements);
  CHECK(match_heading("Area for priority action", rules(), nullptr)->section == SectionId::priority_actions);
  CHECK(match_heading("Practice study: highly effective practice", rules(), nullptr)->section == SectionId::case_study);
  CHECK(match_heading("Early help strengths", rules(), nullptr)->section == SectionId::strengths);
  CHECK_FALSE(match_heading("Areas for improvement are minor in this area", rules(), nullptr));
}

TEST_CASE("heading typography: bold or larger, short, not a list item") {
  Block b;
  b.text = "Leadership and management";
  b.bold = true;
  b.lines = 1;
  CHECK(looks_like_heading(b, 12));
  b.bold = false;
  CHECK_FALSE(looks_like_heading(b, 12));
  b.size = 14;
  CHECK(looks_like_heading(b, 12));
  b.kind = Block::Kind::item;
  CHECK_FALSE(looks_like_heading(b, 12));
}

TEST_CASE("sections of an old-family letter: strengths, case studies, improvements with sub-headings") {
  Report r = extract_report(old_family_letter(), rules());
  CHECK(r.kind == Report::Kind::jtai);
  CHECK(r.letter_date == "2017-12-01");
  CHECK(r.inspection_start == "2017-10-16");
  CHECK(r.inspection_end == "2017-10-20");
  CHECK(r.theme == "abuse and neglect");
  CHECK(r.theme_phrase == "the multi-agency response to abuse and neglect in Anytown");
  CHECK(r.deep_dive == "children living with neglect");
  CHECK(r.inspectorates == std::vector<std::string>{"Ofsted", "CQC", "HMICFRS", "HMIP"});
  CHECK(r.headline_findings == "The partnership has a strong commitment to protecting children.");
  // The box ends where the text returns to the margin: the last bullet is a strength.
  CHECK(jtai::extract::texts(r.strengths) == std::vector<std::string>{"Leaders know their services well.", "Schools are well supported.",
                                                "Training is valued by staff."});
  REQUIRE(r.case_studies.size() == 2);
  CHECK(r.case_studies[0].title == "Case study: highly effective practice");
  CHECK(r.case_studies[0].text ==
        "Mark\xE2\x80\x99s case shows effective partnership working.\n\nHis school has provided effective support.");
  CHECK(r.case_studies[1].title == "Case study: area for improvement");  // found by wording, not bold
  CHECK(r.case_studies[1].text == "Decisions were delayed.");
  CHECK(jtai::extract::texts(r.improvements) == std::vector<std::string>{
                              "Strategy discussions do not always include all professionals. a sub-point of the item "
                              "above; This continues the item above.",
                              "Thresholds are not well understood.", "Referrals lack focus."});
  CHECK(r.priority_actions.empty());
  CHECK_FALSE(r.no_priority_actions);
  CHECK(r.warnings.empty());
}

TEST_CASE("a section without bullets gives one item per paragraph; a heading with no items is warned about") {
  LayoutBuilder b;
  b.text("18 July 2022").gap()
      .bold("Joint targeted area inspection of Anytown").gap()
      .text("This letter summarises the findings of the joint targeted area inspection (JTAI) of the")
      .text("multi-agency response to identification of initial need and risk in Anytown.").gap()
      .text("This inspection took place from 23 to 27 May 2022. It was carried out by inspectors")
      .text("from Ofsted, the Care Quality Commission (CQC) and His Majesty\xE2\x80\x99s Inspectorate of")
      .text("Constabulary and Fire & Rescue Services (HMICFRS).").gap()
      .bold("Headline findings").gap()
      .text("Most children receive the right support.").gap()
      .text("Leaders know their services.").gap()
      .bold("Areas for priority action").gap()
      .text("Leaders must act on referrals.").gap()
      .text("Police must share information.").gap()
      .bold("Strengths").gap()
      .bold("Main findings").gap()
      .text("Findings text.");
  Report r = extract_report(b.build(), rules());
  CHECK(r.headline_findings == "Most children receive the right support.\n\nLeaders know their services.");
  CHECK(r.theme == "identification of initial need and risk");
  CHECK(r.inspectorates == std::vector<std::string>{"Ofsted", "CQC", "HMICFRS"});
  CHECK(jtai::extract::texts(r.priority_actions) == std::vector<std::string>{"Leaders must act on referrals.", "Police must share information."});
  REQUIRE(r.warnings.size() >= 1);
  CHECK(r.warnings[0].code == "empty_section");
  CHECK(r.warnings[0].message.find("'Strengths'") != std::string::npos);
}

TEST_CASE("section_items: lead-in dropped, sub-bullets joined, sub-headings skipped") {
  std::vector<Block> blocks(6);
  auto para = [](const char* t) {
    Block b;
    b.text = t;
    b.x0 = 72;
    return b;
  };
  auto item = [](const char* t, float x) {
    Block b;
    b.kind = Block::Kind::item;
    b.text = t;
    b.bullet_x = x;
    b.x0 = x + 18;
    return b;
  };
  blocks[0] = para("Priority action should be taken to address the following areas:");
  blocks[1] = item("First item.", 72);
  blocks[2] = item("first sub-bullet", 100);
  blocks[3] = para("Police");
  blocks[4] = item("Second item.", 72);
  blocks[5] = para("continued after a page break.");
  Section s;
  s.blocks = {0, 1, 2, 3, 4, 5};
  s.subheadings = {3};
  CHECK(jtai::extract::texts(section_items(s, blocks)) ==
        std::vector<std::string>{"First item. first sub-bullet", "Second item. continued after a page break."});
}

TEST_CASE("the letter says there are no priority actions") {
  LayoutBuilder b;
  b.bold("Joint targeted area inspection of Anytown").gap()
      .text("This inspection took place from 23 to 27 May 2022.").gap()
      .bold("Areas for priority action").gap()
      .text("There are no areas for priority action.").gap()
      .bold("What needs to improve?").gap()
      .bullet("Recording.");
  Report r = extract_report(b.build(), rules());
  CHECK(r.no_priority_actions);
  CHECK(r.priority_actions.empty());
  CHECK(jtai::extract::texts(r.improvements) == std::vector<std::string>{"Recording."});
}

TEST_CASE("a layout without JTAI wording is not_jtai with a reason") {
  LayoutBuilder b;
  b.bold("Area SEND inspection of Anytown Local Area Partnership").gap().text("Inspection dates: 6 to 10 February 2023");
  Report r = extract_report(b.build(), rules());
  CHECK(r.kind == Report::Kind::not_jtai);
  CHECK(r.reason.find("Area SEND inspection") != std::string::npos);
  LayoutBuilder other;
  other.text("A shopping list.");
  Report r2 = extract_report(other.build(), rules());
  CHECK(r2.kind == Report::Kind::not_jtai);
  CHECK(r2.reason.find("joint targeted area inspection") != std::string::npos);
}

TEST_CASE("urn_from_path reads the corpus folder or file name") {
  CHECK(urn_from_path("/x/80426_barnsley/letter.pdf") == 80426);
  CHECK(urn_from_path("/x/other/80438_area-send.pdf") == 80438);
  CHECK_FALSE(urn_from_path("/x/letters/letter.pdf"));
}

TEST_CASE("a heading glued to the paragraph after it is still found") {
  LayoutBuilder b;
  b.bold("Joint targeted area inspection of Anytown").gap()
      .text("This inspection took place from 23 to 27 May 2022.").gap()
      .glued("Areas for priority action", "Leaders must act on referrals without")
      .text("delay.").gap()
      .glued("Strengths", "Leadership is strong.").gap()
      .glued("Note", "bold words that are no heading stay in the text.");
  Report r = extract_report(b.build(), rules());
  CHECK(jtai::extract::texts(r.priority_actions) == std::vector<std::string>{"Leaders must act on referrals without delay."});
  CHECK(jtai::extract::texts(r.strengths) == std::vector<std::string>{"Leadership is strong.",
                                                "Note bold words that are no heading stay in the text."});
}

TEST_CASE("numbered items lose their number label like bullets lose their glyph") {
  LayoutBuilder b;
  b.bold("Joint targeted area inspection of Anytown").gap()
      .bold("What needs to improve?").gap()
      .text("1. The recording of decisions.").gap()
      .text("2. The training offer.");
  Report r = extract_report(b.build(), rules());
  CHECK(jtai::extract::texts(r.improvements) == std::vector<std::string>{"The recording of decisions.", "The training offer."});
}

TEST_CASE("a JTAI letter that mentions another inspection type on page 1 is still a JTAI letter") {
  LayoutBuilder b;
  b.bold("Joint targeted area inspection of Anytown").gap()
      .text("The most recent inspection of local authority children\xE2\x80\x99s services found services good.");
  CHECK(extract_report(b.build(), rules()).kind == Report::Kind::jtai);
  LayoutBuilder ilacs;
  ilacs.bold("Inspection of local authority children\xE2\x80\x99s services").gap()
      .text("The joint targeted area inspection (JTAI) in 2019 found weaknesses.");
  Report r = extract_report(ilacs.build(), rules());
  CHECK(r.kind == Report::Kind::not_jtai);
  CHECK(r.reason.find("sections.toml:") != std::string::npos);
}

TEST_CASE("after a list, a heading in the same type followed by paragraphs ends the list section") {
  LayoutBuilder b;
  b.bold("Joint targeted area inspection of Anytown").gap()
      .bold("What needs to improve?").gap()
      .bullet("The recording of decisions.").gap()
      .bold("Anytown Safeguarding Children Partnership (ASCP)").gap()
      .text("The partners have significant knowledge of the local area.").gap()
      .text("The ASCP has strong links with the health board.").gap()
      .bold("Main findings");
  Report r = extract_report(b.build(), rules());
  CHECK(jtai::extract::texts(r.improvements) == std::vector<std::string>{"The recording of decisions."});
  CHECK(r.strengths.empty());
}

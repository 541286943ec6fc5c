// Layout lines -> clean blocks.
#include <doctest/doctest.h>

#include "extract/cleanup.hpp"
#include "tests/extract/fixtures.hpp"

using namespace jtai::extract;
using jtai::test::LayoutBuilder;

namespace {
std::vector<std::string> texts(const CleanText& c) {
  std::vector<std::string> out;
  for (const auto& b : c.blocks) out.push_back(b.text);
  return out;
}
}  // namespace

TEST_CASE("lines of a paragraph are joined; a vertical gap starts a new paragraph") {
  LayoutBuilder b;
  b.text("The partnership has a strong commitment to")
      .text("protecting children, with solid foundations for")
      .text("further improvement.")
      .gap()
      .text("A second paragraph starts here.");
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 2);
  CHECK(c.blocks[0].text ==
        "The partnership has a strong commitment to protecting children, with solid foundations for further improvement.");
  CHECK(c.blocks[1].text == "A second paragraph starts here.");
  CHECK(c.blocks[0].kind == Block::Kind::paragraph);
  CHECK(c.body_size == doctest::Approx(12));
}

TEST_CASE("page numbers, footnote bodies and footnote markers are dropped") {
  LayoutBuilder b;
  b.with_marker("in Oxfordshire.", "1", "This letter outlines our findings about")
      .text("the effectiveness of partnership working.")
      .at_foot("This joint inspection was conducted under section 20 of the Children Act 2004.", 760, 10, 72, "1")
      .at_foot("2", 790, 9, 520);
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 1);
  CHECK(c.blocks[0].text ==
        "in Oxfordshire. This letter outlines our findings about the effectiveness of partnership working.");
}

TEST_CASE("a marker before punctuation leaves no space behind") {
  LayoutBuilder b;
  b.with_marker("suspected disguised compliance", "4", ". Extensive checks were made.");
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 1);
  CHECK(c.blocks[0].text == "suspected disguised compliance. Extensive checks were made.");
}

TEST_CASE("small type at the foot without a marker is kept (not a footnote)") {
  LayoutBuilder b;
  b.text("Body text.").at_foot("A box set in smaller type that reaches the foot of the page.", 760, 10);
  auto c = clean_layout(b.build());
  CHECK(texts(c).size() == 2);
}

TEST_CASE("running headers repeated on every page are dropped") {
  LayoutBuilder b;
  for (int p = 0; p < 4; ++p) {
    if (p) b.page();
    b.at_foot("Joint targeted area inspection of Anytown", 30, 9);
    b.text("Page " + std::to_string(p + 1) + " body text that runs all the way across the page to the margin")
        .text("and ends here.");
    b.at_foot("Page " + std::to_string(p + 1) + " of 4", 800, 9, 260);
  }
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 4);
  for (const auto& blk : c.blocks) CHECK(blk.text.find("Anytown") == std::string::npos);
  CHECK(c.blocks[2].text == "Page 3 body text that runs all the way across the page to the margin and ends here.");
}

TEST_CASE("bullet glyphs become list items; continuation lines join the item") {
  LayoutBuilder b;
  b.text("Priority action should be taken to address the following areas:")
      .gap(6)
      .bullet("The quality and consistency of all agencies\xE2\x80\x99 gathering,")
      .text("recording and responding to children\xE2\x80\x99s wishes.", 90)
      .gap(6)
      .bullet("The quality of referrals.", 72, "\xE2\x97\xBC")
      .bullet("Sub-point in a bullet font.", 100);
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 4);
  CHECK(c.blocks[0].kind == Block::Kind::paragraph);
  CHECK(c.blocks[1].kind == Block::Kind::item);
  CHECK(c.blocks[1].text ==
        "The quality and consistency of all agencies\xE2\x80\x99 gathering, recording and responding to children\xE2\x80\x99s wishes.");
  CHECK(c.blocks[2].text == "The quality of referrals.");
  CHECK(c.blocks[3].bullet_x > c.blocks[2].bullet_x);
}

TEST_CASE("a bullet typed in the text font (\"• text\") is a list item too") {
  LayoutBuilder b;
  b.text("\xE2\x80\xA2 Strong strategic leadership.");
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 1);
  CHECK(c.blocks[0].kind == Block::Kind::item);
  CHECK(c.blocks[0].text == "Strong strategic leadership.");
}

TEST_CASE("a bold heading with no gap before the body is its own block") {
  LayoutBuilder b;
  b.bold("Headline findings").text("Most children receive the right support.");
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 2);
  CHECK(c.blocks[0].bold);
  CHECK_FALSE(c.blocks[1].bold);
}

TEST_CASE("a paragraph broken mid-sentence by a page break continues on the next page") {
  LayoutBuilder b;
  b.text("Early help is appropriately recognised and provided to support").text("children and families when");
  b.page().text("concerns first arise.").gap().text("A new paragraph.");
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 2);
  CHECK(c.blocks[0].text ==
        "Early help is appropriately recognised and provided to support children and families when concerns first arise.");
  CHECK(c.blocks[1].page == 1);
}

TEST_CASE("a numbered paragraph label starts a block only where a paragraph can start") {
  LayoutBuilder b;
  b.text("1. Children and their families are able to access help.")
      .gap()
      .text("Police and NPS co-chair public protection arrangements (MAPPA-")
      .text("2) meetings in the area.");
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 2);
  CHECK(c.blocks[0].numbered);
  CHECK(c.blocks[1].text == "Police and NPS co-chair public protection arrangements (MAPPA-2) meetings in the area.");
}

TEST_CASE("soft hyphens are dropped, inside a word and at a line end") {
  LayoutBuilder b;
  b.text("Partners co\xC2\xADoperate well and make deci\xC2\xAD").text("sions together.");
  auto c = clean_layout(b.build());
  REQUIRE(c.blocks.size() == 1);
  CHECK(c.blocks[0].text == "Partners cooperate well and make decisions together.");
}

// Reading PDFs with Poppler, the stored layout format, and PDF errors.
#include <doctest/doctest.h>

#include "common/error.hpp"
#include "extract/extractor.hpp"
#include "tests/extract/fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai::extract;
using jtai::test::LayoutBuilder;
using jtai::test::make_pdf;
using jtai::test::PdfText;
using jtai::test::TempDir;
using jtai::test::write_text;

namespace {
std::string small_letter_pdf() {
  return make_pdf({{
                       {72, 100, 12, false, "18 July 2022"},
                       {72, 140, 12, true, "Joint targeted area inspection of Anytown"},
                       {72, 170, 12, false, "This inspection took place from 23 to 27 May 2022."},
                       {72, 200, 12, true, "What needs to improve?"},
                   },
                   {
                       {72, 100, 16, false, "Second page"},
                       {300, 800, 9, false, "2"},
                   }});
}

std::string pdf_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const jtai::PdfError& e) {
    return e.what();
  }
  FAIL("no PdfError thrown");
  return {};
}
}  // namespace

TEST_CASE("a PDF is read into pages and lines with font, size and bold") {
  Layout l = read_layout_from_memory(small_letter_pdf());
  REQUIRE(l.pages.size() == 2);
  CHECK(l.pages[0].width == doctest::Approx(595));
  CHECK(l.pages[0].height == doctest::Approx(842));
  REQUIRE(l.pages[0].lines.size() == 4);
  const Line& title = l.pages[0].lines[1];
  CHECK(title.text == "Joint targeted area inspection of Anytown");
  CHECK(title.bold);
  CHECK(title.font == "Helvetica-Bold");
  CHECK(title.size == doctest::Approx(12));
  CHECK(title.box.x0 == doctest::Approx(72).epsilon(0.01));
  CHECK(title.box.y1 > title.box.y0);
  CHECK_FALSE(l.pages[0].lines[2].bold);
  REQUIRE(title.spans.size() == 1);
  CHECK(title.spans[0].end == title.text.size());
  CHECK(l.pages[1].lines[0].size == doctest::Approx(16));
  CHECK(l.pages[1].lines[0].page == 1);
}

TEST_CASE("the layout round-trips through its stored form") {
  Layout l = read_layout_from_memory(small_letter_pdf());
  std::string bytes = encode_layout(l);
  CHECK(decode_layout(bytes) == l);
  LayoutBuilder b;
  b.with_marker("in Oxfordshire.", "1", "Next").bullet("An item.");
  Layout built = b.build();
  CHECK(decode_layout(encode_layout(built)) == built);
}

TEST_CASE("a corrupt or foreign stored layout is an error, never a crash") {
  std::string bytes = encode_layout(read_layout_from_memory(small_letter_pdf()));
  CHECK_THROWS_AS(decode_layout(bytes.substr(0, bytes.size() / 2)), jtai::Error);
  CHECK_THROWS_AS(decode_layout("not a layout"), jtai::Error);
  CHECK_THROWS_AS(decode_layout(""), jtai::Error);
  std::string wrong_version = bytes;
  wrong_version[4] = static_cast<char>(wrong_version[4] + 1);
  CHECK_THROWS_WITH_AS(decode_layout(wrong_version), doctest::Contains("version"), jtai::Error);
  std::string huge_count = bytes.substr(0, 8) + std::string("\xff\xff\xff\x7f", 4);
  CHECK_THROWS_AS(decode_layout(huge_count), jtai::Error);
}

TEST_CASE("missing, empty, non-PDF and corrupt files give a one-line PdfError") {
  TempDir tmp;
  std::string msg = pdf_error([&] { read_layout(tmp.path() / "nope.pdf"); });
  CHECK(msg.find("nope.pdf: no such file") != std::string::npos);

  write_text(tmp.path() / "empty.pdf", "");
  CHECK(pdf_error([&] { read_layout(tmp.path() / "empty.pdf"); }).find("empty file") != std::string::npos);

  write_text(tmp.path() / "text.pdf", "just some text, not a PDF at all\n");
  CHECK(pdf_error([&] { read_layout(tmp.path() / "text.pdf"); }).find("not a PDF") != std::string::npos);

  std::string pdf = small_letter_pdf();
  write_text(tmp.path() / "cut.pdf", pdf.substr(0, 40));
  msg = pdf_error([&] { read_layout(tmp.path() / "cut.pdf"); });
  CHECK(msg.find("cut.pdf") != std::string::npos);
  CHECK(msg.find('\n') == std::string::npos);

  CHECK(pdf_error([&] { read_layout(tmp.path()); }).find("directory") != std::string::npos);

  write_text(tmp.path() / "locked.pdf", make_pdf({{{72, 100, 12, false, "Secret"}}}, true));
  msg = pdf_error([&] { read_layout(tmp.path() / "locked.pdf"); });
  CHECK(msg.find("locked.pdf: encrypted") != std::string::npos);

  std::string no_text = make_pdf({{}});
  CHECK(pdf_error([&] { read_layout_from_memory(no_text); }).find("no text") != std::string::npos);
}

TEST_CASE("extract_file reads a small letter end to end") {
  TempDir tmp;
  write_text(tmp.path() / "12345_anytown" / "letter.pdf", small_letter_pdf());
  RuleSet rules = RuleSet::load(jtai::test::rules_dir());
  Report r = extract_file(tmp.path() / "12345_anytown" / "letter.pdf", rules);
  CHECK(r.kind == Report::Kind::jtai);
  CHECK(r.letter_date == "2022-07-18");
  CHECK(r.inspection_start == "2022-05-23");
  CHECK(r.inspection_end == "2022-05-27");
  CHECK(r.rules_version == rules.version());
  // The letter has an improvements heading but nothing under it: warned.
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || (w.code == "empty_section" && w.message.find("What needs to improve?") != std::string::npos);
  CHECK(warned);
}

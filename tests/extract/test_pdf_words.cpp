// Poppler's words read through poppler-glib must be exactly those poppler-cpp
// gives (text, box, font, size, space after), page by page: the stored layouts
// and every report depend on them.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>

#include "extract/layout.hpp"
#include "extract/pdf_words.hpp"
#include "tests/extract/fixtures.hpp"
#include "tests/support/pdf_builder.hpp"
#include "tests/support/test_support.hpp"

using jtai::extract::PdfWords;

namespace {

// Reads every page both ways, checks they agree and returns how many pages the
// fast reading had to leave to poppler-cpp.
int compare_readers(const std::string& pdf, const std::string& name) {
  PdfWords fast(pdf, name), exact(pdf, name, PdfWords::Reader::poppler_cpp);
  REQUIRE(fast.pages() == exact.pages());
  for (int i = 0; i < fast.pages(); ++i) {
    CAPTURE(name);
    CAPTURE(i);
    auto a = fast.page(i), b = exact.page(i);
    CHECK(a.width == b.width);
    CHECK(a.height == b.height);
    REQUIRE(a.words.size() == b.words.size());
    for (size_t w = 0; w < a.words.size(); ++w) {
      CAPTURE(b.words[w].text);
      CHECK(a.words[w] == b.words[w]);
    }
  }
  CHECK(exact.pages_read_by_poppler_cpp() == exact.pages());
  return fast.pages_read_by_poppler_cpp();
}

// One A4 page drawing `content` with /F1 Helvetica, /F2 Helvetica-Bold and
// /F3 named `third_font`; `annots` (object numbers from 8) are put on the page.
std::string one_page_pdf(const std::string& content, const std::string& third_font = "Times-Roman",
                         const std::vector<std::string>& annots = {}) {
  std::string refs;
  for (size_t i = 0; i < annots.size(); ++i) refs += std::to_string(8 + i) + " 0 R ";
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /" + third_font + " /Encoding /WinAnsiEncoding >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> "
      ">> /Contents 7 0 R /Annots [" + refs + "] >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream",
  };
  objects.insert(objects.end(), annots.begin(), annots.end());
  return jtai::test::assemble_pdf(objects);
}

std::string layout_text(const jtai::extract::Layout& l) {
  std::string all;
  for (const auto& p : l.pages)
    for (const auto& line : p.lines) all += line.text + "\n";
  return all;
}

}  // namespace

TEST_CASE("glib's words are poppler-cpp's: spaces, glued fonts, raised text, sizes, kerning, order, columns, turns") {
  std::string content =
      "BT /F1 12 Tf 72 760 Td (Plain words on one line.) Tj ET\n"
      // A bold run glued to regular text: one Poppler word in two fonts.
      "BT /F2 12 Tf 72 740 Td (Bold) Tj /F1 12 Tf (text and more) Tj ET\n"
      // Raised text in the same font and size: words that touch without a space.
      "BT /F1 12 Tf 72 720 Td (1) Tj 5 Ts (st) Tj 0 Ts ( place, 2) Tj 4 Ts (nd) Tj 0 Ts ( place) Tj ET\n"
      // A smaller size glued to a larger one.
      "BT /F1 12 Tf 72 700 Td (Large) Tj /F1 7 Tf (small) Tj /F3 12 Tf ( Times) Tj ET\n"
      // Kerning inside a word, a wide gap, and text drawn right to left on the page.
      "BT /F1 12 Tf 72 680 Td [(Ke) 80 (rned) -3000 (gap)] TJ ET\n"
      "BT /F1 12 Tf 300 660 Td (second) Tj ET BT /F1 12 Tf 72 660 Td (first) Tj ET\n"
      // Words pulled back over their neighbour: Poppler keeps two words (fonts differ) that touch.
      "BT /F2 12 Tf 72 640 Td (Over) Tj /F1 12 Tf [300 (lap)] TJ /F1 12 Tf [300 (same)] TJ ET\n"
      // Two columns of two lines side by side.
      "BT /F1 10 Tf 72 620 Td (Left one) Tj 0 -12 Td (Left two) Tj ET\n"
      "BT /F1 10 Tf 320 620 Td (Right one) Tj 0 -12 Td (Right two) Tj ET\n"
      // Accented letters and punctuation outside ASCII (WinAnsi: e acute, en dash, curly quotes).
      "BT /F1 12 Tf 72 560 Td (caf\\351 \\226 \\223quoted\\224) Tj ET\n"
      // Text turned a quarter, a half and three quarters.
      "BT /F1 12 Tf 0 1 -1 0 520 300 Tm (Turned up) Tj ET\n"
      "BT /F1 12 Tf -1 0 0 -1 400 200 Tm (Upside down) Tj ET\n"
      "BT /F1 12 Tf 0 -1 1 0 60 400 Tm (Turned down) Tj ET\n";
  CHECK(compare_readers(one_page_pdf(content), "mixed.pdf") == 0);

  // A line starting past the left edge near the foot of the page, drawn first.
  std::string edge = "BT /F1 12 Tf -2 10 Td (ave attended) Tj ET\n"
                     "BT /F2 14 Tf 72 700 Td (Areas for improvement) Tj ET\n"
                     "BT /F1 12 Tf 72 680 Td (There is a lack of resilience in some of the partners.) Tj ET\n";
  CHECK(compare_readers(one_page_pdf(edge), "edge.pdf") == 0);

  // Whole pages turned by /Rotate.
  for (int rotate : {90, 180, 270}) {
    CAPTURE(rotate);
    std::string pdf = jtai::test::make_pdf(
        {{{72, 100, 12, true, "A heading"}, {72, 130, 12, false, "Body text on a turned page."}}}, false, rotate);
    CHECK(compare_readers(pdf, "turned.pdf") == 0);
  }

  // A link annotation draws no text: the page stays with glib.
  std::string link = "<< /Type /Annot /Subtype /Link /Rect [72 750 200 772] /Border [0 0 0] "
                     "/A << /S /URI /URI (https://example.org/) >> >>";
  CHECK(compare_readers(one_page_pdf(content, "Times-Roman", {link}), "link.pdf") == 0);
}

TEST_CASE("pages glib cannot reproduce are read by poppler-cpp, with its words") {
  std::string content = "BT /F1 12 Tf 72 760 Td (Body text) Tj ET\n";
  SUBCASE("an annotation drawing text (poppler-cpp includes it, glib would not)") {
    std::string stream = "BT /F1 12 Tf 2 10 Td (Annotated note) Tj ET\n";
    std::vector<std::string> annots = {
        "<< /Type /Annot /Subtype /FreeText /Rect [72 300 300 330] /AP << /N 9 0 R >> /DA (/F1 12 Tf 0 g) "
        "/Contents (Annotated note) >>",
        "<< /Type /XObject /Subtype /Form /BBox [0 0 228 30] /Resources << /Font << /F1 3 0 R >> >> /Length " +
            std::to_string(stream.size()) + " >>\nstream\n" + stream + "endstream"};
    std::string pdf = one_page_pdf(content, "Times-Roman", annots);
    CHECK(compare_readers(pdf, "annotated.pdf") == 1);
    CHECK(layout_text(jtai::extract::read_layout_from_memory(pdf)) == "Body text\nAnnotated note\n");
  }
  SUBCASE("a font name with a '+' that is no subset prefix") {
    std::string pdf = one_page_pdf(content + "BT /F3 12 Tf 72 700 Td (Plus font) Tj ET\n", "Tahoma+Bold");
    CHECK(compare_readers(pdf, "plus.pdf") == 1);
  }
}

TEST_CASE("the corpus reads the same through glib as through poppler-cpp, without falling back") {
  if (!jtai::test::have_shared_corpus()) {
    MESSAGE("skipped: ../shared (the real letters) is absent");
    return;
  }
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(jtai::test::shared_dir() / "corpus")) {
    if (entry.path().extension() != ".pdf") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // As read_layout does: Poppler's colour set-up per page is slow and irrelevant.
    for (size_t at = pdf.find("/OutputIntents"); at != std::string::npos; at = pdf.find("/OutputIntents", at + 1))
      pdf[at + 13] = 'X';
    CHECK(compare_readers(pdf, entry.path().filename().string()) == 0);
    ++files;
  }
  CHECK(files > 0);
}

#pragma once
// Small fixtures for the extraction tests, built in code: layouts line by
// line, tiny PDFs written byte by byte, rule directories in a TempDir.
#include <filesystem>
#include <string>
#include <vector>

#include "extract/layout.hpp"
#include "extract/rules.hpp"

namespace jtai::test {

// The repository's own rules/, loaded once for the whole test binary.
const extract::RuleSet& shipped_rules();

// Builds a Layout the way read_layout would, one line at a time.
class LayoutBuilder {
 public:
  LayoutBuilder();
  LayoutBuilder& page();                       // starts a new A4 page
  LayoutBuilder& gap(float points = 12);       // paragraph spacing
  LayoutBuilder& text(const std::string& s, float x = 72, float size = 12, bool bold = false);
  LayoutBuilder& bold(const std::string& s, float x = 72, float size = 12) { return text(s, x, size, true); }
  // A bullet glyph (Wingdings private-use character) and the item's text.
  LayoutBuilder& bullet(const std::string& s, float x = 72, const std::string& glyph = "\xEF\x82\xA7");
  // Body text followed by a raised, smaller footnote marker and more text.
  LayoutBuilder& with_marker(const std::string& before, const std::string& marker, const std::string& after,
                             float x = 72);
  // A bold heading and body text on one line (a heading glued to its paragraph).
  LayoutBuilder& glued(const std::string& heading, const std::string& body, float x = 72);
  // A small-type line at the foot of the page (footnote body, page number).
  LayoutBuilder& at_foot(const std::string& s, float y, float size, float x = 72, const std::string& marker = "");
  extract::Layout build() const { return layout_; }

 private:
  extract::Line& new_line(float x, float size);
  void add_span(extract::Line& l, const std::string& s, float size, const std::string& font, float raise = 0,
                bool space_before = true);
  extract::Layout layout_;
  float y_ = 100;
};

struct PdfText {
  float x, y;  // y from the top of the page
  float size;
  bool bold;
  std::string text;  // ASCII
};
// A minimal, valid one-page-per-entry PDF using the standard Helvetica fonts.
// With `encrypted`, the trailer carries a standard security handler whose
// user password is not empty, so the PDF cannot be opened without it.
// With `rotate` (90, 180, 270) every page carries /Rotate and its text is
// drawn turned by the same angle, as in a landscape page scanned sideways.
std::string make_pdf(const std::vector<std::vector<PdfText>>& pages, bool encrypted = false, int rotate = 0);

// Writes a copy of the repository's rules/ into dir (so a test can break one file).
void copy_rules(const std::filesystem::path& dir);
void write_text(const std::filesystem::path& file, const std::string& text);
// Replaces the first occurrence of `from` in `file` (a copied rule file); fails the test when absent.
void edit(const std::filesystem::path& file, const std::string& from, const std::string& to);

}  // namespace jtai::test

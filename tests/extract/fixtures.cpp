#include "tests/extract/fixtures.hpp"

#include "tests/support/pdf_builder.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "common/files.hpp"
#include "tests/support/test_support.hpp"

namespace jtai::test {

using extract::Line;
using extract::Span;

LayoutBuilder::LayoutBuilder() { page(); }

LayoutBuilder& LayoutBuilder::page() {
  extract::Page p;
  p.width = 595;
  p.height = 842;
  layout_.pages.push_back(p);
  y_ = 100;
  return *this;
}

LayoutBuilder& LayoutBuilder::gap(float points) {
  y_ += points;
  return *this;
}

Line& LayoutBuilder::new_line(float x, float size) {
  auto& page = layout_.pages.back();
  Line l;
  l.page = static_cast<int>(layout_.pages.size()) - 1;
  l.box = {x, y_, x, y_ + size * 1.2f};
  page.lines.push_back(l);
  y_ += size * 1.2f;
  return page.lines.back();
}

void LayoutBuilder::add_span(Line& l, const std::string& s, float size, const std::string& font, float raise,
                             bool space_before) {
  if (!l.text.empty() && space_before) l.text += ' ';
  Span sp;
  sp.begin = static_cast<std::uint32_t>(l.text.size());
  l.text += s;
  sp.end = static_cast<std::uint32_t>(l.text.size());
  float x0 = l.spans.empty() ? l.box.x0 : l.spans.back().box.x1 + (space_before ? 3 : 0);
  float width = static_cast<float>(s.size()) * size * 0.5f;
  float bottom = l.box.y1 - raise;
  sp.box = {x0, bottom - size * 1.2f, x0 + width, bottom};
  sp.size = size;
  sp.font = font;
  sp.bold = extract::is_bold_font(font);
  l.spans.push_back(sp);
  l.box.x1 = std::max(l.box.x1, sp.box.x1);
  l.box.y0 = std::min(l.box.y0, sp.box.y0);
  if (l.spans.size() == 1 || size > l.size) {
    l.size = size;
    l.font = font;
    l.bold = sp.bold;
  }
}

LayoutBuilder& LayoutBuilder::text(const std::string& s, float x, float size, bool bold) {
  Line& l = new_line(x, size);
  add_span(l, s, size, bold ? "Tahoma-Bold" : "Tahoma");
  return *this;
}

LayoutBuilder& LayoutBuilder::bullet(const std::string& s, float x, const std::string& glyph) {
  Line& l = new_line(x, 12);
  add_span(l, glyph, 12, "Wingdings-Regular");
  l.spans.back().box.x1 = x + 8;
  l.spans.back().font = "Wingdings-Regular";
  add_span(l, s, 12, "Tahoma");
  l.spans.back().box.x0 = x + 18;
  l.font = "Tahoma";
  l.bold = false;
  return *this;
}

LayoutBuilder& LayoutBuilder::with_marker(const std::string& before, const std::string& marker,
                                          const std::string& after, float x) {
  Line& l = new_line(x, 12);
  add_span(l, before, 12, "Tahoma");
  add_span(l, marker, 8, "Tahoma", 4, false);
  if (!after.empty()) add_span(l, after, 12, "Tahoma");
  l.size = 12;
  l.font = "Tahoma";
  return *this;
}

LayoutBuilder& LayoutBuilder::glued(const std::string& heading, const std::string& body, float x) {
  Line& l = new_line(x, 12);
  add_span(l, heading, 12, "Tahoma-Bold");
  add_span(l, body, 12, "Tahoma");
  l.font = "Tahoma";
  l.bold = false;
  return *this;
}

LayoutBuilder& LayoutBuilder::at_foot(const std::string& s, float y, float size, float x, const std::string& marker) {
  float saved = y_;
  y_ = y;
  Line& l = new_line(x, size);
  if (!marker.empty()) add_span(l, marker, 6.5f, "Tahoma", 2);
  add_span(l, s, size, "Tahoma");
  l.size = size;
  y_ = saved;
  return *this;
}

namespace {
std::string pdf_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

std::string make_pdf(const std::vector<std::vector<PdfText>>& pages, bool encrypted, int rotate) {
  // Objects: 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, then per page: page, contents.
  std::vector<std::string> objects;
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i) kids += std::to_string(5 + 2 * i) + " 0 R ";
  objects.push_back("<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
  for (size_t i = 0; i < pages.size(); ++i) {
    std::string content;
    for (const auto& t : pages[i]) {
      char buf[160];
      if (rotate == 0) {
        std::snprintf(buf, sizeof buf, "BT /%s %.1f Tf %.1f %.1f Td (", t.bold ? "F2" : "F1", t.size, t.x, 842 - t.y);
      } else {
        // (t.x, t.y) are on the page as displayed (turned clockwise by `rotate`).
        const double pi = 3.14159265358979, a = rotate * pi / 180;
        double ux = rotate == 90 ? t.y : rotate == 180 ? 595 - t.x : 595 - t.y;
        double uy = rotate == 90 ? t.x : rotate == 180 ? t.y : 842 - t.x;
        std::snprintf(buf, sizeof buf, "BT /%s %.1f Tf %.4f %.4f %.4f %.4f %.1f %.1f Tm (", t.bold ? "F2" : "F1", t.size,
                      std::cos(a), std::sin(a), -std::sin(a), std::cos(a), ux, uy);
      }
      content += buf + pdf_escape(t.text) + ") Tj ET\n";
    }
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]" + (rotate ? " /Rotate " + std::to_string(rotate) : std::string()) + " /Resources << /Font << /F1 3 0 R /F2 4 0 R "
                      ">> >> /Contents " + std::to_string(6 + 2 * i) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream");
  }
  std::string encryption;
  if (encrypted) {
    // O and U that no empty password produces: the reader must ask for one.
    std::string hex32(64, 'A');
    encryption = " /Encrypt << /Filter /Standard /V 1 /R 2 /O <" + hex32 + "> /U <" + std::string(64, 'B') +
                 "> /P -4 >> /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]";
  }
  return assemble_pdf(objects, encryption);
}

void copy_rules(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (const char* f : {"sections.toml", "themes.toml", "dates.toml", "rounds.toml", "agencies.toml"})
    std::filesystem::copy_file(rules_dir() / f, dir / f);
  std::filesystem::create_directories(dir / "authorities");
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
}

void edit(const std::filesystem::path& file, const std::string& from, const std::string& to) {
  std::string s = jtai::read_file(file);
  auto at = s.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "fixture text not found: " << from);
  s.replace(at, from.size(), to);
  write_text(file, s);
}

const extract::RuleSet& shipped_rules() {
  static const extract::RuleSet rules = extract::RuleSet::load(rules_dir());
  return rules;
}

}  // namespace jtai::test

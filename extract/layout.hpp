#pragma once
// The typographic layout of a PDF: pages of text lines, each line with its
// position, dominant font and size, and the font runs (spans) it is made of.
// Read once from the PDF with Poppler; stored (encode_layout) so rules can be
// re-run later without parsing the PDF again.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "extract/pdf_error.hpp"

namespace jtai::extract {

// Bumped whenever read_layout or the encoding changes what it produces.
inline constexpr int kLayoutVersion = 1;

struct Box {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // points; y grows downwards from the page top
  bool operator==(const Box&) const = default;
};

// A run of words in one font and size inside a line.
struct Span {
  std::uint32_t begin = 0, end = 0;  // byte range in Line::text
  Box box;
  float size = 0;
  std::string font;  // subset prefix removed: "Tahoma-Bold"
  bool bold = false;
  bool operator==(const Span&) const = default;
};

struct Line {
  int page = 0;  // 0-based
  Box box;
  float size = 0;     // size of most of the line's characters
  bool bold = false;  // most of the line's characters are bold
  std::string font;   // font of most of the line's characters
  std::string text;   // UTF-8, words separated by single spaces
  std::vector<Span> spans;
  bool operator==(const Line&) const = default;
};

struct Page {
  float width = 0, height = 0;
  std::vector<Line> lines;  // in reading order
  bool operator==(const Page&) const = default;
};

struct Layout {
  std::vector<Page> pages;
  bool operator==(const Layout&) const = default;
};

// Both throw PdfError (one-line message) for a missing, unreadable, encrypted
// or empty (no pages / no text) file.
Layout read_layout(const std::filesystem::path& pdf);
Layout read_layout_from_memory(std::string_view pdf_bytes);

// Compact binary form for storage; decode throws jtai::Error on bad input.
std::string encode_layout(const Layout& layout);
Layout decode_layout(std::string_view bytes);

// True for font names such as "Tahoma-Bold", "Arial,Bold", "Calibri-BoldItalic".
bool is_bold_font(std::string_view font_name);

}  // namespace jtai::extract

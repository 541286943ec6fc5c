#pragma once
// Layout lines -> clean blocks (paragraphs and list items): drops page
// numbers, running headers/footers, footnote bodies and footnote markers,
// turns bullet glyphs into list items and re-joins lines into single spaces.
#include <string>
#include <vector>

#include "extract/layout.hpp"

namespace jtai::extract {

struct Block {
  enum class Kind { paragraph, item };
  Kind kind = Kind::paragraph;
  int page = 0;
  float bullet_x = 0;  // items: left edge of the bullet glyph
  float x0 = 0;        // left edge of the text of the block's first line (after any bullet)
  float y0 = 0, y1 = 0;
  float size = 0;      // font size of most of the text
  bool bold = false;   // the whole block is bold
  bool numbered = false;     // starts with "1." / "(a)" and a gap
  bool page_start = false;   // first block on its page
  int lines = 0;
  std::string text;
  // Bold words opening the block's first line that continues in body type:
  // a heading the PDF glued to the paragraph after it.
  std::string bold_prefix;
};

struct CleanText {
  std::vector<Block> blocks;
  float body_size = 12;  // most common font size
  float body_x = 0;      // most common left margin
  // Some font names carry the weight ("Tahoma-Bold"); generic ones ("F1",
  // "TT2") do not. False when no text at all is known to be bold: headings
  // must then be found by shape (short lines that are not sentences).
  bool bold_known = true;
};

CleanText clean_layout(const Layout& layout);

// Joins a line to text: one space, except after a soft hyphen (dropped) or a
// hyphen ending a word ("decision-" + "making" -> "decision-making").
void append_line_text(std::string& text, const std::string& line);

// A block ends a sentence (so a following block on the next page is new).
bool ends_sentence(const std::string& text);

}  // namespace jtai::extract

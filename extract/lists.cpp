#include "extract/lists.hpp"

#include <algorithm>
#include <optional>

namespace jtai::extract {

namespace {

bool is_subheading(const Section& s, size_t block) {
  return std::find(s.subheadings.begin(), s.subheadings.end(), block) != s.subheadings.end();
}

bool is_list_block(const Block& b) { return b.kind == Block::Kind::item || b.numbered; }

bool ends_with_colon(const std::string& t) {
  auto e = t.find_last_not_of(' ');
  return e != std::string::npos && t[e] == ':';
}

}  // namespace

// "1. The quality of ..." -> "The quality of ...": the number is list
// structure, like a bullet glyph.
std::string without_number_label(const Block& b) {
  if (!b.numbered) return b.text;
  auto start = b.text.find_first_not_of(' ', b.text.find(' '));
  return start == std::string::npos ? b.text : b.text.substr(start);
}

std::vector<std::string> section_items(const Section& section, const std::vector<Block>& blocks) {
  std::vector<std::string> items;
  bool bullets = false;
  float level1_x = 1e9f;
  for (size_t i : section.blocks) {
    if (is_subheading(section, i)) continue;
    const Block& b = blocks[i];
    if (is_list_block(b)) {
      bullets = true;
      level1_x = std::min(level1_x, b.kind == Block::Kind::item ? b.bullet_x : b.x0);
    }
  }
  if (!bullets) {
    for (size_t i : section.blocks)
      if (!is_subheading(section, i)) items.push_back(blocks[i].text);
    return items;
  }
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t current = kNone;
  for (size_t k = 0; k < section.blocks.size(); ++k) {
    size_t i = section.blocks[k];
    if (is_subheading(section, i)) {
      current = kNone;
      continue;
    }
    const Block& b = blocks[i];
    if (is_list_block(b)) {
      float x = b.kind == Block::Kind::item ? b.bullet_x : b.x0;
      if (current != kNone && x > level1_x + b.size / 3.0f) {  // indented a third of an em (4 pt at 12 pt)
        items[current] += ' ';  // a sub-bullet
        items[current] += without_number_label(b);
      } else {
        items.push_back(without_number_label(b));
        current = items.size() - 1;
      }
      continue;
    }
    if (current != kNone) {
      items[current] += " " + b.text;  // a paragraph continuing the item
      continue;
    }
    // Before the first item: a lead-in ("... the following areas:") when
    // list items follow in the same sub-section, else an item of its own.
    bool list_follows = false;
    for (size_t j = k + 1; j < section.blocks.size() && !is_subheading(section, section.blocks[j]); ++j)
      if (is_list_block(blocks[section.blocks[j]])) {
        list_follows = true;
        break;
      }
    if (list_follows || ends_with_colon(b.text)) continue;
    items.push_back(b.text);
  }
  return items;
}

std::string section_text(const Section& section, const std::vector<Block>& blocks, bool include_subheadings) {
  std::string out;
  for (size_t i : section.blocks) {
    if (!include_subheadings && is_subheading(section, i)) continue;
    if (!out.empty()) out += "\n\n";
    out += without_number_label(blocks[i]);  // list structure, like a bullet glyph
  }
  return out;
}

}  // namespace jtai::extract

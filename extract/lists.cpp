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

namespace {

// What a walk over a list section finds: the items and the lead-in blocks.
struct ListWalk {
  std::vector<Finding> items;
  std::vector<size_t> lead_ins;
};

bool contains(const std::vector<size_t>& v, size_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

ListWalk walk_list(const Section& section, const std::vector<Block>& blocks) {
  ListWalk w;
  std::optional<std::string> label;  // the sub-heading the next items sit under
  auto set_label = [&](size_t i) {
    if (contains(section.merged_headings, i)) label.reset();
    else label = blocks[i].text;
  };
  auto add_item = [&](std::string text) {
    Finding f(std::move(text));
    f.subheading = label;
    w.items.push_back(std::move(f));
  };
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
    for (size_t i : section.blocks) {
      if (is_subheading(section, i)) set_label(i);
      else add_item(blocks[i].text);
    }
    return w;
  }
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t current = kNone;
  for (size_t k = 0; k < section.blocks.size(); ++k) {
    size_t i = section.blocks[k];
    if (is_subheading(section, i)) {
      set_label(i);
      current = kNone;
      continue;
    }
    const Block& b = blocks[i];
    if (is_list_block(b)) {
      float x = b.kind == Block::Kind::item ? b.bullet_x : b.x0;
      if (current != kNone && x > level1_x + b.size / 3.0f) {  // indented a third of an em (4 pt at 12 pt)
        w.items[current].text += ' ';  // a sub-bullet
        w.items[current].text += without_number_label(b);
      } else {
        add_item(without_number_label(b));
        current = w.items.size() - 1;
      }
      continue;
    }
    if (current != kNone) {
      w.items[current].text += " " + b.text;  // a paragraph continuing the item
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
    if (list_follows || ends_with_colon(b.text)) {
      w.lead_ins.push_back(i);
      continue;
    }
    add_item(b.text);
  }
  return w;
}

}  // namespace

std::vector<Finding> section_items(const Section& section, const std::vector<Block>& blocks) {
  return walk_list(section, blocks).items;
}

std::vector<size_t> section_lead_ins(const Section& section, const std::vector<Block>& blocks) {
  return walk_list(section, blocks).lead_ins;
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

#include "extract/structure.hpp"

#include <re2/re2.h>

#include <cctype>

#include "common/text.hpp"

namespace jtai::extract {

namespace {

// A bulleted or numbered item.
bool is_list_item(const Block& b) { return b.kind == Block::Kind::item || b.numbered; }

bool is_list_section(SectionId id) {
  return id == SectionId::improvements || id == SectionId::strengths || id == SectionId::priority_actions;
}

bool is_salutation(const std::string& t, const RuleSet& rules) {
  for (const auto& p : rules.salutation())
    if (p.search(t)) return true;
  return false;
}

// A short line, not a sentence, whose wording may be a heading even when it
// is not set bold (some letters print "Case study: ..." in body type).
bool could_be_plain_heading(const Block& b) {
  return b.kind == Block::Kind::paragraph && !b.numbered && b.lines <= 2 && b.text.size() <= 120 &&
         (!ends_sentence(b.text) || b.text.back() == '?');  // "What needs to improve?" is no sentence
}

// "2. Key strengths" -> "Key strengths", "3.1 What needs to improve?" -> ...,
// "B) Strengths" -> "Strengths"; "" when the text has no section number.
std::string without_section_number(const std::string& t) {
  size_t i = 0;
  auto digit = [&](size_t k) { return k < t.size() && std::isdigit(static_cast<unsigned char>(t[k])); };
  if (digit(0)) {
    size_t run = 0;  // digits in the current number: at most 2 ("12.3", not "12345")
    while (digit(i) || (i < t.size() && t[i] == '.' && digit(i + 1))) {
      run = digit(i) ? run + 1 : 0;
      if (run > 2) return {};
      ++i;
    }
    if (i < t.size() && (t[i] == '.' || t[i] == ')')) ++i;
  } else if (t.size() > 2 && std::isalpha(static_cast<unsigned char>(t[0])) && (t[1] == '.' || t[1] == ')')) {
    i = 2;
  } else {
    return {};
  }
  if (i >= t.size() || t[i] != ' ') return {};
  size_t words = t.find_first_not_of(' ', i);
  return words == std::string::npos ? std::string() : t.substr(words);
}

}  // namespace

bool looks_like_heading(const Block& b, float body_size, bool bold_known) {
  if (b.kind != Block::Kind::paragraph || b.numbered) return false;
  if (b.lines > 3 || b.text.size() > 200) return false;
  if (b.bold || b.size >= heading_min_size(body_size)) return true;
  return !bold_known && b.lines == 1 && b.text.size() <= 100 && !ends_sentence(b.text) &&
         std::isupper(static_cast<unsigned char>(b.text.front()));
}

std::optional<HeadingMatch> match_heading(const std::string& raw, const RuleSet& rules,
                                          const AuthorityOverride* override_rules) {
  std::string text = squash_spaces(raw);
  auto describe = [](const Pattern& p) { return p.where() + " '" + p.source + "'"; };
  if (override_rules)
    for (const auto& h : override_rules->headings)
      if (h.pattern.full_match(text))
        return HeadingMatch{h.section, describe(h.pattern), HeadingMatch::By::override_alias, h.reason};
  for (const auto& h : rules.headings())
    if (h.pattern.full_match(text)) return HeadingMatch{h.section, describe(h.pattern), HeadingMatch::By::pattern, {}};
  if (std::string bare = without_section_number(text); !bare.empty()) return match_heading(bare, rules, override_rules);
  // "Strengths." : a full stop after a heading is punctuation, not wording.
  if (text.size() > 1 && text.back() == '.' && text[text.size() - 2] != '.')
    return match_heading(text.substr(0, text.size() - 1), rules, override_rules);
  return std::nullopt;
}

std::vector<size_t> apply_fixups(CleanText& text, const AuthorityOverride* override_rules) {
  std::vector<size_t> applied;
  if (!override_rules) return applied;
  for (size_t k = 0; k < override_rules->fixups.size(); ++k) {
    const auto& f = override_rules->fixups[k];
    int changed = 0;
    for (auto& b : text.blocks) changed += RE2::GlobalReplace(&b.text, f.pattern.re(), f.replacement);
    if (changed > 0) applied.push_back(k);
  }
  return applied;
}

std::optional<HeadingMatch> match_heading_keywords(const std::string& raw, const RuleSet& rules) {
  std::string text = squash_spaces(raw);
  size_t words = 1;
  for (char c : text) words += c == ' ';
  if (words > 12 || (ends_sentence(text) && text.back() != '?')) return std::nullopt;  // a sentence, not a heading
  for (const auto& k : rules.heading_keywords()) {
    bool all = !k.words.empty();
    for (const auto& w : k.words) all = all && w.search(text);
    if (!all) continue;
    std::string list;
    for (const auto& w : k.words) list += (list.empty() ? "'" : " + '") + w.source + "'";
    return HeadingMatch{k.section, k.where + " keywords " + list, HeadingMatch::By::keywords, {}};
  }
  return std::nullopt;
}

void split_glued_headings(CleanText& text, const RuleSet& rules, const AuthorityOverride* override_rules) {
  std::vector<Block> out;
  out.reserve(text.blocks.size());
  for (auto& b : text.blocks) {
    if (b.kind == Block::Kind::paragraph && !b.bold && !b.bold_prefix.empty() &&
        b.text.size() > b.bold_prefix.size() && b.text.compare(0, b.bold_prefix.size(), b.bold_prefix) == 0 &&
        match_heading(b.bold_prefix, rules, override_rules)) {
      Block heading = b;
      heading.text = b.bold_prefix;
      heading.bold = true;
      heading.lines = 1;
      heading.y1 = b.y0 + b.size * 1.2f;
      out.push_back(std::move(heading));
      b.text = squash_spaces(b.text.substr(b.bold_prefix.size()));
      b.page_start = false;
    }
    b.bold_prefix.clear();
    out.push_back(std::move(b));
  }
  text.blocks = std::move(out);
}

Structure find_structure(CleanText& text, const RuleSet& rules, const AuthorityOverride* override_rules) {
  split_glued_headings(text, rules, override_rules);
  const auto& blocks = text.blocks;
  Structure s;
  size_t start = 0;
  for (size_t i = 0; i < blocks.size() && blocks[i].page <= 1; ++i) {
    const Block& b = blocks[i];
    bool marker = false;
    for (const auto& p : rules.jtai_markers()) marker = marker || p.search(b.text);
    bool title_type = b.kind == Block::Kind::paragraph && b.lines <= 5 &&
                      (b.bold || b.size >= heading_min_size(text.body_size) ||
                       (!text.bold_known && !ends_sentence(b.text)));
    if (marker && title_type) {
      s.title = i;
      start = i + 1;
      break;
    }
  }
  if (!s.title) {
    for (size_t i = 0; i < blocks.size() && blocks[i].page <= 1; ++i)
      if (is_salutation(blocks[i].text, rules)) {
        start = i + 1;
        break;
      }
  }
  for (size_t i = 0; i < start; ++i)
    if (!s.title || i != *s.title) s.header.push_back(i);

  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t current = kNone;       // index into s.sections
  size_t resume = kNone;        // section to go back to after a case-study box
  float box_x = -1;             // left edge of the current case-study box's text (-1: not known yet)
  // Tolerances scale with the body type (values in comments are for 12 pt).
  const float heading_size = heading_min_size(text.body_size);
  const float indent_step = text.body_size * 0.25f;   // 3 pt: a box's text is indented at least this much
  const float align_slack = text.body_size / 6.0f;    // 2 pt: still aligned with the box's left edge
  const float size_step = text.body_size / 12.0f;     // 1 pt: a visibly smaller heading
  auto box_indented = [&] { return box_x >= 0 && box_x > text.body_x + indent_step; };

  auto open = [&](SectionId id, std::string title, std::optional<size_t> heading) {
    Section sec;
    sec.id = id;
    sec.title = std::move(title);
    sec.heading = heading;
    s.sections.push_back(std::move(sec));
    current = s.sections.size() - 1;
  };
  auto end_box = [&] {
    box_x = -1;
    if (resume != kNone) {
      current = resume;
      resume = kNone;
    } else {
      open(SectionId::other, "", std::nullopt);
    }
  };
  auto in_box = [&] { return current != kNone && s.sections[current].id == SectionId::case_study; };
  auto add_content = [&](size_t i) {
    if (current != kNone) s.sections[current].blocks.push_back(i);
    else s.opening.push_back(i);
  };

  for (size_t i = start; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    bool typographic = looks_like_heading(b, text.body_size, text.bold_known);
    std::optional<HeadingMatch> m;
    // A numbered heading ("2. Key strengths") in heading type: a heading when its wording matches.
    bool numbered_heading = b.kind == Block::Kind::paragraph && b.numbered && b.lines <= 2 && b.text.size() <= 120 &&
                            (b.bold || b.size >= heading_size);
    if (typographic || numbered_heading || could_be_plain_heading(b))
      m = match_heading(b.text, rules, override_rules);
    // A heading-typed line worded unlike every pattern but carrying a
    // section's words ("Areas of practice for development") - outside a
    // case-study box, whose sub-titles are its own.
    if (!m && (typographic || numbered_heading) && !in_box()) m = match_heading_keywords(b.text, rules);

    if (m) {
      s.headings.push_back(Heading{i, b.page, b.text, m, false});
      if (m->section == SectionId::case_study) {
        if (!in_box()) resume = current;
      } else {
        resume = kNone;
      }
      box_x = -1;
      if (current != kNone && m->section != SectionId::case_study && s.sections[current].id == m->section &&
          s.sections[current].blocks.empty()) {
        // "Key strengths" directly followed by "Multi-agency strengths": one section.
        s.sections[current].subheadings.push_back(i);
        s.sections[current].merged_headings.push_back(i);
        s.sections[current].blocks.push_back(i);
        s.headings.back().subsection = true;
        continue;
      }
      open(m->section, b.text, i);
      continue;
    }

    if (typographic) {
      if (in_box()) {
        bool box_empty = s.sections[current].blocks.empty();
        if (box_x < 0 && b.x0 > text.body_x + indent_step) box_x = b.x0;
        if ((box_indented() && b.x0 >= box_x - align_slack) || box_empty) {
          add_content(i);  // a sub-title inside the box
          continue;
        }
        end_box();
      }
      Heading h{i, b.page, b.text, std::nullopt, true};
      if (current != kNone) {
        Section& cur = s.sections[current];
        bool keep = true;
        bool has_items = false;
        for (size_t j : cur.blocks) has_items = has_items || is_list_item(blocks[j]);
        bool smaller = cur.heading && b.size < blocks[*cur.heading].size - size_step;
        if (is_list_section(cur.id) && has_items && !smaller) {
          // After a list, a heading in the section heading's type followed by
          // plain paragraphs starts a section of its own; one followed by more
          // items is a per-agency sub-heading.
          keep = false;
          for (size_t j = i + 1; j < blocks.size(); ++j) {
            if (looks_like_heading(blocks[j], text.body_size, text.bold_known)) break;
            if (is_list_item(blocks[j])) {
              keep = true;
              break;
            }
          }
        } else if (cur.id == SectionId::headline_findings) {
          keep = false;
        }
        if (keep) {
          cur.subheadings.push_back(i);
          cur.blocks.push_back(i);
        } else {
          h.subsection = false;
          open(SectionId::other, b.text, i);
        }
      }
      s.headings.push_back(std::move(h));
      continue;
    }

    if (in_box()) {
      float left = b.kind == Block::Kind::item ? b.bullet_x : b.x0;
      if (box_x < 0) box_x = left;
      else if (box_indented() && left < box_x - align_slack) end_box();
    }
    add_content(i);
  }
  return s;
}

}  // namespace jtai::extract

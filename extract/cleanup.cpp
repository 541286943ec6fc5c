#include "extract/cleanup.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>

#include "extract/unicode_text.hpp"

namespace jtai::extract {

namespace {

// A line after clean-up, ready to be grouped into blocks.
struct CleanLine {
  int page = 0;
  float x0 = 0, y0 = 0, y1 = 0;
  float x1 = 0;  // right edge
  float size = 0;
  bool bold = false;
  bool bullet = false;
  float bullet_x = 0;
  bool numbered = false;
  bool page_start = false;
  std::string text;
  std::string bold_prefix;  // bold words opening a line that goes on in body type
};

template <typename K>
K weighted_mode(const std::map<K, size_t>& counts, K fallback) {
  if (counts.empty()) return fallback;
  return std::max_element(counts.begin(), counts.end(),
                          [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string_view span_text(const Line& l, const Span& s) {
  return std::string_view(l.text).substr(s.begin, s.end - s.begin);
}

std::string strip(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && s[b] == ' ') ++b;
  while (e > b && s[e - 1] == ' ') --e;
  return std::string(s.substr(b, e - b));
}

bool is_page_number_text(const std::string& raw) {
  std::string t = strip(raw);
  std::string lower;
  for (char c : t) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower.rfind("page ", 0) == 0) lower = strip(lower.substr(5));
  if (auto of = lower.find(" of "); of != std::string::npos)
    return all_digits(strip(lower.substr(0, of))) && all_digits(strip(lower.substr(of + 4)));
  return all_digits(lower) && lower.size() <= 3;
}

// Text with digits blanked, to recognise running headers/footers such as
// "Page 3 of 12" or "Joint targeted area inspection – Anytown 3".
std::string margin_key(const std::string& text) {
  std::string k;
  for (char c : text) k.push_back(std::isdigit(static_cast<unsigned char>(c)) ? '#' : c);
  return strip(k);
}

bool in_margin(const Line& l, const Page& p) { return l.box.y1 < p.height * 0.09f || l.box.y0 > p.height * 0.91f; }

// A footnote marker: a short run of digits (or * / †) set small and raised.
bool is_marker_span(const Line& l, const Span& s, float baseline) {
  std::string t = strip(span_text(l, s));
  if (t.empty() || t.size() > 3) return false;
  bool digits = all_digits(t) || t == "*" || t == "\xE2\x80\xA0";
  return digits && s.size <= l.size * 0.85f && s.box.y1 < baseline - l.size / 15.0f;  // raised 0.8 pt at 12 pt
}

// Where the line's main text sits (bottom of its full-size spans).
float baseline_of(const Line& l) {
  float b = 0;
  for (const auto& s : l.spans)
    if (s.size >= l.size - 0.05f) b = std::max(b, s.box.y1);
  return b > 0 ? b : l.box.y1;
}

// Does this line start a footnote body: a small marker then the note's text?
bool starts_footnote(const Line& l, float body_size) {
  if (l.spans.empty()) return false;
  std::string first = strip(span_text(l, l.spans.front()));
  if (!all_digits(first) && first != "*") return false;
  if (l.spans.size() == 1) return l.spans.front().size < body_size * 0.71f;  // 8.5 pt at 12 pt
  return l.spans.front().size < l.spans[1].size * 0.85f;
}

// Lines to drop; footnote_top is set to where the page's footnotes begin.
std::vector<bool> dropped_lines(const Layout& layout, const Page& page, float body_size,
                                const std::map<std::string, size_t>& margin_counts, float& footnote_top_out) {
  std::vector<bool> drop(page.lines.size(), false);
  size_t repeated_threshold = std::max<size_t>(3, (layout.pages.size() + 1) / 2);
  for (size_t i = 0; i < page.lines.size(); ++i) {
    const Line& l = page.lines[i];
    if (in_margin(l, page) || l.box.y0 > page.height * 0.85f) {
      if (is_page_number_text(l.text) && l.size > body_size * 0.6f) drop[i] = true;  // not a footnote marker
    }
    if (in_margin(l, page) && layout.pages.size() >= 3) {
      auto it = margin_counts.find(margin_key(l.text));
      if (it != margin_counts.end() && it->second >= repeated_threshold) drop[i] = true;
    }
  }
  // Footnote bodies: small type below the page's last body-size line, from
  // the first line that starts with a footnote marker down to the foot.
  float last_body = 0;
  for (size_t i = 0; i < page.lines.size(); ++i)
    if (!drop[i] && page.lines[i].size >= body_size * 0.92f) last_body = std::max(last_body, page.lines[i].box.y1);
  std::optional<float> footnote_top;
  for (size_t i = 0; i < page.lines.size(); ++i) {
    const Line& l = page.lines[i];
    if (drop[i] || l.size >= body_size * 0.92f || l.box.y0 < last_body - 1.0f || l.box.y0 < page.height * 0.4f)
      continue;
    std::optional<float> top;
    if (starts_footnote(l, body_size)) top = l.box.y0 - 0.5f;
    // A marker standing alone (the PDF put it apart from its note's text).
    else if (all_digits(strip(l.text)) && l.size <= body_size * 0.7f) top = l.box.y0 - 2.0f;
    if (top && (!footnote_top || *top < *footnote_top)) footnote_top = top;
  }
  if (footnote_top)
    for (size_t i = 0; i < page.lines.size(); ++i)
      if (page.lines[i].size < body_size * 0.92f && page.lines[i].box.y0 >= *footnote_top - 0.5f) drop[i] = true;
  footnote_top_out = footnote_top ? *footnote_top : page.height;
  return drop;
}

bool is_dash_bullet(std::string_view w) { return w == "\xE2\x88\x92" /* − */ || w == "-" || w == "\xE2\x80\x93"; }

bool is_number_label(std::string_view w) {
  // "1." "12." "3)" "(a)" "a)" "(iv)"
  if (w.size() < 2 || w.size() > 5) return false;
  std::string_view core = w;
  if (core.front() == '(') core.remove_prefix(1);
  char last = core.back();
  if (last != '.' && last != ')') return false;
  core.remove_suffix(1);
  if (core.empty()) return false;
  if (all_digits(core)) return core.size() <= 2;
  bool roman_or_letter = std::all_of(core.begin(), core.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  return roman_or_letter && (core.size() == 1 || core.find_first_not_of("ivx") == std::string_view::npos) && w.front() == '(';
}

CleanLine clean_line(const Line& l) {
  // Where an item's text starts when only the glyph's position is known: a
  // hanging indent of 1.5 em (continuation lines refine it).
  const float hanging_indent = l.size * 1.5f;
  CleanLine c;
  c.page = l.page;
  c.y0 = l.box.y0;
  c.y1 = l.box.y1;
  c.size = l.size;
  float baseline = baseline_of(l);
  // Rebuild the text without footnote markers and bullet glyph spans.
  std::string text;
  size_t bold_chars = 0, chars = 0;
  size_t bold_prefix_end = 0;
  bool space_pending = false, marker_removed = false;
  size_t previous_end = 0;
  float text_x = l.box.x0;
  for (size_t i = 0; i < l.spans.size(); ++i) {
    const Span& s = l.spans[i];
    std::string_view st = span_text(l, s);
    if (s.begin > previous_end &&
        std::string_view(l.text).substr(previous_end, s.begin - previous_end).find(' ') != std::string_view::npos)
      space_pending = true;
    previous_end = s.end;
    if (i > 0 && is_marker_span(l, s, baseline)) {
      marker_removed = true;
      continue;
    }
    if (text.empty() && !c.bullet && (is_symbol_font(s.font) || is_bullet_glyph(strip(st)))) {
      c.bullet = true;
      c.bullet_x = s.box.x0;
      text_x = i + 1 < l.spans.size() ? l.spans[i + 1].box.x0 : s.box.x1;
      space_pending = false;
      continue;
    }
    if (text.empty()) text_x = s.box.x0;
    else if (space_pending) text += ' ';
    space_pending = false;
    if (!s.bold && bold_chars == chars && chars > 0 && !c.bullet) bold_prefix_end = text.size();
    text += st;
    chars += st.size();
    if (s.bold) bold_chars += st.size();
  }
  if (bold_prefix_end > 0) c.bold_prefix = strip(std::string_view(text).substr(0, bold_prefix_end));
  text = strip(text);
  // A bullet glyph in the same font as the text ("• text", "◼ text", "•text").
  if (!c.bullet) {
    auto space = text.find(' ');
    std::string first = text.substr(0, space);
    size_t glyph_len = 0;
    char32_t cp = first_code_point(text, &glyph_len);
    bool glued_glyph = glyph_len < first.size() && glyph_len > 1 && is_bullet_glyph(text.substr(0, glyph_len)) &&
                       cp != U'\u00B7';
    if (glued_glyph) {
      c.bullet = true;
      c.bullet_x = l.box.x0;
      text = strip(text.substr(glyph_len));
      text_x = l.box.x0 + hanging_indent;
    } else if (space != std::string::npos && (is_bullet_glyph(first) || first == "\xE2\x88\x92")) {
      c.bullet = true;
      c.bullet_x = l.box.x0;
      text = strip(text.substr(space + 1));
      text_x = l.box.x0 + hanging_indent;
    } else if (space != std::string::npos && is_dash_bullet(first) && l.spans.size() > 1 &&
               strip(span_text(l, l.spans.front())) == first) {
      c.bullet = true;
      c.bullet_x = l.box.x0;
      text = strip(text.substr(space + 1));
      text_x = l.spans[1].box.x0;
    } else if (space != std::string::npos && is_number_label(first)) {
      c.numbered = true;
    }
  }
  // Space before punctuation left by a removed marker: "compliance ." -> "compliance."
  std::string fixed;
  for (size_t i = 0; i < text.size(); ++i) {
    if (marker_removed && text[i] == ' ' && i + 1 < text.size() &&
        std::string_view(".,;:)").find(text[i + 1]) != std::string_view::npos &&
        (i + 2 == text.size() || text[i + 2] == ' '))
      continue;
    fixed += text[i];
  }
  c.text = std::move(fixed);
  c.x0 = text_x;
  c.x1 = l.box.x1;
  c.bold = chars > 0 && bold_chars * 10 >= chars * 9;
  return c;
}

}  // namespace

void append_line_text(std::string& text, const std::string& line) {
  if (line.empty()) return;
  if (text.empty()) {
    text = line;
    return;
  }
  static const std::string kSoftHyphen = "\xC2\xAD";
  if (text.size() >= 2 && text.compare(text.size() - 2, 2, kSoftHyphen) == 0) {
    text.erase(text.size() - 2);
    text += line;
    return;
  }
  bool hyphen = text.back() == '-' && text.size() >= 2 && text[text.size() - 2] != ' ';
  if (!hyphen) text += ' ';
  text += line;
}

bool ends_sentence(const std::string& text) {
  std::string t = strip(text);
  // Skip closing quotes and brackets.
  while (!t.empty()) {
    if (t.back() == ')' || t.back() == '"' || t.back() == '\'') {
      t.pop_back();
    } else if (t.size() >= 3 && (t.compare(t.size() - 3, 3, "\xE2\x80\x99") == 0 ||
                                 t.compare(t.size() - 3, 3, "\xE2\x80\x9D") == 0)) {
      t.erase(t.size() - 3);
    } else {
      break;
    }
  }
  if (t.empty()) return true;
  char c = t.back();
  return c == '.' || c == '?' || c == '!' || c == ':';
}

CleanText clean_layout(const Layout& layout) {
  CleanText out;
  std::map<float, size_t> sizes, xs, gaps;
  std::map<std::string, size_t> margin_counts;
  for (const Page& p : layout.pages) {
    std::map<std::string, bool> seen;
    const Line* prev = nullptr;
    for (const Line& l : p.lines) {
      sizes[std::round(l.size * 2) / 2] += l.text.size();
      xs[std::round(l.box.x0)] += l.text.size();
      if (prev && std::fabs(prev->size - l.size) < 0.1f) {
        float gap = l.box.y0 - prev->box.y1;
        // Only gaps that could be between the lines of one paragraph.
        if (gap > -3 && gap < l.size * 0.45f) gaps[std::round(gap * 2) / 2] += 1;
      }
      prev = &l;
      if (in_margin(l, p)) seen[margin_key(l.text)] = true;
    }
    for (const auto& [k, _] : seen) ++margin_counts[k];
  }
  out.body_size = weighted_mode(sizes, 12.0f);
  out.bold_known = false;
  for (const Page& p : layout.pages)
    for (const Line& l : p.lines)
      for (const Span& sp : l.spans) out.bold_known = out.bold_known || (sp.bold && !is_symbol_font(sp.font));
  out.body_x = weighted_mode(xs, 72.0f);
  float line_gap = weighted_mode(gaps, 0.0f);
  float paragraph_gap = line_gap + 0.3f * out.body_size;
  // A line further left or right than this starts a new block (4 pt at 12 pt).
  const float indent_slack = out.body_size / 3.0f;
  // The right margin: most full lines of body text end near it.
  std::vector<float> right_edges;
  for (const Page& p : layout.pages)
    for (const Line& l : p.lines)
      if (std::fabs(l.size - out.body_size) < 0.1f) right_edges.push_back(l.box.x1);
  float right_margin = 0;
  if (!right_edges.empty()) {
    auto nth = right_edges.begin() + static_cast<long>(right_edges.size() * 9 / 10);
    std::nth_element(right_edges.begin(), nth, right_edges.end());
    right_margin = *nth;
  }
  // A sentence ending a short line, followed by a capital: a paragraph break
  // the PDF drew without extra space.
  auto short_line_break = [&](const CleanLine& l, float prev_x1, float block_left, const std::string& text) {
    if (right_margin <= 0 || !ends_sentence(text)) return false;
    unsigned char first = static_cast<unsigned char>(l.text.front());
    if (!(std::isupper(first) || first == 0xE2 /* ‘ “ */)) return false;
    return prev_x1 < right_margin - 0.3f * (right_margin - block_left);
  };

  std::vector<CleanLine> lines;
  std::vector<float> page_last_line, page_footnote_top;
  for (const Page& p : layout.pages) {
    float footnote_top = p.height;
    auto drop = dropped_lines(layout, p, out.body_size, margin_counts, footnote_top);
    float last_body = 0;
    for (size_t i = 0; i < p.lines.size(); ++i)
      if (!drop[i]) last_body = std::max(last_body, p.lines[i].box.y1);
    page_last_line.push_back(last_body);
    page_footnote_top.push_back(footnote_top);
    bool first = true;
    for (size_t i = 0; i < p.lines.size(); ++i) {
      if (drop[i]) continue;
      CleanLine c = clean_line(p.lines[i]);
      if (c.text.empty()) continue;
      c.page_start = first;
      first = false;
      lines.push_back(std::move(c));
    }
  }

  // Where text normally ends at the foot of a page.
  float text_bottom = 0;
  if (!page_last_line.empty()) {
    std::vector<float> sorted = page_last_line;
    auto nth = sorted.begin() + static_cast<long>(sorted.size() * 9 / 10);
    std::nth_element(sorted.begin(), nth, sorted.end());
    text_bottom = *nth;
  }
  Block* cur = nullptr;
  int cur_page = 0;
  float last_x = 0, last_y1 = 0, last_x1 = 0;
  for (const CleanLine& l : lines) {
    // A number label starts an item only where a paragraph could start, not
    // mid-sentence ("(MAPPA-" / "2) meetings"), or as the next item of a
    // numbered list, its label aligned with the item before.
    bool next_in_list = cur && cur->numbered && cur->page == l.page && std::fabs(l.x0 - cur->x0) < indent_slack;
    bool numbered = l.numbered && (!cur || ends_sentence(cur->text) || l.page_start ||
                                   l.y0 - last_y1 > paragraph_gap || next_in_list);
    bool start = !cur || l.bullet || numbered;
    if (cur && !start) {
      if (l.page_start) {
        // Continue a block across a page break only mid-sentence, in the same
        // type and indent.
        // A page filled to its foot, ending in a full line, is taken to run on.
        auto prev_page = static_cast<size_t>(cur_page);
        float bottom = std::min(text_bottom, page_footnote_top[prev_page]);
        bool full_page = last_y1 >= bottom - 2.5f * out.body_size;
        bool full_line = right_margin > 0 && last_x1 >= right_margin - 2.1f * out.body_size && full_page;
        start = (ends_sentence(cur->text) && !full_line) || l.bold != cur->bold || std::fabs(l.size - cur->size) > 0.75f ||
                l.x0 < last_x - indent_slack || l.x0 > last_x + indent_slack;
      } else {
        start = l.y0 - last_y1 > paragraph_gap || l.bold != cur->bold || std::fabs(l.size - cur->size) > 0.75f ||
                l.x0 < last_x - indent_slack || l.y0 < last_y1 - l.size ||
                short_line_break(l, last_x1, cur->x0, cur->text);
      }
    }
    if (start) {
      Block b;
      b.kind = l.bullet ? Block::Kind::item : Block::Kind::paragraph;
      b.page = l.page;
      b.bullet_x = l.bullet ? l.bullet_x : l.x0;
      b.x0 = l.x0;
      b.y0 = l.y0;
      b.size = l.size;
      b.bold = l.bold;
      b.numbered = numbered;
      b.page_start = l.page_start;
      b.bold_prefix = l.bold_prefix;
      out.blocks.push_back(std::move(b));
      cur = &out.blocks.back();
    } else if (cur->kind == Block::Kind::item && cur->lines == 1 && l.x0 > cur->bullet_x + 2) {
      cur->x0 = l.x0;  // the hanging indent of an item's text
    }
    append_line_text(cur->text, l.text);
    cur->y1 = l.y1;
    ++cur->lines;
    last_x = l.x0;
    last_y1 = l.y1;
    last_x1 = l.x1;
    cur_page = l.page;
  }
  // Soft hyphens inside words are dropped (those at line ends already joined the halves).
  for (auto& b : out.blocks) {
    for (size_t at; (at = b.text.find("\xC2\xAD")) != std::string::npos;) b.text.erase(at, 2);
  }
  // The left margin: where most blocks (not their continuation lines) start.
  std::map<float, size_t> block_x;
  for (const auto& b : out.blocks)
    block_x[std::round(b.kind == Block::Kind::item ? b.bullet_x : b.x0)] += b.text.size();
  out.body_x = weighted_mode(block_x, out.body_x);
  return out;
}

}  // namespace jtai::extract

// Puts the pieces together: clean text -> structure -> report fields.
#include "extract/extractor.hpp"

#include <algorithm>
#include <cctype>

#include "extract/agencies.hpp"
#include "extract/cleanup.hpp"
#include "extract/coverage.hpp"
#include "extract/facts.hpp"
#include "extract/jtai_detect.hpp"
#include "extract/lists.hpp"
#include "extract/rounds.hpp"
#include "extract/structure.hpp"

namespace jtai::extract {

namespace {

std::vector<std::string> texts_of(const std::vector<Block>& blocks, const std::vector<size_t>& indices) {
  std::vector<std::string> out;
  for (size_t i : indices) out.push_back(blocks[i].text);
  return out;
}

bool is_introduction(const std::string& text, const RuleSet& rules) {
  for (const auto& p : rules.introduction())
    if (p.search(text)) return true;
  return false;
}

// The part of an introductory paragraph after its last introduction-ending
// sentence ("" when there is none): letters where the PDF ran the
// introduction and the first finding together.
std::string after_introduction(const std::string& text, const RuleSet& rules) {
  size_t cut = 0;
  for (const auto& p : rules.introduction_end()) {
    size_t from = 0, b = 0, e = 0;
    while (from < text.size() && p.find(std::string_view(text).substr(from), b, e)) {
      cut = std::max(cut, from + e);
      from += e > 0 ? e : 1;
    }
  }
  if (cut == 0) return {};
  size_t start = text.find_first_not_of(' ', cut);
  return start == std::string::npos ? std::string() : text.substr(start);
}

// The "Headline findings" section, else (2016-2020 letters) the opening
// paragraphs after the introduction.
std::optional<std::string> headline_findings(const Structure& st, const std::vector<Block>& blocks,
                                             const RuleSet& rules) {
  std::string headline;
  bool headline_section = false;
  for (const auto& sec : st.sections) {
    if (sec.id != SectionId::headline_findings) continue;
    headline_section = true;
    std::string t = section_text(sec, blocks, false);
    if (!t.empty()) headline += (headline.empty() ? "" : "\n\n") + t;
  }
  if (!headline_section) {
    for (size_t i : st.opening) {
      std::string t = without_number_label(blocks[i]);
      if (is_introduction(t, rules)) {
        t = after_introduction(t, rules);
        if (t.empty() || is_introduction(t, rules)) continue;
      }
      headline += (headline.empty() ? "" : "\n\n") + t;
    }
  }
  if (headline.empty()) return std::nullopt;
  return headline;
}

// List sections and case studies, in letter order.
void collect_sections(const Structure& st, const std::vector<Block>& blocks, Report& r) {
  for (const auto& sec : st.sections) {
    std::vector<Finding>* list = nullptr;
    switch (sec.id) {
      case SectionId::priority_actions: list = &r.priority_actions; break;
      case SectionId::improvements: list = &r.improvements; break;
      case SectionId::strengths: list = &r.strengths; break;
      case SectionId::case_study:
        r.case_studies.push_back({sec.title, case_study_kind(sec.title), section_text(sec, blocks, true), {}});
        if (r.case_studies.back().text.empty()) r.warn("empty_section", "case study '" + sec.title + "' has no text");
        continue;
      default: continue;
    }
    auto items = section_items(sec, blocks);
    if (items.empty() && sec.id != SectionId::priority_actions) {
      int page = sec.heading ? blocks[*sec.heading].page + 1 : 0;
      r.warn("empty_section", "section '" + sec.title + "' (page " + std::to_string(page) + ") has no items");
    }
    list->insert(list->end(), items.begin(), items.end());
  }
}

void mark_no_priority_actions(const std::vector<Block>& blocks, const Structure& st, const RuleSet& rules, Report& r) {
  auto says_no_priority = [&](const std::string& t) {
    for (const auto& p : rules.no_priority_actions())
      if (p.search(t)) return true;
    return false;
  };
  for (const auto& b : blocks)
    if (says_no_priority(b.text)) r.no_priority_actions = true;
  // "Areas for priority action" followed by "There are no areas for priority action".
  std::erase_if(r.priority_actions, [&](const Finding& f) { return says_no_priority(f.text); });
  for (const auto& sec : st.sections)
    if (sec.id == SectionId::priority_actions && r.priority_actions.empty() && !r.no_priority_actions)
      r.warn("empty_section", "section '" + sec.title + "' has no items");
  if (r.no_priority_actions && !r.priority_actions.empty())
    r.warn("priority_actions_contradiction", "the letter says there are no priority actions, yet " +
                         std::to_string(r.priority_actions.size()) + " were found");
}

void add_warnings(Report& r) {
  if (!r.letter_date) r.warn("no_letter_date", "no letter date found at the top of page 1");
  if (!r.inspection_start) r.warn("no_fieldwork_dates", "no fieldwork dates found");
  if (r.letter_date && r.inspection_end && *r.letter_date < *r.inspection_end)
    r.warn("letter_before_fieldwork", "letter date " + *r.letter_date + " is before the end of fieldwork " + *r.inspection_end);
  if (r.theme && r.theme->rfind("other: ", 0) == 0) r.warn("unknown_theme", "theme not recognised: " + r.theme->substr(7));
  if (r.inspection_start && r.inspectorates.empty()) r.warn("no_inspectorates", "no inspectorates named with the fieldwork dates");
  if (r.improvements.empty() && r.priority_actions.empty() && !r.no_priority_actions)
    r.warn("no_improvements", "no areas for improvement found");
  if (!r.headline_findings) r.warn("no_headline_findings", "no headline findings found");
}

// The first n bytes of text (not cutting a UTF-8 character), quoted.
std::string quoted_start(const std::string& text, size_t n = 60) {
  bool cut = text.size() > n;
  if (!cut) n = text.size();
  while (cut && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  std::string out(1, '\'');
  out.append(text, 0, n);
  if (cut) out.append("...");
  out.push_back('\'');
  return out;
}

bool full_match_any(const std::vector<Pattern>& patterns, const std::string& text) {
  for (const auto& p : patterns)
    if (p.full_match(text)) return true;
  return false;
}

// Headings read by their words, headings that match nothing, and the
// authority's heading aliases that were used.
void review_headings(const Structure& st, const std::vector<Block>& blocks, const RuleSet& rules, Report& r) {
  auto section_of = [&](size_t block) -> const Section* {
    for (const auto& sec : st.sections)
      if ((sec.heading && *sec.heading == block) ||
          std::find(sec.blocks.begin(), sec.blocks.end(), block) != sec.blocks.end())
        return &sec;
    return nullptr;
  };
  for (const auto& h : st.headings) {
    std::string where = "'" + h.text + "' (page " + std::to_string(h.page + 1) + ")";
    if (h.match) {
      if (h.match->by == HeadingMatch::By::keywords)
        r.warn("unrecognised_heading", "heading " + where + " matches no heading pattern; read as " +
                                           std::string(section_name(h.match->section)) + " by its words (" +
                                           h.match->rule + ")");
      else if (h.match->by == HeadingMatch::By::override_alias)
        r.overrides.push_back({h.match->rule + " heading alias -> " + std::string(section_name(h.match->section)),
                               h.match->reason});
      continue;
    }
    const Section* sec = section_of(h.block);
    if (sec && sec->id == SectionId::next_steps) continue;  // signatures under "Next steps"
    if (full_match_any(rules.known_subheadings(), h.text) || full_match_any(rules.boilerplate(), blocks[h.block].text))
      continue;
    if (sec && h.subsection)
      r.warn("unrecognised_heading", "heading " + where + " matches no rule; kept as a sub-heading of " +
                                         (sec->title.empty() ? std::string(section_name(sec->id)) : "'" + sec->title + "'"));
    else
      r.warn("unrecognised_heading", "heading " + where + " matches no rule; the paragraphs under it go into no field");
  }
}

// The theme from the theme keywords of rules/themes.toml, when the letter has
// no theme phrase: the title first, then the opening paragraphs in order.
void theme_from_keywords(const std::vector<std::string>& texts, const std::vector<std::string>& names,
                         const RuleSet& rules, Report& r) {
  for (size_t i = 0; i < texts.size(); ++i)
    for (const auto& theme : rules.themes())
      for (const auto& k : theme.keywords)
        if (k.search(texts[i])) {
          r.theme = theme.name;
          r.warn("no_theme_phrase", "no theme phrase ('the multi-agency response to ... in ...'); theme '" + theme.name +
                                        "' read from the " + names[i] + " by the keyword '" + k.source + "' (" +
                                        k.where() + ")");
          return;
        }
  r.warn("no_theme_phrase", "no theme phrase ('the multi-agency response to ... in ...') and no theme keyword in the "
                            "title or opening paragraphs");
}

void account_for_paragraphs(const Structure& st, const std::vector<Block>& blocks, const RuleSet& rules, Report& r) {
  Coverage c = account(st, blocks, rules);
  for (const auto& gap : c.gaps)
    r.warn("unaccounted_text",
           std::to_string(gap.blocks.size()) + " paragraph(s) " +
               (gap.after.empty() ? std::string("after a case-study box") : "under '" + gap.after + "'") + " (page " +
               std::to_string(gap.page) + ") went into no field, starting " + quoted_start(blocks[gap.blocks[0]].text));
}

// A section every letter of the round has, missing from this one.
void check_round_sections(const Round& round, const Structure& st, Report& r) {
  for (SectionId id : round.sections) {
    bool found = false;
    for (const auto& sec : st.sections) found = found || sec.id == id;
    if (found) continue;  // a heading with no items is warned already
    bool empty = id == SectionId::strengths ? r.strengths.empty()
                 : id == SectionId::improvements ? r.improvements.empty() && !r.priority_actions.empty()
                                                 : r.priority_actions.empty() && !r.no_priority_actions;
    if (empty)
      r.warn("empty_section", "no " + std::string(section_name(id)) + " section found; every letter of round '" +
                                  round.id + "' has one (" + round.where + ")");
  }
  if (round.expects_case_studies && r.case_studies.empty())
    r.warn("empty_section", "no case studies found; every letter of round '" + round.id + "' has them (" + round.where + ")");
}

void apply_pins(Report& r, const AuthorityOverride* ov) {
  if (!ov || ov->pins.empty()) return;
  nlohmann::json j = to_json(r);
  for (const auto& pin : ov->pins) j[pin.field] = pin.value;
  Report pinned = report_from_json(j);
  pinned.warnings = r.warnings;
  pinned.overrides = r.overrides;
  for (const auto& pin : ov->pins) pinned.overrides.push_back({pin.where + " pin " + pin.field, pin.reason});
  r = std::move(pinned);
}

}  // namespace

Report extract_report(const Layout& layout, const RuleSet& rules, std::optional<int> urn) {
  Report r;
  r.rules_version = rules.version();
  const AuthorityOverride* ov = urn ? rules.authority(*urn) : nullptr;
  CleanText text = clean_layout(layout);
  for (size_t k : apply_fixups(text, ov))
    r.overrides.push_back({ov->file + " fix-up '" + ov->fixups[k].pattern.source + "' -> '" + ov->fixups[k].replacement + "'",
                           ov->fixups[k].reason});
  const auto& blocks = text.blocks;

  if (auto reason = not_jtai_reason(text, rules)) {
    r.kind = Report::Kind::not_jtai;
    r.reason = *reason;
    return r;
  }

  Structure st = find_structure(text, rules, ov);

  // Where to look for the opening facts: the header (date), the title and
  // the paragraphs before the first section, then the first two pages.
  std::vector<size_t> early;
  for (size_t i = 0; i < blocks.size() && blocks[i].page <= 1; ++i) early.push_back(i);
  std::vector<std::string> header = texts_of(blocks, st.header);
  std::vector<std::string> opening = texts_of(blocks, st.opening);
  std::vector<std::string> early_texts = texts_of(blocks, early);

  r.letter_date = find_letter_date(header, rules);
  if (!r.letter_date) {
    std::vector<std::string> first_page;
    for (size_t i = 0; i < blocks.size() && blocks[i].page == 0; ++i) first_page.push_back(blocks[i].text);
    r.letter_date = find_letter_date(first_page, rules);
  }

  std::vector<std::string> fact_texts = opening;
  fact_texts.insert(fact_texts.end(), early_texts.begin(), early_texts.end());
  if (auto fw = find_fieldwork(fact_texts, rules, r.letter_date)) {
    r.inspection_start = fw->start;
    r.inspection_end = fw->end;
    if (fw->end_inferred)
      r.warn("fieldwork_end_inferred", "fieldwork end date inferred from a 'week of' sentence: " + fw->start + " + " +
                           std::to_string(rules.fieldwork_week_days() - 1) + " days");
    if (fw->reversed)
      r.warn("fieldwork_dates_reversed", "fieldwork dates out of order: end " + fw->end + " is before start " + fw->start);
    r.inspectorates = find_inspectorates(fact_texts[fw->text_index], rules);
  }
  if (r.inspectorates.empty())
    for (const auto& t : fact_texts)
      if (auto found = find_inspectorates(t, rules); found.size() >= 2) {
        r.inspectorates = std::move(found);
        break;
      }

  std::vector<std::string> phrase_texts;
  if (st.title) phrase_texts.push_back(blocks[*st.title].text);
  phrase_texts.insert(phrase_texts.end(), opening.begin(), opening.end());
  phrase_texts.insert(phrase_texts.end(), early_texts.begin(), early_texts.end());
  r.theme_phrase = find_theme_phrase(phrase_texts, rules);
  if (r.theme_phrase) {
    r.theme = classify_theme(*r.theme_phrase, rules);
  } else {
    std::vector<std::string> texts, names;
    if (st.title) {
      texts.push_back(blocks[*st.title].text);
      names.push_back("title");
    }
    for (size_t k = 0; k < opening.size(); ++k) {
      texts.push_back(opening[k]);
      names.push_back("opening paragraph " + std::to_string(k + 1));
    }
    theme_from_keywords(texts, names, rules, r);
  }
  r.deep_dive = find_deep_dive(fact_texts, rules);

  r.headline_findings = headline_findings(st, blocks, rules);
  collect_sections(st, blocks, r);
  mark_no_priority_actions(blocks, st, rules, r);
  review_headings(st, blocks, rules, r);
  account_for_paragraphs(st, blocks, rules, r);
  add_warnings(r);

  apply_pins(r, ov);
  // Round and focus follow the (possibly pinned) theme, deep dive and dates.
  r.focus = find_focus(r, rules);
  RoundChoice choice = choose_round(r.focus, r.inspection_start, rules);
  if (choice.round) {
    r.round = choice.round->id;
    check_round_sections(*choice.round, st, r);
  }
  if (choice.warning) r.warnings.push_back(*choice.warning);
  assign_agencies(r, rules.agencies());  // after the pins, so pinned items get theirs too
  return r;
}

Report extract_file(const std::filesystem::path& pdf, const RuleSet& rules, std::optional<int> urn) {
  if (!urn) urn = urn_from_path(pdf);
  return extract_report(read_layout(pdf), rules, urn);
}

std::optional<int> urn_from_path(const std::filesystem::path& pdf) {
  auto leading_urn = [](const std::string& name) -> std::optional<int> {
    size_t n = 0;
    while (n < name.size() && std::isdigit(static_cast<unsigned char>(name[n]))) ++n;
    if (n < 4 || n > 8 || n >= name.size() || name[n] != '_') return std::nullopt;
    return std::stoi(name.substr(0, n));
  };
  if (auto u = leading_urn(pdf.parent_path().filename().string())) return u;
  return leading_urn(pdf.filename().string());
}

}  // namespace jtai::extract

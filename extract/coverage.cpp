#include "extract/coverage.hpp"

#include <algorithm>

#include "extract/lists.hpp"

namespace jtai::extract {

namespace {

bool is_boilerplate(const std::string& text, const RuleSet& rules) {
  for (const auto& p : rules.boilerplate())
    if (p.full_match(text)) return true;
  return false;
}

bool extracted_or_kept(SectionId id) {
  return id != SectionId::other && id != SectionId::next_steps;
}

}  // namespace

std::string_view place_name(Place p) {
  switch (p) {
    case Place::header: return "header";
    case Place::title: return "title";
    case Place::opening: return "opening";
    case Place::heading: return "heading";
    case Place::section: return "section";
    case Place::subheading: return "sub-heading";
    case Place::lead_in: return "lead-in";
    case Place::boilerplate: return "boilerplate";
    case Place::unaccounted: return "unaccounted";
  }
  return "unaccounted";
}

size_t Coverage::count(Place p) const { return static_cast<size_t>(std::count(place.begin(), place.end(), p)); }

Coverage account(const Structure& st, const std::vector<Block>& blocks, const RuleSet& rules) {
  Coverage c;
  c.place.assign(blocks.size(), Place::unaccounted);
  for (size_t i : st.header) c.place[i] = Place::header;
  if (st.title) c.place[*st.title] = Place::title;
  for (size_t i : st.opening) c.place[i] = Place::opening;
  for (const auto& sec : st.sections) {
    if (sec.heading) c.place[*sec.heading] = Place::heading;
    std::vector<size_t> lead_ins;
    if (sec.id == SectionId::priority_actions || sec.id == SectionId::improvements || sec.id == SectionId::strengths)
      lead_ins = section_lead_ins(sec, blocks);
    Gap gap{sec.title, 0, {}};
    for (size_t i : sec.blocks) {
      Place p = Place::unaccounted;
      if (is_boilerplate(blocks[i].text, rules) || sec.id == SectionId::next_steps) p = Place::boilerplate;
      else if (std::find(sec.subheadings.begin(), sec.subheadings.end(), i) != sec.subheadings.end())
        p = extracted_or_kept(sec.id) ? Place::subheading : Place::unaccounted;
      else if (std::find(lead_ins.begin(), lead_ins.end(), i) != lead_ins.end()) p = Place::lead_in;
      else if (extracted_or_kept(sec.id)) p = Place::section;
      c.place[i] = p;
      if (p == Place::unaccounted) {
        if (gap.blocks.empty()) gap.page = blocks[i].page + 1;
        gap.blocks.push_back(i);
      }
    }
    if (!gap.blocks.empty()) c.gaps.push_back(std::move(gap));
  }
  // Anything the structure did not place at all (never expected): its own gap.
  std::vector<char> placed(blocks.size(), 0);
  for (size_t i : st.header) placed[i] = 1;
  if (st.title) placed[*st.title] = 1;
  for (size_t i : st.opening) placed[i] = 1;
  for (const auto& sec : st.sections) {
    if (sec.heading) placed[*sec.heading] = 1;
    for (size_t i : sec.blocks) placed[i] = 1;
  }
  Gap stray{"", 0, {}};
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (placed[i]) continue;
    if (is_boilerplate(blocks[i].text, rules)) {
      c.place[i] = Place::boilerplate;
      continue;
    }
    if (stray.blocks.empty()) stray.page = blocks[i].page + 1;
    stray.blocks.push_back(i);
  }
  if (!stray.blocks.empty()) c.gaps.push_back(std::move(stray));
  return c;
}

}  // namespace jtai::extract

#pragma once
// Coverage accounting: where every paragraph of the letter body went, so
// that nothing can vanish silently. Page numbers, running headers and
// footnotes are dropped by the clean-up before this (see cleanup.hpp).
#include <string>
#include <vector>

#include "extract/cleanup.hpp"
#include "extract/structure.hpp"

namespace jtai::extract {

enum class Place {
  header,       // date, addressees, salutation (before the title)
  title,
  opening,      // introduction and (2016-20) headline paragraphs before the first section
  heading,      // a section heading
  section,      // content of a section the extractor reads (or main findings / context, kept in the letter)
  subheading,   // a sub-heading inside a section (labels items)
  lead_in,      // "... the following areas:" before a list
  boilerplate,  // next-steps text, signatures and [boilerplate] patterns
  unaccounted,  // went into no field: after an unknown heading, or after a case-study box
};
std::string_view place_name(Place p);

// A run of unaccounted paragraphs and where it stood.
struct Gap {
  std::string after;  // the heading before it ("" when a case-study box ended)
  int page = 0;       // 1-based page of its first paragraph
  std::vector<size_t> blocks;
};

struct Coverage {
  std::vector<Place> place;  // one per block
  std::vector<Gap> gaps;
  size_t count(Place p) const;
};

Coverage account(const Structure& st, const std::vector<Block>& blocks, const RuleSet& rules);

}  // namespace jtai::extract

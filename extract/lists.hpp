#pragma once
// Section content -> list items or joined text.
#include <string>
#include <vector>

#include "extract/cleanup.hpp"
#include "extract/report.hpp"
#include "extract/structure.hpp"

namespace jtai::extract {

// A block's text without its number label ("1. The quality" -> "The quality").
std::string without_number_label(const Block& b);

// One string per bullet or numbered item, in order. Sub-bullets and
// paragraphs that continue an item are joined to it with single spaces; a
// lead-in sentence before a list (ending with ':') is not an item;
// sub-headings are not items but label the items under them (`subheading`).
// A section without bullets gives one item per paragraph.
std::vector<Finding> section_items(const Section& section, const std::vector<Block>& blocks);

// Blocks of a list section that are lead-in sentences (not items, not part of one).
std::vector<size_t> section_lead_ins(const Section& section, const std::vector<Block>& blocks);

// The section's paragraphs and items joined with blank lines ("\n\n"); number
// labels of numbered items are dropped like bullet glyphs.
std::string section_text(const Section& section, const std::vector<Block>& blocks, bool include_subheadings);

}  // namespace jtai::extract

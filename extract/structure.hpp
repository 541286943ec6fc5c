#pragma once
// Finds the letter's headings (by typography and by wording) and splits the
// clean blocks into sections.
#include <optional>
#include <string>
#include <vector>

#include "extract/cleanup.hpp"
#include "extract/rules.hpp"

namespace jtai::extract {

struct HeadingMatch {
  SectionId section;
  std::string rule;  // "sections.toml:42 'areas? for improvement:?'"
};

// Matches heading text against the override's aliases, then the general ones.
std::optional<HeadingMatch> match_heading(const std::string& text, const RuleSet& rules,
                                          const AuthorityOverride* override_rules);

// Heading typography: a short paragraph set bold or larger than the body.
bool looks_like_heading(const Block& b, float body_size);

struct Heading {
  size_t block = 0;
  int page = 0;
  std::string text;
  std::optional<HeadingMatch> match;  // nullopt: a sub-heading or unknown heading
  bool subsection = false;            // kept inside the current section
};

struct Section {
  SectionId id = SectionId::other;
  std::string title;                // the heading as printed ("" for the opening)
  std::optional<size_t> heading;    // block index of the heading
  std::vector<size_t> blocks;       // content blocks, in order (sub-headings included)
  std::vector<size_t> subheadings;  // block indices of sub-headings inside it
};

struct Structure {
  std::optional<size_t> title;   // "Joint targeted area inspection of ..."
  std::vector<size_t> header;    // blocks before the title: date, addressees, salutation
  std::vector<size_t> opening;   // blocks between the title and the first section heading
  std::vector<Heading> headings;
  std::vector<Section> sections; // in letter order; case studies are sections too
};

// Splits headings glued to the paragraph after them (a bold heading and body
// text on one line) into a heading block and the paragraph, when the bold
// words match a heading rule. find_structure calls it first.
void split_glued_headings(CleanText& text, const RuleSet& rules, const AuthorityOverride* override_rules);

Structure find_structure(CleanText& text, const RuleSet& rules, const AuthorityOverride* override_rules);

}  // namespace jtai::extract

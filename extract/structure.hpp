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
  enum class By { pattern, override_alias, keywords } by = By::pattern;
  std::string reason;  // override aliases: the reason written with the alias
};

// Matches heading text against the override's aliases, then the general ones.
std::optional<HeadingMatch> match_heading(const std::string& text, const RuleSet& rules,
                                          const AuthorityOverride* override_rules);

// Type at least this size counts as heading type (12 pt body -> 13.5 pt).
inline float heading_min_size(float body_size) { return body_size * 1.125f; }

// Heading typography: a short paragraph set bold or larger than the body.
// Where the PDF's font names do not tell bold (bold_known false), a
// one-line paragraph that is not a sentence and starts with a capital.
bool looks_like_heading(const Block& b, float body_size, bool bold_known = true);

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
  // Sub-headings that are another wording of the section's own heading
  // ("Key strengths" then "Multi-agency strengths"): they label no items.
  std::vector<size_t> merged_headings;
};

struct Structure {
  std::optional<size_t> title;   // "Joint targeted area inspection of ..."
  std::vector<size_t> header;    // blocks before the title: date, addressees, salutation
  std::vector<size_t> opening;   // blocks between the title and the first section heading
  std::vector<Heading> headings;
  std::vector<Section> sections; // in letter order; case studies are sections too
};

// An authority override's text fix-ups, applied to every block before
// sectioning (extract_report, `extract --text` and `rules check` all call it).
// Returns the indices of the fix-ups that changed some text.
std::vector<size_t> apply_fixups(CleanText& text, const AuthorityOverride* override_rules);

// The [[keyword]] rules of sections.toml: a short heading-typed line holding
// all the words of one rule is read as its section (by = keywords).
std::optional<HeadingMatch> match_heading_keywords(const std::string& text, const RuleSet& rules);

// Splits headings glued to the paragraph after them (a bold heading and body
// text on one line) into a heading block and the paragraph, when the bold
// words match a heading rule. find_structure calls it first.
void split_glued_headings(CleanText& text, const RuleSet& rules, const AuthorityOverride* override_rules);

Structure find_structure(CleanText& text, const RuleSet& rules, const AuthorityOverride* override_rules);

}  // namespace jtai::extract

#pragma once
// Which agency a finding is about, by the rules in rules/agencies.toml:
//   agency    the agency whose subheading the item sits under (exact: the whole
//             subheading matches one of the agency's `subheadings` patterns)
//   agencies  every agency the item's text mentions (`patterns`, as whole words,
//             minus wordings listed under `not`), in the rule file's order
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/report.hpp"
#include "extract/rules.hpp"  // Pattern

namespace jtai::extract {

struct AgencyRule {
  std::string name;
  std::vector<Pattern> subheadings;  // full match against the subheading
  std::vector<Pattern> mentions;     // searched in the text, wrapped as \b(?:...)\b
  std::vector<Pattern> exclusions;   // `not`: a mention inside one of these does not count
};

class AgencyRules {
 public:
  // Loads `file` (reported as `display_name` in errors). Throws RuleError
  // naming file and line for any mistake.
  static AgencyRules load(const std::filesystem::path& file, const std::string& display_name = "agencies.toml");

  const std::vector<AgencyRule>& agencies() const { return agencies_; }

  // The agency a subheading names, or nullopt (a topic such as "Leadership").
  std::optional<std::string> agency_of_subheading(std::string_view subheading) const;
  // The agencies the text mentions, in rule-file order, each once.
  std::vector<std::string> agencies_in(std::string_view text) const;
  // The agency's name as written in the rules for a user's spelling (any
  // case, straight or curly apostrophe); nullopt when there is no such agency.
  std::optional<std::string> canonical_name(std::string_view name) const;

  // Whether agencies_in and agency_of_subheading run on RE2::Sets (one pass
  // per text over every agency's patterns) rather than on each pattern in
  // turn; both give the same answers. False only when RE2 cannot build a set.
  bool uses_pattern_sets() const;

  struct Matchers;  // the RE2::Sets: parsed as the rules load, compiled on first use (agencies.cpp)

 private:
  std::vector<AgencyRule> agencies_;
  std::shared_ptr<const Matchers> matchers_;
};

// Fills every finding's `agency` (from its subheading) and `agencies` (from its
// text), each case study's `agencies` and the report's `headline_agencies`.
void assign_agencies(Report& report, const AgencyRules& rules);

// Letters use curly apostrophes; the rules are written with straight ones.
std::string straighten_apostrophes(std::string_view text);

}  // namespace jtai::extract

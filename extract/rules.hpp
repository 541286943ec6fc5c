#pragma once
// The extraction rules, loaded from TOML files in rules/ (RE2 patterns):
//   sections.toml   section heading aliases, letter identification, list lead-ins
//   themes.toml     canonical themes, theme phrase, deep dive, inspectorates
//   dates.toml      letter date and fieldwork date sentences
//   rounds.toml     the JTAI programme rounds (id, name, theme, fieldwork period)
//   agencies.toml   which agency a finding is about (extract/agencies.hpp)
//   authorities/<urn>-<slug>.toml   per-authority overrides
// Any error in these files throws jtai::RuleError naming file and line.
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace re2 {
class RE2;
}

namespace jtai::extract {

class AgencyRules;

// A rule pattern's RE2, compiled on first use (once, thread-safe) and shared
// by every copy of the Pattern. Loading the rules only checks the syntax: a
// letter uses about half of the patterns (a non-JTAI letter three), and RE2's
// compile costs about four times its syntax check.
class LazyRegex {
 public:
  LazyRegex(std::string regex, std::string source, std::string file, long line);
  ~LazyRegex();
  // Throws RuleError naming file and line when RE2 cannot compile the pattern
  // (its syntax was checked at load, so only a pattern too large for RE2).
  const re2::RE2& get() const;
  bool compiled() const;
  const std::string& regex() const { return regex_; }

 private:
  std::string regex_;  // what RE2 compiles (agency mentions: the source wrapped as \b(?:...)\b)
  std::string source_, file_;  // for the error
  long line_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<const re2::RE2> re_;
  mutable std::atomic<bool> done_{false};
};

// One RE2 pattern and where it was written.
struct Pattern {
  std::string source;
  std::string file;  // relative to the rules directory
  long line = 0;
  std::shared_ptr<const LazyRegex> compiled;

  // `regex` is what RE2 matches (the source itself, or the source wrapped).
  // Throws RuleError naming file and line when its syntax is wrong, unless the
  // caller parses it with RE2 itself (SyntaxCheck::by_caller: agencies.cpp adds
  // each pattern to an RE2::Set at load) and reports errors with bad_pattern().
  enum class SyntaxCheck { here, by_caller };
  static Pattern make(std::string source, const std::string& file, long line, std::string regex,
                      SyntaxCheck check = SyntaxCheck::here);
  static Pattern make(std::string source, const std::string& file, long line) {
    std::string regex = source;
    return make(std::move(source), file, line, std::move(regex));
  }

  // The compiled RE2 (case-insensitive), compiled on first use.
  const re2::RE2& re() const { return compiled->get(); }
  std::string where() const { return file + ":" + std::to_string(line); }
  // Searches text; on a match fills groups (group 0 is the whole match).
  bool search(std::string_view text, std::vector<std::string>* groups = nullptr) const;
  bool full_match(std::string_view text) const;
  // Searches text; on a match sets [begin, end) of the whole match.
  bool find(std::string_view text, size_t& begin, size_t& end) const;
  // The value of the named group after search(); empty when absent.
  std::string named(std::string_view text, const std::string& group) const;
};

// The RuleError for a pattern RE2 cannot parse, worded as every rule file's.
[[noreturn]] void bad_pattern(const std::string& file, long line, const std::string& source, const std::string& error);

// A pattern's capturing groups, read from its text without compiling it
// (the pattern must be one RE2 has parsed): how many, and the names of the
// named ones ((?P<name>...)) in order.
struct CaptureGroups {
  int count = 0;
  std::vector<std::string> names;
};
CaptureGroups capture_groups(std::string_view regex);

// Sections the extractor knows. Heading aliases map a heading to one of them.
enum class SectionId {
  headline_findings,
  priority_actions,
  improvements,
  strengths,
  main_findings,
  case_study,
  next_steps,
  context,
  other,  // a known heading that ends the current section and is not extracted
};
std::optional<SectionId> section_id_from_name(std::string_view name);
std::string_view section_name(SectionId id);

struct HeadingRule {
  SectionId section;
  Pattern pattern;  // matched against the whole heading text, case-insensitive
  std::string reason;  // authority aliases: optional 'reason' key
};

struct NamedPatterns {
  std::string name;
  std::vector<Pattern> patterns;
  // Themes: words searched anywhere in the title and opening when the letter
  // has no theme phrase ('keywords'; default: the patterns not anchored with '^').
  std::vector<Pattern> keywords;
};

struct FixUp {
  Pattern pattern;
  std::string replacement;  // RE2 rewrite string (\1 for groups)
  std::string reason;       // optional 'reason' key, shown in the report's overrides
};

struct PinnedField {
  std::string field;  // a report field name, e.g. "inspection_start"
  nlohmann::json value;
  std::string reason;
  std::string where;
};

// A heading-typed line containing a section's words (all of `words`, each an
// RE2 pattern searched in the heading) is read as that section, with an
// `unrecognised_heading` warning (sections.toml [[keyword]]).
struct KeywordRule {
  SectionId section;
  std::vector<Pattern> words;
  std::string where;
};

// One JTAI programme round (rounds.toml [[round]]).
struct Round {
  std::string id;
  std::string name;
  std::string theme;                  // canonical theme = the focus of its letters
  std::optional<std::string> title_theme;
  std::string fieldwork_from, fieldwork_to;  // ISO dates, inclusive: when fieldwork may start
  std::vector<SectionId> sections;    // sections every letter of the round has
  bool expects_case_studies = false;
  std::string source;
  std::vector<std::string> letters;
  std::string where;                  // "rounds.toml:31"
};

struct AuthorityOverride {
  int urn = 0;
  std::string file;
  std::vector<HeadingRule> headings;  // tried before the general aliases
  std::vector<FixUp> fixups;          // applied to paragraph text before sectioning
  std::vector<PinnedField> pins;
};

class RuleSet {
 public:
  // Throws RuleError for any error in the rule files, Error when the
  // directory or a required file is missing.
  static RuleSet load(const std::filesystem::path& rules_dir);

  // sha256 over every file under rules/ (path-sorted, path and content).
  const std::string& version() const { return version_; }

  const std::vector<HeadingRule>& headings() const { return headings_; }
  const std::vector<KeywordRule>& heading_keywords() const { return heading_keywords_; }
  // Sub-headings inside a section that are known not to be sections
  // ("Police", "Health", "Leadership", ...): no warning for them.
  const std::vector<Pattern>& known_subheadings() const { return known_subheadings_; }
  // Paragraphs known to carry nothing to extract (addresses, "Yours
  // sincerely", the next-steps text): counted as boilerplate.
  const std::vector<Pattern>& boilerplate() const { return boilerplate_; }
  const std::vector<Round>& rounds() const { return rounds_; }
  const std::vector<Pattern>& jtai_markers() const { return jtai_markers_; }
  const std::vector<Pattern>& not_jtai_markers() const { return not_jtai_markers_; }
  const std::vector<Pattern>& no_priority_actions() const { return no_priority_actions_; }
  const std::vector<Pattern>& introduction() const { return introduction_; }
  const std::vector<Pattern>& introduction_end() const { return introduction_end_; }
  // Where the letter's header ends when no title is found ("Dear ...").
  const std::vector<Pattern>& salutation() const { return salutation_; }

  const std::vector<NamedPatterns>& themes() const { return themes_; }
  const std::vector<Pattern>& theme_phrase() const { return theme_phrase_; }
  // Group 1: the focus inside a theme phrase ("... response to <focus>"), and
  // for "other: <focus>" the focus without the area ("<focus> in <area>").
  const std::vector<Pattern>& theme_focus() const { return theme_focus_; }
  const std::vector<Pattern>& theme_without_area() const { return theme_without_area_; }
  const std::vector<Pattern>& deep_dive() const { return deep_dive_; }
  const std::vector<NamedPatterns>& inspectorates() const { return inspectorates_; }
  const std::vector<Pattern>& fieldwork_sentence() const { return fieldwork_sentence_; }

  const std::vector<Pattern>& letter_date() const { return letter_date_; }
  const std::vector<Pattern>& fieldwork_dates() const { return fieldwork_dates_; }
  // "during the week of 23 May 2022": start groups only; the end is start + week_days - 1.
  const std::vector<Pattern>& fieldwork_week() const { return fieldwork_week_; }
  int fieldwork_week_days() const { return fieldwork_week_days_; }

  // rules/agencies.toml.
  const AgencyRules& agencies() const { return *agencies_; }

  const AuthorityOverride* authority(int urn) const;
  const std::map<int, AuthorityOverride>& authorities() const { return authorities_; }

 private:
  friend class RuleLoader;
  std::string version_;
  std::vector<HeadingRule> headings_;
  std::vector<KeywordRule> heading_keywords_;
  std::vector<Pattern> known_subheadings_, boilerplate_;
  std::vector<Round> rounds_;
  std::vector<Pattern> jtai_markers_, not_jtai_markers_, no_priority_actions_, introduction_,
      introduction_end_, salutation_;
  std::vector<NamedPatterns> themes_, inspectorates_;
  std::vector<Pattern> theme_phrase_, theme_focus_, theme_without_area_, deep_dive_, fieldwork_sentence_;
  std::vector<Pattern> letter_date_, fieldwork_dates_, fieldwork_week_;
  int fieldwork_week_days_ = 5;
  std::map<int, AuthorityOverride> authorities_;
  std::shared_ptr<const AgencyRules> agencies_;
};

}  // namespace jtai::extract

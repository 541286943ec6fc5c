// Loads rules/agencies.toml and applies it to an item's subheading and text.
#include "extract/agencies.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <toml++/toml.h>
#include <utility>

#include "common/error.hpp"
#include "extract/rule_options.hpp"

namespace jtai::extract {

namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Which of many patterns match a text, in one pass (RE2::Set). Each pattern is
// parsed into the set as the rules load (that parse is its syntax check, so
// it is parsed once); the set is compiled on first use. matching() returns
// false when the set cannot answer (RE2 could not compile it, or its DFA ran
// out of memory on this text): the caller then tries the patterns one by one,
// so the answer never depends on the set.
class PatternSet {
 public:
  explicit PatternSet(RE2::Anchor anchor) : set_(rule_options(), anchor) {}

  // Parses p's regex into the set; returns RE2's error, empty when it parsed.
  std::string add(const Pattern& p) {
    std::string error;
    if (set_.Add(p.compiled->regex(), &error) < 0) return error.empty() ? "invalid pattern" : error;
    ++size_;
    return {};
  }
  size_t size() const { return size_; }

  bool usable() const {
    std::call_once(once_, [this] { compiled_ = set_.Compile(); });
    return compiled_;
  }

  // The indices (ascending) of the patterns that match somewhere in text
  // (UNANCHORED) or match all of it (ANCHOR_BOTH).
  bool matching(std::string_view text, std::vector<int>& out) const {
    out.clear();
    if (!usable()) return false;
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    if (!set_.Match(re2::StringPiece(text.data(), text.size()), &out, &info) && info.kind != RE2::Set::kNoError)
      return false;
    std::sort(out.begin(), out.end());
    return true;
  }

 private:
  mutable RE2::Set set_;  // Compile() is not const; it runs once, under once_
  size_t size_ = 0;
  mutable std::once_flag once_;
  mutable bool compiled_ = false;
};

}  // namespace

// Every agency's mentions, exclusions and subheadings in one set each, in the
// rule file's order; first_* say where each agency's patterns start.
struct AgencyRules::Matchers {
  PatternSet mentions{RE2::UNANCHORED}, exclusions{RE2::UNANCHORED}, subheadings{RE2::ANCHOR_BOTH};
  std::vector<size_t> first_mention, first_exclusion, first_subheading;

  void begin_agency() {
    first_mention.push_back(mentions.size());
    first_exclusion.push_back(exclusions.size());
    first_subheading.push_back(subheadings.size());
  }
  void end() { begin_agency(); }  // the totals close the last agency's range
};

namespace {

// Reads the rule file into agencies, parsing each pattern into its set in
// `sets` as it goes (a pattern RE2 cannot parse stops the load there).
class AgencyLoader {
 public:
  AgencyLoader(std::string file, AgencyRules::Matchers& sets) : file_(std::move(file)), sets_(sets) {}

  std::vector<AgencyRule> load(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) throw RuleError(file_, 0, "rule file is missing");
    toml::table root;
    try {
      root = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
      throw RuleError(file_, static_cast<long>(e.source().begin.line),
                      "TOML syntax error: " + std::string(e.description()));
    }
    for (const auto& [key, value] : root)
      if (key.str() != "agency") fail(value, "unknown key '" + std::string(key.str()) + "' (allowed: agency)");
    const toml::node* list = root.get("agency");
    if (!list) throw RuleError(file_, 1, "no [[agency]] tables");
    if (!list->is_array_of_tables()) fail(*list, "'agency' must be an array of tables [[agency]]");

    std::vector<AgencyRule> out;
    std::set<std::string> names;
    for (const auto& item : *list->as_array()) {
      const auto& t = *item.as_table();
      for (const auto& [key, value] : t)
        if (key.str() != "name" && key.str() != "subheadings" && key.str() != "patterns" && key.str() != "not")
          fail(value, "unknown key '" + std::string(key.str()) +
                          "' in [[agency]] (allowed: name, subheadings, patterns, not)");
      AgencyRule rule;
      const toml::node* name = t.get("name");
      if (!name) fail(t, "missing key 'name' in [[agency]]");
      if (!name->is_string() || name->as_string()->get().empty()) fail(*name, "'name' must be a non-empty string");
      rule.name = name->as_string()->get();
      if (!names.insert(lower_ascii(straighten_apostrophes(rule.name))).second)
        fail(*name, "agency '" + rule.name + "' is defined twice");
      sets_.begin_agency();
      rule.subheadings = patterns(t, "subheadings", false, false, sets_.subheadings);
      rule.mentions = patterns(t, "patterns", true, true, sets_.mentions);
      rule.exclusions = patterns(t, "not", false, false, sets_.exclusions);
      out.push_back(std::move(rule));
    }
    if (out.empty()) throw RuleError(file_, 1, "no [[agency]] tables");
    sets_.end();
    return out;
  }

 private:
  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    throw RuleError(file_, static_cast<long>(node.source().begin.line), what);
  }

  Pattern compile(const toml::node& node, bool whole_words, PatternSet& set) const {
    if (!node.is_string()) fail(node, "a pattern must be a string");
    std::string source = node.as_string()->get();
    if (source.empty()) fail(node, "empty pattern");
    std::string regex = whole_words ? "\\b(?:" + source + ")\\b" : source;
    const auto line = static_cast<long>(node.source().begin.line);
    Pattern p = Pattern::make(source, file_, line, std::move(regex), Pattern::SyntaxCheck::by_caller);
    if (std::string error = set.add(p); !error.empty()) bad_pattern(file_, line, source, error);
    return p;
  }

  std::vector<Pattern> patterns(const toml::table& t, std::string_view key, bool required, bool whole_words,
                                PatternSet& set) const {
    std::vector<Pattern> out;
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(t, "missing key '" + std::string(key) + "' in [[agency]]");
      return out;
    }
    if (!n->is_array()) fail(*n, "'" + std::string(key) + "' must be an array of pattern strings");
    for (const auto& item : *n->as_array()) out.push_back(compile(item, whole_words, set));
    if (required && out.empty()) fail(*n, "'" + std::string(key) + "' needs at least one pattern");
    return out;
  }

  std::string file_;
  AgencyRules::Matchers& sets_;
};

// Calls f(begin, end) for each successive non-overlapping match; f returns
// false to stop. The whole text stays the context of \b at every start.
template <typename F>
void for_each_match(const re2::RE2& re, std::string_view text, F&& f) {
  re2::StringPiece whole(text.data(), text.size());
  size_t pos = 0;
  re2::StringPiece m;
  while (pos <= text.size() && re.Match(whole, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    size_t b = static_cast<size_t>(m.data() - text.data());
    size_t e = b + m.size();
    if (!f(b, e)) return;
    pos = e > b ? e : e + 1;
  }
}

// Whether a match of one of the rule's `patterns` lies outside every match of
// its `not` patterns. Only the patterns listed (indices into mentions and
// exclusions) are tried: the caller leaves out those that match nowhere in the
// text, which cannot change the answer.
bool mentioned(const AgencyRule& rule, std::string_view text, const std::vector<size_t>& mention_ids,
               const std::vector<size_t>& exclusion_ids) {
  std::vector<std::pair<size_t, size_t>> excluded;
  bool exclusions_found = false;
  auto inside_exclusion = [&](size_t b, size_t e) {
    if (!exclusions_found) {
      for (size_t x : exclusion_ids)
        for_each_match(rule.exclusions[x].re(), text, [&](size_t xb, size_t xe) {
          excluded.emplace_back(xb, xe);
          return true;
        });
      exclusions_found = true;
    }
    return std::any_of(excluded.begin(), excluded.end(),
                       [&](const auto& x) { return x.first <= b && e <= x.second; });
  };
  for (size_t m : mention_ids) {
    bool found = false;
    for_each_match(rule.mentions[m].re(), text, [&](size_t b, size_t e) {
      found = !inside_exclusion(b, e);
      return !found;
    });
    if (found) return true;
  }
  return false;
}

std::vector<size_t> all_ids(size_t n) {
  std::vector<size_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = i;
  return ids;
}

// The ids of agency a's patterns among a set's hits; `first` holds where each
// agency's patterns start in the set (and the total at the end).
std::vector<size_t> ids_of(const std::vector<int>& hits, const std::vector<size_t>& first, size_t a) {
  std::vector<size_t> ids;
  for (int h : hits) {
    auto i = static_cast<size_t>(h);
    if (i >= first[a] && i < first[a + 1]) ids.push_back(i - first[a]);
  }
  return ids;
}

}  // namespace

std::string straighten_apostrophes(std::string_view text) {
  static constexpr std::string_view kCurly[] = {"\u2019", "\u2018", "\u02bc"};
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (auto c : kCurly)
      if (text.substr(i, c.size()) == c) {
        out += '\'';
        i += c.size();
        replaced = true;
        break;
      }
    if (!replaced) out += text[i++];
  }
  return out;
}

AgencyRules AgencyRules::load(const std::filesystem::path& file, const std::string& display_name) {
  AgencyRules rules;
  auto sets = std::make_shared<Matchers>();
  rules.agencies_ = AgencyLoader(display_name, *sets).load(file);
  rules.matchers_ = std::move(sets);
  return rules;
}

bool AgencyRules::uses_pattern_sets() const {
  return matchers_->mentions.usable() && matchers_->exclusions.usable() && matchers_->subheadings.usable();
}

std::optional<std::string> AgencyRules::agency_of_subheading(std::string_view subheading) const {
  std::string s = straighten_apostrophes(subheading);
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return std::nullopt;
  auto end = s.find_last_not_of(" \t\r\n:.;");
  if (end == std::string::npos || end < begin) return std::nullopt;
  s = s.substr(begin, end - begin + 1);
  std::vector<int> hits;
  if (matchers_->subheadings.matching(s, hits)) {
    if (hits.empty()) return std::nullopt;
    const auto& first = matchers_->first_subheading;
    auto a = static_cast<size_t>(std::upper_bound(first.begin(), first.end(), static_cast<size_t>(hits.front())) -
                                 first.begin()) - 1;
    return agencies_[a].name;
  }
  for (const auto& a : agencies_)
    for (const auto& p : a.subheadings)
      if (p.full_match(s)) return a.name;
  return std::nullopt;
}

std::vector<std::string> AgencyRules::agencies_in(std::string_view text) const {
  std::string t = straighten_apostrophes(text);
  std::vector<std::string> out;
  const Matchers& m = *matchers_;
  std::vector<int> mention_hits, exclusion_hits;
  if (!m.mentions.matching(t, mention_hits)) {
    for (const auto& a : agencies_)
      if (mentioned(a, t, all_ids(a.mentions.size()), all_ids(a.exclusions.size()))) out.push_back(a.name);
    return out;
  }
  enum class Exclusions { unknown, known, unavailable } exclusions = Exclusions::unknown;
  for (size_t i = 0; i < agencies_.size(); ++i) {
    const AgencyRule& a = agencies_[i];
    std::vector<size_t> mention_ids = ids_of(mention_hits, m.first_mention, i);
    if (mention_ids.empty()) continue;
    if (a.exclusions.empty()) {
      out.push_back(a.name);
      continue;
    }
    if (exclusions == Exclusions::unknown)
      exclusions = m.exclusions.matching(t, exclusion_hits) ? Exclusions::known : Exclusions::unavailable;
    std::vector<size_t> exclusion_ids = exclusions == Exclusions::known ? ids_of(exclusion_hits, m.first_exclusion, i)
                                                                        : all_ids(a.exclusions.size());
    if (exclusion_ids.empty() || mentioned(a, t, mention_ids, exclusion_ids)) out.push_back(a.name);
  }
  return out;
}

std::optional<std::string> AgencyRules::canonical_name(std::string_view name) const {
  std::string wanted = lower_ascii(straighten_apostrophes(name));
  for (const auto& a : agencies_)
    if (lower_ascii(straighten_apostrophes(a.name)) == wanted) return a.name;
  return std::nullopt;
}

void assign_agencies(Report& report, const AgencyRules& rules) {
  for (auto* list : {&report.priority_actions, &report.improvements, &report.strengths})
    for (auto& f : *list) {
      f.agency = f.subheading ? rules.agency_of_subheading(*f.subheading) : std::nullopt;
      f.agencies = rules.agencies_in(f.text);
    }
  for (auto& cs : report.case_studies) cs.agencies = rules.agencies_in(cs.text);
  report.headline_agencies =
      report.headline_findings ? rules.agencies_in(*report.headline_findings) : std::vector<std::string>{};
}

}  // namespace jtai::extract

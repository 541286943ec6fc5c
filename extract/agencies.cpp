// Loads rules/agencies.toml and applies it to an item's subheading and text.
#include "extract/agencies.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <set>
#include <toml++/toml.h>
#include <utility>

#include "common/error.hpp"

namespace jtai::extract {

namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class AgencyLoader {
 public:
  explicit AgencyLoader(std::string file) : file_(std::move(file)) {}

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
      rule.subheadings = patterns(t, "subheadings", false, false);
      rule.mentions = patterns(t, "patterns", true, true);
      rule.exclusions = patterns(t, "not", false, false);
      out.push_back(std::move(rule));
    }
    if (out.empty()) throw RuleError(file_, 1, "no [[agency]] tables");
    return out;
  }

 private:
  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    throw RuleError(file_, static_cast<long>(node.source().begin.line), what);
  }

  Pattern compile(const toml::node& node, bool whole_words) const {
    if (!node.is_string()) fail(node, "a pattern must be a string");
    Pattern p;
    p.source = node.as_string()->get();
    p.file = file_;
    p.line = static_cast<long>(node.source().begin.line);
    if (p.source.empty()) fail(node, "empty pattern");
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    auto re = std::make_shared<RE2>(whole_words ? "\\b(?:" + p.source + ")\\b" : p.source, options);
    if (!re->ok()) fail(node, "bad RE2 pattern '" + p.source + "': " + re->error());
    p.re = std::move(re);
    return p;
  }

  std::vector<Pattern> patterns(const toml::table& t, std::string_view key, bool required, bool whole_words) const {
    std::vector<Pattern> out;
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(t, "missing key '" + std::string(key) + "' in [[agency]]");
      return out;
    }
    if (!n->is_array()) fail(*n, "'" + std::string(key) + "' must be an array of pattern strings");
    for (const auto& item : *n->as_array()) out.push_back(compile(item, whole_words));
    if (required && out.empty()) fail(*n, "'" + std::string(key) + "' needs at least one pattern");
    return out;
  }

  std::string file_;
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

bool mentioned(const AgencyRule& rule, std::string_view text) {
  std::vector<std::pair<size_t, size_t>> excluded;
  bool exclusions_found = false;
  auto inside_exclusion = [&](size_t b, size_t e) {
    if (!exclusions_found) {
      for (const auto& x : rule.exclusions)
        for_each_match(*x.re, text, [&](size_t xb, size_t xe) {
          excluded.emplace_back(xb, xe);
          return true;
        });
      exclusions_found = true;
    }
    return std::any_of(excluded.begin(), excluded.end(),
                       [&](const auto& x) { return x.first <= b && e <= x.second; });
  };
  for (const auto& p : rule.mentions) {
    bool found = false;
    for_each_match(*p.re, text, [&](size_t b, size_t e) {
      found = !inside_exclusion(b, e);
      return !found;
    });
    if (found) return true;
  }
  return false;
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
  rules.agencies_ = AgencyLoader(display_name).load(file);
  return rules;
}

std::optional<std::string> AgencyRules::agency_of_subheading(std::string_view subheading) const {
  std::string s = straighten_apostrophes(subheading);
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return std::nullopt;
  auto end = s.find_last_not_of(" \t\r\n:.;");
  if (end == std::string::npos || end < begin) return std::nullopt;
  s = s.substr(begin, end - begin + 1);
  for (const auto& a : agencies_)
    for (const auto& p : a.subheadings)
      if (p.full_match(s)) return a.name;
  return std::nullopt;
}

std::vector<std::string> AgencyRules::agencies_in(std::string_view text) const {
  std::string t = straighten_apostrophes(text);
  std::vector<std::string> out;
  for (const auto& a : agencies_)
    if (mentioned(a, t)) out.push_back(a.name);
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

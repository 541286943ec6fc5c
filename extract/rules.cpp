// Loads and validates the rule files. Every table and key is checked, so a
// typo in a rule file is an error naming file and line, never silently ignored.
#include "extract/rules.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <set>
#include <toml++/toml.h>

#include "common/error.hpp"
#include "extract/agencies.hpp"
#include "extract/rule_options.hpp"
#include "common/files.hpp"
#include "common/hash.hpp"

namespace jtai::extract {

namespace fs = std::filesystem;

namespace {

constexpr std::pair<SectionId, std::string_view> kSectionNames[] = {
    {SectionId::headline_findings, "headline_findings"},
    {SectionId::priority_actions, "priority_actions"},
    {SectionId::improvements, "improvements"},
    {SectionId::strengths, "strengths"},
    {SectionId::main_findings, "main_findings"},
    {SectionId::case_study, "case_study"},
    {SectionId::next_steps, "next_steps"},
    {SectionId::context, "context"},
    {SectionId::other, "other"},
};

const std::set<std::string> kPinnable = {
    "letter_date",       "inspection_start", "inspection_end",   "theme",
    "theme_phrase",      "deep_dive",        "inspectorates",    "headline_findings",
    "priority_actions",  "no_priority_actions", "improvements",  "strengths",
};

}  // namespace

std::optional<SectionId> section_id_from_name(std::string_view name) {
  for (const auto& [id, n] : kSectionNames)
    if (n == name) return id;
  return std::nullopt;
}

std::string_view section_name(SectionId id) {
  for (const auto& [i, n] : kSectionNames)
    if (i == id) return n;
  return "other";
}

namespace {

// RE2's parser alone, as RE2 runs it before compiling: the same errors, worded
// the same. Case folding is left out (it only widens literals and classes and
// never makes a pattern valid or invalid) because folding is most of the
// parser's cost.
std::string syntax_error(const std::string& regex) {
  RE2::Options options = rule_options();
  options.set_case_sensitive(true);
  RE2::Set parser(options, RE2::UNANCHORED);
  std::string error;
  if (parser.Add(regex, &error) < 0) return error.empty() ? "invalid pattern" : error;
  return {};
}

// RE2 refuses to compile a pattern whose program passes its memory budget
// ("pattern too large"). Only a counted repetition with a large bound or a
// very long pattern gets near that, so those are compiled when the rules are
// loaded, keeping that error at load; any other pattern compiles on first use.
bool may_be_too_large(const std::string& regex) {
  if (regex.size() > 1000) return true;
  for (size_t i = 0; i < regex.size(); ++i) {
    if (regex[i] != '{') continue;
    size_t run = 0;  // digits of the bound being read: {n}, {n,} or {n,m}
    for (size_t j = i + 1; j < regex.size(); ++j) {
      if (regex[j] == ',') run = 0;
      else if (std::isdigit(static_cast<unsigned char>(regex[j]))) ++run;
      else break;
      if (run >= 3) return true;  // a bound of 100 or more
    }
  }
  return false;
}

}  // namespace

LazyRegex::LazyRegex(std::string regex, std::string source, std::string file, long line)
    : regex_(std::move(regex)), source_(std::move(source)), file_(std::move(file)), line_(line) {}

LazyRegex::~LazyRegex() = default;

const re2::RE2& LazyRegex::get() const {
  std::call_once(once_, [this] {
    re_ = std::make_unique<const RE2>(regex_, rule_options());
    done_.store(true, std::memory_order_release);
  });
  if (!re_->ok()) bad_pattern(file_, line_, source_, re_->error());
  return *re_;
}

bool LazyRegex::compiled() const { return done_.load(std::memory_order_acquire); }

void bad_pattern(const std::string& file, long line, const std::string& source, const std::string& error) {
  throw RuleError(file, line, "bad RE2 pattern '" + source + "': " + error);
}

CaptureGroups capture_groups(std::string_view re) {
  // After RE2 accepted the syntax, a '(' opens a capturing group wherever it
  // is not escaped, quoted (\Q...\E) or in a class ([...]), unless "(?"
  // follows; "(?P<" (or RE2's newer "(?<") opens a named one.
  CaptureGroups groups;
  const size_t n = re.size();
  for (size_t i = 0; i < n; ++i) {
    if (re[i] == '\\') {
      if (i + 1 < n && re[i + 1] == 'Q') {
        size_t end = re.find("\\E", i + 2);
        if (end == std::string_view::npos) break;
        i = end + 1;
      } else {
        ++i;  // the escaped character; \x{..} and \p{..} hold no '(' or '['
      }
    } else if (re[i] == '[') {
      size_t j = i + 1;
      if (j < n && re[j] == '^') ++j;
      if (j < n && re[j] == ']') ++j;  // a ']' first in a class is literal
      while (j < n && re[j] != ']') {
        if (re[j] == '\\') j += 2;
        else if (size_t posix = re.substr(j, 2) == "[:" ? re.find(":]", j + 2) : std::string_view::npos;
                 posix != std::string_view::npos)
          j = posix + 2;  // [[:alpha:]], found as RE2 finds it: the first ":]" after "[:"
        else
          ++j;
      }
      i = j;
    } else if (re.substr(i, 3) == "(?<" || re.substr(i, 4) == "(?P<") {
      size_t begin = i + (re[i + 2] == 'P' ? 4 : 3);
      size_t end = re.find('>', begin);
      if (end == std::string_view::npos) break;
      ++groups.count;
      groups.names.emplace_back(re.substr(begin, end - begin));
      i = end;
    } else if (re[i] == '(' && re.substr(i, 2) != "(?") {
      ++groups.count;
    }
  }
  return groups;
}

Pattern Pattern::make(std::string source, const std::string& file, long line, std::string regex, SyntaxCheck check) {
  if (check == SyntaxCheck::here)
    if (std::string error = syntax_error(regex); !error.empty()) bad_pattern(file, line, source, error);
  Pattern p;
  p.file = file;
  p.line = line;
  const bool compile_now = may_be_too_large(regex);
  p.compiled = std::make_shared<const LazyRegex>(std::move(regex), source, file, line);
  p.source = std::move(source);
  if (compile_now) p.re();  // throws RuleError now rather than on first use
  return p;
}

bool Pattern::search(std::string_view text, std::vector<std::string>* groups) const {
  int n = re().NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> pieces(static_cast<size_t>(n));
  if (!re().Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, pieces.data(), n))
    return false;
  if (groups) {
    groups->clear();
    for (const auto& p : pieces) groups->emplace_back(p.data() ? std::string(p.data(), p.size()) : std::string());
  }
  return true;
}

bool Pattern::find(std::string_view text, size_t& begin, size_t& end) const {
  re2::StringPiece whole;
  if (!re().Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED, &whole, 1))
    return false;
  begin = static_cast<size_t>(whole.data() - text.data());
  end = begin + whole.size();
  return true;
}

bool Pattern::full_match(std::string_view text) const {
  return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), re());
}

std::string Pattern::named(std::string_view text, const std::string& group) const {
  const auto& names = re().NamedCapturingGroups();
  auto it = names.find(group);
  if (it == names.end()) return {};
  std::vector<std::string> groups;
  if (!search(text, &groups)) return {};
  return groups[static_cast<size_t>(it->second)];
}

// Reads one TOML file at a time, checking tables, keys and types.
class RuleLoader {
 public:
  explicit RuleLoader(fs::path dir) : dir_(std::move(dir)) {}

  RuleSet load() {
    if (!fs::is_directory(dir_)) throw Error("rules directory not found: " + dir_.string());
    RuleSet rules;
    rules.version_ = hash_dir();
    load_sections(rules);
    load_themes(rules);
    load_dates(rules);
    rules.agencies_ = std::make_shared<const AgencyRules>(AgencyRules::load(dir_ / "agencies.toml"));
    load_rounds(rules);
    fs::path authorities = dir_ / "authorities";
    if (fs::is_directory(authorities)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(authorities))
        if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) load_authority(rules, f);
    }
    return rules;
  }

 private:
  // The version covers exactly the files extraction reads, so editing the
  // crawler's site.toml or the authority table does not trigger re-extraction.
  std::string hash_dir() const {
    std::vector<fs::path> files;
    for (const char* name : {"sections.toml", "themes.toml", "dates.toml", "rounds.toml", "agencies.toml"})
      if (fs::is_regular_file(dir_ / name)) files.push_back(dir_ / name);
    if (fs::is_directory(dir_ / "authorities"))
      for (const auto& e : fs::directory_iterator(dir_ / "authorities"))
        if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    Sha256 sha;
    for (const auto& f : files) {
      std::string rel = fs::relative(f, dir_).generic_string();
      sha.update(rel);
      sha.update(std::string_view("\0", 1));
      std::string content = read_file(f);
      sha.update(std::to_string(content.size()));
      sha.update(std::string_view("\0", 1));
      sha.update(content);
    }
    return sha.hex_digest();
  }

  toml::table parse(const fs::path& path) {
    file_ = fs::relative(path, dir_).generic_string();
    if (!fs::exists(path)) throw RuleError(file_, 0, "rule file is missing");
    try {
      return toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
      throw RuleError(file_, static_cast<long>(e.source().begin.line),
                      "TOML syntax error: " + std::string(e.description()));
    }
  }

  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    throw RuleError(file_, static_cast<long>(node.source().begin.line), what);
  }

  void check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                  const std::string& where) const {
    for (const auto& [key, value] : t) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(value, "unknown key '" + std::string(key.str()) + "' in " + where + " (allowed: " + list + ")");
      }
    }
  }

  const toml::table& table_at(const toml::table& parent, std::string_view key, const std::string& where) const {
    const toml::node* n = parent.get(key);
    if (!n) throw RuleError(file_, static_cast<long>(parent.source().begin.line),
                            "missing table [" + std::string(key) + "] in " + where);
    if (!n->is_table()) fail(*n, "'" + std::string(key) + "' must be a table");
    return *n->as_table();
  }

  std::string string_at(const toml::table& t, std::string_view key, const std::string& where,
                        bool required = true) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (!required) return {};
      throw RuleError(file_, static_cast<long>(t.source().begin.line),
                      "missing key '" + std::string(key) + "' in " + where);
    }
    if (!n->is_string()) fail(*n, "'" + std::string(key) + "' must be a string");
    return std::string(n->as_string()->get());
  }

  Pattern compile(const toml::node& node) const {
    if (!node.is_string()) fail(node, "a pattern must be a string");
    return Pattern::make(node.as_string()->get(), file_, static_cast<long>(node.source().begin.line));
  }

  // A key holding one pattern string or an array of them.
  std::vector<Pattern> patterns_at(const toml::table& t, std::string_view key, const std::string& where,
                                   bool required = true) const {
    std::vector<Pattern> out;
    const toml::node* n = t.get(key);
    if (!n) {
      if (required)
        throw RuleError(file_, static_cast<long>(t.source().begin.line),
                        "missing key '" + std::string(key) + "' in " + where);
      return out;
    }
    if (n->is_string()) {
      out.push_back(compile(*n));
    } else if (n->is_array()) {
      for (const auto& item : *n->as_array()) out.push_back(compile(item));
    } else {
      fail(*n, "'" + std::string(key) + "' must be a pattern string or an array of pattern strings");
    }
    return out;
  }

  const toml::array& array_of_tables(const toml::table& t, std::string_view key) const {
    static const toml::array empty;
    const toml::node* n = t.get(key);
    if (!n) return empty;
    if (!n->is_array_of_tables()) fail(*n, "'" + std::string(key) + "' must be an array of tables [[" +
                                               std::string(key) + "]]");
    return *n->as_array();
  }

  std::vector<NamedPatterns> named_list(const toml::table& root, std::string_view key) const {
    std::vector<NamedPatterns> out;
    for (const auto& item : array_of_tables(root, key)) {
      const auto& t = *item.as_table();
      std::string where = "[[" + std::string(key) + "]]";
      check_keys(t, {"name", "patterns", "keywords"}, where);
      NamedPatterns np{string_at(t, "name", where), patterns_at(t, "patterns", where), {}};
      if (np.name.empty()) fail(t, "empty 'name' in " + where);
      if (t.get("keywords")) {
        np.keywords = patterns_at(t, "keywords", where);
      } else {
        for (const auto& p : np.patterns)
          if (!p.source.starts_with('^')) np.keywords.push_back(p);
      }
      out.push_back(std::move(np));
    }
    return out;
  }

  SectionId section_of(const toml::node& id_node, const std::string& id) const {
    auto section = section_id_from_name(id);
    if (!section) {
      std::string list;
      for (const auto& [_, n] : kSectionNames) list += (list.empty() ? "" : ", ") + std::string(n);
      fail(id_node, "unknown section '" + id + "' (known: " + list + ")");
    }
    return *section;
  }

  HeadingRule heading_rule(const toml::table& t, const toml::node& id_node, const std::string& id,
                           const toml::node& pattern_node) const {
    (void)t;
    return HeadingRule{section_of(id_node, id), compile(pattern_node), {}};
  }

  void load_sections(RuleSet& rules) {
    toml::table root = parse(dir_ / "sections.toml");
    check_keys(root, {"letter", "section", "keyword", "subheadings", "boilerplate"}, "sections.toml");
    const auto& letter = table_at(root, "letter", "sections.toml");
    check_keys(letter, {"jtai", "introduction", "introduction_end", "no_priority_actions", "not_jtai", "salutation"},
               "[letter]");
    rules.salutation_ = patterns_at(letter, "salutation", "[letter]", false);
    rules.jtai_markers_ = patterns_at(letter, "jtai", "[letter]");
    rules.introduction_ = patterns_at(letter, "introduction", "[letter]", false);
    rules.introduction_end_ = patterns_at(letter, "introduction_end", "[letter]", false);
    rules.no_priority_actions_ = patterns_at(letter, "no_priority_actions", "[letter]", false);
    rules.not_jtai_markers_ = patterns_at(letter, "not_jtai", "[letter]", false);
    for (const auto& item : array_of_tables(root, "section")) {
      const auto& t = *item.as_table();
      check_keys(t, {"id", "headings"}, "[[section]]");
      std::string id = string_at(t, "id", "[[section]]");
      const toml::node* h = t.get("headings");
      if (!h) fail(t, "missing key 'headings' in [[section]] '" + id + "'");
      std::vector<const toml::node*> nodes;
      if (h->is_array()) {
        for (const auto& p : *h->as_array()) nodes.push_back(&p);
      } else {
        nodes.push_back(h);
      }
      for (const auto* p : nodes) rules.headings_.push_back(heading_rule(t, *t.get("id"), id, *p));
    }
    if (rules.headings_.empty()) throw RuleError(file_, 1, "no [[section]] heading rules");
    for (const auto& item : array_of_tables(root, "keyword")) {
      const auto& t = *item.as_table();
      check_keys(t, {"section", "words"}, "[[keyword]]");
      std::string id = string_at(t, "section", "[[keyword]]");
      const toml::node* w = t.get("words");
      if (!w) fail(t, "missing key 'words' in [[keyword]]");
      KeywordRule k{section_of(*t.get("section"), id), patterns_at(t, "words", "[[keyword]]"),
                    file_ + ":" + std::to_string(t.source().begin.line)};
      rules.heading_keywords_.push_back(std::move(k));
    }
    for (auto [key, list] : {std::pair{"subheadings", &rules.known_subheadings_},
                             std::pair{"boilerplate", &rules.boilerplate_}}) {
      if (!root.get(key)) continue;
      const auto& t = table_at(root, key, "sections.toml");
      check_keys(t, {"patterns"}, std::string("[") + key + "]");
      *list = patterns_at(t, "patterns", std::string("[") + key + "]", false);
    }
  }

  void load_themes(RuleSet& rules) {
    toml::table root = parse(dir_ / "themes.toml");
    check_keys(root, {"theme", "theme_phrase", "deep_dive", "inspectorate"}, "themes.toml");
    rules.themes_ = named_list(root, "theme");
    rules.inspectorates_ = named_list(root, "inspectorate");
    const auto& phrase = table_at(root, "theme_phrase", "themes.toml");
    check_keys(phrase, {"patterns", "focus", "without_area"}, "[theme_phrase]");
    rules.theme_phrase_ = patterns_at(phrase, "patterns", "[theme_phrase]");
    rules.theme_focus_ = patterns_at(phrase, "focus", "[theme_phrase]", false);
    rules.theme_without_area_ = patterns_at(phrase, "without_area", "[theme_phrase]", false);
    for (const auto* list : {&rules.theme_phrase_, &rules.theme_focus_, &rules.theme_without_area_})
      for (const auto& p : *list)
        if (capture_groups(p.compiled->regex()).count < 1)
          throw RuleError(p.file, p.line, "theme phrase pattern '" + p.source + "' needs a capturing group");
    if (root.get("deep_dive")) {
      const auto& dd = table_at(root, "deep_dive", "themes.toml");
      check_keys(dd, {"patterns"}, "[deep_dive]");
      rules.deep_dive_ = patterns_at(dd, "patterns", "[deep_dive]");
      for (const auto& p : rules.deep_dive_)
        if (capture_groups(p.compiled->regex()).count < 1)
          throw RuleError(p.file, p.line, "deep dive pattern '" + p.source + "' needs a capturing group");
    }
  }

  void check_groups(const Pattern& p, std::initializer_list<std::string> required,
                    std::initializer_list<std::string> optional) const {
    const std::vector<std::string> names = capture_groups(p.compiled->regex()).names;
    for (const auto& r : required)
      if (std::find(names.begin(), names.end(), r) == names.end())
        throw RuleError(p.file, p.line, "pattern '" + p.source + "' needs a named group (?P<" + r + ">...)");
    for (const auto& name : names)
      if (std::find(required.begin(), required.end(), name) == required.end() &&
          std::find(optional.begin(), optional.end(), name) == optional.end())
        throw RuleError(p.file, p.line, "pattern '" + p.source + "' has unknown group name '" + name + "'");
  }

  void load_dates(RuleSet& rules) {
    toml::table root = parse(dir_ / "dates.toml");
    check_keys(root, {"letter_date", "fieldwork"}, "dates.toml");
    const auto& ld = table_at(root, "letter_date", "dates.toml");
    check_keys(ld, {"patterns"}, "[letter_date]");
    rules.letter_date_ = patterns_at(ld, "patterns", "[letter_date]");
    for (const auto& p : rules.letter_date_) check_groups(p, {"day", "month", "year"}, {});
    const auto& fw = table_at(root, "fieldwork", "dates.toml");
    check_keys(fw, {"patterns", "week_patterns", "week_days"}, "[fieldwork]");
    rules.fieldwork_dates_ = patterns_at(fw, "patterns", "[fieldwork]");
    for (const auto& p : rules.fieldwork_dates_)
      check_groups(p, {"end_day", "end_month"}, {"end_year", "start_day", "start_month", "start_year"});
    rules.fieldwork_week_ = patterns_at(fw, "week_patterns", "[fieldwork]", false);
    for (const auto& p : rules.fieldwork_week_) check_groups(p, {"start_day", "start_month"}, {"start_year"});
    if (const toml::node* n = fw.get("week_days")) {
      auto days = n->value<int64_t>();
      if (!n->is_integer() || !days || *days < 1 || *days > 14) fail(*n, "'week_days' must be an integer from 1 to 14");
      rules.fieldwork_week_days_ = static_cast<int>(*days);
    }
  }

  static std::string iso(const toml::date& d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d.year), static_cast<int>(d.month),
                  static_cast<int>(d.day));
    return buf;
  }

  void load_rounds(RuleSet& rules) {
    toml::table root = parse(dir_ / "rounds.toml");
    check_keys(root, {"round"}, "rounds.toml");
    std::set<std::string> ids;
    for (const auto& item : array_of_tables(root, "round")) {
      const auto& t = *item.as_table();
      const std::string where = "[[round]]";
      check_keys(t, {"id", "name", "theme", "title_theme", "fieldwork", "sections", "source", "letters"}, where);
      Round r;
      r.where = file_ + ":" + std::to_string(t.source().begin.line);
      r.id = string_at(t, "id", where);
      if (r.id.empty() || !ids.insert(r.id).second) fail(*t.get("id"), "round id '" + r.id + "' is empty or used twice");
      r.name = string_at(t, "name", where);
      r.source = string_at(t, "source", where);
      r.theme = string_at(t, "theme", where);
      auto known_theme = [&](const std::string& name) {
        return std::any_of(rules.themes_.begin(), rules.themes_.end(), [&](const auto& th) { return th.name == name; });
      };
      if (!known_theme(r.theme)) fail(*t.get("theme"), "theme '" + r.theme + "' is not a [[theme]] name in themes.toml");
      if (t.get("title_theme")) {
        r.title_theme = string_at(t, "title_theme", where);
        if (!known_theme(*r.title_theme))
          fail(*t.get("title_theme"), "title_theme '" + *r.title_theme + "' is not a [[theme]] name in themes.toml");
      }
      const toml::node* fw = t.get("fieldwork");
      if (!fw) fail(t, "missing key 'fieldwork' in [[round]] '" + r.id + "'");
      const toml::array* span = fw->as_array();
      if (!span || span->size() != 2 || !(*span)[0].is_date() || !(*span)[1].is_date())
        fail(*fw, "'fieldwork' must be [first-date, last-date], e.g. [2016-02-01, 2016-07-31]");
      r.fieldwork_from = iso((*span)[0].as_date()->get());
      r.fieldwork_to = iso((*span)[1].as_date()->get());
      if (r.fieldwork_to < r.fieldwork_from) fail(*fw, "'fieldwork' ends before it starts");
      if (const toml::node* secs = t.get("sections")) {
        if (!secs->is_array()) fail(*secs, "'sections' must be an array of section names");
        for (const auto& s : *secs->as_array()) {
          auto name = s.value<std::string>();
          if (name && *name == "case_studies") {
            r.expects_case_studies = true;
            continue;
          }
          auto id = name ? section_id_from_name(*name) : std::nullopt;
          if (!id || (*id != SectionId::improvements && *id != SectionId::strengths && *id != SectionId::priority_actions))
            fail(s, "'sections' entries must be improvements, strengths, priority_actions or case_studies");
          r.sections.push_back(*id);
        }
      }
      if (const toml::node* letters = t.get("letters")) {
        if (!letters->is_array()) fail(*letters, "'letters' must be an array of strings");
        for (const auto& l : *letters->as_array()) {
          if (!l.is_string()) fail(l, "'letters' must be an array of strings");
          r.letters.push_back(l.as_string()->get());
        }
      }
      rules.rounds_.push_back(std::move(r));
    }
    if (rules.rounds_.empty()) throw RuleError(file_, 1, "no [[round]] entries");
  }

  void load_authority(RuleSet& rules, const fs::path& path) {
    toml::table root = parse(path);
    AuthorityOverride a;
    a.file = file_;
    std::string stem = path.stem().string();
    size_t digits = 0;
    while (digits < stem.size() && std::isdigit(static_cast<unsigned char>(stem[digits]))) ++digits;
    if (digits == 0 || (digits < stem.size() && stem[digits] != '-'))
      throw RuleError(file_, 1, "override file name must be <urn>-<slug>.toml");
    a.urn = std::stoi(stem.substr(0, digits));
    check_keys(root, {"urn", "heading", "fixup", "pin"}, file_);
    if (const toml::node* urn = root.get("urn")) {
      if (!urn->is_integer()) fail(*urn, "'urn' must be an integer");
      if (urn->as_integer()->get() != a.urn)
        fail(*urn, "'urn' does not match the file name's URN " + std::to_string(a.urn));
    }
    for (const auto& item : array_of_tables(root, "heading")) {
      const auto& t = *item.as_table();
      check_keys(t, {"section", "pattern", "reason"}, "[[heading]]");
      std::string id = string_at(t, "section", "[[heading]]");
      const toml::node* p = t.get("pattern");
      if (!p) fail(t, "missing key 'pattern' in [[heading]]");
      a.headings.push_back(heading_rule(t, *t.get("section"), id, *p));
      if (t.get("reason")) a.headings.back().reason = string_at(t, "reason", "[[heading]]");
    }
    for (const auto& item : array_of_tables(root, "fixup")) {
      const auto& t = *item.as_table();
      check_keys(t, {"pattern", "replacement", "reason"}, "[[fixup]]");
      const toml::node* p = t.get("pattern");
      if (!p) fail(t, "missing key 'pattern' in [[fixup]]");
      FixUp f{compile(*p), string_at(t, "replacement", "[[fixup]]"),
              t.get("reason") ? string_at(t, "reason", "[[fixup]]") : std::string()};
      std::string error;
      if (!f.pattern.re().CheckRewriteString(f.replacement, &error))
        fail(*t.get("replacement"), "bad replacement '" + f.replacement + "' for pattern '" +
                                         f.pattern.source + "': " + error);
      a.fixups.push_back(std::move(f));
    }
    for (const auto& item : array_of_tables(root, "pin")) {
      const auto& t = *item.as_table();
      check_keys(t, {"field", "value", "reason"}, "[[pin]]");
      PinnedField pin;
      pin.field = string_at(t, "field", "[[pin]]");
      if (!kPinnable.count(pin.field)) fail(*t.get("field"), "field '" + pin.field + "' cannot be pinned");
      pin.reason = string_at(t, "reason", "[[pin]]");
      if (trim_copy(pin.reason).empty()) fail(*t.get("reason"), "a pinned field needs a stated 'reason'");
      const toml::node* v = t.get("value");
      if (!v) fail(t, "missing key 'value' in [[pin]]");
      pin.value = to_json(*v, pin.field);
      pin.where = file_ + ":" + std::to_string(t.source().begin.line);
      a.pins.push_back(std::move(pin));
    }
    if (rules.authorities_.count(a.urn))
      throw RuleError(file_, 1, "a second override file for URN " + std::to_string(a.urn) + " (first: " +
                                    rules.authorities_[a.urn].file + ")");
    rules.authorities_[a.urn] = std::move(a);
  }

  static std::string trim_copy(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b);
  }

  nlohmann::json to_json(const toml::node& v, const std::string& field) const {
    bool list = field == "inspectorates" || field == "priority_actions" || field == "improvements" ||
                field == "strengths";
    if (field == "no_priority_actions") {
      if (!v.is_boolean()) fail(v, "'value' for no_priority_actions must be true or false");
      return v.as_boolean()->get();
    }
    if (list) {
      if (!v.is_array()) fail(v, "'value' for " + field + " must be an array of strings");
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& e : *v.as_array()) {
        if (!e.is_string()) fail(e, "'value' for " + field + " must be an array of strings");
        arr.push_back(e.as_string()->get());
      }
      return arr;
    }
    if (!v.is_string()) fail(v, "'value' for " + field + " must be a string (\"\" for none)");
    std::string s = v.as_string()->get();
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  }

  fs::path dir_;
  std::string file_;
};

RuleSet RuleSet::load(const fs::path& rules_dir) { return RuleLoader(rules_dir).load(); }

const AuthorityOverride* RuleSet::authority(int urn) const {
  auto it = authorities_.find(urn);
  return it == authorities_.end() ? nullptr : &it->second;
}

}  // namespace jtai::extract

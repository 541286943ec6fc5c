// Loading rule files: versions, errors naming file and line, authority overrides.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <algorithm>
#include <functional>
#include <toml++/toml.h>

#include "common/error.hpp"
#include "common/files.hpp"
#include "extract/extractor.hpp"
#include "tests/extract/fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai::extract;
using jtai::test::copy_rules;
using jtai::test::LayoutBuilder;
using jtai::test::TempDir;
using jtai::test::write_text;

namespace {
using jtai::test::edit;

// Loads and returns the RuleError message (fails the test when none is thrown).
std::string rule_error(const std::filesystem::path& dir, long* line = nullptr, std::string* file = nullptr) {
  try {
    RuleSet::load(dir);
  } catch (const jtai::RuleError& e) {
    if (line) *line = e.line();
    if (file) *file = e.file();
    return e.what();
  }
  FAIL("no RuleError thrown");
  return {};
}
}  // namespace

TEST_CASE("the repository's rules load") {
  RuleSet r = RuleSet::load(jtai::test::rules_dir());
  CHECK(r.version().size() == 64);
  CHECK(r.themes().size() >= 12);
  CHECK_FALSE(r.headings().empty());
}

TEST_CASE("the version changes with every extraction rule file and ignores the crawler's files") {
  TempDir tmp;
  copy_rules(tmp.path());
  std::string v1 = RuleSet::load(tmp.path()).version();
  CHECK(RuleSet::load(tmp.path()).version() == v1);
  write_text(tmp.path() / "site.toml", "# the crawler's file, not read by the extractor\n[[[not even toml\n");
  write_text(tmp.path() / "authority_table.toml", "# the authority table\n");
  write_text(tmp.path() / "authorities" / "README.md", "notes\n");
  CHECK(RuleSet::load(tmp.path()).version() == v1);
  edit(tmp.path() / "themes.toml", "patterns = ['neglect']", "patterns = ['neglect', 'neglected']");
  std::string v2 = RuleSet::load(tmp.path()).version();
  CHECK(v2 != v1);
  write_text(tmp.path() / "authorities" / "80426-barnsley.toml", "urn = 80426\n");
  std::string v3 = RuleSet::load(tmp.path()).version();
  CHECK(v3 != v2);
  edit(tmp.path() / "dates.toml", "[letter_date]", "# a comment\n[letter_date]");
  std::string v4 = RuleSet::load(tmp.path()).version();
  CHECK(v4 != v3);
  edit(tmp.path() / "rounds.toml", "[[round]]", "# a comment\n[[round]]");
  CHECK(RuleSet::load(tmp.path()).version() != v4);
}

TEST_CASE("rounds.toml: loaded, and its mistakes name file and line") {
  RuleSet r = RuleSet::load(jtai::test::rules_dir());
  REQUIRE(r.rounds().size() >= 13);
  CHECK(r.rounds().front().id == "2016-cse-missing");
  CHECK(r.rounds().front().fieldwork_from == "2016-02-01");
  CHECK(r.rounds().front().title_theme == "abuse and neglect");
  auto broken = [](const std::string& from, const std::string& to, const std::string& expected) {
    TempDir tmp;
    copy_rules(tmp.path());
    edit(tmp.path() / "rounds.toml", from, to);
    long line = 0;
    std::string msg = rule_error(tmp.path(), &line);
    INFO(msg);
    CHECK(msg.find("rounds.toml:") == 0);
    CHECK(line > 1);
    CHECK(msg.find(expected) != std::string::npos);
  };
  broken("theme = \"neglect\"", "theme = \"neglected children\"", "not a [[theme]] name");
  broken("fieldwork = [2016-02-01, 2016-08-31]", "fieldwork = [2016-08-31, 2016-02-01]", "ends before it starts");
  broken("fieldwork = [2016-02-01, 2016-08-31]", "fieldwork = ['February 2016']", "'fieldwork' must be");
  broken("id = \"2017-neglect\"", "id = \"2016-cse-missing\"", "used twice");
  broken("sections = [\"improvements\", \"strengths\"]", "sections = [\"strenghts\"]", "'sections' entries");
  broken("letters = []", "letters = []\nyear = 2025", "unknown key 'year'");
}

TEST_CASE("a TOML syntax error names file and line") {
  TempDir tmp;
  copy_rules(tmp.path());
  write_text(tmp.path() / "dates.toml", "# comment\n[letter_date]\npatterns = ['a'\n");
  long line = 0;
  std::string file;
  std::string msg = rule_error(tmp.path(), &line, &file);
  CHECK(file == "dates.toml");
  CHECK(line >= 3);
  CHECK(msg.find("dates.toml:") == 0);
  CHECK(msg.find("TOML syntax error") != std::string::npos);
}

TEST_CASE("a bad RE2 pattern names file, line and the pattern") {
  TempDir tmp;
  copy_rules(tmp.path());
  write_text(tmp.path() / "dates.toml",
             "[letter_date]\npatterns = [\n  '(?P<day>\\d+) (?P<month>\\w+) (?P<year>\\d{4})',\n"
             "  '(?P<day>\\d+ (unclosed',\n]\n[fieldwork]\npatterns = ['(?P<end_day>1) (?P<end_month>May)']\n");
  long line = 0;
  std::string msg = rule_error(tmp.path(), &line);
  CHECK(line == 4);
  CHECK(msg.find("dates.toml:4:") == 0);
  CHECK(msg.find("'(?P<day>\\d+ (unclosed'") != std::string::npos);
  CHECK(msg.find("missing )") != std::string::npos);
}

TEST_CASE("unknown keys, wrong types and unknown sections are errors, not ignored") {
  TempDir tmp;
  copy_rules(tmp.path());
  edit(tmp.path() / "sections.toml", "[[section]]\nid = \"headline_findings\"",
       "[[section]]\nid = \"headline_findings\"\nheading = ['typo: singular key']");
  std::string msg = rule_error(tmp.path());
  CHECK(msg.find("unknown key 'heading'") != std::string::npos);

  copy_rules(tmp.path() / "b");
  edit(tmp.path() / "b" / "sections.toml", "id = \"next_steps\"", "id = \"next_stepz\"");
  msg = rule_error(tmp.path() / "b");
  CHECK(msg.find("unknown section 'next_stepz'") != std::string::npos);
  CHECK(msg.find("sections.toml:") == 0);

  copy_rules(tmp.path() / "c");
  edit(tmp.path() / "c" / "themes.toml", "name = \"neglect\"", "name = 12");
  msg = rule_error(tmp.path() / "c");
  CHECK(msg.find("'name' must be a string") != std::string::npos);

  copy_rules(tmp.path() / "d");
  std::filesystem::remove(tmp.path() / "d" / "themes.toml");
  msg = rule_error(tmp.path() / "d");
  CHECK(msg.find("themes.toml") != std::string::npos);
  CHECK(msg.find("missing") != std::string::npos);
}

TEST_CASE("date patterns must have the named groups the extractor reads") {
  TempDir tmp;
  copy_rules(tmp.path());
  write_text(tmp.path() / "dates.toml",
             "[letter_date]\npatterns = ['(\\d+) (\\w+) (\\d{4})']\n[fieldwork]\npatterns = ['x(?P<end_day>1)']\n");
  std::string msg = rule_error(tmp.path());
  CHECK(msg.find("dates.toml:2:") == 0);
  CHECK(msg.find("(?P<day>") != std::string::npos);
}

TEST_CASE("capturing groups read from a pattern's text are RE2's, for every rule pattern and tricky syntax") {
  auto re2_names = [](const std::string& regex) {
    RE2 re(regex);
    REQUIRE_MESSAGE(re.ok(), regex);
    std::vector<std::pair<int, std::string>> by_index;
    for (const auto& [name, index] : re.NamedCapturingGroups()) by_index.emplace_back(index, name);
    std::sort(by_index.begin(), by_index.end());
    std::vector<std::string> names;
    for (const auto& [index, name] : by_index) names.push_back(name);
    return names;
  };
  std::vector<std::string> regexes = {
      R"((?P<a>x)(?P<b>y(?P<c>z)))",
      R"(\(?P<x>a\)(?P<real>b))",           // escaped parentheses are not a group
      R"([(?P<x>a)](?P<after_class>b))",     // nor is a "(?P<" inside a class
      R"([]a(?P<x>](?P<after_bracket>b))",   // ']' first in a class is literal
      R"([^]a(](?P<negated>b))",
      R"([[:alpha:](?P<x>](?P<posix>b))",    // a POSIX class inside a class
      R"(\Q(?P<x>a)\E(?P<quoted>b))",        // \Q...\E quotes
      R"((?i)(?P<day>\d{1,2})\x{28}(?:st|nd)?(?P<month>[A-Za-z]{3,9}))",
      R"(\[(?P<after_escaped_bracket>b)\])",
      R"((a)(?:b)(c(d))[(](?i:e))",           // unnamed groups count; (?:...) and (?i:...) do not
      "no groups at all",
  };
  // Every string in the rule files that RE2 accepts: each pattern, and names that read as patterns.
  std::function<void(const toml::node&)> collect = [&](const toml::node& node) {
    if (const auto* str = node.as_string()) {
      if (RE2(str->get(), RE2::Quiet).ok()) regexes.push_back(str->get());
    } else if (const auto* array = node.as_array()) {
      for (const auto& item : *array) collect(item);
    } else if (const auto* table = node.as_table()) {
      for (const auto& [key, value] : *table) collect(value);
    }
  };
  for (const auto& entry : std::filesystem::recursive_directory_iterator(jtai::test::rules_dir()))
    if (entry.path().extension() == ".toml") collect(toml::parse_file(entry.path().string()));
  CHECK(regexes.size() > 1000);
  size_t with_names = 0, with_groups = 0;
  for (const auto& regex : regexes) {
    CAPTURE(regex);
    auto expected = re2_names(regex);
    with_names += expected.empty() ? 0 : 1;
    const CaptureGroups groups = capture_groups(regex);
    CHECK(groups.names == expected);
    const int count = RE2(regex).NumberOfCapturingGroups();
    with_groups += count > 0 ? 1 : 0;
    CHECK(groups.count == count);
  }
  CHECK(with_names >= 8);
  CHECK(with_groups >= 30);
}

TEST_CASE("authority override files: name, keys, pins need a reason") {
  TempDir tmp;
  copy_rules(tmp.path());
  write_text(tmp.path() / "authorities" / "anytown.toml", "");
  CHECK(rule_error(tmp.path()).find("<urn>-<slug>.toml") != std::string::npos);
  std::filesystem::remove(tmp.path() / "authorities" / "anytown.toml");

  write_text(tmp.path() / "authorities" / "12345-anytown.toml",
             "[[pin]]\nfield = \"inspection_start\"\nvalue = \"2017-03-21\"\nreason = \"\"\n");
  long line = 0;
  std::string msg = rule_error(tmp.path(), &line);
  CHECK(msg.find("authorities/12345-anytown.toml:") == 0);
  CHECK(msg.find("reason") != std::string::npos);
  CHECK(line == 4);

  write_text(tmp.path() / "authorities" / "12345-anytown.toml",
             "[[fixup]]\npattern = 'a(b'\nreplacement = 'x'\n");
  msg = rule_error(tmp.path(), &line);
  CHECK(line == 2);
  CHECK(msg.find("'a(b'") != std::string::npos);

  write_text(tmp.path() / "authorities" / "12345-anytown.toml",
             "[[fixup]]\npattern = 'a(b)'\nreplacement = '\\2'\n");
  msg = rule_error(tmp.path(), &line);
  CHECK(line == 3);
  CHECK(msg.find("bad replacement") != std::string::npos);
}

TEST_CASE("an override adds heading aliases, fixes text before sectioning and pins fields") {
  TempDir tmp;
  copy_rules(tmp.path());
  write_text(tmp.path() / "authorities" / "12345-anytown.toml",
             "urn = 12345\n"
             "[[heading]]\nsection = \"improvements\"\npattern = 'things to work on'\n"
             "[[fixup]]\npattern = 'Between 16 May and 20 Mya'\nreplacement = 'Between 16 May and 20 May 2016'\n"
             "[[pin]]\nfield = \"theme\"\nvalue = \"neglect\"\nreason = \"the letter names no theme\"\n");
  RuleSet rules = RuleSet::load(tmp.path());
  REQUIRE(rules.authority(12345));
  LayoutBuilder b;
  b.bold("Joint targeted area inspection of Anytown").gap()
      .text("Between 16 May and 20 Mya, Ofsted and the Care Quality Commission (CQC) inspected.").gap()
      .bold("Things to work on").gap()
      .bullet("Recording.");
  Report with = extract_report(b.build(), rules, 12345);
  CHECK(jtai::extract::texts(with.improvements) == std::vector<std::string>{"Recording."});
  CHECK(with.inspection_start == "2016-05-16");
  CHECK(with.theme == "neglect");
  Report without = extract_report(b.build(), rules, std::nullopt);
  CHECK(without.improvements.empty());
  CHECK_FALSE(without.inspection_start);
  CHECK_FALSE(without.theme);
}

TEST_CASE("patterns are checked at load and compiled on first use") {
  RuleSet r = RuleSet::load(jtai::test::rules_dir());
  // Date patterns too: their named groups are checked without compiling them.
  for (const auto* dates : {&r.letter_date(), &r.fieldwork_dates(), &r.fieldwork_week()})
    for (const Pattern& d : *dates) CHECK_FALSE(d.compiled->compiled());
  const Pattern& p = r.boilerplate().front();
  CHECK_FALSE(p.compiled->compiled());
  CHECK(p.search("Yours sincerely,"));
  CHECK(p.compiled->compiled());
  // Copies share the compiled RE2.
  RuleSet copy = r;
  CHECK(copy.boilerplate().front().compiled->compiled());
  CHECK_FALSE(copy.boilerplate().back().compiled->compiled());
}

TEST_CASE("a pattern too large for RE2 names file and line: at load when it has a large bound, else on first use") {
  TempDir tmp;
  copy_rules(tmp.path());
  edit(tmp.path() / "sections.toml", "  'yours sincerely,?',\n", "  'yours sincerely,?',\n  '\\pL{1000}',\n");
  long line = 0;
  std::string msg = rule_error(tmp.path(), &line);
  CHECK(line == 189);
  CHECK(msg.find("sections.toml:189: bad RE2 pattern '\\pL{1000}': pattern too large") == 0);

  TempDir tmp2;
  copy_rules(tmp2.path());
  std::string big;
  for (int i = 0; i < 20; ++i) big += "\\pL{99}";
  edit(tmp2.path() / "sections.toml", "  'yours sincerely,?',\n", "  'yours sincerely,?',\n  '" + big + "',\n");
  RuleSet r = RuleSet::load(tmp2.path());
  const Pattern& p = r.boilerplate()[1];
  REQUIRE(p.source == big);
  try {
    p.search("text");
    FAIL("no RuleError thrown");
  } catch (const jtai::RuleError& e) {
    CHECK(e.line() == 189);
    CHECK(std::string(e.what()).find("sections.toml:189: bad RE2 pattern '" + big + "': pattern too large") == 0);
  }
}

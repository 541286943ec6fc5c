// rules/agencies.toml: the agency of an item's subheading and the agencies its text mentions.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "common/error.hpp"
#include "common/files.hpp"
#include "extract/agencies.hpp"
#include "extract/extractor.hpp"
#include "tests/extract/fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai::extract;
using jtai::test::copy_rules;
using jtai::test::TempDir;
using jtai::test::write_text;
using Names = std::vector<std::string>;

namespace {
const AgencyRules& repo_rules() {
  return jtai::test::shipped_rules().agencies();
}

Names in(const std::string& text) { return repo_rules().agencies_in(text); }

using jtai::test::edit;

std::string agency_error(const std::filesystem::path& dir, long* line = nullptr) {
  try {
    RuleSet::load(dir);
  } catch (const jtai::RuleError& e) {
    if (line) *line = e.line();
    return e.what();
  }
  FAIL("no RuleError thrown");
  return {};
}
// The rules applied as written, one pattern at a time (what agencies_in did
// before it used RE2::Sets): the reference the sets must agree with.
Names reference_agencies_in(const AgencyRules& rules, const std::string& text) {
  const std::string t = straighten_apostrophes(text);
  auto matches = [&](const Pattern& p) {
    std::vector<std::pair<size_t, size_t>> out;
    re2::StringPiece whole(t), m;
    size_t pos = 0;
    while (pos <= t.size() && p.re().Match(whole, pos, t.size(), RE2::UNANCHORED, &m, 1)) {
      size_t b = static_cast<size_t>(m.data() - t.data()), e = b + m.size();
      out.emplace_back(b, e);
      pos = e > b ? e : e + 1;
    }
    return out;
  };
  Names out;
  for (const auto& a : rules.agencies()) {
    std::vector<std::pair<size_t, size_t>> excluded;
    for (const auto& x : a.exclusions)
      for (auto r : matches(x)) excluded.push_back(r);
    bool found = false;
    for (const auto& p : a.mentions)
      for (auto [b, e] : matches(p))
        found = found || std::none_of(excluded.begin(), excluded.end(),
                                      [&](const auto& x) { return x.first <= b && e <= x.second; });
    if (found) out.push_back(a.name);
  }
  return out;
}

std::optional<std::string> reference_subheading(const AgencyRules& rules, const std::string& subheading) {
  std::string s = straighten_apostrophes(subheading);
  auto begin = s.find_first_not_of(" \t\r\n");
  auto end = s.find_last_not_of(" \t\r\n:.;");
  if (begin == std::string::npos || end == std::string::npos || end < begin) return std::nullopt;
  s = s.substr(begin, end - begin + 1);
  for (const auto& a : rules.agencies())
    for (const auto& p : a.subheadings)
      if (p.full_match(s)) return a.name;
  return std::nullopt;
}
}  // namespace

TEST_CASE("the repository's agency rules name the partnership's agencies in a fixed order") {
  Names names;
  for (const auto& a : repo_rules().agencies()) names.push_back(a.name);
  CHECK(names == Names{"police", "health", "children's social care", "education", "probation", "youth justice",
                       "safeguarding partnership", "housing", "Cafcass", "voluntary sector"});
}

TEST_CASE("word boundaries: police in policies, force in workforce do not count") {
  CHECK(in("Policies and procedures are not updated, and the policy on missing children is out of date.").empty());
  CHECK(in("The workforce is stable and well trained.").empty());
  CHECK(in("The police respond quickly.") == Names{"police"});
  CHECK(in("Neighbourhood policing teams know the children.") == Names{"police"});
  CHECK(in("Officers across the force use the risk tool well.") == Names{"police"});
  CHECK(in("Constabulary leaders attend the board.") == Names{"police"});
  CHECK(in("A multi-agency task force meets weekly.").empty());
}

TEST_CASE("the lexicon finds several agencies, each once, in rule-file order") {
  CHECK(in("Schools, GPs, social workers and police officers share information well; the police share it twice.") ==
        Names{"police", "health", "children's social care", "education"});
  CHECK(in("The YOT and the CRC work with housing and Cafcass, and with the LSCB and voluntary sector partners.") ==
        Names{"probation", "youth justice", "safeguarding partnership", "housing", "Cafcass", "voluntary sector"});
  CHECK(in("Health visitors, school nurses, midwives and CAMHS staff attend strategy meetings at the hospital.") ==
        Names{"health"});
  CHECK(in("The ICB and the CCG commission NHS trusts.") == Names{"health"});
  CHECK(in("The local safeguarding children partnership (LSCP) has a clear plan.") ==
        Names{"safeguarding partnership"});
  CHECK(in("The youth offending service and the National Probation Service share plans.") ==
        Names{"probation", "youth justice"});
  CHECK(in("Children’s social care managers oversee the work.") == Names{"children's social care"});
  CHECK(in("Children wait too long.").empty());
  // Wordings met in the corpus review: a named board's initials, sexual health and substance misuse staff.
  CHECK(in("The BSCB and the Bristol Safeguarding Children Shadow Board hear children.") ==
        Names{"safeguarding partnership"});
  CHECK(in("Sexual health staff had not attended, nor had adult substance misuse services.") == Names{"health"});
}

TEST_CASE("`not` wordings: a mention inside them does not count, a longer mention still does") {
  CHECK(in("School nurses see children weekly.") == Names{"health"});  // not education
  CHECK(in("Children's mental health needs are not always met.").empty());
  CHECK(in("Adult mental health services do not always consider the children.") == Names{"health"});
  CHECK(in("Children with education, health and care plans wait too long.").empty());
  CHECK(in("Children with education, health and care plans are seen by school nurses.") == Names{"health"});
  CHECK(in("Adult social care practitioners are not invited.").empty());
}

TEST_CASE("the subheading's agency is exact: the whole subheading must match") {
  const auto& r = repo_rules();
  CHECK(r.agency_of_subheading("Police") == "police");
  CHECK(r.agency_of_subheading("  Health partners: ") == "health");
  CHECK(r.agency_of_subheading("Children’s social care") == "children's social care");
  CHECK(r.agency_of_subheading("Youth offending service") == "youth justice");
  CHECK(r.agency_of_subheading("Leadership") == std::nullopt);
  CHECK(r.agency_of_subheading("Police and health") == std::nullopt);
  CHECK(r.agency_of_subheading("") == std::nullopt);
}

TEST_CASE("a user's spelling of an agency resolves to its name in the rules") {
  const auto& r = repo_rules();
  CHECK(r.canonical_name("Children’s Social Care") == "children's social care");
  CHECK(r.canonical_name("cafcass") == "Cafcass");
  CHECK(r.canonical_name("POLICE") == "police");
  CHECK(r.canonical_name("fire service") == std::nullopt);
}

TEST_CASE("a maintainer adds an alias without code; the rules version changes") {
  TempDir tmp;
  copy_rules(tmp.path());
  std::string v1 = RuleSet::load(tmp.path()).version();
  const std::string text = "The independent domestic violence advisers are skilled.";
  CHECK(RuleSet::load(tmp.path()).agencies().agencies_in(text).empty());
  edit(tmp.path() / "agencies.toml", "\"third sector\",", "\"third sector\",\n  \"independent domestic violence advisers?\",");
  auto r2 = RuleSet::load(tmp.path());
  CHECK(r2.version() != v1);
  CHECK(r2.agencies().agencies_in(text) == Names{"voluntary sector"});
}

TEST_CASE("agency rule mistakes name file and line") {
  TempDir tmp;
  copy_rules(tmp.path());
  write_text(tmp.path() / "agencies.toml",
             "[[agency]]\nname = \"police\"\npatterns = [\n  \"police\",\n  \"(unclosed\",\n]\n");
  long line = 0;
  std::string msg = agency_error(tmp.path(), &line);
  CHECK(line == 5);
  CHECK(msg.find("agencies.toml:5:") == 0);
  CHECK(msg.find("'(unclosed'") != std::string::npos);

  // A subheading (matched whole) and a `not` wording are parsed into their own sets: same errors.
  write_text(tmp.path() / "agencies.toml",
             "[[agency]]\nname = \"police\"\nsubheadings = [\"police\", \"[z-a]\"]\npatterns = [\"police\"]\n");
  msg = agency_error(tmp.path(), &line);
  CHECK(line == 3);
  CHECK(msg.find("agencies.toml:3: bad RE2 pattern '[z-a]': invalid character class range") == 0);
  write_text(tmp.path() / "agencies.toml",
             "[[agency]]\nname = \"police\"\npatterns = [\"police\"]\nnot = [\n  \"a\",\n  \"b**\",\n]\n");
  msg = agency_error(tmp.path(), &line);
  CHECK(line == 6);
  CHECK(msg.find("agencies.toml:6: bad RE2 pattern 'b**': bad repetition operator") == 0);

  write_text(tmp.path() / "agencies.toml", "[[agency]]\nname = \"police\"\npatterns = [\"police\"]\nalias = [\"x\"]\n");
  msg = agency_error(tmp.path(), &line);
  CHECK(line == 4);
  CHECK(msg.find("unknown key 'alias'") != std::string::npos);

  write_text(tmp.path() / "agencies.toml",
             "[[agency]]\nname = \"police\"\npatterns = [\"police\"]\n\n[[agency]]\nname = \"Police\"\npatterns = [\"x\"]\n");
  msg = agency_error(tmp.path(), &line);
  CHECK(line == 6);
  CHECK(msg.find("defined twice") != std::string::npos);

  write_text(tmp.path() / "agencies.toml", "[[agency]]\nname = \"police\"\n");
  msg = agency_error(tmp.path());
  CHECK(msg.find("missing key 'patterns'") != std::string::npos);

  write_text(tmp.path() / "agencies.toml", "[[agency]]\nname = \"police\"\npatterns = [\"police\"\n");
  msg = agency_error(tmp.path(), &line);
  CHECK(msg.find("agencies.toml:") == 0);
  CHECK(msg.find("TOML syntax error") != std::string::npos);

  std::filesystem::remove(tmp.path() / "agencies.toml");
  msg = agency_error(tmp.path());
  CHECK(msg.find("agencies.toml") != std::string::npos);
  CHECK(msg.find("missing") != std::string::npos);
}

TEST_CASE("pattern sets find the same agencies as trying each pattern in turn: tricky wordings") {
  REQUIRE(repo_rules().uses_pattern_sets());
  const std::vector<std::string> texts = {
      "",
      "Policies and the policy on policing.",
      "School nurses and the school meet; school nurses only.",
      "school nurses",
      "The joint forces and the armed force came into force; the force itself responds.",
      "joint forces",
      "Children's mental health is poor, but mental health services respond well.",
      "Children’s mental health needs; adult mental health services; good health and wellbeing.",
      "Children with education, health and care plans; education, health and care needs assessments.",
      "The health and safety team, the health and wellbeing board and health visitors.",
      "Adult social care and adult social work; social workers visit.",
      "The BSCB, the LSCP and the Bristol Safeguarding Children Shadow Board.",
      "Pre-school children, school-age children and school holidays; the virtual school head.",
      "Voluntary and community sector groups, third sector partners and charities.",
      "Sexual health staff, sexual health nurses; substance misuse services for young people's needs.",
      "A&E and the emergency department; paediatricians and midwives; GP practices.",
      "The police and crime commissioner, the constabulary and PCSOs in the workforce.",
      "The YOT, YOS and YJS; CRCs; national probation service offender managers.",
      "Cafcass guardians; homelessness services; housing officers.",
      "health health health mental health mental health",
      "forceforce force-force (force) force.",
      "SCHOOL NURSES, POLICE, Health Visitors",
      "ſchool nurses and the ſchool; Kafcass",  // Unicode case folding: long s, Kelvin sign
  };
  for (const auto& t : texts) {
    CAPTURE(t);
    CHECK(repo_rules().agencies_in(t) == reference_agencies_in(repo_rules(), t));
  }
}

TEST_CASE("pattern sets find the same agencies and subheading agencies as each pattern: every golden letter") {
  size_t texts = 0, subheadings = 0;
  for (const auto& e : std::filesystem::directory_iterator(jtai::test::source_dir() / "tests" / "golden")) {
    if (e.path().extension() != ".json") continue;
    auto j = nlohmann::json::parse(jtai::read_file(e.path()));
    std::vector<std::string> all;
    if (j.contains("headline_findings") && j["headline_findings"].is_string()) all.push_back(j["headline_findings"]);
    for (const char* list : {"priority_actions", "improvements", "strengths", "case_studies"})
      if (j.contains(list))
        for (const auto& item : j[list]) {
          if (item.contains("text")) all.push_back(item["text"]);
          if (item.contains("subheading") && item["subheading"].is_string()) {
            std::string sub = item["subheading"];
            CAPTURE(sub);
            CHECK(repo_rules().agency_of_subheading(sub) == reference_subheading(repo_rules(), sub));
            ++subheadings;
          }
        }
    for (const auto& t : all) {
      CAPTURE(t);
      CHECK(repo_rules().agencies_in(t) == reference_agencies_in(repo_rules(), t));
      ++texts;
    }
  }
  CHECK(texts > 1000);
  CHECK(subheadings > 50);
}

TEST_CASE("overlapping patterns and exclusions: a match inside an exclusion does not hide another pattern's match") {
  TempDir tmp;
  copy_rules(tmp.path());
  // "alpha beta" is excluded; "beta gamma" overlaps it and is not inside it.
  write_text(tmp.path() / "agencies.toml",
             "[[agency]]\nname = \"one\"\nsubheadings = [\"one\", \"(the )?first\"]\n"
             "patterns = [\"alpha beta\", \"beta gamma\", \"beta\"]\nnot = [\"alpha beta( gamma)?\", \"zeta\"]\n\n"
             "[[agency]]\nname = \"two\"\nsubheadings = [\"first|second\"]\npatterns = [\"gamma\", \"ga\"]\n");
  const RuleSet rules = RuleSet::load(tmp.path());
  const AgencyRules& r = rules.agencies();
  REQUIRE(r.uses_pattern_sets());
  for (std::string t : {"alpha beta", "alpha beta gamma", "alpha beta gamma beta", "beta gamma", "zeta beta",
                        "alpha betagamma", "gamma", "galaxy", "ga ga"}) {
    CAPTURE(t);
    CHECK(r.agencies_in(t) == reference_agencies_in(r, t));
  }
  CHECK(r.agencies_in("alpha beta") == Names{});
  CHECK(r.agencies_in("alpha beta gamma beta") == Names{"one", "two"});
  CHECK(r.agencies_in("ga ga") == Names{"two"});
  CHECK(r.agency_of_subheading("First") == "one");  // the first agency whose subheading matches
  CHECK(r.agency_of_subheading("second") == "two");
  CHECK(r.agency_of_subheading("the second") == std::nullopt);
}

TEST_CASE("when RE2 cannot build a pattern set, each pattern is tried in turn with the same answers") {
  TempDir tmp;
  copy_rules(tmp.path());
  // Each of these compiles on its own, but together they pass RE2's memory budget for one set.
  std::string big;
  for (int i = 0; i < 10; ++i) big += "\"x" + std::to_string(i) + "\\\\pL{99}\\\\pL{99}\\\\pL{99}\", ";
  write_text(tmp.path() / "agencies.toml",
             "[[agency]]\nname = \"one\"\nsubheadings = [\"one\"]\npatterns = [" + big +
                 "\"alpha beta\", \"beta\"]\nnot = [\"alpha beta( gamma)?\"]\n\n"
                 "[[agency]]\nname = \"two\"\nsubheadings = [\"two\"]\npatterns = [\"gamma\"]\n");
  const RuleSet rules = RuleSet::load(tmp.path());
  const AgencyRules& r = rules.agencies();
  CHECK_FALSE(r.uses_pattern_sets());
  for (std::string t : {"alpha beta", "alpha beta gamma beta", "beta", "gamma", ""}) {
    CAPTURE(t);
    CHECK(r.agencies_in(t) == reference_agencies_in(r, t));
  }
  CHECK(r.agencies_in("alpha beta") == Names{});
  CHECK(r.agencies_in("alpha beta gamma beta") == Names{"one", "two"});
  CHECK(r.agency_of_subheading("Two") == "two");
}

TEST_CASE("threads share freshly loaded rules: each pattern and set is compiled once, the answers do not change") {
  const RuleSet rules = RuleSet::load(jtai::test::rules_dir());  // nothing compiled yet
  const std::vector<std::string> texts = {
      "School nurses, police officers and the ICB.", "Children's mental health services and schools.",
      "The YOT and the LSCP with housing and Cafcass.", "Adult social care and the joint forces.",
      "Voluntary sector partners and GPs; the council."};
  std::vector<Names> expected;
  for (const auto& t : texts) expected.push_back(reference_agencies_in(repo_rules(), t));
  std::vector<std::vector<Names>> seen(4);
  std::vector<std::optional<std::string>> subheadings(4);
  {
    std::vector<std::thread> threads;
    for (size_t i = 0; i < seen.size(); ++i)
      threads.emplace_back([&, i] {
        subheadings[i] = rules.agencies().agency_of_subheading("Health partners");
        for (const auto& t : texts) seen[i].push_back(rules.agencies().agencies_in(t));
      });
    for (auto& th : threads) th.join();
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i] == expected);
    CHECK(subheadings[i] == "health");
  }
}

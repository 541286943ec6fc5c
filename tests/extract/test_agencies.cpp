// rules/agencies.toml: the agency of an item's subheading and the agencies its text mentions.
#include <doctest/doctest.h>

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

void edit(const std::filesystem::path& file, const std::string& from, const std::string& to) {
  std::string s = jtai::read_file(file);
  auto at = s.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "fixture text not found: " << from);
  s.replace(at, from.size(), to);
  write_text(file, s);
}

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

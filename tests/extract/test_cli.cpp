// The `jtai extract` and `jtai rules` commands as a user runs them.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/extract/fixtures.hpp"
#include "tests/support/test_support.hpp"

using jtai::test::make_pdf;
using jtai::test::run_command;
using jtai::test::TempDir;
using jtai::test::write_text;

namespace {
std::string q(const std::string& s) {
  std::string out;
  out += '\'';
  out += s;
  out += '\'';
  return out;
}
std::string jtai_cmd(const std::string& args) {
  std::string cmd = q(jtai::test::jtai_binary().string());
  cmd += " --rules ";
  cmd += q(jtai::test::rules_dir().string());
  cmd += " ";
  cmd += args;
  return cmd;
}
// The page of a small clean letter, line by line.
std::vector<jtai::test::PdfText> letter_lines() {
  return {
      {72, 100, 12, false, "18 July 2022"},
      {72, 140, 12, true, "Joint targeted area inspection of Anytown"},
      {72, 170, 12, false, "This letter summarises the findings of the joint targeted area inspection (JTAI) of the"},
      {72, 184.4f, 12, false, "multi-agency response to identification of initial need and risk in Anytown."},
      {72, 210, 12, false, "This inspection took place from 23 to 27 May 2022. It was carried out by inspectors"},
      {72, 224.4f, 12, false, "from Ofsted and the Care Quality Commission (CQC)."},
      {72, 250, 12, true, "Headline findings"},
      {72, 276, 12, false, "Most children receive the right support at the right time."},
      {72, 300, 12, true, "What needs to improve?"},
      {72, 326, 12, false, "\x95"},
      {90, 326, 12, false, "The quality of referrals."},
  };
}
std::string letter() { return make_pdf({letter_lines()}); }
}  // namespace

TEST_CASE("jtai extract prints the report as JSON and exits 0 for a JTAI letter") {
  TempDir tmp;
  write_text(tmp.path() / "letter.pdf", letter());
  auto r = run_command(jtai_cmd(std::string("extract ") + q((tmp.path() / "letter.pdf").string())));
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["kind"] == "jtai");
  CHECK(j["letter_date"] == "2022-07-18");
  CHECK(j["theme"] == "identification of initial need and risk");
  CHECK(j["inspectorates"] == nlohmann::json({"Ofsted", "CQC"}));
  CHECK(j["headline_findings"] == "Most children receive the right support at the right time.");
  REQUIRE(j["improvements"].size() == 1);
  CHECK(j["improvements"][0]["text"] == "The quality of referrals.");
  CHECK(j["improvements"][0]["subheading"].is_null());
  CHECK(j["warnings"].empty());
  CHECK(r.out.find("\n  \"kind\": \"jtai\",\n") != std::string::npos);  // 2-space indent
}

TEST_CASE("jtai extract --text shows the cleaned text with section markers") {
  TempDir tmp;
  write_text(tmp.path() / "letter.pdf", letter());
  auto r = run_command(jtai_cmd(std::string("extract --text ") + q((tmp.path() / "letter.pdf").string())));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("=== [headline_findings]") != std::string::npos);
  CHECK(r.out.find("=== [improvements]") != std::string::npos);
  CHECK(r.out.find("  - The quality of referrals.") != std::string::npos);
}

TEST_CASE("jtai extract exits 3 for a readable PDF that is not a JTAI letter") {
  TempDir tmp;
  write_text(tmp.path() / "send.pdf", make_pdf({{{72, 100, 14, true, "Area SEND inspection of Anytown Local Area Partnership"}}}));
  auto r = run_command(jtai_cmd(std::string("extract ") + q((tmp.path() / "send.pdf").string())));
  CHECK(r.exit_code == 3);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["kind"] == "not_jtai");
  CHECK(j["reason"].get<std::string>().find("Area SEND inspection") != std::string::npos);
}

TEST_CASE("jtai extract exits 2 with one line on stderr for missing, empty, corrupt and encrypted files") {
  TempDir tmp;
  write_text(tmp.path() / "empty.pdf", "");
  write_text(tmp.path() / "bad.pdf", "%PDF-1.4\ngarbage\n");
  write_text(tmp.path() / "locked.pdf", make_pdf({{{72, 100, 12, false, "Secret"}}}, true));
  write_text(tmp.path() / "scanned.pdf", make_pdf({{}, {}}));  // pages without a text layer
  std::string whole = make_pdf({{{72, 100, 12, false, "Joint targeted area inspection"}}});
  write_text(tmp.path() / "cut.pdf", whole.substr(0, whole.size() / 3));
  for (const char* name : {"missing.pdf", "empty.pdf", "bad.pdf", "locked.pdf", "scanned.pdf", "cut.pdf"}) {
    auto r = run_command(jtai_cmd(std::string("extract ") + q((tmp.path() / name).string())));
    INFO(name << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(name) != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}

TEST_CASE("a rule-file error stops extract and rules check with exit 2, naming file and line") {
  TempDir tmp;
  jtai::test::copy_rules(tmp.path() / "rules");
  write_text(tmp.path() / "rules" / "themes.toml", "[theme_phrase]\npatterns = ['(unclosed']\n");
  write_text(tmp.path() / "letter.pdf", letter());
  std::string base = q(jtai::test::jtai_binary().string());
  base += " --rules ";
  base += q((tmp.path() / "rules").string());
  base += " ";
  for (const char* sub : {"extract", "rules check"}) {
    std::string cmd = base;
    cmd += sub;
    cmd += " ";
    cmd += q((tmp.path() / "letter.pdf").string());
    auto r = run_command(cmd);
    INFO(sub << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("themes.toml:2:") != std::string::npos);
    CHECK(r.err.find("(unclosed") != std::string::npos);
  }
}

// A letter whose last heading names no section: its paragraphs go into no field.
std::string letter_with_unaccounted_text() {
  auto lines = letter_lines();
  lines.push_back({72, 352, 12, true, "Reflections of the inspection team"});
  lines.push_back({72, 378, 12, false, "The partnership engaged openly with inspectors all week."});
  return make_pdf({lines});
}

TEST_CASE("jtai rules check lists unaccounted paragraphs; with several letters, a summary") {
  TempDir tmp;
  write_text(tmp.path() / "a" / "letter.pdf", letter());
  write_text(tmp.path() / "b" / "letter.pdf", letter_with_unaccounted_text());
  auto one = run_command(jtai_cmd("rules check " + q((tmp.path() / "b" / "letter.pdf").string())));
  CHECK(one.exit_code == 0);
  CHECK(one.out.find("Unaccounted paragraphs: 1\n  under \"Reflections of the inspection team\", page 1:\n"
                     "    p1  \"The partnership engaged openly with inspectors all week.\"") != std::string::npos);
  CHECK(one.out.find("[unaccounted_text] 1 paragraph(s) under 'Reflections of the inspection team'") !=
        std::string::npos);
  CHECK(one.out.find("Round: 2022-front-door") != std::string::npos);
  CHECK(one.out.find("=== Summary") == std::string::npos);

  auto both = run_command(jtai_cmd("rules check " + q((tmp.path() / "a" / "letter.pdf").string()) + " " +
                                   q((tmp.path() / "b" / "letter.pdf").string())));
  CHECK(both.exit_code == 0);
  auto summary = both.out.find("=== Summary of 2 letters (0 not JTAI)");
  REQUIRE(summary != std::string::npos);
  std::string tail = both.out.substr(summary);
  CHECK(tail.find("  2022-front-door: 2\n") != std::string::npos);
  CHECK(tail.find("  unaccounted_text: 1\n") != std::string::npos);
  CHECK(tail.find("  unrecognised_heading: 1\n") != std::string::npos);
  CHECK(tail.find("Unaccounted paragraphs: 1, in:\n  b/letter.pdf: 1\n") != std::string::npos);

  auto urn = run_command(jtai_cmd("rules check --urn 80426 " + q((tmp.path() / "a" / "letter.pdf").string()) + " " +
                                  q((tmp.path() / "b" / "letter.pdf").string())));
  CHECK(urn.exit_code == 2);
}

TEST_CASE("jtai rules check shows headings with their rules, sections and missing fields") {
  TempDir tmp;
  write_text(tmp.path() / "letter.pdf", letter());
  auto r = run_command(jtai_cmd(std::string("rules check ") + q((tmp.path() / "letter.pdf").string())));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"Headline findings\"  -> headline_findings  [sections.toml:") != std::string::npos);
  CHECK(r.out.find("\"What needs to improve?\"  -> improvements") != std::string::npos);
  auto missing = r.out.find("Missing fields: ");
  REQUIRE(missing != std::string::npos);
  std::string missing_line = r.out.substr(missing, r.out.find('\n', missing) - missing);
  CHECK(missing_line.find("strengths") != std::string::npos);
  CHECK(missing_line.find("improvements") == std::string::npos);
  auto v = run_command(jtai_cmd("rules version"));
  CHECK(v.exit_code == 0);
  CHECK(v.out.size() == 65);
}

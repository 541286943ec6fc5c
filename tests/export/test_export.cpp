// Export tests: unit tests of the text hygiene, then `jtai export` on a
// fixture store, checked with independent readers (Python's csv and json,
// openpyxl, LibreOffice, headless Chromium) through the scripts beside this file.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

#include "common/files.hpp"
#include "export/cell_text.hpp"
#include "export/csv_writer.hpp"
#include "export/directory_swap.hpp"
#include "export/export.hpp"
#include "store/db.hpp"
#include "tests/export/fixture.hpp"
#include "tests/support/test_support.hpp"

namespace fs = std::filesystem;
using namespace jtai;
using namespace jtai::test;

namespace {

const char* kDate = "2026-01-05";

std::string quote(const fs::path& p) {
  std::string out = "'";
  out += p.string();
  out += '\'';
  return out;
}

CommandResult export_cli(const fs::path& data, const std::string& date = kDate) {
  return run_command(quote(jtai_binary()) + " --rules " + quote(rules_dir()) + " export --data " + quote(data) +
                     (date.empty() ? "" : " --date " + date));
}

// Builds the fixture store in tmp/data and exports it; returns the data dir.
fs::path exported_fixture(const TempDir& tmp) {
  fs::path data = tmp.path() / "data";
  build_fixture_store(data);
  CommandResult r = export_cli(data);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  // For a human look: JTAI_EXPORT_TEST_KEEP=DIR keeps a copy of the data directory.
  if (const char* keep = std::getenv("JTAI_EXPORT_TEST_KEEP"); keep && *keep) {
    fs::remove_all(keep);
    fs::copy(data, keep, fs::copy_options::recursive);
  }
  return data;
}

// Runs one of the Python checkers beside this file with Debian's python3.
CommandResult run_checker(const std::string& script, const std::string& args) {
  return run_command("/usr/bin/python3 -B " + quote(fs::path(JTAI_EXPORT_TEST_DIR) / script) + " " + args);
}

// Every file under dir (relative path -> bytes).
std::map<std::string, std::string> files_in(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read_file(e.path());
  return out;
}

const std::vector<std::string> kExpectedFiles = {
    "changes.csv",      "findings.csv",      "fingerprints.tsv",          "index.html",
    "index_data/findings-0001.js", "index_data/inspections.js", "inspections.csv", "jtai.json",
    "jtai_summary.xlsx", "summary.csv"};

// Replaces the text of one finding of a stored letter, as a re-extraction under new rules would.
void change_finding(const fs::path& data, const std::string& file_id, const std::string& section, size_t index,
                    const std::string& text) {
  store::Db db(data / "jtai.sqlite");
  auto st = db.prepare(
      "SELECT e.id, e.report_json FROM extractions e JOIN publications p ON p.id = e.publication_id "
      "WHERE p.file_id = ? AND e.is_current = 1");
  st.bind(1, file_id);
  REQUIRE(st.step());
  const int64_t id = st.column_int(0);
  auto j = nlohmann::json::parse(st.column_text(1));
  auto& item = j.at(section).at(index);
  if (item.is_object()) item["text"] = text;
  else item = text;
  auto up = db.prepare("UPDATE extractions SET report_json = ? WHERE id = ?");
  up.bind(1, j.dump());
  up.bind(2, id);
  up.step();
}

}  // namespace

TEST_CASE("formula guard: CSV cells that start like a formula get an apostrophe") {
  using exporter::guard_csv_cell;
  CHECK(guard_csv_cell("=1+2") == "'=1+2");
  CHECK(guard_csv_cell("+44") == "'+44");
  CHECK(guard_csv_cell("-5") == "'-5");
  CHECK(guard_csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(guard_csv_cell("\tx") == "'\tx");
  CHECK(guard_csv_cell("plain = text") == "plain = text");
  CHECK(guard_csv_cell("") == "");
}

TEST_CASE("CSV fields follow RFC 4180") {
  using exporter::csv_field;
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(exporter::csv_record({"a", "b,c"}) == "a,\"b,c\"\r\n");
  exporter::TableSpec t;
  t.columns.resize(2);
  t.columns[0].header = "h1";
  t.columns[1].header = "h2";
  CHECK(exporter::to_csv(t, {{"=x", "y"}}) == std::string(exporter::kUtf8Bom) + "h1,h2\r\n'=x,y\r\n");
}

TEST_CASE("HTML escaping and control characters") {
  CHECK(exporter::html_escape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  CHECK(exporter::strip_control_characters("a\x01\x0c" "b\r\nc\td") == "ab\nc\td");
  CHECK(exporter::strip_control_characters("line\rnext") == "line\nnext");
  CHECK(exporter::strip_control_characters("plain text \u2014 caf\u00e9\n\tend") == "plain text \u2014 caf\u00e9\n\tend");
  CHECK(exporter::html_escape("plain text \u2014 caf\u00e9") == "plain text \u2014 caf\u00e9");
}

TEST_CASE("Excel's cell limit: long text is cut at a character boundary with a marker") {
  using exporter::fit_excel_cell;
  using exporter::kExcelCellLimit;
  CHECK_FALSE(fit_excel_cell(std::string(kExcelCellLimit, 'a')).truncated);
  auto cut = fit_excel_cell(std::string(kExcelCellLimit + 1, 'a'));
  CHECK(cut.truncated);
  CHECK(cut.text.size() == kExcelCellLimit);
  CHECK(cut.text.ends_with(exporter::kTruncationMarker));
  // "😀" is 4 UTF-8 bytes and 2 UTF-16 units: 16,384 of them are 32,768 units, one too many.
  std::string emoji;
  for (int i = 0; i < 16384; ++i) emoji += "\xF0\x9F\x98\x80";
  auto e = fit_excel_cell(emoji);
  CHECK(e.truncated);
  std::string kept = e.text.substr(0, e.text.size() - exporter::kTruncationMarker.size());
  CHECK(kept.size() % 4 == 0);  // no emoji cut in half
  CHECK(kept.size() / 4 * 2 + exporter::kTruncationMarker.size() <= kExcelCellLimit);
  // "é" is 2 bytes but one unit: 32,767 of them fit.
  std::string accents;
  for (size_t i = 0; i < kExcelCellLimit; ++i) accents += "\xC3\xA9";
  CHECK_FALSE(fit_excel_cell(accents).truncated);
}

TEST_CASE("xlsx link cells: a HYPERLINK formula for http(s) URLs a formula can hold, else nothing") {
  using exporter::hyperlink_formula;
  CHECK(hyperlink_formula("https://files.ofsted.gov.uk/v1/file/50212345") ==
        "=HYPERLINK(\"https://files.ofsted.gov.uk/v1/file/50212345\",\"https://files.ofsted.gov.uk/v1/file/50212345\")");
  CHECK(hyperlink_formula("http://127.0.0.1:8080/a") == "=HYPERLINK(\"http://127.0.0.1:8080/a\",\"http://127.0.0.1:8080/a\")");
  // A double quote cannot end the string literal: it is doubled.
  CHECK(hyperlink_formula("https://x.test/a\"),1)+(\"b") ==
        "=HYPERLINK(\"https://x.test/a\"\"),1)+(\"\"b\",\"https://x.test/a\"\"),1)+(\"\"b\")");
  // Only web links; no control characters; at most 255 characters (Excel's limit on a formula's string).
  CHECK(hyperlink_formula("javascript:alert(1)").empty());
  CHECK(hyperlink_formula("=1+2").empty());
  CHECK(hyperlink_formula("").empty());
  CHECK(hyperlink_formula("https://x.test/a\nb").empty());
  const std::string base = "https://x.test/";
  CHECK_FALSE(hyperlink_formula(base + std::string(255 - base.size(), 'a')).empty());
  CHECK(hyperlink_formula(base + std::string(256 - base.size(), 'a')).empty());
  // Characters, not bytes: 240 two-byte letters fit.
  std::string wide = base;
  for (int i = 0; i < 240; ++i) wide += "\xc3\xa9";
  CHECK_FALSE(hyperlink_formula(wide).empty());
}

TEST_CASE("replace_directory puts a whole directory in place, old or new, never a mixture") {
  TempDir tmp("jtai-swap");
  auto write = [](const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  };
  fs::path target = tmp.path() / "latest";
  write(tmp.path() / "one" / "a.txt", "first");
  exporter::replace_directory(tmp.path() / "one", target);
  CHECK(read_file(target / "a.txt") == "first");
  CHECK_FALSE(fs::exists(tmp.path() / "one"));

  write(tmp.path() / "two" / "b.txt", "second");
  exporter::replace_directory(tmp.path() / "two", target);
  CHECK(read_file(target / "b.txt") == "second");
  CHECK_FALSE(fs::exists(target / "a.txt"));  // nothing of the old one is left
  CHECK_FALSE(fs::exists(tmp.path() / "two"));
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(tmp.path())) left.push_back(e.path().filename().string());
  CHECK(left == std::vector<std::string>{"latest"});
}

TEST_CASE("export: every file in the dated directory and the same bytes in latest") {
  TempDir tmp("jtai-export");
  fs::path data = tmp.path() / "data";
  build_fixture_store(data);
  CommandResult r = export_cli(data);
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Exported 4 inspections of 3 authorities (18 finding items)") != std::string::npos);
  CHECK(r.out.find("No earlier export to compare with.") != std::string::npos);
  CHECK(r.out.find("6 known extraction issues") != std::string::npos);
  CHECK(r.out.find("2 spreadsheet cell(s) cut") != std::string::npos);

  fs::path dated = data / "exports" / kDate, latest = data / "exports" / "latest";
  auto a = files_in(dated), b = files_in(latest);
  std::vector<std::string> names;
  for (const auto& [name, bytes] : a) names.push_back(name);
  CHECK(names == kExpectedFiles);
  CHECK(a == b);
  // Nothing left behind from staging.
  for (const auto& e : fs::directory_iterator(data / "exports"))
    CHECK(e.path().filename().string().rfind(".tmp-", 0) == std::string::npos);
}

TEST_CASE("export JSON: the records for programs") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  auto j = nlohmann::json::parse(read_file(data / "exports" / "latest" / "jtai.json"));
  CHECK(j["format"] == "jtai-export");
  CHECK(j["export_date"] == kDate);
  CHECK(j["source"]["site"] == kSiteUrl);
  CHECK(j["source"]["last_run"]["status"] == "ok");
  CHECK(j["source"]["rules_versions"] == nlohmann::json::array({"rules-test-1"}));
  CHECK(j["counts"]["inspections"] == 4);
  CHECK(j["counts"]["authorities"] == 3);
  CHECK(j["counts"]["findings"] == 18);
  CHECK(j["counts"]["jtai_letters_listed"] == 7);

  const auto& ins = j["inspections"];
  REQUIRE(ins.size() == 4);
  std::vector<std::string> keys;
  for (const auto& i : ins) keys.push_back(i["key"]);
  CHECK(keys == std::vector<std::string>{"1001", "1002", "2001", "9001"});  // by authority, then date
  const auto& barnsley = ins[1];
  CHECK(barnsley["authority"]["name"] == "Barnsley");
  CHECK(barnsley["authority"]["ofsted_name"] == "Barnsley Metropolitan Borough Council");
  CHECK(barnsley["authority"]["la_code"] == "370");
  CHECK(barnsley["authority"]["ltla23cd"] == "E08000016");
  CHECK(barnsley["authority"]["region_code"] == "YH");
  CHECK(barnsley["publication"]["url"] == kSiteUrl + "/documents/1002/1002.pdf");
  CHECK(barnsley["publication"]["published_on"] == "2022-08-01");
  CHECK(barnsley["report"]["headline_findings"] == kHtmlHeadline);
  CHECK(barnsley["report"]["priority_actions"][0]["text"] == kFormulaEquals);  // JSON keeps the text exactly
  CHECK(barnsley["report"]["improvements"].size() == 3);
  CHECK(barnsley["report"]["strengths"][0]["text"] == kFormulaAt);
  CHECK(barnsley["report"]["case_studies"][0]["kind"] == "highly effective practice");
  CHECK(barnsley["report"]["case_studies"][0]["title"] == "Practice study: highly effective practice");
  CHECK(barnsley["report"]["inspectorates"] == nlohmann::json::array({"Ofsted", "CQC", "HMICFRS"}));
  CHECK(ins[2]["report"]["no_priority_actions"] == true);
  CHECK(ins[3]["authority"]["in_authority_table"] == false);
  CHECK(ins[3]["report"]["headline_findings"].get<std::string>().size() >= 40000);  // never truncated in JSON

  std::map<std::string, std::string> problems;
  for (const auto& is : j["known_extraction_issues"]) problems[is["url"]] += is["problem"].get<std::string>() + ";";
  CHECK(problems.size() == 5);
  CHECK(problems[kSiteUrl + "/documents/2001/2001.pdf"] == "overrides;warnings;");
  CHECK(problems[kSiteUrl + "/documents/2002/2002.pdf"] == "error;");
  CHECK(problems[kSiteUrl + "/documents/3001/3001.pdf"] == "not_jtai;");
  CHECK(problems[kSiteUrl + "/documents/3002/3002.pdf"] == "not_downloaded;");
  CHECK(problems[kSiteUrl + "/documents/9001/9001.pdf"] == "unknown_authority;");
  CHECK(read_file(data / "exports" / "latest" / "jtai.json").find("3003") == std::string::npos);  // the ILACS letter
}

TEST_CASE("export CSV: read back with Python's csv module") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  CommandResult r = run_checker("check_csv.py", quote(data / "exports" / "latest"));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("csv: ok") != std::string::npos);
}

TEST_CASE("export xlsx: read back with openpyxl") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  CommandResult r = run_checker("check_xlsx.py", quote(data / "exports" / "latest" / "jtai_summary.xlsx"));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("xlsx: ok") != std::string::npos);
}

TEST_CASE("export xlsx: converted to CSV by LibreOffice") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  CommandResult r = run_checker("check_soffice.py",
                                quote(data / "exports" / "latest" / "jtai_summary.xlsx") + " " + quote(tmp.path() / "lo"));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("soffice: ok") != std::string::npos);
}

TEST_CASE("export index.html: search in headless Chromium") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  fs::path shots = fs::path(JTAI_EXPORT_TEST_OUTPUT_DIR);
  fs::create_directories(shots);
  CommandResult r = run_checker("check_html.py", quote(data / "exports" / "latest" / "index.html") + " " +
                                                     quote(shots) + " " + quote(tmp.path() / "chromium"));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("html: ok") != std::string::npos);
  CHECK(fs::file_size(shots / "export_search.png") > 10000);
  CHECK(fs::file_size(shots / "export_phone.png") > 10000);
}

TEST_CASE("export is deterministic: an unchanged store gives identical files") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  auto first = files_in(data / "exports" / kDate);
  CommandResult again = export_cli(data);
  REQUIRE(again.exit_code == 0);
  auto second = files_in(data / "exports" / kDate);
  REQUIRE(first.size() == second.size());
  for (const auto& [name, bytes] : first) {
    INFO(name);
    CHECK(bytes == second[name]);
  }
  // Another data directory holding a copy of the same store gives the same files too.
  fs::path copy = tmp.path() / "copy";
  fs::create_directories(copy);
  fs::copy_file(data / "jtai.sqlite", copy / "jtai.sqlite");
  REQUIRE(export_cli(copy).exit_code == 0);
  auto third = files_in(copy / "exports" / kDate);
  for (const auto& [name, bytes] : first) {
    INFO(name);
    CHECK(bytes == third[name]);
  }
}

TEST_CASE("export: new since the last export, and latest follows the newest") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  std::string file_id = add_new_letter(data);
  CommandResult r = export_cli(data, "2026-01-12");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("1 new since the export of 2026-01-05:") != std::string::npos);
  CHECK(r.out.find("Norfolk, letter of 2025-10-20 (serious youth violence)") != std::string::npos);
  auto j = nlohmann::json::parse(read_file(data / "exports" / "latest" / "jtai.json"));
  CHECK(j["export_date"] == "2026-01-12");
  CHECK(j["new_since_last_export"]["compared_with"] == "2026-01-05");
  CHECK(j["new_since_last_export"]["keys"] == nlohmann::json::array({file_id}));
  // Written piece by piece (inspections, issues and new keys streamed), laid out exactly as dump(2) lays it out.
  const std::string text = read_file(data / "exports" / "latest" / "jtai.json");
  CHECK(nlohmann::ordered_json::parse(text).dump(2) + "\n" == text);
  CHECK(j["known_extraction_issues"].size() == 6);
  std::string html = read_file(data / "exports" / "latest" / "index.html");
  CHECK(html.find("Changed since last export (1 new letter, 0 changed finding items)") != std::string::npos);
  CHECK(html.find("Norfolk, letter of 2025-10-20") != std::string::npos);
  // The earlier dated export is kept as it was.
  auto old = nlohmann::json::parse(read_file(data / "exports" / kDate / "jtai.json"));
  CHECK(old["counts"]["inspections"] == 4);
  // Exporting the same day again compares with the same earlier export, not with itself.
  CommandResult again = export_cli(data, "2026-01-12");
  CHECK(again.out.find("1 new since the export of 2026-01-05:") != std::string::npos);
}

TEST_CASE("export: many new letters: the command names the first 100, the files list them all") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  const std::vector<std::string> ids = add_new_letters(data, 120);
  CommandResult r = export_cli(data, "2026-01-12");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("120 new since the export of 2026-01-05:\n") != std::string::npos);
  CHECK(r.out.find("\n  ... and 20 more (changes.csv and jtai.json list them all)\n") != std::string::npos);
  size_t named = 0;
  for (size_t at = r.out.find("\n  Isle of Wight, letter of "); at != std::string::npos;
       at = r.out.find("\n  Isle of Wight, letter of ", at + 1))
    ++named;
  CHECK(named == 100);
  const std::string text = read_file(data / "exports" / "latest" / "jtai.json");
  auto j = nlohmann::ordered_json::parse(text);
  CHECK(j.dump(2) + "\n" == text);
  std::vector<std::string> keys = j["new_since_last_export"]["keys"].get<std::vector<std::string>>();
  std::sort(keys.begin(), keys.end());
  CHECK(keys == ids);
  const std::string csv = read_file(data / "exports" / "latest" / "changes.csv");
  size_t listed = 0;
  for (size_t at = csv.find("\nnew letter,"); at != std::string::npos; at = csv.find("\nnew letter,", at + 1)) ++listed;
  CHECK(listed == 120);
}

TEST_CASE("export: an earlier export without fingerprints.tsv is compared by its jtai.json letter keys") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  fs::remove(data / "exports" / kDate / "fingerprints.tsv");  // as an export from before fingerprints
  change_finding(data, "1002", "improvements", 2, "Quality assurance of referrals, now weekly.");
  std::string file_id = add_new_letter(data);
  CommandResult r = export_cli(data, "2026-01-12");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("1 new since the export of 2026-01-05:") != std::string::npos);
  auto j = nlohmann::json::parse(read_file(data / "exports" / "latest" / "jtai.json"));
  CHECK(j["new_since_last_export"]["keys"] == nlohmann::json::array({file_id}));
  // Only letters are known, so the changed item is not listed.
  CHECK(j["new_since_last_export"]["changes"] == nlohmann::json({{"new letter", 1}}));
  CHECK(read_file(data / "exports" / "latest" / "index.html").find("That export has no fingerprints") != std::string::npos);
  // A damaged one (cut short) is passed over: nothing earlier to compare with.
  fs::remove(data / "exports" / "2026-01-12" / "fingerprints.tsv");
  fs::remove_all(data / "exports" / kDate);
  const std::string json = read_file(data / "exports" / "2026-01-12" / "jtai.json");
  { std::ofstream(data / "exports" / "2026-01-12" / "jtai.json", std::ios::binary | std::ios::trunc) << json.substr(0, json.size() / 2); }
  CommandResult cut = export_cli(data, "2026-01-19");
  INFO("stdout: " << cut.out << "\nstderr: " << cut.err);
  CHECK(cut.exit_code == 0);
  CHECK(cut.out.find("No earlier export to compare with.") != std::string::npos);
}

TEST_CASE("export: changed findings since the last export are listed, not only new letters") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  change_finding(data, "1002", "improvements", 2, "Quality assurance of referrals, now weekly.");
  add_new_letter(data);
  CommandResult r = export_cli(data, "2026-01-12");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("1 new since the export of 2026-01-05:") != std::string::npos);
  CHECK(r.out.find("1 finding item(s) changed, added or removed in earlier letters (changes.csv).") != std::string::npos);
  auto j = nlohmann::json::parse(read_file(data / "exports" / "latest" / "jtai.json"));
  CHECK(j["new_since_last_export"]["changes"] == nlohmann::json({{"changed item", 1}, {"new letter", 1}}));
  const std::string csv = read_file(data / "exports" / "latest" / "changes.csv");
  CHECK(csv.find("changed item,Barnsley,80426,2022-07-12,improvement,3,\"Quality assurance of referrals, now weekly.\","
                 "https://reports.ofsted.gov.uk/documents/1002/1002.pdf\r\n") != std::string::npos);
  CHECK(csv.find("new letter,Norfolk,80418,2025-10-20,,,,") != std::string::npos);
  std::string html = read_file(data / "exports" / "latest" / "index.html");
  CHECK(html.find("Changed since last export (1 new letter, 1 changed finding item)") != std::string::npos);
  CHECK(html.find("<a href=\"#urn-80426\">Barnsley, letter of 2022-07-12</a> · improvement 3"
                  "<div class=\"change-text\">Quality assurance of referrals, now weekly.</div>") != std::string::npos);
  // Unchanged since then: nothing is listed.
  CommandResult again = export_cli(data, "2026-01-19");
  CHECK(again.out.find("0 new since the export of 2026-01-12.") != std::string::npos);
  const std::string none = read_file(data / "exports" / "latest" / "changes.csv");
  CHECK(std::count(none.begin(), none.end(), '\n') == 1);  // the header only
}

TEST_CASE("export: latest/ is hard links to the dated export, not a second copy") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  for (const auto& name : kExpectedFiles) {
    INFO(name);
    fs::path dated = data / "exports" / kDate / name, latest = data / "exports" / "latest" / name;
    CHECK(fs::equivalent(dated, latest));
    CHECK(fs::hard_link_count(dated) == 2);
  }
}

TEST_CASE("export xlsx: a table past the sheet's row limit continues on a second sheet; every link a formula") {
  TempDir tmp("jtai-export");
  fs::path data = tmp.path() / "data";
  build_fixture_store(data);
  {
    // Two issue letters' URLs: one with a double quote (escaped in its formula), one too long for a formula.
    store::Db db(data / "jtai.sqlite");
    db.exec("UPDATE publications SET url = url || '?q=\"x\"' WHERE file_id = '2002'");
    db.exec("UPDATE publications SET url = url || '?' || printf('%.300c', 'a') WHERE file_id = '3001'");
  }
  exporter::ExportOptions options{data, rules_dir(), kDate};
  options.limits.xlsx_rows = 10;  // a header and 9 rows per sheet: the 18 findings need two sheets
  exporter::ExportResult r = exporter::run_export(options);
  CHECK(r.continued_sheets == std::vector<std::string>{"findings (2)"});
  CHECK(r.plain_links == 1);  // the long URL; no per-sheet cap any more
  CHECK(r.findings == 18);
  CommandResult check = run_checker("check_split.py", quote(data / "exports" / "latest" / "jtai_summary.xlsx"));
  INFO("stdout: " << check.out << "\nstderr: " << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("split: ok") != std::string::npos);
  // The CSV keeps every row in one file.
  const std::string csv = read_file(data / "exports" / "latest" / "findings.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') >= 19);
  // One summary warning on the command line, never one per link.
  CommandResult cli = export_cli(data, "2026-01-06");
  CHECK(cli.exit_code == 0);
  CHECK(std::count(cli.err.begin(), cli.err.end(), '\n') == 1);
  CHECK(cli.err.find("jtai: warning: 1 link(s) written as plain text in the workbook") == 0);
}

TEST_CASE("export: a write failure (file size limit, as on a full disk) leaves latest as it was") {
  TempDir tmp("jtai-export");
  fs::path data = exported_fixture(tmp);
  const std::string before = read_file(data / "exports" / "latest" / "jtai.json");
  add_new_letter(data);
  // An open connection keeps the WAL index (jtai.sqlite-shm) in place, as during a
  // refresh, so the limit hits the export's own files, not SQLite's read set-up.
  store::Db keep_open(data / "jtai.sqlite");
  keep_open.exec("SELECT count(*) FROM publications");
  // Writes past 8 KiB fail with EFBIG (SIGXFSZ ignored, so the process sees the error).
  CommandResult r = run_command("trap '' XFSZ; ulimit -f 16; exec " + quote(jtai_binary()) + " --rules " +
                                quote(rules_dir()) + " export --data " + quote(data) + " --date 2026-01-12");
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 1);
  // libxlsxwriter prints its own diagnostics first; jtai's one-line error is the last line.
  std::string last = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
  CHECK(last.rfind("jtai: export to " + (data / "exports" / "2026-01-12").string() + " failed, earlier exports left", 0) == 0);
  CHECK(last.find("File too large") != std::string::npos);
  CHECK(read_file(data / "exports" / "latest" / "jtai.json") == before);
  CHECK_FALSE(fs::exists(data / "exports" / "2026-01-12"));
  for (const auto& e : fs::directory_iterator(data / "exports"))
    CHECK(e.path().filename().string().rfind(".tmp-", 0) == std::string::npos);
  // Without the limit the same export goes through.
  CHECK(export_cli(data, "2026-01-12").exit_code == 0);
  CHECK(read_file(data / "exports" / "latest" / "jtai.json") != before);
}

TEST_CASE("export: clear one-line errors for a missing store and a bad date") {
  TempDir tmp("jtai-export");
  CommandResult missing = export_cli(tmp.path() / "nothing-here");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no store at") != std::string::npos);
  CHECK(std::count(missing.err.begin(), missing.err.end(), '\n') == 1);

  fs::path data = tmp.path() / "data";
  build_fixture_store(data);
  CommandResult bad = export_cli(data, "2026-02-30");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("is not a YYYY-MM-DD date") != std::string::npos);
  CHECK_FALSE(fs::exists(data / "exports" / "latest"));

  // A staging directory left by a dead export is cleaned up; latest is replaced whole.
  fs::create_directories(data / "exports" / ".tmp-latest-999999999");
  REQUIRE(export_cli(data).exit_code == 0);
  CHECK_FALSE(fs::exists(data / "exports" / ".tmp-latest-999999999"));
}

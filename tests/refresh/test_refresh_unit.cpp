// Unit tests of refresh/: the data-directory lock, the failure hook,
// re-extraction from stored layouts and the status report. No network, no
// corpus: letters are synthetic layouts (and one tiny hand-written PDF).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/hash.hpp"
#include "common/process.hpp"
#include "refresh/hook.hpp"
#include "refresh/lock.hpp"
#include "refresh/reextract.hpp"
#include "refresh/status.hpp"
#include "tests/support/pdf_builder.hpp"
#include "tests/refresh/rule_edits.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai;
using jtai::test::copy_rules;
using jtai::test::replace_array;
namespace fs = std::filesystem;

namespace {

extract::Line make_line(float y, const std::string& text, float size = 11, bool bold = false) {
  extract::Line l;
  l.page = 0;
  l.box = {72, y, 72 + 5.5f * static_cast<float>(text.size()) * size / 11, y + size};
  l.size = size;
  l.bold = bold;
  l.font = bold ? "Arial-BoldMT" : "ArialMT";
  l.text = text;
  l.spans.push_back({0, static_cast<std::uint32_t>(text.size()), l.box, size, l.font, bold});
  return l;
}

// A short JTAI-shaped letter for authority `name`.
extract::Layout synthetic_letter(const std::string& name, int strengths) {
  extract::Page page;
  page.width = 595;
  page.height = 842;
  float y = 60;
  auto add = [&](const std::string& text, float size = 11, bool bold = false) {
    page.lines.push_back(make_line(y, text, size, bold));
    y += size * 2;
  };
  add("18 July 2022");
  add("Joint targeted area inspection of " + name, 14, true);
  add("Between 23 and 27 May 2022, Ofsted, the Care Quality Commission (CQC) and HMI Constabulary and Fire");
  add("& Rescue Services (HMICFRS) carried out a joint inspection of the multi-agency response to");
  add("identification of initial need and risk in " + name + ".");
  add("Headline findings", 12, true);
  add("Children in " + name + " are helped quickly when they first need it.");
  add("Strengths", 12, true);
  for (int i = 1; i <= strengths; ++i) add("\u2022 Leaders in " + name + " know strength number " + std::to_string(i) + ".");
  add("Areas for improvement", 12, true);
  add("\u2022 Recording of decisions at the front door is not consistent.");
  extract::Layout layout;
  layout.pages.push_back(std::move(page));
  return layout;
}

struct Letter {
  int64_t publication_id;
  std::string sha256;
};

// Stores a JTAI publication whose PDF path does not exist, with a stored layout.
Letter add_letter(store::Store& s, int urn, const std::string& name, const extract::Layout* layout,
                  const std::string& pdf_relative = {}) {
  const std::string seen = store::timestamp_now();
  s.upsert_authority({urn, name, "/provider/44/" + std::to_string(urn)}, seen);
  store::PublicationRow p;
  p.urn = urn;
  p.file_id = std::to_string(urn * 10);
  p.url = "http://127.0.0.1:1/v1/file/" + p.file_id;
  p.kind = "jtai";
  p.title = "Joint targeted area inspection, pdf - 18 July 2022";
  p.published_on = "2022-07-18";
  int64_t id = s.upsert_publication(p, seen);
  std::string sha = sha256_hex("letter " + std::to_string(urn));
  store::FileRow f;
  f.publication_id = id;
  f.path = pdf_relative.empty() ? "reports/" + std::to_string(urn) + "_x/missing.pdf" : pdf_relative;
  if (!pdf_relative.empty()) sha = sha256_file(s.data_dir() / pdf_relative);
  f.sha256 = sha;
  f.size = 1;
  f.fetched_at = seen;
  s.record_file(f);
  if (layout) s.save_layout(sha, extract::kLayoutVersion, extract::encode_layout(*layout));
  return {id, sha};
}

int64_t count(store::Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  REQUIRE(st.step());
  return st.column_int(0);
}



}  // namespace

TEST_CASE("the lock admits one holder and names it to the next") {
  test::TempDir dir;
  fs::path data = dir.path() / "data";
  std::string holder;
  auto first = refresh::DataDirLock::try_acquire(data, "refresh", &holder);
  REQUIRE(first.has_value());
  CHECK(fs::exists(data / refresh::kLockFileName));
  auto info = refresh::read_lock_holder(data);
  REQUIRE(info.has_value());
  CHECK(info->pid == ::getpid());
  CHECK(info->command == "refresh");

  // flock is per open file, so a second open in this process is refused too.
  auto second = refresh::DataDirLock::try_acquire(data, "reextract", &holder);
  CHECK_FALSE(second.has_value());
  CHECK(holder.find("jtai refresh (pid " + std::to_string(::getpid())) == 0);
  std::string message = refresh::locked_message(data, holder);
  CHECK(message.find("is locked by jtai refresh") != std::string::npos);
  CHECK(message.find(data.string()) != std::string::npos);

  first->release();
  CHECK_FALSE(refresh::read_lock_holder(data).has_value());  // released: no stale holder text
  auto third = refresh::DataDirLock::try_acquire(data, "reextract", &holder);
  CHECK(third.has_value());
}

TEST_CASE("a lock left by a SIGKILLed process does not block") {
  test::TempDir dir;
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ready[0]);
    auto lock = refresh::DataDirLock::try_acquire(dir.path(), "refresh");
    char c = lock ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  ::close(ready[0]);
  REQUIRE(c == 'y');

  std::string holder;
  CHECK_FALSE(refresh::DataDirLock::try_acquire(dir.path(), "refresh", &holder).has_value());
  CHECK(holder.find("pid " + std::to_string(child)) != std::string::npos);
  auto active = refresh::active_lock_holder(dir.path());
  REQUIRE(active.has_value());
  CHECK(active->pid == child);

  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  // The dead holder's text is still in the file, but its lock died with it.
  auto stale = refresh::read_lock_holder(dir.path());
  REQUIRE(stale.has_value());
  CHECK(stale->pid == child);
  CHECK_FALSE(jtai::process_alive(child));
  CHECK_FALSE(refresh::active_lock_holder(dir.path()).has_value());
  auto lock = refresh::DataDirLock::try_acquire(dir.path(), "refresh", &holder);
  CHECK(lock.has_value());
  CHECK(refresh::read_lock_holder(dir.path())->pid == ::getpid());
}

TEST_CASE("a lock file naming a live process that holds no lock is not a running refresh") {
  test::TempDir dir;
  // As a killed run whose pid was later reused would leave it.
  write_file_atomic(dir.path() / refresh::kLockFileName,
                    "pid " + std::to_string(::getppid()) + "\ncommand refresh\nstarted 2026-01-01T00:00:00Z\n");
  REQUIRE(refresh::read_lock_holder(dir.path()).has_value());
  if (!fs::exists("/proc/locks")) return;  // then only the pid can be checked
  CHECK_FALSE(refresh::active_lock_holder(dir.path()).has_value());
  auto lock = refresh::DataDirLock::try_acquire(dir.path(), "refresh");
  REQUIRE(lock.has_value());
  REQUIRE(refresh::active_lock_holder(dir.path()).has_value());
  CHECK(refresh::active_lock_holder(dir.path())->pid == ::getpid());
}

TEST_CASE("the failure hook gets the status in its environment") {
  test::TempDir dir;
  fs::path out = dir.path() / "hook.txt";
  std::string cmd = "printf '%s|%s|%s|%s' \"$JTAI_STATUS\" \"$JTAI_EXIT\" \"$JTAI_DATA\" \"$JTAI_SUMMARY\" > '" +
                    out.string() + "'; exit 3";
  int rc = refresh::run_failure_hook(cmd, "failed", 1, "/srv/jtai data", "Refresh failed: site down.");
  CHECK(rc == 3);
  CHECK(read_file(out) == "failed|1|/srv/jtai data|Refresh failed: site down.");
}

TEST_CASE("changed_fields names what differs, ignoring the rules version") {
  extract::Report a;
  a.rules_version = "one";
  a.letter_date = "2022-07-18";
  a.strengths = {"x", "y"};
  extract::Report b = a;
  b.rules_version = "two";
  CHECK(refresh::changed_fields(a, b).empty());
  CHECK_FALSE(refresh::findings_differ(a, b));
  b.strengths.push_back("z");
  b.theme = "neglect";
  auto fields = refresh::changed_fields(a, b);
  REQUIRE(fields.size() == 2);
  CHECK(fields[0] == "theme");
  CHECK(fields[1] == "strengths (2 → 3 items)");
  CHECK(refresh::findings_differ(a, b));
}

TEST_CASE("reextract runs the rules from stored layouts, never the PDF, and keeps earlier extractions") {
  test::TempDir dir;
  store::Store s(dir.path());
  auto rules = extract::RuleSet::load(test::rules_dir());
  const std::vector<std::pair<int, std::string>> authorities = {
      {80426, "Barnsley"}, {80427, "Testshire"}, {80428, "Exampleton"}};
  std::vector<Letter> letters;
  for (size_t i = 0; i < authorities.size(); ++i) {
    auto layout = synthetic_letter(authorities[i].second, static_cast<int>(i) + 1);
    letters.push_back(add_letter(s, authorities[i].first, authorities[i].second, &layout));
  }

  // First extraction of each letter (the PDFs do not exist: only layouts can be used).
  auto first = refresh::reextract_letters(s, rules, {.only_outdated = true, .threads = 2});
  CHECK(first.letters == 3);
  CHECK(first.extracted == 3);
  CHECK(first.saved == 3);
  CHECK(first.pdfs_parsed == 0);
  CHECK(first.errors.empty());
  CHECK(first.changes.empty());  // first extractions are not "changes"
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND rules_version = '" +
                          rules.version() + "'") == 3);

  SUBCASE("the same rules again store nothing new") {
    auto again = refresh::reextract_letters(s, rules, {.only_outdated = false, .threads = 2});
    CHECK(again.extracted == 3);
    CHECK(again.saved == 0);
    CHECK(again.changes.empty());
    auto outdated = refresh::reextract_letters(s, rules, {.only_outdated = true, .threads = 2});
    CHECK(outdated.extracted == 0);
    CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions") == 3);
  }

  SUBCASE("a rule change that alters nothing found re-extracts every letter and reports no change") {
    test::TempDir rules_copy;
    fs::path changed = copy_rules(rules_copy.path() / "rules");
    std::ofstream(changed / "sections.toml", std::ios::app) << "\n# a maintainer's comment\n";
    auto rules2 = extract::RuleSet::load(changed);
    REQUIRE(rules2.version() != rules.version());
    auto r = refresh::reextract_letters(s, rules2, {.only_outdated = true, .threads = 2});
    CHECK(r.extracted == 3);
    CHECK(r.saved == 3);
    CHECK(r.pdfs_parsed == 0);
    CHECK(r.findings_changed == 0);
    CHECK(r.changes.empty());
    CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions") == 6);  // earlier ones kept
    CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND rules_version = '" +
                            rules2.version() + "'") == 3);
  }

  SUBCASE("a rule change that alters the findings is reported per letter") {
    test::TempDir rules_copy;
    fs::path changed = copy_rules(rules_copy.path() / "rules");
    // Only Barnsley's and Exampleton's letters still read as JTAI letters:
    // Testshire's is now "not a JTAI letter" and its findings disappear.
    replace_array(changed / "sections.toml", "jtai", "  'joint targeted area inspection of (?:Barnsley|Exampleton)',");
    auto rules2 = extract::RuleSet::load(changed);
    auto r = refresh::reextract_letters(s, rules2, {.only_outdated = true, .threads = 2});
    CHECK(r.extracted == 3);
    CHECK(r.pdfs_parsed == 0);
    CHECK(r.findings_changed == 1);
    REQUIRE(r.changes.size() == 1);
    CHECK(r.changes[0].publication_id == letters[1].publication_id);
    CHECK(r.changes[0].letter.find("Testshire") == 0);
    CHECK(r.changes[0].findings_changed);
    CHECK(r.changes[0].fields.front() == "kind (now not_jtai)");
    // The search index follows: Testshire's items are gone, the others' are there once.
    CHECK(count(s.db(), "SELECT COUNT(*) FROM search_items WHERE text LIKE '%Testshire%'") == 0);
    CHECK(count(s.db(), "SELECT COUNT(*) FROM search_items WHERE text LIKE '%Barnsley%'") == 2);  // headline, 1 strength
    CHECK(count(s.db(), "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH 'Testshire'") == 0);
    CHECK(count(s.db(), "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH 'Exampleton'") == 4);
  }

  SUBCASE("an agency rule change re-extracts every letter and the findings and search index follow") {
    auto with = [&](const std::string& table) {
      return count(s.db(), "SELECT COUNT(*) FROM " + table +
                               " WHERE text LIKE 'Recording of decisions%' AND agencies = '[\"children''s social care\"]'");
    };
    CHECK(with("search_items") == 0);
    test::TempDir rules_copy;
    fs::path changed = copy_rules(rules_copy.path() / "rules");
    // A maintainer decides "the front door" is children's social care.
    std::string agencies = read_file(changed / "agencies.toml");
    auto at = agencies.find("  \"local authorit(y|ies)\",\n");
    REQUIRE(at != std::string::npos);
    agencies.insert(at, "  \"the front door\",\n");
    write_file_atomic(changed / "agencies.toml", agencies);
    auto rules2 = extract::RuleSet::load(changed);
    REQUIRE(rules2.version() != rules.version());
    auto r = refresh::reextract_letters(s, rules2, {.only_outdated = true, .threads = 2});
    CHECK(r.saved == 3);
    CHECK(with("findings f JOIN extractions e ON e.id = f.extraction_id AND e.is_current = 1") == 3);
    CHECK(with("search_items") == 3);
    CHECK(count(s.db(), "SELECT COUNT(*) FROM search_items si JOIN extractions e ON e.id = si.extraction_id "
                        "WHERE e.is_current = 0") == 0);
  }

  SUBCASE("one and two threads give the same extractions") {
    test::TempDir rules_copy;
    fs::path changed = copy_rules(rules_copy.path() / "rules");
    std::ofstream(changed / "themes.toml", std::ios::app) << "\n# another comment\n";
    auto rules2 = extract::RuleSet::load(changed);
    auto r1 = refresh::reextract_letters(s, rules2, {.only_outdated = false, .threads = 1});
    CHECK(r1.saved == 3);
    auto st = s.db().prepare("SELECT report_json FROM extractions WHERE is_current = 1 ORDER BY publication_id");
    std::vector<std::string> one;
    while (st.step()) one.push_back(st.column_text(0));
    // Force a fresh run with two threads by going back to the first rules version.
    auto r2 = refresh::reextract_letters(s, rules, {.only_outdated = false, .threads = 2});
    CHECK(r2.saved == 3);
    auto st2 = s.db().prepare("SELECT report_json FROM extractions WHERE is_current = 1 ORDER BY publication_id");
    std::vector<std::string> two;
    while (st2.step()) {
      auto j = nlohmann::json::parse(st2.column_text(0));
      j["rules_version"] = rules2.version();
      two.push_back(j.dump());
    }
    REQUIRE(one.size() == two.size());
    for (size_t i = 0; i < one.size(); ++i) CHECK(nlohmann::json::parse(one[i]).dump() == two[i]);
  }
}

TEST_CASE("a letter with no stored layout is parsed once from its PDF, then never again") {
  test::TempDir dir;
  store::Store s(dir.path());
  auto rules = extract::RuleSet::load(test::rules_dir());
  fs::path rel = "reports/80429_tiny/letter.pdf";
  fs::create_directories(dir.path() / rel.parent_path());
  write_file_atomic(dir.path() / rel, jtai::test::text_pdf({"18 July 2022", "Joint targeted area inspection of Tinyshire",
                                                "Strengths", "Leaders know their services well."}));
  auto letter = add_letter(s, 80429, "Tinyshire", nullptr, rel.string());
  CHECK_FALSE(s.load_layout(letter.sha256, extract::kLayoutVersion).has_value());

  auto r = refresh::reextract_letters(s, rules, {});
  CHECK(r.errors.empty());
  CHECK(r.extracted == 1);
  CHECK(r.pdfs_parsed == 1);
  auto stored = s.load_layout(letter.sha256, extract::kLayoutVersion);
  REQUIRE(stored.has_value());
  CHECK(extract::decode_layout(*stored) == extract::read_layout(dir.path() / rel));

  fs::remove(dir.path() / rel);  // from now on only the stored layout can serve
  test::TempDir rules_copy;
  fs::path changed = copy_rules(rules_copy.path() / "rules");
  std::ofstream(changed / "dates.toml", std::ios::app) << "\n# comment\n";
  auto again = refresh::reextract_letters(s, extract::RuleSet::load(changed), {});
  CHECK(again.errors.empty());
  CHECK(again.pdfs_parsed == 0);
  CHECK(again.saved == 1);
}

TEST_CASE("a letter that cannot be re-extracted is reported and keeps its extraction") {
  test::TempDir dir;
  store::Store s(dir.path());
  auto rules = extract::RuleSet::load(test::rules_dir());
  auto layout = synthetic_letter("Barnsley", 2);
  add_letter(s, 80426, "Barnsley", &layout);
  auto no_layout = add_letter(s, 80427, "Lostshire", nullptr);  // no layout, and its PDF is missing
  auto r = refresh::reextract_letters(s, rules, {});
  CHECK(r.extracted == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].find("Lostshire — 2022-07-18: ") == 0);
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE publication_id = " +
                          std::to_string(no_layout.publication_id)) == 0);
}

TEST_CASE("reextract over more letters than one chunk: every letter once, only the outdated ones, errors in place") {
  // Letters are read from the store a page at a time: pages larger than the
  // store, and pages smaller than a chunk that split it anywhere.
  for (size_t page : {size_t{2048}, size_t{7}, size_t{1}}) {
  CAPTURE(page);
  test::TempDir dir;
  store::Store s(dir.path());
  auto rules = extract::RuleSet::load(test::rules_dir());
  const int n = 150;  // more than two chunks
  std::vector<Letter> letters;
  for (int i = 0; i < n; ++i) {
    auto layout = synthetic_letter("Area" + std::to_string(i), 1 + i % 4);
    bool lost = i == 70;  // no layout and no PDF: an error in the second chunk
    letters.push_back(add_letter(s, 81000 + i, "Area" + std::to_string(i), lost ? nullptr : &layout));
  }
  auto first = refresh::reextract_letters(s, rules, {.only_outdated = true, .threads = 2, .page = page});
  CHECK(first.letters == n);
  CHECK(first.extracted == n - 1);
  CHECK(first.saved == n - 1);
  REQUIRE(first.errors.size() == 1);
  CHECK(first.errors[0].find("Area70 — ") == 0);
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE is_current = 1") == n - 1);
  CHECK(count(s.db(), "SELECT COUNT(DISTINCT publication_id) FROM findings f JOIN extractions e ON e.id = f.extraction_id") ==
        n - 1);

  // Nothing outdated but the letter that failed: only it is tried again.
  auto noop = refresh::reextract_letters(s, rules, {.only_outdated = true, .threads = 2, .page = page});
  CHECK(noop.letters == n);
  CHECK(noop.extracted == 0);
  CHECK(noop.errors.size() == 1);
  CHECK(s.letters_outdated_for(rules.version()).size() == 1);

  // New rules: every letter again, each stored once, earlier extractions kept.
  test::TempDir rules_copy;
  fs::path changed = copy_rules(rules_copy.path() / "rules");
  std::ofstream(changed / "sections.toml", std::ios::app) << "\n# comment\n";
  auto rules2 = extract::RuleSet::load(changed);
  CHECK(s.letters_outdated_for(rules2.version()).size() == n);
  auto all = refresh::reextract_letters(s, rules2, {.only_outdated = false, .threads = 3, .page = page});
  CHECK(all.extracted == n - 1);
  CHECK(all.saved == n - 1);
  CHECK(all.changes.empty());
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions") == 2 * (n - 1));
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND rules_version = '" +
                          rules2.version() + "'") == n - 1);
  CHECK(s.letters_outdated_for(rules2.version()).size() == 1);
  }
}

TEST_CASE("status reads runs, counts and warnings without writing, and says when there is no database") {
  test::TempDir dir;
  CHECK_THROWS_WITH_AS(refresh::read_status(dir.path() / "nowhere"),
                       doctest::Contains("no jtai database"), jtai::Error);
  {
    store::Store s(dir.path());
    auto rules = extract::RuleSet::load(test::rules_dir());
    auto layout = synthetic_letter("Barnsley", 2);
    add_letter(s, 80426, "Barnsley", &layout);
    // A letter whose extraction carries warnings, stored before the run.
    extract::Report warned;
    warned.rules_version = "test";
    warned.letter_date = "2019-03-01";
    warned.warnings = {{"no_fieldwork_dates", "no fieldwork dates found"}};
    auto other = add_letter(s, 80427, "Testshire", nullptr);
    s.save_extraction(other.publication_id, other.sha256, warned);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // run times have millisecond resolution
    int64_t run = s.begin_run("reextract", "");
    auto r = refresh::reextract_letters(s, rules, {});
    REQUIRE(r.saved == 1);
    store::RunCounts counts;
    counts.extracted = r.saved;
    s.finish_run(run, store::RunStatus::ok, counts, {}, "Re-extracted 1 letter.");
  }
  auto before = sha256_file(dir.path() / store::kDatabaseName);
  auto report = refresh::read_status(dir.path());
  CHECK(sha256_file(dir.path() / store::kDatabaseName) == before);
  CHECK(report.authorities == 2);
  CHECK(report.jtai_letters == 2);
  CHECK(report.stored_letters == 2);
  CHECK(report.running.empty());
  REQUIRE(report.runs.size() == 1);
  CHECK(report.runs[0].command == "reextract");
  CHECK(report.runs[0].shown_status() == "ok");
  CHECK(report.runs[0].counts.extracted == 1);
  // Only letters whose current extraction has warnings are listed, each with them all.
  store::Db db(dir.path() / store::kDatabaseName, true);
  CHECK(static_cast<int64_t>(report.warned.size()) ==
        count(db, "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND warnings <> '[]'"));
  auto testshire = std::find_if(report.warned.begin(), report.warned.end(),
                                [](const auto& w) { return w.letter == "Testshire — 2019-03-01"; });
  REQUIRE(testshire != report.warned.end());
  CHECK(testshire->urn == 80427);
  CHECK(testshire->warnings == std::vector<std::string>{"no_fieldwork_dates: no fieldwork dates found"});
  CHECK(report.last_run_extracted == std::vector<std::string>{"Barnsley — 2022-07-18"});
  std::string text = refresh::format_status(report);
  CHECK(text.find("Testshire — 2019-03-01 (URN 80427): no_fieldwork_dates: no fieldwork dates found") != std::string::npos);
  CHECK(report.warnings_by_code.at("no_fieldwork_dates") >= 1);
  CHECK(text.find("  by code:") != std::string::npos);
  CHECK(refresh::status_to_json(report)["warnings_by_code"]["no_fieldwork_dates"] == report.warnings_by_code.at("no_fieldwork_dates"));
  CHECK(text.find("Re-extracted 1 letter.") != std::string::npos);
  auto j = refresh::status_to_json(report);
  CHECK(j["runs"][0]["command"] == "reextract");
  CHECK(j["letters_with_warnings"].size() == report.warned.size());

  // While a run holds the lock, status says so (and still does not block it).
  auto lock = refresh::DataDirLock::try_acquire(dir.path(), "refresh");
  REQUIRE(lock.has_value());
  CHECK(refresh::read_status(dir.path()).running.find("jtai refresh (pid") == 0);
}

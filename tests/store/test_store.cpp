// Unit tests for the Store API (store/store.hpp) on a fresh temporary data directory.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <optional>
#include <tuple>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "store/migrations.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai;
using namespace jtai::store;

namespace {

int64_t add_publication(Store& s, const std::string& file_id, const std::string& seen_at, int urn = 80426,
                        const std::string& kind = "jtai") {
  s.upsert_authority({urn, "Barnsley Metropolitan Borough Council", "/provider/44/" + std::to_string(urn)}, seen_at);
  PublicationRow p;
  p.urn = urn;
  p.file_id = file_id;
  p.url = "https://files.ofsted.gov.uk/v1/file/" + file_id;
  p.kind = kind;
  p.title = "Joint area child protection inspection, pdf - 18 July 2022";
  p.published_on = "2022-07-18";
  return s.upsert_publication(p, seen_at);
}

extract::Report sample_report(const std::string& rules_version) {
  extract::Report r;
  r.rules_version = rules_version;
  r.letter_date = "2022-07-18";
  r.priority_actions = {"Act on A."};
  r.improvements = {"Improve B.", "Improve C."};
  r.strengths = {"Strong D."};
  r.case_studies = {{"Practice study: highly effective practice", "highly effective practice", "Story E.", {}}};
  return r;
}

int64_t count(Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  REQUIRE(st.step());
  return st.column_int(0);
}

}  // namespace

TEST_CASE("opening twice migrates once and keeps data") {
  test::TempDir dir;
  {
    Store s(dir.path());
    CHECK(schema_version(s.db()) == latest_schema_version());
    add_publication(s, "1", "2025-01-01T00:00:00.000Z");
  }
  Store again(dir.path());
  CHECK(schema_version(again.db()) == latest_schema_version());
  migrate(again.db());  // idempotent
  CHECK(count(again.db(), "SELECT COUNT(*) FROM publications") == 1);
  CHECK(count(again.db(), "SELECT COUNT(*) FROM authorities") == 1);
}

TEST_CASE("journal mode is WAL") {
  test::TempDir dir;
  Store s(dir.path());
  auto st = s.db().prepare("PRAGMA journal_mode");
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "wal");
}

TEST_CASE("upsert_publication keeps first_seen, updates last_seen and clears gone_since") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t id = add_publication(s, "50212861", "2025-01-01T00:00:00.000Z");
  s.mark_unlisted_publications({80426}, "2025-02-01T00:00:00.000Z");
  auto gone = s.publication_by_file_id("50212861");
  REQUIRE(gone);
  CHECK(gone->gone_since.has_value());
  CHECK(s.jtai_publications_without_file().empty());  // gone ones are not downloaded

  CHECK(add_publication(s, "50212861", "2025-03-01T00:00:00.000Z") == id);
  auto back = s.publication_by_file_id("50212861");
  REQUIRE(back);
  CHECK(back->first_seen == "2025-01-01T00:00:00.000Z");
  CHECK(back->last_seen == "2025-03-01T00:00:00.000Z");
  CHECK_FALSE(back->gone_since.has_value());
}

TEST_CASE("mark_unlisted_publications touches only the given authorities and never deletes") {
  test::TempDir dir;
  Store s(dir.path());
  add_publication(s, "1", "2025-01-01T00:00:00.000Z", 80426);
  add_publication(s, "2", "2025-01-01T00:00:00.000Z", 80418);
  add_publication(s, "3", "2025-02-01T00:00:00.000Z", 80426);  // seen in this run
  s.mark_unlisted_publications({80426}, "2025-02-01T00:00:00.000Z");
  CHECK(s.publication_by_file_id("1")->gone_since.has_value());
  CHECK_FALSE(s.publication_by_file_id("2")->gone_since.has_value());
  CHECK_FALSE(s.publication_by_file_id("3")->gone_since.has_value());
  CHECK(count(s.db(), "SELECT COUNT(*) FROM publications") == 3);
}

TEST_CASE("files: publications without a file, then recorded") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t jtai = add_publication(s, "10", "2025-01-01T00:00:00.000Z");
  add_publication(s, "11", "2025-01-01T00:00:00.000Z", 80426, "focused_visit");
  auto todo = s.jtai_publications_without_file();
  REQUIRE(todo.size() == 1);
  CHECK(todo[0].id == jtai);
  s.record_file({jtai, "reports/80426_barnsley/x.pdf", "abc", 123, "2025-01-01T00:00:00Z"});
  CHECK(s.jtai_publications_without_file().empty());
  auto f = s.file_for(jtai);
  REQUIRE(f);
  CHECK(f->sha256 == "abc");
  CHECK(f->size == 123);
  auto letters = s.stored_letters();
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].authority_name == "Barnsley Metropolitan Borough Council");
  CHECK(s.letters_without_current_extraction().size() == 1);
  CHECK_FALSE(s.file_path_taken("reports/80426_barnsley/x.pdf", jtai));
  CHECK(s.file_path_taken("reports/80426_barnsley/x.pdf", jtai + 100));
  CHECK_FALSE(s.file_path_taken("reports/80426_barnsley/y.pdf", jtai + 100));
}

TEST_CASE("a stored JTAI letter stays a JTAI when a later run misreads its kind") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t jtai = add_publication(s, "20", "2025-01-01T00:00:00.000Z");
  s.record_file({jtai, "reports/80426_barnsley/j.pdf", "abc", 123, "2025-01-01T00:00:00Z"});
  // A changed page layout classifies the same file as something else, with no title.
  PublicationRow misread = *s.publication_by_file_id("20");
  misread.kind = "other";
  misread.title = "";
  s.upsert_publication(misread, "2025-02-01T00:00:00.000Z");
  auto kept = s.publication_by_file_id("20");
  REQUIRE(kept);
  CHECK(kept->kind == "jtai");
  CHECK(kept->title == "Joint area child protection inspection, pdf - 18 July 2022");
  CHECK(s.stored_letters().size() == 1);
  // A publication without a stored file may still be reclassified.
  add_publication(s, "21", "2025-01-01T00:00:00.000Z");
  PublicationRow other = *s.publication_by_file_id("21");
  other.kind = "joint_area_review";
  s.upsert_publication(other, "2025-02-01T00:00:00.000Z");
  CHECK(s.publication_by_file_id("21")->kind == "joint_area_review");
}

TEST_CASE("save_extraction versions, current flag, findings rows and changed flag") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t pub = add_publication(s, "20", "2025-01-01T00:00:00.000Z");
  s.record_file({pub, "reports/a.pdf", "sha", 1, "2025-01-01T00:00:00Z"});

  auto first = s.save_extraction(pub, "sha", sample_report("v1"));
  CHECK(first.findings_changed);
  CHECK(s.current_rules_version(pub) == "v1");
  CHECK(s.letters_without_current_extraction().empty());
  CHECK(count(s.db(), "SELECT COUNT(*) FROM findings WHERE extraction_id = " + std::to_string(first.extraction_id)) == 5);
  CHECK(count(s.db(), "SELECT position FROM findings WHERE section = 'improvement' AND text = 'Improve C.'") == 2);
  {
    auto st = s.db().prepare("SELECT title FROM findings WHERE section = 'case_study'");
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "Practice study: highly effective practice");
    auto none = s.db().prepare("SELECT COUNT(*) FROM findings WHERE section != 'case_study' AND title IS NOT NULL");
    REQUIRE(none.step());
    CHECK(none.column_int(0) == 0);
  }

  auto same = s.save_extraction(pub, "sha", sample_report("v2"));
  CHECK_FALSE(same.findings_changed);
  CHECK(s.current_rules_version(pub) == "v2");
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE publication_id = " + std::to_string(pub)) == 2);
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE is_current = 1") == 1);

  auto changed_report = sample_report("v3");
  changed_report.strengths.push_back("Strong F.");
  auto changed = s.save_extraction(pub, "sha", changed_report);
  CHECK(changed.findings_changed);
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions") == 3);
  // Earlier extractions keep their findings.
  CHECK(count(s.db(), "SELECT COUNT(*) FROM findings WHERE extraction_id = " + std::to_string(first.extraction_id)) == 5);

  // The same rules version again replaces its own row only.
  auto again = s.save_extraction(pub, "sha", changed_report);
  CHECK_FALSE(again.findings_changed);
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions") == 3);
  CHECK(s.current_rules_version(pub) == "v3");

  extract::Report not_jtai;
  not_jtai.kind = extract::Report::Kind::not_jtai;
  not_jtai.reason = "an area SEND inspection";
  not_jtai.rules_version = "v4";
  CHECK(s.save_extraction(pub, "sha", not_jtai).findings_changed);
  auto st = s.db().prepare("SELECT kind, reason FROM extractions WHERE is_current = 1");
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "not_jtai");
  CHECK(st.column_text(1) == "an area SEND inspection");
}

TEST_CASE("an error extraction never hides a readable current one") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t fresh = add_publication(s, "30", "2025-01-01T00:00:00.000Z");
  auto err = s.save_error_extraction(fresh, "sha", "v1", "not a PDF");
  CHECK(err.findings_changed);
  CHECK(s.current_rules_version(fresh) == "v1");
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE kind = 'error' AND reason = 'not a PDF'") == 1);

  int64_t good = add_publication(s, "31", "2025-01-01T00:00:00.000Z");
  s.save_extraction(good, "sha2", sample_report("v1"));
  s.save_error_extraction(good, "sha2", "v2", "broken");
  CHECK(s.current_rules_version(good) == "v1");
  // Same rules version as the readable one: nothing written.
  s.save_error_extraction(good, "sha2", "v1", "broken");
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE publication_id = " + std::to_string(good)) == 2);
}

TEST_CASE("runs: begin, finish, last good crawl, recent") {
  test::TempDir dir;
  Store s(dir.path());
  CHECK_FALSE(s.last_good_crawl());
  int64_t a = s.begin_run("crawl", "http://x");
  RunCounts c;
  c.authorities_seen = 150;
  c.jtai_seen = 48;
  c.requests = 300;
  s.finish_run(a, RunStatus::ok, c, {"one", "two"}, "fine");
  int64_t b = s.begin_run("reextract", "");
  s.finish_run(b, RunStatus::ok, {}, {}, "re");
  auto good = s.last_good_crawl();
  REQUIRE(good);
  CHECK(good->id == a);
  CHECK(good->counts.authorities_seen == 150);
  CHECK(good->messages == std::vector<std::string>{"one", "two"});
  CHECK(s.last_run_with_status(RunStatus::ok)->id == b);
  CHECK(s.last_run_with_status(RunStatus::ok, "crawl")->id == a);
  auto recent = s.recent_runs(5);
  REQUIRE(recent.size() == 2);
  CHECK(recent[0].id == b);
  CHECK(recent[1].summary == "fine");
  CHECK(s.run(a)->ended_at.has_value());
}

TEST_CASE("close_abandoned_runs fails runs whose process is gone, keeps live ones") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t mine = s.begin_run("crawl", "");
  int64_t dead = s.begin_run("crawl", "");
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // a pid that no longer exists
  {
    auto st = s.db().prepare("UPDATE runs SET pid = ?1 WHERE id = ?2");
    st.bind(1, static_cast<int64_t>(child)).bind(2, dead);
    st.run();
  }
  s.close_abandoned_runs();
  CHECK(s.run(mine)->status == RunStatus::running);
  auto closed = s.run(dead);
  REQUIRE(closed);
  CHECK(closed->status == RunStatus::failed);
  CHECK(closed->ended_at.has_value());
  REQUIRE(closed->messages.size() == 1);
  CHECK(closed->messages[0].find("abandoned") != std::string::npos);
}

TEST_CASE("close_abandoned_runs fails the run of a process that exited but was not yet reaped") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t killed = s.begin_run("refresh", "");
  pid_t child = fork();
  if (child == 0) _exit(0);
  // Not reaped yet: the pid is a zombie, which kill(pid, 0) still reports as existing.
  for (int i = 0; i < 200; ++i) {
    if (siginfo_t info{}; waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                          info.si_pid == child)
      break;
    usleep(10'000);
  }
  {
    auto st = s.db().prepare("UPDATE runs SET pid = ?1 WHERE id = ?2");
    st.bind(1, static_cast<int64_t>(child)).bind(2, killed);
    st.run();
  }
  s.close_abandoned_runs();
  waitpid(child, nullptr, 0);
  CHECK(s.run(killed)->status == RunStatus::failed);
}

TEST_CASE("layouts and http cache round-trip") {
  test::TempDir dir;
  Store s(dir.path());
  std::string blob("\0\1\2binary", 9);
  s.save_layout("sha", 1, blob);
  CHECK(s.load_layout("sha", 1) == blob);
  CHECK_FALSE(s.load_layout("sha", 2));
  CHECK_FALSE(s.http_cache("http://x/a"));
  s.save_http_cache("http://x/a", {std::string("\"e1\""), std::nullopt}, 200);
  auto e = s.http_cache("http://x/a");
  REQUIRE(e);
  CHECK(e->etag == "\"e1\"");
  CHECK_FALSE(e->last_modified);
}

TEST_CASE("a transaction inside a transaction is a savepoint: it rolls back alone") {
  test::TempDir dir;
  Store s(dir.path());
  {
    Transaction outer(s.db());
    add_publication(s, "1", "2025-01-01T00:00:00.000Z");  // its own Transaction, nested
    {
      Transaction inner(s.db());
      s.db().exec("INSERT INTO authorities (urn, name, provider_path, first_seen, last_seen) "
                  "VALUES (1, 'Gone', '/p/1', 'x', 'x')");
    }  // not committed: only this write is undone
    outer.commit();
  }
  CHECK(count(s.db(), "SELECT COUNT(*) FROM publications") == 1);
  CHECK(count(s.db(), "SELECT COUNT(*) FROM authorities WHERE urn = 1") == 0);
  {
    Transaction outer(s.db());
    add_publication(s, "2", "2025-01-01T00:00:00.000Z");
  }  // the outer one rolled back: the nested commit goes with it
  CHECK(count(s.db(), "SELECT COUNT(*) FROM publications") == 1);
}

TEST_CASE("letters_outdated_for, count_stored_letters and current_record read only what they need") {
  test::TempDir dir;
  Store s(dir.path());
  const std::string seen = "2025-01-01T00:00:00.000Z";
  int64_t a = add_publication(s, "1", seen);
  int64_t b = add_publication(s, "2", seen);
  add_publication(s, "3", seen);  // no file: not a stored letter
  s.record_file({a, "reports/a.pdf", "aaa", 1, seen});
  s.record_file({b, "reports/b.pdf", "bbb", 1, seen});
  CHECK(s.count_stored_letters() == 2);
  CHECK(s.letters_outdated_for("v1").size() == 2);
  CHECK_FALSE(s.current_record(a).has_value());
  s.save_extraction(a, "aaa", sample_report("v1"));
  auto outdated = s.letters_outdated_for("v1");
  REQUIRE(outdated.size() == 1);
  CHECK(outdated[0].publication.id == b);
  CHECK(s.letters_outdated_for("v2").size() == 2);
  auto rec = s.current_record(a);
  REQUIRE(rec.has_value());
  CHECK(rec->rules_version == "v1");
  CHECK(rec->kind == "jtai");
  CHECK(extract::report_from_json(nlohmann::json::parse(rec->report_json)).strengths.size() == 1);
  // Saving again reuses the kept statements and still replaces the current row.
  s.save_extraction(a, "aaa", sample_report("v2"));
  CHECK(s.current_record(a)->rules_version == "v2");
  CHECK(count(s.db(), "SELECT COUNT(*) FROM extractions WHERE publication_id = " + std::to_string(a)) == 2);
}

TEST_CASE("stored letters a page at a time: the same letters in the same order, whatever the page size") {
  test::TempDir dir;
  Store s(dir.path());
  const std::string seen = "2025-01-01T00:00:00.000Z";
  // Several letters per authority, equal dates, and letters with no date (they sort first).
  const std::vector<std::tuple<int, std::optional<std::string>>> letters = {
      {80430, "2023-07-14"}, {80426, "2022-07-18"}, {80426, std::nullopt}, {80426, "2016-05-01"},
      {80428, "2023-03-31"}, {80426, "2022-07-18"}, {80430, std::nullopt}, {80428, "2019-01-01"}};
  int file = 0;
  for (const auto& [urn, date] : letters) {
    s.upsert_authority({urn, "Area " + std::to_string(urn), "/provider/44/" + std::to_string(urn)}, seen);
    PublicationRow p;
    p.urn = urn;
    p.file_id = std::to_string(++file);
    p.url = "https://files.ofsted.gov.uk/v1/file/" + p.file_id;
    p.kind = "jtai";
    p.title = "Joint area child protection inspection";
    p.published_on = date;
    int64_t id = s.upsert_publication(p, seen);
    s.record_file({id, "reports/" + p.file_id + ".pdf", "sha" + p.file_id, 1, seen});
  }
  auto ids = [](const std::vector<StoredLetter>& v) {
    std::vector<int64_t> out;
    for (const auto& l : v) out.push_back(l.publication.id);
    return out;
  };
  const auto all = s.stored_letters();
  REQUIRE(all.size() == letters.size());
  CHECK_FALSE(all.front().publication.published_on.has_value());  // 80426 with no date first
  s.save_extraction(all[2].publication.id, all[2].file.sha256, sample_report("v1"));
  const auto outdated = s.letters_outdated_for("v1");
  REQUIRE(outdated.size() == letters.size() - 1);
  for (size_t page : {size_t{1}, size_t{2}, size_t{3}, size_t{8}, size_t{100}}) {
    CAPTURE(page);
    for (bool only_outdated : {false, true}) {
      std::vector<StoredLetter> paged;
      std::optional<StoredLetter> after;
      for (int guard = 0; guard < 100; ++guard) {
        auto next = only_outdated ? s.letters_outdated_page("v1", after ? &*after : nullptr, page)
                                  : s.stored_letters_page(after ? &*after : nullptr, page);
        CHECK(next.size() <= page);
        if (next.empty()) break;
        after = next.back();
        paged.insert(paged.end(), next.begin(), next.end());
      }
      CHECK(ids(paged) == ids(only_outdated ? outdated : all));
    }
  }
  auto one = s.stored_letter(all[3].publication.id);
  REQUIRE(one.has_value());
  CHECK(one->file.sha256 == all[3].file.sha256);
  CHECK_FALSE(s.stored_letter(999999).has_value());
}

TEST_CASE("Report v2: round, focus, sub-headings, case-study kinds and coded warnings are stored") {
  test::TempDir dir;
  Store s(dir.path());
  int64_t pub = add_publication(s, "30", "2025-01-01T00:00:00.000Z");
  auto r = sample_report("v1");
  r.round = "jtai-2022-front-door";
  r.focus = "identification of initial need and risk";
  r.improvements[1].subheading = "Health";
  r.warnings = {{"unrecognised_heading", "heading 'Areas for development' read as improvements"}};
  auto saved = s.save_extraction(pub, "sha", r);
  auto id = std::to_string(saved.extraction_id);
  {
    auto st = s.db().prepare("SELECT round, focus, warnings FROM extractions WHERE id = " + id);
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "jtai-2022-front-door");
    CHECK(st.column_text(1) == "identification of initial need and risk");
    auto w = nlohmann::json::parse(st.column_text(2));
    REQUIRE(w.size() == 1);
    CHECK(w[0]["code"] == "unrecognised_heading");
  }
  auto sub = s.db().prepare("SELECT text FROM findings WHERE subheading = 'Health' AND extraction_id = " + id);
  REQUIRE(sub.step());
  CHECK(sub.column_text(0) == "Improve C.");
  CHECK(count(s.db(), "SELECT COUNT(*) FROM findings WHERE subheading IS NOT NULL") == 1);
  auto kind = s.db().prepare("SELECT kind FROM findings WHERE section = 'case_study' AND extraction_id = " + id);
  REQUIRE(kind.step());
  CHECK(kind.column_text(0) == "highly effective practice");
}

TEST_CASE("a schema-1 database migrates to Report v2 and keeps its rows") {
  test::TempDir dir;
  // A version-1 database as an older jtai left it, then opened by this one.
  {
    Store s(dir.path());
    int64_t pub = add_publication(s, "40", "2025-01-01T00:00:00.000Z");
    s.save_extraction(pub, "sha", sample_report("old"));
    // Undo migrations 5, 4, 3 and 2 the way an old jtai left the file: drop the new tables and columns.
    s.db().exec("DROP TABLE quarantine; DROP TABLE search_fts; DROP TABLE search_items;"
                "ALTER TABLE findings DROP COLUMN agency; ALTER TABLE findings DROP COLUMN agencies;");
    s.db().exec("ALTER TABLE extractions DROP COLUMN round; ALTER TABLE extractions DROP COLUMN focus;"
                "ALTER TABLE findings DROP COLUMN subheading; ALTER TABLE findings DROP COLUMN kind;"
                "ALTER TABLE runs DROP COLUMN selectors;"  // migration 3 (the crawler's selector record)
                "PRAGMA user_version = 1;");
  }
  Store again(dir.path());
  CHECK(schema_version(again.db()) == latest_schema_version());
  CHECK(count(again.db(), "SELECT COUNT(*) FROM findings") == 5);
  CHECK(count(again.db(), "SELECT COUNT(*) FROM findings WHERE subheading IS NULL AND kind IS NULL") == 5);
  CHECK(count(again.db(), "SELECT COUNT(*) FROM extractions WHERE round IS NULL AND focus IS NULL") == 1);
  // Migration 4 indexes the rows already stored, with no agencies until the next re-extraction.
  CHECK(count(again.db(), "SELECT COUNT(*) FROM findings WHERE agency IS NULL AND agencies = '[]'") == 5);
  CHECK(count(again.db(), "SELECT COUNT(*) FROM search_items") == 5);
  CHECK(count(again.db(), "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH 'improve'") == 2);
}

TEST_CASE("migration 5: quarantine, and 'interrupted' runs; run rows survive the rebuilt runs table") {
  test::TempDir dir;
  {
    Store s(dir.path());
    int64_t run = s.begin_run("crawl", "http://x");
    s.finish_run(run, RunStatus::ok, {}, {"a message"}, "summary");
    s.db().exec("DROP TABLE quarantine; PRAGMA user_version = 4;");
  }
  Store s(dir.path());
  CHECK(schema_version(s.db()) == latest_schema_version());
  auto runs = s.recent_runs(5);
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].messages == std::vector<std::string>{"a message"});
  int64_t run = s.begin_run("refresh", "http://x");
  s.finish_run(run, RunStatus::interrupted, {}, {}, "stopped");
  CHECK(s.run(run)->status == RunStatus::interrupted);

  int64_t pub = add_publication(s, "41", "2025-01-01T00:00:00.000Z");
  CHECK(s.quarantined().empty());
  s.quarantine(pub, "sha-a", "crashed", "PDF parsing crashed (SIGSEGV)", "0.1.0", "rules1");
  CHECK(s.should_skip(pub, "sha-a", "0.1.0", "rules1"));
  CHECK_FALSE(s.should_skip(pub, "sha-a", "0.2.0", "rules1"));  // a new program version tries again
  CHECK_FALSE(s.should_skip(pub, "sha-a", "0.1.0", "rules2"));  // so do new rules
  CHECK_FALSE(s.should_skip(pub, "sha-b", "0.1.0", "rules1"));  // and a new PDF
  s.quarantine(pub, "sha-a", "timed_out", "too slow", "0.1.0", "rules1");
  auto q = s.quarantined();
  REQUIRE(q.size() == 1);
  CHECK(q[0].attempts == 2);
  CHECK(q[0].failure == "timed_out");
  s.release_quarantine(pub);
  CHECK(s.quarantined().empty());
}

TEST_CASE("a crawl's selector record is stored with its run") {
  test::TempDir dir;
  Store s(dir.path());
  const int64_t id = s.begin_run("crawl", "http://127.0.0.1");
  CHECK(s.run(id)->selectors == "{}");
  s.save_run_selectors(id, R"({"[listing] provider_link":{"alternatives":["a"],"pages":[2],"none":0,"optional":false}})");
  s.finish_run(id, RunStatus::ok, {}, {}, "done");
  CHECK(s.run(id)->selectors.find("provider_link") != std::string::npos);
  CHECK(s.recent_runs(1).front().selectors == s.run(id)->selectors);
}

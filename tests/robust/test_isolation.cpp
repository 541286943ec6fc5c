// The sandboxed extraction runner (extract/isolated.hpp) and the small
// guards of issue 8: printable text, bounded names, real dates, store health.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <set>
#include <thread>

#include <chrono>
#include <fstream>

#include "common/files.hpp"
#include "common/text.hpp"
#include "extract/isolated.hpp"
#include "store/health.hpp"
#include "store/store.hpp"
#include "tests/support/pdf_builder.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai;
using extract::IsolatedResult;
namespace fs = std::filesystem;

namespace {

const extract::RuleSet& rules() {
  static const extract::RuleSet r = extract::RuleSet::load(test::rules_dir());
  return r;
}

fs::path write(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

std::string small_letter() {
  return test::text_pdf({"18 July 2022", "Joint targeted area inspection of Anytown",
                         "This letter summarises the findings of the joint targeted area inspection (JTAI)."});
}

}  // namespace

TEST_CASE("a readable PDF comes back from the child with its report and layout") {
  test::TempDir tmp;
  auto pdf = write(tmp.path() / "a.pdf", small_letter());
  extract::IsolatedExtractor runner(rules(), {}, 1);
  auto r = runner.run_one({pdf, std::nullopt});
  REQUIRE(r.status == IsolatedResult::Status::ok);
  REQUIRE(r.report);
  CHECK(r.report->rules_version == rules().version());
  // The layout is the one the parent would have read itself.
  CHECK(extract::decode_layout(r.layout) == extract::read_layout(pdf));
  CHECK_FALSE(r.quarantine());
}

TEST_CASE("unreadable, missing and non-regular files are unreadable, not quarantined") {
  test::TempDir tmp;
  auto bad = write(tmp.path() / "bad.pdf", "%PDF-1.4\ngarbage\n");
  extract::IsolatedExtractor runner(rules(), {}, 2);
  for (const fs::path& p : {bad, tmp.path() / "missing.pdf", fs::path("/dev/zero"), tmp.path()}) {
    auto r = runner.run_one({p, std::nullopt});
    INFO(p.string() << ": " << r.reason);
    CHECK(r.status == IsolatedResult::Status::unreadable);
    CHECK_FALSE(r.quarantine());
    CHECK(r.reason.find(p.string()) != std::string::npos);
  }
}

TEST_CASE("a child that crashes costs only its own file") {
  test::TempDir tmp;
  auto good = write(tmp.path() / "good.pdf", small_letter());
  auto doomed = write(tmp.path() / "doomed-crash.pdf", small_letter());
  ::setenv("JTAI_TEST_CRASH_CHILD", "doomed-crash", 1);
  extract::IsolatedExtractor runner(rules(), {}, 2);
  std::vector<IsolatedResult> results(3);
  size_t done = runner.run({{good, std::nullopt}, {doomed, std::nullopt}, {good, std::nullopt}},
                           [&](size_t i, IsolatedResult&& r) { results[i] = std::move(r); });
  ::unsetenv("JTAI_TEST_CRASH_CHILD");
  CHECK(done == 3);
  CHECK(results[0].status == IsolatedResult::Status::ok);
  CHECK(results[1].status == IsolatedResult::Status::crashed);
  CHECK(results[1].reason.find("SIGSEGV") != std::string::npos);
  CHECK(results[1].quarantine());
  CHECK(results[2].status == IsolatedResult::Status::ok);
}

// ---- reused workers (issue 11) ----------------------------------------------------

namespace {

// Small letter number i, with its own text, so that a result cannot pass for another's.
extract::IsolatedTask good_letter(const fs::path& dir, int i) {
  auto p = write(dir / ("letter" + std::to_string(i) + ".pdf"),
                 test::text_pdf({std::to_string(1 + i % 28) + " July 2022",
                                 "Joint targeted area inspection of Town" + std::to_string(i),
                                 "This letter summarises the findings of the joint targeted area inspection (JTAI).",
                                 "Line " + std::to_string(i * 7919) + " of this letter."}));
  return {p, std::nullopt};
}

std::vector<extract::IsolatedTask> small_letters(const fs::path& dir, int n) {
  std::vector<extract::IsolatedTask> tasks;
  for (int i = 0; i < n; ++i) tasks.push_back(good_letter(dir, i));
  return tasks;
}

// Letters in order: "" is the next good letter (numbered through the whole
// list, so no two share a text); a name is NAME.pdf holding `bytes`, the
// target of a fault hook (no good letter's name contains it).
std::vector<extract::IsolatedTask> lineup(const fs::path& dir, std::initializer_list<std::string> names,
                                          const std::string& bytes = small_letter()) {
  std::vector<extract::IsolatedTask> tasks;
  int good = 0;
  for (const auto& name : names)
    tasks.push_back(name.empty() ? good_letter(dir, good++)
                                 : extract::IsolatedTask{write(dir / (name + ".pdf"), bytes), std::nullopt});
  return tasks;
}

std::vector<IsolatedResult> run_all(const std::vector<extract::IsolatedTask>& tasks, extract::IsolationLimits limits,
                                    int jobs) {
  extract::IsolatedExtractor runner(rules(), limits, jobs);
  std::vector<IsolatedResult> results(tasks.size());
  std::vector<int> calls(tasks.size(), 0);
  size_t done = runner.run(tasks, [&](size_t i, IsolatedResult&& r) {
    ++calls[i];
    results[i] = std::move(r);
  });
  CHECK(done == tasks.size());
  for (int c : calls) CHECK(c == 1);  // one callback per task, retries included
  return results;
}

// No child of this process is left, running or zombie.
bool no_children_left() {
  int st = 0;
  return ::waitpid(-1, &st, WNOHANG) < 0 && errno == ECHILD;
}

struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  const char* name_;
};

extract::IsolationLimits fresh_child_per_letter() {
  extract::IsolationLimits l;
  l.letters_per_worker = 1;  // the sandbox as it was before workers were reused
  return l;
}

}  // namespace

TEST_CASE("many letters through 1 and 2 reused workers give the results of a fresh child per letter") {
  test::TempDir tmp;
  auto tasks = small_letters(tmp.path(), 12);
  tasks.push_back({tmp.path() / "missing.pdf", std::nullopt});
  tasks.insert(tasks.begin() + 5, {write(tmp.path() / "bad.pdf", "%PDF-1.4\ngarbage\n"), std::nullopt});
  auto reference = run_all(tasks, fresh_child_per_letter(), 2);
  for (int jobs : {1, 2}) {
    CAPTURE(jobs);
    auto results = run_all(tasks, {}, jobs);
    std::set<long> workers;
    for (size_t i = 0; i < tasks.size(); ++i) {
      CAPTURE(tasks[i].pdf.string());
      CHECK(results[i].status == reference[i].status);
      CHECK(results[i].reason == reference[i].reason);
      CHECK(results[i].layout == reference[i].layout);
      REQUIRE(results[i].report.has_value() == reference[i].report.has_value());
      if (results[i].report) CHECK(extract::to_json(*results[i].report) == extract::to_json(*reference[i].report));
      CHECK(results[i].retried_after.empty());
      if (results[i].worker_pid) workers.insert(results[i].worker_pid);
    }
    CHECK(results[0].status == IsolatedResult::Status::ok);
    CHECK(results[5].status == IsolatedResult::Status::unreadable);
    CHECK(static_cast<int>(workers.size()) <= jobs);  // reused, `jobs` at most
    CHECK(no_children_left());
  }
  // The reference really had one child per letter.
  std::set<long> children;
  for (auto& r : reference)
    if (r.worker_pid) children.insert(r.worker_pid);
  CHECK(children.size() == tasks.size() - 1);  // all but missing.pdf (refused before any child)
}

TEST_CASE("the corpus through reused workers gives the results of a fresh child per letter") {
  if (!test::have_shared_corpus()) {
    MESSAGE("skipped: no shared corpus at " << test::shared_dir());
    return;
  }
  std::vector<extract::IsolatedTask> tasks;
  for (const auto& dir : fs::directory_iterator(test::shared_dir() / "corpus"))
    for (const auto& e : fs::recursive_directory_iterator(dir.path()))
      if (e.path().extension() == ".pdf") tasks.push_back({e.path(), extract::urn_from_path(e.path())});
  std::sort(tasks.begin(), tasks.end(), [](auto& a, auto& b) { return a.pdf < b.pdf; });
  REQUIRE(tasks.size() >= 50);
  auto reference = run_all(tasks, fresh_child_per_letter(), 2);
  auto results = run_all(tasks, {}, 2);
  for (size_t i = 0; i < tasks.size(); ++i) {
    CAPTURE(tasks[i].pdf.string());
    REQUIRE(results[i].status == reference[i].status);
    CHECK(results[i].layout == reference[i].layout);
    if (results[i].report) CHECK(extract::to_json(*results[i].report) == extract::to_json(*reference[i].report));
  }
}

TEST_CASE("a crashing letter between good letters is quarantined alone; the letters after it are fine") {
  test::TempDir tmp;
  auto tasks = small_letters(tmp.path(), 6);
  tasks.insert(tasks.begin() + 2, {write(tmp.path() / "doomed-crash.pdf", small_letter()), std::nullopt});
  ScopedEnv crash("JTAI_TEST_CRASH_CHILD", "doomed-crash");
  for (int jobs : {1, 2}) {
    CAPTURE(jobs);
    auto results = run_all(tasks, {}, jobs);
    for (size_t i = 0; i < tasks.size(); ++i) {
      CAPTURE(i);
      if (i == 2) continue;
      CHECK(results[i].status == IsolatedResult::Status::ok);
      CHECK(results[i].retried_after.empty());
    }
    const auto& doomed = results[2];
    CHECK(doomed.status == IsolatedResult::Status::crashed);
    CHECK(doomed.quarantine());
    CHECK(doomed.worker_letters == 0);  // the verdict of a fresh worker
    if (jobs == 1) {
      // It first crashed in the worker that had parsed letters 0 and 1, then again in a fresh one.
      CHECK(doomed.retried_after.find("crashed") != std::string::npos);
      CHECK(doomed.retried_after.find("2 other letter(s)") != std::string::npos);
      // The letters after it share one worker again.
      CHECK(results[3].worker_pid == results[6].worker_pid);
      CHECK(results[6].worker_letters == 3);
    }
    CHECK(no_children_left());
  }
}

TEST_CASE("a letter that fails only in a reused worker is retried in a fresh one and not quarantined") {
  test::TempDir tmp;
  auto tasks = lineup(tmp.path(), {"", "", "", "victim", ""});
  ScopedEnv crash("JTAI_TEST_CRASH_REUSED_WORKER", "victim");
  auto results = run_all(tasks, {}, 1);
  const auto& victim = results[3];
  INFO(victim.reason);
  CHECK(victim.status == IsolatedResult::Status::ok);
  CHECK_FALSE(victim.quarantine());
  REQUIRE(victim.report);
  CHECK(victim.worker_letters == 0);
  CHECK(victim.worker_pid != results[2].worker_pid);
  CHECK(victim.retried_after.find("crashed (SIGSEGV)") != std::string::npos);
  CHECK(victim.retried_after.find("3 other letter(s)") != std::string::npos);
  CHECK(results[4].status == IsolatedResult::Status::ok);
  // First in a fresh worker, the same letter is simply parsed.
  auto first = run_all({tasks[3]}, {}, 1);
  CHECK(first[0].status == IsolatedResult::Status::ok);
  CHECK(first[0].retried_after.empty());
  CHECK(no_children_left());
}

TEST_CASE("a worker killed between letters costs nothing, and the parent survives writing to it") {
  test::TempDir tmp;
  auto tasks = small_letters(tmp.path(), 4);
  extract::IsolatedExtractor runner(rules(), {}, 1);
  std::vector<IsolatedResult> results(tasks.size());
  runner.run(tasks, [&](size_t i, IsolatedResult&& r) {
    if (i == 1) {  // the worker now waits for its next letter: kill it there
      ::kill(static_cast<pid_t>(r.worker_pid), SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    results[i] = std::move(r);
  });
  for (auto& r : results) CHECK(r.status == IsolatedResult::Status::ok);
  CHECK(results[2].worker_letters == 0);
  CHECK(results[2].retried_after.find("SIGKILL") != std::string::npos);
  CHECK(no_children_left());
}

TEST_CASE("damaged answers are failures of their letter, never of the run") {
  test::TempDir tmp;
  auto tasks = lineup(tmp.path(), {"", "", "damaged-body", "", "damaged-huge", ""});
  ScopedEnv damage("JTAI_TEST_DAMAGE_CHILD", "damaged");
  auto results = run_all(tasks, {}, 1);
  for (size_t i : {0, 1, 3, 5}) CHECK(results[i].status == IsolatedResult::Status::ok);
  for (size_t i : {2, 4}) {
    CAPTURE(results[i].reason);
    CHECK(results[i].status == IsolatedResult::Status::failed);
    CHECK(results[i].quarantine());
    CHECK(results[i].reason.find("damaged result") != std::string::npos);
    CHECK_FALSE(results[i].retried_after.empty());  // first in a reused worker
  }
  CHECK(results[4].reason.find("too large") != std::string::npos);
  CHECK(no_children_left());
}

TEST_CASE("the CPU limit holds per letter in a reused worker") {
  test::TempDir tmp;
  extract::IsolationLimits limits;
  limits.cpu_seconds = 1;
  SUBCASE("a CPU bomb after several good letters is stopped at the limit") {
    auto tasks = lineup(tmp.path(), {"", "", "", "bomb", ""}, test::text_bomb_pdf(300000));
    auto results = run_all(tasks, limits, 1);
    for (size_t i : {0, 1, 2, 4}) CHECK(results[i].status == IsolatedResult::Status::ok);
    INFO(results[3].reason);
    CHECK(results[3].status == IsolatedResult::Status::cpu_limit);
    CHECK(results[3].retried_after.find("cpu_limit") != std::string::npos);
  }
  SUBCASE("letters that together use more CPU than the limit each stay within it") {
    // Each medium bomb takes well under a second; together they take several.
    std::vector<extract::IsolatedTask> tasks;
    for (int i = 0; i < 8; ++i)
      tasks.push_back({write(tmp.path() / ("medium" + std::to_string(i) + ".pdf"), test::text_bomb_pdf(12000)),
                       std::nullopt});
    auto results = run_all(tasks, limits, 1);
    double total = 0;
    for (auto& r : results) {
      INFO(r.reason);
      CHECK(r.status == IsolatedResult::Status::ok);
      CHECK(r.retried_after.empty());  // no limit was hit, not even in the first attempt
      total += r.seconds;
    }
    CHECK(results.back().worker_pid == results.front().worker_pid);
    CHECK(results.back().worker_letters == 7);
    MESSAGE("8 medium bombs in one worker took " << total << " s");
  }
}

TEST_CASE("workers are replaced after N letters and when their memory grows") {
  test::TempDir tmp;
  auto tasks = small_letters(tmp.path(), 7);
  extract::IsolationLimits limits;
  limits.letters_per_worker = 3;
  auto results = run_all(tasks, limits, 1);
  for (size_t i = 0; i < tasks.size(); ++i) {
    CHECK(results[i].status == IsolatedResult::Status::ok);
    CHECK(results[i].worker_letters == static_cast<int>(i % 3));
    CHECK(results[i].worker_pid == results[i - i % 3].worker_pid);
  }
  CHECK(std::set<long>{results[0].worker_pid, results[3].worker_pid, results[6].worker_pid}.size() == 3);
  CHECK(no_children_left());

  // A letter that makes the worker's memory grow past the bound retires it.
  std::vector<extract::IsolatedTask> big = lineup(tmp.path(), {"", "big", ""}, test::text_bomb_pdf(30000));
  extract::IsolationLimits tight;
  tight.worker_rss_mb = 8;
  auto grown = run_all(big, tight, 1);
  CHECK(grown[1].worker_letters == 1);
  CHECK(grown[2].status == IsolatedResult::Status::ok);
  CHECK(grown[2].worker_letters == 0);
  CHECK(grown[2].worker_pid != grown[1].worker_pid);
}

TEST_CASE("a text bomb is stopped by the program's own limits") {
  test::TempDir tmp;
  auto bomb = write(tmp.path() / "bomb.pdf", test::text_bomb_pdf(300000));
  SUBCASE("wall-clock limit") {
    extract::IsolationLimits limits;
    limits.wall_seconds = 1;
    extract::IsolatedExtractor runner(rules(), limits, 1);
    auto started = std::chrono::steady_clock::now();
    auto r = runner.run_one({bomb, std::nullopt});
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(r.reason);
    CHECK(r.status == IsolatedResult::Status::timed_out);
    CHECK(r.quarantine());
    CHECK(took < 10);  // killed, not waited for
  }
  SUBCASE("CPU limit") {
    extract::IsolationLimits limits;
    limits.cpu_seconds = 1;
    limits.wall_seconds = 120;
    extract::IsolatedExtractor runner(rules(), limits, 1);
    auto r = runner.run_one({bomb, std::nullopt});
    INFO(r.reason);
    CHECK(r.status == IsolatedResult::Status::cpu_limit);
  }
  SUBCASE("memory limit") {
    extract::IsolationLimits limits;
    limits.memory_mb = 16;  // below the 64 MB the options allow: fails fast, however busy the machine
    extract::IsolatedExtractor runner(rules(), limits, 1);
    auto r = runner.run_one({bomb, std::nullopt});
    INFO(r.reason);
    CHECK(r.status == IsolatedResult::Status::out_of_memory);
  }
}

TEST_CASE("a stop request kills the running children and starts no more") {
  test::TempDir tmp;
  auto bomb = write(tmp.path() / "bomb.pdf", test::text_bomb_pdf(300000));
  extract::IsolatedExtractor runner(rules(), {}, 2);
  auto started = std::chrono::steady_clock::now();
  int callbacks = 0;
  size_t done = runner.run(
      {{bomb, std::nullopt}, {bomb, std::nullopt}, {bomb, std::nullopt}}, [&](size_t, IsolatedResult&&) { ++callbacks; },
      [&] { return std::chrono::steady_clock::now() - started > std::chrono::milliseconds(500); });
  CHECK(done == 0);
  CHECK(callbacks == 0);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(no_children_left());
}

TEST_CASE("a stop request mid-run, with idle and busy workers, leaves no child") {
  test::TempDir tmp;
  auto tasks = lineup(tmp.path(), {"", "", "", "bomb", "", "", "", ""}, test::text_bomb_pdf(300000));
  extract::IsolatedExtractor runner(rules(), {}, 2);
  std::vector<size_t> called;
  size_t done = runner.run(
      tasks, [&](size_t i, IsolatedResult&&) { called.push_back(i); },
      [&] { return called.size() >= 4; });  // the bomb is still being parsed then
  CHECK(done == called.size());
  CHECK(std::find(called.begin(), called.end(), 3) == called.end());
  CHECK(no_children_left());
}

TEST_CASE("site.toml [extraction] sets the limits; nonsense is a rule error") {
  test::TempDir tmp;
  write(tmp.path() / "site.toml", "[extraction]\ntimeout_seconds = 30\ncpu_seconds = 20\nmemory_mb = 512\n");
  auto l = extract::IsolationLimits::load(tmp.path());
  CHECK(l.wall_seconds == 30);
  CHECK(l.cpu_seconds == 20);
  CHECK(l.memory_mb == 512);
  auto defaults = extract::IsolationLimits::load(tmp.path() / "nowhere");
  CHECK(defaults.wall_seconds == 120);
  write(tmp.path() / "site.toml", "[extraction]\ntimeout_seconds = nan\n");
  CHECK_THROWS_AS(extract::IsolationLimits::load(tmp.path()), RuleError);
  write(tmp.path() / "site.toml", "[extraction]\nmemory_mb = 'lots'\n");
  CHECK_THROWS_AS(extract::IsolationLimits::load(tmp.path()), RuleError);
  // The shipped rules load, with room to spare for real letters.
  auto shipped = extract::IsolationLimits::load(test::rules_dir());
  CHECK(shipped.invalid().empty());
}

TEST_CASE("printable() neutralises control characters; names are bounded and clean") {
  CHECK(printable("Barnsley \x1b[2J\x1b]0;x\x07 ok") == "Barnsley ?[2J?]0;x? ok");
  CHECK(printable("a\nb\r\tc\x7f") == "a b \tc?");
  CHECK(printable("caf\xc3\xa9 \xc2\x9b" "31m") == "caf\xc3\xa9 ?31m");  // U+009B (CSI) is a control too

  CHECK(safe_name_component("../etc/passwd") == "-etc-passwd");
  CHECK(safe_name_component("a\x1b[31mb\x01") == "a[31mb");
  std::string long_name(300, 'x');
  auto a = safe_name_component(long_name + "1"), b = safe_name_component(long_name + "2");
  CHECK(a.size() <= 100);
  CHECK(a != b);  // the hash keeps them apart
  std::string accents;
  for (int i = 0; i < 80; ++i) accents += "\xc3\xa9";
  auto cut = safe_name_component(accents);
  CHECK(cut.size() <= 100);
  CHECK(cut.find('~') != std::string::npos);
  // Whole UTF-8 characters only.
  CHECK((cut.find('~') % 2) == 0);
}

TEST_CASE("only real dates are dates") {
  CHECK(parse_day_month_year("29 February 2024") == "2024-02-29");
  CHECK_FALSE(parse_day_month_year("29 February 2023"));
  CHECK_FALSE(parse_day_month_year("31 April 2023"));
  CHECK_FALSE(parse_day_month_year("99 March 2023"));
  CHECK_FALSE(parse_day_month_year("1 March 99999"));
  CHECK(iso_date("2023-03-31T00:00:00Z") == "2023-03-31");
  CHECK_FALSE(iso_date("9999-99-99"));
  CHECK_FALSE(iso_date("2023-02-30"));
  CHECK_FALSE(iso_date("2023-3-1"));
}

TEST_CASE("store health: a damaged store is noticed, backups are whole and bounded") {
  test::TempDir tmp;
  {
    store::Store s(tmp.path());
    s.upsert_authority({80426, "Barnsley", "/provider/44/80426"}, store::timestamp_now());
    CHECK(store::check_database(s.db(), true).empty());
    for (int i = 0; i < 5; ++i) store::backup_store(s.db(), tmp.path(), 3);
  }
  int backups = 0;
  for (const auto& e : fs::directory_iterator(tmp.path() / "backups")) {
    ++backups;
    store::Db copy(e.path(), true);
    CHECK(store::check_database(copy, true).empty());
    auto st = copy.prepare("SELECT name FROM authorities");
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "Barnsley");
  }
  CHECK(backups == 3);
  CHECK_NOTHROW(store::require_healthy_store(tmp.path()));

  // Overwrite pages in the middle of the file.
  const fs::path db = tmp.path() / store::kDatabaseName;
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    for (std::streamoff off = 4096; off < static_cast<std::streamoff>(fs::file_size(db)); off += 4096 * 2) {
      f.seekp(off + 8);
      f.write("\xde\xad\xbe\xef garbage garbage garbage", 28);
    }
  }
  try {
    store::require_healthy_store(tmp.path());
    FAIL("a damaged store passed the check");
  } catch (const store::StoreDamaged& e) {
    std::string m = e.what();
    CHECK(m.find("damaged") != std::string::npos);
    CHECK(m.find("backups") != std::string::npos);
    CHECK(m.find("Restoring the store") != std::string::npos);
  }
}

// The sandboxed extraction runner (extract/isolated.hpp) and the small
// guards of issue 8: printable text, bounded names, real dates, store health.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <stdlib.h>

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

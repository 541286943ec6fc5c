// Issue 8 as a user meets it: the jtai process against the loopback test site
// (tests/testsite) with hostile input. The limits are the program's own
// (--pdf-timeout), never the machine's.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "store/db.hpp"
#include "store/store.hpp"
#include "tests/support/pdf_builder.hpp"
#include "tests/support/test_support.hpp"
#include "tests/testsite/testsite.hpp"

using namespace jtai;
namespace fs = std::filesystem;

namespace {

struct Site {
  testsite::TestSite site;
  explicit Site(std::initializer_list<const char*> faults = {}) : site(options()) {
    site.start();
    for (const char* f : faults) site.set_fault(f, true);
  }
  static testsite::Options options() {
    testsite::Options o;
    o.rules_dir = test::rules_dir();
    if (test::have_shared_corpus()) o.shared_dir = test::shared_dir();
    o.max_jtai = 8;
    return o;
  }
  std::string url() const { return site.site_url(); }
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string jtai_cmd(const std::string& args) {
  return quote(test::jtai_binary().string()) + " --rules " + quote(test::rules_dir().string()) + " " + args;
}

test::CommandResult run(const std::string& args, const std::string& env = {}) {
  return test::run_command(env + (env.empty() ? "" : " ") + jtai_cmd(args));
}

std::string refresh(const fs::path& data, const Site& site, const std::string& extra = {}) {
  return "refresh --data " + quote(data.string()) + " --site " + quote(site.url()) + " --delay 0 " + extra;
}

int64_t query_int(const fs::path& data, const std::string& sql) {
  store::Db db(data / store::kDatabaseName, true);
  auto st = db.prepare(sql);
  REQUIRE(st.step());
  return st.column_int(0);
}

void exec_sql(const fs::path& data, const std::string& sql) {
  store::Db db(data / store::kDatabaseName);
  db.exec(sql);
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string read_or_empty(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool has_control_chars(const std::string& s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
  return false;
}

}  // namespace

TEST_CASE("a text bomb and a crashing PDF among real letters: the run completes, both are quarantined") {
  Site site({"bomb"});
  auto letters = site.site.jtai_letters();
  REQUIRE(letters.size() >= 3);
  // The second letter's child raises SIGSEGV (test-only switch); the first is the text bomb.
  const std::string crash_folder = fs::path(letters[1].expected_path).parent_path().filename().string() + "/";
  const std::string env = "JTAI_TEST_CRASH_CHILD=" + quote(crash_folder);
  test::TempDir tmp;
  const fs::path data = tmp.path() / "data";
  const fs::path hook = tmp.path() / "hook.txt";
  const std::string on_failure = "--on-failure " + quote("echo \"$JTAI_STATUS $JTAI_EXIT\" > " + quote(hook.string()));

  auto r = run(refresh(data, site, "--pdf-timeout 3 " + on_failure), env);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(r.out.find("Quarantined") != std::string::npos);
  CHECK(read_or_empty(hook) == "suspect 4\n");
  // Every other letter is stored, extracted and exported.
  const int n = static_cast<int>(letters.size());
  CHECK(query_int(data, "SELECT COUNT(*) FROM files") == n);
  CHECK(query_int(data, "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND kind != 'error'") == n - 2);
  CHECK(query_int(data, "SELECT COUNT(*) FROM quarantine") == 2);
  CHECK(query_int(data, "SELECT COUNT(*) FROM quarantine WHERE failure = 'timed_out'") == 1);
  CHECK(query_int(data, "SELECT COUNT(*) FROM quarantine WHERE failure = 'crashed'") == 1);
  CHECK(fs::exists(data / "exports" / "latest" / "jtai.json"));
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs WHERE status = 'suspect'") == 1);
  {  // The exports' known-issues list names both quarantined letters with their failure.
    const std::string exported = read_or_empty(data / "exports" / "latest" / "jtai.json");
    size_t quarantined = 0;
    for (size_t at = exported.find("\"problem\": \"quarantined\""); at != std::string::npos;
         at = exported.find("\"problem\": \"quarantined\"", at + 1))
      ++quarantined;
    CHECK(quarantined == 2);
    CHECK(exported.find("crashed: PDF parsing crashed (SIGSEGV)") != std::string::npos);
  }

  auto status = run("status --data " + quote(data.string()));
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("Quarantined letters") != std::string::npos);
  CHECK(status.out.find("crashed: PDF parsing crashed (SIGSEGV)") != std::string::npos);
  CHECK(status.out.find("timed_out: PDF parsing stopped after the 3 s time limit") != std::string::npos);

  // The next run does not try them again (the crash switch is still on: trying would show).
  fs::remove(hook);
  auto again = run(refresh(data, site, "--pdf-timeout 3 " + on_failure), env);
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("2 quarantined letters not tried again") != std::string::npos);
  CHECK(query_int(data, "SELECT SUM(attempts) FROM quarantine") == 2);
  CHECK_FALSE(fs::exists(hook));

  // --retry-failed tries them; without the crash switch the second letter now succeeds.
  auto retry = run(refresh(data, site, "--pdf-timeout 3 --retry-failed"));
  INFO(retry.out << retry.err);
  CHECK(retry.exit_code == 4);  // the bomb is still a bomb
  CHECK(query_int(data, "SELECT COUNT(*) FROM quarantine") == 1);
  CHECK(query_int(data, "SELECT attempts FROM quarantine") == 2);
  CHECK(query_int(data, "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND kind != 'error'") == n - 1);
}

TEST_CASE("jtai extract FILE... prints JSON Lines with an error line per bad file and the worst status") {
  test::TempDir tmp;
  const fs::path good = tmp.path() / "good.pdf", bad = tmp.path() / "bad.pdf", crash = tmp.path() / "crash-me.pdf";
  std::ofstream(good) << test::text_pdf({"Joint targeted area inspection of Anytown", "18 July 2022"});
  std::ofstream(bad) << "%PDF-1.4\nnot really\n";
  std::ofstream(crash) << test::text_pdf({"Joint targeted area inspection of Anytown"});
  const std::string files = quote(good.string()) + " " + quote(bad.string()) + " /dev/zero " + quote(good.string());

  auto r = run("extract -j 2 " + files);
  CHECK(r.exit_code == 2);  // the worst: unreadable input
  std::vector<nlohmann::json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0]["file"] == good.string());
  CHECK(lines[0].contains("kind"));
  CHECK(lines[1]["error"] == "unreadable");
  CHECK(lines[2]["reason"] == "/dev/zero: not a regular file");
  CHECK(lines[3]["file"] == good.string());

  auto crashed = run("extract " + quote(good.string()) + " " + quote(crash.string()), "JTAI_TEST_CRASH_CHILD=crash-me");
  CHECK(crashed.exit_code == 1);
  CHECK(crashed.out.find("\"error\":\"crashed\"") != std::string::npos);
}

TEST_CASE("hostile site pages: long names, NUL bytes, control characters and impossible dates") {
  Site site({"hostile"});
  test::TempDir tmp;
  const fs::path data = tmp.path() / "data";
  auto r = run("crawl --data " + quote(data.string()) + " --site " + quote(site.url()) + " --delay 0");
  INFO(r.out << r.err);
  CHECK((r.exit_code == 0 || r.exit_code == 4));
  CHECK_FALSE(has_control_chars(r.out));
  CHECK_FALSE(has_control_chars(r.err));
  // The NUL byte after the third provider truncates nothing.
  CHECK(query_int(data, "SELECT authorities_seen FROM runs ORDER BY id DESC LIMIT 1") == site.site.authority_count());
  // Every letter stored, under bounded names.
  CHECK(query_int(data, "SELECT COUNT(*) FROM files") == static_cast<int>(site.site.jtai_letters().size()));
  for (const auto& e : fs::recursive_directory_iterator(data / "reports")) {
    CHECK(e.path().filename().string().size() <= 104);
    CHECK_FALSE(has_control_chars(e.path().filename().string()));
  }
  // 31 February is not a date.
  CHECK(query_int(data, "SELECT COUNT(*) FROM publications WHERE published_on LIKE '%-02-31'") == 0);
  auto status = run("status --data " + quote(data.string()));
  CHECK_FALSE(has_control_chars(status.out));
}

TEST_CASE("SIGTERM mid-crawl: interrupted within seconds, recorded, summary printed, exit 143") {
  Site site({"slowpages"});
  test::TempDir tmp;
  const fs::path data = tmp.path() / "data";
  auto started = std::chrono::steady_clock::now();
  auto r = test::run_command("timeout --preserve-status -s TERM 2 " + jtai_cmd(refresh(data, site)));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 143);
  CHECK(seconds_since(started) < 8);
  CHECK(r.out.find("Interrupted") != std::string::npos);
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs WHERE status = 'interrupted'") == 1);
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs WHERE status = 'running'") == 0);
}

TEST_CASE("a slow site meets --max-runtime: the run stops cleanly as suspect, keeping what it fetched") {
  Site site({"slowpages"});
  test::TempDir tmp;
  const fs::path data = tmp.path() / "data";
  auto started = std::chrono::steady_clock::now();
  auto r = run("crawl --data " + quote(data.string()) + " --site " + quote(site.url()) + " --delay 0 --max-runtime 2");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 4);
  CHECK(seconds_since(started) < 10);
  CHECK(r.err.find("--max-runtime") != std::string::npos);
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs WHERE status = 'suspect'") == 1);
  // The listing was read (provider pages are all read before anything is stored, so a run stopped among
  // them stores no authority; their pages are cached for the next run).
  CHECK(query_int(data, "SELECT authorities_seen FROM runs") == site.site.authority_count());
}

TEST_CASE("a damaged store stops crawl, refresh and export with exit 1; status --check names it") {
  Site site;
  test::TempDir tmp;
  const fs::path data = tmp.path() / "data";
  REQUIRE(run(refresh(data, site)).exit_code == 0);
  auto second = run(refresh(data, site));
  REQUIRE(second.exit_code == 0);
  REQUIRE(fs::exists(data / "backups"));
  CHECK(std::distance(fs::directory_iterator(data / "backups"), fs::directory_iterator()) == 1);
  CHECK(run("status --check --data " + quote(data.string())).exit_code == 0);

  const fs::path db = data / store::kDatabaseName;
  const auto size_before = fs::file_size(db);
  {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    for (std::streamoff off = 4096; off < static_cast<std::streamoff>(size_before); off += 4096 * 3) {
      f.seekp(off + 16);
      f.write("\xff\xff\xff\xff overwritten by a test \xff\xff", 28);
    }
  }
  for (const std::string& cmd : {refresh(data, site), "crawl --data " + quote(data.string()) + " --site " + quote(site.url()),
                                 "export --data " + quote(data.string())}) {
    auto r = run(cmd);
    INFO(cmd << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("damaged") != std::string::npos);
    CHECK(r.err.find("Restoring the store") != std::string::npos);
  }
  CHECK(fs::file_size(db) == size_before);
  auto check = run("status --check --data " + quote(data.string()));
  CHECK(check.exit_code == 1);
  CHECK(check.out.find("DAMAGED") != std::string::npos);
}

TEST_CASE("reextract contains a damaged stored layout and a damaged stored record to their letters") {
  Site site;
  test::TempDir tmp;
  const fs::path data = tmp.path() / "data";
  REQUIRE(run(refresh(data, site)).exit_code == 0);
  exec_sql(data, "UPDATE layouts SET data = X'4A544C59FFFFFFFF00' WHERE rowid = (SELECT MIN(rowid) FROM layouts)");
  exec_sql(data, "UPDATE extractions SET report_json = '{\"kind\": [broken' WHERE id = (SELECT MAX(id) FROM extractions)");
  auto r = run("reextract --data " + quote(data.string()));
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("(1 parsed from the PDF") != std::string::npos);
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs WHERE command = 'reextract' AND status = 'ok'") == 1);
}

TEST_CASE("bounded options, unknown commands and a bad --site touch nothing") {
  test::TempDir tmp;
  const fs::path data = tmp.path() / "data";
  for (const char* bad : {"--delay 1e12", "--delay nan", "--delay -1", "--timeout 1e-9",
                          "--delay 1000000000000000000000000000000000000000000000000000000000000",
                          "--max-runtime 0", "--site ftp://example.org", "--site 'not a url'"}) {
    auto r = run("crawl --data " + quote(data.string()) + " " + bad);
    INFO(bad << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.size() < 200);  // one readable line, no 60-digit echo
    CHECK_FALSE(fs::exists(data));
  }
  auto r = run("refresh --data " + quote(data.string()) + " --site ftp://x --on-failure 'touch " +
               quote((tmp.path() / "hook").string()) + "'");
  CHECK(r.exit_code == 2);
  CHECK_FALSE(fs::exists(data));
  auto unknown = run("exprot --data " + quote(data.string()));
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown command 'exprot'; did you mean 'export'?") != std::string::npos);
}

// `jtai refresh`, `status` and `reextract` as a user runs them: the jtai
// process against the loopback test site (tests/testsite), in temporary data
// directories. Serves ../shared's letters when present, tiny PDFs otherwise.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "common/hash.hpp"
#include "refresh/lock.hpp"
#include "store/db.hpp"
#include "store/store.hpp"
#include "tests/refresh/rule_edits.hpp"
#include "tests/support/test_support.hpp"
#include "tests/testsite/testsite.hpp"

using namespace jtai;
using jtai::test::copy_rules;
using jtai::test::replace_array;
namespace fs = std::filesystem;

namespace {

constexpr int kMaxLetters = 10;  // letters the site serves at most: enough to mean something, quick to crawl

struct Site {
  testsite::TestSite site;
  explicit Site(int max_jtai = kMaxLetters) : site(options(max_jtai)) { site.start(); }
  static testsite::Options options(int max_jtai) {
    testsite::Options o;
    o.rules_dir = test::rules_dir();
    if (test::have_shared_corpus()) o.shared_dir = test::shared_dir();
    o.max_jtai = max_jtai;
    return o;
  }
  std::string url() const { return site.site_url(); }
  // Letters served: kMaxLetters from ../shared, fewer tiny ones without it.
  int letters() const { return static_cast<int>(site.jtai_letters().size()); }
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string jtai_cmd(const std::string& args) { return quote(test::jtai_binary().string()) + " " + args; }
test::CommandResult run_jtai(const std::string& args) { return test::run_command(jtai_cmd(args)); }

std::string refresh_args(const fs::path& data, const std::string& site, const std::string& extra = {}) {
  return "refresh --data " + quote(data.string()) + " --site " + quote(site) + " --delay 0 " + extra;
}

// A port on 127.0.0.1 where nothing listens.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Every stored row (except runs) and every file under reports/ and exports/,
// hashed: equal snapshots mean nothing stored changed.
std::map<std::string, std::string> snapshot(const fs::path& data) {
  std::map<std::string, std::string> snap;
  store::Db db(data / store::kDatabaseName, true);
  for (const char* table :
       {"authorities", "publications", "files", "layouts", "extractions", "findings", "http_cache"}) {
    sqlite3_stmt* st = nullptr;
    std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY 1, 2, 3";
    REQUIRE(sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    Sha256 h;
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      ++rows;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        int type = sqlite3_column_type(st, c);  // before the blob read converts anything
        const void* p = sqlite3_column_blob(st, c);
        int n = sqlite3_column_bytes(st, c);
        h.update(std::string(p ? static_cast<const char*>(p) : "", static_cast<size_t>(n)));
        h.update("\x1f");
        h.update(std::to_string(type));
      }
    }
    sqlite3_finalize(st);
    snap[std::string("table ") + table] = std::to_string(rows) + " rows " + h.hex_digest();
  }
  for (const char* sub : {"reports", "exports"}) {
    if (!fs::exists(data / sub)) continue;
    for (const auto& e : fs::recursive_directory_iterator(data / sub))
      if (e.is_regular_file()) snap["file " + fs::relative(e.path(), data).string()] = sha256_file(e.path());
  }
  return snap;
}

int64_t query_int(const fs::path& data, const std::string& sql) {
  store::Db db(data / store::kDatabaseName, true);
  auto st = db.prepare(sql);
  REQUIRE(st.step());
  return st.column_int(0);
}

nlohmann::json status_json(const fs::path& data) {
  auto r = run_jtai("status --json --data " + quote(data.string()));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return nlohmann::json::parse(r.out);
}


// A jtai process in the background.
class Background {
 public:
  explicit Background(const std::string& command_line) {
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::execl("/bin/sh", "sh", "-c", ("exec " + command_line).c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0 && running()) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  pid_t pid() const { return pid_; }
  bool running() {
    if (done_) return false;
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      done_ = true;
      status_ = status;
    }
    return !done_;
  }
  int wait() {
    if (!done_) {
      ::waitpid(pid_, &status_, 0);
      done_ = true;
    }
    return status_;
  }

 private:
  pid_t pid_ = -1;
  bool done_ = false;
  int status_ = 0;
};

template <class Pred>
bool wait_until(Pred pred, double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

}  // namespace

TEST_CASE("refresh crawls, extracts and exports; a second downloads nothing; status reports both") {
  test::TempDir tmp;
  fs::path data = tmp.path() / "data";
  Site site;
  const int served = site.letters();
  REQUIRE(served > 1);

  auto first = run_jtai(refresh_args(data, site.url()));
  INFO("stderr: " << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("Refresh ok: crawled " + site.url()) == 0);
  CHECK(first.out.find("New letters: " + std::to_string(served) + " (") != std::string::npos);
  CHECK(first.out.find("Errors: 0.") != std::string::npos);
  CHECK(fs::exists(data / "exports" / "latest" / "jtai.json"));
  CHECK(query_int(data, "SELECT COUNT(*) FROM extractions WHERE is_current = 1") == served);
  CHECK_FALSE(refresh::read_lock_holder(data).has_value());  // the lock is released

  site.site.reset_stats();
  auto second = run_jtai(refresh_args(data, site.url()));
  INFO("stderr: " << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(site.site.stats().pdf_bodies == 0);
  CHECK(second.out.find("New letters: 0.") != std::string::npos);
  CHECK(second.out.find("already extracted under these rules") != std::string::npos);

  auto status = run_jtai("status --data " + quote(data.string()));
  REQUIRE(status.exit_code == 0);
  CHECK(status.out.find(std::to_string(served) + " JTAI letters listed (" + std::to_string(served) +
                        " with the PDF stored") != std::string::npos);
  CHECK(status.out.find("Now: no run in progress") != std::string::npos);
  CHECK(status.out.find("Last run (#2 refresh, ok)") != std::string::npos);
  auto j = status_json(data);
  REQUIRE(j["runs"].size() == 2);
  CHECK(j["runs"][0]["command"] == "refresh");
  CHECK(j["runs"][0]["status"] == "ok");
  CHECK(j["runs"][0]["new_letters"] == 0);
  CHECK(j["runs"][0]["downloads"] == 0);
  CHECK(j["runs"][1]["new_letters"] == served);
  CHECK(j["runs"][1]["downloads"] == served);
  CHECK(j["runs"][1]["summary"].get<std::string>() == first.out.substr(0, first.out.size() - 1));
  CHECK(j["last_run"]["new_letters"].empty());
  CHECK(j["stored_letters"] == served);
  CHECK(j["findings"].get<int>() ==
        query_int(data, "SELECT COUNT(*) FROM findings f JOIN extractions e ON e.id = f.extraction_id "
                        "WHERE e.is_current = 1"));

  // status on a directory with no database: a clear message, exit 2, nothing created.
  fs::path empty = tmp.path() / "empty";
  fs::create_directories(empty);
  auto none = run_jtai("status --data " + quote(empty.string()));
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("no jtai database in " + empty.string()) != std::string::npos);
  CHECK(fs::is_empty(empty));
  auto no_store = run_jtai("reextract --data " + quote(empty.string()));
  CHECK(no_store.exit_code == 2);
  CHECK(no_store.err.find("no jtai database in " + empty.string()) != std::string::npos);
  CHECK(fs::is_empty(empty));
}

TEST_CASE("a rule change followed by refresh re-extracts every letter with zero downloads") {
  test::TempDir tmp;
  fs::path data = tmp.path() / "data";
  Site site;
  const int served = site.letters();
  REQUIRE(served > 1);
  auto first = run_jtai(refresh_args(data, site.url()));
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  int64_t layouts = query_int(data, "SELECT COUNT(*) FROM layouts");
  CHECK(layouts == served);

  fs::path rules = copy_rules(tmp.path() / "rules");
  std::ofstream(rules / "sections.toml", std::ios::app) << "\n# a maintainer's note: nothing else changes\n";
  site.site.reset_stats();
  auto again = run_jtai("--rules " + quote(rules.string()) + " " + refresh_args(data, site.url()));
  INFO("stdout: " << again.out << "\nstderr: " << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(site.site.stats().pdf_bodies == 0);
  CHECK(again.out.find(std::to_string(served) + " letters re-extracted without downloading, findings changed in 0") !=
        std::string::npos);
  CHECK(again.out.find("parsed from the stored PDF") == std::string::npos);  // layouts served
  CHECK(query_int(data, "SELECT COUNT(DISTINCT rules_version) FROM extractions WHERE is_current = 1") == 1);
  CHECK(query_int(data, "SELECT COUNT(*) FROM extractions") == 2 * served);  // earlier ones kept
  CHECK(query_int(data, "SELECT COUNT(*) FROM layouts") == layouts);
  auto j = status_json(data);
  CHECK(j["runs"][0]["extracted"] == served);
  CHECK(j["last_run"]["extracted"].size() == served);

  // `jtai reextract` after a change that alters what is found: every letter is
  // now "not a JTAI letter", so every letter's findings change and are named.
  fs::path rules2 = copy_rules(tmp.path() / "rules2");
  replace_array(rules2 / "sections.toml", "jtai", "  'no letter has this wording xyzzy',");
  auto re = run_jtai("--rules " + quote(rules2.string()) + " reextract --data " + quote(data.string()));
  INFO("reextract stdout: " << re.out << "\nstderr: " << re.err);
  REQUIRE(re.exit_code == 0);
  CHECK(re.out.find("Re-extracted " + std::to_string(served) + " of " + std::to_string(served) +
                    " stored letters") == 0);
  CHECK(re.out.find("(0 parsed from the PDF, no PDF downloaded)") != std::string::npos);
  size_t named = 0;
  for (size_t at = 0; (at = re.out.find("findings changed: ", at)) != std::string::npos; ++at) ++named;
  CHECK(named == served);
  CHECK(re.out.find("kind (now not_jtai)") != std::string::npos);
  auto j2 = status_json(data);
  CHECK(j2["runs"][0]["command"] == "reextract");
  CHECK(j2["runs"][0]["status"] == "ok");
  CHECK(j2["runs"][0]["changed_findings"] == served);
  CHECK(j2["not_jtai"] == served);
  CHECK(j2["last_run"]["findings_changed"].size() == static_cast<size_t>(served));
  CHECK(j["last_run"]["findings_changed"].empty());  // the comment-only change altered nothing
  CHECK(site.site.stats().pdf_bodies == 0);
}

TEST_CASE("two refreshes at once: one runs, the other exits 5; a SIGKILLed run does not block the next") {
  test::TempDir tmp;
  fs::path data = tmp.path() / "data";
  fs::path hook = tmp.path() / "hook.txt";
  Site site;
  const int served = site.letters();
  REQUIRE(served > 1);
  // A slow first run: one request a second.
  Background slow(jtai_cmd("refresh --data " + quote(data.string()) + " --site " + quote(site.url()) +
                           " --delay 1 >" + quote((tmp.path() / "slow.out").string()) + " 2>&1"));
  REQUIRE(wait_until(
      [&] {
        auto holder = refresh::read_lock_holder(data);
        return holder && holder->pid == slow.pid() && fs::exists(data / store::kDatabaseName);
      },
      20));
  REQUIRE(wait_until(
      [&] {
        try {
          return query_int(data, "SELECT COUNT(*) FROM runs") == 1;
        } catch (const std::exception&) {
          return false;  // the schema is still being created
        }
      },
      20));

  auto second = run_jtai(refresh_args(data, site.url(), "--on-failure " +
                                                        quote("echo \"$JTAI_STATUS $JTAI_EXIT\" > " + quote(hook.string()))));
  CHECK(second.exit_code == 5);
  CHECK(second.out.empty());
  CHECK(second.err.find("is locked by jtai refresh (pid " + std::to_string(slow.pid()) + ", started ") !=
        std::string::npos);
  CHECK(read_file(hook) == "locked 5\n");
  auto re = run_jtai("reextract --data " + quote(data.string()));
  CHECK(re.exit_code == 5);
  CHECK(re.err.find("is locked by jtai refresh") != std::string::npos);

  // The first is untouched: still running, still the only run, its lock intact.
  CHECK(slow.running());
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs") == 1);
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs WHERE status = 'running'") == 1);
  CHECK(refresh::read_lock_holder(data)->pid == slow.pid());
  auto status = run_jtai("status --data " + quote(data.string()));
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("Now: jtai refresh (pid " + std::to_string(slow.pid())) != std::string::npos);

  // Kill it: its lock dies with it and the next refresh completes the set.
  ::kill(slow.pid(), SIGKILL);
  int ws = slow.wait();
  CHECK(WIFSIGNALED(ws));
  auto next = run_jtai(refresh_args(data, site.url()));
  INFO("stderr: " << next.err);
  CHECK(next.exit_code == 0);
  CHECK(query_int(data, "SELECT COUNT(*) FROM extractions WHERE is_current = 1") == served);
  auto j = status_json(data);
  REQUIRE(j["runs"].size() == 2);
  CHECK(j["runs"][0]["status"] == "ok");
  CHECK(j["runs"][1]["status"] == "failed");  // the killed run, closed as abandoned
  CHECK(j["runs"][1]["messages"].dump().find("abandoned") != std::string::npos);
}

TEST_CASE("a refresh with the site down ends failed, changes nothing stored and keeps the exports") {
  test::TempDir tmp;
  fs::path data = tmp.path() / "data";
  fs::path hook = tmp.path() / "hook.txt";
  {
    Site site;
  const int served = site.letters();
  REQUIRE(served > 1);
    auto first = run_jtai(refresh_args(data, site.url()));
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  }
  auto before = snapshot(data);
  REQUIRE(before.count("file exports/latest/jtai.json") == 1);
  int64_t runs_before = query_int(data, "SELECT COUNT(*) FROM runs");

  std::string down = "http://127.0.0.1:" + std::to_string(closed_port());
  auto r = run_jtai(refresh_args(data, down, "--on-failure " + quote("echo \"$JTAI_STATUS $JTAI_EXIT $JTAI_DATA\" > " +
                                                                   quote(hook.string()))));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("Refresh failed: crawled " + down) == 0);
  CHECK(r.out.find("nothing was re-extracted or exported") != std::string::npos);
  CHECK(r.out.find(". Messages: ") != std::string::npos);  // why it failed
  CHECK(read_file(hook) == "failed 1 " + data.string() + "\n");
  CHECK(snapshot(data) == before);  // every table and every report and export file
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs") == runs_before + 1);
  auto j = status_json(data);
  CHECK(j["runs"][0]["status"] == "failed");
  CHECK(j["runs"][0]["site"] == down);
  CHECK_FALSE(j["runs"][0]["messages"].empty());
  CHECK(j["runs"][1]["status"] == "ok");

  // From an empty data directory, a failed refresh leaves no export behind.
  fs::path fresh = tmp.path() / "fresh";
  auto cold = run_jtai(refresh_args(fresh, down));
  CHECK(cold.exit_code == 1);
  CHECK_FALSE(fs::exists(fresh / "exports"));
}

TEST_CASE("a rule-file error stops refresh before anything is touched (exit 2, file and line)") {
  test::TempDir tmp;
  fs::path data = tmp.path() / "data";
  fs::path hook = tmp.path() / "hook.txt";
  Site site;
  const int served = site.letters();
  REQUIRE(served > 1);
  auto first = run_jtai(refresh_args(data, site.url()));
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  auto before = snapshot(data);
  int64_t runs = query_int(data, "SELECT COUNT(*) FROM runs");

  fs::path rules = copy_rules(tmp.path() / "rules");
  replace_array(rules / "sections.toml", "not_jtai", "  'unclosed (group',");
  site.site.reset_stats();
  auto r = run_jtai("--rules " + quote(rules.string()) + " " +
                refresh_args(data, site.url(), "--on-failure " + quote("echo \"$JTAI_STATUS\" > " + quote(hook.string()))));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("sections.toml:") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
  CHECK(read_file(hook) == "bad_input\n");
  CHECK(site.site.stats().requests == 0);
  CHECK(snapshot(data) == before);
  CHECK(query_int(data, "SELECT COUNT(*) FROM runs") == runs);

  // A mistake in the crawler's rule file (site.toml) is bad input too, not a failed run.
  fs::path site_rules = copy_rules(tmp.path() / "site_rules");
  std::string toml = read_file(site_rules / "site.toml");
  auto at = toml.find("\nfile_href = ");
  REQUIRE(at != std::string::npos);
  toml.replace(at + 1, toml.find('\n', at + 1) - at - 1, "file_href = '(unclosed'");
  write_file_atomic(site_rules / "site.toml", toml);
  fs::remove(hook);
  auto bad_site = run_jtai("--rules " + quote(site_rules.string()) + " " +
                           refresh_args(data, site.url(), "--on-failure " + quote("echo \"$JTAI_STATUS\" > " +
                                                                                quote(hook.string()))));
  CHECK(bad_site.exit_code == 2);
  CHECK(bad_site.err.find("site.toml:") != std::string::npos);
  CHECK(read_file(hook) == "bad_input\n");
  CHECK(snapshot(data) == before);
}

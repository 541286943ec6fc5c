// Integration tests: the crawler against the loopback test site (tests/testsite).
// Uses the shared corpus letters when ../shared exists, tiny generated PDFs otherwise.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <sstream>
#include <thread>

#include "common/files.hpp"
#include "common/hash.hpp"
#include "crawler/crawl.hpp"
#include "crawler/http.hpp"
#include "crawler/url.hpp"
#include "crawler/rule_usage.hpp"
#include "refresh/lock.hpp"
#include "refresh/status.hpp"
#include "store/store.hpp"
#include "tests/support/test_support.hpp"
#include "tests/testsite/testsite.hpp"

extern char** environ;

using namespace jtai;
namespace fs = std::filesystem;

namespace {

testsite::Options site_options(int max_jtai) {
  testsite::Options o;
  o.rules_dir = test::rules_dir();
  if (test::have_shared_corpus()) o.shared_dir = test::shared_dir();
  o.max_jtai = max_jtai;
  return o;
}

struct Site {
  testsite::TestSite site;
  explicit Site(int max_jtai) : site(site_options(max_jtai)) { site.start(); }
  testsite::TestSite* operator->() { return &site; }
};

crawler::CrawlResult crawl(const fs::path& data, testsite::TestSite& site, const fs::path& rules = test::rules_dir()) {
  store::Store store(data);
  crawler::CrawlOptions o;
  o.data_dir = data;
  o.rules_dir = rules;
  o.site = site.site_url();
  o.delay_seconds = 0.01;
  o.quiet = true;
  o.timeout_seconds = 2.0;
  o.backoff_seconds = 0.01;
  o.max_attempts = 2;
  o.retry_after_cap_seconds = 5;
  return crawler::run_crawl(store, o);
}

int64_t scalar(const fs::path& data, const std::string& sql) {
  store::Db db(data / store::kDatabaseName, true);
  auto st = db.prepare(sql);
  REQUIRE(st.step());
  return st.column_int(0);
}

std::string integrity(const fs::path& data) {
  store::Db db(data / store::kDatabaseName, true);
  auto st = db.prepare("PRAGMA integrity_check");
  REQUIRE(st.step());
  return st.column_text(0);
}

struct StoredFile {
  std::string path, sha256;
  bool operator==(const StoredFile&) const = default;
};

// file_id -> stored file
std::map<std::string, StoredFile> stored_files(const fs::path& data) {
  store::Db db(data / store::kDatabaseName, true);
  auto st = db.prepare("SELECT p.file_id, f.path, f.sha256 FROM files f JOIN publications p ON p.id = f.publication_id");
  std::map<std::string, StoredFile> out;
  while (st.step()) out[st.column_text(0)] = {st.column_text(1), st.column_text(2)};
  return out;
}

// Everything stored so far, to check that a later run loses nothing.
struct Snapshot {
  std::map<std::string, StoredFile> files;
  int64_t publications = 0, extractions = 0, findings = 0, authorities = 0;
};

Snapshot snapshot(const fs::path& data) {
  return {stored_files(data), scalar(data, "SELECT COUNT(*) FROM publications"),
          scalar(data, "SELECT COUNT(*) FROM extractions"), scalar(data, "SELECT COUNT(*) FROM findings"),
          scalar(data, "SELECT COUNT(*) FROM authorities")};
}

void check_nothing_lost(const fs::path& data, const Snapshot& before) {
  CHECK(integrity(data) == "ok");
  Snapshot now = snapshot(data);
  for (const auto& [id, file] : before.files) {
    INFO("file " << id);
    REQUIRE(now.files.count(id));
    CHECK(now.files[id] == file);
    REQUIRE(fs::exists(data / file.path));
    CHECK(sha256_file(data / file.path) == file.sha256);
  }
  CHECK(now.publications >= before.publications);
  CHECK(now.extractions >= before.extractions);
  CHECK(now.findings >= before.findings);
  CHECK(now.authorities >= before.authorities);
}

// Every published JTAI letter is stored under its expected path, intact, with a current extraction.
void check_complete(const fs::path& data, testsite::TestSite& site) {
  CHECK(integrity(data) == "ok");
  auto letters = site.jtai_letters();
  auto stored = stored_files(data);
  CHECK(stored.size() == letters.size());
  for (const auto& l : letters) {
    INFO("letter " << l.file_id << " of " << l.urn);
    REQUIRE(stored.count(l.file_id));
    CHECK(stored[l.file_id].path == l.expected_path);
    REQUIRE(fs::exists(data / l.expected_path));
    CHECK(sha256_file(data / l.expected_path) == stored[l.file_id].sha256);
    CHECK(scalar(data, "SELECT COUNT(*) FROM extractions e JOIN publications p ON p.id = e.publication_id "
                       "WHERE e.is_current = 1 AND p.file_id = '" + l.file_id + "'") == 1);
  }
  // The search index holds exactly the current letters' items (headline findings and findings rows).
  CHECK(scalar(data, "SELECT COUNT(*) FROM search_items") ==
        scalar(data, "SELECT (SELECT COUNT(*) FROM findings f JOIN extractions e ON e.id = f.extraction_id "
                     "WHERE e.is_current = 1 AND e.kind = 'jtai') + (SELECT COUNT(*) FROM extractions "
                     "WHERE is_current = 1 AND kind = 'jtai' AND COALESCE(headline_findings, '') != '')"));
  CHECK(scalar(data, "SELECT COUNT(*) FROM search_items si JOIN extractions e ON e.id = si.extraction_id "
                     "WHERE e.is_current = 0") == 0);
}

int requests_for(const std::vector<testsite::RequestRecord>& log, const std::string& host, const std::string& target) {
  int n = 0;
  for (const auto& r : log) n += (r.host == host && r.target == target) ? 1 : 0;
  return n;
}

bool mentions(const crawler::CrawlResult& r, const std::string& words) {
  for (const auto& m : r.messages)
    if (m.find(words) != std::string::npos) return true;
  return false;
}

std::string provider_target(int urn) { return "/provider/44/" + std::to_string(urn); }

}  // namespace

TEST_CASE("cold crawl, warm crawl with conditional requests, a new report, a withdrawn report") {
  Site s(4);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";

  // Cold: every JTAI letter and nothing else.
  auto cold = crawl(data, s.site);
  INFO("messages: " << (cold.messages.empty() ? "" : cold.messages.front()));
  CHECK(cold.status == store::RunStatus::ok);
  CHECK(cold.counts.authorities_seen == s->authority_count());
  CHECK(cold.counts.authorities_seen > 100);
  CHECK(cold.counts.jtai_seen == 4);
  CHECK(cold.counts.downloads == 4);
  CHECK(cold.counts.extracted == 4);
  CHECK(cold.new_letters.size() == 4);
  check_complete(data, s.site);
  CHECK(scalar(data, "SELECT COUNT(*) FROM authorities") == s->authority_count());
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE kind = 'jtai'") == 4);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE kind = 'joint_area_review'") > 0);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE kind = 'focused_visit'") > 0);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE kind = 'area_send'") > 0);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE kind = 'ilacs'") == s->authority_count());
  CHECK(scalar(data, "SELECT COUNT(*) FROM files") == 4);
  CHECK(scalar(data, "SELECT COUNT(*) FROM runs WHERE status = 'ok' AND requests > 0 AND bytes > 0") == 1);
  if (test::have_shared_corpus()) {
    CHECK(scalar(data, "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND kind = 'jtai'") == 4);
    CHECK(scalar(data, "SELECT COUNT(*) FROM findings") > 0);
    CHECK(scalar(data, "SELECT COUNT(*) FROM layouts") == 4);
  }
  auto log = s->requests();
  for (const auto& id : s->other_file_ids()) CHECK(requests_for(log, "files", "/v1/file/" + id) == 0);
  CHECK(requests_for(log, "site", "/robots.txt") == 1);
  CHECK(requests_for(log, "files", "/robots.txt") == 1);
  // Politeness: consecutive requests to one host are at least --delay (0.01 s) apart.
  std::map<std::string, std::chrono::steady_clock::time_point> previous;
  double closest = 1e9;
  for (const auto& r : log) {
    if (previous.count(r.host)) closest = std::min(closest, std::chrono::duration<double>(r.at - previous[r.host]).count());
    previous[r.host] = r.at;
  }
  CHECK(closest >= 0.0099);
  for (const auto& r : log) {
    CHECK(r.user_agent.find("jtai") != std::string::npos);
    CHECK(r.user_agent.find('@') != std::string::npos);
  }

  // Warm: no PDF downloaded, every page asked conditionally and answered 304.
  s->reset_stats();
  auto warm = crawl(data, s.site);
  CHECK(warm.status == store::RunStatus::ok);
  CHECK(warm.counts.downloads == 0);
  CHECK(s->stats().pdf_bodies == 0);
  int pages = 0;
  for (const auto& r : s->requests()) {
    if (r.target == "/robots.txt") continue;
    CHECK(r.host == "site");
    CHECK(r.conditional);
    CHECK(r.status == 304);
    ++pages;
  }
  CHECK(pages == s->authority_count() + 2);  // two listing pages (the second is short: the last), every provider
  CHECK(warm.counts.bytes < cold.counts.bytes);
  CHECK(warm.counts.requests == pages + 1);  // plus the site's robots.txt; the file host is not contacted
  CHECK(requests_for(s->requests(), "files", "/robots.txt") == 0);

  // A report published between runs is picked up, and only it is downloaded.
  auto fresh = s->publish_new_report();
  s->reset_stats();
  auto third = crawl(data, s.site);
  CHECK(third.status == store::RunStatus::ok);
  CHECK(third.counts.downloads == 1);
  REQUIRE(third.new_letters.size() == 1);
  CHECK(s->stats().pdf_bodies == 1);
  CHECK(requests_for(s->requests(), "files", "/v1/file/" + fresh.file_id) == 1);
  check_complete(data, s.site);
  if (test::have_shared_corpus())  // the new letter is searchable at once
    CHECK(scalar(data, "SELECT COUNT(*) FROM search_items si JOIN extractions e ON e.id = si.extraction_id "
                       "JOIN publications p ON p.id = e.publication_id WHERE p.file_id = '" + fresh.file_id +
                       "' AND si.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH 'children')") > 0);

  // A report the site stops listing is marked gone, never deleted; it comes back when listed again.
  const auto target = s->target_letter();
  Snapshot before = snapshot(data);
  s->set_fault("withdraw", true);
  auto withdrawn = crawl(data, s.site);
  CHECK(withdrawn.status == store::RunStatus::suspect);  // 4 of 5 letters listed: below the 0.9 threshold
  CHECK(mentions(withdrawn, "JTAI letters listed"));
  check_nothing_lost(data, before);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL") == 1);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL AND file_id = '" +
                         target.file_id + "'") == 1);
  s->set_fault("withdraw", false);
  auto back = crawl(data, s.site);
  CHECK(back.status == store::RunStatus::ok);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL") == 0);
  check_complete(data, s.site);
}

TEST_CASE("download faults store nothing bad, lose nothing, and the next clean run completes the set") {
  Site s(4);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  const auto target = s->target_letter();
  const std::string target_path = "/v1/file/" + target.file_id;
  bool first = true;
  for (const std::string fault : {"html", "truncated", "redirect", "drop", "slow"}) {
    CAPTURE(fault);
    Snapshot prior = fs::exists(data / store::kDatabaseName) ? snapshot(data) : Snapshot{};
    s->set_fault(fault, true);
    s->reset_stats();
    auto r = crawl(data, s.site);
    s->set_fault(fault, false);
    CHECK(r.status == store::RunStatus::suspect);
    CHECK(r.counts.errors == 1);
    check_nothing_lost(data, prior);
    auto stored = stored_files(data);
    CHECK_FALSE(stored.count(target.file_id));
    CHECK_FALSE(fs::exists(data / target.expected_path));
    CHECK(stored.size() == s->jtai_letters().size() - 1);
    if (first) CHECK(r.counts.downloads == 3);
    first = false;
    const int asked = requests_for(s->requests(), "files", target_path);
    if (fault == "html") CHECK(mentions(r, "text/html where a PDF was expected"));
    if (fault == "truncated") CHECK(mentions(r, "truncated"));
    if (fault == "redirect") {
      CHECK(mentions(r, "not allowed"));
      CHECK(asked == 1);  // the redirect to another host was not followed
    }
    if (fault == "drop" || fault == "slow") {
      CHECK(mentions(r, "gave up after 2 attempts"));
      CHECK(asked == 2);  // retried
    }
  }
  auto clean = crawl(data, s.site);
  CHECK(clean.status == store::RunStatus::ok);
  CHECK(clean.counts.downloads == 1);
  check_complete(data, s.site);
}

TEST_CASE("page faults make the run suspect and remove or mark nothing; retries ride out transient ones") {
  Site s(3);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  REQUIRE(crawl(data, s.site).status == store::RunStatus::ok);
  const Snapshot baseline = snapshot(data);
  const auto target = s->target_letter();
  auto after_fault = [&](const std::string& fault) {
    CAPTURE(fault);
    s->set_fault(fault, false);
    check_nothing_lost(data, baseline);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL") == 0);
  };

  {  // listing page 2 answers 500
    s->set_fault("500", true);
    auto r = crawl(data, s.site);
    CHECK(r.status == store::RunStatus::suspect);
    CHECK(mentions(r, "listing page 2 failed"));
    CHECK(r.counts.authorities_seen == 100);
    after_fault("500");
  }
  {  // provider pages change their markup: the rules find nothing, and the run stops before changing anything
    s->set_fault("layout", true);
    const int64_t runs_before = scalar(data, "SELECT COUNT(*) FROM runs");
    const std::string last_seen = std::to_string(scalar(data, "SELECT COUNT(*) FROM authorities WHERE last_seen >= "
                                                             "(SELECT MAX(started_at) FROM runs)"));
    auto r = crawl(data, s.site);
    CHECK(r.status == store::RunStatus::failed);
    CHECK(r.counts.jtai_seen == 0);
    CHECK(mentions(r, "provider rules found no publication on any of the " + std::to_string(s->authority_count())));
    CHECK(mentions(r, "Nothing stored was changed"));
    // No authority or publication was touched by the failed run.
    CHECK(scalar(data, "SELECT COUNT(*) FROM authorities WHERE last_seen >= (SELECT started_at FROM runs WHERE id = " +
                           std::to_string(r.run_id) + ")") == 0);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE last_seen >= (SELECT started_at FROM runs WHERE id = " +
                           std::to_string(r.run_id) + ")") == 0);
    CHECK(scalar(data, "SELECT COUNT(*) FROM runs") == runs_before + 1);
    CHECK(last_seen != "");
    after_fault("layout");
  }
  {  // robots.txt disallows a provider page
    s->set_fault("robots", true);
    s->reset_stats();
    auto r = crawl(data, s.site);
    CHECK(r.status == store::RunStatus::suspect);
    CHECK(mentions(r, "disallowed by robots.txt"));
    CHECK(requests_for(s->requests(), "site", provider_target(target.urn)) == 0);
    after_fault("robots");
  }
  {  // 429 with Retry-After: 1 is honoured
    s->set_fault("429", true);
    s->reset_stats();
    auto r = crawl(data, s.site);
    CHECK(r.status == store::RunStatus::ok);
    std::optional<std::chrono::steady_clock::time_point> limited, retried;
    for (const auto& req : s->requests()) {
      if (req.target.rfind("/search", 0) != 0) continue;
      if (req.status == 429)
        limited = req.at;
      else if (limited && !retried)
        retried = req.at;
    }
    REQUIRE(limited);
    REQUIRE(retried);
    CHECK(std::chrono::duration<double>(*retried - *limited).count() >= 0.9);
    after_fault("429");
  }
  {  // every page and file fails once: a cold crawl still completes
    s->set_fault("flaky", true);
    s->reset_stats();
    test::TempDir cold;
    auto r = crawl(cold.path() / "data", s.site);
    CHECK(r.status == store::RunStatus::ok);
    check_complete(cold.path() / "data", s.site);
    int errors = 0;
    for (const auto& req : s->requests()) errors += req.status == 500 ? 1 : 0;
    CHECK(errors > s->authority_count());
    after_fault("flaky");
  }
  auto clean = crawl(data, s.site);
  CHECK(clean.status == store::RunStatus::ok);
  check_complete(data, s.site);
}

TEST_CASE("a Retry-After longer than the cap is not retried early") {
  Site s(2);
  test::TempDir tmp;
  s->set_fault("429", true);  // listing page 1: 429 with Retry-After: 1
  store::Store store(tmp.path() / "data");
  crawler::CrawlOptions o;
  o.data_dir = tmp.path() / "data";
  o.rules_dir = test::rules_dir();
  o.site = s->site_url();
  o.delay_seconds = 0.01;
  o.quiet = true;
  o.timeout_seconds = 2.0;
  o.backoff_seconds = 0.01;
  o.max_attempts = 3;
  o.retry_after_cap_seconds = 0.2;
  auto r = crawler::run_crawl(store, o);
  CHECK(r.status == store::RunStatus::failed);
  CHECK(mentions(r, "HTTP 429"));
  int listing_requests = 0;
  for (const auto& req : s->requests()) listing_requests += req.target.rfind("/search", 0) == 0 ? 1 : 0;
  CHECK(listing_requests == 1);  // asked to wait 1 s, allowed 0.2 s: give up, never retry sooner

  // The wait covers the whole host: the next request to it is refused without being sent.
  s->set_fault("429", true);  // rate-limits the first listing request again
  s->reset_stats();
  auto rules = crawler::SiteRules::load(test::rules_dir());
  crawler::HttpSettings settings;
  settings.rules = rules.http;
  settings.rules.retry_after_cap_seconds = 0.2;
  settings.delay_seconds = 0.01;
  settings.allowed_hosts.insert(crawler::parse_url(s->site_url() + "/")->host);
  crawler::HttpClient http(settings, [](const std::string&) {});
  const std::string listing = s->site_url() + rules.listing.path + "&start=";
  CHECK(http.get({listing + "0&rows=100"}).status == 429);
  CHECK_THROWS_AS(http.get({listing + "100&rows=100"}), crawler::FetchError);
  listing_requests = 0;
  for (const auto& req : s->requests()) listing_requests += req.target.rfind("/search", 0) == 0 ? 1 : 0;
  CHECK(listing_requests == 1);
}

TEST_CASE("a PDF the extractor cannot read is kept and recorded as an extraction error") {
  Site s(2);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  const auto target = s->target_letter();
  s->set_fault("blank", true);
  auto r = crawl(data, s.site);
  s->set_fault("blank", false);
  CHECK(r.status == store::RunStatus::suspect);
  CHECK(r.counts.errors == 1);
  CHECK(r.counts.downloads == 2);
  CHECK(mentions(r, "cannot be read"));
  REQUIRE(stored_files(data).count(target.file_id));
  CHECK(fs::exists(data / target.expected_path));
  CHECK(scalar(data, "SELECT COUNT(*) FROM extractions e JOIN publications p ON p.id = e.publication_id "
                     "WHERE p.file_id = '" + target.file_id + "' AND e.kind = 'error' AND e.is_current = 1 "
                     "AND e.reason != ''") == 1);
  // Kept as it is: the next run neither downloads nor extracts it again.
  auto next = crawl(data, s.site);
  CHECK(next.status == store::RunStatus::ok);
  CHECK(next.counts.downloads == 0);
  CHECK(next.counts.extracted == 0);
}

TEST_CASE("the site down: the run fails and changes nothing stored") {
  Site s(2);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  REQUIRE(crawl(data, s.site).status == store::RunStatus::ok);
  const Snapshot baseline = snapshot(data);
  const std::string url = s->site_url();
  s->stop();
  store::Store store(data);
  crawler::CrawlOptions o;
  o.data_dir = data;
  o.rules_dir = test::rules_dir();
  o.site = url;
  o.delay_seconds = 0.01;
  o.quiet = true;
  o.backoff_seconds = 0.01;
  o.max_attempts = 2;
  auto r = crawler::run_crawl(store, o);
  CHECK(r.status == store::RunStatus::failed);
  CHECK(mentions(r, "listing page 1 failed"));
  check_nothing_lost(data, baseline);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL") == 0);
  CHECK(scalar(data, "SELECT COUNT(*) FROM runs WHERE status = 'failed'") == 1);
}

TEST_CASE("a `jtai crawl` killed with SIGKILL mid-crawl is completed by the next run") {
  Site s(4);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  const std::string binary = test::jtai_binary().string();
  const std::string rules = test::rules_dir().string();
  const std::string data_arg = data.string();
  const std::string site = s->site_url();
  std::vector<std::string> args = {binary, "--rules", rules, "crawl", "--data", data_arg, "--site", site, "--delay", "0.02"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);

  // Kill it once it has downloaded two of the four letters.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int status = 0;
  bool exited = false;
  while (s->stats().pdf_bodies < 2 && std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  INFO("jtai crawl exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  REQUIRE(WIFSIGNALED(status));
  CHECK(integrity(data) == "ok");
  CHECK(scalar(data, "SELECT COUNT(*) FROM runs WHERE status = 'running'") == 1);
  CHECK(stored_files(data).size() < 4);

  auto next = crawl(data, s.site);
  CHECK(next.status == store::RunStatus::ok);
  check_complete(data, s.site);
  CHECK(scalar(data, "SELECT COUNT(*) FROM runs WHERE status = 'running'") == 0);
  CHECK(scalar(data, "SELECT COUNT(*) FROM runs WHERE status = 'failed' AND messages LIKE '%abandoned%'") == 1);
}

TEST_CASE("`jtai crawl` exit statuses: 0 ok, 4 suspect, 2 for a rule-file mistake") {
  Site s(2);
  test::TempDir dir;
  const std::string data = (dir.path() / "data").string();
  auto command_line = [&](const fs::path& rules) {
    std::ostringstream cmd;
    cmd << "'" << test::jtai_binary().string() << "' --rules '" << rules.string() << "' crawl --data '" << data
        << "' --site " << s->site_url() << " --delay 0.01";
    return cmd.str();
  };
  const std::string base = command_line(test::rules_dir());
  auto ok = test::run_command(base);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.rfind("crawl ok", 0) == 0);
  CHECK(ok.out.find("new: ") != std::string::npos);

  s->set_fault("500", true);
  auto suspect = test::run_command(base);
  CHECK(suspect.exit_code == 4);
  CHECK(suspect.out.rfind("crawl suspect", 0) == 0);
  CHECK(suspect.err.find("listing page 2 failed") != std::string::npos);
  s->set_fault("500", false);

  {  // a crawl or refresh already holds the data directory
    std::string holder;
    auto lock = refresh::DataDirLock::try_acquire(dir.path() / "data", "test", &holder);
    REQUIRE(lock);
    auto locked = test::run_command(base);
    CHECK(locked.exit_code == 5);
    CHECK_FALSE(locked.err.empty());
    CHECK(scalar(dir.path() / "data", "SELECT COUNT(*) FROM runs") == 2);  // no run was started
  }

  // A copy of the rules with a typo in site.toml.
  const fs::path rules = dir.path() / "rules";
  fs::copy(test::rules_dir(), rules, fs::copy_options::recursive);
  std::string text = read_file(rules / "site.toml");
  auto at = text.find("rows = 100");
  REQUIRE(at != std::string::npos);
  text.replace(at, 10, "rows = \"many\"");
  write_file_atomic(rules / "site.toml", text);
  auto bad = test::run_command(command_line(rules));
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("site.toml:") != std::string::npos);
  CHECK(bad.err.find("'rows' must be an integer") != std::string::npos);
  CHECK(scalar(dir.path() / "data", "SELECT COUNT(*) FROM files") == 2);  // nothing lost

  // Asking for more rows than the site serves (it caps pages at 100) still finds every authority.
  text = read_file(test::rules_dir() / "site.toml");
  at = text.find("rows = 100");
  REQUIRE(at != std::string::npos);
  text.replace(at, 10, "rows = 150");
  write_file_atomic(rules / "site.toml", text);
  std::string wide_line = command_line(rules);
  wide_line.replace(wide_line.find(data), data.size(), data + "-wide");
  auto wide = test::run_command(wide_line);
  CHECK(wide.exit_code == 0);
  const std::string all_authorities = std::to_string(s->authority_count()) + " authorities";
  CHECK(wide.out.find(all_authorities) != std::string::npos);
  CHECK(requests_for(s->requests(), "site", "/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12&start=100&rows=150") == 1);

  // A page over the size cap is abandoned: listing page 1 (about 20 kB) against a 4 kB cap.
  text = read_file(test::rules_dir() / "site.toml");
  at = text.find("page_max_bytes = 5_000_000");
  REQUIRE(at != std::string::npos);
  text.replace(at, std::string("page_max_bytes = 5_000_000").size(), "page_max_bytes = 4096");
  write_file_atomic(rules / "site.toml", text);
  std::string cold_line = command_line(rules);  // a fresh data directory: no cached page to be 304'd
  cold_line.replace(cold_line.find(data), data.size(), data + "-capped");
  auto capped = test::run_command(cold_line);
  CHECK(capped.exit_code == 1);
  CHECK(capped.out.rfind("crawl failed", 0) == 0);
  CHECK(capped.err.find("larger than the cap of 4096 bytes") != std::string::npos);
}

namespace {

// A copy of the rules with `rows = N` in [listing].
fs::path rules_with_rows(const fs::path& dir, int rows) {
  const fs::path rules = dir / "rules";
  fs::create_directories(dir);
  if (!fs::exists(rules)) fs::copy(test::rules_dir(), rules, fs::copy_options::recursive);
  std::string text = read_file(test::rules_dir() / "site.toml");
  auto at = text.find("rows = 100");
  REQUIRE(at != std::string::npos);
  text.replace(at, 10, "rows = " + std::to_string(rows));
  write_file_atomic(rules / "site.toml", text);
  return rules;
}

int listing_requests(const std::vector<testsite::RequestRecord>& log) {
  int n = 0;
  for (const auto& r : log) n += (r.host == "site" && r.target.rfind("/search", 0) == 0) ? 1 : 0;
  return n;
}

std::string all_messages(const crawler::CrawlResult& r) {
  std::string out;
  for (const auto& m : r.messages) out += m + "\n";
  return out;
}

}  // namespace

TEST_CASE("the end of the listing: stated count, short page, empty, clamped, 404 and 410 past the end") {
  Site s(2);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  const int total = s->authority_count();

  {  // The count is stated: the listing ends when it is reached (page 2 of 2), nothing past it is asked for.
    s->reset_stats();
    auto r = crawl(data, s.site);
    INFO(all_messages(r));
    CHECK(r.status == store::RunStatus::ok);
    CHECK(r.counts.authorities_seen == total);
    CHECK(listing_requests(s->requests()) == 2);
    check_complete(data, s.site);
  }
  s->set_fault("nocount", true);
  {  // No count: page 2 lists fewer than a full page, so it is the last; page 3 is never asked for.
    s->reset_stats();
    auto r = crawl(data, s.site);
    INFO(all_messages(r));
    CHECK(r.status == store::RunStatus::ok);
    CHECK(r.counts.authorities_seen == total);
    CHECK(listing_requests(s->requests()) == 2);
    check_complete(data, s.site);
  }

  // Pages that end exactly at the last provider: the page after the last full one is past the end.
  int pages = 0;
  for (int k = 3; k <= 8 && !pages; ++k)
    if (total % k == 0) pages = k;
  REQUIRE_MESSAGE(pages > 0, "the test site's " << total << " authorities split into 3 to 8 full pages");
  const fs::path rules = rules_with_rows(dir.path(), total / pages);
  for (const std::string past : {"empty", "clamped", "past404", "past410"}) {
    CAPTURE(past);
    if (past != "empty") s->set_fault(past, true);
    s->reset_stats();
    auto r = crawl(data, s.site, rules);
    s->set_fault(past, false);
    INFO(all_messages(r));
    CHECK(r.status == store::RunStatus::ok);
    CHECK(r.counts.errors == 0);
    CHECK(r.counts.authorities_seen == total);
    CHECK(listing_requests(s->requests()) == pages + 1);  // every full page, then one past the end
    CHECK(scalar(data, "SELECT COUNT(*) FROM authorities") == total);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL") == 0);
    check_complete(data, s.site);
    CHECK(refresh::read_status(data).selector_warnings.empty());  // a page past the end is no selector miss
  }
  s->set_fault("nocount", false);
  {  // With the count stated, the same full pages end without asking past the end.
    s->reset_stats();
    auto r = crawl(data, s.site, rules);
    CHECK(r.status == store::RunStatus::ok);
    CHECK(listing_requests(s->requests()) == pages);
  }
  {  // Asking for more rows than the site serves: page 1 is short of what was asked, so page 2 is read
     // and page 1's length is a full page from then on.
    const fs::path wide = rules_with_rows(dir.path() / "wide", 150);
    s->set_fault("nocount", true);
    s->reset_stats();
    auto r = crawl(data, s.site, wide);
    s->set_fault("nocount", false);
    CHECK(r.status == store::RunStatus::ok);
    CHECK(r.counts.authorities_seen == total);
    CHECK(listing_requests(s->requests()) == 2);
  }
}

TEST_CASE("a listing that disagrees with its count or ends before the previous run's total is suspect, saying which") {
  Site s(2);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  const int total = s->authority_count();
  REQUIRE(crawl(data, s.site).status == store::RunStatus::ok);
  const Snapshot baseline = snapshot(data);

  {  // The page states more results than it lists.
    s->set_fault("miscount", true);
    auto r = crawl(data, s.site);
    s->set_fault("miscount", false);
    CHECK(r.status == store::RunStatus::suspect);
    CHECK(r.counts.authorities_seen == total);
    CHECK(mentions(r, "the listing states " + std::to_string(total + 5) + " results but " + std::to_string(total) +
                          " providers were read; the listing ended early"));
    check_nothing_lost(data, baseline);
  }
  {  // The site ignores `start` (page 2 repeats page 1) and states no count: the previous run's total gives it away.
    s->set_fault("nopaging", true);
    s->set_fault("nocount", true);
    auto r = crawl(data, s.site);
    CHECK(r.status == store::RunStatus::suspect);
    CHECK(r.counts.authorities_seen == 100);
    CHECK(mentions(r, "the listing ended after 100 providers, fewer than the " + std::to_string(total) +
                          " the previous run (#"));
    check_nothing_lost(data, baseline);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL") == 0);
    s->set_fault("nocount", false);
  }
  {  // With the count stated, the same listing ends short of it.
    auto r = crawl(data, s.site);
    CHECK(r.status == store::RunStatus::suspect);
    CHECK(r.counts.authorities_seen == 100);
    CHECK(mentions(r, "the listing states " + std::to_string(total) + " results but 100 providers were read"));
    check_nothing_lost(data, baseline);
    s->set_fault("nopaging", false);
  }
  auto clean = crawl(data, s.site);
  CHECK(clean.status == store::RunStatus::ok);
  check_complete(data, s.site);
}

TEST_CASE("provider links outside the results list are not counted; a changed results list falls back and is warned") {
  Site s(3);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  const int total = s->authority_count();

  s->set_fault("extra", true);
  auto r = crawl(data, s.site);
  INFO(all_messages(r));
  CHECK(r.status == store::RunStatus::ok);
  CHECK(r.counts.authorities_seen == total);
  CHECK(scalar(data, "SELECT COUNT(*) FROM authorities") == total);
  CHECK(scalar(data, "SELECT COUNT(*) FROM authorities WHERE urn IN (2599999, 1234567)") == 0);
  CHECK(requests_for(s->requests(), "site", "/provider/16/2599999") == 0);
  check_complete(data, s.site);
  s->set_fault("extra", false);
  CHECK(crawler::RuleUsage::from_json(store::Store(data).run(r.run_id)->selectors).warnings().empty());
  CHECK(refresh::read_status(data).selector_warnings.empty());

  // The results list's markup changes: a fallback selector still reads every provider, the run
  // records which selector matched, and `status` warns.
  s->set_fault("results", true);
  auto drift = crawl(data, s.site);
  s->set_fault("results", false);
  INFO(all_messages(drift));
  CHECK(drift.counts.authorities_seen == total);
  CHECK(drift.status == store::RunStatus::ok);
  CHECK(mentions(drift, "warning: [listing] provider_link: fell back to 'main a[href]' on 2 of 2 page(s)"));
  const std::string recorded = store::Store(data).run(drift.run_id)->selectors;
  CHECK(recorded.find("main a[href]") != std::string::npos);
  auto status = refresh::read_status(data);
  CHECK(status.selectors_run == drift.run_id);
  REQUIRE(status.selector_warnings.size() == 1);
  CHECK(refresh::format_status(status).find("Warning: site.toml selectors fell back in run #" +
                                            std::to_string(drift.run_id)) != std::string::npos);
  check_complete(data, s.site);

  // Back to normal: the warning goes with the next clean run.
  auto clean = crawl(data, s.site);
  CHECK(clean.status == store::RunStatus::ok);
  CHECK(refresh::read_status(data).selector_warnings.empty());
}

TEST_CASE("publication text variants and timeline markup: the same letters, kinds and dates") {
  Site s(4);
  const int total = s->authority_count();
  for (const std::vector<std::string>& faults : {std::vector<std::string>{"variants"}, {"timeline"}, {"variants", "timeline"}}) {
    std::string label;
    for (const auto& f : faults) label += f + " ";
    CAPTURE(label);
    test::TempDir dir;
    const fs::path data = dir.path() / "data";
    for (const auto& f : faults) s->set_fault(f, true);
    auto r = crawl(data, s.site);
    for (const auto& f : faults) s->set_fault(f, false);
    INFO(all_messages(r));
    CHECK(r.status == store::RunStatus::ok);
    CHECK(r.counts.errors == 0);
    CHECK(r.counts.jtai_seen == 4);
    check_complete(data, s.site);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE kind = 'ilacs'") == total);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE kind = 'other'") == 0);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE published_on IS NULL") == 0);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE title NOT LIKE '%, pdf - %'") == 0);
    for (const auto& l : s->jtai_letters())
      CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE file_id = '" + l.file_id + "' AND published_on = '" +
                             l.date_iso + "'") == 1);
    CHECK(refresh::read_status(data).selector_warnings.empty());
  }
}

TEST_CASE("403: never retried, the run stops asking at once and fails saying the site refused us") {
  Site s(3);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  REQUIRE(crawl(data, s.site).status == store::RunStatus::ok);
  const Snapshot baseline = snapshot(data);

  {  // Every request to the site refused.
    s->set_fault("403", true);
    s->reset_stats();
    auto r = crawl(data, s.site);
    s->set_fault("403", false);
    CHECK(r.status == store::RunStatus::failed);
    REQUIRE_FALSE(r.messages.empty());
    CHECK(r.messages.front() == "the site refused our requests (403); see README: being blocked");
    CHECK(s->stats().requests == 1);  // robots.txt, refused: nothing more was asked
    check_nothing_lost(data, baseline);
    CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL") == 0);
  }
  {  // One file refused (a cold data directory, so letters are downloaded).
    test::TempDir cold;
    const fs::path fresh = cold.path() / "data";
    const auto target = s->target_letter();
    s->set_fault("403file", true);
    s->reset_stats();
    auto r = crawl(fresh, s.site);
    s->set_fault("403file", false);
    CHECK(r.status == store::RunStatus::failed);
    REQUIRE_FALSE(r.messages.empty());
    CHECK(r.messages.front() == "the site refused our requests (403); see README: being blocked");
    const auto log = s->requests();
    CHECK(requests_for(log, "files", "/v1/file/" + target.file_id) == 1);  // not retried
    bool after = false;
    int asked_after = 0;
    for (const auto& req : log) {
      if (after) ++asked_after;
      if (req.status == 403) after = true;
    }
    CHECK(asked_after == 0);  // nothing at all was asked after the refusal
    CHECK_FALSE(stored_files(fresh).count(target.file_id));
    CHECK(integrity(fresh) == "ok");
    // The next run, no longer refused, completes the set.
    auto next = crawl(fresh, s.site);
    CHECK(next.status == store::RunStatus::ok);
    check_complete(fresh, s.site);
  }
}

TEST_CASE("`jtai crawl` and `jtai refresh` refuse a real host with the example contact; --contact and JTAI_CONTACT") {
  Site s(2);
  test::TempDir dir;
  const std::string data = (dir.path() / "data").string();
  std::string jtai = "'";  // built step by step: GCC 12 -Wrestrict misfires on "'" + string
  jtai += test::jtai_binary().string() + "' --rules '" + test::rules_dir().string() + "' ";
  // 192.0.2.1 is TEST-NET-1: not this machine, and never reached (the refusal comes before any request).
  for (const std::string command : {"crawl", "refresh"}) {
    CAPTURE(command);
    auto refused = test::run_command("env -u JTAI_CONTACT " + jtai + command + " --data '" + data +
                                     "' --site http://192.0.2.1 --delay 0");
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("example contact address") != std::string::npos);
    CHECK(refused.err.find("--contact ADDRESS or JTAI_CONTACT=ADDRESS") != std::string::npos);
    CHECK(std::count(refused.err.begin(), refused.err.end(), '\n') == 1);  // one line
    if (fs::exists(dir.path() / "data" / store::kDatabaseName))
      CHECK(scalar(dir.path() / "data", "SELECT COUNT(*) FROM runs") == 0);  // no run recorded
  }

  // The address given by option, or by environment, is the one the site sees.
  auto by_option = test::run_command("env -u JTAI_CONTACT " + jtai + "crawl --data '" + data + "' --site " +
                                     s->site_url() + " --delay 0.01 --contact data-team@council.gov.uk");
  CHECK(by_option.exit_code == 0);
  for (const auto& r : s->requests()) CHECK(r.user_agent.find("contact: data-team@council.gov.uk") != std::string::npos);
  s->reset_stats();
  auto by_env = test::run_command("JTAI_CONTACT=ops@research.ac.uk " + jtai + "crawl --data '" + data + "' --site " +
                                  s->site_url() + " --delay 0.01");
  CHECK(by_env.exit_code == 0);
  REQUIRE_FALSE(s->requests().empty());
  for (const auto& r : s->requests()) CHECK(r.user_agent.find("contact: ops@research.ac.uk") != std::string::npos);
}

TEST_CASE("`jtai check-site`: exit 0 on the normal layout, 4 naming the selector on a changed one, 1 when refused") {
  Site s(2);
  std::string base = "'";  // built step by step: GCC 12 -Wrestrict misfires on "'" + string
  base += test::jtai_binary().string() + "' --rules '" + test::rules_dir().string() + "' check-site --site " +
          s->site_url() + " --delay 0.01";
  s->reset_stats();
  auto ok = test::run_command(base);
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("every rule found what it should (exit 0)") != std::string::npos);
  CHECK(ok.out.find("[[kind]] jtai") != std::string::npos);
  CHECK(ok.out.find("file (HEAD)") != std::string::npos);
  CHECK(s->stats().requests <= 10);  // a handful of polite requests
  CHECK(s->stats().pdf_bodies == 0);  // the file is only HEADed

  s->set_fault("layout", true);
  auto changed = test::run_command(base);
  s->set_fault("layout", false);
  CHECK(changed.exit_code == 4);
  CHECK(changed.out.find("NOTHING   [provider] publication") != std::string::npos);

  s->set_fault("results", true);
  auto fallback = test::run_command(base);
  s->set_fault("results", false);
  CHECK(fallback.exit_code == 4);
  CHECK(fallback.out.find("FALLBACK  [listing] provider_link") != std::string::npos);

  s->set_fault("timeline", true);
  auto timeline = test::run_command(base);
  s->set_fault("timeline", false);
  CHECK(timeline.exit_code == 0);

  s->set_fault("403", true);
  auto refused = test::run_command(base);
  s->set_fault("403", false);
  CHECK(refused.exit_code == 1);
  CHECK(refused.out.find("see README: being blocked") != std::string::npos);
}

TEST_CASE("`jtai refresh` stops before changing anything when the provider rules find nothing") {
  Site s(2);
  test::TempDir dir;
  const fs::path data = dir.path() / "data";
  std::string jtai = "'";  // built step by step: GCC 12 -Wrestrict misfires on "'" + string
  jtai += test::jtai_binary().string() + "' --rules '" + test::rules_dir().string() + "' refresh --data '" +
          data.string() + "' --site " + s->site_url() + " --delay 0.01";
  auto first = test::run_command(jtai);
  REQUIRE(first.exit_code == 0);
  const Snapshot baseline = snapshot(data);
  auto exported = [&] {  // every exported file with its modification time
    std::map<std::string, fs::file_time_type> files;
    for (const auto& e : fs::recursive_directory_iterator(data / "exports"))
      if (e.is_regular_file()) files[e.path().string()] = e.last_write_time();
    return files;
  };
  const auto exports_before = exported();
  REQUIRE_FALSE(exports_before.empty());

  s->set_fault("layout", true);
  auto changed = test::run_command(jtai);
  s->set_fault("layout", false);
  CHECK(changed.exit_code == 1);
  CHECK(changed.err.find("provider rules found no publication") != std::string::npos);
  CHECK(changed.out.find("nothing was re-extracted or exported") != std::string::npos);
  check_nothing_lost(data, baseline);
  CHECK(scalar(data, "SELECT COUNT(*) FROM publications WHERE gone_since IS NOT NULL") == 0);
  CHECK(scalar(data, "SELECT COUNT(*) FROM authorities WHERE last_seen >= (SELECT MAX(started_at) FROM runs)") == 0);
  CHECK(exported() == exports_before);  // exports/latest and the dated export untouched
}

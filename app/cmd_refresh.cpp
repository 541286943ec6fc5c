// `jtai refresh`: the weekly job (lock, crawl, re-extract, export, summary).
#include <unistd.h>

#include <iostream>
#include <memory>

#include "app/command.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "crawler/crawl.hpp"
#include "refresh/hook.hpp"
#include "refresh/lock.hpp"
#include "refresh/refresh.hpp"

namespace jtai::app {
namespace {

static_assert(kExitOk == 0 && kExitSuspect == 4 && kExitFailed == 1,
              "refresh::exit_status_for must match app/command.hpp");

struct RefreshCommand {
  std::string data_dir;
  std::string site = "https://reports.ofsted.gov.uk";
  double delay = 1.0;
  std::string on_failure;
  std::string contact;
  int threads = 2;
};

int finish(const RefreshCommand& o, int exit_status, const std::string& status, const std::string& summary) {
  if (exit_status != kExitOk && !o.on_failure.empty()) {
    int hook = refresh::run_failure_hook(o.on_failure, status, exit_status, o.data_dir, summary);
    if (hook != 0) std::cerr << "jtai refresh: --on-failure command exited with status " << hook << "\n";
  }
  return exit_status;
}

int run(const RefreshCommand& o, const GlobalOptions& global) {
  std::string holder;
  auto lock = refresh::DataDirLock::try_acquire(o.data_dir, "refresh", &holder);
  if (!lock) {
    std::cerr << "jtai refresh: " << refresh::locked_message(o.data_dir, holder) << "\n";
    return finish(o, kExitLocked, "locked", "");
  }

  std::optional<extract::RuleSet> rules;
  std::filesystem::path rules_dir;
  try {
    rules_dir = find_rules_dir(global.rules_dir);
    rules = extract::RuleSet::load(rules_dir);
  } catch (const Error& e) {
    std::cerr << "jtai refresh: " << e.what() << "\n";
    lock->release();
    return finish(o, kExitBadInput, "bad_input", "");
  }

  refresh::RefreshResult result;
  try {
    store::Store store(o.data_dir);
    store.close_abandoned_runs();
    refresh::RefreshOptions options;
    options.data_dir = o.data_dir;
    options.rules_dir = rules_dir;
    options.site = o.site;
    options.delay_seconds = o.delay;
    options.progress = ::isatty(STDERR_FILENO) != 0;
    options.threads = o.threads;
    options.contact = o.contact;
    result = refresh::run_refresh(store, *rules, options);
  } catch (const crawler::ContactRequired& e) {  // refused before any request or record
    std::cerr << "jtai refresh: " << e.what() << "\n";
    lock->release();
    return finish(o, kExitBadInput, "bad_input", "");
  } catch (const RuleError& e) {  // a mistake in rules/site.toml, found by the crawl (which recorded the run)
    std::cerr << "jtai refresh: " << e.what() << "\n";
    lock->release();
    return finish(o, kExitBadInput, "bad_input", "");
  } catch (const std::exception& e) {
    std::cerr << "jtai refresh: failed: " << e.what() << "\n";
    lock->release();
    return finish(o, kExitFailed, "failed", std::string("Refresh failed: ") + e.what());
  }
  lock->release();
  std::cout << result.summary << "\n";
  return finish(o, refresh::exit_status_for(result.status), store::to_string(result.status), result.summary);
}

CommandRegistrar registrar(40, [](CLI::App& app, const GlobalOptions& global) -> std::function<int()> {
  auto* sub = app.add_subcommand(
      "refresh",
      "The weekly job: crawl the site, re-extract letters the current rules have not seen, export, and print a "
      "summary. Exit 0 ok, 4 suspect/partial, 1 failed, 5 another run holds DIR, 2 bad input.");
  auto o = std::make_shared<RefreshCommand>();
  sub->add_option("--data", o->data_dir, "Data directory (holds jtai.sqlite, reports/, exports/, logs/)")->required();
  sub->add_option("--site", o->site, "Site to crawl")->capture_default_str();
  sub->add_option("--contact", o->contact,
                  "Contact address for the User-Agent (default: $JTAI_CONTACT, else rules/site.toml); required "
                  "for any site but this machine while the rules hold the example address");
  sub->add_option("--delay", o->delay, "Seconds between requests to one host")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--on-failure", o->on_failure,
                  "Shell command run when the status is not ok (env: JTAI_STATUS, JTAI_EXIT, JTAI_DATA, "
                  "JTAI_SUMMARY)");
  sub->add_option("--threads", o->threads, "Threads for re-extraction")->capture_default_str()->check(CLI::Range(1, 64));
  return [o, &global] { return run(*o, global); };
});

}  // namespace
}  // namespace jtai::app

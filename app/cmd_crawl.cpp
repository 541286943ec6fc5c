// `jtai crawl --data DIR [--site URL] [--contact ADDRESS] [--delay SECONDS] [--timeout SECONDS] [--max-runtime SECONDS] ...`
#include <unistd.h>

#include <iostream>
#include <memory>

#include "app/bounded.hpp"
#include "app/command.hpp"
#include "app/isolation_options.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/interrupt.hpp"
#include "common/text.hpp"
#include "crawler/crawl.hpp"
#include "crawler/url.hpp"
#include "refresh/lock.hpp"
#include "store/health.hpp"
#include "store/store.hpp"

namespace jtai::app {

namespace {

CommandRegistrar reg(30, [](CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("crawl", "Crawl the Ofsted site: list authorities, download and extract new JTAI letters");
  struct Options {
    std::string data_dir;
    std::string site = "https://reports.ofsted.gov.uk";
    double delay = 1.0;
    std::optional<double> timeout;
    double max_runtime = 6 * 3600;
    bool retry_failed = false;
    IsolationFlags isolation;
    std::string contact;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("--data", opts->data_dir, "Data directory (jtai.sqlite, reports/, cache/)")->required();
  cmd->add_option("--site", opts->site, "Site to crawl; its file host (rules/site.toml) is allowed alongside it")
      ->capture_default_str();
  cmd->add_option("--contact", opts->contact,
                  "Contact address for the User-Agent (default: $JTAI_CONTACT, else rules/site.toml); required "
                  "for any site but this machine while the rules hold the example address");
  cmd->add_option("--delay", opts->delay, "Seconds between two requests to the same host")
      ->capture_default_str()
      ->check(seconds_between(0, 3600));
  cmd->add_option("--timeout", opts->timeout, "Seconds a request may take (default: rules/site.toml)")
      ->check(seconds_between(1, 3600));
  cmd->add_option("--max-runtime", opts->max_runtime,
                  "Longest the whole crawl may run; then it stops cleanly as suspect, keeping everything fetched")
      ->capture_default_str()
      ->check(seconds_between(1, 7 * 86400));
  cmd->add_flag("--retry-failed", opts->retry_failed,
                "Try quarantined letters again (otherwise only after jtai or the rules change)");
  add_isolation_options(cmd, opts->isolation);
  cmd->footer("Exit status: 0 ok, 4 finished but partial or suspect (see the messages), 1 failed, "
              "2 bad option, rule-file error or missing contact address, 5 another crawl or refresh holds the data "
              "directory, 130/143 interrupted by SIGINT/SIGTERM (recorded as interrupted). "
              "Nothing stored earlier is ever removed.");
  return [opts, &global]() -> int {
    // A bad --site is bad input: refused before any directory or store is created.
    if (!crawler::parse_url(opts->site + "/"))
      throw Error("--site " + printable(opts->site) + " is not an http(s) URL");
    crawler::CrawlOptions o;
    o.data_dir = opts->data_dir;
    o.rules_dir = find_rules_dir(global.rules_dir);
    o.site = opts->site;
    o.delay_seconds = opts->delay;
    o.timeout_seconds = opts->timeout;
    o.contact = opts->contact;
    o.progress = ::isatty(STDERR_FILENO) != 0;
    o.max_runtime_seconds = opts->max_runtime;
    o.retry_failed = opts->retry_failed;
    o.isolation = isolation_limits(opts->isolation, o.rules_dir);
    o.jobs = opts->isolation.jobs;
    // Never overlap with a refresh (or another crawl) of the same data directory.
    std::string holder;
    auto lock = refresh::DataDirLock::try_acquire(o.data_dir, "crawl", &holder);
    if (!lock) {
      std::cerr << "jtai: " << refresh::locked_message(o.data_dir, holder) << "\n";
      return kExitLocked;
    }
    try {
      store::require_healthy_store(o.data_dir);
    } catch (const store::StoreDamaged& e) {
      std::cerr << "jtai: " << e.what() << "\n";
      return kExitFailed;
    }
    install_interrupt_handlers();
    store::Store store(o.data_dir);
    auto result = crawler::run_crawl(store, o);
    const auto& c = result.counts;
    std::cout << "crawl " << store::to_string(result.status) << " (run " << result.run_id << "): "
              << c.authorities_seen << " authorities, " << c.jtai_seen << " JTAI letters listed, " << c.downloads
              << " downloaded, " << c.extracted << " extracted, " << c.errors << " error(s); " << c.requests
              << " requests, " << c.bytes << " bytes\n";
    for (const auto& letter : result.new_letters) std::cout << "new: " << printable(letter) << "\n";
    for (const auto& letter : result.quarantined) std::cout << "quarantined: " << printable(letter) << "\n";
    if (result.skipped_quarantined)
      std::cout << result.skipped_quarantined << " quarantined letter(s) not tried again (see jtai status)\n";
    switch (result.status) {
      case store::RunStatus::ok: return kExitOk;
      case store::RunStatus::suspect: return kExitSuspect;
      case store::RunStatus::interrupted: return interrupt_exit_status();
      default: return kExitFailed;
    }
  };
});

}  // namespace

}  // namespace jtai::app

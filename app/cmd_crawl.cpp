// `jtai crawl --data DIR [--site URL] [--contact ADDRESS] [--delay SECONDS] [--timeout SECONDS]`
#include <unistd.h>

#include <iostream>
#include <memory>

#include "app/command.hpp"
#include "common/files.hpp"
#include "crawler/crawl.hpp"
#include "refresh/lock.hpp"
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
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--timeout", opts->timeout, "Seconds a request may take (default: rules/site.toml)")
      ->check(CLI::PositiveNumber);
  cmd->footer("Exit status: 0 ok, 4 finished but partial or suspect (see the messages), 1 failed, "
              "2 bad option, rule-file error or missing contact address, 5 another crawl or refresh holds the data directory. "
              "Nothing stored earlier is ever removed.");
  return [opts, &global]() -> int {
    crawler::CrawlOptions o;
    o.data_dir = opts->data_dir;
    o.rules_dir = find_rules_dir(global.rules_dir);
    o.site = opts->site;
    o.delay_seconds = opts->delay;
    o.timeout_seconds = opts->timeout;
    o.contact = opts->contact;
    o.progress = ::isatty(STDERR_FILENO) != 0;
    // Never overlap with a refresh (or another crawl) of the same data directory.
    std::string holder;
    auto lock = refresh::DataDirLock::try_acquire(o.data_dir, "crawl", &holder);
    if (!lock) {
      std::cerr << "jtai: " << refresh::locked_message(o.data_dir, holder) << "\n";
      return kExitLocked;
    }
    store::Store store(o.data_dir);
    auto result = crawler::run_crawl(store, o);
    const auto& c = result.counts;
    std::cout << "crawl " << store::to_string(result.status) << " (run " << result.run_id << "): "
              << c.authorities_seen << " authorities, " << c.jtai_seen << " JTAI letters listed, " << c.downloads
              << " downloaded, " << c.extracted << " extracted, " << c.errors << " error(s); " << c.requests
              << " requests, " << c.bytes << " bytes\n";
    for (const auto& letter : result.new_letters) std::cout << "new: " << letter << "\n";
    switch (result.status) {
      case store::RunStatus::ok: return kExitOk;
      case store::RunStatus::suspect: return kExitSuspect;
      default: return kExitFailed;
    }
  };
});

}  // namespace

}  // namespace jtai::app

// `jtai check-site [--site URL] [--contact ADDRESS] [--delay SECONDS] [--timeout SECONDS]`
#include <iostream>
#include <memory>

#include "app/command.hpp"
#include "common/files.hpp"
#include "crawler/site_check.hpp"

namespace jtai::app {

namespace {

CommandRegistrar reg(35, [](CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "check-site",
      "Check that rules/site.toml still fits the site: a handful of polite requests (robots.txt, listing page 1, "
      "the last listing page, one provider page with a JTAI letter, a HEAD of its file), reported rule by rule");
  struct Options {
    std::string site = "https://reports.ofsted.gov.uk";
    std::string contact;
    double delay = 1.0;
    std::optional<double> timeout;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("--site", opts->site, "Site to check")->capture_default_str();
  cmd->add_option("--contact", opts->contact,
                  "Contact address for the User-Agent (default: $JTAI_CONTACT, else rules/site.toml)");
  cmd->add_option("--delay", opts->delay, "Seconds between two requests to the same host")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--timeout", opts->timeout, "Seconds a request may take (default: rules/site.toml)")
      ->check(CLI::PositiveNumber);
  cmd->footer("Exit status: 0 every rule found what it should, 4 a rule fell back or found nothing (the report "
              "names it), 1 the site could not be read (network, HTTP error, refused), 2 bad option, rule-file "
              "error or missing contact address.");
  return [opts, &global]() -> int {
    crawler::SiteCheckOptions o;
    o.rules_dir = find_rules_dir(global.rules_dir);
    o.site = opts->site;
    o.contact = opts->contact;
    o.delay_seconds = opts->delay;
    o.timeout_seconds = opts->timeout;
    auto result = crawler::check_site(o);
    std::cout << result.format();
    return result.exit_status();
  };
});

}  // namespace

}  // namespace jtai::app

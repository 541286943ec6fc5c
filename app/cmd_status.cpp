// `jtai status`: what the data directory holds and what the last runs did.
// Read-only: never takes the lock, never writes the database.
#include <iostream>
#include <memory>

#include <sstream>

#include "app/command.hpp"
#include "common/text.hpp"
#include "refresh/status.hpp"

namespace jtai::app {
namespace {

struct StatusCommand {
  std::string data_dir;
  int runs = 10;
  bool json = false;
  bool check = false;
};

CommandRegistrar registrar(50, [](CLI::App& app, const GlobalOptions&) -> std::function<int()> {
  auto* sub = app.add_subcommand(
      "status",
      "Show the last runs, counts of authorities, letters and findings, letters with extraction warnings and what "
      "changed in the last run (read-only).");
  auto o = std::make_shared<StatusCommand>();
  sub->add_option("--data", o->data_dir, "Data directory")->required();
  sub->add_option("--runs", o->runs, "How many recent runs to list")->capture_default_str()->check(CLI::Range(1, 1000));
  sub->add_flag("--json", o->json, "Print JSON instead of text");
  sub->add_flag("--check", o->check,
                "Check the whole store (PRAGMA integrity_check) instead of the quick check; exit 1 when damaged");
  return [o] {
    auto report = refresh::read_status(o->data_dir, o->runs, o->check);  // jtai::Error (no database) -> exit 2
    if (o->json) {
      std::cout << refresh::status_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      // Names and messages come from the site and the letters: no control character reaches the terminal.
      std::istringstream lines(refresh::format_status(report));
      for (std::string line; std::getline(lines, line);) std::cout << printable(line) << "\n";
    }
    return report.store_problems.empty() ? kExitOk : kExitFailed;
  };
});

}  // namespace
}  // namespace jtai::app

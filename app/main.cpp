// The `jtai` command line. Subcommands register themselves (app/cmd_*.cpp).
#include <algorithm>
#include <iostream>

#include "app/command.hpp"
#include "common/error.hpp"

namespace jtai::app {
std::vector<CommandInfo>& command_registry() {
  static std::vector<CommandInfo> registry;
  return registry;
}
}  // namespace jtai::app

int main(int argc, char** argv) {
  using namespace jtai::app;
  CLI::App app{"jtai: crawl, extract and export Ofsted Joint Targeted Area Inspection findings"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(JTAI_VERSION));
  GlobalOptions global;
  app.add_option("--rules", global.rules_dir, "Rules directory (default: $JTAI_RULES, else the installed or source rules/)");

  auto& registry = command_registry();
  std::sort(registry.begin(), registry.end(),
            [](const CommandInfo& a, const CommandInfo& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, std::function<int()>>> runners;
  for (auto& info : registry) {
    size_t before = app.get_subcommands({}).size();
    auto run = info.setup(app, global);
    auto subs = app.get_subcommands({});
    if (subs.size() > before) runners.emplace_back(subs.back(), std::move(run));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadInput;
  }

  try {
    for (auto& [sub, run] : runners)
      if (sub->parsed()) return run();
  } catch (const jtai::Error& e) {
    std::cerr << "jtai: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "jtai: unexpected error: " << e.what() << "\n";
    return kExitFailed;
  }
  return kExitFailed;
}

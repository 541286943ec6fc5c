// The `jtai` command line. Subcommands register themselves (app/cmd_*.cpp).
#include <algorithm>
#include <iostream>
#include <string_view>

#include "app/command.hpp"
#include "common/error.hpp"
#include "common/text.hpp"

namespace jtai::app {
std::vector<CommandInfo>& command_registry() {
  static std::vector<CommandInfo> registry;
  return registry;
}
}  // namespace jtai::app

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The first word that is neither an option nor the --rules value: the command the user meant.
std::string command_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--rules") {
      ++i;
      continue;
    }
    if (!a.empty() && a[0] == '-') continue;
    return std::string(a);
  }
  return {};
}

}  // namespace

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
    // An unknown command: say so, and suggest the nearest one.
    std::string word = command_word(argc, argv);
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) known = known || sub->get_name() == word;
    if (!word.empty() && !known) {
      std::string best;
      size_t best_distance = 4;
      for (const auto* sub : app.get_subcommands({})) {
        size_t d = edit_distance(word, sub->get_name());
        if (d < best_distance) best_distance = d, best = sub->get_name();
      }
      std::cerr << "jtai: unknown command '" << jtai::printable(word.substr(0, 40)) << "'"
                << (best.empty() ? std::string() : "; did you mean '" + best + "'?")
                << " (jtai --help lists the commands)\n";
      return kExitBadInput;
    }
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

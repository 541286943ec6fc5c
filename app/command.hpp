#pragma once
// Each subcommand lives in its own app/cmd_*.cpp and registers itself with a
// static CommandRegistrar, so adding a command never touches main.cpp.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace jtai::app {

// Exit statuses shared by every subcommand (documented in README).
enum ExitStatus : int {
  kExitOk = 0,        // done, nothing to distrust
  kExitFailed = 1,    // the run failed; nothing stored earlier was lost
  kExitBadInput = 2,  // unreadable input: missing/corrupt/encrypted file, rule-file error, bad option
  kExitNotJtai = 3,   // extract: a readable PDF that is not a JTAI letter
  kExitSuspect = 4,   // crawl/refresh: finished, but partial or suspect (see `jtai status`)
  kExitLocked = 5,    // refresh: another refresh holds this data directory
};

struct GlobalOptions {
  std::string rules_dir;  // --rules; empty means find_rules_dir()'s default
};

// `setup` adds the subcommand to `app` and returns a function to run when it was chosen.
using CommandSetup = std::function<std::function<int()>(CLI::App& app, const GlobalOptions& global)>;

struct CommandInfo {
  int order;  // position in --help
  CommandSetup setup;
};

std::vector<CommandInfo>& command_registry();

struct CommandRegistrar {
  CommandRegistrar(int order, CommandSetup setup) {
    command_registry().push_back({order, std::move(setup)});
  }
};

}  // namespace jtai::app

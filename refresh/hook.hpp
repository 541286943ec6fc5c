#pragma once
// The --on-failure hook: a shell command run when a refresh does not end ok.
#include <filesystem>
#include <string>

namespace jtai::refresh {

// Runs `command` with /bin/sh -c, its environment extended with
// JTAI_STATUS (failed | suspect | locked | bad_input), JTAI_EXIT (jtai's exit
// status), JTAI_DATA (the data directory) and JTAI_SUMMARY (the summary line,
// when there is one). Returns the hook's own exit status; 127 when it could
// not be started. Never throws.
int run_failure_hook(const std::string& command, const std::string& status, int exit_status,
                     const std::filesystem::path& data_dir, const std::string& summary);

}  // namespace jtai::refresh

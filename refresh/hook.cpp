#include "refresh/hook.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

extern char** environ;

namespace jtai::refresh {

int run_failure_hook(const std::string& command, const std::string& status, int exit_status,
                     const std::filesystem::path& data_dir, const std::string& summary) {
  // The child's environment: ours minus any JTAI_* we set, plus the fresh values.
  const std::vector<std::string> ours = {"JTAI_STATUS=" + status, "JTAI_EXIT=" + std::to_string(exit_status),
                                         "JTAI_DATA=" + data_dir.string(), "JTAI_SUMMARY=" + summary};
  std::vector<char*> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view var(*e);
    bool replaced = false;
    for (const auto& mine : ours)
      if (var.substr(0, var.find('=') + 1) == std::string_view(mine).substr(0, mine.find('=') + 1)) replaced = true;
    if (!replaced) env.push_back(*e);
  }
  for (const auto& mine : ours) env.push_back(const_cast<char*>(mine.c_str()));
  env.push_back(nullptr);

  std::string sh = "/bin/sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  pid_t pid = 0;
  if (::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv, env.data()) != 0) return 127;
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0)
    if (errno != EINTR) return 127;
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  return 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
}

}  // namespace jtai::refresh

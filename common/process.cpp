#include "common/process.hpp"

#include <signal.h>

#include <cerrno>
#include <fstream>
#include <string>

namespace jtai {

bool process_alive(int64_t pid) {
  if (pid <= 0) return false;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;  // EPERM: someone else's
  // /proc/PID/stat is "PID (COMMAND) STATE ...": COMMAND may hold spaces or ')', so read after the last ')'.
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return true;  // no /proc: trust kill()
  auto close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return true;
  return stat[close + 2] != 'Z';
}

}  // namespace jtai

#include "export/directory_swap.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.hpp"

namespace jtai::exporter {

namespace fs = std::filesystem;

void sync_path(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY);
  if (fd < 0) throw Error("cannot open " + path.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw Error("cannot sync " + path.string() + ": " + std::strerror(err));
}

void replace_directory(const fs::path& staged, const fs::path& target) {
  if (::rename(staged.c_str(), target.c_str()) == 0) return;
  if (errno != EEXIST && errno != ENOTEMPTY && errno != EISDIR)
    throw Error("cannot move " + staged.string() + " to " + target.string() + ": " + std::strerror(errno));
  if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(staged);  // now holds the previous contents
    return;
  }
  // A file system without RENAME_EXCHANGE: move the old one aside first.
  fs::path old = target.string() + ".old-" + std::to_string(::getpid());
  fs::rename(target, old);
  try {
    fs::rename(staged, target);
  } catch (...) {
    fs::rename(old, target);
    throw;
  }
  fs::remove_all(old);
}

}  // namespace jtai::exporter

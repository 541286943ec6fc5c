#include "refresh/lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/text.hpp"

namespace jtai::refresh {

namespace fs = std::filesystem;

namespace {

void write_holder_info(int fd, const std::string& command) {
  std::string info = "pid " + std::to_string(::getpid()) + "\ncommand " + command + "\nstarted " +
                     utc_now_iso() + "\n";
  // Best effort: the lock itself is the flock, not the file's contents.
  if (::ftruncate(fd, 0) != 0) return;
  if (::pwrite(fd, info.data(), info.size(), 0) < 0) return;
}

}  // namespace

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DataDirLock::~DataDirLock() { release(); }

void DataDirLock::release() {
  if (fd_ < 0) return;
  (void)::ftruncate(fd_, 0);  // no stale holder text once we are done
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
  fd_ = -1;
}

std::optional<DataDirLock> DataDirLock::try_acquire(const fs::path& data_dir, const std::string& command,
                                                    std::string* holder) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) throw Error("cannot create data directory " + data_dir.string() + ": " + ec.message());
  fs::path path = data_dir / kLockFileName;
  // O_CLOEXEC: a child started by us (the --on-failure hook) must not inherit the lock.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot open lock file " + path.string() + ": " + std::strerror(errno));
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      if (holder) *holder = describe_lock_holder(data_dir);
      return std::nullopt;
    }
    throw Error("cannot lock " + path.string() + ": " + std::strerror(err));
  }
  write_holder_info(fd, command);
  return DataDirLock(fd);
}

std::optional<LockHolder> read_lock_holder(const fs::path& data_dir) {
  LockHolder holder;
  try {
    std::istringstream in(read_file(data_dir / kLockFileName));
    std::string line;
    while (std::getline(in, line)) {
      auto space = line.find(' ');
      if (space == std::string::npos) continue;
      std::string key = line.substr(0, space), value = trim(line.substr(space + 1));
      if (key == "pid") holder.pid = std::atol(value.c_str());
      else if (key == "command") holder.command = value;
      else if (key == "started") holder.started = value;
    }
  } catch (const Error&) {
    return std::nullopt;
  }
  if (holder.pid <= 0) return std::nullopt;
  return holder;
}

std::optional<LockHolder> active_lock_holder(const fs::path& data_dir) {
  auto holder = read_lock_holder(data_dir);
  if (!holder) return std::nullopt;
  struct stat st {};
  if (::stat((data_dir / kLockFileName).c_str(), &st) != 0) return std::nullopt;
  std::ifstream locks("/proc/locks");
  if (!locks) return ::kill(static_cast<pid_t>(holder->pid), 0) == 0 || errno == EPERM ? holder : std::nullopt;
  // "1: FLOCK  ADVISORY  WRITE 30919 fe:00:10952910 0 EOF"
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream in(line);
    std::string index, type, mode, access, pid, device;
    if (!(in >> index >> type >> mode >> access >> pid >> device) || type != "FLOCK") continue;
    auto colon = device.rfind(':');
    if (colon == std::string::npos) continue;
    if (std::strtoull(device.c_str() + colon + 1, nullptr, 10) == static_cast<unsigned long long>(st.st_ino))
      return holder;
  }
  return std::nullopt;
}

std::string describe_lock_holder(const fs::path& data_dir) {
  auto holder = read_lock_holder(data_dir);
  if (!holder) return "another jtai process";
  std::string text = (holder->command.empty() ? std::string("jtai") : "jtai " + holder->command) +
                     " (pid " + std::to_string(holder->pid);
  if (!holder->started.empty()) text += ", started " + holder->started;
  return text + ")";
}

std::string locked_message(const fs::path& data_dir, const std::string& holder) {
  return "data directory " + data_dir.string() + " is locked by " + holder +
         "; not starting a second run (exit 5)";
}

}  // namespace jtai::refresh

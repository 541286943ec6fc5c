#pragma once
// One writer per data directory. flock(2) on DIR/.jtai.lock: the kernel drops
// the lock when the holder exits, however it exits, so a run killed with
// SIGKILL never blocks the next one. The file also carries the holder's pid,
// command and start time, only to make the "locked" message useful.
#include <filesystem>
#include <optional>
#include <string>

namespace jtai::refresh {

inline constexpr const char* kLockFileName = ".jtai.lock";

class DataDirLock {
 public:
  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

  // Takes the lock without waiting. Returns nullopt when another process
  // holds it (`holder` then describes that process). Creates the directory
  // if needed; throws jtai::Error when the lock file cannot be opened.
  static std::optional<DataDirLock> try_acquire(const std::filesystem::path& data_dir,
                                                const std::string& command, std::string* holder = nullptr);

  void release();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

struct LockHolder {
  long pid = 0;
  std::string command;
  std::string started;  // ISO time
};
// What the lock file says; nullopt when it is missing or empty (nobody holds
// it, or the holder has not written it yet). The pid may be dead: a killed
// holder leaves its text behind, but never its lock.
std::optional<LockHolder> read_lock_holder(const std::filesystem::path& data_dir);

// The holder of a lock that is held right now, without touching the lock
// (taking it, even briefly, could turn a refresh starting at that moment
// away). Reads /proc/locks for a flock on the lock file's inode; where that
// cannot be read, trusts the lock file's pid if that process exists.
std::optional<LockHolder> active_lock_holder(const std::filesystem::path& data_dir);

// "refresh (pid 1234, started 2026-11-22T01:30:37Z)" read from the lock file;
// a generic text when the holder has not written it yet.
std::string describe_lock_holder(const std::filesystem::path& data_dir);

// The one-line message a command prints when the lock is taken.
std::string locked_message(const std::filesystem::path& data_dir, const std::string& holder);

}  // namespace jtai::refresh

#include "extract/isolated.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>

#include "common/error.hpp"
#include "common/files.hpp"

namespace jtai::extract {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ---- limits -------------------------------------------------------------------

std::string IsolationLimits::invalid() const {
  if (!std::isfinite(wall_seconds) || wall_seconds < 1 || wall_seconds > 86400)
    return "the extraction time limit must be between 1 and 86400 seconds";
  if (!std::isfinite(cpu_seconds) || cpu_seconds < 1 || cpu_seconds > 86400)
    return "the extraction CPU limit must be between 1 and 86400 seconds";
  if (memory_mb < 64 || memory_mb > 1'048'576) return "the extraction memory limit must be between 64 and 1048576 MB";
  return {};
}

IsolationLimits IsolationLimits::load(const fs::path& rules_dir) {
  IsolationLimits limits;
  const fs::path file = rules_dir / "site.toml";
  std::error_code ec;
  if (!fs::exists(file, ec)) return limits;
  toml::table doc;
  try {
    doc = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw RuleError(file.string(), static_cast<long>(e.source().begin.line), std::string(e.description()));
  }
  const toml::table* t = doc["extraction"].as_table();
  if (!t) return limits;
  auto number = [&](const char* key, double& out) {
    const toml::node* n = t->get(key);
    if (!n) return;
    auto v = n->value<double>();
    if (!v) throw RuleError(file.string(), static_cast<long>(n->source().begin.line),
                            std::string("[extraction] ") + key + " must be a number");
    out = *v;
  };
  double memory = static_cast<double>(limits.memory_mb);
  number("timeout_seconds", limits.wall_seconds);
  number("cpu_seconds", limits.cpu_seconds);
  number("memory_mb", memory);
  limits.memory_mb = std::isfinite(memory) ? static_cast<long long>(std::clamp(memory, -1.0, 1e12)) : -1;
  if (auto why = limits.invalid(); !why.empty()) {
    const toml::node* n = t->get("timeout_seconds");
    throw RuleError(file.string(), n ? static_cast<long>(n->source().begin.line) : 0, why + " ([extraction])");
  }
  return limits;
}

int default_jobs() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(std::min(n, 64L)) : 1;
}

std::string to_string(IsolatedResult::Status status) {
  using S = IsolatedResult::Status;
  switch (status) {
    case S::ok: return "ok";
    case S::unreadable: return "unreadable";
    case S::crashed: return "crashed";
    case S::timed_out: return "timed_out";
    case S::cpu_limit: return "cpu_limit";
    case S::out_of_memory: return "out_of_memory";
    case S::failed: return "failed";
  }
  return "failed";
}

// ---- the child ------------------------------------------------------------------

namespace {

// Tags of the one message a child writes before it exits.
constexpr char kOk = 'O', kUnreadable = 'U', kNoMemory = 'M', kError = 'E';

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

void put_u64(std::string& out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

long long address_space_now() {
  // First field of /proc/self/statm: total program size in pages.
  long long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lld", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  return pages * ::sysconf(_SC_PAGESIZE);
}

[[noreturn]] void child_main(int fd, const IsolatedTask& task, const RuleSet& rules, const IsolationLimits& limits) {
  // Die with the parent; never react to the terminal's Ctrl-C (the parent decides).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);
  if (int null = ::open("/dev/null", O_WRONLY); null >= 0) {
    ::dup2(null, STDOUT_FILENO);  // only the pipe carries results
    ::close(null);
  }
  const long long cpu = static_cast<long long>(std::ceil(limits.cpu_seconds));
  rlimit cpu_limit{static_cast<rlim_t>(cpu), static_cast<rlim_t>(cpu + 2)};
  ::setrlimit(RLIMIT_CPU, &cpu_limit);
  // The limit is what the child may add to the address space it inherits.
  const long long as = address_space_now() + limits.memory_mb * 1024LL * 1024LL;
  rlimit as_limit{static_cast<rlim_t>(as), static_cast<rlim_t>(as)};
  ::setrlimit(RLIMIT_AS, &as_limit);
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);

  std::string message;
  try {
    // Test-only switch: the integration tests make one letter's child crash.
    if (const char* crash = std::getenv("JTAI_TEST_CRASH_CHILD"); crash && *crash &&
        task.pdf.string().find(crash) != std::string::npos)
      ::raise(SIGSEGV);
    Layout layout = read_layout(task.pdf);
    std::string encoded = encode_layout(layout);
    Report report = extract_report(layout, rules, task.urn);
    std::string json = to_json(report).dump();
    message.reserve(encoded.size() + json.size() + 17);
    message += kOk;
    put_u64(message, encoded.size());
    message += encoded;
    put_u64(message, json.size());
    message += json;
  } catch (const PdfError& e) {
    message = std::string(1, kUnreadable) + e.what();
  } catch (const std::bad_alloc&) {
    message = std::string(1, kNoMemory);
  } catch (const std::exception& e) {
    message = std::string(1, kError) + e.what();
  } catch (...) {
    message = std::string(1, kError) + "unknown error";
  }
  write_all(fd, message.data(), message.size());
  ::_exit(0);  // no destructors, no atexit: the parent's SQLite handles and files stay untouched
}

// ---- the parent -------------------------------------------------------------------

struct Child {
  size_t index = 0;
  pid_t pid = -1;
  int fd = -1;
  std::string received;
  Clock::time_point started;
  Clock::time_point deadline;
  bool killed_for_time = false;
};

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGXCPU: return "SIGXCPU";
    default: return "signal " + std::to_string(sig);
  }
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

uint64_t get_u64(const std::string& s, size_t at) {
  uint64_t v = 0;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}

IsolatedResult interpret(Child& child, int wait_status, const rusage& usage, const IsolationLimits& limits) {
  IsolatedResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - child.started).count();
  const double cpu_used = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                          static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  const std::string& m = child.received;
  using S = IsolatedResult::Status;
  if (child.killed_for_time) {
    r.status = S::timed_out;
    r.reason = "PDF parsing stopped after the " + seconds_text(limits.wall_seconds) + " s time limit";
    return r;
  }
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    if (sig == SIGXCPU || (sig == SIGKILL && cpu_used + 0.5 >= limits.cpu_seconds)) {
      r.status = S::cpu_limit;
      r.reason = "PDF parsing stopped at the " + seconds_text(limits.cpu_seconds) + " s CPU limit";
    } else if (static_cast<long long>(usage.ru_maxrss) * 1024 >= limits.memory_mb * 1024LL * 1024LL / 2 &&
               (sig == SIGABRT || sig == SIGSEGV || sig == SIGBUS)) {
      r.status = S::out_of_memory;
      r.reason = "PDF parsing ran out of memory (" + std::to_string(limits.memory_mb) + " MB limit; " +
                 signal_name(sig) + ")";
    } else {
      r.status = S::crashed;
      r.reason = "PDF parsing crashed (" + signal_name(sig) + ")";
    }
    return r;
  }
  if (m.empty()) {
    r.status = S::failed;
    r.reason = "PDF parsing ended without a result (exit status " +
               std::to_string(WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1) + ")";
    return r;
  }
  switch (m[0]) {
    case kOk: {
      try {
        if (m.size() < 9) throw Error("short result");
        uint64_t layout_size = get_u64(m, 1);
        if (layout_size > m.size() - 9 || m.size() - 9 - layout_size < 8) throw Error("short result");
        r.layout = m.substr(9, layout_size);
        uint64_t json_size = get_u64(m, 9 + layout_size);
        if (json_size != m.size() - 17 - layout_size) throw Error("short result");
        r.report = report_from_json(nlohmann::json::parse(m.substr(17 + layout_size)));
        r.status = S::ok;
      } catch (const std::exception& e) {
        r = IsolatedResult{};
        r.status = S::failed;
        r.reason = std::string("PDF parsing returned a damaged result: ") + e.what();
      }
      return r;
    }
    case kUnreadable:
      r.status = S::unreadable;
      r.reason = m.substr(1);
      return r;
    case kNoMemory:
      r.status = S::out_of_memory;
      r.reason = "PDF parsing ran out of memory (" + std::to_string(limits.memory_mb) + " MB limit)";
      return r;
    default:
      r.status = S::failed;
      r.reason = "PDF parsing failed: " + m.substr(1);
      return r;
  }
}

void reap(Child& child, int& wait_status, rusage& usage) {
  while (::wait4(child.pid, &wait_status, 0, &usage) < 0 && errno == EINTR) {
  }
}

}  // namespace

IsolatedExtractor::IsolatedExtractor(const RuleSet& rules, IsolationLimits limits, int jobs)
    : rules_(rules), limits_(limits), jobs_(std::clamp(jobs, 1, 256)) {}

IsolatedResult IsolatedExtractor::run_one(const IsolatedTask& task) const {
  IsolatedResult out;
  run({task}, [&](size_t, IsolatedResult&& r) { out = std::move(r); });
  return out;
}

size_t IsolatedExtractor::run(const std::vector<IsolatedTask>& tasks,
                              const std::function<void(size_t, IsolatedResult&&)>& on_done,
                              const std::function<bool()>& stop) const {
  std::vector<Child> active;
  size_t next = 0, finished = 0;
  const auto wall = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits_.wall_seconds));

  auto finish = [&](Child& child, IsolatedResult&& result) {
    ++finished;
    on_done(child.index, std::move(result));
  };
  auto kill_all = [&] {
    for (auto& c : active) {
      ::kill(c.pid, SIGKILL);
      int st = 0;
      rusage ru{};
      reap(c, st, ru);
      if (c.fd >= 0) ::close(c.fd);
    }
    active.clear();
  };

  try {
  while (next < tasks.size() || !active.empty()) {
    if (stop && stop()) {
      kill_all();
      return finished;
    }
    while (next < tasks.size() && static_cast<int>(active.size()) < jobs_) {
      const size_t index = next++;
      if (auto why = not_a_regular_file(tasks[index].pdf); !why.empty()) {  // a FIFO or /dev/zero would hang
        IsolatedResult r;
        r.status = IsolatedResult::Status::unreadable;
        r.reason = why;
        ++finished;
        on_done(index, std::move(r));
        continue;
      }
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) {
        IsolatedResult r;
        r.reason = std::string("cannot start PDF parsing: pipe: ") + std::strerror(errno);
        ++finished;
        on_done(index, std::move(r));
        continue;
      }
      std::fflush(nullptr);  // nothing buffered is written twice
      pid_t pid = ::fork();
      if (pid == 0) {
        ::close(fds[0]);
        for (auto& c : active) ::close(c.fd);
        child_main(fds[1], tasks[index], rules_, limits_);
      }
      ::close(fds[1]);
      if (pid < 0) {
        ::close(fds[0]);
        IsolatedResult r;
        r.reason = std::string("cannot start PDF parsing: fork: ") + std::strerror(errno);
        ++finished;
        on_done(index, std::move(r));
        continue;
      }
      Child c;
      c.index = index;
      c.pid = pid;
      c.fd = fds[0];
      c.started = Clock::now();
      c.deadline = c.started + wall;
      active.push_back(std::move(c));
    }
    if (active.empty()) continue;

    std::vector<pollfd> polls;
    auto now = Clock::now();
    auto wake = now + std::chrono::milliseconds(200);  // stop() is polled at least this often
    for (auto& c : active) {
      polls.push_back({c.fd, POLLIN, 0});
      if (!c.killed_for_time) wake = std::min(wake, c.deadline);
    }
    int timeout_ms = static_cast<int>(
        std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1));
    int n = ::poll(polls.data(), polls.size(), timeout_ms);
    if (n < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));

    now = Clock::now();
    std::vector<size_t> done;
    for (size_t i = 0; i < active.size(); ++i) {
      Child& c = active[i];
      if (n > 0 && (polls[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        char buf[65536];
        ssize_t got = ::read(c.fd, buf, sizeof buf);
        if (got > 0) c.received.append(buf, static_cast<size_t>(got));
        else if (got == 0 || (errno != EINTR && errno != EAGAIN)) done.push_back(i);
      }
      if (!c.killed_for_time && now >= c.deadline) {
        ::kill(c.pid, SIGKILL);
        c.killed_for_time = true;
      }
    }
    // Reap in reverse so indexes stay valid while erasing.
    for (auto it = done.rbegin(); it != done.rend(); ++it) {
      Child c = std::move(active[*it]);
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(*it));
      ::close(c.fd);
      int st = 0;
      rusage ru{};
      reap(c, st, ru);
      // A child ended by the same stop request (SIGTERM to the whole process group) is not a crash.
      if (stop && stop()) continue;
      finish(c, interpret(c, st, ru, limits_));
    }
  }
  } catch (...) {
    kill_all();  // no child outlives a failing caller
    throw;
  }
  return finished;
}

}  // namespace jtai::extract

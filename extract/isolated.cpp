#include "extract/isolated.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
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
#include <deque>
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
  if (letters_per_worker < 1 || worker_rss_mb < 1) return "a sandbox worker must be allowed at least one letter and 1 MB";
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

// ---- wire format ------------------------------------------------------------------
//
// One stream socket per worker. The parent sends a task:
//   u32 size | u8 has_urn | i32 urn | path bytes            (size counts what follows it)
// and the worker answers with one result:
//   u64 size | u64 cpu_us | u64 rss_growth | tag | body     (size counts what follows it)
// where cpu_us is the worker's own CPU time after the letter and rss_growth how
// far its resident memory has grown since it started. Bodies by tag:
//   kOk          u64 layout size | layout | u64 json size | report JSON
//   kUnreadable  the PdfError's message
//   kNoMemory    nothing
//   kError       the exception's message
// The parent trusts none of it: a short, oversized or malformed answer is a
// damaged result (`failed`) and the worker is killed.

namespace {

constexpr char kOk = 'O', kUnreadable = 'U', kNoMemory = 'M', kError = 'E';
constexpr size_t kResultHeader = 8 + 8 + 8;             // size, cpu_us, rss_growth
constexpr uint64_t kMaxResult = 1ULL << 30;              // the most the parent buffers for one letter
constexpr uint32_t kMaxRequest = 1U << 20;

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    // send() with MSG_NOSIGNAL: a peer that died gives EPIPE, never SIGPIPE.
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

void put_u64(std::string& out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

uint64_t get_u64(const std::string& s, size_t at) {
  uint64_t v = 0;
  std::memcpy(&v, s.data() + at, 8);
  return v;
}

// Fields of /proc/self/statm in bytes: 0 total program size, 1 resident.
long long statm_bytes(int field) {
  long long values[2] = {0, 0};
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lld %lld", &values[0], &values[1]) != 2) values[0] = values[1] = 0;
    std::fclose(f);
  }
  return values[field] * ::sysconf(_SC_PAGESIZE);
}

double cpu_seconds_of(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string encode_request(const IsolatedTask& task) {
  const std::string path = task.pdf.string();
  std::string body(1, task.urn ? '\1' : '\0');
  int32_t urn = task.urn.value_or(0);
  body.append(reinterpret_cast<const char*>(&urn), 4);
  body += path;
  uint32_t size = static_cast<uint32_t>(body.size());
  std::string out(reinterpret_cast<const char*>(&size), 4);
  return out + body;
}

// ---- the worker -------------------------------------------------------------------

std::optional<IsolatedTask> read_request(int fd) {
  uint32_t size = 0;
  if (!read_all(fd, reinterpret_cast<char*>(&size), 4) || size < 5 || size > kMaxRequest) return std::nullopt;
  std::string body(size, '\0');
  if (!read_all(fd, body.data(), size)) return std::nullopt;
  IsolatedTask task;
  int32_t urn = 0;
  std::memcpy(&urn, body.data() + 1, 4);
  if (body[0]) task.urn = urn;
  task.pdf = body.substr(5);
  return task;
}

// Test-only faults, read from the environment (names starting JTAI_TEST_, set by the test suite only):
// JTAI_TEST_CRASH_CHILD=S        a letter whose path contains S crashes its worker (SIGSEGV);
// JTAI_TEST_CRASH_REUSED_WORKER=S  the same, but only in a worker that has parsed another letter before;
// JTAI_TEST_DAMAGE_CHILD=S       the worker answers with damaged bytes: a header claiming a huge answer
//                                when the path also contains "huge" (then it exits), else a garbage body.
bool test_fault(const char* variable, const IsolatedTask& task) {
  const char* s = std::getenv(variable);
  return s && *s && task.pdf.string().find(s) != std::string::npos;
}

// Parses one letter and runs the rules on it: the result's tag and body.
std::string parse_letter(const IsolatedTask& task, const RuleSet& rules, int letters_before) {
  std::string message;
  try {
    if (test_fault("JTAI_TEST_CRASH_CHILD", task) ||
        (letters_before > 0 && test_fault("JTAI_TEST_CRASH_REUSED_WORKER", task)))
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
  return message;
}

// A worker: forked after the rules are loaded, it parses the letters the parent
// sends one at a time until the parent closes the socket. The address-space
// limit holds for its whole life; the CPU limit is renewed for each letter.
[[noreturn]] void worker_main(int fd, pid_t parent, const RuleSet& rules, const IsolationLimits& limits) {
  // Die with the parent; never react to the terminal's Ctrl-C (the parent decides).
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(0);  // the parent died before prctl
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGXCPU, SIG_DFL);
  if (int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC); null >= 0) {
    ::dup2(null, STDOUT_FILENO);  // only the socket carries results
    ::close(null);
  }
  // The limit is what the worker may add to the address space it inherits.
  const long long as = statm_bytes(0) + limits.memory_mb * 1024LL * 1024LL;
  rlimit as_limit{static_cast<rlim_t>(as), static_cast<rlim_t>(as)};
  ::setrlimit(RLIMIT_AS, &as_limit);
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  // CPU: the soft limit is moved before each letter to the CPU used so far plus
  // the per-letter allowance, so SIGXCPU always means "this letter". The hard
  // limit (which an unprivileged process cannot raise again) bounds the
  // worker's whole life, a backstop should SIGXCPU ever be caught.
  const long long per_letter = static_cast<long long>(std::ceil(limits.cpu_seconds));
  rlimit cpu_limit{};
  ::getrlimit(RLIMIT_CPU, &cpu_limit);
  const rlim_t life = static_cast<rlim_t>((per_letter + 1) * (limits.letters_per_worker + 1) + 2);
  if (cpu_limit.rlim_max == RLIM_INFINITY || cpu_limit.rlim_max > life) cpu_limit.rlim_max = life;
  const long long rss_at_start = statm_bytes(1);

  for (int letters = 0;; ++letters) {
    std::optional<IsolatedTask> task = read_request(fd);
    if (!task) ::_exit(0);  // the parent is done with this worker
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const long long used = static_cast<long long>(std::ceil(cpu_seconds_of(usage)));
    cpu_limit.rlim_cur = std::min(static_cast<rlim_t>(used + per_letter), cpu_limit.rlim_max);
    ::setrlimit(RLIMIT_CPU, &cpu_limit);

    std::string body = parse_letter(*task, rules, letters);
    ::getrusage(RUSAGE_SELF, &usage);
    std::string message;
    message.reserve(kResultHeader + body.size());
    put_u64(message, 16 + body.size());
    put_u64(message, static_cast<uint64_t>(cpu_seconds_of(usage) * 1e6));
    put_u64(message, static_cast<uint64_t>(std::max(0LL, statm_bytes(1) - rss_at_start)));
    message += body;
    std::string().swap(body);
    if (test_fault("JTAI_TEST_DAMAGE_CHILD", *task)) {
      message.resize(kResultHeader);
      if (task->pdf.string().find("huge") != std::string::npos) {
        std::memset(message.data(), 0x7f, 8);
        message.append(100, '\xff');
        write_all(fd, message.data(), message.size());
        ::_exit(0);
      }
      message += kOk;
      message.append(40, '\xff');
      const uint64_t size = message.size() - 8;
      std::memcpy(message.data(), &size, 8);
    }
    if (!write_all(fd, message.data(), message.size())) ::_exit(0);
  }
}

// ---- the parent -------------------------------------------------------------------

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

IsolatedResult damaged(const std::string& why) {
  IsolatedResult r;
  r.status = IsolatedResult::Status::failed;
  r.reason = "PDF parsing returned a damaged result: " + why;
  return r;
}

// A whole answer (tag and body, the header removed) into a result.
IsolatedResult interpret_message(const std::string& m, const IsolationLimits& limits) {
  IsolatedResult r;
  using S = IsolatedResult::Status;
  if (m.empty()) return damaged("empty");
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
        return damaged(e.what());
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
    case kError:
      r.status = S::failed;
      r.reason = "PDF parsing failed: " + m.substr(1);
      return r;
    default:
      return damaged("unknown kind");
  }
}

// A worker that died with a letter in flight: why, from how it ended.
IsolatedResult interpret_death(int wait_status, double letter_cpu, long long max_rss_kb, bool killed_for_time,
                               const IsolationLimits& limits) {
  IsolatedResult r;
  using S = IsolatedResult::Status;
  if (killed_for_time) {
    r.status = S::timed_out;
    r.reason = "PDF parsing stopped after the " + seconds_text(limits.wall_seconds) + " s time limit";
    return r;
  }
  if (WIFSIGNALED(wait_status)) {
    int sig = WTERMSIG(wait_status);
    if (sig == SIGXCPU || (sig == SIGKILL && letter_cpu + 0.5 >= limits.cpu_seconds)) {
      r.status = S::cpu_limit;
      r.reason = "PDF parsing stopped at the " + seconds_text(limits.cpu_seconds) + " s CPU limit";
    } else if (max_rss_kb * 1024 >= limits.memory_mb * 1024LL * 1024LL / 2 &&
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
  r.status = S::failed;
  r.reason = "PDF parsing ended without a result (exit status " +
             std::to_string(WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1) + ")";
  return r;
}

// A task waiting for a worker. `fresh` marks the one retry of a letter that
// failed in a reused worker: it goes to a newly forked worker only.
struct Pending {
  size_t index = 0;
  bool fresh = false;
  std::string first_failure;
};

struct Worker {
  pid_t pid = -1;
  int fd = -1;
  int letters = 0;        // letters this worker has answered
  double cpu_before = 0;  // its CPU seconds when the letter in flight started (as it last reported)
  bool retire = false;    // replace it once its letter is answered
  // The letter in flight, if any.
  std::optional<Pending> task;
  std::string received;
  Clock::time_point started;
  Clock::time_point deadline;
  bool killed_for_time = false;
};

// Everything the run started, so that nothing outlives it whatever happens.
class WorkerPool {
 public:
  WorkerPool(const RuleSet& rules, const IsolationLimits& limits) : rules_(rules), limits_(limits) {}
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool() { kill_all(); }

  std::vector<Worker>& workers() { return workers_; }

  // Forks a worker; nullptr and `why` when it cannot be started.
  Worker* spawn(std::string& why) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
      why = std::string("cannot start PDF parsing: socketpair: ") + std::strerror(errno);
      return nullptr;
    }
    const pid_t parent = ::getpid();
    std::fflush(nullptr);  // nothing buffered is written twice
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      for (auto& w : workers_) ::close(w.fd);  // other workers' sockets: their EOF must not wait for this one
      worker_main(fds[1], parent, rules_, limits_);
    }
    ::close(fds[1]);
    if (pid < 0) {
      ::close(fds[0]);
      why = std::string("cannot start PDF parsing: fork: ") + std::strerror(errno);
      return nullptr;
    }
    Worker w;
    w.pid = pid;
    w.fd = fds[0];
    workers_.push_back(std::move(w));
    return &workers_.back();
  }

  // Ends a worker with a letter in flight or in trouble: SIGKILL, then reaps
  // it, returning how it ended.
  void kill(size_t i, int& wait_status, rusage& usage) {
    Worker& w = workers_[i];
    ::close(w.fd);
    ::kill(w.pid, SIGKILL);
    while (::wait4(w.pid, &wait_status, 0, &usage) < 0 && errno == EINTR) {
    }
    workers_.erase(workers_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  // Ends an idle worker: closing its socket makes it _exit(0) by itself. It is
  // reaped later (reap_retired) so the parent never waits for its teardown.
  void retire(size_t i) {
    ::close(workers_[i].fd);
    retired_.push_back(workers_[i].pid);
    workers_.erase(workers_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  // Reaps the retired workers that have exited; with `wait`, all of them,
  // killing any still there after a few seconds.
  void reap_retired(bool wait) {
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    while (!retired_.empty()) {
      for (size_t i = retired_.size(); i-- > 0;) {
        int st = 0;
        pid_t got = ::waitpid(retired_[i], &st, WNOHANG);
        if (got == retired_[i] || (got < 0 && errno == ECHILD)) retired_.erase(retired_.begin() + static_cast<std::ptrdiff_t>(i));
      }
      if (!wait || retired_.empty()) return;
      if (Clock::now() > give_up) {
        for (pid_t pid : retired_) {
          ::kill(pid, SIGKILL);
          int st = 0;
          while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
          }
        }
        retired_.clear();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void kill_all() {
    int st = 0;
    rusage ru{};
    while (!workers_.empty()) kill(workers_.size() - 1, st, ru);
    for (pid_t pid : retired_) ::kill(pid, SIGKILL);
    reap_retired(true);
  }

 private:
  const RuleSet& rules_;
  const IsolationLimits& limits_;
  std::vector<Worker> workers_;
  std::vector<pid_t> retired_;  // told to exit, not yet reaped
};

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
  WorkerPool pool(rules_, limits_);  // its destructor kills and reaps whatever is left, also on exceptions
  auto& workers = pool.workers();
  std::deque<Pending> pending;
  for (size_t i = 0; i < tasks.size(); ++i) pending.push_back({i, false, {}});
  size_t finished = 0;
  const auto wall = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits_.wall_seconds));
  const uint64_t rss_bound = static_cast<uint64_t>(limits_.worker_rss_mb) * 1024 * 1024;

  auto finish = [&](size_t index, IsolatedResult&& r) {
    ++finished;
    on_done(index, std::move(r));
  };
  // A verdict on the letter in flight in worker w (answered or dead). A
  // sandbox failure in a worker that had parsed other letters may come from
  // what they left behind: the letter is parsed once more in a fresh worker,
  // and only that verdict counts.
  auto verdict = [&](Worker& w, IsolatedResult&& r) {
    Pending p = std::move(*w.task);
    w.task.reset();
    r.seconds = std::chrono::duration<double>(Clock::now() - w.started).count();
    r.worker_pid = w.pid;
    r.worker_letters = w.letters;
    if (r.quarantine() && w.letters > 0 && !p.fresh) {
      pending.push_front({p.index, true, to_string(r.status) + ": " + r.reason + " (in a worker that had parsed " +
                                             std::to_string(w.letters) + " other letter(s))"});
      return;
    }
    r.retried_after = std::move(p.first_failure);
    finish(p.index, std::move(r));
  };
  auto send_task = [&](Worker& w, Pending&& p) {
    w.task = std::move(p);
    w.received.clear();
    w.killed_for_time = false;
    w.started = Clock::now();
    w.deadline = w.started + wall;
    // A worker that died since its last answer fails here; its end is read like any other (EOF, then wait4).
    const std::string request = encode_request(tasks[w.task->index]);
    if (!write_all(w.fd, request.data(), request.size())) ::shutdown(w.fd, SHUT_RDWR);
  };
  // Starts what can start: idle workers first, new ones up to `jobs`, a retry in a new worker only.
  auto dispatch = [&] {
    while (!pending.empty()) {
      Pending& p = pending.front();
      if (!p.fresh) {
        if (auto why = not_a_regular_file(tasks[p.index].pdf); !why.empty()) {  // a FIFO or /dev/zero would hang
          IsolatedResult r;
          r.status = IsolatedResult::Status::unreadable;
          r.reason = why;
          size_t index = p.index;
          pending.pop_front();
          finish(index, std::move(r));
          continue;
        }
      }
      Worker* w = nullptr;
      if (!p.fresh)
        for (auto& candidate : workers)
          if (!candidate.task && !candidate.retire) {
            w = &candidate;
            break;
          }
      if (!w) {
        if (static_cast<int>(workers.size()) >= jobs_) {
          // All slots taken: a retry may replace an idle worker, else it waits for a slot.
          auto idle = std::find_if(workers.begin(), workers.end(), [](const Worker& x) { return !x.task; });
          if (idle == workers.end()) return;
          pool.retire(static_cast<size_t>(idle - workers.begin()));
        }
        std::string why;
        w = pool.spawn(why);
        if (!w) {
          IsolatedResult r;
          r.reason = why;
          Pending failed = std::move(p);
          pending.pop_front();
          r.retried_after = std::move(failed.first_failure);
          finish(failed.index, std::move(r));
          continue;
        }
      }
      Pending task = std::move(p);
      pending.pop_front();
      send_task(*w, std::move(task));
    }
  };

  while (true) {
    if (stop && stop()) return finished;  // the pool kills every worker: their tasks get no callback
    dispatch();
    // Retire the idle workers that are due, and all idle ones once nothing is left to start.
    for (size_t i = workers.size(); i-- > 0;)
      if (!workers[i].task && (workers[i].retire || pending.empty())) pool.retire(i);
    pool.reap_retired(false);
    if (workers.empty()) {
      if (pending.empty()) break;
      continue;
    }

    std::vector<pollfd> polls;
    auto now = Clock::now();
    auto wake = now + std::chrono::milliseconds(200);  // stop() is polled at least this often
    for (auto& w : workers) {
      polls.push_back({w.fd, POLLIN, 0});
      if (!w.killed_for_time) wake = std::min(wake, w.deadline);
    }
    int timeout_ms = static_cast<int>(
        std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count() + 1));
    int n = ::poll(polls.data(), polls.size(), timeout_ms);
    if (n < 0 && errno != EINTR) throw Error(std::string("poll: ") + std::strerror(errno));

    now = Clock::now();
    // Walk backwards so ending a worker keeps the indexes before it valid.
    for (size_t i = workers.size(); i-- > 0;) {
      Worker& w = workers[i];
      bool dead = false, answered = false;
      if (n > 0 && (polls[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        char buf[65536];
        ssize_t got = ::read(w.fd, buf, sizeof buf);
        if (got > 0) w.received.append(buf, static_cast<size_t>(got));
        else if (got == 0 || (errno != EINTR && errno != EAGAIN)) dead = true;
      }
      if (!dead && w.task && w.received.size() >= kResultHeader) {
        const uint64_t size = get_u64(w.received, 0);
        if (size < 17 || size > kMaxResult || w.received.size() > 8 + size) {
          int st = 0;
          rusage ru{};
          IsolatedResult r = damaged(size > kMaxResult ? "too large" : "malformed");
          Worker gone = w;
          pool.kill(i, st, ru);
          verdict(gone, std::move(r));
          continue;
        }
        answered = w.received.size() == 8 + size;
      }
      if (answered) {
        const double cpu_after = static_cast<double>(get_u64(w.received, 8)) / 1e6;
        const uint64_t rss_growth = get_u64(w.received, 16);
        IsolatedResult r = interpret_message(w.received.substr(kResultHeader), limits_);
        std::string().swap(w.received);
        // A worker that ran out of memory or failed is not trusted with another letter.
        const bool trusted = !r.quarantine();
        verdict(w, std::move(r));
        ++w.letters;
        w.cpu_before = cpu_after;
        if (!trusted || w.letters >= limits_.letters_per_worker || rss_growth > rss_bound) w.retire = true;
        continue;
      }
      if (!dead && !w.task && !w.received.empty()) dead = true;  // it spoke out of turn: end it
      if (dead) {
        int st = 0;
        rusage ru{};
        Worker gone = w;
        pool.kill(i, st, ru);
        // A worker ended by the same stop request (SIGTERM to the whole process group) is not a crash.
        if (stop && stop()) return finished;
        if (gone.task)
          verdict(gone, interpret_death(st, cpu_seconds_of(ru) - gone.cpu_before, ru.ru_maxrss, gone.killed_for_time,
                                        limits_));
        continue;
      }
      if (w.task && !w.killed_for_time && now >= w.deadline) {
        ::kill(w.pid, SIGKILL);
        w.killed_for_time = true;
      }
    }
  }
  pool.reap_retired(true);
  return finished;
}

}  // namespace jtai::extract

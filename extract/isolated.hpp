#pragma once
// PDF parsing in sandboxed worker processes. Poppler is the one part of jtai
// that reads untrusted bytes with unbounded time and memory, so each PDF is
// parsed (and its rules run) in a worker forked after the rules are loaded
// (start-up and rule loading are paid once), at most `jobs` workers at once.
// A worker is reused for many letters (one request and one length-prefixed
// answer per letter over a socket), which saves a fork, the copy-on-write
// faults on the parent's heap and RE2's lazily built automata per letter,
// while every guarantee stays per letter:
// - limits: RLIMIT_AS for the worker's whole life; RLIMIT_CPU renewed before
//   each letter (CPU used so far + cpu_seconds), so SIGXCPU means "this
//   letter"; a SIGKILL at each letter's wall-clock deadline;
// - a worker that crashes, passes a limit or answers with damaged bytes costs
//   only its letter in flight (the parent tolerates any bytes);
// - exact blame: a letter that fails like that in a worker that had parsed
//   other letters before may be the victim of what they left behind, so it is
//   parsed once more in a fresh worker and only that verdict counts
//   (IsolatedResult::retried_after says so); a failure in a fresh worker is final;
// - flat memory: a worker is replaced after letters_per_worker letters, when
//   its resident memory has grown by more than worker_rss_mb, or after any
//   failure.
// No worker outlives run(), also when it throws or is stopped.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "extract/extractor.hpp"

namespace jtai::extract {

struct IsolationLimits {
  double wall_seconds = 120;  // killed (SIGKILL) after this long
  double cpu_seconds = 60;    // RLIMIT_CPU
  long long memory_mb = 2048; // RLIMIT_AS: the child's whole address space
  // Worker recycling (not in site.toml): a worker is replaced after this many
  // letters, or once its resident memory has grown by more than worker_rss_mb.
  int letters_per_worker = 50;
  long long worker_rss_mb = 256;

  // [extraction] in rules_dir/site.toml (timeout_seconds, cpu_seconds,
  // memory_mb); a missing file or table keeps the defaults. Throws RuleError.
  static IsolationLimits load(const std::filesystem::path& rules_dir);
  // One-line reason when a value is out of range, else empty.
  std::string invalid() const;
};

struct IsolatedTask {
  std::filesystem::path pdf;
  std::optional<int> urn;
};

struct IsolatedResult {
  enum class Status {
    ok,             // report (and layout) filled in
    unreadable,     // PdfError: missing, corrupt, encrypted, no text (deterministic: not quarantined)
    crashed,        // the child died from a signal
    timed_out,      // the wall-clock limit
    cpu_limit,      // RLIMIT_CPU
    out_of_memory,  // allocation failed under RLIMIT_AS
    failed,         // any other error inside the child, or the child could not be started
  };
  Status status = Status::failed;
  std::string reason;            // one line, for every status but ok
  std::optional<Report> report;  // ok only
  std::string layout;            // encode_layout() of the parsed PDF; ok only
  double seconds = 0;            // wall-clock time of the letter in its worker
  long worker_pid = 0;           // the worker process that gave this verdict (0: none started)
  int worker_letters = 0;        // letters that worker had parsed before this one (0: a fresh worker)
  // Set when the letter first failed in a reused worker and was parsed again
  // in a fresh one (whose verdict is the one above): that first failure.
  std::string retried_after;

  // A failure of the sandbox kind: the letter is quarantined rather than retried every run.
  bool quarantine() const {
    return status == Status::crashed || status == Status::timed_out || status == Status::cpu_limit ||
           status == Status::out_of_memory || status == Status::failed;
  }
};

std::string to_string(IsolatedResult::Status status);

class IsolatedExtractor {
 public:
  // `rules` must outlive the extractor; children inherit them through fork().
  IsolatedExtractor(const RuleSet& rules, IsolationLimits limits, int jobs);

  // Parses every task in a child, at most `jobs` at once, and calls
  // on_done(index, result) on the calling thread as each one finishes, so the
  // caller can store results one by one. `stop` is polled between events:
  // when it returns true, running children are killed and no new ones start
  // (their tasks get no callback). Returns how many tasks were finished.
  size_t run(const std::vector<IsolatedTask>& tasks,
             const std::function<void(size_t, IsolatedResult&&)>& on_done,
             const std::function<bool()>& stop = {}) const;

  IsolatedResult run_one(const IsolatedTask& task) const;

  const IsolationLimits& limits() const { return limits_; }
  int jobs() const { return jobs_; }

 private:
  const RuleSet& rules_;
  IsolationLimits limits_;
  int jobs_;
};

// Default -j: the number of online CPUs.
int default_jobs();

}  // namespace jtai::extract

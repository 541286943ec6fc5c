#pragma once
// The options shared by every command that parses PDFs (extract, crawl,
// refresh, reextract): the limits of the sandboxed child processes and how many
// run at once. Defaults come from rules/site.toml [extraction].
#include <CLI/CLI.hpp>

#include <memory>
#include <optional>

#include "app/bounded.hpp"
#include "common/error.hpp"
#include "extract/isolated.hpp"

namespace jtai::app {

struct IsolationFlags {
  std::optional<double> pdf_timeout;
  std::optional<double> pdf_cpu;
  std::optional<long long> pdf_memory_mb;
  int jobs = extract::default_jobs();
};

inline void add_isolation_options(CLI::App* cmd, IsolationFlags& f) {
  cmd->add_option("--pdf-timeout", f.pdf_timeout,
                  "Seconds one PDF may take to parse before its process is killed (default: site.toml "
                  "[extraction] timeout_seconds, else 120)")
      ->check(seconds_between(1, 86400));
  cmd->add_option("--pdf-cpu", f.pdf_cpu, "CPU seconds one PDF may use (default: [extraction] cpu_seconds, else 60)")
      ->check(seconds_between(1, 86400));
  cmd->add_option("--pdf-memory", f.pdf_memory_mb,
                  "Megabytes of memory one PDF's process may add (default: [extraction] memory_mb, else 2048)")
      ->check(CLI::Range(64LL, 1048576LL));
  cmd->add_option("-j,--jobs", f.jobs, "PDFs parsed at once (default: the number of CPUs)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
}

// site.toml's [extraction] values overridden by the options. Throws RuleError.
inline extract::IsolationLimits isolation_limits(const IsolationFlags& f, const std::filesystem::path& rules_dir) {
  auto limits = extract::IsolationLimits::load(rules_dir);
  if (f.pdf_timeout) limits.wall_seconds = *f.pdf_timeout;
  if (f.pdf_cpu) limits.cpu_seconds = *f.pdf_cpu;
  if (f.pdf_memory_mb) limits.memory_mb = *f.pdf_memory_mb;
  if (auto why = limits.invalid(); !why.empty()) throw Error(why);
  return limits;
}

}  // namespace jtai::app

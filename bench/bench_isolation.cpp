// The cost of parsing each PDF in the sandbox (extract/isolated.hpp) instead
// of in-process, over the shared corpus's JTAI letters: in-process, sandbox
// workers reused across letters (as jtai runs), and a fresh child per letter
// (letters_per_worker = 1, the sandbox before workers were reused); one and
// two at a time, alternating rounds, best round kept. Prints figures only.
// Note: the in-process warm-up sets up Poppler's global state (fonts) before
// any fork, so children here inherit it; in `jtai extract` they do not, and a
// fresh child per letter costs more there than this shows.
//
//   build/bench/bench_isolation [CORPUS_DIR] [ROUNDS]
#include <algorithm>
#include <atomic>
#include <thread>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "extract/isolated.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const fs::path corpus = argc > 1 ? argv[1] : JTAI_SOURCE_DIR "/../shared/corpus/jtai";
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  if (!fs::exists(corpus)) {
    std::printf("bench_isolation: skipped, no corpus at %s\n", corpus.c_str());
    return 0;
  }
  std::vector<jtai::extract::IsolatedTask> tasks;
  for (const auto& e : fs::recursive_directory_iterator(corpus))
    if (e.path().extension() == ".pdf") tasks.push_back({e.path(), jtai::extract::urn_from_path(e.path())});
  std::sort(tasks.begin(), tasks.end(), [](const auto& a, const auto& b) { return a.pdf < b.pdf; });
  const auto rules = jtai::extract::RuleSet::load(JTAI_SOURCE_DIR "/rules");

  auto in_process = [&] {
    auto t0 = Clock::now();
    for (const auto& t : tasks) {
      auto layout = jtai::extract::read_layout(t.pdf);
      auto report = jtai::extract::extract_report(layout, rules, t.urn);
      auto encoded = jtai::extract::encode_layout(layout);  // what the child sends back
      (void)jtai::extract::to_json(report).dump();
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  auto isolated = [&](int jobs, int letters_per_worker) {
    jtai::extract::IsolationLimits limits;
    limits.letters_per_worker = letters_per_worker;
    jtai::extract::IsolatedExtractor runner(rules, limits, jobs);
    int ok = 0;
    auto t0 = Clock::now();
    runner.run(tasks, [&](size_t, jtai::extract::IsolatedResult&& r) {
      ok += r.status == jtai::extract::IsolatedResult::Status::ok ? 1 : 0;
    });
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (ok != static_cast<int>(tasks.size())) std::printf("  warning: only %d of %zu letters ok\n", ok, tasks.size());
    return s;
  };
  auto in_process_parallel = [&](int jobs) {  // threads, for the -j comparison
    std::atomic<size_t> next{0};
    auto t0 = Clock::now();
    {
      std::vector<std::jthread> pool;
      for (int j = 0; j < jobs; ++j)
        pool.emplace_back([&] {
          for (size_t i; (i = next.fetch_add(1)) < tasks.size();) {
            auto layout = jtai::extract::read_layout(tasks[i].pdf);
            (void)jtai::extract::extract_report(layout, rules, tasks[i].urn);
          }
        });
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };

  in_process();  // warm the page cache and Poppler's font setup
  const int reused = jtai::extract::IsolationLimits{}.letters_per_worker;
  double best_in = 1e9, best_iso = 1e9, best_fresh = 1e9, best_in2 = 1e9, best_iso2 = 1e9, best_fresh2 = 1e9;
  for (int r = 0; r < rounds; ++r) {  // alternating, so machine load hits all alike
    best_in = std::min(best_in, in_process());
    best_iso = std::min(best_iso, isolated(1, reused));
    best_fresh = std::min(best_fresh, isolated(1, 1));
    best_in2 = std::min(best_in2, in_process_parallel(2));
    best_iso2 = std::min(best_iso2, isolated(2, reused));
    best_fresh2 = std::min(best_fresh2, isolated(2, 1));
  }
  const double n = static_cast<double>(tasks.size());
  auto cost = [&](const char* what, double s, double base) {
    std::printf("    %-32s %.3f s (%.1f ms/letter): isolation costs %+.1f%% (%.2f ms/letter)\n", what, s,
                1000 * s / n, 100 * (s / base - 1), 1000 * (s - base) / n);
  };
  std::printf("bench_isolation: %zu letters, best of %d alternating rounds\n", tasks.size(), rounds);
  std::printf("  one at a time: in-process %.3f s (%.1f ms/letter)\n", best_in, 1000 * best_in / n);
  cost("sandbox workers (reused)", best_iso, best_in);
  cost("a fresh child per letter", best_fresh, best_in);
  std::printf("  two at a time: in-process threads %.3f s\n", best_in2);
  cost("sandbox workers -j2 (reused)", best_iso2, best_in2);
  cost("a fresh child per letter -j2", best_fresh2, best_in2);
  return 0;
}

// The cost of parsing each PDF in a sandboxed child (extract/isolated.hpp)
// instead of in-process, over the shared corpus's JTAI letters: both ways, one
// letter at a time, alternating rounds, best round kept. Prints figures only.
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
  auto isolated = [&](int jobs) {
    jtai::extract::IsolatedExtractor runner(rules, {}, jobs);
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
  double best_in = 1e9, best_iso = 1e9, best_in2 = 1e9, best_iso2 = 1e9;
  for (int r = 0; r < rounds; ++r) {  // alternating, so machine load hits both alike
    best_in = std::min(best_in, in_process());
    best_iso = std::min(best_iso, isolated(1));
    best_in2 = std::min(best_in2, in_process_parallel(2));
    best_iso2 = std::min(best_iso2, isolated(2));
  }
  const double n = static_cast<double>(tasks.size());
  std::printf("bench_isolation: %zu letters, best of %d alternating rounds\n", tasks.size(), rounds);
  std::printf("  one at a time: in-process %.3f s (%.1f ms/letter), sandboxed children %.3f s (%.1f ms/letter): "
              "isolation costs %+.1f%% (%.2f ms/letter)\n",
              best_in, 1000 * best_in / n, best_iso, 1000 * best_iso / n, 100 * (best_iso / best_in - 1),
              1000 * (best_iso - best_in) / n);
  std::printf("  two at a time: in-process threads %.3f s, sandboxed children -j2 %.3f s: %+.1f%%\n", best_in2,
              best_iso2, 100 * (best_iso2 / best_in2 - 1));
  return 0;
}

// Prints the time to re-run the rules over every corpus letter from its
// stored (encoded) layout, as the refresh does after a rule change, using
// two threads. Usage: bench_stored_layouts [CORPUS_DIR] [RULES_DIR]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "extract/extractor.hpp"
#include "tests/support/test_support.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  fs::path corpus = argc > 1 ? fs::path(argv[1]) : jtai::test::shared_dir() / "corpus" / "jtai";
  fs::path rules_dir = argc > 2 ? fs::path(argv[2]) : jtai::test::rules_dir();
  if (!fs::is_directory(corpus)) {
    std::printf("bench_stored_layouts: skipped, no corpus at %s\n", corpus.c_str());
    return 77;
  }
  std::vector<fs::path> pdfs;
  for (const auto& e : fs::recursive_directory_iterator(corpus))
    if (e.path().extension() == ".pdf") pdfs.push_back(e.path());
  std::sort(pdfs.begin(), pdfs.end());
  std::vector<std::string> stored;
  size_t bytes = 0;
  for (const auto& p : pdfs) {
    stored.push_back(jtai::extract::encode_layout(jtai::extract::read_layout(p)));
    bytes += stored.back().size();
  }
  auto t0 = Clock::now();
  auto rules = jtai::extract::RuleSet::load(rules_dir);
  auto t1 = Clock::now();
  std::atomic<size_t> next{0}, jtai_letters{0};
  auto work = [&] {
    for (size_t i; (i = next++) < stored.size();) {
      auto layout = jtai::extract::decode_layout(stored[i]);
      auto report = jtai::extract::extract_report(layout, rules, jtai::extract::urn_from_path(pdfs[i]));
      if (report.kind == jtai::extract::Report::Kind::jtai) ++jtai_letters;
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  auto t2 = Clock::now();
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("stored layouts: %zu letters, %.1f KiB in all (%.1f KiB each on average)\n", pdfs.size(), bytes / 1024.0,
              bytes / 1024.0 / static_cast<double>(pdfs.size()));
  std::printf("rules load: %.1f ms; decode + extract all, 2 threads: %.1f ms (%zu JTAI letters)\n", ms(t1 - t0),
              ms(t2 - t1), jtai_letters.load());
  return 0;
}

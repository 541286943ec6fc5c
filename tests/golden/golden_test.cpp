// Extracts every corpus letter and compares it with its hand-checked golden
// file, field by field (rules_version is ignored). Skips (exit 77) when
// ../shared is absent.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/files.hpp"
#include "extract/extractor.hpp"
#include "tests/support/test_support.hpp"

namespace fs = std::filesystem;
using jtai::extract::Report;
using jtai::extract::RuleSet;

namespace {

fs::path corpus() { return jtai::test::shared_dir() / "corpus"; }
fs::path golden_dir() { return jtai::test::source_dir() / "tests" / "golden"; }

std::vector<fs::path> letter_folders() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(corpus() / "jtai"))
    if (e.is_directory()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

fs::path pdf_in(const fs::path& folder) {
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().extension() == ".pdf") return e.path();
  return {};
}

const RuleSet& rules() {
  static RuleSet r = RuleSet::load(jtai::test::rules_dir());
  return r;
}

// Where two strings first differ, with some context.
std::string first_difference(const std::string& expected, const std::string& actual) {
  size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  size_t from = i > 60 ? i - 60 : 0;
  std::ostringstream s;
  s << "at character " << i << ":\n      expected: ..." << expected.substr(from, 160)
    << "\n      actual:   ..." << actual.substr(from, 160);
  return s.str();
}

std::string describe(const nlohmann::json& expected, const nlohmann::json& actual) {
  if (expected.is_string() && actual.is_string())
    return first_difference(expected.get<std::string>(), actual.get<std::string>());
  if (expected.is_array() && actual.is_array()) {
    for (size_t i = 0; i < std::max(expected.size(), actual.size()); ++i) {
      if (i >= expected.size()) return "extra item [" + std::to_string(i) + "]: " + actual[i].dump().substr(0, 200);
      if (i >= actual.size()) return "missing item [" + std::to_string(i) + "]: " + expected[i].dump().substr(0, 200);
      if (expected[i] != actual[i]) return "item [" + std::to_string(i) + "] " + describe(expected[i], actual[i]);
    }
  }
  if (expected.is_object() && actual.is_object()) {
    for (auto it = expected.begin(); it != expected.end(); ++it)
      if (!actual.contains(it.key()) || actual[it.key()] != it.value())
        return "." + it.key() + " " + describe(it.value(), actual.value(it.key(), nlohmann::json()));
  }
  return "expected " + expected.dump().substr(0, 300) + "\n      actual   " + actual.dump().substr(0, 300);
}

// Compares field by field; returns one line (or block) per differing field.
std::vector<std::string> compare(const nlohmann::json& expected, const nlohmann::json& actual) {
  std::vector<std::string> diffs;
  std::set<std::string> keys;
  for (auto it = expected.begin(); it != expected.end(); ++it) keys.insert(it.key());
  for (auto it = actual.begin(); it != actual.end(); ++it) keys.insert(it.key());
  keys.erase("rules_version");
  for (const auto& k : keys) {
    nlohmann::json e = expected.value(k, nlohmann::json()), a = actual.value(k, nlohmann::json());
    if (!expected.contains(k)) diffs.push_back(k + ": not in the golden file");
    else if (!actual.contains(k)) diffs.push_back(k + ": missing from the output");
    else if (e != a) diffs.push_back(k + ": " + describe(e, a));
  }
  return diffs;
}

}  // namespace

TEST_CASE("every corpus letter has a golden file") {
  std::vector<std::string> missing;
  for (const auto& folder : letter_folders())
    if (!fs::exists(golden_dir() / (folder.filename().string() + ".json"))) missing.push_back(folder.filename().string());
  for (const auto& m : missing) MESSAGE("no golden file tests/golden/" << m << ".json");
  CHECK(missing.empty());
  CHECK(letter_folders().size() >= 1);
}

TEST_CASE("every corpus letter extracts as its golden file says") {
  size_t compared = 0, passed = 0;
  for (const auto& folder : letter_folders()) {
    std::string name = folder.filename().string();
    fs::path golden = golden_dir() / (name + ".json");
    if (!fs::exists(golden)) continue;
    nlohmann::json expected;
    try {
      expected = nlohmann::json::parse(jtai::read_file(golden));
    } catch (const nlohmann::json::exception& e) {
      FAIL_CHECK(name << ": golden file is not valid JSON: " << e.what());
      continue;
    }
    Report report = jtai::extract::extract_file(pdf_in(folder), rules());
    auto actual = nlohmann::json::parse(jtai::extract::to_json(report).dump());
    auto diffs = compare(expected, actual);
    ++compared;
    if (diffs.empty()) {
      ++passed;
      continue;
    }
    std::ostringstream msg;
    msg << name << ": " << diffs.size() << " field(s) differ";
    for (const auto& d : diffs) msg << "\n    " << d;
    FAIL_CHECK(msg.str());
  }
  MESSAGE(passed << " of " << compared << " letters match their golden files");
  CHECK(compared > 0);
}

TEST_CASE("every PDF in corpus/other comes out not_jtai with a reason") {
  size_t seen = 0;
  for (const auto& e : fs::directory_iterator(corpus() / "other")) {
    if (e.path().extension() != ".pdf") continue;
    ++seen;
    Report report = jtai::extract::extract_file(e.path(), rules());
    INFO(e.path().filename().string());
    CHECK(report.kind == Report::Kind::not_jtai);
    CHECK(!report.reason.empty());
  }
  CHECK(seen == 7);
}

int main(int argc, char** argv) {
  if (!jtai::test::have_shared_corpus()) {
    std::cout << "golden_test: skipped, no shared corpus at " << jtai::test::shared_dir() << "\n";
    return jtai::test::kSkipExitCode;
  }
  doctest::Context context(argc, argv);
  return context.run();
}

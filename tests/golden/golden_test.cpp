// Extracts every corpus letter and compares it with its hand-checked golden
// file, field by field (rules_version is ignored). Skips (exit 77) when
// ../shared is absent.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/files.hpp"
#include "extract/extractor.hpp"
#include "extract/unicode_text.hpp"
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

// The agency keys are filled from rules/agencies.toml and checked by the
// agency tests, not hand-checked here: dropped at every level before comparing.
nlohmann::json without_agency_keys(nlohmann::json j) {
  if (j.is_object()) {
    for (const char* k : {"agency", "agencies", "headline_agencies"}) j.erase(k);
    for (auto& [k, v] : j.items()) v = without_agency_keys(v);
  } else if (j.is_array()) {
    for (auto& v : j) v = without_agency_keys(v);
  }
  return j;
}

// Compares field by field; returns one line (or block) per differing field.
std::vector<std::string> compare(const nlohmann::json& expected_in, const nlohmann::json& actual_in) {
  const nlohmann::json expected = without_agency_keys(expected_in), actual = without_agency_keys(actual_in);
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

namespace {
// The layout as if the letter had been typeset at `factor` times the size:
// every position, box and font size scaled (page size too).
jtai::extract::Layout scaled(jtai::extract::Layout layout, float factor) {
  auto scale_box = [&](jtai::extract::Box& b) {
    b.x0 *= factor;
    b.y0 *= factor;
    b.x1 *= factor;
    b.y1 *= factor;
  };
  for (auto& page : layout.pages) {
    page.width *= factor;
    page.height *= factor;
    for (auto& line : page.lines) {
      scale_box(line.box);
      line.size *= factor;
      for (auto& span : line.spans) {
        scale_box(span.box);
        span.size *= factor;
      }
    }
  }
  return layout;
}

// Reads every corpus letter that has a golden file, lets `change` alter its
// parsed layout, extracts, and fails for each letter whose fields then differ
// from the golden file (`what` names the alteration in the message). Returns
// how many letters were compared.
size_t check_letters_read_the_same(const std::string& what,
                                   const std::function<void(jtai::extract::Layout&)>& change) {
  size_t compared = 0;
  for (const auto& folder : letter_folders()) {
    std::string name = folder.filename().string();
    fs::path golden = golden_dir() / (name + ".json");
    if (!fs::exists(golden)) continue;
    nlohmann::json expected = nlohmann::json::parse(jtai::read_file(golden));
    fs::path pdf = pdf_in(folder);
    auto layout = jtai::extract::read_layout(pdf);
    change(layout);
    Report report = jtai::extract::extract_report(layout, rules(), jtai::extract::urn_from_path(pdf));
    auto diffs = compare(expected, nlohmann::json::parse(jtai::extract::to_json(report).dump()));
    ++compared;
    if (diffs.empty()) continue;
    std::ostringstream msg;
    msg << name << " " << what << ": " << diffs.size() << " field(s) differ";
    for (const auto& d : diffs) msg << "\n    " << d;
    FAIL_CHECK(msg.str());
  }
  return compared;
}
}  // namespace

// Thresholds must follow the letter's own type, not absolute points: a
// letter set in 9 pt or 18 pt type instead of 12 pt must read the same.
TEST_CASE("every corpus letter reads the same when typeset smaller or larger") {
  for (float factor : {0.75f, 1.5f}) {
    std::ostringstream what;
    what << "scaled by " << factor;
    CHECK(check_letters_read_the_same(what.str(), [&](jtai::extract::Layout& layout) {
            layout = scaled(layout, factor);
          }) > 0);
  }
}

// Nor may they depend on where the margins are: the same letter with its
// text moved right and down (wider left and top margins) reads the same.
TEST_CASE("every corpus letter reads the same with other margins") {
  CHECK(check_letters_read_the_same("with moved margins", [](jtai::extract::Layout& layout) {
    for (auto& page : layout.pages) {
      page.width += 40;
      page.height += 30;
      for (auto& line : page.lines) {
        auto move = [](jtai::extract::Box& b) {
          b.x0 += 40;
          b.x1 += 40;
          b.y0 += 15;
          b.y1 += 15;
        };
        move(line.box);
        for (auto& span : line.spans) move(span.box);
      }
    }
  }) > 0);
}

// Nor on how list items are marked: the same letter with every symbol-font
// bullet glyph replaced by "•" in the text's own font (one run with the
// item's text, as Poppler reports it), or by a number label "1.", "2.", ...
// reads the same.
TEST_CASE("every corpus letter reads the same with bullets typed as '\u2022' or as numbers") {
  for (bool numbers : {false, true}) {
    size_t bullets = 0;
    auto retype = [&](jtai::extract::Layout& layout) {
      int number = 0;
      for (auto& page : layout.pages)
        for (auto& line : page.lines) {
          if (line.spans.size() < 2 || !jtai::extract::is_symbol_font(line.spans[0].font)) continue;
          auto& glyph = line.spans[0];
          auto& next = line.spans[1];
          std::string marker = numbers ? std::to_string(number++ % 9 + 1) + ". " : "\xE2\x80\xA2 ";
          std::string text = marker + line.text.substr(next.begin);
          auto shift = static_cast<std::int64_t>(marker.size()) - static_cast<std::int64_t>(next.begin);
          next.begin = 0;
          next.end = static_cast<std::uint32_t>(static_cast<std::int64_t>(next.end) + shift);
          next.box.x0 = glyph.box.x0;
          for (size_t k = 2; k < line.spans.size(); ++k) {
            line.spans[k].begin = static_cast<std::uint32_t>(static_cast<std::int64_t>(line.spans[k].begin) + shift);
            line.spans[k].end = static_cast<std::uint32_t>(static_cast<std::int64_t>(line.spans[k].end) + shift);
          }
          line.spans.erase(line.spans.begin());
          line.text = text;
          ++bullets;
        }
    };
    CHECK(check_letters_read_the_same(numbers ? "with numbered items" : "with '\u2022' bullets", retype) > 0);
    CHECK(bullets > 100);  // the corpus does use symbol-font bullets
  }
}

// Nor on the exact wording of the section headings: the same letter with
// each heading line swapped for another wording of the same section reads
// the same (case-study titles aside, which are printed as found).
TEST_CASE("every corpus letter reads the same with its section headings worded differently") {
  const std::map<std::string, std::string> other_wording = {
      {"What needs to improve?", "Areas for improvement"},
      {"Areas for improvement", "What needs to improve?"},
      {"Area for improvement", "What needs to improve"},
      {"Strengths", "Key strengths"},
      {"Key strengths", "Strengths"},
      {"Areas for priority action", "Priority actions"},
      {"Area for priority action", "Areas for priority action"},
      {"Headline findings", "Summary of findings"},
  };
  size_t swapped = 0;
  CHECK(check_letters_read_the_same("with reworded headings", [&](jtai::extract::Layout& layout) {
    for (auto& page : layout.pages)
      for (auto& line : page.lines) {
        auto it = other_wording.find(line.text);
        if (it == other_wording.end() || line.spans.size() != 1) continue;
        line.text = it->second;
        line.spans[0].begin = 0;
        line.spans[0].end = static_cast<std::uint32_t>(line.text.size());
        ++swapped;
      }
  }) > 0);
  MESSAGE(swapped << " heading lines reworded");
  CHECK(swapped > 40);
}

// Nor on bold being told by font names: with every text font renamed to a
// name that carries no weight ("F1", as some PDF makers write), headings are
// found by size, shape and wording, and the letter reads the same.
TEST_CASE("every corpus letter reads the same when font names do not tell bold") {
  CHECK(check_letters_read_the_same("without bold", [](jtai::extract::Layout& layout) {
    for (auto& page : layout.pages)
      for (auto& line : page.lines) {
        line.bold = false;
        if (!jtai::extract::is_symbol_font(line.font)) line.font = "F1";
        for (auto& span : line.spans) {
          span.bold = false;
          if (!jtai::extract::is_symbol_font(span.font)) span.font = "F1";
        }
      }
  }) > 0);
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

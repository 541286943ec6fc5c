// Re-extraction over the shared corpus (skips with 77 when ../shared is
// absent): what `reextract` computes from a stored layout is exactly what
// `jtai extract` computes from the PDF, and two threads give the same results
// as one.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <fstream>
#include <iostream>

#include "common/hash.hpp"
#include "refresh/reextract.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai;
namespace fs = std::filesystem;

namespace {

struct CorpusLetter {
  int urn;
  std::string name;
  fs::path pdf;
};

std::vector<CorpusLetter> corpus_letters() {
  std::vector<CorpusLetter> out;
  for (const auto& dir : fs::directory_iterator(test::shared_dir() / "corpus" / "jtai")) {
    if (!dir.is_directory()) continue;
    std::string folder = dir.path().filename().string();  // "80426_barnsley"
    auto underscore = folder.find('_');
    if (underscore == std::string::npos) continue;
    for (const auto& f : fs::directory_iterator(dir.path()))
      if (f.path().extension() == ".pdf")
        out.push_back({std::stoi(folder.substr(0, underscore)), folder.substr(underscore + 1), f.path()});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.pdf < b.pdf; });
  return out;
}

}  // namespace

TEST_CASE("re-extraction from stored layouts equals extraction from the PDFs, with one thread or two") {
  test::TempDir dir;
  store::Store s(dir.path());
  auto rules = extract::RuleSet::load(test::rules_dir());
  auto letters = corpus_letters();
  REQUIRE(letters.size() >= 40);

  std::map<int64_t, extract::Report> direct;  // publication id -> extract_file's report
  const std::string seen = store::timestamp_now();
  int n = 0;
  for (const auto& l : letters) {
    s.upsert_authority({l.urn, l.name, "/provider/44/" + std::to_string(l.urn)}, seen);
    store::PublicationRow p;
    p.urn = l.urn;
    p.file_id = std::to_string(++n);
    p.url = "http://127.0.0.1:1/v1/file/" + p.file_id;
    p.kind = "jtai";
    p.title = l.pdf.filename().string();
    int64_t id = s.upsert_publication(p, seen);
    // The PDF stays where it is; the store points at a path that does not
    // exist, so only the stored layout can serve re-extraction.
    std::string sha = sha256_file(l.pdf);
    s.record_file({id, "reports/missing/" + std::to_string(n) + ".pdf", sha, 1, seen});
    s.save_layout(sha, extract::kLayoutVersion, extract::encode_layout(extract::read_layout(l.pdf)));
    direct[id] = extract::extract_file(l.pdf, rules, l.urn);
  }

  auto one = refresh::reextract_letters(s, rules, {.only_outdated = true, .threads = 1});
  CHECK(one.errors.empty());
  CHECK(one.pdfs_parsed == 0);
  CHECK(one.extracted == static_cast<int>(letters.size()));
  CHECK(one.saved == static_cast<int>(letters.size()));
  auto st = s.db().prepare("SELECT publication_id, report_json FROM extractions WHERE is_current = 1");
  int compared = 0;
  while (st.step()) {
    auto stored = extract::report_from_json(nlohmann::json::parse(st.column_text(1)));
    const auto& expected = direct.at(st.column_int(0));
    INFO("letter " << expected.letter_date.value_or("?"));
    CHECK(extract::to_json(stored).dump() == extract::to_json(expected).dump());
    ++compared;
  }
  CHECK(compared == static_cast<int>(letters.size()));

  // New rules version (a comment), two threads: every letter again, same records.
  test::TempDir rules_copy;
  fs::copy(test::rules_dir(), rules_copy.path() / "rules", fs::copy_options::recursive);
  std::ofstream(rules_copy.path() / "rules" / "themes.toml", std::ios::app) << "\n# comment\n";
  auto rules2 = extract::RuleSet::load(rules_copy.path() / "rules");
  auto two = refresh::reextract_letters(s, rules2, {.only_outdated = true, .threads = 2});
  CHECK(two.errors.empty());
  CHECK(two.pdfs_parsed == 0);
  CHECK(two.saved == static_cast<int>(letters.size()));
  CHECK(two.changes.empty());  // identical records apart from the rules version
  CHECK(two.findings_changed == 0);
}

int main(int argc, char** argv) {
  if (!test::have_shared_corpus()) {
    std::cout << "SKIP: the shared corpus (" << test::shared_dir().string() << "/corpus/jtai) is absent\n";
    return test::kSkipExitCode;
  }
  doctest::Context context(argc, argv);
  return context.run();
}

// rules/authority_table.toml against ../shared/reference/la_lookup.csv: every
// URN both hold must have the same DfE and ONS codes, region and ONS name.
// Skips (exit 77) with a message when ../shared is absent.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <iostream>
#include <map>

#include "common/authority_table.hpp"
#include "common/files.hpp"
#include "tests/support/test_support.hpp"

namespace fs = std::filesystem;
using namespace jtai;

namespace {

// RFC 4180 records (quoted fields may hold commas, doubled quotes and line breaks).
std::vector<std::vector<std::string>> parse_csv(std::string text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) rows.back().push_back(std::move(field));
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

fs::path lookup_path() { return test::shared_dir() / "reference" / "la_lookup.csv"; }

}  // namespace

TEST_CASE("authority table agrees with la_lookup.csv for every URN both hold") {
  auto rows = parse_csv(read_file(lookup_path()));
  REQUIRE(rows.size() > 1);
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  for (const char* name : {"urn", "la_code", "local_authority_ons_name", "region_code", "region_name", "rgn22cd",
                           "ltla23cd"})
    REQUIRE_MESSAGE(col.count(name), "la_lookup.csv has no column " << name);

  const AuthorityTable table = AuthorityTable::load(test::rules_dir());
  int compared = 0;
  std::vector<std::string> blanks;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    REQUIRE(row.size() == rows[0].size());
    const std::string& urn_text = row[col["urn"]];
    if (urn_text.empty()) continue;
    const Authority* a = table.find(std::stoi(urn_text));
    if (!a) continue;
    ++compared;
    INFO("URN " << urn_text << " (" << a->name << ")");
    // A blank in the reference is no disagreement: the table may fill it in
    // (la_lookup.csv has no region code for Medway).
    auto agrees = [&](const std::string& ours, const char* column) {
      const std::string& theirs = row[col[column]];
      if (theirs.empty()) {
        if (ours.empty()) blanks.push_back("URN " + urn_text + " " + column);
        return true;
      }
      return ours == theirs;
    };
    CHECK(agrees(a->la_code, "la_code"));
    CHECK(agrees(a->ltla23cd, "ltla23cd"));
    CHECK(agrees(a->region_code, "region_code"));
    CHECK(agrees(a->region_name, "region_name"));
    CHECK(agrees(a->rgn22cd, "rgn22cd"));
    CHECK(agrees(a->ons_name, "local_authority_ons_name"));
  }
  for (const auto& b : blanks) MESSAGE("blank in both the table and la_lookup.csv: " << b);
  MESSAGE("compared " << compared << " authorities held by both");
  CHECK(compared > 100);
}

int main(int argc, char** argv) {
  if (!fs::exists(lookup_path())) {
    std::cout << "SKIP: " << lookup_path().string() << " is absent (../shared not checked out)\n";
    return test::kSkipExitCode;
  }
  doctest::Context context(argc, argv);
  return context.run();
}

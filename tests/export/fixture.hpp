#pragma once
// A small store for the export tests, built with store::Store's own methods:
// authorities from the project's table and one that is not in it, JTAI letters
// with multi-item lists, a case study, texts that start like formulas, HTML
// specials, a letter with warnings, a not_jtai and an error extraction, a
// letter not yet downloaded, an over-long cell and a non-JTAI publication.
#include <filesystem>
#include <string>
#include <vector>

namespace jtai::test {

// Texts the checks look for (the Python checkers get them through the JSON).
inline const std::string kFormulaEquals = "=1+2 (an item that starts with an equals sign)";
inline const std::string kFormulaPlus = "+44 20 7946 0000 is not a number to add";
inline const std::string kFormulaMinus = "-5 children were seen late";
inline const std::string kFormulaAt = "@SUM(A1:A2) should stay text";
inline const std::string kHtmlHeadline =
    "Leaders <b>know</b> their area & \"families\" well <img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=2</script>";
inline const std::string kSiteUrl = "https://reports.ofsted.gov.uk";
inline constexpr int kUnknownUrn = 999001;  // not in rules/authority_table.toml

// Creates DATA_DIR/jtai.sqlite with the fixture letters.
void build_fixture_store(const std::filesystem::path& data_dir);

// Adds one more JTAI letter (for "new since last export"); returns its file id.
std::string add_new_letter(const std::filesystem::path& data_dir);
// Adds n more JTAI letters of the Isle of Wight (file ids 5000, 5001, ...); returns their file ids.
std::vector<std::string> add_new_letters(const std::filesystem::path& data_dir, int n);

}  // namespace jtai::test

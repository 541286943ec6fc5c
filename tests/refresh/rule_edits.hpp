#pragma once
// Editable copies of the repository's rules, for tests that change a rule and
// watch what a refresh or reextract does.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "common/files.hpp"
#include "tests/support/test_support.hpp"

namespace jtai::test {

inline std::filesystem::path copy_rules(const std::filesystem::path& to) {
  std::filesystem::copy(rules_dir(), to, std::filesystem::copy_options::recursive);
  return to;
}

// Replaces the items of the TOML array `key = [ ... ]` (at a line start) in a rule file.
inline void replace_array(const std::filesystem::path& file, const std::string& key, const std::string& items) {
  std::string text = read_file(file);
  auto at = text.find("\n" + key + " = [");
  REQUIRE_MESSAGE(at != std::string::npos, "no array '" << key << "' in " << file);
  auto open = text.find('[', at);
  auto close = text.find("\n]", open);
  REQUIRE(close != std::string::npos);
  text.replace(open + 1, close - open - 1, "\n" + items);
  write_file_atomic(file, text);
}

}  // namespace jtai::test

#pragma once
// rules/authority_table.toml: the project's table of English local
// authorities (URN, DfE LA code, ONS codes, region), used to name report
// folders and to enrich every exported row.
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace jtai {

struct Authority {
  int urn = 0;
  std::string name;      // e.g. "Bristol"
  std::string ons_name;  // e.g. "Bristol, City of"
  std::string slug;      // e.g. "bristol"
  std::string la_code;   // DfE LA code, e.g. "801"
  std::string ltla23cd;  // ONS lower-tier LA code, e.g. "E06000023"
  std::string region_code;  // e.g. "SW"
  std::string rgn22cd;      // ONS region code, e.g. "E12000009"
  std::string region_name;  // e.g. "South West"
};

class AuthorityTable {
 public:
  // Loads rules_dir/authority_table.toml; throws jtai::RuleError (file:line) on a bad entry.
  static AuthorityTable load(const std::filesystem::path& rules_dir);
  const Authority* find(int urn) const;
  const std::map<int, Authority>& all() const { return by_urn_; }

 private:
  std::map<int, Authority> by_urn_;
};

}  // namespace jtai

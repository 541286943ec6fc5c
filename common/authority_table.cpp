#include "common/authority_table.hpp"

#include <toml++/toml.h>

#include "common/error.hpp"

namespace jtai {

namespace {

std::string required_string(const toml::table& entry, const char* key, const std::string& file) {
  const toml::node* node = entry.get(key);
  if (!node || !node->is_string())
    throw RuleError(file, static_cast<long>(entry.source().begin.line),
                    std::string("authority entry needs a string '") + key + "'");
  return node->as_string()->get();
}

}  // namespace

AuthorityTable AuthorityTable::load(const std::filesystem::path& rules_dir) {
  const std::string file = (rules_dir / "authority_table.toml").string();
  toml::table doc;
  try {
    doc = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    throw RuleError(file, static_cast<long>(e.source().begin.line), std::string(e.description()));
  }
  AuthorityTable table;
  const toml::array* entries = doc["authority"].as_array();
  if (!entries) throw RuleError(file, 1, "no [[authority]] entries");
  for (const toml::node& node : *entries) {
    const toml::table* entry = node.as_table();
    if (!entry) throw RuleError(file, static_cast<long>(node.source().begin.line), "[[authority]] must be a table");
    const long line = static_cast<long>(entry->source().begin.line);
    auto urn = entry->get("urn") ? entry->get("urn")->value<int64_t>() : std::nullopt;
    if (!urn || *urn <= 0) throw RuleError(file, line, "authority entry needs a positive integer 'urn'");
    Authority a;
    a.urn = static_cast<int>(*urn);
    a.name = required_string(*entry, "name", file);
    a.ons_name = required_string(*entry, "ons_name", file);
    a.slug = required_string(*entry, "slug", file);
    a.la_code = required_string(*entry, "la_code", file);
    a.ltla23cd = required_string(*entry, "ltla23cd", file);
    a.region_code = required_string(*entry, "region_code", file);
    a.rgn22cd = required_string(*entry, "rgn22cd", file);
    a.region_name = required_string(*entry, "region_name", file);
    if (!table.by_urn_.emplace(a.urn, a).second)
      throw RuleError(file, line, "URN " + std::to_string(a.urn) + " is listed twice");
  }
  return table;
}

const Authority* AuthorityTable::find(int urn) const {
  auto it = by_urn_.find(urn);
  return it == by_urn_.end() ? nullptr : &it->second;
}

}  // namespace jtai

#pragma once
// Which selector of each rules/site.toml chain matched, page by page: the
// expected markup (the first selector), a fallback, or nothing. A crawl keeps
// one of these per run (runs.selectors) and `jtai status` warns about a
// fallback in use; `jtai check-site` reports the same, rule by rule.
#include <string>
#include <vector>

#include "crawler/selector.hpp"

namespace jtai::crawler {

struct RuleUse {
  std::string rule;                       // "[listing] provider_link"
  std::vector<std::string> alternatives;  // the chain as written
  std::vector<int> pages;                 // pages on which each alternative matched
  int none = 0;                           // pages on which none matched
  bool optional = false;                  // finding nothing is not a fault (e.g. the stated result count)

  int fallback_pages() const;
  int total_pages() const;
};

class RuleUsage {
 public:
  // One page read with `chain`: `alternative` matched (-1: none did).
  void record(const std::string& rule, const SelectorChain& chain, int alternative, bool optional = false);
  const std::vector<RuleUse>& uses() const { return uses_; }
  bool empty() const { return uses_.empty(); }

  // One line per rule that fell back or found nothing (optional rules: fallbacks only).
  std::vector<std::string> warnings() const;

  std::string to_json() const;
  static RuleUsage from_json(const std::string& json);  // tolerant: bad JSON gives an empty usage

 private:
  std::vector<RuleUse> uses_;
};

}  // namespace jtai::crawler

#include "crawler/rule_usage.hpp"

#include <nlohmann/json.hpp>

namespace jtai::crawler {

int RuleUse::fallback_pages() const {
  int n = 0;
  for (size_t i = 1; i < pages.size(); ++i) n += pages[i];
  return n;
}

int RuleUse::total_pages() const {
  int n = none;
  for (int p : pages) n += p;
  return n;
}

void RuleUsage::record(const std::string& rule, const SelectorChain& chain, int alternative, bool optional) {
  RuleUse* use = nullptr;
  for (auto& u : uses_)
    if (u.rule == rule) use = &u;
  if (!use) {
    RuleUse u;
    u.rule = rule;
    for (const auto& s : chain.alternatives) u.alternatives.push_back(s.text);
    u.pages.assign(u.alternatives.size(), 0);
    u.optional = optional;
    uses_.push_back(std::move(u));
    use = &uses_.back();
  }
  if (alternative >= 0 && static_cast<size_t>(alternative) < use->pages.size())
    ++use->pages[static_cast<size_t>(alternative)];
  else
    ++use->none;
}

std::vector<std::string> RuleUsage::warnings() const {
  std::vector<std::string> out;
  for (const auto& u : uses_) {
    const int total = u.total_pages();
    std::string line;
    if (u.fallback_pages() > 0) {
      for (size_t i = 1; i < u.pages.size(); ++i) {
        if (u.pages[i] == 0) continue;
        line += std::string(line.empty() ? "" : "; ") + "fell back to '" + u.alternatives[i] + "' on " +
                std::to_string(u.pages[i]) + " of " + std::to_string(total) + " page(s)";
      }
      line += " (the expected '" + (u.alternatives.empty() ? std::string() : u.alternatives[0]) + "' did not match)";
    }
    if (u.none > 0 && !u.optional)
      line += std::string(line.empty() ? "" : "; ") + "matched nothing on " + std::to_string(u.none) + " of " +
              std::to_string(total) + " page(s)";
    if (!line.empty()) out.push_back(u.rule + ": " + line + "; has the site's markup changed? see rules/site.toml");
  }
  return out;
}

std::string RuleUsage::to_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& u : uses_)
    j[u.rule] = {{"alternatives", u.alternatives}, {"pages", u.pages}, {"none", u.none}, {"optional", u.optional}};
  return j.dump();
}

RuleUsage RuleUsage::from_json(const std::string& json) {
  RuleUsage usage;
  try {
    auto j = nlohmann::json::parse(json);
    if (!j.is_object()) return usage;
    for (const auto& [rule, v] : j.items()) {
      RuleUse u;
      u.rule = rule;
      u.alternatives = v.value("alternatives", std::vector<std::string>{});
      u.pages = v.value("pages", std::vector<int>{});
      u.none = v.value("none", 0);
      u.optional = v.value("optional", false);
      u.pages.resize(u.alternatives.size(), 0);
      usage.uses_.push_back(std::move(u));
    }
  } catch (const nlohmann::json::exception&) {
    usage.uses_.clear();
  }
  return usage;
}

}  // namespace jtai::crawler

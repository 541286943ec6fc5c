#include "crawler/robots.hpp"

#include <sstream>

#include "common/text.hpp"

namespace jtai::crawler {

namespace {

// Does `pattern` ('*' any run, trailing '$' end) match a prefix of `path`?
bool matches(const std::string& pattern, const std::string& path) {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  std::string pat = anchored ? pattern.substr(0, pattern.size() - 1) : pattern;
  // Backtracking over '*' positions; patterns are short.
  size_t p = 0, s = 0, star = std::string::npos, mark = 0;
  while (s < path.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pat.size() && pat[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pat.size() && !anchored) {
      return true;  // prefix matched
    } else if (star != std::string::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

}  // namespace

Robots Robots::allow_all() { return Robots(); }

Robots Robots::disallow_all() {
  Robots r;
  r.rules_.push_back({false, "/"});
  return r;
}

Robots Robots::parse(const std::string& text, const std::string& token) {
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
    std::optional<double> delay;
  };
  std::vector<Group> groups;
  bool in_agents = false;
  std::istringstream in(text);
  std::string raw;
  while (std::getline(in, raw)) {
    if (auto hash = raw.find('#'); hash != std::string::npos) raw.erase(hash);
    auto colon = raw.find(':');
    if (colon == std::string::npos) continue;
    std::string key = to_lower_ascii(trim(raw.substr(0, colon)));
    std::string value = trim(raw.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agents) groups.emplace_back();
      groups.back().agents.push_back(to_lower_ascii(value));
      in_agents = true;
      continue;
    }
    in_agents = false;
    if (groups.empty()) continue;  // rules before any user-agent line are ignored
    if (key == "allow" || key == "disallow") {
      if (value.empty()) continue;  // "Disallow:" allows everything
      groups.back().rules.push_back({key == "allow", value});
    } else if (key == "crawl-delay") {
      try {
        groups.back().delay = std::stod(value);
      } catch (...) {
      }
    }
  }

  const std::string me = to_lower_ascii(token);
  auto pick = [&](bool star) {
    Robots r;
    bool found = false;
    for (const auto& g : groups) {
      bool match = false;
      for (const auto& a : g.agents)
        match = match || (star ? a == "*" : (!a.empty() && a != "*" && me.rfind(a, 0) == 0));
      if (!match) continue;
      found = true;
      r.rules_.insert(r.rules_.end(), g.rules.begin(), g.rules.end());
      if (g.delay) r.crawl_delay_ = g.delay;
    }
    return found ? std::optional<Robots>(r) : std::nullopt;
  };
  if (auto specific = pick(false)) return *specific;
  if (auto star = pick(true)) return *star;
  return allow_all();
}

bool Robots::allowed(const std::string& path) const {
  if (path == "/robots.txt") return true;
  const Rule* best = nullptr;
  for (const auto& rule : rules_) {
    if (!matches(rule.pattern, path)) continue;
    if (!best || rule.pattern.size() > best->pattern.size() ||
        (rule.pattern.size() == best->pattern.size() && rule.allow))
      best = &rule;
  }
  return !best || best->allow;
}

}  // namespace jtai::crawler

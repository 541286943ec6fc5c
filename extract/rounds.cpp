#include "extract/rounds.hpp"

#include <chrono>
#include <cstdlib>
#include <limits>
#include <vector>

#include "extract/facts.hpp"

namespace jtai::extract {

namespace {

// Days since 1970 for an ISO date (no validation beyond the digits: the
// dates here come from iso_date and rounds.toml).
long day_number(const std::string& iso) {
  using namespace std::chrono;
  int y = std::atoi(iso.substr(0, 4).c_str());
  unsigned m = static_cast<unsigned>(std::atoi(iso.substr(5, 2).c_str()));
  unsigned d = static_cast<unsigned>(std::atoi(iso.substr(8, 2).c_str()));
  return sys_days(year_month_day(year(y), month(m), day(d))).time_since_epoch().count();
}

}  // namespace

std::optional<std::string> find_focus(const Report& r, const RuleSet& rules) {
  if (!r.theme || r.theme->starts_with("other: ")) return std::nullopt;
  bool title_theme = false;
  for (const auto& round : rules.rounds()) title_theme = title_theme || round.title_theme == r.theme;
  if (title_theme && r.deep_dive) {
    std::string dd = classify_theme(*r.deep_dive, rules);
    if (!dd.starts_with("other: ") && dd != *r.theme) return dd;
  }
  return r.theme;
}

RoundChoice choose_round(const std::optional<std::string>& focus, const std::optional<std::string>& start,
                         const RuleSet& rules) {
  RoundChoice out;
  std::vector<const Round*> candidates;
  for (const auto& round : rules.rounds())
    if (focus && round.theme == *focus) candidates.push_back(&round);
  if (candidates.empty()) {
    out.warning = Warning{"outside_round", focus ? "no round in rounds.toml has the theme '" + *focus + "'"
                                                 : std::string("no canonical theme, so no round could be chosen")};
    return out;
  }
  if (!start) {
    if (candidates.size() == 1) {
      out.round = candidates.front();
    } else {
      out.warning = Warning{"outside_round", std::to_string(candidates.size()) + " rounds have the theme '" + *focus +
                                                 "' and there are no fieldwork dates to choose between them"};
    }
    return out;
  }
  long best = std::numeric_limits<long>::max();
  const long day = day_number(*start);
  for (const Round* c : candidates) {
    long from = day_number(c->fieldwork_from), to = day_number(c->fieldwork_to);
    long distance = day < from ? from - day : day > to ? day - to : 0;
    if (distance < best) {
      best = distance;
      out.round = c;
    }
  }
  if (best > 0)
    out.warning = Warning{"outside_round", "fieldwork starting " + *start + " is outside the period of round '" +
                                               out.round->id + "' (" + out.round->fieldwork_from + " to " +
                                               out.round->fieldwork_to + ", " + out.round->where +
                                               "), the nearest round with the theme '" + *focus + "'"};
  return out;
}

}  // namespace jtai::extract

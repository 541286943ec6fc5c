#include "extract/facts.hpp"

#include <algorithm>
#include <cstdio>

#include "common/text.hpp"

namespace jtai::extract {

namespace {

std::string trim_punctuation(std::string s) {
  while (!s.empty() && std::string_view(" .,;:").find(s.back()) != std::string_view::npos) s.pop_back();
  return s;
}

}  // namespace

std::optional<std::string> iso_date(const std::string& day, const std::string& month, const std::string& year) {
  if (day.empty() || month.empty() || year.empty()) return std::nullopt;
  int d = std::atoi(day.c_str()), m = month_number(month), y = std::atoi(year.c_str());
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || d < 1 || d > kDays[m - 1] || y < 1900 || y > 2200) return std::nullopt;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
  return std::string(buf);
}

std::optional<std::string> find_letter_date(const std::vector<std::string>& texts, const RuleSet& rules) {
  for (const auto& t : texts)
    for (const auto& p : rules.letter_date())
      if (p.search(t))
        if (auto d = iso_date(p.named(t, "day"), p.named(t, "month"), p.named(t, "year"))) return d;
  return std::nullopt;
}

namespace {

// The year for a sentence without one: the letter date's, or the year before
// when that would put the fieldwork after the letter.
std::optional<std::string> year_for(const std::string& day, const std::string& month,
                                    const std::optional<std::string>& letter_date) {
  if (!letter_date) return std::nullopt;
  std::string year = letter_date->substr(0, 4);
  auto guess = iso_date(day, month, year);
  if (guess && *guess > *letter_date) year = std::to_string(std::atoi(year.c_str()) - 1);
  return year;
}

// ISO date plus days (civil calendar, days >= 0).
std::string add_days(const std::string& iso, int days) {
  int y = std::atoi(iso.substr(0, 4).c_str()), m = std::atoi(iso.substr(5, 2).c_str()),
      d = std::atoi(iso.substr(8, 2).c_str());
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (; days > 0; --days) {
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int month_days = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
    if (++d > month_days) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
  return buf;
}

}  // namespace

std::optional<Fieldwork> find_fieldwork(const std::vector<std::string>& texts, const RuleSet& rules,
                                        const std::optional<std::string>& letter_date) {
  std::optional<Fieldwork> reversed;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& t = texts[i];
    for (const auto& p : rules.fieldwork_dates()) {
      if (!p.search(t)) continue;
      std::string ed = p.named(t, "end_day"), em = p.named(t, "end_month"), ey = p.named(t, "end_year");
      std::string sd = p.named(t, "start_day"), sm = p.named(t, "start_month"), sy = p.named(t, "start_year");
      if (ey.empty()) {
        auto year = year_for(ed, em, letter_date);
        if (!year) continue;
        ey = *year;
      }
      if (sd.empty()) sd = ed;
      if (sm.empty()) sm = em;
      if (sy.empty()) sy = ey;
      auto end = iso_date(ed, em, ey);
      auto start = iso_date(sd, sm, sy);
      if (!start || !end) continue;
      if (*start > *end && sy == ey && sm != em) {
        // "from 30 December to 3 January 2020": the start is in the year before.
        start = iso_date(sd, sm, std::to_string(std::atoi(ey.c_str()) - 1));
      }
      if (!start) continue;
      if (*start <= *end) return Fieldwork{*start, *end, i};
      if (!reversed) reversed = Fieldwork{*start, *end, i, false, true};
    }
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto& t = texts[i];
    for (const auto& p : rules.fieldwork_week()) {
      if (!p.search(t)) continue;
      std::string sd = p.named(t, "start_day"), sm = p.named(t, "start_month"), sy = p.named(t, "start_year");
      if (sy.empty()) {
        auto year = year_for(sd, sm, letter_date);
        if (!year) continue;
        sy = *year;
      }
      auto start = iso_date(sd, sm, sy);
      if (!start) continue;
      return Fieldwork{*start, add_days(*start, rules.fieldwork_week_days() - 1), i, true, false};
    }
  }
  return reversed;
}

std::optional<std::string> find_theme_phrase(const std::vector<std::string>& texts, const RuleSet& rules) {
  for (const auto& t : texts)
    for (const auto& p : rules.theme_phrase()) {
      std::vector<std::string> groups;
      if (p.search(t, &groups) && groups.size() > 1 && !groups[1].empty()) return trim_punctuation(groups[1]);
    }
  return std::nullopt;
}

std::string classify_theme(const std::string& phrase, const RuleSet& rules) {
  // Group 1 of the first matching pattern, else the text unchanged.
  auto group1 = [](const std::vector<Pattern>& patterns, const std::string& text) {
    for (const auto& p : patterns) {
      std::vector<std::string> groups;
      if (p.search(text, &groups) && groups.size() > 1 && !groups[1].empty()) return groups[1];
    }
    return text;
  };
  std::string focus = group1(rules.theme_focus(), phrase);
  for (const auto& theme : rules.themes())
    for (const auto& p : theme.patterns)
      if (p.search(focus)) return theme.name;
  return "other: " + group1(rules.theme_without_area(), focus);
}

std::optional<std::string> find_deep_dive(const std::vector<std::string>& texts, const RuleSet& rules) {
  for (const auto& t : texts)
    for (const auto& p : rules.deep_dive()) {
      std::vector<std::string> groups;
      if (p.search(t, &groups) && groups.size() > 1 && !groups[1].empty()) return trim_punctuation(groups[1]);
    }
  return std::nullopt;
}

std::vector<std::string> find_inspectorates(const std::string& text, const RuleSet& rules) {
  struct Hit {
    size_t begin, end;
    std::string name;
  };
  std::vector<Hit> hits;
  for (const auto& insp : rules.inspectorates()) {
    std::optional<Hit> best;
    for (const auto& p : insp.patterns) {
      size_t b = 0, e = 0;
      if (p.find(text, b, e) && (!best || b < best->begin)) best = Hit{b, e, insp.name};
    }
    if (best) hits.push_back(*best);
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.begin < b.begin; });
  std::vector<std::string> names;
  size_t covered = 0;
  for (const auto& h : hits) {
    if (h.begin < covered) continue;  // inside a longer name already taken ("HMIC" in "HMICFRS")
    names.push_back(h.name);
    covered = h.end;
  }
  return names;
}

}  // namespace jtai::extract

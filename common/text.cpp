#include "common/text.hpp"

#include <array>
#include <cctype>
#include <cstdio>

namespace jtai {

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string squash_spaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

std::string slugify(std::string_view s) {
  std::string out;
  bool dash = false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(static_cast<char>(std::tolower(u)));
    } else {
      dash = true;
    }
  }
  return out;
}

int month_number(std::string_view name) {
  static constexpr std::array<const char*, 12> kMonths = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  std::string lower = to_lower_ascii(name);
  if (lower.size() < 3) return 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    std::string_view full = kMonths[i];
    if (lower == full || (lower.size() <= full.size() && full.substr(0, lower.size()) == lower &&
                          lower.size() >= 3))
      return static_cast<int>(i) + 1;
  }
  return 0;
}

std::optional<std::string> parse_day_month_year(std::string_view s) {
  std::string t = squash_spaces(s);
  int day = 0, year = 0;
  char month[32] = {};
  if (std::sscanf(t.c_str(), "%d %31s %d", &day, month, &year) != 3) return std::nullopt;
  int m = month_number(month);
  if (m == 0 || day < 1 || day > 31 || year < 1900 || year > 2200) return std::nullopt;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, m, day);
  return std::string(buf);
}

}  // namespace jtai

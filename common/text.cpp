#include "common/text.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include "common/hash.hpp"

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

bool is_real_date(int year, int month, int day) {
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

std::optional<std::string> iso_date(std::string_view s) {
  if (s.size() < 10) return std::nullopt;
  std::string t(s.substr(0, 10));
  for (size_t i = 0; i < 10; ++i)
    if (i == 4 || i == 7 ? t[i] != '-' : !std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
  if (!is_real_date(std::stoi(t.substr(0, 4)), std::stoi(t.substr(5, 2)), std::stoi(t.substr(8, 2))))
    return std::nullopt;
  return t;
}

std::optional<std::string> parse_day_month_year(std::string_view s) {
  std::string t = squash_spaces(s);
  int day = 0, year = 0;
  char month[32] = {};
  if (std::sscanf(t.c_str(), "%d %31s %d", &day, month, &year) != 3) return std::nullopt;
  int m = month_number(month);
  if (m == 0 || !is_real_date(year, m, day)) return std::nullopt;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, m, day);
  return std::string(buf);
}

namespace {
// Length of the C1 control (0xC2 0x80..0x9F) at s[i], else 0.
size_t c1_control_at(std::string_view s, size_t i) {
  if (i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC2) {
    auto b = static_cast<unsigned char>(s[i + 1]);
    if (b >= 0x80 && b <= 0x9F) return 2;
  }
  return 0;
}
}  // namespace

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (size_t n = c1_control_at(s, i)) {
      out.push_back('?');
      i += n - 1;
    } else if (c == '\n' || c == '\r') {
      out.push_back(' ');
    } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
      out.push_back('?');
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string safe_name_component(std::string_view s, size_t max_bytes) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (size_t n = c1_control_at(s, i)) {
      i += n - 1;
      continue;  // dropped
    }
    if (c < 0x20 || c == 0x7F) continue;
    out.push_back(c == '/' || c == '\\' ? '-' : static_cast<char>(c));
  }
  size_t lead = 0;
  while (lead < out.size() && (out[lead] == '.' || out[lead] == ' ')) ++lead;
  out.erase(0, lead);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (max_bytes < 16) max_bytes = 16;
  if (out.size() > max_bytes) {
    const std::string digest = sha256_hex(out);
    std::string tag(1, '~');
    tag.append(digest, 0, 8);
    size_t cut = max_bytes - tag.size();
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 characters
    out.resize(cut);
    out.append(tag);
  }
  return out;
}

}  // namespace jtai

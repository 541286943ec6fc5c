#pragma once
// Numeric options that must be finite and within a sensible range. CLI11's
// Range lets NaN through (every comparison with NaN is false) and echoes the
// whole input; this one rejects NaN/inf and never repeats a 300-digit number.
#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

namespace jtai::app {

inline CLI::Validator seconds_between(double min, double max) {
  auto show = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  };
  std::string range = "between " + show(min) + " and " + show(max) + " seconds";
  return CLI::Validator(
      [min, max, range](std::string& input) -> std::string {
        char* end = nullptr;
        errno = 0;
        double v = std::strtod(input.c_str(), &end);
        bool number = end && end != input.c_str() && *end == '\0';
        if (!number || !std::isfinite(v) || errno == ERANGE || v < min || v > max) {
          std::string shown = input.size() > 24 ? input.substr(0, 20) + "..." : input;
          return "'" + shown + "' is not a number " + range;
        }
        return {};
      },
      "SECONDS " + range);
}

}  // namespace jtai::app

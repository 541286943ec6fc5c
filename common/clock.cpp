#include "common/clock.hpp"

#include <ctime>

namespace jtai {

namespace {
std::string format_now(const char* fmt) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}
}  // namespace

std::string utc_now_iso() { return format_now("%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_today_iso() { return format_now("%Y-%m-%d"); }

}  // namespace jtai

#pragma once
#include <string>

namespace jtai {

// Current UTC time as ISO 8601, e.g. "2026-11-22T01:30:37Z".
std::string utc_now_iso();
// Current UTC date, e.g. "2026-11-22".
std::string utc_today_iso();

}  // namespace jtai

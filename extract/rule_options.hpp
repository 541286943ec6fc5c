#pragma once
// How every rule pattern is matched (extract/rules.cpp, extract/agencies.cpp).
#include <re2/re2.h>

namespace jtai::extract {

// Case-insensitive; RE2's errors are returned to name file and line, never logged.
inline RE2::Options rule_options() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  return options;
}

}  // namespace jtai::extract

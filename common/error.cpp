#include "common/error.hpp"

namespace jtai {

RuleError::RuleError(const std::string& file, long line, const std::string& what)
    : Error(file + ":" + std::to_string(line) + ": " + what), file_(file), line_(line) {}

}  // namespace jtai

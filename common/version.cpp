#include "common/version.hpp"

namespace jtai {
const char* program_version() { return JTAI_VERSION; }
}  // namespace jtai

#pragma once
namespace jtai {
// The program's version (CMake's project version, e.g. "0.1.0"). A quarantined
// letter is tried again when this or the rules version changes.
const char* program_version();
}  // namespace jtai

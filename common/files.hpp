#pragma once
#include <filesystem>
#include <string>
#include <string_view>

namespace jtai {

// Reads a whole file; throws jtai::Error naming the path on failure.
std::string read_file(const std::filesystem::path& path);

// Empty when `path` is a regular file (following symlinks); otherwise why not,
// e.g. "/dev/zero: not a regular file". Reading a device or a FIFO can hang.
std::string not_a_regular_file(const std::filesystem::path& path);

// Writes via a temporary file in the same directory, fsync and rename, so a
// crash or a full disk never leaves a half-written file under the final name.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// The rules directory: explicit > $JTAI_RULES > installed share/jtai/rules
// beside the executable > the source tree's rules/ (compiled in).
std::filesystem::path find_rules_dir(const std::string& explicit_dir = {});

}  // namespace jtai

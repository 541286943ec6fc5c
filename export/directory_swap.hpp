#pragma once
// Putting a finished directory in place in one step, and fsync helpers.
#include <filesystem>

namespace jtai::exporter {

// fsyncs a file or a directory; throws jtai::Error on failure.
void sync_path(const std::filesystem::path& path, bool directory);

// Puts the finished directory `staged` at `target` in one step: a rename when
// target does not exist, else an atomic exchange (renameat2 RENAME_EXCHANGE)
// after which the old contents are removed. Readers see the old or the new
// directory, never a mixture. `staged` is gone afterwards.
void replace_directory(const std::filesystem::path& staged, const std::filesystem::path& target);

}  // namespace jtai::exporter

#pragma once
// Helpers shared by the test executables.
#include <filesystem>
#include <string>

namespace jtai::test {

std::filesystem::path source_dir();  // the repository root
std::filesystem::path rules_dir();   // the repository's rules/
std::filesystem::path shared_dir();  // ../shared (may not exist)
bool have_shared_corpus();
std::filesystem::path jtai_binary(); // the built `jtai` executable

// ctest's SKIP_RETURN_CODE for test executables that need ../shared.
inline constexpr int kSkipExitCode = 77;

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "jtai-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs a shell command line, capturing stdout and stderr.
CommandResult run_command(const std::string& command_line);

}  // namespace jtai::test

#include "tests/support/test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "common/files.hpp"

namespace jtai::test {

namespace fs = std::filesystem;

fs::path source_dir() { return JTAI_SOURCE_DIR; }
fs::path rules_dir() { return source_dir() / "rules"; }
fs::path shared_dir() {
  if (const char* env = std::getenv("JTAI_SHARED"); env && *env) return env;
  return JTAI_SHARED_DIR;
}
bool have_shared_corpus() { return fs::is_directory(shared_dir() / "corpus" / "jtai"); }
fs::path jtai_binary() { return JTAI_BINARY; }

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CommandResult run_command(const std::string& command_line) {
  TempDir tmp("jtai-cmd");
  fs::path out = tmp.path() / "out", err = tmp.path() / "err";
  std::string full = "(" + command_line + ") >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = fs::exists(out) ? read_file(out) : "";
  r.err = fs::exists(err) ? read_file(err) : "";
  return r;
}

}  // namespace jtai::test

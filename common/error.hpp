#pragma once
// Error types shared by every module. Each carries a one-line, user-facing
// message: the command line prints what() as it is.
#include <stdexcept>
#include <string>

namespace jtai {

// Something outside the program is wrong (a file, a page, the network).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A rule file is wrong; the message names file, line and what is wrong.
class RuleError : public Error {
 public:
  RuleError(const std::string& file, long line, const std::string& what);
  const std::string& file() const { return file_; }
  long line() const { return line_; }

 private:
  std::string file_;
  long line_;
};

}  // namespace jtai

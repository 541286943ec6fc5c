#pragma once
// A file written in pieces through a buffer; any write error (a full disk, a
// file size limit) throws jtai::Error naming the file and the reason. close()
// flushes and fsyncs; the destructor of an unclosed file just closes it.
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace jtai::exporter {

class OutputFile {
 public:
  explicit OutputFile(const std::filesystem::path& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view bytes);
  void close();
  const std::filesystem::path& path() const { return path_; }

 private:
  [[noreturn]] void fail(const char* what, int err);
  std::filesystem::path path_;
  FILE* file_ = nullptr;
};

}  // namespace jtai::exporter

#pragma once
// SHA-256 via OpenSSL's EVP interface (a well-kept implementation; no reason
// to write our own).
#include <filesystem>
#include <string>
#include <string_view>

namespace jtai {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view bytes);
  std::string hex_digest();  // finishes the hash; call once

 private:
  void* ctx_;  // EVP_MD_CTX*
};

std::string sha256_hex(std::string_view bytes);
std::string sha256_file(const std::filesystem::path& path);

}  // namespace jtai

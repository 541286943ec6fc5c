#pragma once
// SHA-256 via libmd (Debian's libmd-dev: the BSD message-digest functions).
// OpenSSL's libcrypto did the same job but is 4.5 MB with 3,400 symbol
// bindings at start-up and fetches its digest provider on every hash: for
// `jtai extract FILE`, run once per letter, that was ~10% of the process's
// own start-up. libmd is a small, well-kept C library; its context is a
// plain struct, so a hash in progress is an ordinary value.
#include <sha2.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace jtai {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  std::string hex_digest();  // finishes the hash; call once

 private:
  SHA2_CTX ctx_;
};

std::string sha256_hex(std::string_view bytes);
std::string sha256_file(const std::filesystem::path& path);

}  // namespace jtai

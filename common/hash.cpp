#include "common/hash.hpp"

#include <array>
#include <cstdint>
#include <fstream>

#include "common/error.hpp"

namespace jtai {

Sha256::Sha256() : ctx_{} { SHA256Init(&ctx_); }

void Sha256::update(std::string_view bytes) {
  SHA256Update(&ctx_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

std::string Sha256::hex_digest() {
  std::array<uint8_t, SHA256_DIGEST_LENGTH> md{};
  SHA256Final(md.data(), &ctx_);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(md.size() * 2);
  for (uint8_t byte : md) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes);
  return h.hex_digest();
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path.string());
  Sha256 h;
  std::array<char, 1 << 16> buf{};
  while (in) {
    in.read(buf.data(), buf.size());
    h.update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
  }
  return h.hex_digest();
}

}  // namespace jtai

// Binary form of a Layout: little-endian fixed-width numbers, length-prefixed
// strings, one font table per layout. Fast to write and read.
#include <cstring>
#include <unordered_map>

#include "common/error.hpp"
#include "extract/layout.hpp"

namespace jtai::extract {

namespace {

constexpr char kMagic[4] = {'J', 'T', 'L', 'Y'};

class Writer {
 public:
  template <typename T>
  void put(T v) {
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out_.append(buf, sizeof(T));
  }
  void str(std::string_view s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void box(const Box& b) {
    put(b.x0);
    put(b.y0);
    put(b.x1);
    put(b.y1);
  }
  void raw(const char* p, size_t n) { out_.append(p, n); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string str() {
    auto n = get<std::uint32_t>();
    need(n);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  Box box() {
    Box b;
    b.x0 = get<float>();
    b.y0 = get<float>();
    b.x1 = get<float>();
    b.y1 = get<float>();
    return b;
  }
  bool done() const { return pos_ == in_.size(); }
  // An element count; each element takes at least one byte, so a count larger
  // than what is left means corrupt input (and no huge allocation).
  size_t count() {
    auto n = get<std::uint32_t>();
    need(n);
    return n;
  }

 private:
  void need(size_t n) const {
    if (in_.size() - pos_ < n) throw Error("stored layout is truncated or corrupt");
  }
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

std::string encode_layout(const Layout& layout) {
  std::vector<std::string> fonts;
  std::unordered_map<std::string, std::uint16_t> font_index;
  auto index_of = [&](const std::string& f) {
    auto [it, added] = font_index.try_emplace(f, static_cast<std::uint16_t>(fonts.size()));
    if (added) fonts.push_back(f);
    return it->second;
  };
  Writer body;
  body.put<std::uint32_t>(static_cast<std::uint32_t>(layout.pages.size()));
  for (const Page& p : layout.pages) {
    body.put(p.width);
    body.put(p.height);
    body.put<std::uint32_t>(static_cast<std::uint32_t>(p.lines.size()));
    for (const Line& l : p.lines) {
      body.put<std::int32_t>(l.page);
      body.box(l.box);
      body.put(l.size);
      body.put<std::uint8_t>(l.bold ? 1 : 0);
      body.put(index_of(l.font));
      body.str(l.text);
      body.put<std::uint32_t>(static_cast<std::uint32_t>(l.spans.size()));
      for (const Span& s : l.spans) {
        body.put(s.begin);
        body.put(s.end);
        body.box(s.box);
        body.put(s.size);
        body.put<std::uint8_t>(s.bold ? 1 : 0);
        body.put(index_of(s.font));
      }
    }
  }
  Writer out;
  out.raw(kMagic, 4);
  out.put<std::int32_t>(kLayoutVersion);
  out.put<std::uint32_t>(static_cast<std::uint32_t>(fonts.size()));
  for (const auto& f : fonts) out.str(f);
  std::string head = out.take();
  return head + body.take();
}

Layout decode_layout(std::string_view bytes) {
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 4) != 0)
    throw Error("stored layout is not in jtai layout format");
  Reader in(bytes.substr(4));
  auto version = in.get<std::int32_t>();
  if (version != kLayoutVersion)
    throw Error("stored layout has version " + std::to_string(version) + ", expected " +
                std::to_string(kLayoutVersion));
  std::vector<std::string> fonts(in.count());
  for (auto& f : fonts) f = in.str();
  auto font = [&](std::uint16_t i) -> const std::string& {
    if (i >= fonts.size()) throw Error("stored layout is truncated or corrupt");
    return fonts[i];
  };
  Layout layout;
  layout.pages.resize(in.count());
  for (Page& p : layout.pages) {
    p.width = in.get<float>();
    p.height = in.get<float>();
    p.lines.resize(in.count());
    for (Line& l : p.lines) {
      l.page = in.get<std::int32_t>();
      l.box = in.box();
      l.size = in.get<float>();
      l.bold = in.get<std::uint8_t>() != 0;
      l.font = font(in.get<std::uint16_t>());
      l.text = in.str();
      l.spans.resize(in.count());
      for (Span& s : l.spans) {
        s.begin = in.get<std::uint32_t>();
        s.end = in.get<std::uint32_t>();
        if (s.begin > s.end || s.end > l.text.size()) throw Error("stored layout is truncated or corrupt");
        s.box = in.box();
        s.size = in.get<float>();
        s.bold = in.get<std::uint8_t>() != 0;
        s.font = font(in.get<std::uint16_t>());
      }
    }
  }
  if (!in.done()) throw Error("stored layout has trailing bytes");
  return layout;
}

}  // namespace jtai::extract

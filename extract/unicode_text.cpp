#include "extract/unicode_text.hpp"

namespace jtai::extract {

char32_t first_code_point(std::string_view s, size_t* length) {
  if (s.empty()) {
    if (length) *length = 0;
    return 0;
  }
  auto u = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = u(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (n > s.size()) n = 1;
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t i = 1; i < n; ++i) cp = (cp << 6) | (u(i) & 0x3F);
  if (length) *length = n;
  return cp;
}

std::string utf16_to_utf8(std::u16string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 2);
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t c = in[i];
    if (c >= 0xD800 && c <= 0xDFFF) {
      if (c > 0xDBFF || i + 1 == in.size() || in[i + 1] < 0xDC00 || in[i + 1] > 0xDFFF) break;
      c = 0x10000 + ((c - 0xD800) << 10) + (in[i + 1] - 0xDC00);
      ++i;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string normalize_word(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    size_t n = 0;
    char32_t c = first_code_point(s, &n);
    std::string_view raw = s.substr(0, n);
    s.remove_prefix(n);
    switch (c) {
      case 0xFB00: out += "ff"; break;
      case 0xFB01: out += "fi"; break;
      case 0xFB02: out += "fl"; break;
      case 0xFB03: out += "ffi"; break;
      case 0xFB04: out += "ffl"; break;
      case 0xFB05: case 0xFB06: out += "st"; break;
      case 0x00A0: case 0x2002: case 0x2003: case 0x2009: case 0x200A: case 0x202F: case 0x2007:
        out += ' ';
        break;
      case 0x200B: case 0x200C: case 0x200D: case 0xFEFF: case 0:
        break;
      default:
        if (c < 0x20) break;  // control characters
        out += raw;
    }
  }
  // A word made only of spaces is no word.
  if (out.find_first_not_of(' ') == std::string::npos) return {};
  return out;
}

bool is_symbol_font(std::string_view f) {
  return f.find("Wingdings") != std::string_view::npos || f.find("Symbol") != std::string_view::npos ||
         f.find("Webdings") != std::string_view::npos || f.find("ZapfDingbats") != std::string_view::npos;
}

bool is_bullet_glyph(std::string_view w) {
  size_t n = 0;
  char32_t c = first_code_point(w, &n);
  if (n != w.size()) return false;  // exactly one character
  if (c >= 0xE000 && c <= 0xF8FF) return true;  // private use: Wingdings/Symbol bullets
  switch (c) {
    case U'•': case U'◼': case U'▪': case U'■': case U'●': case U'○': case U'◦': case U'‣':
    case U'⁃': case U'◆': case U'◊': case U'□': case U'➢': case U'►': case U'▶': case U'✓':
    case U'✔': case U'·': case U'∙': case U'⚫': case U'◾': case U'▫': case U'◻': case U'➤':
      return true;
    default:
      return false;
  }
}

}  // namespace jtai::extract

#pragma once
// Character-level clean-up of PDF text: ligatures, odd spaces, bullet glyphs.
#include <string>
#include <string_view>

namespace jtai::extract {

// Expands ligatures (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ), turns no-break and other odd spaces
// into plain spaces and drops zero-width characters. Soft hyphens are kept
// (a line-end soft hyphen tells cleanup to join the word halves).
std::string normalize_word(std::string_view utf8);

// UTF-16 (host byte order, as poppler::ustring holds it) to UTF-8, without
// iconv: poppler::ustring::to_utf8() opens an iconv descriptor on every call,
// which cost more than the rest of our per-word work. Stops at an unpaired
// surrogate, as iconv did (Poppler never produces one: its text is UTF-8 first).
std::string utf16_to_utf8(std::u16string_view utf16);

// The first UTF-8 code point of s (0 when empty) and its length in bytes.
char32_t first_code_point(std::string_view s, size_t* length = nullptr);

// A glyph used as a list bullet: private-use (Wingdings/Symbol) characters,
// "•", "◼", "▪", "■", "●", "○", "◦", "‣", "⁃", "–" alone, "o" in Courier...
bool is_bullet_glyph(std::string_view word);
// The font is a symbol font whose every glyph is a bullet (Wingdings, Symbol).
bool is_symbol_font(std::string_view font_name);

}  // namespace jtai::extract

// Character clean-up and line joining.
#include <doctest/doctest.h>

#include "extract/cleanup.hpp"
#include "extract/unicode_text.hpp"

#include <poppler/cpp/poppler-global.h>

using namespace jtai::extract;

TEST_CASE("ligatures are expanded, odd spaces become spaces, zero-width characters go") {
  CHECK(normalize_word("\xEF\xAC\x81nd") == "find");              // ﬁ
  CHECK(normalize_word("e\xEF\xAC\x80\x65\x63t") == "effect");      // ﬀ
  CHECK(normalize_word("o\xEF\xAC\x83\x63\x65") == "office");       // ﬃ
  CHECK(normalize_word("\xEF\xAC\x82ow") == "flow");                // ﬂ
  CHECK(normalize_word("a\xC2\xA0" "b") == "a b");                  // NBSP
  CHECK(normalize_word("a\xE2\x80\x8B" "b") == "ab");               // zero-width space
  CHECK(normalize_word("\xC2\xA0") == "");                          // only a space: no word
  CHECK(normalize_word("children\xE2\x80\x99s") == "children\xE2\x80\x99s");  // ’ kept
}

TEST_CASE("bullet glyphs are recognised, words are not") {
  CHECK(is_bullet_glyph("\xEF\x82\xA7"));  // Wingdings private use
  CHECK(is_bullet_glyph("\xE2\x97\xBC"));  // ◼
  CHECK(is_bullet_glyph("\xE2\x80\xA2"));  // •
  CHECK(is_bullet_glyph("\xE2\x96\xAA"));  // ▪
  CHECK(is_bullet_glyph("\xEF\x82\xB7"));  //  (Symbol bullet)
  CHECK_FALSE(is_bullet_glyph("a"));
  CHECK_FALSE(is_bullet_glyph("\xE2\x80\xA2x"));
  CHECK(is_symbol_font("Wingdings-Regular"));
  CHECK(is_symbol_font("SymbolMT"));
  CHECK_FALSE(is_symbol_font("Tahoma"));
}

TEST_CASE("lines are joined with one space; a line-end hyphen stays and joins") {
  std::string t = "the quality of";
  append_line_text(t, "decision-");
  CHECK(t == "the quality of decision-");
  append_line_text(t, "making in the MASH");
  CHECK(t == "the quality of decision-making in the MASH");
  std::string soft = "deci\xC2\xAD";
  append_line_text(soft, "sion");
  CHECK(soft == "decision");
  std::string dash = "children \xE2\x80\x93";  // "children –"
  append_line_text(dash, "and families");
  CHECK(dash == "children \xE2\x80\x93 and families");
  std::string spaced = "a list -";
  append_line_text(spaced, "item");
  CHECK(spaced == "a list - item");
}

TEST_CASE("sentence ends") {
  CHECK(ends_sentence("It works."));
  CHECK(ends_sentence("It works.\xE2\x80\x99"));  // .’
  CHECK(ends_sentence("Examples include:"));
  CHECK(ends_sentence("(see above.)"));
  CHECK_FALSE(ends_sentence("and the"));
  CHECK_FALSE(ends_sentence("decision-"));
}

TEST_CASE("utf16_to_utf8 agrees with poppler's iconv-based conversion") {
  const std::u16string samples[] = {
      u"", u"plain ASCII", u"caf\u00e9 \u00a3", u"\u201cquoted\u201d \u2013 \u2022 \uf0b7 \ufb01",
      u"\U0001F600 and \U00010348", std::u16string(u"a\0b", 3),
      u"ab\xD800", u"a\xDC00z",  // unpaired surrogates: both stop there
  };
  for (const auto& s : samples) {
    poppler::ustring u;
    for (char16_t c : s) u.push_back(c);
    auto bytes = u.to_utf8();
    CHECK(utf16_to_utf8(s) == std::string(bytes.begin(), bytes.end()));
  }
  CHECK(utf16_to_utf8(u"\u00e9\u2022\U0001F600") == "\xC3\xA9\xE2\x80\xA2\xF0\x9F\x98\x80");
}

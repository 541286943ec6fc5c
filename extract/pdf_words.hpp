#pragma once
// The words of each page of a PDF, as Poppler's text layout (TextOutputDev)
// makes them: text, box, font and size. Only layout.cpp uses this.
#include <memory>
#include <string>
#include <vector>

#include "extract/layout.hpp"

namespace jtai::extract {

struct PdfWord {
  std::string text;  // UTF-8 as Poppler maps the glyphs, not yet normalised
  Box box;
  float size = 0;
  std::string font;  // subset prefix removed
  bool space_after = false;
  bool operator==(const PdfWord&) const = default;
};

struct PdfPageWords {
  float width = 0, height = 0;  // as displayed: a page turned a quarter is as wide as it was high
  std::vector<PdfWord> words;   // Poppler's reading order
  bool operator==(const PdfPageWords&) const = default;
};

// Pages are read through poppler-glib, and through poppler-cpp when glib's
// words could differ from poppler-cpp's (pdf_words.cpp says when).
class PdfWords {
 public:
  // poppler_cpp: every page through poppler-cpp, so tests can compare the two.
  enum class Reader { fastest, poppler_cpp };

  // Opens the PDF held in `pdf` (read in place: keep it alive and unchanged).
  // Throws PdfError, naming `name`, for a file that is not a PDF, is corrupt
  // or needs a password.
  PdfWords(std::string_view pdf, const std::string& name, Reader reader = Reader::fastest);
  ~PdfWords();
  PdfWords(const PdfWords&) = delete;
  PdfWords& operator=(const PdfWords&) = delete;

  int pages() const;
  PdfPageWords page(int index);  // 0-based; throws PdfError for an unreadable page
  int pages_read_by_poppler_cpp() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jtai::extract

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
};

struct PdfPageWords {
  float width = 0, height = 0;  // as displayed: a page turned a quarter is as wide as it was high
  std::vector<PdfWord> words;   // Poppler's reading order
};

class PdfWords {
 public:
  // Opens the PDF held in `pdf` (read in place: keep it alive and unchanged).
  // Throws PdfError, naming `name`, for a file that is not a PDF, is corrupt
  // or needs a password.
  PdfWords(std::string_view pdf, const std::string& name);
  ~PdfWords();
  PdfWords(const PdfWords&) = delete;
  PdfWords& operator=(const PdfWords&) = delete;

  int pages() const;
  PdfPageWords page(int index);  // 0-based; throws PdfError for an unreadable page

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jtai::extract

// Words from Poppler's text layout, read through poppler-glib, with
// poppler-cpp as the exact fallback for the pages glib cannot reproduce.
//
// Both wrappers read the same TextOutputDev words. poppler-cpp's
// page::text_list also re-scans every font of the page on each page
// (re-creating each GfxFont and its ToUnicode map), copies that font table into
// every word and converts every word to UTF-16 through iconv: about 90 of the
// 300 million instructions Poppler cost per letter. poppler-glib gives the
// page's UTF-8 text, a box per character (in the same order) and font runs, and
// nothing else. Its text has no word boundaries, so they are found again:
//  - between words on a line, glib puts a ' ' when Poppler saw a space
//    (TextWord::hasSpaceAfter) and a '\n' at the end of each line; other words
//    touch their neighbour without a character between them;
//  - within a word every character's box starts exactly (same double) where the
//    previous one ended and has the word's height (TextWord::getCharBBox), so a
//    box that does not continue the previous one begins a new word;
//  - a word's font is its first character's, as poppler-cpp's get_font_name().
// The per-page checks in glib_words() send to poppler-cpp every page whose
// output could differ: right-to-left text (glib reorders it), a NUL or invalid
// UTF-8 in the text, unnamed fonts ("Default" in glib, "" in poppler-cpp),
// font names with a '+' (subset prefixes are removed differently), and
// annotations other than links (poppler-cpp draws their appearance text, glib
// does not). Not detected: a subset tag other than six capitals ("AB+Arial":
// glib removes it, poppler-cpp kept it), and a character whose box runs
// backwards past the start or end of its line (glib selects characters by the
// middle of their box; seen only in damaged files). The 48 letters and 7 other
// PDFs of the corpus come out byte-identical either way.
#include "extract/pdf_words.hpp"

#include <poppler.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <string_view>

#include "extract/unicode_text.hpp"

namespace jtai::extract {

namespace {

template <auto Free>
struct Freer {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using GDocument = std::unique_ptr<PopplerDocument, Freer<g_object_unref>>;
using GPage = std::unique_ptr<PopplerPage, Freer<g_object_unref>>;
using GText = std::unique_ptr<char, Freer<g_free>>;
using GRects = std::unique_ptr<PopplerRectangle, Freer<g_free>>;
using GAttributes = std::unique_ptr<GList, Freer<poppler_page_free_text_attributes>>;
using GAnnotations = std::unique_ptr<GList, Freer<poppler_page_free_annot_mapping>>;
using GBytesRef = std::unique_ptr<GBytes, Freer<g_bytes_unref>>;
using GErrorRef = std::unique_ptr<GError, Freer<g_error_free>>;

void silence_poppler() {
  static std::once_flag once;
  std::call_once(once, [] {
    // poppler-glib logs Poppler's complaints about damaged files to the
    // "Poppler" domain (shown with G_MESSAGES_DEBUG); poppler-cpp calls this.
    g_log_set_handler("Poppler", G_LOG_LEVEL_MASK, [](const gchar*, GLogLevelFlags, const gchar*, gpointer) {},
                      nullptr);
    poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
  });
}

// Poppler's box as poppler-cpp's text_box::bbox() hands it over: a rectangle
// of origin and size, whose right and bottom are recomputed from them.
Box word_box(double x_min, double y_min, double x_max, double y_max) {
  double w = x_max - x_min, h = y_max - y_min;
  return Box{static_cast<float>(x_min), static_cast<float>(y_min), static_cast<float>(x_min + w),
             static_cast<float>(y_min + h)};
}

// Whether character box `r` carries on the word whose previous character box
// is `q` (any of the four text directions).
bool continues(const PopplerRectangle& q, const PopplerRectangle& r) {
  bool same_rows = r.y1 == q.y1 && r.y2 == q.y2, same_columns = r.x1 == q.x1 && r.x2 == q.x2;
  return (same_rows && (r.x1 == q.x2 || r.x2 == q.x1)) || (same_columns && (r.y1 == q.y2 || r.y2 == q.y1));
}

// Annotations other than links may draw text that poppler-cpp's text_list
// includes and glib's page text does not.
bool has_drawn_annotations(PopplerPage* page) {
  GAnnotations annots(poppler_page_get_annot_mapping(page));
  for (const GList* a = annots.get(); a; a = a->next) {
    auto* mapping = static_cast<const PopplerAnnotMapping*>(a->data);
    if (poppler_annot_get_annot_type(mapping->annot) != POPPLER_ANNOT_LINK) return true;
  }
  return false;
}

// The page's words through poppler-glib, or nothing when they might differ
// from poppler-cpp's (see the top of this file).
std::optional<std::vector<PdfWord>> glib_words(PopplerPage* page) {
  if (has_drawn_annotations(page)) return std::nullopt;
  // glib selects text from one corner to the other in reading order. From the
  // page's own corners (poppler_page_get_text) it starts at the block nearest
  // the top left, skipping any block before it that begins at or past the
  // page's edge; corners far outside the page make it start at the first block.
  PopplerRectangle everywhere{-1e6, -1e6, 1e6, 1e6};
  GText text(poppler_page_get_text_for_area(page, &everywhere));
  if (!text || !g_utf8_validate(text.get(), -1, nullptr)) return std::nullopt;
  PopplerRectangle* raw_rects = nullptr;
  guint n = 0;
  poppler_page_get_text_layout_for_area(page, &everywhere, &raw_rects, &n);
  GRects rects(raw_rects);
  GAttributes attributes(poppler_page_get_text_attributes_for_area(page, &everywhere));

  std::vector<PdfWord> words;
  const char* begin = nullptr;       // of the current word in `text`, null between words
  PopplerRectangle first{}, last{};  // its first and last character boxes
  auto finish_word = [&](const char* end) {
    words.back().text.assign(begin, end);
    words.back().box = word_box(std::min(first.x1, last.x1), std::min(first.y1, last.y1), std::max(first.x2, last.x2),
                                std::max(first.y2, last.y2));
    begin = nullptr;
  };
  const GList* run = attributes.get();
  const char* p = text.get();
  for (guint k = 0; k < n; ++k) {
    if (!*p) return std::nullopt;  // fewer characters than boxes: a NUL, or a code point glib could not encode
    const char* next = g_utf8_next_char(p);
    gunichar c = g_utf8_get_char(p);
    if (c == 0x202A || c == 0x202B || c == 0x202C) return std::nullopt;  // glib's marks around reordered RTL text
    while (run && static_cast<const PopplerTextAttributes*>(run->data)->end_index < static_cast<gint>(k))
      run = run->next;
    if (!run) return std::nullopt;
    const PopplerRectangle& r = rects.get()[k];
    if (c == ' ' || c == '\n') {
      if (!begin) return std::nullopt;  // glib puts these only after a word: this one is the text's own
      words.back().space_after = c == ' ';
      finish_word(p);
    } else if (begin && continues(last, r)) {
      last = r;
    } else {
      if (begin) finish_word(p);
      auto* attr = static_cast<const PopplerTextAttributes*>(run->data);
      std::string_view font = attr->font_name;
      if (font == "Default" || font.find('+') != std::string_view::npos) return std::nullopt;
      words.push_back(PdfWord{{}, {}, static_cast<float>(attr->font_size), std::string(font), false});
      begin = p;
      first = last = r;
    }
    p = next;
  }
  if (*p) return std::nullopt;  // more characters than boxes
  if (begin) finish_word(p);
  return words;
}

std::string strip_subset_prefix(std::string name) {
  // "BCDGEE+Tahoma-Bold" -> "Tahoma-Bold"
  auto plus = name.find('+');
  if (plus == 6) name.erase(0, plus + 1);
  return name;
}

std::vector<PdfWord> cpp_words(const poppler::page& page) {
  std::vector<PdfWord> words;
  for (auto& tb : page.text_list(poppler::page::text_list_include_font)) {
    const poppler::ustring utf16 = tb.text();
    static_assert(sizeof(poppler::ustring::value_type) == sizeof(char16_t));
    auto r = tb.bbox();
    words.push_back(PdfWord{utf16_to_utf8({reinterpret_cast<const char16_t*>(utf16.data()), utf16.size()}),
                            Box{static_cast<float>(r.x()), static_cast<float>(r.y()), static_cast<float>(r.right()),
                                static_cast<float>(r.bottom())},
                            static_cast<float>(tb.get_font_size()), strip_subset_prefix(tb.get_font_name()),
                            tb.has_space_after()});
  }
  return words;
}

}  // namespace

struct PdfWords::Impl {
  std::string_view pdf;
  std::string name;
  Reader reader = Reader::fastest;
  int by_poppler_cpp = 0;
  GBytesRef bytes;
  GDocument doc;
  std::unique_ptr<poppler::document> exact;  // poppler-cpp, opened for the first page glib cannot reproduce
};

PdfWords::PdfWords(std::string_view pdf, const std::string& name, Reader reader) : impl_(std::make_unique<Impl>()) {
  silence_poppler();
  impl_->pdf = pdf;
  impl_->name = name;
  impl_->reader = reader;
  impl_->bytes.reset(g_bytes_new_static(pdf.data(), pdf.size()));
  GError* raw_error = nullptr;
  impl_->doc.reset(poppler_document_new_from_bytes(impl_->bytes.get(), nullptr, &raw_error));
  GErrorRef error(raw_error);
  if (impl_->doc) return;
  if (error && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_ENCRYPTED)
    throw PdfError(name + ": encrypted PDF (password required)");
  if (pdf.substr(0, 5) != "%PDF-") throw PdfError(name + ": not a PDF file");
  throw PdfError(name + ": unreadable or corrupt PDF");
}

PdfWords::~PdfWords() = default;

int PdfWords::pages() const { return poppler_document_get_n_pages(impl_->doc.get()); }

int PdfWords::pages_read_by_poppler_cpp() const { return impl_->by_poppler_cpp; }

PdfPageWords PdfWords::page(int index) {
  auto unreadable = [&] { return PdfError(impl_->name + ": unreadable page " + std::to_string(index + 1)); };
  GPage page(poppler_document_get_page(impl_->doc.get(), index));
  if (!page) throw unreadable();
  PdfPageWords out;
  double width = 0, height = 0;
  poppler_page_get_size(page.get(), &width, &height);
  out.width = static_cast<float>(width);
  out.height = static_cast<float>(height);
  if (impl_->reader == Reader::fastest) {
    if (auto words = glib_words(page.get())) {
      out.words = std::move(*words);
      return out;
    }
  }
  if (!impl_->exact)
    impl_->exact.reset(
        poppler::document::load_from_raw_data(impl_->pdf.data(), static_cast<int>(impl_->pdf.size())));
  std::unique_ptr<poppler::page> exact_page(impl_->exact ? impl_->exact->create_page(index) : nullptr);
  if (!exact_page) throw unreadable();
  out.words = cpp_words(*exact_page);
  ++impl_->by_poppler_cpp;
  return out;
}

}  // namespace jtai::extract

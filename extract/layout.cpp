// Reads words with font information from Poppler and groups them into lines
// and font runs.
#include "extract/layout.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "extract/pdf_words.hpp"
#include "extract/unicode_text.hpp"

namespace jtai::extract {

namespace {

bool same_line(const Box& line, const Box& last_word, const Box& w) {
  if (w.x0 < last_word.x1 - 2.0f) return false;  // went back to the left: a new line or column
  float overlap = std::min(line.y1, w.y1) - std::max(line.y0, w.y0);
  float smaller = std::min(line.y1 - line.y0, w.y1 - w.y0);
  return smaller > 0 && overlap >= 0.5f * smaller;
}

void extend(Box& b, const Box& w) {
  b.x0 = std::min(b.x0, w.x0);
  b.y0 = std::min(b.y0, w.y0);
  b.x1 = std::max(b.x1, w.x1);
  b.y1 = std::max(b.y1, w.y1);
}

Line make_line(int page, const std::vector<PdfWord>& words) {
  Line line;
  line.page = page;
  line.box = words.front().box;
  std::map<std::pair<std::string, float>, size_t> weight;  // (font, size) -> characters
  for (size_t i = 0; i < words.size(); ++i) {
    const PdfWord& w = words[i];
    extend(line.box, w.box);
    bool join = !line.spans.empty();
    Span* last = join ? &line.spans.back() : nullptr;
    bool continues = last && last->font == w.font && std::fabs(last->size - w.size) < 0.05f &&
                     std::fabs(last->box.y1 - w.box.y1) < 0.6f;
    if (i > 0 && words[i - 1].space_after) line.text += ' ';
    auto begin = static_cast<std::uint32_t>(line.text.size());
    line.text += w.text;
    auto end = static_cast<std::uint32_t>(line.text.size());
    if (continues) {
      last->end = end;
      extend(last->box, w.box);
    } else {
      Span s;
      s.begin = begin;
      s.end = end;
      s.box = w.box;
      s.size = w.size;
      s.font = w.font;
      s.bold = is_bold_font(w.font);
      line.spans.push_back(std::move(s));
    }
    weight[{w.font, w.size}] += w.text.size();
  }
  auto best = std::max_element(weight.begin(), weight.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  line.font = best->first.first;
  line.size = best->first.second;
  line.bold = is_bold_font(line.font);
  return line;
}

Page read_page(PdfWords& pdf, int index) {
  PdfPageWords in = pdf.page(index);
  Page page;
  page.width = in.width;
  page.height = in.height;
  std::vector<PdfWord> words;
  Box line_box;
  for (PdfWord& w : in.words) {
    w.text = normalize_word(w.text);
    if (w.text.empty()) continue;
    if (!words.empty() && !same_line(line_box, words.back().box, w.box)) {
      page.lines.push_back(make_line(index, words));
      words.clear();
    }
    if (words.empty()) line_box = w.box;
    else extend(line_box, w.box);
    words.push_back(std::move(w));
  }
  if (!words.empty()) page.lines.push_back(make_line(index, words));
  return page;
}

// Poppler builds a colour transform for the document's output intent (an ICC
// profile) on every page, which costs most of the text-extraction time of
// Word-made PDFs. Colours play no part in text, so the catalog key is renamed
// (same length, so no offset moves) and Poppler never sees the profile.
void hide_output_intents(std::string& pdf) {
  static constexpr std::string_view kKey = "/OutputIntents";
  for (size_t at = pdf.find(kKey); at != std::string::npos; at = pdf.find(kKey, at + kKey.size()))
    pdf[at + kKey.size() - 1] = 'X';
}

// Limits that keep memory bounded on absurd input: a JTAI letter is a few
// MB at most (the corpus: 0.5 MB, 24 MB resident) and under 50 pages; the
// layout of a page costs a few tens of KB.
constexpr std::uintmax_t kMaxPdfBytes = 64u << 20;
constexpr int kMaxPages = 1000;

std::string too_large(const std::string& name, std::uintmax_t bytes) {
  return name + ": file too large (" + std::to_string(bytes >> 20) + " MiB; limit " +
         std::to_string(kMaxPdfBytes >> 20) + " MiB)";
}

Layout read_document(std::string bytes, const std::string& name) {
  if (bytes.empty()) throw PdfError(name + ": empty file");
  if (bytes.size() > kMaxPdfBytes) throw PdfError(too_large(name, bytes.size()));
  hide_output_intents(bytes);
  PdfWords pdf(bytes, name);
  if (pdf.pages() <= 0) throw PdfError(name + ": PDF has no pages");
  if (pdf.pages() > kMaxPages)
    throw PdfError(name + ": " + std::to_string(pdf.pages()) + " pages, more than a letter could have (limit " +
                   std::to_string(kMaxPages) + ")");
  Layout layout;
  size_t line_count = 0;
  for (int i = 0; i < pdf.pages(); ++i) {
    layout.pages.push_back(read_page(pdf, i));
    line_count += layout.pages.back().lines.size();
  }
  if (line_count == 0) throw PdfError(name + ": PDF contains no text (scanned image?)");
  return layout;
}

}  // namespace

bool is_bold_font(std::string_view f) {
  auto has = [&](std::string_view s) { return f.find(s) != std::string_view::npos; };
  return has("Bold") || has("bold") || has("Black") || has("Heavy") || has("Semibold") ||
         has("SemiBold") || has("Demi");
}

Layout read_layout(const std::filesystem::path& pdf) {
  std::error_code ec;
  if (!std::filesystem::exists(pdf, ec)) throw PdfError(pdf.string() + ": no such file");
  if (std::filesystem::is_directory(pdf, ec)) throw PdfError(pdf.string() + ": is a directory");
  std::string bytes;
  if (auto size = std::filesystem::file_size(pdf, ec); !ec) {
    if (size > kMaxPdfBytes) throw PdfError(too_large(pdf.string(), size));
    bytes.reserve(size);
  }
  std::ifstream in(pdf, std::ios::binary);
  if (!in) throw PdfError(pdf.string() + ": cannot open file");
  // In blocks: a character at a time (istreambuf_iterator) cost 15 instructions a byte.
  char block[1 << 16];
  while (in && bytes.size() <= kMaxPdfBytes) {
    in.read(block, sizeof block);
    bytes.append(block, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw PdfError(pdf.string() + ": read error");
  return read_document(std::move(bytes), pdf.string());
}

Layout read_layout_from_memory(std::string_view pdf_bytes) { return read_document(std::string(pdf_bytes), "PDF"); }

}  // namespace jtai::extract

#include "export/cell_text.hpp"

#include <algorithm>

namespace jtai::exporter {

bool starts_like_formula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=': case '+': case '-': case '@': case '\t': case '\r': return true;
    default: return false;
  }
}

std::string guard_csv_cell(std::string_view text) {
  if (!starts_like_formula(text)) return std::string(text);
  std::string out = "'";
  out += text;
  return out;
}

std::string strip_control_characters(std::string_view text) {
  auto is_control = [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 && c != '\n' && c != '\t';  // '\r' included: CRLF and lone CR become '\n'
  };
  if (std::none_of(text.begin(), text.end(), is_control)) return std::string(text);  // nearly every cell
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      out += '\n';
    } else if (c >= 0x20 || c == '\n' || c == '\t') {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {
// Byte length of the UTF-8 sequence that starts with lead byte c (1 for junk).
size_t utf8_length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}
}  // namespace

FittedCell fit_excel_cell(std::string_view text) {
  // A character takes at least as many UTF-8 bytes as UTF-16 units.
  if (text.size() <= kExcelCellLimit) return {std::string(text), false};
  // Count UTF-16 code units: characters outside the BMP (4-byte UTF-8) take two.
  size_t units = 0;
  for (size_t i = 0; i < text.size();) {
    size_t n = utf8_length(static_cast<unsigned char>(text[i]));
    units += n == 4 ? 2 : 1;
    i += n;
  }
  if (units <= kExcelCellLimit) return {std::string(text), false};
  const size_t budget = kExcelCellLimit - kTruncationMarker.size();
  size_t used = 0, cut = 0;
  while (cut < text.size()) {
    size_t n = utf8_length(static_cast<unsigned char>(text[cut]));
    size_t u = n == 4 ? 2 : 1;
    if (used + u > budget || cut + n > text.size()) break;
    used += u;
    cut += n;
  }
  std::string out(text.substr(0, cut));
  out += kTruncationMarker;
  return {std::move(out), true};
}

std::string hyperlink_formula(std::string_view url) {
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return {};
  size_t characters = 0;
  for (unsigned char c : url) {
    if (c < 0x20 || c == 0x7f) return {};
    if ((c & 0xC0) != 0x80) ++characters;
    if (c >= 0xF0) ++characters;  // outside the BMP: two UTF-16 units
  }
  if (characters > kExcelFormulaStringLimit) return {};
  std::string literal = "\"";
  for (char c : url) {
    if (c == '"') literal += '"';
    literal += c;
  }
  literal += '"';
  return "=HYPERLINK(" + literal + "," + literal + ")";
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string html_escape(std::string_view text) {
  if (text.find_first_of("&<>\"'") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace jtai::exporter

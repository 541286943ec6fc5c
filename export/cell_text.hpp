#pragma once
// Text hygiene for the exports: the formula guard, Excel's cell-size limit,
// control characters, CSV quoting and HTML escaping.
#include <string>
#include <string_view>
#include <vector>

namespace jtai::exporter {

// A spreadsheet would read this text as a formula (or a DDE payload) if it
// were typed into a cell: it starts with '=', '+', '-', '@', a tab or a CR.
bool starts_like_formula(std::string_view text);

// CSV cells that start like a formula get a leading apostrophe, the OWASP
// "CSV injection" defence; everything else is left as it is.
std::string guard_csv_cell(std::string_view text);

// Drops C0 control characters other than tab and line feed (they are not
// allowed in XML and mean nothing in these letters); CR LF becomes LF.
std::string strip_control_characters(std::string_view text);

// Excel's limit on the characters in one cell (UTF-16 code units).
inline constexpr size_t kExcelCellLimit = 32767;
inline constexpr std::string_view kTruncationMarker = " [... truncated: Excel's cell limit; full text in jtai.json and the CSV files]";

struct FittedCell {
  std::string text;
  bool truncated = false;
};
// Cuts text that is over kExcelCellLimit at a character boundary and appends
// kTruncationMarker, so the result fits.
FittedCell fit_excel_cell(std::string_view text);

// Excel's limit on a string literal inside a formula (characters).
inline constexpr size_t kExcelFormulaStringLimit = 255;

// A link cell's formula, =HYPERLINK("url","url"): the URL is both the target
// and the text shown, double quotes doubled. A formula keeps no per-link state
// in the writer (a real hyperlink costs libxlsxwriter about 2 KB until the
// workbook closes, and Excel caps them at 65,530 per sheet). Empty when the URL
// is not an http(s) URL, holds a control character, or is longer than a
// formula's string literal may be: such URLs are written as plain text.
std::string hyperlink_formula(std::string_view url);

// RFC 4180: a field is quoted when it holds a comma, a quote, CR or LF;
// quotes are doubled.
std::string csv_field(std::string_view text);
// Fields joined with commas, ending with CRLF.
std::string csv_record(const std::vector<std::string>& fields);

// Escapes & < > " ' for element text and attribute values.
std::string html_escape(std::string_view text);

}  // namespace jtai::exporter

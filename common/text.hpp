#pragma once
// Small text helpers shared across modules.
#include <optional>
#include <string>
#include <string_view>

namespace jtai {

std::string to_lower_ascii(std::string_view s);
std::string trim(std::string_view s);
// Collapses runs of whitespace into one space and trims.
std::string squash_spaces(std::string_view s);
// "Barnsley Metropolitan Borough Council" -> "barnsley-metropolitan-borough-council"
std::string slugify(std::string_view s);
// A date that exists (31 April and 29 February 2023 do not), years 1900-2200.
bool is_real_date(int year, int month, int day);
// The leading "YYYY-MM-DD" of `s` when it is a real date, e.g. from "2023-03-31T00:00:00Z".
std::optional<std::string> iso_date(std::string_view s);
// "31 March 2023" / "1 Feb 2017" -> "2023-03-31"; nullopt when not a real date.
std::optional<std::string> parse_day_month_year(std::string_view s);
// English month name or 3-letter abbreviation -> 1..12, 0 when unknown.
int month_number(std::string_view name);

// Text safe to print on a terminal or in a log: C0 controls (but tab), DEL and
// C1 controls (U+0080-U+009F) become '?', so an ESC sequence from a web page
// or a PDF is shown, never obeyed. Line breaks become spaces (one line each).
std::string printable(std::string_view s);

// A file or folder name built from site data: no path separators, no control
// characters, no leading dot, at most `max_bytes` bytes (cut at a UTF-8
// boundary, then "~" and 8 hex digits of the SHA-256 of the whole name, so
// two long names that differ only at the end stay different).
std::string safe_name_component(std::string_view s, size_t max_bytes = 100);

}  // namespace jtai

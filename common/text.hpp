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
// "31 March 2023" / "1 Feb 2017" -> "2023-03-31"; nullopt when not a date.
std::optional<std::string> parse_day_month_year(std::string_view s);
// English month name or 3-letter abbreviation -> 1..12, 0 when unknown.
int month_number(std::string_view name);

}  // namespace jtai

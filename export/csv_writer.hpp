#pragma once
// CSV files of the export tables: RFC 4180, UTF-8 with a byte-order mark (so
// Excel reads the encoding right), CRLF between records, LF inside cells.
#include <string>

#include "export/tables.hpp"

namespace jtai::exporter {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The whole file: BOM, header record, one record per row. Every cell is
// formula-guarded (guard_csv_cell) and stripped of control characters.
std::string to_csv(const Table& table);

}  // namespace jtai::exporter

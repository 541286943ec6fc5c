#pragma once
// CSV files of the export tables, written row by row: RFC 4180, UTF-8 with a
// byte-order mark (so Excel reads the encoding right), CRLF between records,
// LF inside cells. Every cell is formula-guarded (guard_csv_cell) and stripped
// of control characters.
#include <filesystem>
#include <string>

#include "export/output_file.hpp"
#include "export/tables.hpp"

namespace jtai::exporter {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

class CsvWriter {
 public:
  // Creates the file and writes the BOM and the header record.
  CsvWriter(const std::filesystem::path& path, const TableSpec& spec);
  void add(const Row& row);
  void close() { out_.close(); }

 private:
  OutputFile out_;
  std::vector<std::string> fields_;
};

// The CSV text of a header and rows (for tests and small tables).
std::string to_csv(const TableSpec& spec, const std::vector<Row>& rows);

}  // namespace jtai::exporter

#include "export/csv_writer.hpp"

#include "export/cell_text.hpp"

namespace jtai::exporter {

namespace {
std::string record(const Row& row, std::vector<std::string>& fields) {
  fields.clear();
  for (const auto& cell : row) fields.push_back(guard_csv_cell(strip_control_characters(cell)));
  return csv_record(fields);
}
std::string header(const TableSpec& spec) {
  std::vector<std::string> fields;
  for (const auto& c : spec.columns) fields.push_back(c.header);
  return std::string(kUtf8Bom) + csv_record(fields);
}
}  // namespace

CsvWriter::CsvWriter(const std::filesystem::path& path, const TableSpec& spec) : out_(path) {
  out_.write(header(spec));
}

void CsvWriter::add(const Row& row) { out_.write(record(row, fields_)); }

std::string to_csv(const TableSpec& spec, const std::vector<Row>& rows) {
  std::string out = header(spec);
  std::vector<std::string> fields;
  for (const auto& row : rows) out += record(row, fields);
  return out;
}

}  // namespace jtai::exporter

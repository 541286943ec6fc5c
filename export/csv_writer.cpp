#include "export/csv_writer.hpp"

#include "export/cell_text.hpp"

namespace jtai::exporter {

std::string to_csv(const Table& table) {
  std::string out(kUtf8Bom);
  std::vector<std::string> fields;
  for (const auto& c : table.columns) fields.push_back(c.header);
  out += csv_record(fields);
  for (const auto& row : table.rows) {
    fields.clear();
    for (const auto& cell : row) fields.push_back(guard_csv_cell(strip_control_characters(cell)));
    out += csv_record(fields);
  }
  return out;
}

}  // namespace jtai::exporter

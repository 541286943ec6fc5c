#pragma once
// jtai_summary.xlsx via libxlsxwriter: sheets summary, inspections, findings, about.
#include <filesystem>

#include "export/context.hpp"

namespace jtai::exporter {

struct XlsxStats {
  int truncated_cells = 0;  // cells cut to Excel's 32,767-character limit
};

// Every text cell is written with worksheet_write_string, which never makes a
// formula; dates are real Excel dates; links are hyperlinks. The workbook's
// creation time comes from the data (Dataset::data_as_of), not the clock, so
// an unchanged store gives a byte-identical file.
XlsxStats write_xlsx(const std::filesystem::path& path, const ExportContext& context);

}  // namespace jtai::exporter

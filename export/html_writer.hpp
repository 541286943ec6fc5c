#pragma once
// index.html: one self-contained page (inline CSS, JS and SVG; nothing is
// fetched when it is viewed): a searchable, sortable table of authorities
// with each inspection's details expandable, what is new since the last
// export, a chart of inspections by year and theme, and links to the files.
#include <string>

#include "export/context.hpp"

namespace jtai::exporter {

std::string to_html(const ExportContext& context);

// The bar chart alone (an <svg> element), for tests and the page.
std::string inspections_chart_svg(const Dataset& data);

}  // namespace jtai::exporter

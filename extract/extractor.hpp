#pragma once
// The extraction engine's public entry points. Other modules (crawler, store,
// refresh) use only these.
#include <filesystem>
#include <optional>

#include "extract/layout.hpp"  // Layout, read_layout, encode_layout/decode_layout, kLayoutVersion
#include "extract/report.hpp"
#include "extract/rules.hpp"   // RuleSet::load(dir), RuleSet::version()

namespace jtai::extract {

// Runs the rules over an already parsed layout. Never parses a PDF.
// `urn` selects rules/authorities/<urn>-*.toml when present.
Report extract_report(const Layout& layout, const RuleSet& rules, std::optional<int> urn = std::nullopt);

// Parses the PDF and runs the rules. Throws jtai::PdfError for an unreadable,
// encrypted, empty or missing file.
Report extract_file(const std::filesystem::path& pdf, const RuleSet& rules,
                    std::optional<int> urn = std::nullopt);

// "<dir>/80426_barnsley/x.pdf" -> 80426; nullopt when the path does not say.
std::optional<int> urn_from_path(const std::filesystem::path& pdf);

}  // namespace jtai::extract

#pragma once
// jtai.json: the export's records for programs (every inspection with its
// authority codes, publication and report fields; the known issues; where
// the data came from). Text is exactly as extracted: no formula guard, no
// truncation.
#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "export/context.hpp"

namespace jtai::exporter {

inline constexpr int kJsonFormatVersion = 1;

nlohmann::ordered_json to_json(const ExportContext& context);

// The inspection keys (inspection_key) an earlier jtai.json lists; throws
// jtai::Error when the file cannot be read or parsed.
std::set<std::string> inspection_keys_in(const std::string& json_text);

}  // namespace jtai::exporter

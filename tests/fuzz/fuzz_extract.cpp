// libFuzzer target: PDF bytes -> layout -> report. Any outcome but a report or
// a jtai::Error (a crash, a sanitizer report, a hang) is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "extract/extractor.hpp"

namespace {
const jtai::extract::RuleSet& rules() {
  static const jtai::extract::RuleSet r = jtai::extract::RuleSet::load(JTAI_SOURCE_DIR "/rules");
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto layout = jtai::extract::read_layout_from_memory(std::string_view(reinterpret_cast<const char*>(data), size));
    auto report = jtai::extract::extract_report(layout, rules());
    (void)jtai::extract::to_json(report).dump();
    (void)jtai::extract::decode_layout(jtai::extract::encode_layout(layout));
  } catch (const jtai::Error&) {
  }
  return 0;
}

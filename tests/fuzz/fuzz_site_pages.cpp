// libFuzzer target: HTML bytes -> the listing and provider-page parsers with
// the shipped rules/site.toml. Any outcome but results or a jtai::Error is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "crawler/site_pages.hpp"
#include "crawler/site_rules.hpp"

namespace {
const jtai::crawler::SiteRules& rules() {
  static const jtai::crawler::SiteRules r = jtai::crawler::SiteRules::load(JTAI_SOURCE_DIR "/rules");
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string html(reinterpret_cast<const char*>(data), size);
  try {
    (void)jtai::crawler::parse_listing(html, "https://reports.ofsted.gov.uk/search?start=0", rules());
    (void)jtai::crawler::parse_provider_page(html, "https://reports.ofsted.gov.uk/provider/44/80426", rules());
  } catch (const jtai::Error&) {
  }
  return 0;
}

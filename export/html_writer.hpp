#pragma once
// index.html and its data beside it (index_data/): a page to browse, filter
// and search the findings that stays fast at thousands of letters. The page
// is a small shell; index_data/inspections.js lists every inspection (a few
// hundred bytes each) and index_data/findings-NNNN.js hold the findings text
// in parts of about a megabyte, loaded only when a search or a finding filter
// needs them or an inspection is opened. Script files rather than JSON, so
// the page works straight from disk (file://) as well as from a web server.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "export/changes.hpp"
#include "export/context.hpp"

namespace jtai::exporter {

class HtmlWriter {
 public:
  HtmlWriter(const std::filesystem::path& dir, const ExportContext& ctx);
  ~HtmlWriter();
  void add(const Inspection& in, const std::vector<Change>& changes);
  // Writes the last data part and index.html.
  void finish(const ExportContext& ctx, const std::vector<std::string>& agencies);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jtai::exporter

// `jtai export`: writes DIR/exports/<date>/ (xlsx, CSV, JSON, index.html) from
// the store, read-only, and refreshes DIR/exports/latest/.
#include <iostream>
#include <memory>

#include "app/command.hpp"
#include "export/export.hpp"
#include "store/health.hpp"

namespace jtai::app {
namespace {

struct ExportCommand {
  std::string data_dir;
  std::string date;
};

CommandRegistrar registrar(45, [](CLI::App& app, const GlobalOptions& global) -> std::function<int()> {
  auto* sub = app.add_subcommand(
      "export",
      "Write the researchers' files (jtai_summary.xlsx, summary/inspections/findings/changes CSV, jtai.json, index.html) "
      "to DIR/exports/<date>/ and refresh DIR/exports/latest/. Reads the store only.");
  auto o = std::make_shared<ExportCommand>();
  sub->add_option("--data", o->data_dir, "Data directory (holds jtai.sqlite)")->required();
  sub->add_option("--date", o->date, "Name of the dated export directory, YYYY-MM-DD (default: today, UTC)");
  return [o, &global] {
    exporter::ExportResult r;
    try {
      store::require_healthy_store(o->data_dir);  // never export from a damaged store
    } catch (const store::StoreDamaged& e) {
      std::cerr << "jtai: " << e.what() << "\n";
      return static_cast<int>(kExitFailed);
    }
    try {
      r = exporter::run_export({o->data_dir, global.rules_dir, o->date});
    } catch (const exporter::ExportWriteError& e) {
      std::cerr << "jtai: " << e.what() << "\n";
      return static_cast<int>(kExitFailed);  // nothing earlier was touched
    }
    std::cout << "Exported " << r.inspections << " inspection" << (r.inspections == 1 ? "" : "s") << " of "
              << r.authorities << " authorit" << (r.authorities == 1 ? "y" : "ies") << " (" << r.findings
              << " finding items) to " << r.dir.string() << " and " << r.latest_dir.string() << ".\n";
    if (r.compared_with.empty()) {
      std::cout << "No earlier export to compare with.\n";
    } else {
      std::cout << r.new_letters << " new since the export of " << r.compared_with
                << (r.new_letters == 0 ? "." : ":") << "\n";
      for (const auto& s : r.new_since_last_export) std::cout << "  " << s << "\n";
      if (r.new_letters > static_cast<int>(r.new_since_last_export.size()))
        std::cout << "  ... and " << r.new_letters - static_cast<int>(r.new_since_last_export.size())
                  << " more (changes.csv and jtai.json list them all)\n";
      int changed = 0;
      for (const auto& [kind, n] : r.changes)
        if (kind != "new letter") changed += n;
      if (changed)
        std::cout << changed << " finding item(s) changed, added or removed in earlier letters (changes.csv).\n";
    }
    if (r.plain_links)
      std::cerr << "jtai: warning: " << r.plain_links << " link(s) written as plain text in the workbook: a link is a "
                << "HYPERLINK formula, whose URL may hold at most 255 characters and must be http(s) (every URL is "
                << "still in its cell)\n";
    for (const auto& sheet : r.continued_sheets)
      std::cout << "A table passed Excel's 1,048,576 rows per sheet and continues on \"" << sheet << "\".\n";
    if (r.known_issues)
      std::cout << r.known_issues << " known extraction issue" << (r.known_issues == 1 ? "" : "s")
                << " listed in the about sheet and index.html.\n";
    if (r.truncated_cells)
      std::cout << r.truncated_cells << " spreadsheet cell(s) cut to Excel's 32,767-character limit "
                << "(full text in the CSV and JSON).\n";
    return static_cast<int>(kExitOk);
  };
});

}  // namespace
}  // namespace jtai::app

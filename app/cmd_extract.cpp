// `jtai extract FILE.pdf [--urn URN] [--text]`
#include <iostream>
#include <optional>

#include "app/command.hpp"
#include "common/files.hpp"
#include "extract/cleanup.hpp"
#include "extract/extractor.hpp"
#include "extract/structure.hpp"

namespace jtai::app {

namespace {

// The cleaned text with section markers, for reading what the rules saw.
void print_text(const extract::Layout& layout, const extract::RuleSet& rules, std::optional<int> urn) {
  using namespace extract;
  CleanText text = clean_layout(layout);
  const AuthorityOverride* ov = urn ? rules.authority(*urn) : nullptr;
  apply_fixups(text, ov);
  Structure st = find_structure(text, rules, ov);
  std::vector<std::string> marker(text.blocks.size());
  std::vector<bool> sub(text.blocks.size(), false);
  if (st.title) marker[*st.title] = "=== [title]";
  if (!st.opening.empty()) marker[st.opening.front()] = "=== [opening]";
  for (const auto& sec : st.sections) {
    std::string m = "=== [" + std::string(section_name(sec.id)) + "]";
    if (sec.heading) marker[*sec.heading] = m;
    else if (!sec.blocks.empty() && marker[sec.blocks.front()].empty()) marker[sec.blocks.front()] = m + " (resumed)";
    for (size_t i : sec.subheadings) sub[i] = true;
  }
  int page = -1;
  for (size_t i = 0; i < text.blocks.size(); ++i) {
    const Block& b = text.blocks[i];
    if (b.page != page) {
      page = b.page;
      std::cout << "--- page " << page + 1 << "\n";
    }
    if (!marker[i].empty()) std::cout << "\n" << marker[i] << "\n";
    if (sub[i]) std::cout << "## " << b.text << "\n";
    else if (b.kind == Block::Kind::item) std::cout << (b.bullet_x > text.body_x + 30 ? "    - " : "  - ") << b.text << "\n";
    else std::cout << b.text << "\n";
  }
}

CommandRegistrar reg(20, [](CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("extract", "Extract one JTAI letter (PDF) as JSON");
  struct Options {
    std::string file;
    std::optional<int> urn;
    bool text = false;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("file", opts->file, "The letter (PDF)")->required();
  cmd->add_option("--urn", opts->urn, "Authority URN selecting rules/authorities/<urn>-*.toml "
                                      "(default: from a path like .../<urn>_<name>/file.pdf)");
  cmd->add_flag("--text", opts->text, "Print the cleaned text with section markers instead of JSON");
  cmd->footer("Exit status: 0 a JTAI letter, 3 a readable PDF that is not a JTAI letter, "
              "2 unreadable/encrypted/empty/missing file or rule-file error.");
  return [opts, &global]() -> int {
    auto rules = extract::RuleSet::load(find_rules_dir(global.rules_dir));
    std::optional<int> urn = opts->urn ? opts->urn : extract::urn_from_path(opts->file);
    extract::Layout layout = extract::read_layout(opts->file);
    extract::Report report = extract::extract_report(layout, rules, urn);
    if (opts->text) print_text(layout, rules, urn);
    else std::cout << extract::to_json(report).dump(2, ' ', false) << "\n";
    return report.kind == extract::Report::Kind::jtai ? kExitOk : kExitNotJtai;
  };
});

}  // namespace

}  // namespace jtai::app

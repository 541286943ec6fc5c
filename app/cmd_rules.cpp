// `jtai rules check FILE.pdf [--urn URN]` and `jtai rules version`: what the
// rules find in one letter, for maintainers writing rules.
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>

#include "app/command.hpp"
#include "common/files.hpp"
#include "extract/cleanup.hpp"
#include "extract/coverage.hpp"
#include "extract/extractor.hpp"
#include "extract/structure.hpp"

namespace jtai::app {

namespace {

std::string quoted(const std::string& s, size_t max = 90) {
  if (s.size() <= max) return "\"" + s + "\"";
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;  // whole UTF-8 characters
  std::string t = s.substr(0, max) + "...";
  return "\"" + t + "\"";
}

std::string page_range(const extract::Section& sec, const std::vector<extract::Block>& blocks) {
  int first = sec.heading ? blocks[*sec.heading].page : -1, last = first;
  for (size_t i : sec.blocks) {
    if (first < 0) first = blocks[i].page;
    last = std::max(last, blocks[i].page);
  }
  if (first < 0) return "-";
  return first == last ? "page " + std::to_string(first + 1)
                       : "pages " + std::to_string(first + 1) + "-" + std::to_string(last + 1);
}

// Totals over several letters (`rules check A.pdf B.pdf ...`).
struct Summary {
  std::map<std::string, int> letters_per_round;   // "none" for no round
  std::map<std::string, int> warnings_per_code;
  std::vector<std::pair<std::string, size_t>> unaccounted;  // letter, paragraphs (only > 0)
  int letters = 0, not_jtai = 0;
};

void check(const std::string& file, std::optional<int> urn, const extract::RuleSet& rules, Summary& sum) {
  using namespace extract;
  if (!urn) urn = urn_from_path(file);
  const AuthorityOverride* ov = urn ? rules.authority(*urn) : nullptr;
  std::cout << "authority override: "
            << (ov ? ov->file : urn ? "none for URN " + std::to_string(*urn) : std::string("none (no URN)")) << "\n";

  Layout layout = read_layout(file);
  CleanText text = clean_layout(layout);
  Report report = extract_report(layout, rules, urn);
  ++sum.letters;
  if (report.kind == Report::Kind::not_jtai) {
    ++sum.not_jtai;
    std::cout << "\n" << report.reason << "\n";
    return;
  }
  ++sum.letters_per_round[report.round.value_or("none")];
  for (const auto& w : report.warnings) ++sum.warnings_per_code[w.code];
  apply_fixups(text, ov);
  Structure st = find_structure(text, rules, ov);
  const auto& blocks = text.blocks;

  std::cout << "\nHeadings found (page, text, rule):\n";
  if (st.title) std::cout << "  p" << blocks[*st.title].page + 1 << "  " << quoted(blocks[*st.title].text) << "  -> title\n";
  for (const auto& h : st.headings) {
    std::cout << "  p" << h.page + 1 << "  " << quoted(h.text) << "  -> ";
    if (h.match)
      std::cout << section_name(h.match->section) << (h.subsection ? " (merged into the section above)" : "")
                << (h.match->by == HeadingMatch::By::keywords ? " (by its words: add the wording to sections.toml)" : "")
                << "  [" << h.match->rule << "]\n";
    else if (h.subsection)
      std::cout << "sub-heading (bold/larger type, no rule matched; kept in the current section)\n";
    else
      std::cout << "other (bold/larger type, no rule matched; ends the section before it)\n";
  }

  std::cout << "\nSections (start-end, blocks):\n";
  if (!st.opening.empty()) {
    extract::Section opening;
    opening.blocks = st.opening;
    std::cout << "  opening            " << page_range(opening, blocks) << ", " << st.opening.size() << " paragraphs\n";
  }
  for (const auto& sec : st.sections) {
    char name[32];
    std::snprintf(name, sizeof name, "%-18s", std::string(section_name(sec.id)).c_str());
    std::cout << "  " << name << " " << (sec.title.empty() ? "(resumed after a box)" : quoted(sec.title, 50)) << "  "
              << page_range(sec, blocks) << ", " << sec.blocks.size() << " blocks";
    if (!sec.blocks.empty())
      std::cout << "\n      starts " << quoted(blocks[sec.blocks.front()].text, 60) << "\n      ends   "
                << quoted(blocks[sec.blocks.back()].text, 60);
    std::cout << "\n";
  }

  // Where every paragraph went (coverage accounting).
  Coverage cov = account(st, blocks, rules);
  std::cout << "\nParagraphs: " << blocks.size() << " (";
  bool first = true;
  for (Place p : {Place::header, Place::title, Place::opening, Place::heading, Place::section, Place::subheading,
                  Place::lead_in, Place::boilerplate, Place::unaccounted}) {
    std::cout << (first ? "" : ", ") << place_name(p) << " " << cov.count(p);
    first = false;
  }
  std::cout << ")\nUnaccounted paragraphs: " << cov.count(Place::unaccounted) << "\n";
  if (cov.count(Place::unaccounted) > 0)
    sum.unaccounted.emplace_back((std::filesystem::path(file).parent_path().filename() / std::filesystem::path(file).filename()).string(), cov.count(Place::unaccounted));
  for (const auto& gap : cov.gaps) {
    std::cout << "  " << (gap.after.empty() ? std::string("after a case-study box") : "under " + quoted(gap.after, 60))
              << ", page " << gap.page << ":\n";
    for (size_t i : gap.blocks) std::cout << "    p" << blocks[i].page + 1 << "  " << quoted(blocks[i].text) << "\n";
  }

  std::cout << "\nRound: ";
  const Round* round = nullptr;
  for (const auto& r : rules.rounds())
    if (report.round && r.id == *report.round) round = &r;
  if (round)
    std::cout << round->id << " - " << round->name << " [" << round->where << "]\n";
  else
    std::cout << "none\n";
  std::cout << "Focus: " << report.focus.value_or("none") << "\n";

  std::cout << "\nOverrides applied: " << (report.overrides.empty() ? "none\n" : "\n");
  for (const auto& o : report.overrides)
    std::cout << "  - " << o.rule << (o.reason.empty() ? "" : " - " + o.reason) << "\n";

  std::cout << "\nFields:\n";
  auto j = to_json(report);
  std::vector<std::string> missing;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "kind" || k == "rules_version" || k == "warnings" || k == "overrides" || k == "headline_agencies") continue;
    const auto& v = it.value();
    bool empty = v.is_null() || (v.is_array() && v.empty());
    if (empty && k != "deep_dive" && k != "priority_actions" && k != "case_studies") missing.push_back(k);
    std::string shown = v.is_array() ? std::to_string(v.size()) + " item(s)" : v.dump();
    if (shown.size() > 100) shown = shown.substr(0, 100) + "...";
    std::cout << "  " << k << ": " << shown << "\n";
  }
  std::cout << "\nMissing fields: ";
  if (missing.empty()) std::cout << "none";
  for (size_t i = 0; i < missing.size(); ++i) std::cout << (i ? ", " : "") << missing[i];
  std::cout << "\nWarnings: " << (report.warnings.empty() ? "none\n" : "\n");
  for (const auto& w : report.warnings) std::cout << "  - [" << w.code << "] " << w.message << "\n";
}

int check_files(const std::vector<std::string>& files, std::optional<int> urn, const GlobalOptions& global) {
  auto dir = find_rules_dir(global.rules_dir);
  extract::RuleSet rules = extract::RuleSet::load(dir);
  std::cout << "rules: " << dir.string() << " (version " << rules.version().substr(0, 12) << ")\n";
  Summary sum;
  for (const auto& f : files) {
    if (files.size() > 1) std::cout << "\n=== " << f << "\n";
    check(f, urn, rules, sum);
  }
  if (files.size() < 2) return kExitOk;
  std::cout << "\n=== Summary of " << sum.letters << " letters (" << sum.not_jtai << " not JTAI)\n";
  std::cout << "Letters per round:\n";
  for (const auto& [round, n] : sum.letters_per_round) std::cout << "  " << round << ": " << n << "\n";
  std::cout << "Warnings by code:" << (sum.warnings_per_code.empty() ? " none\n" : "\n");
  for (const auto& [code, n] : sum.warnings_per_code) std::cout << "  " << code << ": " << n << "\n";
  size_t total = 0;
  for (const auto& [_, n] : sum.unaccounted) total += n;
  std::cout << "Unaccounted paragraphs: " << total << (sum.unaccounted.empty() ? "\n" : ", in:\n");
  for (const auto& [letter, n] : sum.unaccounted) std::cout << "  " << letter << ": " << n << "\n";
  return kExitOk;
}

CommandRegistrar reg(21, [](CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("rules", "Check the extraction rules (rules/*.toml) against a letter");
  cmd->require_subcommand(1);
  struct Options {
    std::vector<std::string> files;
    std::optional<int> urn;
  };
  auto opts = std::make_shared<Options>();
  auto* chk = cmd->add_subcommand(
      "check", "Show the headings, sections, paragraph accounting and fields the rules find in each PDF; with "
               "several PDFs, a summary (letters per round, warnings by code, unaccounted paragraphs)");
  chk->add_option("files", opts->files, "The letters (PDF)")->required();
  chk->add_option("--urn", opts->urn, "Authority URN selecting rules/authorities/<urn>-*.toml (one PDF only; "
                                      "otherwise taken from each path)");
  chk->footer("Exit status: 0 the rules load (whatever they find), 2 a rule-file error or unreadable PDF.");
  auto* ver = cmd->add_subcommand("version", "Print the rule-set version (SHA-256 of sections.toml, themes.toml, dates.toml, rounds.toml and authorities/*.toml)");
  return [opts, chk, ver, &global]() -> int {
    if (ver->parsed()) {
      auto rules = extract::RuleSet::load(find_rules_dir(global.rules_dir));
      std::cout << rules.version() << "\n";
      return kExitOk;
    }
    (void)chk;
    if (opts->urn && opts->files.size() > 1) {
      std::cerr << "jtai: --urn applies to one PDF; give one file or let each path name its URN\n";
      return kExitBadInput;
    }
    return check_files(opts->files, opts->urn, global);
  };
});

}  // namespace

}  // namespace jtai::app

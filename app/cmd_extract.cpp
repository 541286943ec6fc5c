// `jtai extract FILE... [--urn URN] [--text] [-j N]`: each PDF is parsed in a
// sandboxed child process (extract/isolated.hpp). One file: the report as
// indented JSON. Several: JSON Lines, one report (or error) per file.
#include <iostream>
#include <map>
#include <optional>

#include "app/command.hpp"
#include "app/isolation_options.hpp"
#include "common/files.hpp"
#include "common/interrupt.hpp"
#include "common/text.hpp"
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

int exit_status_of(const extract::IsolatedResult& r) {
  using S = extract::IsolatedResult::Status;
  if (r.status == S::ok) return r.report->kind == extract::Report::Kind::jtai ? kExitOk : kExitNotJtai;
  return r.status == S::unreadable ? kExitBadInput : kExitFailed;
}

// Worst first: failed (1) > bad input (2) > not a JTAI (3) > ok (0).
int severity(int status) {
  switch (status) {
    case kExitFailed: return 3;
    case kExitBadInput: return 2;
    case kExitNotJtai: return 1;
    default: return 0;
  }
}

// The reason, naming the file when the reason itself does not.
std::string reason_with_file(const std::string& file, const extract::IsolatedResult& r) {
  return r.reason.find(file) == std::string::npos ? file + ": " + r.reason : r.reason;
}

std::string json_line(const std::string& file, const extract::IsolatedResult& r) {
  nlohmann::ordered_json line;
  line["file"] = file;
  if (r.status == extract::IsolatedResult::Status::ok) {
    const nlohmann::ordered_json report = extract::to_json(*r.report);
    for (auto it = report.begin(); it != report.end(); ++it) line[it.key()] = *it;
  } else {
    line["error"] = extract::to_string(r.status);
    line["reason"] = r.reason;
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

CommandRegistrar reg(20, [](CLI::App& app, const GlobalOptions& global) {
  auto* cmd = app.add_subcommand("extract", "Extract JTAI letters (PDF) as JSON: one file indented, several as JSON Lines");
  struct Options {
    std::vector<std::string> files;
    std::optional<int> urn;
    bool text = false;
    bool lines = false;
    IsolationFlags isolation;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("file", opts->files, "The letters (PDF)")->required();
  cmd->add_option("--urn", opts->urn, "Authority URN selecting rules/authorities/<urn>-*.toml "
                                      "(default: from a path like .../<urn>_<name>/file.pdf)");
  cmd->add_flag("--text", opts->text, "Print the cleaned text with section markers instead of JSON (one file only)");
  cmd->add_flag("--jsonl", opts->lines, "JSON Lines even for a single file");
  add_isolation_options(cmd, opts->isolation);
  cmd->footer("Exit status: 0 JTAI letters, 3 a readable PDF that is not a JTAI letter, 2 an unreadable/encrypted/"
              "empty/missing/non-regular file or a rule-file error, 1 a PDF whose parsing crashed or passed a limit; "
              "with several files the worst of these (1 worst, then 2, then 3). Interrupted: 130 (SIGINT) or 143 "
              "(SIGTERM).");
  return [opts, &global]() -> int {
    if (opts->text && opts->files.size() != 1) throw Error("--text takes exactly one file");
    const auto rules_dir = find_rules_dir(global.rules_dir);
    auto rules = extract::RuleSet::load(rules_dir);
    auto limits = isolation_limits(opts->isolation, rules_dir);
    install_interrupt_handlers();
    extract::IsolatedExtractor extractor(rules, limits, opts->isolation.jobs);

    std::vector<extract::IsolatedTask> tasks;
    for (const auto& f : opts->files)
      tasks.push_back({f, opts->urn ? opts->urn : extract::urn_from_path(f)});

    if (opts->files.size() == 1 && !opts->lines) {
      auto r = extractor.run_one(tasks[0]);
      if (interrupted()) return interrupt_exit_status();
      if (r.status != extract::IsolatedResult::Status::ok) {
        std::cerr << "jtai: " << printable(reason_with_file(opts->files[0], r)) << "\n";
        return exit_status_of(r);
      }
      if (opts->text) print_text(extract::decode_layout(r.layout), rules, tasks[0].urn);
      else std::cout << extract::to_json(*r.report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return exit_status_of(r);
    }

    // JSON Lines in the order the files were given, each printed as soon as it and those before it are done.
    int worst = kExitOk, failures = 0;
    size_t next_to_print = 0;
    std::map<size_t, std::string> waiting;
    extractor.run(
        tasks,
        [&](size_t i, extract::IsolatedResult&& r) {
          int status = exit_status_of(r);
          if (severity(status) > severity(worst)) worst = status;
          if (r.status != extract::IsolatedResult::Status::ok) ++failures;
          waiting.emplace(i, json_line(opts->files[i], r));
          for (auto it = waiting.find(next_to_print); it != waiting.end(); it = waiting.find(++next_to_print)) {
            std::cout << it->second << "\n";
            waiting.erase(it);
          }
          std::cout.flush();
        },
        [] { return interrupted(); });
    if (interrupted()) {
      std::cerr << "jtai: interrupted after " << next_to_print << " of " << tasks.size() << " files\n";
      return interrupt_exit_status();
    }
    if (failures)
      std::cerr << "jtai: " << failures << " of " << tasks.size()
                << " files could not be extracted (see their \"error\" lines)\n";
    return worst;
  };
});

}  // namespace

}  // namespace jtai::app

// `jtai reextract`: run the current rules over every stored letter from its
// stored layout, store what changed and report which letters' findings changed.
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/command.hpp"
#include "app/isolation_options.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/interrupt.hpp"
#include "common/text.hpp"
#include "refresh/lock.hpp"
#include "refresh/reextract.hpp"

namespace jtai::app {
namespace {

struct ReextractCommand {
  std::string data_dir;
  bool only_outdated = false;
  int threads = 2;
  bool retry_failed = false;
  IsolationFlags isolation;
};

std::string describe(const refresh::ReextractResult& r, const std::string& rules_version) {
  std::ostringstream s;
  s << "Re-extracted " << r.extracted << " of " << r.letters << " stored letters under rules "
    << rules_version.substr(0, 12) << " in " << std::fixed << std::setprecision(3) << r.seconds << " s ("
    << r.pdfs_parsed << " parsed from the PDF, no PDF downloaded); " << r.saved
    << " new extractions stored; findings changed in " << r.findings_changed << " letters; " << r.errors.size()
    << " errors.";
  if (!r.quarantined.empty()) s << " Quarantined now: " << r.quarantined.size() << ".";
  if (r.skipped_quarantined) s << " Quarantined letters not tried again: " << r.skipped_quarantined << ".";
  if (r.interrupted) s << " Interrupted: the letters stored before the signal are kept.";
  return s.str();
}

int run(const ReextractCommand& o, const GlobalOptions& global) {
  if (!std::filesystem::exists(std::filesystem::path(o.data_dir) / store::kDatabaseName))
    throw Error("no jtai database in " + o.data_dir + "; run `jtai refresh --data " + o.data_dir + "` first");
  std::string holder;
  auto lock = refresh::DataDirLock::try_acquire(o.data_dir, "reextract", &holder);
  if (!lock) {
    std::cerr << "jtai reextract: " << refresh::locked_message(o.data_dir, holder) << "\n";
    return kExitLocked;
  }
  const auto rules_dir = find_rules_dir(global.rules_dir);
  auto rules = extract::RuleSet::load(rules_dir);  // RuleError -> exit 2 in main
  auto limits = isolation_limits(o.isolation, rules_dir);
  install_interrupt_handlers();

  store::Store store(o.data_dir);
  store.close_abandoned_runs();
  int64_t run_id = store.begin_run("reextract", "");
  refresh::ReextractResult result;
  try {
    refresh::ReextractOptions options;
    options.only_outdated = o.only_outdated;
    options.threads = o.threads;
    options.isolation = limits;
    options.jobs = o.isolation.jobs;
    options.retry_failed = o.retry_failed;
    result = refresh::reextract_letters(store, rules, options);
  } catch (const std::exception& e) {
    store.finish_run(run_id, store::RunStatus::failed, {}, {e.what()}, std::string("Re-extraction failed: ") + e.what());
    throw;
  }
  store::RunCounts counts;
  counts.extracted = result.saved;
  counts.changed_findings = result.findings_changed;
  counts.errors = static_cast<int>(result.errors.size());
  auto status = result.interrupted    ? store::RunStatus::interrupted
                : result.errors.empty() ? store::RunStatus::ok
                                        : store::RunStatus::suspect;
  std::string summary = describe(result, rules.version());
  store.finish_run(run_id, status, counts, result.errors, summary);
  lock.reset();

  std::cout << printable(summary) << "\n";
  for (const auto& change : result.changes) {
    std::cout << "  " << (change.findings_changed ? "findings changed: " : "other fields changed: ")
              << printable(change.letter)
              << ": ";
    for (size_t i = 0; i < change.fields.size(); ++i) std::cout << (i ? ", " : "") << change.fields[i];
    std::cout << "\n";
  }
  for (const auto& error : result.errors) std::cout << "  error: " << printable(error) << "\n";
  if (status == store::RunStatus::interrupted) return interrupt_exit_status();
  return status == store::RunStatus::ok ? kExitOk : kExitSuspect;
}

CommandRegistrar registrar(60, [](CLI::App& app, const GlobalOptions& global) -> std::function<int()> {
  auto* sub = app.add_subcommand(
      "reextract",
      "Re-run the current rules on every stored letter from its stored layout (no download, no PDF parsing when "
      "a layout is stored) and report which letters' findings changed. Exit 0 ok, 4 some letters failed, 5 locked.");
  auto o = std::make_shared<ReextractCommand>();
  sub->add_option("--data", o->data_dir, "Data directory")->required();
  sub->add_flag("--only-outdated", o->only_outdated,
                "Only letters whose current extraction was made under other rules (what refresh does)");
  sub->add_option("--threads", o->threads, "Threads")->capture_default_str()->check(CLI::Range(1, 64));
  sub->add_flag("--retry-failed", o->retry_failed,
                "Try quarantined letters again (otherwise only after jtai or the rules change)");
  add_isolation_options(sub, o->isolation);
  return [o, &global] { return run(*o, global); };
});

}  // namespace
}  // namespace jtai::app

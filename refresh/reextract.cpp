#include "refresh/reextract.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <thread>

#include "common/error.hpp"

namespace jtai::refresh {

namespace fs = std::filesystem;
using extract::Report;

namespace {

struct CurrentExtraction {
  std::string rules_version;
  std::string kind;              // jtai | not_jtai | error (the PDF could not be read)
  std::string reason;
  std::optional<Report> report;  // nullopt for an error or a record that cannot be read back
};

std::map<int64_t, CurrentExtraction> current_extractions(store::Db& db) {
  std::map<int64_t, CurrentExtraction> out;
  auto st = db.prepare(
      "SELECT publication_id, rules_version, kind, COALESCE(reason, ''), report_json FROM extractions "
      "WHERE is_current = 1");
  while (st.step()) {
    CurrentExtraction current{st.column_text(1), st.column_text(2), st.column_text(3), std::nullopt};
    if (current.kind != "error") {
      try {
        current.report = extract::report_from_json(nlohmann::json::parse(st.column_text(4)));
      } catch (const std::exception&) {
        // An unreadable stored record simply counts as changed.
      }
    }
    out.emplace(st.column_int(0), std::move(current));
  }
  return out;
}

// One letter's work, filled in by a worker thread.
struct Job {
  const store::StoredLetter* letter = nullptr;
  std::optional<std::string> stored_layout;  // encoded, read from the store beforehand
  std::optional<std::string> new_layout;     // encoded, when the PDF had to be parsed
  std::optional<Report> report;
  std::string error;
};

void run_job(Job& job, const fs::path& data_dir, const extract::RuleSet& rules) {
  const auto& letter = *job.letter;
  std::optional<int> urn = letter.publication.urn;
  try {
    extract::Layout layout;
    bool decoded = false;
    if (job.stored_layout) {
      try {
        layout = extract::decode_layout(*job.stored_layout);
        decoded = true;
      } catch (const Error&) {
        // A damaged stored layout: fall back to the PDF, which replaces it.
      }
    }
    if (!decoded) {
      layout = extract::read_layout(data_dir / letter.file.path);
      job.new_layout = extract::encode_layout(layout);
    }
    job.report = extract::extract_report(layout, rules, urn);
  } catch (const std::exception& e) {
    job.error = letter_name(letter.authority_name, letter.publication.published_on) + ": " + e.what();
  }
}

Report without_version(Report r) {
  r.rules_version.clear();
  return r;
}

std::string count_change(const char* name, size_t before, size_t after) {
  std::string s = name;
  if (before != after)
    s += " (" + std::to_string(before) + " → " + std::to_string(after) + " items)";
  return s;
}

}  // namespace

std::string letter_name(const std::string& authority, const std::optional<std::string>& date) {
  return authority + " — " + (date ? *date : std::string("undated"));
}

bool findings_differ(const Report& a, const Report& b) {
  return a.priority_actions != b.priority_actions || a.no_priority_actions != b.no_priority_actions ||
         a.improvements != b.improvements || a.strengths != b.strengths || a.case_studies != b.case_studies ||
         a.headline_findings != b.headline_findings;
}

std::vector<std::string> changed_fields(const Report& a, const Report& b) {
  std::vector<std::string> out;
  if (a.kind != b.kind) out.push_back(b.kind == Report::Kind::jtai ? "kind (now jtai)" : "kind (now not_jtai)");
  if (a.letter_date != b.letter_date) out.push_back("letter_date");
  if (a.inspection_start != b.inspection_start) out.push_back("inspection_start");
  if (a.inspection_end != b.inspection_end) out.push_back("inspection_end");
  if (a.round != b.round) out.push_back("round");
  if (a.theme != b.theme) out.push_back("theme");
  if (a.focus != b.focus) out.push_back("focus");
  if (a.theme_phrase != b.theme_phrase) out.push_back("theme_phrase");
  if (a.deep_dive != b.deep_dive) out.push_back("deep_dive");
  if (a.inspectorates != b.inspectorates) out.push_back("inspectorates");
  if (a.headline_findings != b.headline_findings) out.push_back("headline_findings");
  if (a.priority_actions != b.priority_actions)
    out.push_back(count_change("priority_actions", a.priority_actions.size(), b.priority_actions.size()));
  if (a.no_priority_actions != b.no_priority_actions) out.push_back("no_priority_actions");
  if (a.improvements != b.improvements)
    out.push_back(count_change("improvements", a.improvements.size(), b.improvements.size()));
  if (a.strengths != b.strengths)
    out.push_back(count_change("strengths", a.strengths.size(), b.strengths.size()));
  if (a.case_studies != b.case_studies)
    out.push_back(count_change("case_studies", a.case_studies.size(), b.case_studies.size()));
  if (a.warnings != b.warnings) out.push_back(count_change("warnings", a.warnings.size(), b.warnings.size()));
  if (a.overrides != b.overrides) out.push_back(count_change("overrides", a.overrides.size(), b.overrides.size()));
  if (a.reason != b.reason) out.push_back("reason");
  return out;
}

ReextractResult reextract_letters(store::Store& store, const extract::RuleSet& rules,
                                  const ReextractOptions& options) {
  auto started = std::chrono::steady_clock::now();
  ReextractResult result;
  const std::string rules_version{rules.version()};

  std::vector<store::StoredLetter> letters = store.stored_letters();
  auto current = current_extractions(store.db());
  result.letters = static_cast<int>(letters.size());

  std::vector<Job> jobs;
  jobs.reserve(letters.size());
  for (const auto& letter : letters) {
    auto it = current.find(letter.publication.id);
    bool up_to_date = it != current.end() && it->second.rules_version == rules_version;
    if (options.only_outdated && up_to_date) continue;
    Job job;
    job.letter = &letter;
    job.stored_layout = store.load_layout(letter.file.sha256, extract::kLayoutVersion);
    jobs.push_back(std::move(job));
  }

  // Workers only read the RuleSet and write their own Job; SQLite stays on this thread.
  std::atomic<size_t> next{0};
  auto worker = [&] {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= jobs.size()) break;
      run_job(jobs[i], store.data_dir(), rules);
    }
  };
  int threads = std::clamp(options.threads, 1, std::max(1, static_cast<int>(jobs.size())));
  {
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
  }

  for (auto& job : jobs) {
    const auto& letter = *job.letter;
    if (!job.report) {
      result.errors.push_back(job.error);
      continue;
    }
    ++result.extracted;
    if (job.new_layout) {
      ++result.pdfs_parsed;
      store.save_layout(letter.file.sha256, extract::kLayoutVersion, *job.new_layout);
    }
    Report& fresh = *job.report;
    auto it = current.find(letter.publication.id);
    bool had_current = it != current.end();
    bool same_record = had_current && it->second.report && without_version(*it->second.report) == without_version(fresh);
    if (same_record && it->second.rules_version == fresh.rules_version) continue;  // nothing new to store

    store.save_extraction(letter.publication.id, letter.file.sha256, fresh);
    ++result.saved;
    if (!had_current || same_record) continue;
    LetterChange change;
    change.publication_id = letter.publication.id;
    change.letter = letter_name(letter.authority_name, fresh.letter_date ? fresh.letter_date : letter.publication.published_on);
    if (it->second.report) {
      change.fields = changed_fields(*it->second.report, fresh);
      change.findings_changed = findings_differ(*it->second.report, fresh);
    } else {
      change.fields = {it->second.kind == "error" ? "extracted (was unreadable: " + it->second.reason + ")"
                                                  : std::string("whole record (the stored one could not be read)")};
      change.findings_changed = true;
    }
    if (change.findings_changed) ++result.findings_changed;
    result.changes.push_back(std::move(change));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace jtai::refresh

#include "refresh/reextract.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "common/error.hpp"

namespace jtai::refresh {

namespace fs = std::filesystem;
using extract::Report;

namespace {

// Letters are handled in chunks: the main thread reads a chunk's stored
// layouts and current records, workers extract it while the main thread writes
// the previous chunk's results in one transaction. Memory stays bounded by the
// chunk, whatever the number of letters.
constexpr size_t kChunk = 64;

// One letter's work, filled in by a worker thread.
struct Job {
  const store::StoredLetter* letter = nullptr;
  std::optional<std::string> stored_layout;  // encoded, read from the store beforehand
  std::optional<store::CurrentRecord> current;  // read from the store beforehand
  std::optional<std::string> new_layout;     // encoded, when the PDF had to be parsed
  std::optional<Report> report;
  std::optional<Report> before;  // the current record parsed; nullopt for an error or unreadable one
  bool same_record = false;      // the new record equals the current one, rules version aside
  std::string report_json;       // the new record serialised, for the store
  std::string error;
};

Report without_version(Report r);

// The worker's share of saving: serialising the new record and comparing it
// with the current one. Equal serialisations need no parsing; only a record
// that differs (or was written by an older jtai) is parsed, to name the changes.
void compare_with_current(Job& job) {
  if (!job.report) return;
  job.report_json = extract::to_json(*job.report).dump();
  if (!job.current || job.current->kind == "error") return;
  if (job.current->rules_version == job.report->rules_version) {
    job.same_record = job.report_json == job.current->report_json;
  } else {
    // The new record as it would read under the old rules version. In compact
    // JSON the key can only occur as the key itself: inside a string value its
    // quotes would be escaped.
    const std::string key = "\"rules_version\":\"";
    const std::string fresh_field = key + job.report->rules_version + "\"";
    if (auto at = job.report_json.find(fresh_field); at != std::string::npos) {
      std::string as_before = job.report_json;
      as_before.replace(at, fresh_field.size(), key + job.current->rules_version + "\"");
      job.same_record = as_before == job.current->report_json;
    }
  }
  if (!job.same_record) {
    try {
      job.before = extract::report_from_json(nlohmann::json::parse(job.current->report_json));
      job.same_record = without_version(*job.before) == without_version(*job.report);
    } catch (const std::exception&) {
      // An unreadable stored record simply counts as changed.
    }
  }
  job.current->report_json.clear();
  job.current->report_json.shrink_to_fit();
}

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

namespace {

// Stores one chunk's results (one transaction) and records what changed.
void save_chunk(store::Store& store, std::vector<Job>& jobs, ReextractResult& result) {
  store::Transaction tx(store.db());
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
    bool had_current = job.current.has_value();
    bool same_record = job.same_record;
    if (same_record && job.current->rules_version == fresh.rules_version) continue;  // nothing new to store

    store.save_extraction(letter.publication.id, letter.file.sha256, fresh, job.report_json);
    ++result.saved;
    if (!had_current || same_record) continue;
    LetterChange change;
    change.publication_id = letter.publication.id;
    change.letter = letter_name(letter.authority_name, fresh.letter_date ? fresh.letter_date : letter.publication.published_on);
    if (job.before) {
      change.fields = changed_fields(*job.before, fresh);
      change.findings_changed = findings_differ(*job.before, fresh);
    } else {
      change.fields = {job.current->kind == "error" ? "extracted (was unreadable: " + job.current->reason + ")"
                                                    : std::string("whole record (the stored one could not be read)")};
      change.findings_changed = true;
    }
    if (change.findings_changed) ++result.findings_changed;
    result.changes.push_back(std::move(change));
  }
  tx.commit();
}

}  // namespace

ReextractResult reextract_letters(store::Store& store, const extract::RuleSet& rules,
                                  const ReextractOptions& options) {
  auto started = std::chrono::steady_clock::now();
  ReextractResult result;
  const std::string rules_version{rules.version()};

  // --only-outdated asks the database which letters need work: with nothing
  // to do, no layout or record is read at all.
  std::vector<store::StoredLetter> letters =
      options.only_outdated ? store.letters_outdated_for(rules_version) : store.stored_letters();
  result.letters = options.only_outdated ? store.count_stored_letters() : static_cast<int>(letters.size());

  auto load_chunk = [&](size_t begin) {
    std::vector<Job> jobs;
    size_t end = std::min(letters.size(), begin + kChunk);
    jobs.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
      Job job;
      job.letter = &letters[i];
      job.stored_layout = store.load_layout(letters[i].file.sha256, extract::kLayoutVersion);
      job.current = store.current_record(letters[i].publication.id);
      jobs.push_back(std::move(job));
    }
    return jobs;
  };
  // Workers only read the RuleSet and write their own Job; SQLite stays on this thread.
  auto extract_chunk = [&](std::vector<Job>& jobs) {
    std::atomic<size_t> next{0};
    auto worker = [&] {
      while (true) {
        size_t i = next.fetch_add(1);
        if (i >= jobs.size()) break;
        run_job(jobs[i], store.data_dir(), rules);
        compare_with_current(jobs[i]);
        jobs[i].stored_layout.reset();
      }
    };
    int threads = std::clamp(options.threads, 1, std::max(1, static_cast<int>(jobs.size())));
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  };

  std::vector<Job> done;  // extracted, waiting to be saved
  for (size_t begin = 0; begin < letters.size(); begin += kChunk) {
    std::vector<Job> jobs = load_chunk(begin);
    {
      std::jthread extracting([&] { extract_chunk(jobs); });
      if (!done.empty()) save_chunk(store, done, result);
    }
    done = std::move(jobs);
  }
  if (!done.empty()) save_chunk(store, done, result);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace jtai::refresh

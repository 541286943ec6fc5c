#include "refresh/reextract.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/version.hpp"

namespace jtai::refresh {

namespace fs = std::filesystem;
using extract::Report;

namespace {

// Letters are handled in chunks: the main thread reads a chunk's stored
// layouts and current records, workers extract it while the main thread writes
// the previous chunk's results in one transaction. Memory stays bounded by the
// chunk, whatever the number of letters.
constexpr size_t kChunk = 64;

// The stored letters (or those outdated for a rules version), read a page at
// a time in the store's order; a page is a few MB whatever the store's size.
class LetterPages {
 public:
  LetterPages(store::Store& store, std::optional<std::string> outdated_for, size_t page)
      : store_(store), outdated_for_(std::move(outdated_for)), page_size_(std::max<size_t>(1, page)) {}

  std::optional<store::StoredLetter> next() {
    if (at_ == page_.size()) {
      if (last_page_) return std::nullopt;
      const store::StoredLetter* after = cursor_ ? &*cursor_ : nullptr;
      page_ = outdated_for_ ? store_.letters_outdated_page(*outdated_for_, after, page_size_)
                            : store_.stored_letters_page(after, page_size_);
      at_ = 0;
      last_page_ = page_.size() < page_size_;
      if (page_.empty()) return std::nullopt;
      cursor_ = page_.back();
    }
    return std::move(page_[at_++]);
  }

 private:
  store::Store& store_;
  std::optional<std::string> outdated_for_;
  size_t page_size_;
  std::vector<store::StoredLetter> page_;
  size_t at_ = 0;
  bool last_page_ = false;
  std::optional<store::StoredLetter> cursor_;  // the last letter read: the next page starts after it
};

// One letter's work, filled in by a worker thread.
struct Job {
  store::StoredLetter letter;
  std::optional<std::string> stored_layout;  // encoded, read from the store beforehand
  std::optional<store::CurrentRecord> current;  // read from the store beforehand
  std::optional<std::string> new_layout;     // encoded, when the PDF had to be parsed
  std::optional<Report> report;
  std::optional<Report> before;  // the current record parsed; nullopt for an error or unreadable one
  bool same_record = false;      // the new record equals the current one, rules version aside
  std::string report_json;       // the new record serialised, for the store
  std::string error;
  bool needs_pdf = false;  // no usable stored layout: parsed in the sandbox after the chunk's threads end
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

// Runs the rules over the stored layout. A letter without a usable one is
// left for the sandboxed PDF parser (needs_pdf). Any exception stays with the letter.
void run_job(Job& job, const extract::RuleSet& rules) {
  const auto& letter = job.letter;
  std::optional<int> urn = letter.publication.urn;
  try {
    if (!job.stored_layout) {
      job.needs_pdf = true;
      return;
    }
    extract::Layout layout;
    try {
      layout = extract::decode_layout(*job.stored_layout);
    } catch (const std::exception&) {
      job.needs_pdf = true;  // a damaged stored layout: the PDF replaces it
      return;
    }
    job.report = extract::extract_report(layout, rules, urn);
  } catch (const std::exception& e) {
    job.error = letter_name(letter.authority_name, letter.publication.published_on) + ": " + e.what();
  }
}

// The chunk's letters without a usable stored layout, parsed in sandboxed
// children (extract/isolated.hpp). Called with no other thread running (fork).
// A child that crashes or passes a limit quarantines its letter.
void parse_pdfs(store::Store& store, std::vector<Job>& jobs, const extract::RuleSet& rules,
                const ReextractOptions& options, ReextractResult& result) {
  std::vector<Job*> to_parse;
  for (auto& job : jobs)
    if (job.needs_pdf) to_parse.push_back(&job);
  if (to_parse.empty() || interrupted()) return;
  const std::string rules_version{rules.version()};
  std::vector<extract::IsolatedTask> tasks;
  for (Job* job : to_parse) tasks.push_back({store.data_dir() / job->letter.file.path, job->letter.publication.urn});
  extract::IsolatedExtractor runner(rules, options.isolation.value_or(extract::IsolationLimits{}), options.jobs);
  runner.run(
      tasks,
      [&](size_t i, extract::IsolatedResult&& r) {
        Job& job = *to_parse[i];
        const auto& letter = job.letter;
        const std::string name = letter_name(letter.authority_name, letter.publication.published_on);
        try {
          using S = extract::IsolatedResult::Status;
          if (r.status == S::ok) {
            job.report = std::move(r.report);
            job.new_layout = std::move(r.layout);
            compare_with_current(job);
          } else if (r.status == S::unreadable) {
            job.error = name + ": " + r.reason;
          } else {
            store.quarantine(letter.publication.id, letter.file.sha256, extract::to_string(r.status), r.reason,
                             program_version(), rules_version);
            store.save_error_extraction(letter.publication.id, letter.file.sha256, rules_version,
                                        "quarantined: " + r.reason);
            job.error = name + ": " + r.reason + " (quarantined)";
            result.quarantined.push_back(name + ": " + r.reason);
          }
        } catch (const std::exception& e) {
          job.error = name + ": " + e.what();
        }
      },
      [] { return interrupted(); });
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

void save_job(store::Store& store, Job& job, ReextractResult& result);

// Stores one chunk's results (one transaction) and records what changed.
void save_chunk(store::Store& store, std::vector<Job>& jobs, ReextractResult& result) {
  store::Transaction tx(store.db());
  for (auto& job : jobs) {
    const auto& letter = job.letter;
    if (!job.report) {
      if (!job.error.empty()) result.errors.push_back(job.error);
      continue;
    }
    try {
      save_job(store, job, result);
    } catch (const std::exception& e) {  // this letter only (its savepoint is rolled back)
      result.errors.push_back(letter_name(letter.authority_name, letter.publication.published_on) +
                              ": cannot store the extraction: " + e.what());
    }
  }
  tx.commit();
}

void save_job(store::Store& store, Job& job, ReextractResult& result) {
  const auto& letter = job.letter;
  store::Transaction letter_tx(store.db());  // a savepoint inside the chunk's transaction
  {
    ++result.extracted;
    store.release_quarantine(letter.publication.id);
    if (job.new_layout) {
      ++result.pdfs_parsed;
      store.save_layout(letter.file.sha256, extract::kLayoutVersion, *job.new_layout);
    }
    Report& fresh = *job.report;
    bool had_current = job.current.has_value();
    bool same_record = job.same_record;
    if (same_record && job.current->rules_version == fresh.rules_version) {  // nothing new to store
      letter_tx.commit();
      return;
    }

    store.save_extraction(letter.publication.id, letter.file.sha256, fresh, job.report_json);
    ++result.saved;
    if (!had_current || same_record) {
      letter_tx.commit();
      return;
    }
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
  letter_tx.commit();
}

}  // namespace

ReextractResult reextract_letters(store::Store& store, const extract::RuleSet& rules,
                                  const ReextractOptions& options) {
  auto started = std::chrono::steady_clock::now();
  ReextractResult result;
  const std::string rules_version{rules.version()};

  // --only-outdated asks the database which letters need work: with nothing
  // to do, no layout or record is read at all. Letters come a page at a time,
  // so memory does not grow with the store.
  const std::optional<std::string> outdated_for =
      options.only_outdated ? std::optional<std::string>(rules_version) : std::nullopt;
  LetterPages pages(store, outdated_for, options.page);
  result.letters = store.count_stored_letters();

  // Quarantined letters: skipped while their failure is for this PDF, program and rules version (unless
  // --retry-failed); otherwise due another try, even when their rules version is current.
  std::set<int64_t> skip, retry, seen;
  for (const auto& q : store.quarantined()) {
    if (!options.retry_failed && q.program_version == program_version() && q.rules_version == rules_version)
      skip.insert(q.publication_id);
    else
      retry.insert(q.publication_id);
  }
  // After the pages: the quarantined letters they did not hold. With
  // --only-outdated, those due a retry are read by id (in the store's order)
  // and those still failing under these versions are counted as skipped.
  auto quarantined_after_pages = [&] {
    std::vector<store::StoredLetter> out;
    if (!options.only_outdated) return out;
    for (int64_t id : retry)
      if (!seen.count(id))
        if (auto r = store.stored_letter(id)) out.push_back(std::move(*r));
    for (int64_t id : skip)
      if (!seen.count(id)) ++result.skipped_quarantined;
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      auto key = [](const store::StoredLetter& x) {
        return std::make_tuple(x.publication.urn, x.publication.published_on.value_or(""), x.publication.id);
      };
      return key(a) > key(b);  // served from the back
    });
    return out;
  };
  std::optional<std::vector<store::StoredLetter>> retry_after;  // set once the pages are done
  auto next_letter = [&]() -> std::optional<store::StoredLetter> {
    while (!retry_after) {
      std::optional<store::StoredLetter> l = pages.next();
      if (!l) {
        retry_after = quarantined_after_pages();
        break;
      }
      const int64_t id = l->publication.id;
      if (skip.count(id) || retry.count(id)) seen.insert(id);
      if (skip.count(id) && store.should_skip(id, l->file.sha256, program_version(), rules_version)) {
        ++result.skipped_quarantined;
        continue;
      }
      return l;
    }
    if (retry_after->empty()) return std::nullopt;
    store::StoredLetter l = std::move(retry_after->back());
    retry_after->pop_back();
    return l;
  };

  auto load_chunk = [&] {
    std::vector<Job> jobs;
    jobs.reserve(kChunk);
    while (jobs.size() < kChunk) {
      std::optional<store::StoredLetter> letter = next_letter();
      if (!letter) break;
      Job job;
      job.letter = std::move(*letter);
      job.stored_layout = store.load_layout(job.letter.file.sha256, extract::kLayoutVersion);
      job.current = store.current_record(job.letter.publication.id);
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
        if (interrupted()) break;
        run_job(jobs[i], rules);
        compare_with_current(jobs[i]);
        jobs[i].stored_layout.reset();
      }
    };
    int threads = std::clamp(options.threads, 1, std::max(1, static_cast<int>(jobs.size())));
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  };

  std::vector<Job> done;  // extracted, waiting to be saved
  while (!interrupted()) {  // on an interrupt, what is done so far is saved below
    std::vector<Job> jobs = load_chunk();
    if (jobs.empty()) break;
    {
      std::jthread extracting([&] { extract_chunk(jobs); });
      if (!done.empty()) save_chunk(store, done, result);
    }
    parse_pdfs(store, jobs, rules, options, result);  // the threads have ended: children may be forked
    done = std::move(jobs);
  }
  if (!done.empty()) save_chunk(store, done, result);
  result.interrupted = interrupted();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace jtai::refresh

#pragma once
// The data directory's SQLite store: the one place that writes jtai.sqlite.
// Every method that writes does so in one transaction.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "extract/report.hpp"
#include "store/db.hpp"

namespace jtai::store {

inline constexpr const char* kDatabaseName = "jtai.sqlite";

struct AuthorityRow {
  int urn = 0;
  std::string name;           // as Ofsted spells it
  std::string provider_path;  // "/provider/44/80426"
};

struct PublicationRow {
  int64_t id = 0;
  int urn = 0;
  std::string file_id;  // "50212861"
  std::string url;
  std::string kind;     // jtai, focused_visit, ilacs, area_send, joint_area_review, other
  std::string title;
  std::optional<std::string> published_on;  // ISO date
  std::string first_seen, last_seen;
  std::optional<std::string> gone_since;
};

struct FileRow {
  int64_t publication_id = 0;
  std::string path;  // relative to the data directory
  std::string sha256;
  int64_t size = 0;
  std::string fetched_at;
};

// A JTAI publication whose PDF is stored.
struct StoredLetter {
  PublicationRow publication;
  FileRow file;
  std::string authority_name;
};

enum class RunStatus { running, ok, suspect, failed, interrupted };
std::string to_string(RunStatus status);
RunStatus run_status_from_string(const std::string& s);

struct RunCounts {
  int authorities_seen = 0;
  int jtai_seen = 0;
  int downloads = 0;
  int new_letters = 0;
  int extracted = 0;
  int changed_findings = 0;
  int errors = 0;
  int64_t requests = 0;
  int64_t bytes = 0;
};

struct RunRow {
  int64_t id = 0;
  std::string command;  // crawl | refresh | reextract
  std::string site;
  std::string started_at;
  std::optional<std::string> ended_at;
  RunStatus status = RunStatus::running;
  RunCounts counts;
  std::vector<std::string> messages;
  std::optional<std::string> summary;
  int64_t pid = 0;  // the process that ran it
  std::string selectors = "{}";  // crawls: which selector of each site.toml chain matched (crawler/rule_usage.hpp)
};

// The newest `limit` runs, newest first; for read-only readers such as `jtai status`.
std::vector<RunRow> read_recent_runs(Db& db, int limit);

// A letter whose PDF the sandboxed parser could not get through (crash,
// time or memory limit). See the quarantine table (migration 2).
struct QuarantinedLetter {
  int64_t publication_id = 0;
  int urn = 0;
  std::string authority_name;
  std::optional<std::string> published_on;
  std::string url;    // the letter on the Ofsted site
  std::string path;   // the stored PDF, relative to the data directory
  std::string sha256;
  std::string failure;  // crashed | timed_out | cpu_limit | out_of_memory | failed
  std::string reason;
  std::string program_version, rules_version;
  std::string first_failed_at, last_failed_at;
  int attempts = 0;
};

// Every quarantined letter, by authority; for read-only readers (status, export).
std::vector<QuarantinedLetter> read_quarantined(Db& db);

struct HttpCacheEntry {
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
};

struct SavedExtraction {
  int64_t extraction_id = 0;
  bool findings_changed = false;  // differs from the previous current extraction (or is the first)
};

// The current extraction of a publication as stored, record unparsed.
struct CurrentRecord {
  std::string rules_version;
  std::string kind;  // jtai | not_jtai | error
  std::string reason;
  std::string report_json;
};

// UTC time with milliseconds, e.g. "2026-11-22T01:30:37.123Z". Run start and
// seen-at times use it so that runs a second apart still order correctly.
std::string timestamp_now();

class Store {
 public:
  // Creates the directory if needed, opens DIR/jtai.sqlite and migrates it.
  explicit Store(const std::filesystem::path& data_dir);

  Db& db() { return db_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

  // Runs.
  int64_t begin_run(const std::string& command, const std::string& site);
  void finish_run(int64_t run_id, RunStatus status, const RunCounts& counts,
                  const std::vector<std::string>& messages, const std::string& summary);
  // Records which selectors of rules/site.toml matched during a crawl (JSON).
  void save_run_selectors(int64_t run_id, const std::string& json);
  // Runs left 'running' by a process that no longer exists become 'failed'.
  void close_abandoned_runs();
  std::optional<RunRow> last_run_with_status(RunStatus status, const std::string& command = {});
  std::vector<RunRow> recent_runs(int limit);
  std::optional<RunRow> run(int64_t run_id);
  // The newest crawl or refresh run that ended 'ok' and saw at least one authority:
  // the baseline of the completeness guard.
  std::optional<RunRow> last_good_crawl();

  // What the crawler sees.
  void upsert_authority(const AuthorityRow& authority, const std::string& seen_at);
  // Inserts or refreshes by file_id; returns the publication id.
  int64_t upsert_publication(const PublicationRow& publication, const std::string& seen_at);
  // Publications of these authorities not seen since `run_started_at` get gone_since.
  void mark_unlisted_publications(const std::vector<int>& urns_fully_read, const std::string& run_started_at);
  std::vector<PublicationRow> jtai_publications_without_file();
  std::optional<FileRow> file_for(int64_t publication_id);
  void record_file(const FileRow& file);
  std::vector<PublicationRow> publications_of(int urn);
  std::optional<PublicationRow> publication_by_file_id(const std::string& file_id);
  // True when a publication other than `publication_id` has its PDF stored at `path`.
  bool file_path_taken(const std::string& path, int64_t publication_id);

  // Parsed layouts, keyed by the PDF's sha256 and the layout code's version.
  void save_layout(const std::string& sha256, int layout_version, const std::string& data);
  std::optional<std::string> load_layout(const std::string& sha256, int layout_version);

  // Extractions: the saved one becomes current; earlier ones are kept.
  SavedExtraction save_extraction(int64_t publication_id, const std::string& sha256,
                                  const extract::Report& report);
  // The same with the record already serialised (extract::to_json(report).dump()),
  // so that reextract's worker threads, not the one writing, pay for it.
  SavedExtraction save_extraction(int64_t publication_id, const std::string& sha256,
                                  const extract::Report& report, const std::string& report_json);
  // A stored PDF the extractor cannot read: recorded as an extraction of kind "error"
  // with the reason. It becomes current only when the publication has no current
  // jtai/not_jtai extraction, so a failed re-extraction never hides good findings.
  SavedExtraction save_error_extraction(int64_t publication_id, const std::string& sha256,
                                        const std::string& rules_version, const std::string& reason);
  std::optional<std::string> current_rules_version(int64_t publication_id);
  // The search index (search_items, search_fts) is kept in step by the two
  // save_*_extraction methods; this rebuilds it from the current extractions.
  void rebuild_search_index();
  // JTAI letters with a stored PDF but no current extraction (e.g. a run killed
  // between download and extraction).
  std::vector<StoredLetter> letters_without_current_extraction();
  std::vector<StoredLetter> stored_letters();  // every JTAI publication with a stored PDF
  // Stored letters with no current extraction made under `rules_version`: the
  // work of `reextract --only-outdated`, found by the database alone.
  std::vector<StoredLetter> letters_outdated_for(const std::string& rules_version);
  // The same letters a page at a time, in the same order (authority, date,
  // publication), so a caller's memory does not grow with the store: at most
  // `limit` letters after `after` (from the start when nullptr).
  std::vector<StoredLetter> stored_letters_page(const StoredLetter* after, size_t limit);
  std::vector<StoredLetter> letters_outdated_page(const std::string& rules_version, const StoredLetter* after,
                                                  size_t limit);
  std::optional<StoredLetter> stored_letter(int64_t publication_id);
  int count_stored_letters();
  std::optional<CurrentRecord> current_record(int64_t publication_id);

  // Quarantine. quarantine() records (or counts again) a failure of the
  // letter's PDF; it stays quarantined until release_quarantine() (a later
  // success). should_skip() is true while the recorded failure is for this
  // PDF under this program and rules version: not worth trying again.
  void quarantine(int64_t publication_id, const std::string& sha256, const std::string& failure,
                  const std::string& reason, const std::string& program_version, const std::string& rules_version);
  void release_quarantine(int64_t publication_id);
  bool should_skip(int64_t publication_id, const std::string& sha256, const std::string& program_version,
                   const std::string& rules_version);
  std::vector<QuarantinedLetter> quarantined() { return read_quarantined(db_); }

  // HTTP cache for conditional GET.
  std::optional<HttpCacheEntry> http_cache(const std::string& url);
  void save_http_cache(const std::string& url, const HttpCacheEntry& entry, int status);

 private:
  std::filesystem::path data_dir_;
  Db db_;
};

}  // namespace jtai::store

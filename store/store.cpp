#include "store/store.hpp"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "common/error.hpp"
#include "common/process.hpp"
#include "store/migrations.hpp"

namespace jtai::store {

namespace fs = std::filesystem;

std::string timestamp_now() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  std::tm tm{};
  time_t secs = tv.tv_sec;
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(tv.tv_usec / 1000));
  return buf;
}

std::string to_string(RunStatus status) {
  switch (status) {
    case RunStatus::running: return "running";
    case RunStatus::ok: return "ok";
    case RunStatus::suspect: return "suspect";
    case RunStatus::failed: return "failed";
    case RunStatus::interrupted: return "interrupted";
  }
  return "failed";
}

RunStatus run_status_from_string(const std::string& s) {
  if (s == "running") return RunStatus::running;
  if (s == "ok") return RunStatus::ok;
  if (s == "suspect") return RunStatus::suspect;
  if (s == "failed") return RunStatus::failed;
  if (s == "interrupted") return RunStatus::interrupted;
  throw Error("unknown run status '" + s + "'");
}

namespace {

fs::path prepare_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create data directory " + dir.string() + ": " + ec.message());
  return dir;
}

constexpr const char* kRunColumns =
    "id, command, site, started_at, ended_at, status, authorities_seen, jtai_seen, requests, bytes, "
    "downloads, new_letters, extracted, changed_findings, errors, messages, summary, COALESCE(pid, 0), selectors";

RunRow read_run(const Statement& st) {
  RunRow r;
  r.id = st.column_int(0);
  r.command = st.column_text(1);
  r.site = st.column_text(2);
  r.started_at = st.column_text(3);
  r.ended_at = st.column_optional_text(4);
  r.status = run_status_from_string(st.column_text(5));
  r.counts.authorities_seen = static_cast<int>(st.column_int(6));
  r.counts.jtai_seen = static_cast<int>(st.column_int(7));
  r.counts.requests = st.column_int(8);
  r.counts.bytes = st.column_int(9);
  r.counts.downloads = static_cast<int>(st.column_int(10));
  r.counts.new_letters = static_cast<int>(st.column_int(11));
  r.counts.extracted = static_cast<int>(st.column_int(12));
  r.counts.changed_findings = static_cast<int>(st.column_int(13));
  r.counts.errors = static_cast<int>(st.column_int(14));
  try {
    auto j = nlohmann::json::parse(st.column_text(15));
    if (j.is_array())
      for (const auto& m : j)
        if (m.is_string()) r.messages.push_back(m.get<std::string>());
  } catch (const nlohmann::json::exception&) {
    r.messages.push_back(st.column_text(15));
  }
  r.summary = st.column_optional_text(16);
  r.selectors = st.column_text(18);
  r.pid = st.column_int(17);
  return r;
}

constexpr const char* kPublicationColumns =
    "id, urn, file_id, url, kind, title, published_on, first_seen, last_seen, gone_since";

PublicationRow read_publication(const Statement& st, int first = 0) {
  PublicationRow p;
  p.id = st.column_int(first + 0);
  p.urn = static_cast<int>(st.column_int(first + 1));
  p.file_id = st.column_text(first + 2);
  p.url = st.column_text(first + 3);
  p.kind = st.column_text(first + 4);
  p.title = st.column_text(first + 5);
  p.published_on = st.column_optional_text(first + 6);
  p.first_seen = st.column_text(first + 7);
  p.last_seen = st.column_text(first + 8);
  p.gone_since = st.column_optional_text(first + 9);
  return p;
}

FileRow read_file_row(const Statement& st, int first = 0) {
  FileRow f;
  f.publication_id = st.column_int(first + 0);
  f.path = st.column_text(first + 1);
  f.sha256 = st.column_text(first + 2);
  f.size = st.column_int(first + 3);
  f.fetched_at = st.column_text(first + 4);
  return f;
}

// A finding as compared for "findings changed": (section, position, title, text).
using FindingKey = std::tuple<std::string, int, std::string, std::string>;

// A finding as stored: its key, the sub-heading (list items) or kind (case
// studies), and its agencies (rules/agencies.toml).
struct FindingRow {
  FindingKey key;
  std::optional<std::string> subheading;
  std::optional<std::string> kind;
  std::optional<std::string> agency;
  std::string agencies = "[]";  // JSON array
};

std::vector<FindingRow> findings_of(const extract::Report& report) {
  std::vector<FindingRow> out;
  auto add = [&](const char* section, const std::vector<extract::Finding>& items) {
    int pos = 0;
    for (const auto& f : items)
      out.push_back({{section, ++pos, std::string(), f.text}, f.subheading, std::nullopt, f.agency,
                     nlohmann::json(f.agencies).dump()});
  };
  add("priority_action", report.priority_actions);
  add("improvement", report.improvements);
  add("strength", report.strengths);
  int pos = 0;
  for (const auto& cs : report.case_studies)
    out.push_back({{"case_study", ++pos, cs.title, cs.text}, std::nullopt, cs.kind, std::nullopt,
                   nlohmann::json(cs.agencies).dump()});
  return out;
}

// Removes one extraction's rows from search_items: called before the
// extraction is deleted, so that the FTS delete trigger always sees the rows
// go (not a foreign-key cascade).
void unindex_extraction(Db& db, int64_t extraction_id) {
  auto& del = db.cached("DELETE FROM search_items WHERE extraction_id = ?1");
  del.bind(1, extraction_id);
  del.run();
}

// An item of search_items; what the full-text index holds of it is `indexed`.
struct SearchItem {
  int64_t id = 0;  // search_items.id, for rows already there
  int64_t extraction_id = 0;
  std::tuple<std::string, int64_t, std::optional<std::string>, std::optional<std::string>, std::string>
      indexed;  // section, position, title, subheading, text
  std::optional<std::string> agency;
  std::string agencies;
};

std::vector<SearchItem> read_items(Statement& st, bool with_id) {
  std::vector<SearchItem> out;
  const int c = with_id ? 1 : 0;
  while (st.step()) {
    SearchItem i;
    if (with_id) i.id = st.column_int(0);
    i.extraction_id = st.column_int(c);
    i.indexed = {st.column_text(c + 1), st.column_int(c + 2), st.column_optional_text(c + 3),
                 st.column_optional_text(c + 4), st.column_text(c + 5)};
    i.agency = st.column_optional_text(c + 6);
    i.agencies = st.column_text(c + 7);
    out.push_back(std::move(i));
  }
  st.reset();
  return out;
}

// search_items holds the items of each publication's current jtai extraction
// (see migration 4); this brings one publication's rows in step. A row whose
// indexed columns (section, position, title, subheading, text) the current
// extraction has too is kept and pointed at it, with its agencies: neither
// is in the full-text index, so re-extracting a letter whose items did not
// change (a new rules version, a program upgrade) costs the index nothing.
// The other rows are deleted and the new items inserted; the triggers keep
// search_fts in step with both.
void index_current_items(Db& db, int64_t publication_id) {
  auto& wanted_st = db.cached(
      "SELECT id, 'headline', 1, NULL, NULL, headline_findings, NULL, "
      "COALESCE(json_extract(report_json, '$.headline_agencies'), '[]') "
      "FROM extractions WHERE publication_id = ?1 AND is_current = 1 AND kind = 'jtai' "
      "AND COALESCE(headline_findings, '') != '' "
      "UNION ALL SELECT f.extraction_id, f.section, f.position, f.title, f.subheading, f.text, f.agency, f.agencies "
      "FROM findings f JOIN extractions e ON e.id = f.extraction_id "
      "WHERE e.publication_id = ?1 AND e.is_current = 1 AND e.kind = 'jtai'");
  wanted_st.bind(1, publication_id);
  std::vector<SearchItem> wanted = read_items(wanted_st, false);
  auto& present_st = db.cached(
      "SELECT s.id, s.extraction_id, s.section, s.position, s.title, s.subheading, s.text, s.agency, s.agencies "
      "FROM search_items s JOIN extractions e ON e.id = s.extraction_id WHERE e.publication_id = ?1");
  present_st.bind(1, publication_id);
  std::vector<SearchItem> present = read_items(present_st, true);

  // The wanted items not in search_items yet, by what is indexed (unique: it holds section and position).
  std::map<decltype(SearchItem::indexed), size_t> missing;
  for (size_t i = 0; i < wanted.size(); ++i) missing.emplace(wanted[i].indexed, i);
  auto& del = db.cached("DELETE FROM search_items WHERE id = ?1");
  auto& repoint = db.cached("UPDATE search_items SET extraction_id = ?2, agency = ?3, agencies = ?4 WHERE id = ?1");
  // Deletions first: a kept row then never meets a leaving row's (extraction, section, position).
  std::vector<std::pair<const SearchItem*, const SearchItem*>> kept;  // (row, the item it holds)
  for (const auto& row : present) {
    auto it = missing.find(row.indexed);
    if (it == missing.end()) {
      del.bind(1, row.id);
      del.run();
      continue;
    }
    kept.emplace_back(&row, &wanted[it->second]);
    missing.erase(it);
  }
  for (const auto& [row, w] : kept) {
    if (row->extraction_id == w->extraction_id && row->agency == w->agency && row->agencies == w->agencies) continue;
    repoint.bind(1, row->id).bind(2, w->extraction_id).bind(3, w->agency).bind(4, w->agencies);
    repoint.run();
  }
  auto& ins = db.cached(
      "INSERT INTO search_items (extraction_id, section, position, title, subheading, text, agency, agencies) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const SearchItem& w : wanted) {
    if (!missing.count(w.indexed)) continue;
    const auto& [section, position, title, subheading, text] = w.indexed;
    ins.bind(1, w.extraction_id).bind(2, section).bind(3, position).bind(4, title).bind(5, subheading);
    ins.bind(6, text).bind(7, w.agency).bind(8, w.agencies);
    ins.run();
  }
}

std::vector<FindingKey> stored_findings(Db& db, int64_t extraction_id) {
  auto& st = db.cached(
      "SELECT section, position, COALESCE(title, ''), text FROM findings WHERE extraction_id = ?1 "
      "ORDER BY section, position");
  st.bind(1, extraction_id);
  std::vector<FindingKey> out;
  while (st.step())
    out.emplace_back(st.column_text(0), static_cast<int>(st.column_int(1)), st.column_text(2), st.column_text(3));
  st.reset();
  return out;
}

struct CurrentExtraction {
  int64_t id = 0;
  std::string kind;
};

std::optional<CurrentExtraction> current_extraction(Db& db, int64_t publication_id) {
  auto& st = db.cached("SELECT id, kind FROM extractions WHERE publication_id = ?1 AND is_current = 1");
  st.bind(1, publication_id);
  if (!st.step()) return std::nullopt;
  CurrentExtraction current{st.column_int(0), st.column_text(1)};
  st.reset();
  return current;
}

}  // namespace

Store::Store(const fs::path& data_dir) : data_dir_(prepare_dir(data_dir)), db_(data_dir / kDatabaseName) {
  migrate(db_);
}

// ---- runs -------------------------------------------------------------------

int64_t Store::begin_run(const std::string& command, const std::string& site) {
  Transaction tx(db_);
  auto st = db_.prepare("INSERT INTO runs (command, site, started_at, status, pid) VALUES (?1, ?2, ?3, 'running', ?4)");
  st.bind(1, command).bind(2, site).bind(3, timestamp_now()).bind(4, static_cast<int64_t>(::getpid()));
  st.run();
  int64_t id = db_.last_insert_rowid();
  tx.commit();
  return id;
}

void Store::finish_run(int64_t run_id, RunStatus status, const RunCounts& c, const std::vector<std::string>& messages,
                       const std::string& summary) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "UPDATE runs SET ended_at = ?2, status = ?3, authorities_seen = ?4, jtai_seen = ?5, requests = ?6, bytes = ?7, "
      "downloads = ?8, new_letters = ?9, extracted = ?10, changed_findings = ?11, errors = ?12, messages = ?13, "
      "summary = ?14 WHERE id = ?1");
  st.bind(1, run_id).bind(2, timestamp_now()).bind(3, to_string(status));
  st.bind(4, c.authorities_seen).bind(5, c.jtai_seen).bind(6, c.requests).bind(7, c.bytes);
  st.bind(8, c.downloads).bind(9, c.new_letters).bind(10, c.extracted).bind(11, c.changed_findings);
  st.bind(12, c.errors).bind(13, nlohmann::json(messages).dump()).bind(14, summary);
  st.run();
  if (db_.changes() != 1) throw Error("no run with id " + std::to_string(run_id));
  tx.commit();
}

void Store::close_abandoned_runs() {
  Transaction tx(db_);
  std::vector<std::pair<int64_t, int64_t>> dead;
  {
    auto st = db_.prepare("SELECT id, pid FROM runs WHERE status = 'running'");
    while (st.step()) {
      int64_t pid = st.column_is_null(1) ? 0 : st.column_int(1);
      if (pid != static_cast<int64_t>(::getpid()) && !process_alive(pid)) dead.emplace_back(st.column_int(0), pid);
    }
  }
  for (auto [id, pid] : dead) {
    std::string message = "abandoned: process " + std::to_string(pid) + " ended without finishing the run";
    auto st = db_.prepare(
        "UPDATE runs SET status = 'failed', ended_at = ?2, messages = json_insert(messages, '$[#]', ?3) "
        "WHERE id = ?1");
    st.bind(1, id).bind(2, timestamp_now()).bind(3, message);
    st.run();
  }
  tx.commit();
}

std::optional<RunRow> Store::last_run_with_status(RunStatus status, const std::string& command) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE status = ?1";
  if (!command.empty()) sql += " AND command = ?2";
  sql += " ORDER BY id DESC LIMIT 1";
  auto st = db_.prepare(sql);
  st.bind(1, to_string(status));
  if (!command.empty()) st.bind(2, command);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

std::optional<RunRow> Store::last_good_crawl() {
  auto st = db_.prepare(std::string("SELECT ") + kRunColumns +
                        " FROM runs WHERE status = 'ok' AND command IN ('crawl', 'refresh') AND authorities_seen > 0 "
                        "ORDER BY id DESC LIMIT 1");
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

std::vector<RunRow> read_recent_runs(Db& db, int limit) {
  auto st = db.prepare(std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id DESC LIMIT ?1");
  st.bind(1, limit);
  std::vector<RunRow> out;
  while (st.step()) out.push_back(read_run(st));
  return out;
}

void Store::save_run_selectors(int64_t run_id, const std::string& json) {
  auto st = db_.prepare("UPDATE runs SET selectors = ?2 WHERE id = ?1");
  st.bind(1, run_id).bind(2, json);
  st.run();
}

std::vector<RunRow> Store::recent_runs(int limit) { return read_recent_runs(db_, limit); }

std::optional<RunRow> Store::run(int64_t run_id) {
  auto st = db_.prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?1");
  st.bind(1, run_id);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

// ---- what the crawler sees ---------------------------------------------------

void Store::upsert_authority(const AuthorityRow& a, const std::string& seen_at) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT INTO authorities (urn, name, provider_path, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?4) "
      "ON CONFLICT (urn) DO UPDATE SET name = excluded.name, provider_path = excluded.provider_path, "
      "last_seen = excluded.last_seen");
  st.bind(1, a.urn).bind(2, a.name).bind(3, a.provider_path).bind(4, seen_at);
  st.run();
  tx.commit();
}

int64_t Store::upsert_publication(const PublicationRow& p, const std::string& seen_at) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT INTO publications (urn, file_id, url, kind, title, published_on, first_seen, last_seen) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
      // A stored JTAI letter keeps its kind, and no title is blanked: a misread page must not drop a letter.
      "ON CONFLICT (file_id) DO UPDATE SET url = excluded.url, "
      "kind = CASE WHEN publications.kind = 'jtai' AND EXISTS (SELECT 1 FROM files f WHERE f.publication_id = "
      "publications.id) THEN publications.kind ELSE excluded.kind END, "
      "title = CASE WHEN excluded.title = '' THEN publications.title ELSE excluded.title END, "
      "published_on = COALESCE(excluded.published_on, published_on), last_seen = excluded.last_seen, "
      "gone_since = NULL");
  st.bind(1, p.urn).bind(2, p.file_id).bind(3, p.url).bind(4, p.kind).bind(5, p.title).bind(6, p.published_on);
  st.bind(7, seen_at);
  st.run();
  auto id = db_.prepare("SELECT id FROM publications WHERE file_id = ?1");
  id.bind(1, p.file_id);
  if (!id.step()) throw Error("publication " + p.file_id + " vanished while being saved");
  int64_t result = id.column_int(0);
  tx.commit();
  return result;
}

void Store::mark_unlisted_publications(const std::vector<int>& urns, const std::string& run_started_at) {
  if (urns.empty()) return;
  Transaction tx(db_);
  auto st = db_.prepare(
      "UPDATE publications SET gone_since = ?3 WHERE urn = ?1 AND last_seen < ?2 AND gone_since IS NULL");
  std::string now = timestamp_now();
  for (int urn : urns) {
    st.bind(1, urn).bind(2, run_started_at).bind(3, now);
    st.run();
  }
  tx.commit();
}

std::vector<PublicationRow> Store::jtai_publications_without_file() {
  auto st = db_.prepare(std::string("SELECT ") + kPublicationColumns +
                        " FROM publications p WHERE kind = 'jtai' AND gone_since IS NULL "
                        "AND NOT EXISTS (SELECT 1 FROM files f WHERE f.publication_id = p.id) ORDER BY urn, id");
  std::vector<PublicationRow> out;
  while (st.step()) out.push_back(read_publication(st));
  return out;
}

std::optional<FileRow> Store::file_for(int64_t publication_id) {
  auto st = db_.prepare("SELECT publication_id, path, sha256, size, fetched_at FROM files WHERE publication_id = ?1");
  st.bind(1, publication_id);
  if (!st.step()) return std::nullopt;
  return read_file_row(st);
}

void Store::record_file(const FileRow& f) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT INTO files (publication_id, path, sha256, size, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (publication_id) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, "
      "size = excluded.size, fetched_at = excluded.fetched_at");
  st.bind(1, f.publication_id).bind(2, f.path).bind(3, f.sha256).bind(4, f.size).bind(5, f.fetched_at);
  st.run();
  tx.commit();
}

std::vector<PublicationRow> Store::publications_of(int urn) {
  auto st = db_.prepare(std::string("SELECT ") + kPublicationColumns + " FROM publications WHERE urn = ?1 ORDER BY id");
  st.bind(1, urn);
  std::vector<PublicationRow> out;
  while (st.step()) out.push_back(read_publication(st));
  return out;
}

std::optional<PublicationRow> Store::publication_by_file_id(const std::string& file_id) {
  auto st = db_.prepare(std::string("SELECT ") + kPublicationColumns + " FROM publications WHERE file_id = ?1");
  st.bind(1, file_id);
  if (!st.step()) return std::nullopt;
  return read_publication(st);
}

bool Store::file_path_taken(const std::string& path, int64_t publication_id) {
  auto st = db_.prepare("SELECT 1 FROM files WHERE path = ?1 AND publication_id != ?2");
  st.bind(1, path).bind(2, publication_id);
  return st.step();
}

// ---- layouts -----------------------------------------------------------------

void Store::save_layout(const std::string& sha256, int layout_version, const std::string& data) {
  Transaction tx(db_);
  auto& st = db_.cached(
      "INSERT INTO layouts (sha256, layout_version, data, created_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (sha256, layout_version) DO UPDATE SET data = excluded.data, created_at = excluded.created_at");
  st.bind(1, sha256).bind(2, layout_version).bind_blob(3, data).bind(4, timestamp_now());
  st.run();
  tx.commit();
}

std::optional<std::string> Store::load_layout(const std::string& sha256, int layout_version) {
  auto& st = db_.cached("SELECT data FROM layouts WHERE sha256 = ?1 AND layout_version = ?2");
  st.bind(1, sha256).bind(2, layout_version);
  if (!st.step()) return std::nullopt;
  std::string data = st.column_blob(0);
  st.reset();
  return data;
}

// ---- extractions ---------------------------------------------------------------

SavedExtraction Store::save_extraction(int64_t publication_id, const std::string& sha256,
                                       const extract::Report& report) {
  return save_extraction(publication_id, sha256, report, extract::to_json(report).dump());
}

SavedExtraction Store::save_extraction(int64_t publication_id, const std::string& sha256,
                                       const extract::Report& report, const std::string& report_json) {
  const bool is_jtai = report.kind == extract::Report::Kind::jtai;
  const std::string kind = is_jtai ? "jtai" : "not_jtai";
  const auto findings = findings_of(report);

  Transaction tx(db_);
  SavedExtraction saved;
  auto previous = current_extraction(db_, publication_id);
  if (!previous) {
    saved.findings_changed = true;
  } else {
    auto before = stored_findings(db_, previous->id);
    std::vector<FindingKey> after;
    for (const auto& f : findings) after.push_back(f.key);
    std::sort(after.begin(), after.end());
    saved.findings_changed = previous->kind != kind || before != after;
  }

  // One row per (publication, rules version): the same rules version run again replaces its own row.
  auto& same = db_.cached("SELECT id FROM extractions WHERE publication_id = ?1 AND rules_version = ?2");
  same.bind(1, publication_id).bind(2, report.rules_version);
  std::optional<int64_t> replaced;
  if (same.step()) replaced = same.column_int(0);
  same.reset();
  if (replaced) {
    unindex_extraction(db_, *replaced);
    auto& del = db_.cached("DELETE FROM extractions WHERE id = ?1");
    del.bind(1, *replaced);
    del.run();
  }
  auto& clear = db_.cached("UPDATE extractions SET is_current = 0 WHERE publication_id = ?1 AND is_current = 1");
  clear.bind(1, publication_id);
  clear.run();

  auto warnings = nlohmann::ordered_json::array();
  for (const auto& w : report.warnings) warnings.push_back(extract::to_json(w));
  auto& st = db_.cached(
      "INSERT INTO extractions (publication_id, sha256, rules_version, extracted_at, is_current, kind, reason, "
      "letter_date, inspection_start, inspection_end, theme, theme_phrase, deep_dive, headline_findings, "
      "no_priority_actions, warnings, report_json, round, focus) "
      "VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
  st.bind(1, publication_id).bind(2, sha256).bind(3, report.rules_version).bind(4, timestamp_now()).bind(5, kind);
  if (is_jtai)
    st.bind_null(6);
  else
    st.bind(6, report.reason);
  st.bind(7, report.letter_date).bind(8, report.inspection_start).bind(9, report.inspection_end);
  st.bind(10, report.theme).bind(11, report.theme_phrase).bind(12, report.deep_dive);
  st.bind(13, report.headline_findings).bind(14, report.no_priority_actions ? 1 : 0);
  st.bind(15, warnings.dump()).bind(16, report_json);
  st.bind(17, report.round).bind(18, report.focus);
  st.run();
  saved.extraction_id = db_.last_insert_rowid();

  auto& ins = db_.cached(
      "INSERT INTO findings (extraction_id, section, position, title, text, subheading, kind, agency, agencies) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  for (const auto& f : findings) {
    const auto& [section, position, title, text] = f.key;
    ins.bind(1, saved.extraction_id).bind(2, section).bind(3, position);
    if (section == "case_study")
      ins.bind(4, title);
    else
      ins.bind_null(4);
    ins.bind(5, text).bind(6, f.subheading).bind(7, f.kind).bind(8, f.agency).bind(9, f.agencies);
    ins.run();
  }
  index_current_items(db_, publication_id);
  tx.commit();
  return saved;
}

SavedExtraction Store::save_error_extraction(int64_t publication_id, const std::string& sha256,
                                             const std::string& rules_version, const std::string& reason) {
  Transaction tx(db_);
  SavedExtraction saved;
  auto previous = current_extraction(db_, publication_id);
  const bool good_current = previous && previous->kind != "error";
  saved.findings_changed = !previous;

  // Never replace a readable result of the same rules version with an error.
  auto existing = db_.prepare("SELECT id, kind FROM extractions WHERE publication_id = ?1 AND rules_version = ?2");
  existing.bind(1, publication_id).bind(2, rules_version);
  if (existing.step()) {
    if (existing.column_text(1) != "error") {
      saved.extraction_id = existing.column_int(0);
      saved.findings_changed = false;
      return saved;  // nothing written; the transaction rolls back harmlessly
    }
    int64_t old_id = existing.column_int(0);
    existing.reset();
    unindex_extraction(db_, old_id);
    auto del = db_.prepare("DELETE FROM extractions WHERE id = ?1");
    del.bind(1, old_id);
    del.run();
  }
  if (!good_current) {
    auto clear = db_.prepare("UPDATE extractions SET is_current = 0 WHERE publication_id = ?1 AND is_current = 1");
    clear.bind(1, publication_id);
    clear.run();
  }
  nlohmann::ordered_json record;
  record["kind"] = "error";
  record["rules_version"] = rules_version;
  record["reason"] = reason;
  auto st = db_.prepare(
      "INSERT INTO extractions (publication_id, sha256, rules_version, extracted_at, is_current, kind, reason, "
      "report_json) VALUES (?1, ?2, ?3, ?4, ?5, 'error', ?6, ?7)");
  st.bind(1, publication_id).bind(2, sha256).bind(3, rules_version).bind(4, timestamp_now());
  st.bind(5, good_current ? 0 : 1).bind(6, reason).bind(7, record.dump());
  st.run();
  saved.extraction_id = db_.last_insert_rowid();
  index_current_items(db_, publication_id);
  tx.commit();
  return saved;
}

void Store::rebuild_search_index() {
  Transaction tx(db_);
  db_.exec("DELETE FROM search_items");
  std::vector<int64_t> ids;
  {
    auto st = db_.prepare("SELECT DISTINCT publication_id FROM extractions WHERE is_current = 1 ORDER BY 1");
    while (st.step()) ids.push_back(st.column_int(0));
  }
  for (int64_t id : ids) index_current_items(db_, id);
  db_.exec("INSERT INTO search_fts (search_fts) VALUES ('rebuild')");
  tx.commit();
}

std::optional<std::string> Store::current_rules_version(int64_t publication_id) {
  auto st = db_.prepare("SELECT rules_version FROM extractions WHERE publication_id = ?1 AND is_current = 1");
  st.bind(1, publication_id);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

namespace {
// Stored JTAI letters in (authority, date, publication) order; a date that is
// absent sorts first. With `after`, only those after it in that order (keyset
// paging: each page costs the same, however far into the store it starts).
std::vector<StoredLetter> query_letters(Db& db, const std::string& extra_where,
                                        const std::optional<std::string>& rules_version = std::nullopt,
                                        const StoredLetter* after = nullptr, size_t limit = 0) {
  std::string sql = "SELECT p.id, p.urn, p.file_id, p.url, p.kind, p.title, p.published_on, p.first_seen, "
                    "p.last_seen, p.gone_since, f.publication_id, f.path, f.sha256, f.size, f.fetched_at, "
                    "COALESCE(a.name, '') FROM publications p JOIN files f ON f.publication_id = p.id "
                    "LEFT JOIN authorities a ON a.urn = p.urn WHERE p.kind = 'jtai'" + extra_where;
  if (after) sql += " AND (p.urn, COALESCE(p.published_on, ''), p.id) > (:urn, :date, :id)";
  sql += " ORDER BY p.urn, COALESCE(p.published_on, ''), p.id";
  if (limit) sql += " LIMIT :limit";
  auto st = db.prepare(sql);
  auto bind = [&](const char* name, auto value) {
    if (int i = st.parameter_index(name); i > 0) st.bind(i, value);
  };
  if (rules_version) bind(":version", *rules_version);
  if (after) {
    bind(":urn", static_cast<int64_t>(after->publication.urn));
    bind(":date", after->publication.published_on.value_or(""));
    bind(":id", after->publication.id);
  }
  if (limit) bind(":limit", static_cast<int64_t>(limit));
  std::vector<StoredLetter> out;
  while (st.step()) {
    StoredLetter l;
    l.publication = read_publication(st, 0);
    l.file = read_file_row(st, 10);
    l.authority_name = st.column_text(15);
    out.push_back(std::move(l));
  }
  return out;
}

const std::string kOutdated =
    " AND NOT EXISTS (SELECT 1 FROM extractions e WHERE e.publication_id = p.id AND "
    "e.is_current = 1 AND e.rules_version = :version)";
}  // namespace

std::vector<StoredLetter> Store::stored_letters() { return query_letters(db_, ""); }

std::vector<StoredLetter> Store::letters_outdated_for(const std::string& rules_version) {
  return query_letters(db_, kOutdated, rules_version);
}

std::vector<StoredLetter> Store::stored_letters_page(const StoredLetter* after, size_t limit) {
  return query_letters(db_, "", std::nullopt, after, limit);
}

std::vector<StoredLetter> Store::letters_outdated_page(const std::string& rules_version, const StoredLetter* after,
                                                       size_t limit) {
  return query_letters(db_, kOutdated, rules_version, after, limit);
}

std::optional<StoredLetter> Store::stored_letter(int64_t publication_id) {
  auto letters = query_letters(db_, " AND p.id = " + std::to_string(publication_id));  // an integer: no injection
  if (letters.empty()) return std::nullopt;
  return std::move(letters.front());
}

int Store::count_stored_letters() {
  auto st = db_.prepare("SELECT COUNT(*) FROM publications p JOIN files f ON f.publication_id = p.id WHERE p.kind = 'jtai'");
  st.step();
  return static_cast<int>(st.column_int(0));
}

std::optional<CurrentRecord> Store::current_record(int64_t publication_id) {
  auto& st = db_.cached(
      "SELECT rules_version, kind, COALESCE(reason, ''), report_json FROM extractions "
      "WHERE publication_id = ?1 AND is_current = 1");
  st.bind(1, publication_id);
  if (!st.step()) return std::nullopt;
  CurrentRecord r{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3)};
  st.reset();
  return r;
}

std::vector<StoredLetter> Store::letters_without_current_extraction() {
  return query_letters(db_,
                       " AND NOT EXISTS (SELECT 1 FROM extractions e WHERE e.publication_id = p.id AND e.is_current = 1)");
}

// ---- quarantine ---------------------------------------------------------------------

void Store::quarantine(int64_t publication_id, const std::string& sha256, const std::string& failure,
                       const std::string& reason, const std::string& program_version,
                       const std::string& rules_version) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT INTO quarantine (publication_id, sha256, failure, reason, program_version, rules_version, "
      "first_failed_at, last_failed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
      "ON CONFLICT (publication_id) DO UPDATE SET sha256 = excluded.sha256, failure = excluded.failure, "
      "reason = excluded.reason, program_version = excluded.program_version, rules_version = "
      "excluded.rules_version, last_failed_at = excluded.last_failed_at, attempts = attempts + 1");
  st.bind(1, publication_id).bind(2, sha256).bind(3, failure).bind(4, reason).bind(5, program_version);
  st.bind(6, rules_version).bind(7, timestamp_now());
  st.run();
  tx.commit();
}

void Store::release_quarantine(int64_t publication_id) {
  Transaction tx(db_);
  auto st = db_.prepare("DELETE FROM quarantine WHERE publication_id = ?1");
  st.bind(1, publication_id);
  st.run();
  tx.commit();
}

bool Store::should_skip(int64_t publication_id, const std::string& sha256, const std::string& program_version,
                        const std::string& rules_version) {
  auto st = db_.prepare(
      "SELECT 1 FROM quarantine WHERE publication_id = ?1 AND sha256 = ?2 AND program_version = ?3 AND "
      "rules_version = ?4");
  st.bind(1, publication_id).bind(2, sha256).bind(3, program_version).bind(4, rules_version);
  return st.step();
}

std::vector<QuarantinedLetter> read_quarantined(Db& db) {
  auto st = db.prepare(
      "SELECT q.publication_id, p.urn, COALESCE(a.name, ''), p.published_on, p.url, COALESCE(f.path, ''), q.sha256, "
      "q.failure, q.reason, q.program_version, q.rules_version, q.first_failed_at, q.last_failed_at, q.attempts "
      "FROM quarantine q JOIN publications p ON p.id = q.publication_id "
      "LEFT JOIN files f ON f.publication_id = q.publication_id LEFT JOIN authorities a ON a.urn = p.urn "
      "ORDER BY COALESCE(a.name, ''), p.published_on, q.publication_id");
  std::vector<QuarantinedLetter> out;
  while (st.step()) {
    QuarantinedLetter q;
    q.publication_id = st.column_int(0);
    q.urn = static_cast<int>(st.column_int(1));
    q.authority_name = st.column_text(2);
    q.published_on = st.column_optional_text(3);
    q.url = st.column_text(4);
    q.path = st.column_text(5);
    q.sha256 = st.column_text(6);
    q.failure = st.column_text(7);
    q.reason = st.column_text(8);
    q.program_version = st.column_text(9);
    q.rules_version = st.column_text(10);
    q.first_failed_at = st.column_text(11);
    q.last_failed_at = st.column_text(12);
    q.attempts = static_cast<int>(st.column_int(13));
    out.push_back(std::move(q));
  }
  return out;
}

// ---- HTTP cache -------------------------------------------------------------------

std::optional<HttpCacheEntry> Store::http_cache(const std::string& url) {
  auto st = db_.prepare("SELECT etag, last_modified FROM http_cache WHERE url = ?1");
  st.bind(1, url);
  if (!st.step()) return std::nullopt;
  return HttpCacheEntry{st.column_optional_text(0), st.column_optional_text(1)};
}

void Store::save_http_cache(const std::string& url, const HttpCacheEntry& entry, int status) {
  Transaction tx(db_);
  auto st = db_.prepare(
      "INSERT INTO http_cache (url, etag, last_modified, status, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
      "status = excluded.status, fetched_at = excluded.fetched_at");
  st.bind(1, url).bind(2, entry.etag).bind(3, entry.last_modified).bind(4, status).bind(5, timestamp_now());
  st.run();
  tx.commit();
}

}  // namespace jtai::store

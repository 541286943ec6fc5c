#include "refresh/status.hpp"

#include "store/health.hpp"
#include "store/migrations.hpp"

#include <signal.h>

#include <cerrno>
#include <iomanip>
#include <sstream>

#include "common/error.hpp"
#include "common/process.hpp"
#include "crawler/rule_usage.hpp"
#include "refresh/lock.hpp"
#include "refresh/reextract.hpp"
#include "store/db.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"

namespace jtai::refresh {

namespace fs = std::filesystem;
using store::Db;

namespace {

int count(Db& db, const char* sql) {
  auto st = db.prepare(sql);
  return st.step() ? static_cast<int>(st.column_int(0)) : 0;
}

// A stored warnings array as "code: message" lines, counting the codes.
std::vector<std::string> warning_lines(const std::string& text, std::map<std::string, int>& by_code) {
  std::vector<std::string> out;
  try {
    auto j = nlohmann::json::parse(text);
    if (j.is_array())
      for (const auto& item : j) {
        if (item.is_string()) {  // stored before warnings had codes
          out.push_back(item.get<std::string>());
          ++by_code["legacy"];
        } else if (item.is_object()) {
          out.push_back(item.value("code", "") + ": " + item.value("message", ""));
          ++by_code[item.value("code", "")];
        }
      }
  } catch (const std::exception&) {
    if (!text.empty() && text != "[]") out.push_back(text);
  }
  return out;
}

std::vector<RunInfo> read_runs(Db& db, int limit) {
  std::vector<RunInfo> runs;
  for (auto& row : store::read_recent_runs(db, limit)) {
    RunInfo r;
    static_cast<store::RunRow&>(r) = std::move(row);
    r.abandoned = r.status == store::RunStatus::running && !process_alive(r.pid);
    runs.push_back(std::move(r));
  }
  return runs;
}

// Letters named by a query returning (authority name, date).
std::vector<std::string> letters(Db& db, const std::string& sql, const RunInfo& run) {
  std::vector<std::string> out;
  auto st = db.prepare(sql);
  st.bind(1, run.started_at);
  st.bind(2, run.ended_at.value_or("9999"));
  while (st.step()) out.push_back(letter_name(st.column_text(0), st.column_optional_text(1)));
  return out;
}

// Letters whose extraction stored during `run` has other findings (or kind,
// or headline findings) than the extraction before it. First extractions of
// new letters are not changes.
std::vector<std::string> findings_changed_in(Db& db, const RunInfo& run) {
  std::vector<std::string> out;
  auto st = db.prepare(
      "SELECT a.name, COALESCE(e.letter_date, p.published_on) FROM extractions e "
      "JOIN publications p ON p.id = e.publication_id JOIN authorities a ON a.urn = p.urn "
      "JOIN extractions b ON b.id = (SELECT MAX(x.id) FROM extractions x "
      "                              WHERE x.publication_id = e.publication_id AND x.id < e.id) "
      "WHERE e.extracted_at >= ?1 AND e.extracted_at <= ?2 AND ("
      "  e.kind IS NOT b.kind OR e.headline_findings IS NOT b.headline_findings "
      "  OR e.no_priority_actions IS NOT b.no_priority_actions "
      "  OR EXISTS (SELECT section, position, title, text FROM findings WHERE extraction_id = e.id "
      "             EXCEPT SELECT section, position, title, text FROM findings WHERE extraction_id = b.id) "
      "  OR EXISTS (SELECT section, position, title, text FROM findings WHERE extraction_id = b.id "
      "             EXCEPT SELECT section, position, title, text FROM findings WHERE extraction_id = e.id)) "
      "ORDER BY a.name, p.published_on");
  st.bind(1, run.started_at);
  st.bind(2, run.ended_at.value_or("9999"));
  while (st.step()) out.push_back(letter_name(st.column_text(0), st.column_optional_text(1)));
  return out;
}

std::string plural(int n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

StatusReport read_status(const fs::path& data_dir, int max_runs, bool full_check) {
  fs::path db_path = data_dir / store::kDatabaseName;
  if (!fs::exists(db_path))
    throw Error("no jtai database in " + data_dir.string() + " (" + db_path.string() +
                " does not exist); run `jtai refresh --data " + data_dir.string() + "` first");
  Db db(db_path, /*read_only=*/true);
  if (store::schema_version(db) == 0)
    throw Error(db_path.string() + " is not a jtai database (schema version 0); run `jtai refresh --data " +
                data_dir.string() + "` first");

  StatusReport report;
  report.data_dir = fs::absolute(data_dir).lexically_normal();
  report.check_kind = full_check ? "integrity_check" : "quick_check";
  report.store_problems = store::check_database(db, full_check);
  if (!report.store_problems.empty()) return report;  // nothing else is worth reading from a damaged store
  if (active_lock_holder(data_dir)) report.running = describe_lock_holder(data_dir);

  report.authorities = count(db, "SELECT COUNT(*) FROM authorities");
  report.jtai_letters = count(db, "SELECT COUNT(*) FROM publications WHERE kind = 'jtai'");
  report.stored_letters = count(db, "SELECT COUNT(*) FROM publications p JOIN files f ON f.publication_id = p.id "
                                    "WHERE p.kind = 'jtai'");
  report.gone_letters = count(db, "SELECT COUNT(*) FROM publications WHERE kind = 'jtai' AND gone_since IS NOT NULL");
  report.not_jtai = count(db, "SELECT COUNT(*) FROM extractions WHERE is_current = 1 AND kind = 'not_jtai'");
  {
    auto st = db.prepare(
        "SELECT a.name, p.published_on, COALESCE(e.reason, '') FROM extractions e "
        "JOIN publications p ON p.id = e.publication_id JOIN authorities a ON a.urn = p.urn "
        "WHERE e.is_current = 1 AND e.kind = 'error' ORDER BY a.name, p.published_on");
    while (st.step())
      report.unreadable.push_back(letter_name(st.column_text(0), st.column_optional_text(1)) + ": " +
                                  st.column_text(2));
  }
  report.findings = count(db, "SELECT COUNT(*) FROM findings f JOIN extractions e ON e.id = f.extraction_id "
                              "WHERE e.is_current = 1");
  {
    auto st = db.prepare("SELECT rules_version, COUNT(*) FROM extractions WHERE is_current = 1 "
                         "GROUP BY rules_version ORDER BY COUNT(*) DESC");
    while (st.step()) report.rules_versions.emplace_back(st.column_text(0), static_cast<int>(st.column_int(1)));
  }
  report.runs = read_runs(db, max_runs);
  for (const auto& run : store::read_recent_runs(db, 50)) {
    if (run.command != "crawl" && run.command != "refresh") continue;
    if (run.selectors.empty() || run.selectors == "{}") continue;
    report.selectors_run = run.id;
    report.selector_warnings = crawler::RuleUsage::from_json(run.selectors).warnings();
    break;
  }

  if (!report.runs.empty()) {
    const RunInfo& last = report.runs.front();
    report.last_run_new_letters = letters(
        db,
        "SELECT a.name, p.published_on FROM publications p JOIN authorities a ON a.urn = p.urn "
        "WHERE p.kind = 'jtai' AND p.first_seen >= ?1 AND p.first_seen <= ?2 ORDER BY a.name, p.published_on",
        last);
    report.last_run_extracted = letters(
        db,
        "SELECT a.name, COALESCE(e.letter_date, p.published_on) FROM extractions e "
        "JOIN publications p ON p.id = e.publication_id JOIN authorities a ON a.urn = p.urn "
        "WHERE e.extracted_at >= ?1 AND e.extracted_at <= ?2 ORDER BY a.name, p.published_on",
        last);
    report.last_run_findings_changed = findings_changed_in(db, last);
    report.last_run_gone = letters(
        db,
        "SELECT a.name, p.published_on FROM publications p JOIN authorities a ON a.urn = p.urn "
        "WHERE p.kind = 'jtai' AND p.gone_since >= ?1 AND p.gone_since <= ?2 ORDER BY a.name, p.published_on",
        last);
  }

  auto st = db.prepare(
      "SELECT a.urn, a.name, COALESCE(e.letter_date, p.published_on), e.warnings FROM extractions e "
      "JOIN publications p ON p.id = e.publication_id JOIN authorities a ON a.urn = p.urn "
      "WHERE e.is_current = 1 AND e.warnings NOT IN ('', '[]') ORDER BY a.name, p.published_on");
  while (st.step()) {
    WarnedLetter w;
    w.urn = static_cast<int>(st.column_int(0));
    w.letter = letter_name(st.column_text(1), st.column_optional_text(2));
    w.warnings = warning_lines(st.column_text(3), report.warnings_by_code);
    if (!w.warnings.empty()) report.warned.push_back(std::move(w));
  }
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'quarantine'").step())
    report.quarantined = store::read_quarantined(db);  // an older store, read as it is, has no quarantine yet
  return report;
}

std::string format_status(const StatusReport& r) {
  std::ostringstream s;
  s << "Data directory: " << r.data_dir.string() << "\n";
  if (!r.store_problems.empty()) {
    s << "Store: DAMAGED (" << r.check_kind << "): " << r.store_problems << "\n  "
      << store::restore_hint(r.data_dir) << "\n";
    return s.str();
  }
  s << "Store: " << r.check_kind << " ok\n";
  s << "Now: " << (r.running.empty() ? std::string("no run in progress") : r.running + " is running") << "\n";
  s << "Stored: " << r.authorities << " authorities, " << r.jtai_letters << " JTAI letters listed ("
    << r.stored_letters << " with the PDF stored, " << r.gone_letters << " no longer listed), " << r.findings
    << " findings in current extractions";
  if (r.not_jtai) s << ", " << plural(r.not_jtai, "stored letter", "stored letters") << " extracted as not_jtai";
  s << "\n";
  if (!r.rules_versions.empty()) {
    s << "Rules versions of current extractions:";
    for (const auto& [version, n] : r.rules_versions) s << " " << version.substr(0, 12) << " (" << n << ")";
    s << "\n";
  }

  s << "\nLast runs (newest first):\n";
  if (r.runs.empty()) s << "  none yet\n";
  else {
    s << "  " << std::left << std::setw(5) << "run" << std::setw(10) << "command" << std::setw(26) << "started"
      << std::setw(26) << "ended" << std::setw(10) << "status" << std::right << std::setw(6) << "auth"
      << std::setw(6) << "jtai" << std::setw(6) << "dl" << std::setw(6) << "new" << std::setw(7) << "extr"
      << std::setw(9) << "changed" << std::setw(8) << "errors" << "\n";
    for (const auto& run : r.runs) {
      std::string status = run.shown_status();
      s << "  " << std::left << std::setw(5) << run.id << std::setw(10) << run.command << std::setw(26)
        << run.started_at << std::setw(26) << run.ended_at.value_or("-") << std::setw(10)
        << status << std::right << std::setw(6) << run.counts.authorities_seen << std::setw(6) << run.counts.jtai_seen
        << std::setw(6) << run.counts.downloads << std::setw(6) << run.counts.new_letters << std::setw(7) << run.counts.extracted
        << std::setw(9) << run.counts.changed_findings << std::setw(8) << run.counts.errors << "\n";
    }
    const RunInfo& last = r.runs.front();
    s << "\nLast run (#" << last.id << " " << last.command << ", " << last.shown_status()
      << "):\n";
    if (last.summary && !last.summary->empty()) s << "  " << *last.summary << "\n";
    auto list = [&](const char* title, const std::vector<std::string>& items) {
      s << "  " << title << ": " << items.size() << "\n";
      for (const auto& item : items) s << "    " << item << "\n";
    };
    list("New letters", r.last_run_new_letters);
    s << "  Extractions stored: " << r.last_run_extracted.size() << "\n";
    list("Letters whose findings changed", r.last_run_findings_changed);
    list("Letters no longer listed", r.last_run_gone);
    list("Messages", last.messages);
  }

  if (!r.selector_warnings.empty()) {
    s << "\nWarning: site.toml selectors fell back in run #" << r.selectors_run
      << " (the site's markup has moved; check `jtai check-site` and update rules/site.toml):\n";
    for (const auto& w : r.selector_warnings) s << "  " << w << "\n";
  }
  if (!r.unreadable.empty()) {
    s << "\nStored letters the extractor could not read: " << r.unreadable.size() << "\n";
    for (const auto& u : r.unreadable) s << "  " << u << "\n";
  }
  s << "\nQuarantined letters (the PDF parser crashed or passed a limit; tried again when jtai or the rules "
       "change, or with --retry-failed): "
    << r.quarantined.size() << "\n";
  for (const auto& q : r.quarantined)
    s << "  " << letter_name(q.authority_name, q.published_on) << " (URN " << q.urn << "): " << q.failure << ": "
      << q.reason << "; " << q.attempts << " attempt(s), last " << q.last_failed_at << "; " << q.path << "\n";
  s << "\nLetters with extraction warnings: " << r.warned.size() << "\n";
  if (!r.warnings_by_code.empty()) {
    s << "  by code:";
    bool first = true;
    for (const auto& [code, n] : r.warnings_by_code) {
      s << (first ? " " : ", ") << code << " " << n;
      first = false;
    }
    s << "\n";
  }
  for (const auto& w : r.warned) {
    s << "  " << w.letter << " (URN " << w.urn << "): ";
    for (size_t i = 0; i < w.warnings.size(); ++i) s << (i ? "; " : "") << w.warnings[i];
    s << "\n";
  }
  return s.str();
}

nlohmann::ordered_json status_to_json(const StatusReport& r) {
  nlohmann::ordered_json j;
  j["data_dir"] = r.data_dir.string();
  j["running"] = r.running.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.running);
  j["authorities"] = r.authorities;
  j["jtai_letters"] = r.jtai_letters;
  j["stored_letters"] = r.stored_letters;
  j["gone_letters"] = r.gone_letters;
  j["not_jtai"] = r.not_jtai;
  j["unreadable"] = r.unreadable;
  j["findings"] = r.findings;
  auto& versions = j["rules_versions"] = nlohmann::ordered_json::object();
  for (const auto& [version, n] : r.rules_versions) versions[version] = n;
  auto& runs = j["runs"] = nlohmann::ordered_json::array();
  for (const auto& run : r.runs) {
    runs.push_back({{"id", run.id},
                    {"command", run.command},
                    {"site", run.site},
                    {"started_at", run.started_at},
                    {"ended_at", run.ended_at ? nlohmann::ordered_json(*run.ended_at) : nlohmann::ordered_json(nullptr)},
                    {"status", run.shown_status()},
                    {"authorities_seen", run.counts.authorities_seen},
                    {"jtai_seen", run.counts.jtai_seen},
                    {"requests", run.counts.requests},
                    {"bytes", run.counts.bytes},
                    {"downloads", run.counts.downloads},
                    {"new_letters", run.counts.new_letters},
                    {"extracted", run.counts.extracted},
                    {"changed_findings", run.counts.changed_findings},
                    {"errors", run.counts.errors},
                    {"messages", run.messages},
                    {"summary", run.summary.value_or("")}});
  }
  j["last_run"] = {{"new_letters", r.last_run_new_letters},
                   {"extracted", r.last_run_extracted},
                   {"findings_changed", r.last_run_findings_changed},
                   {"gone", r.last_run_gone}};
  j["store_check"] = {{"kind", r.check_kind}, {"ok", r.store_problems.empty()}, {"problems", r.store_problems}};
  auto& quarantined = j["quarantined"] = nlohmann::ordered_json::array();
  for (const auto& q : r.quarantined)
    quarantined.push_back({{"urn", q.urn},
                           {"letter", letter_name(q.authority_name, q.published_on)},
                           {"url", q.url},
                           {"path", q.path},
                           {"failure", q.failure},
                           {"reason", q.reason},
                           {"attempts", q.attempts},
                           {"first_failed_at", q.first_failed_at},
                           {"last_failed_at", q.last_failed_at},
                           {"program_version", q.program_version},
                           {"rules_version", q.rules_version}});
  j["warnings_by_code"] = r.warnings_by_code;
  j["selector_warnings"] = {{"run", r.selectors_run}, {"warnings", r.selector_warnings}};
  auto& warned = j["letters_with_warnings"] = nlohmann::ordered_json::array();
  for (const auto& w : r.warned) warned.push_back({{"urn", w.urn}, {"letter", w.letter}, {"warnings", w.warnings}});
  return j;
}

}  // namespace jtai::refresh

#include "export/dataset.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/error.hpp"
#include "export/report_view.hpp"
#include "export/scratch.hpp"
#include "store/db.hpp"

namespace jtai::exporter {

namespace fs = std::filesystem;

std::string Inspection::sort_date() const {
  for (const auto* d : {&report.letter_date, &report.inspection_end, &report.inspection_start, &published_on})
    if (*d && !(*d)->empty()) return **d;
  return {};
}

std::string section_label(const std::string& section) {
  if (section == "priority_action") return "priority action";
  if (section == "improvement") return "improvement";
  if (section == "strength") return "strength";
  if (section == "case_study") return "case study";
  return section;
}

namespace {

std::optional<RunInfo> load_last_run(store::Db& db) {
  // The newest run that says where the data came from; a refresh exporting at
  // its end is itself still 'running', which is fine: its crawl is done.
  auto st = db.prepare(
      "SELECT command, coalesce(site, ''), started_at, ended_at, status FROM runs "
      "ORDER BY (site IS NULL OR site = ''), started_at DESC, id DESC LIMIT 1");
  if (!st.step()) return std::nullopt;
  return RunInfo{st.column_text(0), st.column_text(1), st.column_text(2), st.column_optional_text(3),
                 st.column_text(4)};
}

std::string load_data_as_of(store::Db& db) {
  auto st = db.prepare(
      "SELECT max(x) FROM ("
      " SELECT max(extracted_at) AS x FROM extractions"
      " UNION ALL SELECT max(fetched_at) FROM files"
      " UNION ALL SELECT max(coalesce(ended_at, started_at)) FROM runs)");
  return st.step() ? st.column_text(0) : std::string();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Strings as "<length>:<bytes>" one after another: exact for any bytes.
std::string pack(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += std::to_string(s.size()) + ":" + s;
  return out;
}

std::vector<std::string> unpack(const std::string& packed) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < packed.size()) {
    const size_t colon = packed.find(':', at);
    const size_t n = std::stoul(packed.substr(at, colon - at));
    out.push_back(packed.substr(colon + 1, n));
    at = colon + 1 + n;
  }
  return out;
}

void fill_authority(Inspection& in, const AuthorityTable& authorities) {
  if (const Authority* a = authorities.find(in.urn)) {
    in.in_authority_table = true;
    in.authority = a->name;
    in.la_code = a->la_code;
    in.ltla23cd = a->ltla23cd;
    in.region_code = a->region_code;
    in.rgn22cd = a->rgn22cd;
    in.region_name = a->region_name;
  } else {
    in.authority = in.ofsted_name;
  }
}

}  // namespace

struct Dataset::Impl {
  const AuthorityTable& authorities;
  store::Db db;
  // entries: one row per letter to show, as much as ordering needs;
  // issues: the known issues, details packed (see pack).
  store::Db scratch = open_scratch_db();
  Impl(const fs::path& path, const AuthorityTable& a) : authorities(a), db(path, /*read_only=*/true) {
    scratch.exec(
        "CREATE TABLE entries (publication_id INTEGER, urn INTEGER, authority_key TEXT, sort_date TEXT, file_id TEXT);"
        "CREATE TABLE issues (authority_key TEXT, urn INTEGER, letter_date TEXT, url TEXT, problem TEXT, "
        "                     authority TEXT, title TEXT, details BLOB)");
  }
  ~Impl() {
    try {
      db.exec("COMMIT");
    } catch (...) {
    }
  }

  void add_issue(const ExtractionIssue& issue, DatasetInfo& info) {
    auto& st = scratch.cached("INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, lower(issue.authority)).bind(2, issue.urn).bind(3, issue.letter_date).bind(4, issue.url);
    st.bind(5, issue.problem).bind(6, issue.authority).bind(7, issue.title);
    st.bind_blob(8, pack(issue.details));
    st.run();
    ++info.issue_count;
  }
};

Dataset::~Dataset() = default;

Dataset::Dataset(const fs::path& data_dir, const AuthorityTable& authorities) {
  const fs::path db_path = data_dir / "jtai.sqlite";
  if (!fs::exists(db_path))
    throw Error("no store at " + db_path.string() + " (run `jtai crawl --data " + data_dir.string() + "` first)");
  impl_ = std::make_unique<Impl>(db_path, authorities);
  store::Db& db = impl_->db;
  db.exec("BEGIN");

  // The index: every JTAI publication, without the report text.
  auto st = db.prepare(
      "SELECT p.id, p.urn, a.name, p.file_id, p.url, p.title, p.published_on, "
      "       e.id, e.kind, e.reason, e.letter_date, e.inspection_end, e.inspection_start, f.id IS NOT NULL, "
      "       q.failure, q.reason "
      "FROM publications p JOIN authorities a ON a.urn = p.urn "
      "LEFT JOIN files f ON f.publication_id = p.id "
      "LEFT JOIN quarantine q ON q.publication_id = p.id "
      "LEFT JOIN extractions e ON e.publication_id = p.id AND e.is_current = 1 "
      "WHERE p.kind = 'jtai' ORDER BY p.id");
  auto add_entry = impl_->scratch.prepare("INSERT INTO entries VALUES (?, ?, ?, ?, ?)");
  while (st.step()) {
    ++info_.jtai_publications;
    Inspection in;  // only the authority fields are used here
    in.urn = static_cast<int>(st.column_int(1));
    in.ofsted_name = st.column_text(2);
    fill_authority(in, authorities);
    const bool has_file = st.column_int(13) != 0;
    const bool has_extraction = !st.column_is_null(7);
    const std::string kind = st.column_text(8);
    ExtractionIssue issue{in.urn, in.authority, st.column_text(4), st.column_text(5), st.column_optional_text(10), "", {}};
    if (!st.column_is_null(14)) {
      issue.problem = "quarantined";
      issue.details.push_back(st.column_text(14) + ": " + st.column_text(15) +
                              " (tried again when the program or rules change, or with --retry-failed)");
    } else if (!has_file) {
      issue.problem = "not_downloaded";
      issue.details.push_back("the PDF has not been downloaded yet");
    } else if (!has_extraction) {
      issue.problem = "not_extracted";
      issue.details.push_back("the PDF has not been extracted yet");
    } else if (kind == "error" || kind == "not_jtai") {
      issue.problem = kind;
      issue.details.push_back(st.column_text(9));
    }
    if (!issue.problem.empty()) {
      impl_->add_issue(issue, info_);
      continue;
    }
    std::string sort_date;
    for (int c : {10, 11, 12, 6})
      if (sort_date.empty()) sort_date = st.column_text(c);
    add_entry.reset();
    add_entry.bind(1, st.column_int(0)).bind(2, in.urn).bind(3, lower(in.authority)).bind(4, sort_date);
    add_entry.bind(5, st.column_text(3)).run();
    ++info_.inspections;
  }
  auto distinct = impl_->scratch.prepare("SELECT count(DISTINCT urn) FROM entries");
  info_.authorities = distinct.step() ? static_cast<int>(distinct.column_int(0)) : 0;

  auto versions = db.prepare(
      "SELECT DISTINCT e.rules_version FROM extractions e JOIN publications p ON p.id = e.publication_id "
      "WHERE e.is_current = 1 AND e.kind = 'jtai' AND p.kind = 'jtai' ORDER BY 1");
  while (versions.step()) info_.rules_versions.push_back(versions.column_text(0));
  info_.last_run = load_last_run(db);
  info_.data_as_of = load_data_as_of(db);
}

void Dataset::for_each(const std::function<void(const Inspection&)>& visit) {
  auto st = impl_->db.prepare(
      "SELECT p.urn, a.name, p.file_id, p.url, p.title, p.published_on, p.first_seen, p.gone_since, "
      "       f.sha256, f.size, e.extracted_at, e.report_json "
      "FROM publications p JOIN authorities a ON a.urn = p.urn "
      "JOIN files f ON f.publication_id = p.id "
      "JOIN extractions e ON e.publication_id = p.id AND e.is_current = 1 "
      "WHERE p.id = ?");
  // Byte-wise (BINARY) order, as std::string compares; rowid keeps ties stable.
  auto order = impl_->scratch.prepare(
      "SELECT publication_id FROM entries ORDER BY authority_key, urn, sort_date, file_id, rowid");
  int shown = 0, authorities = 0, last_urn = 0;
  while (order.step()) {
    st.reset();
    st.bind(1, order.column_int(0));
    if (!st.step()) continue;  // cannot happen inside the read transaction
    Inspection in;
    in.urn = static_cast<int>(st.column_int(0));
    in.ofsted_name = st.column_text(1);
    fill_authority(in, impl_->authorities);
    in.file_id = st.column_text(2);
    in.url = st.column_text(3);
    in.title = st.column_text(4);
    in.published_on = st.column_optional_text(5);
    in.first_seen = st.column_text(6);
    in.gone_since = st.column_optional_text(7);
    in.sha256 = st.column_text(8);
    in.size = st.column_int(9);
    in.extracted_at = st.column_text(10);
    try {
      in.report = extract::report_from_json(nlohmann::json::parse(st.column_text(11)));
    } catch (const std::exception& e) {
      impl_->add_issue({in.urn, in.authority, in.url, in.title, std::nullopt, "error",
                        {std::string("the stored record cannot be read: ") + e.what()}},
                       info_);
      continue;
    }
    if (!in.report.warnings.empty())
      impl_->add_issue({in.urn, in.authority, in.url, in.title, in.report.letter_date, "warnings", warning_lines(in.report)}, info_);
    if (!in.report.overrides.empty())
      impl_->add_issue({in.urn, in.authority, in.url, in.title, in.report.letter_date, "overrides", override_lines(in.report)}, info_);
    if (!in.in_authority_table)
      impl_->add_issue({in.urn, in.authority, in.url, in.title, in.report.letter_date, "unknown_authority",
                        {"URN " + std::to_string(in.urn) + " is not in rules/authority_table.toml: no codes"}},
                       info_);
    ++shown;
    // The order keeps each URN's letters together: counting changes counts authorities.
    if (shown == 1 || in.urn != last_urn) ++authorities;
    last_urn = in.urn;
    visit(in);
  }
  info_.inspections = shown;
  info_.authorities = authorities;
}

void Dataset::for_each_issue(const std::function<void(const ExtractionIssue&)>& visit) {
  // The order of the former in-memory stable sort: rowid is the order they were found in.
  auto st = impl_->scratch.prepare(
      "SELECT urn, authority, url, title, letter_date, problem, details FROM issues "
      "ORDER BY authority_key, urn, coalesce(letter_date, ''), url, problem, rowid");
  while (st.step()) {
    ExtractionIssue issue{static_cast<int>(st.column_int(0)), st.column_text(1), st.column_text(2), st.column_text(3),
                          st.column_optional_text(4), st.column_text(5), {}};
    issue.details = unpack(st.column_blob(6));
    visit(issue);
  }
}

}  // namespace jtai::exporter

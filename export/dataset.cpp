#include "export/dataset.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <tuple>

#include "common/error.hpp"
#include "export/report_view.hpp"
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

// One letter to show, as much as ordering needs (a few dozen bytes).
struct Entry {
  int64_t publication_id = 0;
  int urn = 0;
  std::string authority_key;  // lower-case display name
  std::string sort_date;
  std::string file_id;
};

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
  std::vector<Entry> entries;
  Impl(const fs::path& path, const AuthorityTable& a) : authorities(a), db(path, /*read_only=*/true) {}
  ~Impl() {
    try {
      db.exec("COMMIT");
    } catch (...) {
    }
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
  std::set<int> urns;
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
      info_.issues.push_back(std::move(issue));
      continue;
    }
    std::string sort_date;
    for (int c : {10, 11, 12, 6})
      if (sort_date.empty()) sort_date = st.column_text(c);
    impl_->entries.push_back({st.column_int(0), in.urn, lower(in.authority), std::move(sort_date), st.column_text(3)});
    urns.insert(in.urn);
  }
  std::sort(impl_->entries.begin(), impl_->entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.authority_key, a.urn, a.sort_date, a.file_id) <
           std::tie(b.authority_key, b.urn, b.sort_date, b.file_id);
  });
  info_.inspections = static_cast<int>(impl_->entries.size());
  info_.authorities = static_cast<int>(urns.size());

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
  int shown = 0;
  std::set<int> urns;
  for (const Entry& entry : impl_->entries) {
    st.reset();
    st.bind(1, entry.publication_id);
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
      info_.issues.push_back({in.urn, in.authority, in.url, in.title, std::nullopt, "error",
                              {std::string("the stored record cannot be read: ") + e.what()}});
      continue;
    }
    if (!in.report.warnings.empty())
      info_.issues.push_back({in.urn, in.authority, in.url, in.title, in.report.letter_date, "warnings", warning_lines(in.report)});
    if (!in.report.overrides.empty())
      info_.issues.push_back({in.urn, in.authority, in.url, in.title, in.report.letter_date, "overrides", override_lines(in.report)});
    if (!in.in_authority_table)
      info_.issues.push_back({in.urn, in.authority, in.url, in.title, in.report.letter_date, "unknown_authority",
                              {"URN " + std::to_string(in.urn) + " is not in rules/authority_table.toml: no codes"}});
    ++shown;
    urns.insert(in.urn);
    visit(in);
  }
  info_.inspections = shown;
  info_.authorities = static_cast<int>(urns.size());
  std::stable_sort(info_.issues.begin(), info_.issues.end(), [](const ExtractionIssue& a, const ExtractionIssue& b) {
    return std::make_tuple(lower(a.authority), a.urn, a.letter_date.value_or(""), a.url, a.problem) <
           std::make_tuple(lower(b.authority), b.urn, b.letter_date.value_or(""), b.url, b.problem);
  });
}

}  // namespace jtai::exporter

#include "export/dataset.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/error.hpp"
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

}  // namespace

Dataset load_dataset(const fs::path& data_dir, const AuthorityTable& authorities) {
  const fs::path db_path = data_dir / "jtai.sqlite";
  if (!fs::exists(db_path))
    throw Error("no store at " + db_path.string() + " (run `jtai crawl --data " + data_dir.string() + "` first)");
  store::Db db(db_path, /*read_only=*/true);
  // One read transaction: every query sees the same snapshot even while a crawl writes.
  db.exec("BEGIN");
  struct EndRead {
    store::Db& db;
    ~EndRead() {
      try {
        db.exec("COMMIT");
      } catch (...) {
      }
    }
  } end_read{db};

  Dataset data;
  auto st = db.prepare(
      "SELECT p.urn, a.name, p.file_id, p.url, p.title, p.published_on, p.first_seen, p.gone_since, "
      "       f.sha256, f.size, e.id, e.kind, e.reason, e.rules_version, e.extracted_at, "
      "       e.letter_date, e.report_json, f.id IS NOT NULL "
      "FROM publications p JOIN authorities a ON a.urn = p.urn "
      "LEFT JOIN files f ON f.publication_id = p.id "
      "LEFT JOIN extractions e ON e.publication_id = p.id AND e.is_current = 1 "
      "WHERE p.kind = 'jtai' ORDER BY p.id");
  while (st.step()) {
    ++data.jtai_publications;
    Inspection in;
    in.urn = static_cast<int>(st.column_int(0));
    in.ofsted_name = st.column_text(1);
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
    in.file_id = st.column_text(2);
    in.url = st.column_text(3);
    in.title = st.column_text(4);
    in.published_on = st.column_optional_text(5);
    in.first_seen = st.column_text(6);
    in.gone_since = st.column_optional_text(7);
    in.sha256 = st.column_text(8);
    in.size = st.column_int(9);
    const bool has_file = st.column_int(17) != 0;
    const bool has_extraction = !st.column_is_null(10);
    const std::string kind = st.column_text(11);

    ExtractionIssue issue{in.urn, in.authority, in.url, in.title, st.column_optional_text(15), "", {}};
    if (!has_file) {
      issue.problem = "not_downloaded";
      issue.details.push_back("the PDF has not been downloaded yet");
    } else if (!has_extraction) {
      issue.problem = "not_extracted";
      issue.details.push_back("the PDF has not been extracted yet");
    } else if (kind == "error") {
      issue.problem = "error";
      issue.details.push_back(st.column_text(12));
    } else if (kind == "not_jtai") {
      issue.problem = "not_jtai";
      issue.details.push_back(st.column_text(12));
    }
    if (!issue.problem.empty()) {
      data.issues.push_back(std::move(issue));
      continue;
    }

    in.extracted_at = st.column_text(14);
    try {
      in.report = extract::report_from_json(nlohmann::json::parse(st.column_text(16)));
    } catch (const std::exception& e) {
      data.issues.push_back({in.urn, in.authority, in.url, in.title, std::nullopt, "error",
                             {std::string("the stored record cannot be read: ") + e.what()}});
      continue;
    }
    if (!in.report.warnings.empty()) {
      std::vector<std::string> details;
      for (const auto& w : in.report.warnings) details.push_back(w.code + ": " + w.message);
      data.issues.push_back({in.urn, in.authority, in.url, in.title, in.report.letter_date, "warnings", std::move(details)});
    }
    if (!in.report.overrides.empty()) {
      std::vector<std::string> details;
      for (const auto& o : in.report.overrides) details.push_back(o.rule + (o.reason.empty() ? "" : ": " + o.reason));
      data.issues.push_back({in.urn, in.authority, in.url, in.title, in.report.letter_date, "overrides", std::move(details)});
    }
    if (!in.in_authority_table)
      data.issues.push_back({in.urn, in.authority, in.url, in.title, in.report.letter_date, "unknown_authority",
                             {"URN " + std::to_string(in.urn) + " is not in rules/authority_table.toml: no codes"}});
    data.inspections.push_back(std::move(in));
  }

  std::stable_sort(data.inspections.begin(), data.inspections.end(), [](const Inspection& a, const Inspection& b) {
    return std::make_tuple(lower(a.authority), a.urn, a.sort_date(), a.file_id) <
           std::make_tuple(lower(b.authority), b.urn, b.sort_date(), b.file_id);
  });
  std::stable_sort(data.issues.begin(), data.issues.end(), [](const ExtractionIssue& a, const ExtractionIssue& b) {
    return std::make_tuple(lower(a.authority), a.urn, a.letter_date.value_or(""), a.url, a.problem) <
           std::make_tuple(lower(b.authority), b.urn, b.letter_date.value_or(""), b.url, b.problem);
  });

  std::set<std::string> versions;
  for (const auto& in : data.inspections) versions.insert(in.report.rules_version);
  data.rules_versions.assign(versions.begin(), versions.end());
  data.last_run = load_last_run(db);
  data.data_as_of = load_data_as_of(db);
  return data;
}

}  // namespace jtai::exporter

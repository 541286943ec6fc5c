#include "export/export.hpp"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <iostream>
#include <set>

#include "common/authority_table.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "export/changes.hpp"
#include "export/context.hpp"
#include "export/csv_writer.hpp"
#include "export/directory_swap.hpp"
#include "export/html_writer.hpp"
#include "export/json_writer.hpp"
#include "export/output_file.hpp"
#include "export/report_view.hpp"
#include "export/tables.hpp"
#include "export/xlsx_writer.hpp"

namespace jtai::exporter {

namespace fs = std::filesystem;

std::string inspection_key(const Inspection& in) { return in.file_id.empty() ? in.url : in.file_id; }

std::string describe(const Inspection& in) {
  std::string s = in.authority;
  std::string date = in.report.letter_date.value_or(in.sort_date());
  if (!date.empty()) s += ", letter of " + date;
  if (in.report.theme) s += " (" + *in.report.theme + ")";
  return s;
}

std::string year_of(const Inspection& in) {
  for (const auto* d : {&in.report.inspection_start, &in.report.letter_date, &in.report.inspection_end, &in.published_on})
    if (*d && d->value().size() >= 4 && std::all_of(d->value().begin(), d->value().begin() + 4, ::isdigit))
      return d->value().substr(0, 4);
  return "unknown";
}

namespace {

constexpr const char* kTempPrefix = ".tmp-";

bool is_iso_date(const std::string& s) {
  int y = 0, m = 0, d = 0;
  char extra = 0;
  if (s.size() != 10) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (i == 4 || i == 7 ? s[i] != '-' : !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  time_t t = timegm(&tm);
  std::tm back{};
  gmtime_r(&t, &back);
  return back.tm_year == y - 1900 && back.tm_mon == m - 1 && back.tm_mday == d;
}

// Staging directories left by an export that died; ones of a live process stay.
void remove_abandoned_staging(const fs::path& exports) {
  std::error_code ec;
  std::vector<fs::path> abandoned;
  for (const auto& entry : fs::directory_iterator(exports, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(kTempPrefix, 0) != 0) continue;
    long pid = std::strtol(name.c_str() + name.rfind('-') + 1, nullptr, 10);
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;
    abandoned.push_back(entry.path());
  }
  for (const auto& path : abandoned) fs::remove_all(path, ec);
}

// The newest dated export before `date` that can be compared with.
std::optional<std::pair<std::string, ChangeTracker>> find_previous_export(const fs::path& exports,
                                                                          const std::string& date) {
  std::vector<std::string> dates;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(exports, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && is_iso_date(name) && name < date &&
        (fs::exists(entry.path() / kFingerprintsName) || fs::exists(entry.path() / kJsonName)))
      dates.push_back(name);
  }
  std::sort(dates.rbegin(), dates.rend());
  for (const auto& d : dates) {
    try {
      return std::make_pair(d, ChangeTracker::load(exports / d));
    } catch (const Error&) {
      continue;  // a damaged earlier export: compare with the one before it
    }
  }
  return std::nullopt;
}

// dst gets a hard link to every file under src (a copy where the file system
// cannot link): latest/ costs no second copy of the data.
void link_tree(const fs::path& src, const fs::path& dst) {
  fs::create_directories(dst);
  std::vector<fs::directory_entry> entries{fs::directory_iterator(src), fs::directory_iterator()};
  for (const auto& entry : entries) {
    const fs::path target = dst / entry.path().filename();
    if (entry.is_directory()) {
      link_tree(entry.path(), target);
      continue;
    }
    std::error_code ec;
    fs::create_hard_link(entry.path(), target, ec);
    if (ec) {
      fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing);
      sync_path(target, false);
    }
  }
  sync_path(dst, true);
}

void sync_tree(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    sync_path(entry.path(), entry.is_directory());
  sync_path(dir, true);
}

// The agencies a finding counts under in trends.
std::vector<std::string> trend_agencies(const FindingItem& f) {
  if (!f.agency.empty()) return {f.agency};
  std::vector<std::string> out;
  size_t start = 0;
  while (start < f.agencies.size()) {
    size_t end = f.agencies.find("; ", start);
    if (end == std::string::npos) end = f.agencies.size();
    if (end > start) out.push_back(f.agencies.substr(start, end - start));
    start = end + 2;
  }
  if (out.empty()) out.push_back("(none named)");
  return out;
}

struct PassResult {
  XlsxStats xlsx;
};

// One pass over the inspections feeds every writer; nothing keeps the rows.
PassResult write_export_files(const fs::path& dir, const fs::path& workdir, Dataset& data, ExportContext& ctx,
                              ChangeTracker& tracker, const ExportOptions& options) {
  PassResult out;
  XlsxOptions xo;
  xo.tmpdir = workdir;
  xo.zip64 = data.info().inspections > 5000;  // the findings sheet may pass 4 GB inside the zip
  if (options.limits.xlsx_rows) xo.row_limit = options.limits.xlsx_rows;
  XlsxWriter xlsx(dir / kXlsxName, ctx, xo);
  CsvWriter summary_csv(dir / kCsvNames[0], summary_spec());
  CsvWriter inspections_csv(dir / kCsvNames[1], inspections_spec());
  CsvWriter findings_csv(dir / kCsvNames[2], findings_spec());
  CsvWriter changes_csv(dir / kChangesName, changes_spec());
  JsonWriter json(dir / kJsonName, ctx);
  HtmlWriter html(dir, ctx);
  OutputFile fingerprints(dir / kFingerprintsName);
  Totals& t = ctx.totals;

  Row pending_summary;
  int pending_urn = -1;
  auto flush_summary = [&] {
    if (pending_urn < 0) return;
    xlsx.add_summary(pending_summary);
    summary_csv.add(pending_summary);
    ++t.authorities;
  };
  data.for_each([&](const Inspection& in) {
    ++t.inspections;
    Row row = inspection_row(in);
    if (in.urn != pending_urn) flush_summary();
    pending_urn = in.urn;
    xlsx.add_inspection(row);
    inspections_csv.add(row);
    pending_summary = std::move(row);
    for (const Row& f : finding_rows(in)) {
      xlsx.add_finding(f);
      findings_csv.add(f);
      ++t.findings;
    }
    const std::string focus = focus_of(in.report);
    const std::string region = in.region_name.empty() ? "(unknown region)" : in.region_name;
    ++t.focus_by_year[focus.empty() ? "(other / unknown)" : focus][year_of(in)];
    ++t.region_inspections[region];
    for (const auto& f : findings_of(in.report)) {
      ++t.region_by_section[region][section_label(f.section)];
      for (const auto& a : trend_agencies(f)) ++t.section_by_agency[section_label(f.section)][a];
    }
    std::vector<Change> changes = tracker.compare(in);
    for (const auto& c : changes) {
      ++t.changes[c.change];
      if (c.change == "new letter") {
        if (t.new_letters_listed.size() < kListedNewLetters) t.new_letters_listed.push_back(describe(in));
        json.add_new_key(inspection_key(in));
      }
      changes_csv.add({c.change, in.authority, std::to_string(in.urn), in.report.letter_date.value_or(""),
                       c.section[0] ? section_label(c.section) : "", c.number ? std::to_string(c.number) : "",
                       c.text, in.url});
    }
    json.add(in);
    html.add(in, changes);
    fingerprints.write(fingerprint_lines(in));
  });
  flush_summary();

  std::set<std::string> agencies;
  for (const auto& [section, by_agency] : t.section_by_agency)
    for (const auto& [agency, n] : by_agency)
      if (agency != "(none named)") agencies.insert(agency);
  out.xlsx = xlsx.finish(ctx);
  json.finish(ctx);
  html.finish(ctx, {agencies.begin(), agencies.end()});
  summary_csv.close();
  inspections_csv.close();
  findings_csv.close();
  changes_csv.close();
  fingerprints.close();
  return out;
}

}  // namespace

ExportResult run_export(const ExportOptions& options) {
  const std::string date = options.date.empty() ? utc_today_iso() : options.date;
  if (!is_iso_date(date)) throw Error("export date '" + date + "' is not a YYYY-MM-DD date");
  const fs::path rules_dir = options.rules_dir.empty() ? find_rules_dir() : options.rules_dir;
  const AuthorityTable authorities = AuthorityTable::load(rules_dir);
  Dataset data(options.data_dir, authorities);

  const fs::path exports = options.data_dir / "exports";
  try {
    fs::create_directories(exports);
  } catch (const fs::filesystem_error& e) {
    throw ExportWriteError(std::string("cannot create the exports directory: ") + e.what());
  }
  remove_abandoned_staging(exports);

  ExportContext ctx{data.info(), date, std::nullopt, false, {}};
  ctx.for_each_issue = [&data](const std::function<void(const ExtractionIssue&)>& visit) { data.for_each_issue(visit); };
  ExportResult result;
  ChangeTracker tracker;
  if (auto previous = find_previous_export(exports, date)) {
    ctx.previous_export = previous->first;
    result.compared_with = previous->first;
    tracker = std::move(previous->second);
    ctx.previous_items_known = tracker.items_known();
  }

  const std::string pid = std::to_string(::getpid());
  const fs::path staged = exports / (kTempPrefix + date + "-" + pid);
  const fs::path staged_latest = exports / (std::string(kTempPrefix) + "latest-" + pid);
  const fs::path workdir = exports / (std::string(kTempPrefix) + "work-" + pid);
  PassResult pass;
  try {
    for (const auto& d : {staged, staged_latest, workdir}) fs::remove_all(d);
    fs::create_directories(staged);
    fs::create_directories(workdir);
    pass = write_export_files(staged, workdir, data, ctx, tracker, options);
    fs::remove_all(workdir);
    sync_tree(staged);
    link_tree(staged, staged_latest);
    replace_directory(staged, exports / date);
    replace_directory(staged_latest, exports / "latest");
    sync_path(exports, true);
  } catch (const std::exception& e) {
    std::error_code ec;
    for (const auto& d : {staged, staged_latest, workdir}) fs::remove_all(d, ec);
    throw ExportWriteError("export to " + (exports / date).string() + " failed, earlier exports left as they were: " +
                           e.what());
  }

  result.dir = exports / date;
  result.latest_dir = exports / "latest";
  result.authorities = ctx.totals.authorities;
  result.inspections = ctx.totals.inspections;
  result.findings = ctx.totals.findings;
  result.known_issues = data.info().issue_count;
  result.truncated_cells = pass.xlsx.truncated_cells;
  result.plain_links = pass.xlsx.plain_links;
  result.continued_sheets = pass.xlsx.continued;
  result.changes = ctx.totals.changes;
  result.new_since_last_export = ctx.totals.new_letters_listed;
  result.new_letters = ctx.totals.changes["new letter"];
  return result;
}

}  // namespace jtai::exporter

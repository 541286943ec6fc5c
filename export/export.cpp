#include "export/export.hpp"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>

#include "common/authority_table.hpp"
#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "export/context.hpp"
#include "export/csv_writer.hpp"
#include "export/directory_swap.hpp"
#include "export/html_writer.hpp"
#include "export/json_writer.hpp"
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

struct PreviousExport {
  std::string date;
  std::set<std::string> keys;
};

// The newest dated export before `date` whose jtai.json can be read.
std::optional<PreviousExport> find_previous_export(const fs::path& exports, const std::string& date) {
  std::vector<std::string> dates;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(exports, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && is_iso_date(name) && name < date && fs::exists(entry.path() / kJsonName))
      dates.push_back(name);
  }
  std::sort(dates.rbegin(), dates.rend());
  for (const auto& d : dates) {
    try {
      return PreviousExport{d, inspection_keys_in(read_file(exports / d / kJsonName))};
    } catch (const Error&) {
      continue;  // a damaged earlier export: compare with the one before it
    }
  }
  return std::nullopt;
}

void write_export_files(const fs::path& dir, const ExportContext& ctx, ExportResult& result) {
  XlsxStats stats = write_xlsx(dir / kXlsxName, ctx);
  sync_path(dir / kXlsxName, false);
  result.truncated_cells = stats.truncated_cells;
  write_file_atomic(dir / kCsvNames[0], to_csv(summary_table(ctx.data)));
  write_file_atomic(dir / kCsvNames[1], to_csv(inspections_table(ctx.data)));
  Table findings = findings_table(ctx.data);
  result.findings = static_cast<int>(findings.rows.size());
  write_file_atomic(dir / kCsvNames[2], to_csv(findings));
  write_file_atomic(dir / kJsonName, to_json(ctx).dump(2) + "\n");
  write_file_atomic(dir / kHtmlName, to_html(ctx));
  sync_path(dir, true);
}

}  // namespace

ExportResult run_export(const ExportOptions& options) {
  const std::string date = options.date.empty() ? utc_today_iso() : options.date;
  if (!is_iso_date(date)) throw Error("export date '" + date + "' is not a YYYY-MM-DD date");
  const fs::path rules_dir = options.rules_dir.empty() ? find_rules_dir() : options.rules_dir;
  const AuthorityTable authorities = AuthorityTable::load(rules_dir);
  const Dataset data = load_dataset(options.data_dir, authorities);

  const fs::path exports = options.data_dir / "exports";
  try {
    fs::create_directories(exports);
  } catch (const fs::filesystem_error& e) {
    throw ExportWriteError(std::string("cannot create the exports directory: ") + e.what());
  }
  remove_abandoned_staging(exports);

  ExportContext ctx{data, date, std::nullopt, {}};
  ExportResult result;
  if (auto previous = find_previous_export(exports, date)) {
    ctx.previous_export = previous->date;
    result.compared_with = previous->date;
    for (const auto& in : data.inspections)
      if (!previous->keys.count(inspection_key(in))) {
        ctx.new_since_last_export.push_back(&in);
        result.new_since_last_export.push_back(describe(in));
      }
  }

  const std::string pid = std::to_string(::getpid());
  const fs::path staged = exports / (kTempPrefix + date + "-" + pid);
  const fs::path staged_latest = exports / (std::string(kTempPrefix) + "latest-" + pid);
  try {
    fs::remove_all(staged);
    fs::create_directories(staged);
    write_export_files(staged, ctx, result);
    fs::remove_all(staged_latest);
    fs::copy(staged, staged_latest, fs::copy_options::recursive);
    for (const auto& entry : fs::directory_iterator(staged_latest)) sync_path(entry.path(), false);
    sync_path(staged_latest, true);
    replace_directory(staged, exports / date);
    replace_directory(staged_latest, exports / "latest");
    sync_path(exports, true);
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove_all(staged, ec);
    fs::remove_all(staged_latest, ec);
    throw ExportWriteError("export to " + (exports / date).string() + " failed, earlier exports left as they were: " +
                           e.what());
  }

  result.dir = exports / date;
  result.latest_dir = exports / "latest";
  result.authorities = static_cast<int>(latest_per_authority(data).size());
  result.inspections = static_cast<int>(data.inspections.size());
  result.known_issues = static_cast<int>(data.issues.size());
  return result;
}

}  // namespace jtai::exporter

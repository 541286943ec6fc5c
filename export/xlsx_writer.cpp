#include "export/xlsx_writer.hpp"

#include <xlsxwriter.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include "common/error.hpp"
#include "export/cell_text.hpp"
#include "export/tables.hpp"

namespace jtai::exporter {

namespace {

using WorkbookPtr = std::unique_ptr<lxw_workbook, decltype(&lxw_workbook_free)>;

std::optional<lxw_datetime> parse_iso_date(const std::string& s) {
  int y = 0, m = 0, d = 0;
  char extra = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) return std::nullopt;
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return lxw_datetime{y, m, d, 0, 0, 0.0};
}

// "2026-11-22T01:30:37Z" (or just a date) as a time_t; 0 when unreadable.
time_t parse_utc_instant(const std::string& s) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int n = std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec);
  if (n < 3) return 0;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  if (n == 6) {
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
  }
  return timegm(&tm);
}

class SheetWriter {
 public:
  SheetWriter(lxw_workbook* wb, XlsxStats& stats) : stats_(stats) {
    header_ = workbook_add_format(wb);
    format_set_bold(header_);
    format_set_text_wrap(header_);
    format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(header_, 0xDDEBF7);
    format_set_bottom(header_, LXW_BORDER_THIN);
    text_ = workbook_add_format(wb);
    format_set_align(text_, LXW_ALIGN_VERTICAL_TOP);
    number_ = workbook_add_format(wb);  // left-aligned like the codes beside it
    format_set_align(number_, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(number_, LXW_ALIGN_LEFT);
    wrap_ = workbook_add_format(wb);
    format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(wrap_);
    date_ = workbook_add_format(wb);
    format_set_align(date_, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(date_, "yyyy-mm-dd");
    url_ = workbook_add_format(wb);
    format_set_align(url_, LXW_ALIGN_VERTICAL_TOP);
    format_set_underline(url_, LXW_UNDERLINE_SINGLE);
    format_set_font_color(url_, LXW_COLOR_BLUE);
    format_set_hyperlink(url_);
    title_ = workbook_add_format(wb);
    format_set_bold(title_);
    format_set_font_size(title_, 14);
    bold_ = workbook_add_format(wb);
    format_set_bold(bold_);
    format_set_align(bold_, LXW_ALIGN_VERTICAL_TOP);
  }

  // The table with a frozen, filtered header row; returns the next free row.
  lxw_row_t write_table(lxw_worksheet* ws, const Table& table, lxw_row_t first_row, bool freeze,
                        double row_height = 0) {
    worksheet_set_row(ws, first_row, 30, nullptr);  // two lines: headers wrap
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Column& col = table.columns[c];
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), col.width, nullptr);
      text(ws, first_row, c, col.header, header_);
    }
    lxw_row_t r = first_row + 1;
    for (const auto& row : table.rows) {
      if (row_height > 0) worksheet_set_row(ws, r, row_height, nullptr);
      for (size_t c = 0; c < row.size(); ++c) cell(ws, r, c, table.columns[c], row[c]);
      ++r;
    }
    const lxw_col_t last_col = static_cast<lxw_col_t>(table.columns.size() - 1);
    worksheet_autofilter(ws, first_row, 0, r > first_row + 1 ? r - 1 : first_row, last_col);
    if (freeze) worksheet_freeze_panes(ws, first_row + 1, 0);
    return r;
  }

  void cell(lxw_worksheet* ws, lxw_row_t r, size_t c, const Column& col, const std::string& value) {
    if (value.empty()) return;
    const lxw_col_t cc = static_cast<lxw_col_t>(c);
    switch (col.type) {
      case CellType::date:
        if (auto d = parse_iso_date(value)) {
          worksheet_write_datetime(ws, r, cc, &*d, date_);
          return;
        }
        break;
      case CellType::integer:
        if (value.find_first_not_of("0123456789") == std::string::npos && value.size() < 15) {
          worksheet_write_number(ws, r, cc, std::stod(value), number_);
          return;
        }
        break;
      case CellType::url:
        // Excel refuses links over 2,079 characters; such a URL stays plain text.
        if (value.size() <= 2079 && worksheet_write_url_opt(ws, r, cc, value.c_str(), url_, value.c_str(),
                                                            nullptr) == LXW_NO_ERROR)
          return;
        break;
      case CellType::text:
        break;
    }
    text(ws, r, c, value, col.wrap ? wrap_ : text_);
  }

  // The only way text reaches a cell: worksheet_write_string never makes a formula.
  void text(lxw_worksheet* ws, lxw_row_t r, size_t c, const std::string& value, lxw_format* format) {
    FittedCell fitted = fit_excel_cell(strip_control_characters(value));
    if (fitted.truncated) ++stats_.truncated_cells;
    lxw_error err = worksheet_write_string(ws, r, static_cast<lxw_col_t>(c), fitted.text.c_str(), format);
    if (err != LXW_NO_ERROR) throw Error(std::string("cannot write a spreadsheet cell: ") + lxw_strerror(err));
  }

  lxw_format* title() const { return title_; }
  lxw_format* bold() const { return bold_; }
  lxw_format* wrap() const { return wrap_; }
  lxw_format* url() const { return url_; }

 private:
  XlsxStats& stats_;
  lxw_format *header_, *text_, *number_, *wrap_, *date_, *url_, *title_, *bold_;
};

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

void write_about(lxw_worksheet* ws, SheetWriter& w, const ExportContext& ctx, int finding_rows,
                 const XlsxStats& stats) {
  const Dataset& data = ctx.data;
  worksheet_set_column(ws, 0, 0, 34, nullptr);
  worksheet_set_column(ws, 1, 1, 90, nullptr);
  lxw_row_t r = 0;
  w.text(ws, r++, 0, "Ofsted Joint Targeted Area Inspection (JTAI) findings, gathered and extracted by jtai", w.title());
  ++r;
  auto pair = [&](const std::string& key, const std::string& value) {
    w.text(ws, r, 0, key, w.bold());
    if (!value.empty()) w.text(ws, r, 1, value, w.wrap());
    ++r;
  };
  pair("export date", ctx.export_date);
  if (data.last_run) {
    const RunInfo& run = *data.last_run;
    if (!run.site.empty() && run.site.size() <= 2079 &&
        (run.site.rfind("http://", 0) == 0 || run.site.rfind("https://", 0) == 0)) {
      w.text(ws, r, 0, "gathered from", w.bold());
      worksheet_write_url_opt(ws, r, 1, run.site.c_str(), w.url(), run.site.c_str(), nullptr);
      ++r;
    } else {
      pair("gathered from", run.site.empty() ? "(not recorded)" : run.site);
    }
    pair("last run", run.command + " started " + run.started_at +
                         (run.ended_at ? ", ended " + *run.ended_at : std::string(", not finished")) + ", status " +
                         run.status);
  } else {
    pair("gathered from", "(no run recorded in the store)");
  }
  pair("data as of", data.data_as_of);
  pair("JTAI letters listed on the site", std::to_string(data.jtai_publications));
  pair("inspections in this export", std::to_string(data.inspections.size()));
  pair("authorities with a JTAI", std::to_string(latest_per_authority(data).size()));
  pair("finding items", std::to_string(finding_rows));
  pair("known extraction issues", std::to_string(data.issues.size()));
  pair("rules version(s)", join(data.rules_versions, ", "));
  pair("cells truncated", std::to_string(stats.truncated_cells) +
                              (stats.truncated_cells
                                   ? " cell(s) exceeded Excel's 32,767-character limit and end with \"" +
                                         std::string(kTruncationMarker.substr(1)) + "\""
                                   : std::string(" (no cell exceeded Excel's 32,767-character limit)")));
  pair("sheets", "summary: each authority's latest JTAI; inspections: every JTAI letter; findings: one row per "
                 "item; about: this sheet. Lists inside a cell have one item per line.");
  pair("formulas", "Every text cell is stored as text, never as a formula: text that begins with =, +, - or @ is "
                   "shown exactly as the letter has it. The CSV files prefix such text with an apostrophe (').");
  pair("codes", "LA code: DfE; LTLA23CD: ONS lower-tier local authority (2023); region code: DfE/ONS region.");
  ++r;
  w.text(ws, r++, 0, "Known extraction issues (" + std::to_string(data.issues.size()) + ")", w.title());
  if (data.issues.empty()) {
    w.text(ws, r, 0, "none: every JTAI letter was extracted without warnings", w.wrap());
    return;
  }
  Table issues = issues_table(data);
  // The issue table shares columns A and B with the key/value rows above: keep them wide.
  issues.columns[0].width = 34;
  issues.columns[1].width = 90;
  w.write_table(ws, issues, r, /*freeze=*/false);
}

}  // namespace

XlsxStats write_xlsx(const std::filesystem::path& path, const ExportContext& ctx) {
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.use_zip64 = LXW_FALSE;
  WorkbookPtr wb(workbook_new_opt(path.c_str(), &options), &lxw_workbook_free);
  if (!wb) throw Error("cannot create " + path.string());

  lxw_doc_properties props{};
  props.title = const_cast<char*>("JTAI findings");
  props.subject = const_cast<char*>("Ofsted Joint Targeted Area Inspection letters: findings by local authority");
  props.author = const_cast<char*>("jtai");
  props.comments = const_cast<char*>("Generated by jtai export from its SQLite store");
  const std::string as_of = ctx.data.data_as_of.empty() ? ctx.export_date : ctx.data.data_as_of;
  props.created = parse_utc_instant(as_of);
  if (props.created == 0) props.created = parse_utc_instant(ctx.export_date);
  workbook_set_properties(wb.get(), &props);

  XlsxStats stats;
  SheetWriter w(wb.get(), stats);
  lxw_worksheet* summary = workbook_add_worksheet(wb.get(), "summary");
  lxw_worksheet* inspections = workbook_add_worksheet(wb.get(), "inspections");
  lxw_worksheet* findings = workbook_add_worksheet(wb.get(), "findings");
  lxw_worksheet* about = workbook_add_worksheet(wb.get(), "about");

  w.write_table(summary, summary_table(ctx.data), 0, true, 90);
  w.write_table(inspections, inspections_table(ctx.data), 0, true, 90);
  Table f = findings_table(ctx.data);
  w.write_table(findings, f, 0, true);
  write_about(about, w, ctx, static_cast<int>(f.rows.size()), stats);

  errno = 0;
  lxw_error err = workbook_close(wb.release());
  const int os_error = errno;  // e.g. ENOSPC behind libxlsxwriter's generic zip error
  if (err != LXW_NO_ERROR)
    throw Error("cannot write " + path.filename().string() + ": " + lxw_strerror(err) +
                (os_error ? std::string(" (") + std::strerror(os_error) + ")" : std::string()));
  return stats;
}

}  // namespace jtai::exporter

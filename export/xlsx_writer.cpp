#include "export/xlsx_writer.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <set>

#include "common/error.hpp"
#include "export/cell_text.hpp"

namespace jtai::exporter {

namespace {

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

// Lines a wrapped cell needs at a column width (characters): each paragraph
// takes at least one line; a line holds about `width` characters.
int wrapped_lines(const std::string& text, double width) {
  const size_t per_line = std::max<size_t>(1, static_cast<size_t>(width * 1.1));
  int lines = 0;
  size_t chars = 0;
  auto end_paragraph = [&] { lines += static_cast<int>(std::max<size_t>(1, (chars + per_line - 1) / per_line)); chars = 0; };
  for (unsigned char c : text) {
    if (c == '\n') end_paragraph();
    else if ((c & 0xC0) != 0x80) ++chars;
  }
  end_paragraph();
  return lines;
}

constexpr double kLineHeight = 15;

void print_setup(lxw_worksheet* ws, bool repeat_header) {
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // A4
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
  worksheet_set_footer(ws, "&L&A&RPage &P of &N");
  if (repeat_header) worksheet_repeat_rows(ws, 0, 0);
}

struct Formats {
  lxw_format *header, *text, *number, *wrap, *date, *url, *title, *bold;
  explicit Formats(lxw_workbook* wb) {
    header = workbook_add_format(wb);
    format_set_bold(header);
    format_set_text_wrap(header);
    format_set_align(header, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(header, 0xDDEBF7);
    format_set_bottom(header, LXW_BORDER_THIN);
    text = workbook_add_format(wb);
    format_set_align(text, LXW_ALIGN_VERTICAL_TOP);
    number = workbook_add_format(wb);  // left-aligned like the codes beside it
    format_set_align(number, LXW_ALIGN_VERTICAL_TOP);
    format_set_align(number, LXW_ALIGN_LEFT);
    wrap = workbook_add_format(wb);
    format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(wrap);
    date = workbook_add_format(wb);
    format_set_align(date, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(date, "yyyy-mm-dd");
    url = workbook_add_format(wb);
    format_set_align(url, LXW_ALIGN_VERTICAL_TOP);
    format_set_underline(url, LXW_UNDERLINE_SINGLE);
    format_set_font_color(url, LXW_COLOR_BLUE);
    format_set_hyperlink(url);
    title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    format_set_align(title, LXW_ALIGN_VERTICAL_TOP);
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_align(bold, LXW_ALIGN_VERTICAL_TOP);
    format_set_text_wrap(bold);
  }
};

// Writes cells: text never becomes a formula, long text is cut to Excel's limit.
class Cells {
 public:
  Cells(const Formats& f, XlsxStats& stats) : f_(f), stats_(stats) {}

  void text(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& value, lxw_format* format) {
    FittedCell fitted = fit_excel_cell(strip_control_characters(value));
    if (fitted.truncated) ++stats_.truncated_cells;
    lxw_error err = worksheet_write_string(ws, r, c, fitted.text.c_str(), format);
    if (err != LXW_NO_ERROR) throw Error(std::string("cannot write a spreadsheet cell: ") + lxw_strerror(err));
  }

  void number(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, double v) { worksheet_write_number(ws, r, c, v, f_.number); }

  // A link cell (see hyperlink_formula); false when the URL cannot be one.
  bool link(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& url) {
    const std::string formula = hyperlink_formula(url);
    if (formula.empty()) return false;
    lxw_error err = worksheet_write_formula_str(ws, r, c, formula.c_str(), f_.url, url.c_str());
    if (err != LXW_NO_ERROR) throw Error(std::string("cannot write a spreadsheet cell: ") + lxw_strerror(err));
    return true;
  }

  // A typed cell. A URL becomes a =HYPERLINK formula with the URL as its cached
  // text; one a formula cannot hold stays plain text (counted, reported once).
  void cell(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const Column& col, const std::string& value) {
    if (value.empty()) return;
    switch (col.type) {
      case CellType::date:
        if (auto d = parse_iso_date(value)) {
          worksheet_write_datetime(ws, r, c, &*d, f_.date);
          return;
        }
        break;
      case CellType::integer:
        if (value.find_first_not_of("0123456789") == std::string::npos && value.size() < 15) {
          number(ws, r, c, std::stod(value));
          return;
        }
        break;
      case CellType::url:
        if (link(ws, r, c, value)) return;
        ++stats_.plain_links;
        break;
      case CellType::text:
        break;
    }
    text(ws, r, c, value, col.wrap ? f_.wrap : f_.text);
  }

 private:
  const Formats& f_;
  XlsxStats& stats_;
};

// One table written row by row, continued on "name (2)", ... at the row limit.
class StreamSheet {
 public:
  StreamSheet(lxw_workbook* wb, const TableSpec& spec, const Formats& f, Cells& cells, XlsxStats& stats,
              uint32_t row_limit, double max_row_height)
      : wb_(wb), spec_(spec), f_(f), cells_(cells), stats_(stats), row_limit_(row_limit), max_height_(max_row_height) {
    open(spec.name);
  }

  void add(const Row& row) {
    if (row_ >= row_limit_) {
      close_sheet();
      std::string name = spec_.name + " (" + std::to_string(sheets_.size() + 1) + ")";
      stats_.continued.push_back(name);
      open(name);
    }
    int lines = 1;
    for (size_t c = 0; c < row.size(); ++c)
      if (spec_.columns[c].wrap) lines = std::max(lines, wrapped_lines(row[c], spec_.columns[c].width));
    if (lines > 1) worksheet_set_row(ws_, row_, std::min(max_height_, lines * kLineHeight), nullptr);
    for (size_t c = 0; c < row.size(); ++c)
      cells_.cell(ws_, row_, static_cast<lxw_col_t>(c), spec_.columns[c], row[c]);
    ++row_;
  }

  void finish() { close_sheet(); }

 private:
  void open(const std::string& name) {
    ws_ = workbook_add_worksheet(wb_, name.c_str());
    if (!ws_) throw Error("cannot add the sheet " + name);
    sheets_.push_back(ws_);
    row_ = 0;
    worksheet_set_row(ws_, 0, 30, nullptr);  // two lines: headers wrap
    for (size_t c = 0; c < spec_.columns.size(); ++c) {
      const Column& col = spec_.columns[c];
      worksheet_set_column(ws_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), col.width, nullptr);
      cells_.text(ws_, 0, static_cast<lxw_col_t>(c), col.header, f_.header);
    }
    row_ = 1;
    print_setup(ws_, true);
    worksheet_freeze_panes(ws_, 1, static_cast<lxw_col_t>(authority_column(spec_) + 1));
  }

  void close_sheet() {
    const lxw_col_t last_col = static_cast<lxw_col_t>(spec_.columns.size() - 1);
    worksheet_autofilter(ws_, 0, 0, row_ > 1 ? row_ - 1 : 0, last_col);
  }

  lxw_workbook* wb_;
  const TableSpec& spec_;
  const Formats& f_;
  Cells& cells_;
  XlsxStats& stats_;
  uint32_t row_limit_;
  double max_height_;
  std::vector<lxw_worksheet*> sheets_;
  lxw_worksheet* ws_ = nullptr;
  lxw_row_t row_ = 0;
};

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string with_commas(long long n) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

int t_count(const ExportContext& ctx, const std::string& kind) {
  auto it = ctx.totals.changes.find(kind);
  return it == ctx.totals.changes.end() ? 0 : it->second;
}

}  // namespace

struct XlsxWriter::Impl {
  std::filesystem::path path;
  lxw_workbook* wb = nullptr;
  XlsxStats stats;
  XlsxOptions options;
  std::string tmpdir;
  std::unique_ptr<Formats> formats;
  std::unique_ptr<Cells> cells;
  std::unique_ptr<StreamSheet> summary, inspections, findings;
  ~Impl() {
    if (wb) lxw_workbook_free(wb);
  }

  void write_trends(const ExportContext& ctx);
  void write_about(const ExportContext& ctx);
  void write_glossary();
};

XlsxWriter::XlsxWriter(const std::filesystem::path& path, const ExportContext& ctx, const XlsxOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.path = path;
  m.options = options;
  m.tmpdir = options.tmpdir.string();
  lxw_workbook_options wo{};
  wo.constant_memory = LXW_TRUE;
  wo.tmpdir = m.tmpdir.empty() ? nullptr : m.tmpdir.data();
  wo.use_zip64 = options.zip64 ? LXW_TRUE : LXW_FALSE;
  m.wb = workbook_new_opt(path.c_str(), &wo);
  if (!m.wb) throw Error("cannot create " + path.string());

  lxw_doc_properties props{};
  props.title = const_cast<char*>("JTAI findings");
  props.subject = const_cast<char*>("Ofsted Joint Targeted Area Inspection letters: findings by local authority");
  props.author = const_cast<char*>("jtai");
  props.comments = const_cast<char*>("Generated by jtai export from its SQLite store");
  const std::string as_of = ctx.info.data_as_of.empty() ? ctx.export_date : ctx.info.data_as_of;
  props.created = parse_utc_instant(as_of);
  if (props.created == 0) props.created = parse_utc_instant(ctx.export_date);
  workbook_set_properties(m.wb, &props);

  m.formats = std::make_unique<Formats>(m.wb);
  m.cells = std::make_unique<Cells>(*m.formats, m.stats);
  m.summary = std::make_unique<StreamSheet>(m.wb, summary_spec(), *m.formats, *m.cells, m.stats, options.row_limit, 120);
  m.inspections =
      std::make_unique<StreamSheet>(m.wb, inspections_spec(), *m.formats, *m.cells, m.stats, options.row_limit, 120);
  m.findings = std::make_unique<StreamSheet>(m.wb, findings_spec(), *m.formats, *m.cells, m.stats, options.row_limit, 300);
}

XlsxWriter::~XlsxWriter() = default;

void XlsxWriter::add_summary(const Row& row) { impl_->summary->add(row); }
void XlsxWriter::add_inspection(const Row& row) { impl_->inspections->add(row); }
void XlsxWriter::add_finding(const Row& row) { impl_->findings->add(row); }

void XlsxWriter::Impl::write_trends(const ExportContext& ctx) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "trends");
  print_setup(ws, false);
  worksheet_set_column(ws, 0, 0, 40, nullptr);
  worksheet_set_column(ws, 1, 40, 11, nullptr);
  worksheet_freeze_panes(ws, 0, 1);
  const Totals& t = ctx.totals;
  lxw_row_t r = 0;
  // A cross-table: a title, a header row, one row per key, a total column.
  auto cross = [&](const std::string& title, const std::string& corner,
                   const std::map<std::string, std::map<std::string, int>>& data, std::vector<std::string> cols,
                   std::vector<std::string> row_order = {}) {
    if (row_order.empty())
      for (const auto& [key, counts] : data) row_order.push_back(key);
    cells->text(ws, r++, 0, title, formats->title);
    worksheet_set_row(ws, r, 30, nullptr);
    cells->text(ws, r, 0, corner, formats->header);
    for (size_t c = 0; c < cols.size(); ++c) cells->text(ws, r, static_cast<lxw_col_t>(c + 1), cols[c], formats->header);
    cells->text(ws, r, static_cast<lxw_col_t>(cols.size() + 1), "total", formats->header);
    ++r;
    std::map<std::string, int> column_totals;
    int grand = 0;
    for (const auto& key : row_order) {
      auto found = data.find(key);
      if (found == data.end()) continue;
      const auto& counts = found->second;
      cells->text(ws, r, 0, key, formats->wrap);
      int total = 0;
      for (size_t c = 0; c < cols.size(); ++c) {
        auto it = counts.find(cols[c]);
        int n = it == counts.end() ? 0 : it->second;
        cells->number(ws, r, static_cast<lxw_col_t>(c + 1), n);
        total += n;
        column_totals[cols[c]] += n;
      }
      cells->number(ws, r, static_cast<lxw_col_t>(cols.size() + 1), total);
      grand += total;
      ++r;
    }
    cells->text(ws, r, 0, "total", formats->bold);
    for (size_t c = 0; c < cols.size(); ++c) cells->number(ws, r, static_cast<lxw_col_t>(c + 1), column_totals[cols[c]]);
    cells->number(ws, r, static_cast<lxw_col_t>(cols.size() + 1), grand);
    r += 2;
  };
  std::set<std::string> years, agencies;
  for (const auto& [focus, by_year] : t.focus_by_year)
    for (const auto& [year, n] : by_year) years.insert(year);
  for (const auto& [section, by_agency] : t.section_by_agency)
    for (const auto& [agency, n] : by_agency) agencies.insert(agency);
  cross("Inspections by focus and year (of the fieldwork, else the letter)", "focus", t.focus_by_year,
        {years.begin(), years.end()});
  std::vector<std::string> section_rows;
  for (const char* s : kSections) section_rows.push_back(section_label(s));
  cross("Findings by section and agency (the subheading's agency, else each agency the text names)", "section",
        t.section_by_agency, {agencies.begin(), agencies.end()}, section_rows);
  std::map<std::string, std::map<std::string, int>> regions = t.region_by_section;
  for (const auto& [region, n] : t.region_inspections) regions[region]["inspections"] = n;
  std::vector<std::string> region_cols = {"inspections"};
  for (const char* s : kSections) region_cols.push_back(section_label(s));
  cross("Inspections and findings by region", "region", regions, region_cols);
}

void XlsxWriter::Impl::write_about(const ExportContext& ctx) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "about");
  print_setup(ws, false);
  const DatasetInfo& info = ctx.info;
  constexpr double kKeyWidth = 34, kValueWidth = 90;
  worksheet_set_column(ws, 0, 0, kKeyWidth, nullptr);
  worksheet_set_column(ws, 1, 1, kValueWidth, nullptr);
  lxw_row_t r = 0;
  worksheet_set_row(ws, r, 24, nullptr);
  cells->text(ws, r++, 0, "Ofsted Joint Targeted Area Inspection (JTAI) findings, gathered and extracted by jtai", formats->title);
  ++r;
  // Each row is as tall as its wrapped text, so no row's text runs over the next.
  auto pair = [&](const std::string& key, const std::string& value) {
    int lines = std::max(wrapped_lines(key, kKeyWidth), wrapped_lines(value, kValueWidth));
    worksheet_set_row(ws, r, std::min(409.0, lines * kLineHeight), nullptr);
    cells->text(ws, r, 0, key, formats->bold);
    if (!value.empty()) cells->text(ws, r, 1, value, formats->wrap);
    ++r;
  };
  pair("export date", ctx.export_date);
  if (info.last_run) {
    const RunInfo& run = *info.last_run;
    if (!hyperlink_formula(run.site).empty()) {
      cells->text(ws, r, 0, "gathered from", formats->bold);
      cells->link(ws, r, 1, run.site);
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
  pair("data as of", info.data_as_of);
  pair("JTAI letters listed on the site", with_commas(info.jtai_publications));
  pair("inspections in this export", with_commas(ctx.totals.inspections));
  pair("authorities with a JTAI", with_commas(ctx.totals.authorities));
  pair("finding items", with_commas(ctx.totals.findings));
  pair("known extraction issues", with_commas(info.issue_count));
  pair("rules version(s)", join(info.rules_versions, ", "));
  pair("cells truncated", with_commas(stats.truncated_cells) +
                              (stats.truncated_cells
                                   ? " cell(s) exceeded Excel's 32,767-character limit and end with \"" +
                                         std::string(kTruncationMarker.substr(1)) + "\""
                                   : std::string(" (no cell exceeded Excel's 32,767-character limit)")));
  pair("sheets continued",
       stats.continued.empty()
           ? std::string("none: every table fits Excel's 1,048,576 rows per sheet")
           : "Excel allows 1,048,576 rows per sheet: the table continues on " + join(stats.continued, ", ") +
                 " (same columns, the header repeated). The CSV files hold every row in one file.");
  // The issue table below is written after this line: count its plain-text links now.
  int plain_links = stats.plain_links;
  ctx.for_each_issue([&](const ExtractionIssue& issue) {
    if (!issue.url.empty() && hyperlink_formula(issue.url).empty()) ++plain_links;
  });
  pair("links written as text",
       plain_links ? with_commas(plain_links) + " link(s) are plain text: a link is a HYPERLINK formula, whose URL "
                                                "may hold at most 255 characters and must be http(s)"
                   : std::string("none: every link is a HYPERLINK formula showing its URL"));
  if (ctx.previous_export)
    pair("changed since last export", "compared with the export of " + *ctx.previous_export + ": " +
                                          with_commas(t_count(ctx, "new letter")) + " new letter(s), " +
                                          with_commas(t_count(ctx, "changed item")) + " changed, " +
                                          with_commas(t_count(ctx, "new item")) + " new and " +
                                          with_commas(t_count(ctx, "removed item")) + " removed item(s): see changes.csv");
  else
    pair("changed since last export", "this is the first export here: nothing to compare with");
  pair("sheets", "summary: each authority's latest JTAI; inspections: every JTAI letter; findings: one row per item; "
                 "trends: counts by focus and year, section and agency, region; about: this sheet; glossary: every "
                 "column of every sheet and file. Lists inside a cell have one item per line.");
  pair("formulas", "Every text cell is stored as text, never as a formula: text that begins with =, +, - or @ is "
                   "shown exactly as the letter has it. The CSV files prefix such text with an apostrophe (').");
  pair("codes", "LA code: DfE; LTLA23CD: ONS lower-tier local authority (2023); region code: DfE/ONS region.");
  ++r;
  worksheet_set_row(ws, r, 24, nullptr);
  cells->text(ws, r++, 0, "Known extraction issues (" + with_commas(info.issue_count) + ")", formats->title);
  if (info.issue_count == 0) {
    cells->text(ws, r, 0, "none: every JTAI letter was extracted without warnings", formats->wrap);
    return;
  }
  // The issue table shares columns A and B with the key/value rows above: keep them wide.
  TableSpec spec = issues_spec();
  spec.columns[0].width = kKeyWidth;
  spec.columns[1].width = kValueWidth;
  worksheet_set_row(ws, r, 30, nullptr);
  const lxw_row_t header = r;
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    if (c > 1) worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), spec.columns[c].width, nullptr);
    cells->text(ws, r, static_cast<lxw_col_t>(c), spec.columns[c].header, formats->header);
  }
  ++r;
  ctx.for_each_issue([&](const ExtractionIssue& issue) {
    Row row = issue_row(issue);
    int lines = 1;
    for (size_t c = 0; c < row.size(); ++c)
      if (spec.columns[c].wrap) lines = std::max(lines, wrapped_lines(row[c], spec.columns[c].width));
    if (lines > 1) worksheet_set_row(ws, r, std::min(409.0, lines * kLineHeight), nullptr);
    for (size_t c = 0; c < row.size(); ++c) cells->cell(ws, r, static_cast<lxw_col_t>(c), spec.columns[c], row[c]);
    ++r;
  });
  worksheet_autofilter(ws, header, 0, r - 1, static_cast<lxw_col_t>(spec.columns.size() - 1));
}

void XlsxWriter::Impl::write_glossary() {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "glossary");
  print_setup(ws, true);
  const double widths[] = {30, 26, 90};
  for (lxw_col_t c = 0; c < 3; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);
  worksheet_set_row(ws, 0, 30, nullptr);
  const char* headers[] = {"sheet / file", "column", "definition"};
  for (lxw_col_t c = 0; c < 3; ++c) cells->text(ws, 0, c, headers[c], formats->header);
  lxw_row_t r = 1;
  for (const auto& g : glossary()) {
    int lines = std::max({wrapped_lines(g.where, widths[0]), wrapped_lines(g.column, widths[1]),
                          wrapped_lines(g.definition, widths[2])});
    if (lines > 1) worksheet_set_row(ws, r, lines * kLineHeight, nullptr);
    cells->text(ws, r, 0, g.where, formats->wrap);
    cells->text(ws, r, 1, g.column, formats->wrap);
    cells->text(ws, r, 2, g.definition, formats->wrap);
    ++r;
  }
  worksheet_freeze_panes(ws, 1, 0);
  worksheet_autofilter(ws, 0, 0, r - 1, 2);
}

XlsxStats XlsxWriter::finish(const ExportContext& ctx) {
  Impl& m = *impl_;
  m.summary->finish();
  m.inspections->finish();
  m.findings->finish();
  m.write_trends(ctx);
  m.write_about(ctx);
  m.write_glossary();
  errno = 0;
  lxw_workbook* wb = m.wb;
  m.wb = nullptr;
  lxw_error err = workbook_close(wb);
  const int os_error = errno;  // e.g. ENOSPC behind libxlsxwriter's generic zip error
  if (err != LXW_NO_ERROR)
    throw Error("cannot write " + m.path.filename().string() + ": " + lxw_strerror(err) +
                (os_error ? std::string(" (") + std::strerror(os_error) + ")" : std::string()));
  return m.stats;
}

std::vector<GlossaryEntry> glossary() {
  std::vector<GlossaryEntry> out;
  auto add_spec = [&](const std::string& where, const TableSpec& spec) {
    out.push_back({where, "(the table)", spec.description});
    for (const auto& c : spec.columns) out.push_back({where, c.header, c.definition});
  };
  add_spec("summary sheet, summary.csv", summary_spec());
  out.push_back({"inspections sheet, inspections.csv", "(the table)",
                 inspections_spec().description + " Same columns as summary."});
  add_spec("findings sheet, findings.csv", findings_spec());
  out.push_back({"trends sheet", "(the table)",
                 "Counts: inspections by focus and year; findings by section and agency; inspections and findings by region."});
  out.push_back({"trends sheet", "focus / year", "Inspections per canonical focus and year of the fieldwork (else the letter)."});
  out.push_back({"trends sheet", "section / agency",
                 "Findings per section and agency: the agency of the item's subheading, else each agency its text "
                 "names (an item naming two counts under both); \"(none named)\" when neither."});
  out.push_back({"trends sheet", "region", "Inspections, and finding items per section, per English region."});
  out.push_back({"trends sheet", "total", "The row's or column's sum."});
  out.push_back({"about sheet", "(key, value)", "Where and when the data were gathered, counts, rules versions, limits met."});
  add_spec("about sheet: known extraction issues", issues_spec());
  add_spec("changes.csv", changes_spec());
  out.push_back({"jtai.json", "(the file)",
                 "Every inspection with its authority, publication and the whole extracted report, the known issues, "
                 "counts and what is new; text exactly as extracted."});
  out.push_back({"fingerprints.tsv", "(the file)",
                 "One line per letter and finding item: letter key, section, item number, a hash of the text; the next "
                 "export compares with it to list what changed."});
  out.push_back({"index.html, index_data/", "(the page)",
                 "A page to browse and search the findings; its data are in index_data/*.js beside it."});
  return out;
}

}  // namespace jtai::exporter

// libxlsxwriter is loaded when the export first calls it, not linked into jtai.
//
// Why: libxlsxwriter brings libminizip and OpenSSL's libcrypto (4.5 MB) with
// it. Mapping and relocating the three - 4,300 of the 14,000 symbol bindings
// the loader made before main() - was paid by every jtai process, above all
// by `jtai extract FILE`, which is run once per letter and never writes a
// workbook. See common/lazy_library.hpp.
//
// These definitions stand in for the libxlsxwriter functions that
// export/xlsx_writer.cpp calls; each forwards to the function of the same
// name in libxlsxwriter.so.4. A function the export starts to use needs a
// stand-in here (the link fails without one).
#include <xlsxwriter.h>

#include "common/lazy_library.hpp"

namespace {

constinit const jtai::LazyLibrary kXlsxwriter("libxlsxwriter.so.4", "libxlsxwriter4");

#define JTAI_LXW_REAL(name) \
  static const auto fn = kXlsxwriter.function<decltype(&::name)>(#name)

}  // namespace

extern "C" {

// ---- workbook ----
lxw_workbook* workbook_new_opt(const char* filename, lxw_workbook_options* options) {
  JTAI_LXW_REAL(workbook_new_opt);
  return fn(filename, options);
}
lxw_worksheet* workbook_add_worksheet(lxw_workbook* workbook, const char* sheetname) {
  JTAI_LXW_REAL(workbook_add_worksheet);
  return fn(workbook, sheetname);
}
lxw_format* workbook_add_format(lxw_workbook* workbook) {
  JTAI_LXW_REAL(workbook_add_format);
  return fn(workbook);
}
lxw_error workbook_set_properties(lxw_workbook* workbook, lxw_doc_properties* properties) {
  JTAI_LXW_REAL(workbook_set_properties);
  return fn(workbook, properties);
}
lxw_error workbook_close(lxw_workbook* workbook) {
  JTAI_LXW_REAL(workbook_close);
  return fn(workbook);
}
void lxw_workbook_free(lxw_workbook* workbook) {
  JTAI_LXW_REAL(lxw_workbook_free);
  fn(workbook);
}
char* lxw_strerror(lxw_error error_num) {
  JTAI_LXW_REAL(lxw_strerror);
  return fn(error_num);
}

// ---- cells ----
lxw_error worksheet_write_string(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col, const char* string,
                                 lxw_format* format) {
  JTAI_LXW_REAL(worksheet_write_string);
  return fn(worksheet, row, col, string, format);
}
lxw_error worksheet_write_number(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col, double number,
                                 lxw_format* format) {
  JTAI_LXW_REAL(worksheet_write_number);
  return fn(worksheet, row, col, number, format);
}
lxw_error worksheet_write_datetime(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col, lxw_datetime* datetime,
                                   lxw_format* format) {
  JTAI_LXW_REAL(worksheet_write_datetime);
  return fn(worksheet, row, col, datetime, format);
}
lxw_error worksheet_write_formula_str(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col, const char* formula,
                                      lxw_format* format, const char* result) {
  JTAI_LXW_REAL(worksheet_write_formula_str);
  return fn(worksheet, row, col, formula, format, result);
}

// ---- sheet layout and printing ----
lxw_error worksheet_set_row(lxw_worksheet* worksheet, lxw_row_t row, double height, lxw_format* format) {
  JTAI_LXW_REAL(worksheet_set_row);
  return fn(worksheet, row, height, format);
}
lxw_error worksheet_set_column(lxw_worksheet* worksheet, lxw_col_t first_col, lxw_col_t last_col, double width,
                               lxw_format* format) {
  JTAI_LXW_REAL(worksheet_set_column);
  return fn(worksheet, first_col, last_col, width, format);
}
void worksheet_freeze_panes(lxw_worksheet* worksheet, lxw_row_t row, lxw_col_t col) {
  JTAI_LXW_REAL(worksheet_freeze_panes);
  fn(worksheet, row, col);
}
lxw_error worksheet_autofilter(lxw_worksheet* worksheet, lxw_row_t first_row, lxw_col_t first_col,
                               lxw_row_t last_row, lxw_col_t last_col) {
  JTAI_LXW_REAL(worksheet_autofilter);
  return fn(worksheet, first_row, first_col, last_row, last_col);
}
void worksheet_set_paper(lxw_worksheet* worksheet, uint8_t paper_type) {
  JTAI_LXW_REAL(worksheet_set_paper);
  fn(worksheet, paper_type);
}
void worksheet_set_margins(lxw_worksheet* worksheet, double left, double right, double top, double bottom) {
  JTAI_LXW_REAL(worksheet_set_margins);
  fn(worksheet, left, right, top, bottom);
}
void worksheet_set_landscape(lxw_worksheet* worksheet) {
  JTAI_LXW_REAL(worksheet_set_landscape);
  fn(worksheet);
}
lxw_error worksheet_set_footer(lxw_worksheet* worksheet, const char* string) {
  JTAI_LXW_REAL(worksheet_set_footer);
  return fn(worksheet, string);
}
lxw_error worksheet_repeat_rows(lxw_worksheet* worksheet, lxw_row_t first_row, lxw_row_t last_row) {
  JTAI_LXW_REAL(worksheet_repeat_rows);
  return fn(worksheet, first_row, last_row);
}
void worksheet_fit_to_pages(lxw_worksheet* worksheet, uint16_t width, uint16_t height) {
  JTAI_LXW_REAL(worksheet_fit_to_pages);
  fn(worksheet, width, height);
}

// ---- formats ----
void format_set_bold(lxw_format* format) {
  JTAI_LXW_REAL(format_set_bold);
  fn(format);
}
void format_set_text_wrap(lxw_format* format) {
  JTAI_LXW_REAL(format_set_text_wrap);
  fn(format);
}
void format_set_hyperlink(lxw_format* format) {
  JTAI_LXW_REAL(format_set_hyperlink);
  fn(format);
}
void format_set_align(lxw_format* format, uint8_t alignment) {
  JTAI_LXW_REAL(format_set_align);
  fn(format, alignment);
}
void format_set_underline(lxw_format* format, uint8_t style) {
  JTAI_LXW_REAL(format_set_underline);
  fn(format, style);
}
void format_set_bottom(lxw_format* format, uint8_t style) {
  JTAI_LXW_REAL(format_set_bottom);
  fn(format, style);
}
void format_set_num_format(lxw_format* format, const char* num_format) {
  JTAI_LXW_REAL(format_set_num_format);
  fn(format, num_format);
}
void format_set_font_size(lxw_format* format, double size) {
  JTAI_LXW_REAL(format_set_font_size);
  fn(format, size);
}
void format_set_font_color(lxw_format* format, lxw_color_t color) {
  JTAI_LXW_REAL(format_set_font_color);
  fn(format, color);
}
void format_set_bg_color(lxw_format* format, lxw_color_t color) {
  JTAI_LXW_REAL(format_set_bg_color);
  fn(format, color);
}

}  // extern "C"

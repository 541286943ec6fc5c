#include "export/tables.hpp"

#include "export/report_view.hpp"

namespace jtai::exporter {

namespace {

// Columns every findings and inspections row starts with, so a row is self-sufficient.
std::vector<Column> authority_and_letter_columns() {
  return {
      {"local authority", CellType::text, 22, true, "The local authority (the partnership's lead council), as researchers name it."},
      {"URN", CellType::integer, 9, false, "Ofsted's unique reference number of the local authority."},
      {"LA code", CellType::text, 8, false, "DfE local authority code (e.g. 370)."},
      {"LTLA23CD", CellType::text, 11, false, "ONS lower-tier local authority code, 2023 (e.g. E08000016)."},
      {"region code", CellType::text, 9, false, "DfE/ONS region code (e.g. YH)."},
      {"region name", CellType::text, 16, true, "The English region."},
      {"inspection start", CellType::date, 12, false, "First day of the fieldwork, as the letter states it."},
      {"inspection end", CellType::date, 12, false, "Last day of the fieldwork."},
      {"letter date", CellType::date, 12, false, "The date of the letter."},
      {"round", CellType::text, 10, false, "The JTAI round (id from rules/rounds.toml); empty when the letter fits none."},
      {"focus", CellType::text, 22, true, "The canonical focus compared across years (one subject, one label); empty when the letter's theme fits none."},
      {"theme", CellType::text, 26, true, "The theme as the letter names it, mapped to a canonical label; \"other: ...\" when not a known theme."},
      {"deep dive", CellType::text, 18, true, "The deep-dive subject, when the letter names one."},
  };
}

std::vector<std::string> letter_cells(const Inspection& in) {
  const auto& r = in.report;
  return {in.authority,
          std::to_string(in.urn),
          in.la_code,
          in.ltla23cd,
          in.region_code,
          in.region_name,
          r.inspection_start.value_or(""),
          r.inspection_end.value_or(""),
          r.letter_date.value_or(""),
          round_of(r),
          focus_of(r),
          r.theme.value_or(""),
          r.deep_dive.value_or("")};
}

TableSpec make_inspection_spec(const std::string& name, const std::string& description) {
  TableSpec t{name, description, authority_and_letter_columns()};
  const std::vector<Column> more = {
      {"priority actions status", CellType::text, 14, true,
       "\"has items\": the letter lists areas for priority action; \"stated none\": it says there are none; "
       "\"no such section\": it neither lists any nor says there are none."},
      {"priority actions (n)", CellType::integer, 9, false, "Number of areas for priority action."},
      {"improvements (n)", CellType::integer, 9, false, "Number of areas for improvement."},
      {"strengths (n)", CellType::integer, 9, false, "Number of strengths."},
      {"case studies (n)", CellType::integer, 9, false, "Number of practice/case studies."},
      {"headline findings", CellType::text, 60, true, "The letter's headline findings paragraph(s)."},
      {"areas for priority action", CellType::text, 60, true, "Every area for priority action, one per line."},
      {"areas for improvement", CellType::text, 60, true, "Every area for improvement, one per line."},
      {"strengths", CellType::text, 60, true, "Every strength, one per line."},
      {"practice/case study", CellType::text, 60, true, "Each case study's title, then its text."},
      {"publication date", CellType::date, 12, false, "The date Ofsted published the letter."},
      {"link to the PDF", CellType::url, 45, false, "The letter on the Ofsted site."},
  };
  t.columns.insert(t.columns.end(), more.begin(), more.end());
  return t;
}

}  // namespace

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

const TableSpec& summary_spec() {
  static const TableSpec spec = make_inspection_spec("summary", "Each local authority's latest JTAI, one row per authority.");
  return spec;
}

const TableSpec& inspections_spec() {
  static const TableSpec spec = make_inspection_spec("inspections", "Every JTAI letter, one row per inspection.");
  return spec;
}

Row inspection_row(const Inspection& in) {
  const auto& r = in.report;
  Row row = letter_cells(in);
  std::vector<int> counts = section_counts(r);
  row.push_back(priority_actions_status(r));
  for (int n : counts) row.push_back(std::to_string(n));
  std::vector<std::string> pa, im, st, cs;
  for (const auto& f : findings_of(r)) {
    if (f.section == "priority_action") pa.push_back(f.text);
    else if (f.section == "improvement") im.push_back(f.text);
    else if (f.section == "strength") st.push_back(f.text);
    else cs.push_back(f.title.empty() ? f.text : f.title + "\n" + f.text);
  }
  row.push_back(r.headline_findings.value_or(""));
  row.push_back(pa.empty() && r.no_priority_actions ? "None: the letter states there are no areas for priority action."
                                                    : join_lines(pa));
  row.push_back(join_lines(im));
  row.push_back(join_lines(st));
  row.push_back(join_lines(cs));
  row.push_back(in.published_on.value_or(""));
  row.push_back(in.url);
  return row;
}

const TableSpec& findings_spec() {
  static const TableSpec spec = [] {
    TableSpec t{"findings", "One row per finding item, with everything needed to analyse it on its own.",
                authority_and_letter_columns()};
    const std::vector<Column> more = {
        {"section", CellType::text, 15, false, "priority action, improvement, strength or case study."},
        {"subheading", CellType::text, 22, true, "The subheading the item sits under in the letter; empty when it has none."},
        {"agency", CellType::text, 18, true, "The agency the letter's subheading assigns the item to; empty when the letter does not group items by agency."},
        {"agencies", CellType::text, 24, true, "Agencies the item's text mentions (rules/agencies.toml), \"; \"-separated."},
        {"item number", CellType::integer, 8, false, "The item's position within its section, from 1."},
        {"case study title", CellType::text, 30, true, "Case studies: the title."},
        {"case study kind", CellType::text, 20, true, "Case studies: highly effective practice, area for improvement or area for priority action."},
        {"text", CellType::text, 90, true, "The item's text as the letter has it."},
        {"link to the PDF", CellType::url, 45, false, "The letter on the Ofsted site."},
    };
    t.columns.insert(t.columns.end(), more.begin(), more.end());
    return t;
  }();
  return spec;
}

std::vector<Row> finding_rows(const Inspection& in) {
  std::vector<Row> rows;
  const Row letter = letter_cells(in);
  for (const auto& f : findings_of(in.report)) {
    Row row = letter;
    row.push_back(section_label(f.section));
    row.push_back(f.subheading);
    row.push_back(f.agency);
    row.push_back(f.agencies);
    row.push_back(std::to_string(f.number));
    row.push_back(f.title);
    row.push_back(f.kind);
    row.push_back(f.text);
    row.push_back(in.url);
    rows.push_back(std::move(row));
  }
  return rows;
}

const TableSpec& issues_spec() {
  static const TableSpec spec{"issues",
                              "Known extraction issues: letters that failed, were quarantined, carry warnings or overrides.",
                              {
                                  {"URN", CellType::integer, 9, false, "Ofsted's URN of the local authority."},
                                  {"local authority", CellType::text, 22, true, "The local authority."},
                                  {"letter date", CellType::date, 12, false, "The letter's date, when known."},
                                  {"problem", CellType::text, 16, false,
                                   "error, not_jtai, quarantined, warnings, overrides, not_extracted, not_downloaded or unknown_authority."},
                                  {"details", CellType::text, 70, true, "The reason, the warnings (code: message) or the override applied."},
                                  {"link to the PDF", CellType::url, 45, false, "The letter on the Ofsted site."},
                              }};
  return spec;
}

Row issue_row(const ExtractionIssue& issue) {
  return {std::to_string(issue.urn), issue.authority, issue.letter_date.value_or(""), issue.problem,
          join_lines(issue.details), issue.url};
}

const TableSpec& changes_spec() {
  static const TableSpec spec{"changes",
                              "What changed since the previous export: new letters and changed, new or removed finding items.",
                              {
                                  {"change", CellType::text, 16, false,
                                   "new letter, changed item, new item or removed item."},
                                  {"local authority", CellType::text, 22, true, "The local authority."},
                                  {"URN", CellType::integer, 9, false, "Ofsted's URN of the local authority."},
                                  {"letter date", CellType::date, 12, false, "The letter's date."},
                                  {"section", CellType::text, 15, false, "The finding's section (empty for a new letter)."},
                                  {"item number", CellType::integer, 8, false, "The item's position within its section."},
                                  {"text", CellType::text, 90, true, "The item's text now (empty for a removed item)."},
                                  {"link to the PDF", CellType::url, 45, false, "The letter on the Ofsted site."},
                              }};
  return spec;
}

size_t authority_column(const TableSpec& spec) {
  for (size_t i = 0; i < spec.columns.size(); ++i)
    if (spec.columns[i].header == "local authority") return i;
  return 0;
}

}  // namespace jtai::exporter

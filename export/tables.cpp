#include "export/tables.hpp"

#include <map>

namespace jtai::exporter {

namespace {

std::vector<Column> inspection_columns() {
  return {
      {"URN", CellType::integer, 9},
      {"LA code", CellType::text, 8},
      {"region code", CellType::text, 9},
      {"LTLA23CD", CellType::text, 11},
      {"local authority", CellType::text, 22, true},
      {"region name", CellType::text, 16, true},
      {"inspection start", CellType::date, 12},
      {"inspection end", CellType::date, 12},
      {"letter date", CellType::date, 12},
      {"theme", CellType::text, 26, true},
      {"deep dive", CellType::text, 18, true},
      {"headline findings", CellType::text, 60, true},
      {"areas for priority action", CellType::text, 60, true},
      {"areas for improvement", CellType::text, 60, true},
      {"strengths", CellType::text, 60, true},
      {"practice/case study", CellType::text, 60, true},
      {"publication date", CellType::date, 12},
      {"link to the PDF", CellType::url, 45},
  };
}

std::vector<std::string> inspection_row(const Inspection& in) {
  return {
      std::to_string(in.urn),
      in.la_code,
      in.region_code,
      in.ltla23cd,
      in.authority,
      in.region_name,
      in.report.inspection_start.value_or(""),
      in.report.inspection_end.value_or(""),
      in.report.letter_date.value_or(""),
      in.report.theme.value_or(""),
      in.report.deep_dive.value_or(""),
      in.report.headline_findings.value_or(""),
      priority_actions_text(in),
      join_lines(extract::texts(in.report.improvements)),
      join_lines(extract::texts(in.report.strengths)),
      case_studies_text(in),
      in.published_on.value_or(""),
      in.url,
  };
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

std::string case_studies_text(const Inspection& in) {
  std::vector<std::string> parts;
  for (const auto& cs : in.report.case_studies) parts.push_back(cs.title.empty() ? cs.text : cs.title + "\n" + cs.text);
  return join_lines(parts);
}

std::string priority_actions_text(const Inspection& in) {
  if (in.report.priority_actions.empty() && in.report.no_priority_actions)
    return "None: the letter states there are no areas for priority action.";
  return join_lines(extract::texts(in.report.priority_actions));
}

std::vector<const Inspection*> latest_per_authority(const Dataset& data) {
  // Inspections are sorted by authority, then date: the last of each run wins.
  std::vector<const Inspection*> out;
  for (const auto& in : data.inspections) {
    if (!out.empty() && out.back()->urn == in.urn) out.back() = &in;
    else out.push_back(&in);
  }
  return out;
}

Table summary_table(const Dataset& data) {
  Table t{"summary", inspection_columns(), {}};
  for (const Inspection* in : latest_per_authority(data)) t.rows.push_back(inspection_row(*in));
  return t;
}

Table inspections_table(const Dataset& data) {
  Table t{"inspections", inspection_columns(), {}};
  for (const auto& in : data.inspections) t.rows.push_back(inspection_row(in));
  return t;
}

Table findings_table(const Dataset& data) {
  Table t{"findings",
          {
              {"URN", CellType::integer, 9},
              {"LA code", CellType::text, 8},
              {"region code", CellType::text, 9},
              {"local authority", CellType::text, 22, true},
              {"letter date", CellType::date, 12},
              {"theme", CellType::text, 26, true},
              {"section", CellType::text, 15},
              {"position", CellType::integer, 8},
              {"case study title", CellType::text, 30, true},
              {"text", CellType::text, 90, true},
              {"link to the PDF", CellType::url, 45},
          },
          {}};
  for (const auto& in : data.inspections) {
    auto add = [&](const char* section, size_t position, const std::string& title, const std::string& text) {
      t.rows.push_back({std::to_string(in.urn), in.la_code, in.region_code, in.authority, in.report.letter_date.value_or(""),
                        in.report.theme.value_or(""), section_label(section), std::to_string(position), title, text, in.url});
    };
    for (size_t i = 0; i < in.report.priority_actions.size(); ++i) add("priority_action", i + 1, "", in.report.priority_actions[i].text);
    for (size_t i = 0; i < in.report.improvements.size(); ++i) add("improvement", i + 1, "", in.report.improvements[i].text);
    for (size_t i = 0; i < in.report.strengths.size(); ++i) add("strength", i + 1, "", in.report.strengths[i].text);
    for (size_t i = 0; i < in.report.case_studies.size(); ++i)
      add("case_study", i + 1, in.report.case_studies[i].title, in.report.case_studies[i].text);
  }
  return t;
}

Table issues_table(const Dataset& data) {
  Table t{"issues",
          {
              {"URN", CellType::integer, 9},
              {"local authority", CellType::text, 22, true},
              {"letter date", CellType::date, 12},
              {"problem", CellType::text, 16},
              {"details", CellType::text, 70, true},
              {"link to the PDF", CellType::url, 45},
          },
          {}};
  for (const auto& issue : data.issues)
    t.rows.push_back({std::to_string(issue.urn), issue.authority, issue.letter_date.value_or(""), issue.problem,
                      join_lines(issue.details), issue.url});
  return t;
}

}  // namespace jtai::exporter

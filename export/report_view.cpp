#include "export/report_view.hpp"

namespace jtai::exporter {

std::vector<FindingItem> findings_of(const extract::Report& r) {
  std::vector<FindingItem> out;
  auto add_list = [&](const char* section, const std::vector<std::string>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      FindingItem f;
      f.section = section;
      f.number = static_cast<int>(i + 1);
      f.text = items[i];
      out.push_back(std::move(f));
    }
  };
  add_list("priority_action", r.priority_actions);
  add_list("improvement", r.improvements);
  add_list("strength", r.strengths);
  for (size_t i = 0; i < r.case_studies.size(); ++i) {
    FindingItem f;
    f.section = "case_study";
    f.number = static_cast<int>(i + 1);
    f.title = r.case_studies[i].title;
    f.text = r.case_studies[i].text;
    out.push_back(std::move(f));
  }
  return out;
}

std::string focus_of(const extract::Report& r) {
  // Until the report carries its own focus, a canonical theme is the focus.
  if (!r.theme || r.theme->rfind("other", 0) == 0) return {};
  return *r.theme;
}

std::string round_of(const extract::Report&) { return {}; }

std::string priority_actions_status(const extract::Report& r) {
  if (!r.priority_actions.empty()) return "has items";
  return r.no_priority_actions ? "stated none" : "no such section";
}

std::vector<int> section_counts(const extract::Report& r) {
  return {static_cast<int>(r.priority_actions.size()), static_cast<int>(r.improvements.size()),
          static_cast<int>(r.strengths.size()), static_cast<int>(r.case_studies.size())};
}

std::vector<std::string> warning_lines(const extract::Report& r) { return r.warnings; }

}  // namespace jtai::exporter

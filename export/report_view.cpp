#include "export/report_view.hpp"

namespace jtai::exporter {

namespace {
std::string join_agencies(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : "; ") + s;
  return out;
}
}  // namespace

std::vector<FindingItem> findings_of(const extract::Report& r) {
  std::vector<FindingItem> out;
  auto add_list = [&](const char* section, const std::vector<extract::Finding>& items) {
    for (size_t i = 0; i < items.size(); ++i) {
      FindingItem f;
      f.section = section;
      f.number = static_cast<int>(i + 1);
      f.subheading = items[i].subheading.value_or("");
      f.agency = items[i].agency.value_or("");
      f.agencies = join_agencies(items[i].agencies);
      f.text = items[i].text;
      out.push_back(std::move(f));
    }
  };
  add_list("priority_action", r.priority_actions);
  add_list("improvement", r.improvements);
  add_list("strength", r.strengths);
  for (size_t i = 0; i < r.case_studies.size(); ++i) {
    const auto& cs = r.case_studies[i];
    FindingItem f;
    f.section = "case_study";
    f.number = static_cast<int>(i + 1);
    f.title = cs.title;
    f.kind = cs.kind.value_or("");
    f.agencies = join_agencies(cs.agencies);
    f.text = cs.text;
    out.push_back(std::move(f));
  }
  return out;
}

std::string focus_of(const extract::Report& r) { return r.focus.value_or(""); }

std::string round_of(const extract::Report& r) { return r.round.value_or(""); }

std::string priority_actions_status(const extract::Report& r) {
  if (!r.priority_actions.empty()) return "has items";
  return r.no_priority_actions ? "stated none" : "no such section";
}

std::vector<int> section_counts(const extract::Report& r) {
  return {static_cast<int>(r.priority_actions.size()), static_cast<int>(r.improvements.size()),
          static_cast<int>(r.strengths.size()), static_cast<int>(r.case_studies.size())};
}

std::vector<std::string> warning_lines(const extract::Report& r) {
  std::vector<std::string> out;
  for (const auto& w : r.warnings) out.push_back(w.code + ": " + w.message);
  return out;
}

std::vector<std::string> override_lines(const extract::Report& r) {
  std::vector<std::string> out;
  for (const auto& o : r.overrides) out.push_back(o.rule + (o.reason.empty() ? "" : ": " + o.reason));
  return out;
}

}  // namespace jtai::exporter

#include "extract/report.hpp"

#include "common/error.hpp"

namespace jtai::extract {

namespace {
nlohmann::ordered_json opt(const std::optional<std::string>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}
std::optional<std::string> get_opt(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}
std::vector<std::string> get_list(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->get<std::vector<std::string>>();
}
}  // namespace

nlohmann::ordered_json to_json(const Report& r) {
  nlohmann::ordered_json j;
  if (r.kind == Report::Kind::not_jtai) {
    j["kind"] = "not_jtai";
    j["rules_version"] = r.rules_version;
    j["reason"] = r.reason;
    return j;
  }
  j["kind"] = "jtai";
  j["rules_version"] = r.rules_version;
  j["letter_date"] = opt(r.letter_date);
  j["inspection_start"] = opt(r.inspection_start);
  j["inspection_end"] = opt(r.inspection_end);
  j["theme"] = opt(r.theme);
  j["theme_phrase"] = opt(r.theme_phrase);
  j["deep_dive"] = opt(r.deep_dive);
  j["inspectorates"] = r.inspectorates;
  j["headline_findings"] = opt(r.headline_findings);
  j["priority_actions"] = r.priority_actions;
  j["no_priority_actions"] = r.no_priority_actions;
  j["improvements"] = r.improvements;
  j["strengths"] = r.strengths;
  auto studies = nlohmann::ordered_json::array();
  for (const auto& cs : r.case_studies) {
    nlohmann::ordered_json c;
    c["title"] = cs.title;
    c["text"] = cs.text;
    studies.push_back(std::move(c));
  }
  j["case_studies"] = std::move(studies);
  j["warnings"] = r.warnings;
  return j;
}

Report report_from_json(const nlohmann::json& j) {
  try {
    Report r;
    std::string kind = j.at("kind").get<std::string>();
    r.rules_version = j.value("rules_version", "");
    if (kind == "not_jtai") {
      r.kind = Report::Kind::not_jtai;
      r.reason = j.value("reason", "");
      return r;
    }
    if (kind != "jtai") throw Error("unknown report kind '" + kind + "'");
    r.letter_date = get_opt(j, "letter_date");
    r.inspection_start = get_opt(j, "inspection_start");
    r.inspection_end = get_opt(j, "inspection_end");
    r.theme = get_opt(j, "theme");
    r.theme_phrase = get_opt(j, "theme_phrase");
    r.deep_dive = get_opt(j, "deep_dive");
    r.inspectorates = get_list(j, "inspectorates");
    r.headline_findings = get_opt(j, "headline_findings");
    r.priority_actions = get_list(j, "priority_actions");
    r.no_priority_actions = j.value("no_priority_actions", false);
    r.improvements = get_list(j, "improvements");
    r.strengths = get_list(j, "strengths");
    if (auto it = j.find("case_studies"); it != j.end() && it->is_array())
      for (const auto& c : *it) r.case_studies.push_back({c.at("title").get<std::string>(), c.at("text").get<std::string>()});
    r.warnings = get_list(j, "warnings");
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed report record: ") + e.what());
  }
}

}  // namespace jtai::extract

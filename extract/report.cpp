#include "extract/report.hpp"

#include <algorithm>
#include <cctype>

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

nlohmann::ordered_json findings_json(const std::vector<Finding>& items) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& f : items) {
    nlohmann::ordered_json o;
    o["text"] = f.text;
    o["subheading"] = opt(f.subheading);
    o["agency"] = opt(f.agency);
    o["agencies"] = f.agencies;
    out.push_back(std::move(o));
  }
  return out;
}

// v2 items are objects; v1 records (stored before Report v2) hold plain strings.
std::vector<Finding> get_findings(const nlohmann::json& j, const char* key) {
  std::vector<Finding> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) {
      out.emplace_back(item.get<std::string>());
      continue;
    }
    Finding f;
    f.text = item.at("text").get<std::string>();
    f.subheading = get_opt(item, "subheading");
    f.agency = get_opt(item, "agency");
    f.agencies = get_list(item, "agencies");
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<AppliedOverride> get_overrides(const nlohmann::json& j) {
  std::vector<AppliedOverride> out;
  auto it = j.find("overrides");
  if (it == j.end() || it->is_null()) return out;
  for (const auto& o : *it) out.push_back({o.at("rule").get<std::string>(), o.value("reason", "")});
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}
}  // namespace

std::optional<std::string> case_study_kind(const std::string& title) {
  std::string t = lower(title);
  // "areas for priority action and improvement": the priority action is what a researcher counts.
  if (t.find("priority action") != std::string::npos) return kKindPriorityAction;
  if (t.find("improvement") != std::string::npos) return kKindImprovement;
  // "effective practice" (two 2018 letters) is the same kind as "highly effective practice".
  if (t.find("effective practice") != std::string::npos) return kKindHighlyEffective;
  return std::nullopt;
}

std::vector<std::string> texts(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  out.reserve(findings.size());
  for (const auto& f : findings) out.push_back(f.text);
  return out;
}

nlohmann::ordered_json to_json(const Warning& w) {
  nlohmann::ordered_json o;
  o["code"] = w.code;
  o["message"] = w.message;
  return o;
}

std::vector<Warning> warnings_from_json(const nlohmann::json& j) {
  std::vector<Warning> out;
  if (j.is_null()) return out;
  for (const auto& w : j) {
    if (w.is_string()) out.push_back({"legacy", w.get<std::string>()});
    else out.push_back({w.at("code").get<std::string>(), w.value("message", "")});
  }
  return out;
}

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
  j["round"] = opt(r.round);
  j["letter_date"] = opt(r.letter_date);
  j["inspection_start"] = opt(r.inspection_start);
  j["inspection_end"] = opt(r.inspection_end);
  j["theme"] = opt(r.theme);
  j["focus"] = opt(r.focus);
  j["theme_phrase"] = opt(r.theme_phrase);
  j["deep_dive"] = opt(r.deep_dive);
  j["inspectorates"] = r.inspectorates;
  j["headline_findings"] = opt(r.headline_findings);
  j["headline_agencies"] = r.headline_agencies;
  j["priority_actions"] = findings_json(r.priority_actions);
  j["no_priority_actions"] = r.no_priority_actions;
  j["improvements"] = findings_json(r.improvements);
  j["strengths"] = findings_json(r.strengths);
  auto studies = nlohmann::ordered_json::array();
  for (const auto& cs : r.case_studies) {
    nlohmann::ordered_json c;
    c["title"] = cs.title;
    c["kind"] = opt(cs.kind);
    c["text"] = cs.text;
    c["agencies"] = cs.agencies;
    studies.push_back(std::move(c));
  }
  j["case_studies"] = std::move(studies);
  auto warnings = nlohmann::ordered_json::array();
  for (const auto& w : r.warnings) warnings.push_back(to_json(w));
  j["warnings"] = std::move(warnings);
  auto overrides = nlohmann::ordered_json::array();
  for (const auto& o : r.overrides) {
    nlohmann::ordered_json x;
    x["rule"] = o.rule;
    x["reason"] = o.reason;
    overrides.push_back(std::move(x));
  }
  j["overrides"] = std::move(overrides);
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
    r.round = get_opt(j, "round");
    r.letter_date = get_opt(j, "letter_date");
    r.inspection_start = get_opt(j, "inspection_start");
    r.inspection_end = get_opt(j, "inspection_end");
    r.theme = get_opt(j, "theme");
    r.focus = get_opt(j, "focus");
    r.theme_phrase = get_opt(j, "theme_phrase");
    r.deep_dive = get_opt(j, "deep_dive");
    r.inspectorates = get_list(j, "inspectorates");
    r.headline_findings = get_opt(j, "headline_findings");
    r.headline_agencies = get_list(j, "headline_agencies");
    r.priority_actions = get_findings(j, "priority_actions");
    r.no_priority_actions = j.value("no_priority_actions", false);
    r.improvements = get_findings(j, "improvements");
    r.strengths = get_findings(j, "strengths");
    if (auto it = j.find("case_studies"); it != j.end() && it->is_array())
      for (const auto& c : *it) {
        CaseStudy cs;
        cs.title = c.at("title").get<std::string>();
        // v1 records have no kind: it follows from the title.
        cs.kind = c.contains("kind") ? get_opt(c, "kind") : case_study_kind(cs.title);
        cs.text = c.at("text").get<std::string>();
        cs.agencies = get_list(c, "agencies");
        r.case_studies.push_back(std::move(cs));
      }
    if (auto it = j.find("warnings"); it != j.end()) r.warnings = warnings_from_json(*it);
    r.overrides = get_overrides(j);
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed report record: ") + e.what());
  }
}

}  // namespace jtai::extract

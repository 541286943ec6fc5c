#pragma once
// The structured record extracted from one JTAI letter. Field names match the
// JSON that `jtai extract` prints (see README, "Extraction output").
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace jtai::extract {

struct CaseStudy {
  std::string title;  // e.g. "Practice study: highly effective practice"
  std::string text;
  bool operator==(const CaseStudy&) const = default;
};

struct Report {
  enum class Kind { jtai, not_jtai };
  Kind kind = Kind::jtai;
  std::string reason;  // why it is not a JTAI letter (kind == not_jtai)
  std::string rules_version;
  std::optional<std::string> letter_date;       // ISO dates
  std::optional<std::string> inspection_start;
  std::optional<std::string> inspection_end;
  std::optional<std::string> theme;             // canonical theme or "other: <phrase>"
  std::optional<std::string> theme_phrase;
  std::optional<std::string> deep_dive;
  std::vector<std::string> inspectorates;
  std::optional<std::string> headline_findings;
  std::vector<std::string> priority_actions;
  bool no_priority_actions = false;
  std::vector<std::string> improvements;
  std::vector<std::string> strengths;
  std::vector<CaseStudy> case_studies;
  std::vector<std::string> warnings;
  bool operator==(const Report&) const = default;
};

nlohmann::ordered_json to_json(const Report& report);
Report report_from_json(const nlohmann::json& j);  // throws jtai::Error on a malformed record

}  // namespace jtai::extract

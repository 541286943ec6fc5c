#pragma once
// The structured record extracted from one JTAI letter (Report v2). Field
// names match the JSON that `jtai extract` prints (see README, "Extraction
// output").
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace jtai::extract {

// One item of a list section (priority action, area for improvement, strength).
struct Finding {
  std::string text;
  std::optional<std::string> subheading;  // per-agency or per-topic sub-heading it sits under
  std::optional<std::string> agency;      // the agency the item is about (rules/agencies.toml)
  std::vector<std::string> agencies;      // every agency the item names

  Finding() = default;
  // A finding is its text first: fixtures and callers may write {"text", ...}.
  Finding(std::string t) : text(std::move(t)) {}  // NOLINT(google-explicit-constructor)
  Finding(const char* t) : text(t) {}             // NOLINT(google-explicit-constructor)
  bool operator==(const Finding&) const = default;
};

// The case study kinds a title can name.
inline constexpr const char* kKindHighlyEffective = "highly effective practice";
inline constexpr const char* kKindImprovement = "area for improvement";
inline constexpr const char* kKindPriorityAction = "area for priority action";

struct CaseStudy {
  std::string title;                 // e.g. "Practice study: highly effective practice"
  std::optional<std::string> kind;   // one of the kinds above; nullopt when the title names none
  std::string text;
  std::vector<std::string> agencies;
  bool operator==(const CaseStudy&) const = default;
};

// A coded warning: `code` is stable (README, "Warning codes"), `message` is for people.
struct Warning {
  std::string code;
  std::string message;
  bool operator==(const Warning&) const = default;
};

// A per-authority pin, fix-up or heading alias that changed this report.
struct AppliedOverride {
  std::string rule;    // "authorities/80426-barnsley.toml:12 pin inspection_start"
  std::string reason;
  bool operator==(const AppliedOverride&) const = default;
};

struct Report {
  enum class Kind { jtai, not_jtai };
  Kind kind = Kind::jtai;
  std::string reason;  // why it is not a JTAI letter (kind == not_jtai)
  std::string rules_version;
  std::optional<std::string> round;             // id from rules/rounds.toml
  std::optional<std::string> letter_date;       // ISO dates
  std::optional<std::string> inspection_start;
  std::optional<std::string> inspection_end;
  std::optional<std::string> theme;             // canonical theme or "other: <phrase>"
  std::optional<std::string> focus;             // canonical theme compared across years
  std::optional<std::string> theme_phrase;
  std::optional<std::string> deep_dive;
  std::vector<std::string> inspectorates;
  std::optional<std::string> headline_findings;
  std::vector<std::string> headline_agencies;
  std::vector<Finding> priority_actions;
  bool no_priority_actions = false;
  std::vector<Finding> improvements;
  std::vector<Finding> strengths;
  std::vector<CaseStudy> case_studies;
  std::vector<Warning> warnings;
  std::vector<AppliedOverride> overrides;
  bool operator==(const Report&) const = default;

  void warn(std::string code, std::string message) { warnings.push_back({std::move(code), std::move(message)}); }
};

// The case-study kind a title names ("Practice study: area for priority
// action" -> kKindPriorityAction); nullopt when it names none.
std::optional<std::string> case_study_kind(const std::string& title);

// The texts of a list of findings, in order.
std::vector<std::string> texts(const std::vector<Finding>& findings);

nlohmann::ordered_json to_json(const Report& report);
nlohmann::ordered_json to_json(const Warning& warning);
// Reads a record written by to_json, and also the v1 records stored before
// Report v2 (items and warnings as plain strings). Throws jtai::Error on a
// malformed record.
Report report_from_json(const nlohmann::json& j);
// Warnings from a JSON array of {"code","message"} objects or of v1 plain strings (code "legacy").
std::vector<Warning> warnings_from_json(const nlohmann::json& j);

}  // namespace jtai::extract

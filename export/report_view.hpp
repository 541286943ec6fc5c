#pragma once
// The export's reading of one extracted report: its finding items as rows,
// its focus and round, the "no priority actions" status. The one place that
// knows the report's field shapes, so the writers never do.
#include <string>
#include <vector>

#include "extract/report.hpp"

namespace jtai::exporter {

struct FindingItem {
  std::string section;     // kSections key
  int number = 0;          // 1-based within the section
  std::string subheading;  // the heading the item sits under in the letter ("" when none)
  std::string agency;      // the agency of that heading ("" when the letter does not group by agency)
  std::string agencies;    // agencies the item's text mentions, "; "-separated
  std::string title;       // case studies: the title
  std::string kind;        // case studies: highly effective practice / area for improvement / ...
  std::string text;
};

// Every item of every section, in kSections order.
std::vector<FindingItem> findings_of(const extract::Report& report);

// The canonical focus compared across years ("" when the report has none).
std::string focus_of(const extract::Report& report);
// The inspection round id from rules/rounds.toml ("" when none).
std::string round_of(const extract::Report& report);

// "stated none" | "has items" | "no such section".
std::string priority_actions_status(const extract::Report& report);

// Item counts per section, in kSections order.
std::vector<int> section_counts(const extract::Report& report);

// Warnings as "code: message" lines.
std::vector<std::string> warning_lines(const extract::Report& report);
// Applied overrides as "rule: reason" lines.
std::vector<std::string> override_lines(const extract::Report& report);

}  // namespace jtai::exporter

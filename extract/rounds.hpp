#pragma once
// The JTAI round a letter belongs to (rules/rounds.toml) and its focus: the
// canonical theme a researcher compares across years.
#include <optional>
#include <string>

#include "extract/report.hpp"
#include "extract/rules.hpp"

namespace jtai::extract {

// For a letter whose theme is a round's title theme ("abuse and neglect",
// 2016-19), the canonical theme of its deep dive; otherwise the theme.
// nullopt when there is no canonical theme.
std::optional<std::string> find_focus(const Report& r, const RuleSet& rules);

struct RoundChoice {
  const Round* round = nullptr;
  std::optional<Warning> warning;  // outside_round, when the letter fits no round or not its period
};

// The round whose theme is the focus and whose fieldwork period holds the
// fieldwork start; the nearest in time (with a warning) when none does.
RoundChoice choose_round(const std::optional<std::string>& focus, const std::optional<std::string>& start,
                         const RuleSet& rules);

}  // namespace jtai::extract

#pragma once
// Facts found by pattern in the letter's text: dates, theme, deep dive and
// inspectorates.
#include <optional>
#include <string>
#include <vector>

#include "extract/rules.hpp"

namespace jtai::extract {

// "<day> <month> <year>" groups -> ISO date; nullopt when not a real date.
std::optional<std::string> iso_date(const std::string& day, const std::string& month, const std::string& year);

// The letter date: the first text that matches a [letter_date] pattern.
std::optional<std::string> find_letter_date(const std::vector<std::string>& texts, const RuleSet& rules);

struct Fieldwork {
  std::string start, end;     // ISO
  size_t text_index = 0;      // which text held the sentence
  bool end_inferred = false;  // "the week of 23 May 2022": end = start + week_days - 1
  bool reversed = false;      // the only sentence found ends before it starts (kept as written)
};
// A sentence without a year ("Between 16 May and 20 May") takes the year of
// letter_date (ISO), the year before when that would put it after the letter.
// Range patterns are tried first, then (rules.fieldwork_week()) "week of"
// sentences; a range whose end is before its start is returned only when
// nothing better is found, with `reversed` set.
std::optional<Fieldwork> find_fieldwork(const std::vector<std::string>& texts, const RuleSet& rules,
                                        const std::optional<std::string>& letter_date = std::nullopt);

// Group 1 of the first [theme_phrase] match, without trailing punctuation.
std::optional<std::string> find_theme_phrase(const std::vector<std::string>& texts, const RuleSet& rules);

// The canonical theme for a phrase, or "other: <focus>".
std::string classify_theme(const std::string& phrase, const RuleSet& rules);

std::optional<std::string> find_deep_dive(const std::vector<std::string>& texts, const RuleSet& rules);

// Inspectorates in the order the text names them, each once.
std::vector<std::string> find_inspectorates(const std::string& text, const RuleSet& rules);

}  // namespace jtai::extract

#pragma once
// Is this PDF a JTAI letter at all?
#include <optional>
#include <string>

#include "extract/cleanup.hpp"
#include "extract/rules.hpp"

namespace jtai::extract {

// nullopt for a JTAI letter; otherwise why it is not one.
std::optional<std::string> not_jtai_reason(const CleanText& text, const RuleSet& rules);

}  // namespace jtai::extract

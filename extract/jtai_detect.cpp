#include "extract/jtai_detect.hpp"

#include "extract/structure.hpp"

namespace jtai::extract {

namespace {

bool any_match(const std::vector<Pattern>& patterns, const std::string& text, std::string* matched = nullptr,
               std::string* where = nullptr) {
  for (const auto& p : patterns) {
    std::vector<std::string> groups;
    if (p.search(text, &groups)) {
      if (matched) *matched = groups[0];
      if (where) *where = p.where();
      return true;
    }
  }
  return false;
}

}  // namespace

// A JTAI title (bold or large type on the first two pages) settles it; else a
// look-alike's wording on page 1 gives the reason it is not one; else JTAI
// wording anywhere on the first two pages.
std::optional<std::string> not_jtai_reason(const CleanText& text, const RuleSet& rules) {
  std::string first_page, first_pages;
  for (const auto& b : text.blocks) {
    if (b.page > 1) break;
    bool title_type = b.kind == Block::Kind::paragraph && b.lines <= 5 && (b.bold || b.size >= heading_min_size(text.body_size));
    if (title_type && any_match(rules.jtai_markers(), b.text)) return std::nullopt;
    if (b.page == 0) first_page += b.text + "\n";
    first_pages += b.text + "\n";
  }
  std::string matched, where;
  if (any_match(rules.not_jtai_markers(), first_page, &matched, &where))
    return "not a JTAI letter: page 1 reads '" + matched + "' (" + where + ")";
  if (any_match(rules.jtai_markers(), first_pages)) return std::nullopt;
  if (first_pages.empty()) return "not a JTAI letter: no text on the first two pages";
  return "not a JTAI letter: no 'joint targeted area inspection' wording on the first two pages";
}

}  // namespace jtai::extract

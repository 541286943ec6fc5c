#pragma once
// Re-runs the extraction rules over every stored letter from its stored
// layout (parsing the PDF only when no layout of the current kLayoutVersion is
// stored), and stores each result that differs as a new extraction. Earlier
// extractions are kept; the new one becomes current.
#include <cstdint>
#include <string>
#include <vector>

#include "extract/extractor.hpp"
#include "extract/isolated.hpp"
#include "store/store.hpp"

namespace jtai::refresh {

struct ReextractOptions {
  // true: only letters with no current extraction or one made under other
  // rules (what refresh does); false: every stored letter (`jtai reextract`).
  bool only_outdated = false;
  int threads = 2;  // the RuleSet is shared read-only between them
  // Letters without a usable stored layout are parsed in the sandbox (extract/isolated.hpp).
  std::optional<extract::IsolationLimits> isolation = std::nullopt;
  int jobs = 2;
  bool retry_failed = false;  // try quarantined letters again whatever their versions
  size_t page = 2048;  // letters read from the store at a time: memory stays flat as the store grows
};

struct LetterChange {
  int64_t publication_id = 0;
  std::string letter;                // "Barnsley — 2022-07-18"
  std::vector<std::string> fields;   // "strengths (3 → 4 items)", "theme", …
  bool findings_changed = false;     // headline findings, priority actions, improvements, strengths or case studies
};

struct ReextractResult {
  int letters = 0;       // stored letters considered
  int extracted = 0;     // letters the rules were run on
  int saved = 0;         // new extraction rows stored
  int pdfs_parsed = 0;   // letters that had no stored layout for kLayoutVersion
  int findings_changed = 0;
  std::vector<LetterChange> changes;  // letters whose record changed (first extractions excluded)
  std::vector<std::string> errors;    // one line per letter that could not be re-extracted
  std::vector<std::string> quarantined;  // letters quarantined now (also in errors)
  int skipped_quarantined = 0;           // quarantined earlier under these versions: not tried
  bool interrupted = false;              // SIGTERM/SIGINT: stopped after the letter in hand
  double seconds = 0;
};

ReextractResult reextract_letters(store::Store& store, const extract::RuleSet& rules,
                                  const ReextractOptions& options);

// The fields that differ between two records, rules_version ignored.
std::vector<std::string> changed_fields(const extract::Report& before, const extract::Report& after);
bool findings_differ(const extract::Report& before, const extract::Report& after);

// "Barnsley — 2022-07-18" (the same form the crawler uses for new letters).
std::string letter_name(const std::string& authority, const std::optional<std::string>& date);

}  // namespace jtai::refresh

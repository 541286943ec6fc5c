#pragma once
// "Changed since last export": new letters, and finding items changed, added
// or removed in letters the previous export had. Each export writes
// fingerprints.tsv (one line per letter and per item: key, section, number and
// a 64-bit hash of the text); the next export compares with it. The previous
// fingerprints go to a scratch database (export/scratch.hpp) indexed by letter,
// and each letter looks up its own: memory stays flat at any size.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "export/dataset.hpp"
#include "store/db.hpp"

namespace jtai::exporter {

inline constexpr const char* kFingerprintsName = "fingerprints.tsv";

struct Change {
  std::string change;  // new letter | changed item | new item | removed item
  const char* section = "";
  int number = 0;
  std::string text;
};

class ChangeTracker {
 public:
  // Loads the previous export's fingerprints (or, for an export made before
  // they existed, the letter keys of its jtai.json, read as a stream). Throws
  // jtai::Error when neither can be read.
  static ChangeTracker load(const std::filesystem::path& previous_dir);
  ChangeTracker() = default;  // nothing to compare with: no changes reported
  ~ChangeTracker();
  ChangeTracker(ChangeTracker&&) noexcept;
  ChangeTracker& operator=(ChangeTracker&&) noexcept;

  bool has_previous() const { return has_previous_; }
  bool items_known() const { return items_known_; }  // false for an old export without fingerprints

  // The changes of one inspection against the previous export, in item order.
  std::vector<Change> compare(const Inspection& in);

 private:
  std::unique_ptr<store::Db> db_;            // table fp(key, section, number, text), indexed by key
  std::unique_ptr<store::Statement> items_;  // one letter's items
  bool has_previous_ = false;
  bool items_known_ = false;
};

uint64_t fnv1a64(std::string_view text);

// The lines of fingerprints.tsv for one inspection.
std::string fingerprint_lines(const Inspection& in);

}  // namespace jtai::exporter

#pragma once
// "Changed since last export": new letters, and finding items changed, added
// or removed in letters the previous export had. Each export writes
// fingerprints.tsv (one line per letter and per item: key, section, number and
// a 64-bit hash of the text); the next export compares with it. The previous
// fingerprints are held as 24-byte records, so memory stays small at any size.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "export/dataset.hpp"

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
  // they existed, the letter keys of its jtai.json). Throws jtai::Error when
  // neither can be read.
  static ChangeTracker load(const std::filesystem::path& previous_dir);
  ChangeTracker() = default;  // nothing to compare with: no changes reported

  bool has_previous() const { return has_previous_; }
  bool items_known() const { return items_known_; }  // false for an old export without fingerprints

  // The changes of one inspection against the previous export, in item order.
  std::vector<Change> compare(const Inspection& in) const;

 private:
  struct Item {
    uint64_t key = 0;
    uint32_t section = 0;  // index in kSections, 4 for the letter itself
    uint32_t number = 0;
    uint64_t text = 0;
    bool operator<(const Item& o) const;
  };
  std::vector<Item> items_;
  bool has_previous_ = false;
  bool items_known_ = false;
};

uint64_t fnv1a64(std::string_view text);

// The lines of fingerprints.tsv for one inspection.
std::string fingerprint_lines(const Inspection& in);

}  // namespace jtai::exporter

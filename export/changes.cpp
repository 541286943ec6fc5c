#include "export/changes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <tuple>

#include "common/error.hpp"
#include "common/files.hpp"
#include "export/context.hpp"
#include "export/report_view.hpp"

namespace jtai::exporter {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kLetter = 4;

uint32_t section_index(const std::string& section) {
  for (uint32_t i = 0; i < 4; ++i)
    if (section == kSections[i]) return i;
  return kLetter;
}

std::string hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

uint64_t fnv1a64(std::string_view text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool ChangeTracker::Item::operator<(const Item& o) const {
  return std::tie(key, section, number) < std::tie(o.key, o.section, o.number);
}

std::string fingerprint_lines(const Inspection& in) {
  const std::string key = inspection_key(in);
  std::string out = key + "\tletter\t0\t0000000000000000\n";
  for (const auto& f : findings_of(in.report))
    out += key + "\t" + f.section + "\t" + std::to_string(f.number) + "\t" + hex(fnv1a64(f.text)) + "\n";
  return out;
}

ChangeTracker ChangeTracker::load(const fs::path& previous_dir) {
  ChangeTracker t;
  t.has_previous_ = true;
  const fs::path tsv = previous_dir / kFingerprintsName;
  if (fs::exists(tsv)) {
    std::ifstream in(tsv);
    if (!in) throw Error("cannot read " + tsv.string());
    std::string line;
    while (std::getline(in, line)) {
      size_t a = line.find('\t'), b = line.find('\t', a + 1), c = line.find('\t', b + 1);
      if (a == std::string::npos || b == std::string::npos || c == std::string::npos)
        throw Error("unreadable line in " + tsv.string());
      Item item;
      item.key = fnv1a64(std::string_view(line).substr(0, a));
      item.section = section_index(line.substr(a + 1, b - a - 1));
      item.number = static_cast<uint32_t>(std::strtoul(line.c_str() + b + 1, nullptr, 10));
      item.text = std::strtoull(line.c_str() + c + 1, nullptr, 16);
      t.items_.push_back(item);
    }
    t.items_known_ = true;
  } else {
    // An export made before fingerprints.tsv: its (small) jtai.json gives the letter keys.
    try {
      auto j = nlohmann::json::parse(read_file(previous_dir / kJsonName));
      for (const auto& in : j.at("inspections"))
        t.items_.push_back({fnv1a64(in.at("key").get<std::string>()), kLetter, 0, 0});
    } catch (const nlohmann::json::exception& e) {
      throw Error(std::string("unreadable earlier export: ") + e.what());
    }
  }
  std::sort(t.items_.begin(), t.items_.end());
  return t;
}

std::vector<Change> ChangeTracker::compare(const Inspection& in) const {
  std::vector<Change> out;
  if (!has_previous_) return out;
  const uint64_t key = fnv1a64(inspection_key(in));
  auto first = std::lower_bound(items_.begin(), items_.end(), Item{key, 0, 0, 0});
  auto last = first;
  while (last != items_.end() && last->key == key) ++last;
  if (first == last) {
    out.push_back({"new letter", "", 0, ""});
    return out;
  }
  if (!items_known_) return out;
  std::vector<bool> matched(static_cast<size_t>(last - first), false);
  for (const auto& f : findings_of(in.report)) {
    Item probe{key, section_index(f.section), static_cast<uint32_t>(f.number), 0};
    auto it = std::lower_bound(first, last, probe);
    if (it == last || it->section != probe.section || it->number != probe.number) {
      out.push_back({"new item", kSections[probe.section], f.number, f.text});
      continue;
    }
    matched[static_cast<size_t>(it - first)] = true;
    if (it->text != fnv1a64(f.text)) out.push_back({"changed item", kSections[probe.section], f.number, f.text});
  }
  for (auto it = first; it != last; ++it)
    if (!matched[static_cast<size_t>(it - first)] && it->section != kLetter)
      out.push_back({"removed item", kSections[it->section], static_cast<int>(it->number), ""});
  return out;
}

}  // namespace jtai::exporter

#include "export/changes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <tuple>

#include "common/error.hpp"
#include "common/files.hpp"
#include "export/context.hpp"
#include "export/report_view.hpp"
#include "export/scratch.hpp"

namespace jtai::exporter {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kLetter = 4;

uint32_t section_index(const std::string& section) {
  for (uint32_t i = 0; i < 4; ++i)
    if (section == kSections[i]) return i;
  return kLetter;
}

// The letter keys of an old export's jtai.json ("inspections"[i]."key"), read as a
// stream so that a large file is never held whole.
class JsonKeyReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit JsonKeyReader(std::function<void(const std::string&)> found) : found_(std::move(found)) {}
  bool saw_inspections() const { return saw_inspections_; }

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool string(string_t& s) override {
    if (want_key_) found_(s);
    return value();
  }
  bool start_object(std::size_t) override {
    ++depth_;
    want_key_ = false;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (depth_ == 2 && top_key_ == "inspections") in_inspections_ = saw_inspections_ = true;
    want_key_ = false;
    return true;
  }
  bool end_array() override {
    if (depth_ == 2) in_inspections_ = false;
    --depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) top_key_ = k;
    want_key_ = in_inspections_ && depth_ == 3 && k == "key";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw Error(std::string("unreadable earlier export: ") + e.what());
  }

 private:
  bool value() {
    want_key_ = false;
    return true;
  }
  std::function<void(const std::string&)> found_;
  int depth_ = 0;
  std::string top_key_;
  bool in_inspections_ = false, saw_inspections_ = false, want_key_ = false;
};

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

ChangeTracker::~ChangeTracker() = default;
ChangeTracker::ChangeTracker(ChangeTracker&&) noexcept = default;
ChangeTracker& ChangeTracker::operator=(ChangeTracker&&) noexcept = default;

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
  t.db_ = std::make_unique<store::Db>(open_scratch_db());
  store::Db& db = *t.db_;
  db.exec("CREATE TABLE fp (key INTEGER, section INTEGER, number INTEGER, text INTEGER)");
  auto insert = db.prepare("INSERT INTO fp VALUES (?, ?, ?, ?)");
  auto add = [&](uint64_t key, uint32_t section, uint32_t number, uint64_t text) {
    insert.reset();
    insert.bind(1, static_cast<int64_t>(key)).bind(2, static_cast<int64_t>(section));
    insert.bind(3, static_cast<int64_t>(number)).bind(4, static_cast<int64_t>(text)).run();
  };
  const fs::path tsv = previous_dir / kFingerprintsName;
  if (fs::exists(tsv)) {
    std::ifstream in(tsv);
    if (!in) throw Error("cannot read " + tsv.string());
    std::string line;
    while (std::getline(in, line)) {
      size_t a = line.find('\t'), b = line.find('\t', a + 1), c = line.find('\t', b + 1);
      if (a == std::string::npos || b == std::string::npos || c == std::string::npos)
        throw Error("unreadable line in " + tsv.string());
      add(fnv1a64(std::string_view(line).substr(0, a)), section_index(line.substr(a + 1, b - a - 1)),
          static_cast<uint32_t>(std::strtoul(line.c_str() + b + 1, nullptr, 10)),
          std::strtoull(line.c_str() + c + 1, nullptr, 16));
    }
    t.items_known_ = true;
  } else {
    // An export made before fingerprints.tsv: its jtai.json gives the letter keys.
    const fs::path json = previous_dir / kJsonName;
    std::ifstream in(json, std::ios::binary);
    if (!in) throw Error("cannot read " + json.string());
    JsonKeyReader reader([&](const std::string& key) { add(fnv1a64(key), kLetter, 0, 0); });
    nlohmann::json::sax_parse(in, &reader);
    if (!reader.saw_inspections()) throw Error("unreadable earlier export: " + json.string() + " lists no inspections");
  }
  db.exec("CREATE INDEX fp_key ON fp (key, section, number)");
  t.items_ = std::make_unique<store::Statement>(
      db.prepare("SELECT section, number, text FROM fp WHERE key = ? ORDER BY section, number, rowid"));
  return t;
}

std::vector<Change> ChangeTracker::compare(const Inspection& in) {
  std::vector<Change> out;
  if (!has_previous_) return out;
  struct Item {
    uint32_t section = 0;  // index in kSections, kLetter for the letter itself
    uint32_t number = 0;
    uint64_t text = 0;
  };
  std::vector<Item> previous;  // this letter's items, by section and number
  items_->reset();
  items_->bind(1, static_cast<int64_t>(fnv1a64(inspection_key(in))));
  while (items_->step())
    previous.push_back({static_cast<uint32_t>(items_->column_int(0)), static_cast<uint32_t>(items_->column_int(1)),
                        static_cast<uint64_t>(items_->column_int(2))});
  if (previous.empty()) {
    out.push_back({"new letter", "", 0, ""});
    return out;
  }
  if (!items_known_) return out;
  auto before = [](const Item& a, const Item& b) { return std::tie(a.section, a.number) < std::tie(b.section, b.number); };
  std::vector<bool> matched(previous.size(), false);
  for (const auto& f : findings_of(in.report)) {
    Item probe{section_index(f.section), static_cast<uint32_t>(f.number), 0};
    auto it = std::lower_bound(previous.begin(), previous.end(), probe, before);
    if (it == previous.end() || it->section != probe.section || it->number != probe.number) {
      out.push_back({"new item", kSections[probe.section], f.number, f.text});
      continue;
    }
    matched[static_cast<size_t>(it - previous.begin())] = true;
    if (it->text != fnv1a64(f.text)) out.push_back({"changed item", kSections[probe.section], f.number, f.text});
  }
  for (size_t i = 0; i < previous.size(); ++i)
    if (!matched[i] && previous[i].section != kLetter)
      out.push_back({"removed item", kSections[previous[i].section], static_cast<int>(previous[i].number), ""});
  return out;
}

}  // namespace jtai::exporter

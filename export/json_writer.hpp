#pragma once
// jtai.json: the export's records for programs (every inspection with its
// authority codes, publication and report fields; the known issues; where
// the data came from; the counts and what is new). Written one inspection at
// a time; the layout is what nlohmann's dump(2) would print. Text is exactly
// as extracted: no formula guard, no truncation.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "export/context.hpp"
#include "export/output_file.hpp"

namespace jtai::exporter {

inline constexpr int kJsonFormatVersion = 2;

class JsonWriter {
 public:
  // Writes the opening members (format, export date, source) and opens "inspections".
  JsonWriter(const std::filesystem::path& path, const ExportContext& ctx);
  void add(const Inspection& in);
  // A letter new since the last export (listed under new_since_last_export.keys).
  void add_new_key(const std::string& key);
  // Closes "inspections" and writes the known issues, counts and what is new.
  void finish(const ExportContext& ctx);

 private:
  struct CloseFile {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  OutputFile out_;
  bool first_ = true;
  // The new keys wait in an anonymous temporary file, not in memory, until finish.
  std::unique_ptr<std::FILE, CloseFile> new_keys_;
  bool first_new_key_ = true;
};

nlohmann::ordered_json inspection_json(const Inspection& in);

}  // namespace jtai::exporter

#include "export/json_writer.hpp"

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "export/report_view.hpp"
#include "export/tables.hpp"

namespace jtai::exporter {

namespace {

using ojson = nlohmann::ordered_json;

ojson opt(const std::optional<std::string>& v) { return v ? ojson(*v) : ojson(nullptr); }

// value.dump(2) as a member nested `depth` levels deep.
std::string nested(const ojson& value, int depth) {
  std::string text = value.dump(2);
  const std::string pad(static_cast<size_t>(depth) * 2, ' ');
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

std::string member(const char* key, const ojson& value) { return "  " + ojson(key).dump() + ": " + nested(value, 1); }

}  // namespace

ojson inspection_json(const Inspection& in) {
  ojson j;
  j["key"] = inspection_key(in);
  ojson a;
  a["urn"] = in.urn;
  a["name"] = in.authority;
  a["ofsted_name"] = in.ofsted_name;
  a["la_code"] = in.la_code;
  a["ltla23cd"] = in.ltla23cd;
  a["region_code"] = in.region_code;
  a["rgn22cd"] = in.rgn22cd;
  a["region_name"] = in.region_name;
  a["in_authority_table"] = in.in_authority_table;
  j["authority"] = std::move(a);
  ojson p;
  p["file_id"] = in.file_id;
  p["url"] = in.url;
  p["title"] = in.title;
  p["published_on"] = opt(in.published_on);
  p["first_seen"] = in.first_seen;
  p["gone_since"] = opt(in.gone_since);
  p["sha256"] = in.sha256;
  p["size"] = in.size;
  j["publication"] = std::move(p);
  ojson r = extract::to_json(in.report);
  r["extracted_at"] = in.extracted_at;
  r["priority_actions_status"] = priority_actions_status(in.report);
  j["report"] = std::move(r);
  return j;
}

JsonWriter::JsonWriter(const std::filesystem::path& path, const ExportContext& ctx) : out_(path) {
  const DatasetInfo& info = ctx.info;
  ojson source;
  if (info.last_run) {
    source["site"] = info.last_run->site;
    source["last_run"] = {{"command", info.last_run->command},
                          {"started_at", info.last_run->started_at},
                          {"ended_at", opt(info.last_run->ended_at)},
                          {"status", info.last_run->status}};
  } else {
    source["site"] = nullptr;
    source["last_run"] = nullptr;
  }
  source["data_as_of"] = info.data_as_of;
  source["rules_versions"] = info.rules_versions;
  out_.write("{\n" + member("format", "jtai-export") + ",\n" + member("format_version", kJsonFormatVersion) + ",\n" +
             member("export_date", ctx.export_date) + ",\n" + member("source", source) + ",\n  \"inspections\": [");
}

void JsonWriter::add(const Inspection& in) {
  out_.write(std::string(first_ ? "\n    " : ",\n    ") + nested(inspection_json(in), 2));
  first_ = false;
}

void JsonWriter::add_new_key(const std::string& key) {
  if (!new_keys_) {
    new_keys_.reset(std::tmpfile());
    if (!new_keys_) throw Error(std::string("cannot create a temporary file: ") + std::strerror(errno));
  }
  // At the depth of new_since_last_export.keys in dump(2)'s layout.
  const std::string item = std::string(first_new_key_ ? "\n      " : ",\n      ") + ojson(key).dump();
  if (std::fwrite(item.data(), 1, item.size(), new_keys_.get()) != item.size())
    throw Error(std::string("cannot write a temporary file: ") + std::strerror(errno));
  first_new_key_ = false;
}

void JsonWriter::finish(const ExportContext& ctx) {
  const DatasetInfo& info = ctx.info;
  out_.write(first_ ? "],\n" : "\n  ],\n");
  // The issues one at a time, laid out as dump(2) would lay out the whole array.
  out_.write("  \"known_extraction_issues\": ");
  bool first_issue = true;
  ctx.for_each_issue([&](const ExtractionIssue& is) {
    ojson issue = {{"urn", is.urn},
                   {"authority", is.authority},
                   {"url", is.url},
                   {"title", is.title},
                   {"letter_date", opt(is.letter_date)},
                   {"problem", is.problem},
                   {"details", is.details}};
    out_.write(std::string(first_issue ? "[\n    " : ",\n    ") + nested(issue, 2));
    first_issue = false;
  });
  out_.write(first_issue ? "[],\n" : "\n  ],\n");
  ojson counts = {{"jtai_letters_listed", info.jtai_publications},
                  {"inspections", ctx.totals.inspections},
                  {"authorities", ctx.totals.authorities},
                  {"findings", ctx.totals.findings},
                  {"known_extraction_issues", info.issue_count}};
  ojson changes = ojson::object();
  for (const auto& [kind, n] : ctx.totals.changes) changes[kind] = n;
  // The keys come from the temporary file, in place of a placeholder, as dump(2) would lay them out.
  const std::string placeholder = "\x01";
  ojson fresh = {{"compared_with", opt(ctx.previous_export)}, {"keys", placeholder}, {"changes", changes}};
  const std::string text = member("counts", counts) + ",\n" + member("new_since_last_export", fresh) + "\n}\n";
  const std::string dumped = ojson(placeholder).dump();
  const size_t at = text.find(dumped);
  out_.write(std::string_view(text).substr(0, at));
  if (!new_keys_) {
    out_.write("[]");
  } else {
    out_.write("[");
    std::FILE* f = new_keys_.get();
    if (std::fflush(f) != 0 || std::fseek(f, 0, SEEK_SET) != 0)
      throw Error(std::string("cannot read a temporary file: ") + std::strerror(errno));
    char buf[1 << 16];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out_.write(std::string_view(buf, n));
    if (std::ferror(f)) throw Error("cannot read a temporary file");
    out_.write("\n    ]");
  }
  out_.write(std::string_view(text).substr(at + dumped.size()));
  out_.close();
}

}  // namespace jtai::exporter

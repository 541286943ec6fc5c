#include "export/json_writer.hpp"

#include "common/error.hpp"
#include "export/tables.hpp"

namespace jtai::exporter {

namespace {

using ojson = nlohmann::ordered_json;

ojson opt(const std::optional<std::string>& v) { return v ? ojson(*v) : ojson(nullptr); }

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
  j["report"] = std::move(r);
  return j;
}

}  // namespace

ojson to_json(const ExportContext& ctx) {
  const Dataset& data = ctx.data;
  ojson j;
  j["format"] = "jtai-export";
  j["format_version"] = kJsonFormatVersion;
  j["export_date"] = ctx.export_date;
  ojson source;
  if (data.last_run) {
    source["site"] = data.last_run->site;
    source["last_run"] = {{"command", data.last_run->command},
                          {"started_at", data.last_run->started_at},
                          {"ended_at", opt(data.last_run->ended_at)},
                          {"status", data.last_run->status}};
  } else {
    source["site"] = nullptr;
    source["last_run"] = nullptr;
  }
  source["data_as_of"] = data.data_as_of;
  source["rules_versions"] = data.rules_versions;
  j["source"] = std::move(source);
  size_t findings = 0;
  for (const auto& in : data.inspections)
    findings += in.report.priority_actions.size() + in.report.improvements.size() + in.report.strengths.size() + in.report.case_studies.size();
  j["counts"] = {{"jtai_letters_listed", data.jtai_publications},
                 {"inspections", data.inspections.size()},
                 {"authorities", latest_per_authority(data).size()},
                 {"findings", findings},
                 {"known_extraction_issues", data.issues.size()}};
  ojson fresh = ojson::array();
  for (const Inspection* in : ctx.new_since_last_export) fresh.push_back(inspection_key(*in));
  j["new_since_last_export"] = {{"compared_with", opt(ctx.previous_export)}, {"keys", std::move(fresh)}};
  ojson inspections = ojson::array();
  for (const auto& in : data.inspections) inspections.push_back(inspection_json(in));
  j["inspections"] = std::move(inspections);
  ojson issues = ojson::array();
  for (const auto& is : data.issues)
    issues.push_back({{"urn", is.urn},
                      {"authority", is.authority},
                      {"url", is.url},
                      {"title", is.title},
                      {"letter_date", opt(is.letter_date)},
                      {"problem", is.problem},
                      {"details", is.details}});
  j["known_extraction_issues"] = std::move(issues);
  return j;
}

std::set<std::string> inspection_keys_in(const std::string& json_text) {
  std::set<std::string> keys;
  try {
    auto j = nlohmann::json::parse(json_text);
    for (const auto& in : j.at("inspections")) keys.insert(in.at("key").get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("unreadable earlier export: ") + e.what());
  }
  return keys;
}

}  // namespace jtai::exporter

#include "refresh/refresh.hpp"

#include <iostream>
#include <sstream>

#include "common/clock.hpp"
#include "crawler/crawl.hpp"
#include "export/export.hpp"

namespace jtai::refresh {

namespace {

std::string human_bytes(int64_t bytes) {
  std::ostringstream s;
  s.precision(1);
  if (bytes >= 1024 * 1024) s << std::fixed << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MB";
  else if (bytes >= 1024) s << std::fixed << static_cast<double>(bytes) / 1024.0 << " kB";
  else s << bytes << " bytes";
  return s.str();
}

// "a, b, c and 4 more"
std::string list_some(const std::vector<std::string>& items, size_t shown = 8) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < shown; ++i) out += (i ? "; " : "") + items[i];
  if (items.size() > shown) out += "; and " + std::to_string(items.size() - shown) + " more";
  return out;
}

std::string plural(int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string summarise(const RefreshResult& r, const RefreshOptions& options, const std::string& rules_version,
                      const std::string& export_error) {
  std::ostringstream s;
  s << "Refresh " << store::to_string(r.status) << ": crawled " << options.site << " ("
    << plural(r.counts.authorities_seen, "authority", "authorities") << ", "
    << plural(r.counts.jtai_seen, "JTAI letter", "JTAI letters") << " listed; "
    << plural(r.counts.requests, "request", "requests") << ", " << human_bytes(r.counts.bytes) << ", "
    << plural(r.counts.downloads, "download", "downloads") << "). ";
  s << "New letters: " << r.new_letters.size();
  if (!r.new_letters.empty()) s << " (" << list_some(r.new_letters) << ")";
  s << ". ";
  if (r.status == store::RunStatus::failed && !r.exported && export_error.empty()) {
    s << "The crawl failed, so nothing was re-extracted or exported; exports/latest still holds the last good "
         "export and everything stored earlier is kept. ";
  } else {
    const auto& x = r.reextract;
    s << "Rules " << rules_version.substr(0, 12) << ": ";
    if (x.extracted == 0 && x.errors.empty())
      s << "all " << plural(x.letters, "stored letter", "stored letters") << " already extracted under these rules";
    else {
      s << plural(x.extracted, "letter", "letters") << " re-extracted without downloading";
      if (x.pdfs_parsed) s << " (" << x.pdfs_parsed << " parsed from the stored PDF: no stored layout)";
      s << ", findings changed in " << x.findings_changed;
    }
    std::vector<std::string> changed;
    for (const auto& c : x.changes) {
      std::string fields;
      for (size_t i = 0; i < c.fields.size(); ++i) fields += (i ? ", " : "") + c.fields[i];
      changed.push_back(c.letter + ": " + fields);
    }
    if (!changed.empty()) s << "; changed records: " << list_some(changed);
    s << ". ";
    if (r.exported) s << "Exports written to " << r.export_dir.string() << " and exports/latest. ";
    else s << "Export failed (" << export_error << "); exports/latest left as it was. ";
  }
  s << "Errors: " << r.counts.errors << ".";
  if (!r.messages.empty()) s << " Messages: " << list_some(r.messages, 5) << ".";
  return s.str();
}

}  // namespace

int exit_status_for(store::RunStatus status) {
  switch (status) {
    case store::RunStatus::ok: return 0;
    case store::RunStatus::suspect: return 4;
    default: return 1;
  }
}

RefreshResult run_refresh(store::Store& store, const extract::RuleSet& rules, const RefreshOptions& options) {
  RefreshResult r;
  const std::string rules_version{rules.version()};

  crawler::CrawlOptions crawl;
  crawl.data_dir = options.data_dir;
  crawl.rules_dir = options.rules_dir;
  crawl.site = options.site;
  crawl.delay_seconds = options.delay_seconds;
  crawl.command = "refresh";
  crawl.progress = options.progress;
  crawl.contact = options.contact;
  crawler::CrawlResult crawled = crawler::run_crawl(store, crawl);
  r.run_id = crawled.run_id;
  r.status = crawled.status;
  r.counts = crawled.counts;
  r.messages = crawled.messages;
  r.new_letters = crawled.new_letters;

  std::string export_error;
  if (r.status != store::RunStatus::failed) {
    std::cerr << "jtai refresh: re-extracting stored letters under rules " << rules_version.substr(0, 12) << "\n";
    r.reextract = reextract_letters(store, rules, {.only_outdated = true, .threads = options.threads});
    r.counts.extracted += r.reextract.saved;
    r.counts.changed_findings += r.reextract.findings_changed;
    r.counts.errors += static_cast<int>(r.reextract.errors.size());
    for (const auto& e : r.reextract.errors) r.messages.push_back("re-extraction: " + e);
    if (!r.reextract.errors.empty() && r.status == store::RunStatus::ok) r.status = store::RunStatus::suspect;

    std::cerr << "jtai refresh: exporting\n";
    try {
      auto exported = exporter::run_export({options.data_dir, options.rules_dir, options.export_date});
      r.exported = true;
      r.export_dir = exported.dir;
    } catch (const std::exception& e) {
      export_error = e.what();
      r.messages.push_back("export: " + export_error);
      r.counts.errors += 1;
      r.status = store::RunStatus::failed;
    }
  }

  r.summary = summarise(r, options, rules_version, export_error);
  if (r.run_id == 0) r.run_id = store.begin_run("refresh", options.site);
  store.finish_run(r.run_id, r.status, r.counts, r.messages, r.summary);
  return r;
}

}  // namespace jtai::refresh

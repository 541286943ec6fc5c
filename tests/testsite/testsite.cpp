#include "tests/testsite/testsite.hpp"

#include "tests/support/pdf_builder.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "common/authority_table.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/hash.hpp"
#include "common/text.hpp"

namespace jtai::testsite {

namespace fs = std::filesystem;

std::vector<std::string> fault_names() {
  return {"500",     "flaky",    "429",      "slow",    "drop",   "html",     "truncated", "blank",
          "layout",  "redirect", "robots",   "withdraw", "publish", "nocount", "miscount", "clamped",
          "past404", "past410",  "nopaging", "extra",   "results", "variants", "timeline", "403",
          "403file"};
}

namespace {

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};

struct Date {
  int y = 0, m = 0, d = 0;
  static Date from_iso(const std::string& iso) {
    Date dt;
    std::sscanf(iso.c_str(), "%d-%d-%d", &dt.y, &dt.m, &dt.d);
    return dt;
  }
  std::string iso() const {
    char b[32];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", y, m, d);
    return b;
  }
  std::string text() const { return std::to_string(d) + " " + kMonths[m - 1] + " " + std::to_string(y); }
  std::string file_text() const {
    char b[64];
    std::snprintf(b, sizeof b, "%02d %s %04d", d, to_lower_ascii(kMonths[m - 1]).c_str(), y);
    return b;
  }
};

struct Publication {
  std::string file_id;
  std::string kind_text;  // "Joint area child protection inspection"
  Date date;
  bool jtai = false;
};

struct Provider {
  int urn = 0;
  std::string name;
  std::string slug;
  std::vector<Publication> publications;
  int version = 0;  // bumped when a publication is added
};

struct FileEntry {
  std::string bytes;  // when generated
  fs::path path;      // when served from ../shared
  bool jtai = false;
  std::string content() const { return path.empty() ? bytes : read_file(path); }
};

struct CorpusLetter {
  int urn = 0;
  fs::path path;
  Date date;
};

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string to_upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string http_date(int days_after_base) {
  std::time_t t = 1735725600 + static_cast<std::time_t>(days_after_base) * 86400;  // 2025-01-01 10:00 UTC
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string ofsted_name(const Authority& a) {
  if (a.region_name == "London") return "London Borough of " + a.name;
  return a.name + " Council";
}

}  // namespace

std::string tiny_pdf(const std::vector<std::string>& lines) { return jtai::test::text_pdf(lines); }

struct TestSite::Impl {
  Options options;
  mutable std::mutex mutex;
  std::vector<Provider> providers;  // by URN
  std::map<std::string, FileEntry> files;
  std::vector<Letter> letters;
  std::vector<CorpusLetter> pool;  // corpus letters not yet published
  std::set<std::string> faults;
  std::set<std::string> flaky_seen;
  bool rate_limited_once = false;
  Stats stats;
  std::vector<RequestRecord> log;
  long next_file_id = 50200000;
  int tiny_published = 0;
  std::atomic<bool> stopping{false};
  httplib::Server site, file_host;
  int site_port = 0, file_port = 0;
  std::thread site_thread, file_thread;

  std::string new_file_id() { return std::to_string(next_file_id++); }

  Provider* provider(int urn) {
    for (auto& p : providers)
      if (p.urn == urn) return &p;
    return nullptr;
  }

  std::string file_base() const { return "http://127.0.0.1:" + std::to_string(file_port); }

  void add_letter(Provider& p, const Date& date, FileEntry entry) {
    std::string id = new_file_id();
    entry.jtai = true;
    files[id] = std::move(entry);
    p.publications.push_back({id, "Joint area child protection inspection", date, true});
    ++p.version;
    letters.push_back({p.urn, id, date.iso(),
                       "reports/" + std::to_string(p.urn) + "_" + p.slug +
                           "/joint area child protection inspection - " + date.file_text() + ".pdf"});
  }

  void add_other(Provider& p, const std::string& kind_text, const Date& date, FileEntry entry) {
    std::string id = new_file_id();
    files[id] = std::move(entry);
    p.publications.push_back({id, kind_text, date, false});
  }

  FileEntry tiny_letter(const Provider& p, const Date& date) const {
    return FileEntry{tiny_pdf({"Ofsted, Care Quality Commission, HMICFRS, HMI Probation", date.text(),
                               "Joint targeted area inspection of " + p.name,
                               "This inspection took place in " + std::string(kMonths[date.m - 1]) + " " +
                                   std::to_string(date.y) + ".",
                               "Headline findings", "Partners work well together to protect children."}),
                     {}, true};
  }

  void build() {
    AuthorityTable table = AuthorityTable::load(options.rules_dir);
    for (const auto& [urn, a] : table.all()) providers.push_back({urn, ofsted_name(a), a.slug, {}, 0});

    std::vector<CorpusLetter> corpus;
    const bool shared = options.shared_dir && fs::is_directory(*options.shared_dir / "corpus" / "jtai");
    if (shared) {
      for (const auto& dir : fs::directory_iterator(*options.shared_dir / "corpus" / "jtai")) {
        if (!dir.is_directory()) continue;
        int urn = std::atoi(dir.path().filename().string().c_str());
        if (!provider(urn)) continue;
        for (const auto& f : fs::directory_iterator(dir.path())) {
          std::string name = f.path().stem().string();
          auto dash = name.rfind(" - ");
          auto iso = dash == std::string::npos ? std::nullopt : parse_day_month_year(name.substr(dash + 3));
          if (f.path().extension() == ".pdf" && iso) corpus.push_back({urn, f.path(), Date::from_iso(*iso)});
        }
      }
      std::sort(corpus.begin(), corpus.end(), [](const CorpusLetter& a, const CorpusLetter& b) {
        return std::tie(a.urn, a.path) < std::tie(b.urn, b.path);
      });
    } else {
      // Tiny letters for every 20th authority, plus a pool to publish later.
      for (size_t i = 3; i < providers.size(); i += 20)
        corpus.push_back({providers[i].urn, {}, Date{2018 + static_cast<int>(i % 7), 1 + static_cast<int>(i % 12), 15}});
    }
    size_t serve = options.max_jtai < 0 ? corpus.size() : std::min(corpus.size(), static_cast<size_t>(options.max_jtai));
    for (size_t i = 0; i < corpus.size(); ++i) {
      if (i >= serve) {
        pool.push_back(corpus[i]);
        continue;
      }
      Provider& p = *provider(corpus[i].urn);
      add_letter(p, corpus[i].date, corpus[i].path.empty() ? tiny_letter(p, corpus[i].date) : FileEntry{{}, corpus[i].path, true});
    }

    // Publications that are not JTAI letters.
    const std::string ilacs_pdf = tiny_pdf({"Inspection of children's social care services", "Ofsted ILACS"});
    const std::string visit_pdf = tiny_pdf({"Focused visit to children's services", "Ofsted"});
    const std::string send_pdf = tiny_pdf({"Area SEND full inspection", "Ofsted and CQC"});
    const std::string jar_pdf = tiny_pdf({"Joint area review", "Ofsted 2009"});
    std::set<int> send_done, jar_done;
    if (options.shared_dir && fs::is_directory(*options.shared_dir / "corpus" / "other")) {
      for (const auto& f : fs::directory_iterator(*options.shared_dir / "corpus" / "other")) {
        std::string name = f.path().stem().string();
        Provider* p = provider(std::atoi(name.c_str()));
        if (!p) continue;
        if (name.find("joint-area-review") != std::string::npos) {
          add_other(*p, "Joint area review - progress inspection", Date{2009, 6, 12}, FileEntry{{}, f.path(), false});
          jar_done.insert(p->urn);
        } else if (name.find("area-send") != std::string::npos) {
          auto dashes = name.find("---");
          std::string date_text = dashes == std::string::npos ? "" : name.substr(dashes + 3);
          std::replace(date_text.begin(), date_text.end(), '-', ' ');
          auto iso = parse_day_month_year(date_text);
          add_other(*p, "Area SEND full inspection", iso ? Date::from_iso(*iso) : Date{2023, 5, 1},
                    FileEntry{{}, f.path(), false});
          send_done.insert(p->urn);
        }
      }
    }
    for (size_t i = 0; i < providers.size(); ++i) {
      Provider& p = providers[i];
      const int k = static_cast<int>(i);
      add_other(p, "Children's services inspection", Date{2022 + k % 3, 1 + k % 12, 1 + k % 27}, FileEntry{ilacs_pdf, {}, false});
      if (i % 3 == 0)
        add_other(p, "Children's services focused visit", Date{2021, 1 + k % 12, 2 + k % 25}, FileEntry{visit_pdf, {}, false});
      if (i % 5 == 1 && !send_done.count(p.urn))
        add_other(p, "Area SEND full inspection", Date{2023, 1 + k % 12, 3 + k % 20}, FileEntry{send_pdf, {}, false});
      if (i % 7 == 2 && !jar_done.count(p.urn))
        add_other(p, "Joint area review - progress inspection", Date{2009, 1 + k % 12, 10}, FileEntry{jar_pdf, {}, false});
    }
    faults = options.faults;
    if (faults.count("publish")) publish_locked();
  }

  Letter publish_locked() {
    if (!pool.empty()) {
      CorpusLetter c = pool.front();
      pool.erase(pool.begin());
      Provider& p = *provider(c.urn);
      add_letter(p, c.date, c.path.empty() ? tiny_letter(p, c.date) : FileEntry{{}, c.path, true});
    } else {
      // A tiny letter for an authority that has none yet, dated after everything else.
      Provider& p = providers[(7 + 11 * static_cast<size_t>(tiny_published)) % providers.size()];
      Date d{2026, 1 + tiny_published % 12, 10};
      ++tiny_published;
      add_letter(p, d, tiny_letter(p, d));
    }
    return letters.back();
  }

  // ---- responses ----

  void record(const std::string& host, const httplib::Request& req, int status, size_t bytes) {
    RequestRecord r;
    r.host = host;
    r.target = req.target.empty() ? req.path : req.target;
    r.status = status;
    r.conditional = req.has_header("If-None-Match") || req.has_header("If-Modified-Since");
    r.user_agent = req.get_header_value("User-Agent");
    r.at = std::chrono::steady_clock::now();
    ++stats.requests;
    if (status == 304) ++stats.not_modified;
    stats.bytes += static_cast<long long>(bytes);
    log.push_back(std::move(r));
  }

  // Sends `body` with ETag/Last-Modified, or 304 when the client's copy is current.
  void send_cacheable(const std::string& host, const httplib::Request& req, httplib::Response& res,
                      const std::string& body, const std::string& type, const std::string& last_modified) {
    std::string etag(1, '"');  // built step by step: GCC 12 -Wrestrict misfires on "\"" + string
    etag.append(sha256_hex(body), 0, 16).push_back('"');
    bool fresh = false;
    if (req.has_header("If-None-Match"))
      fresh = req.get_header_value("If-None-Match") == etag;
    else if (req.has_header("If-Modified-Since"))
      fresh = req.get_header_value("If-Modified-Since") == last_modified;
    res.set_header("ETag", etag);
    res.set_header("Last-Modified", last_modified);
    if (fresh) {
      res.status = 304;
      record(host, req, 304, 0);
      return;
    }
    res.status = 200;
    res.set_content(body, type);
    record(host, req, 200, body.size());
    if (host == "files" && type == "application/pdf" && req.method != "HEAD") ++stats.pdf_bodies;
  }

  void send_plain(const std::string& host, const httplib::Request& req, httplib::Response& res, int status,
                  const std::string& body, const std::string& type = "text/html; charset=utf-8") {
    res.status = status;
    res.set_content(body, type);
    record(host, req, status, body.size());
  }

  bool flaky_first(const std::string& key) { return faults.count("flaky") && flaky_seen.insert(key).second; }

  std::string page(const std::string& title, const std::string& main) const {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html_escape(title) +
           " - Ofsted</title></head>\n<body><header><a href=\"/\">Ofsted reports</a> <a href=\"/search\">Find an "
           "inspection report</a></header>\n<main>\n" +
           main + "</main>\n<footer><a href=\"https://www.gov.uk/government/organisations/ofsted\">Ofsted</a></footer></body></html>\n";
  }

  std::string listing(int start, int rows) const {
    const int total = static_cast<int>(providers.size());
    const bool changed = faults.count("results") > 0;
    std::string main = "<h1>Search results</h1>\n";
    if (!faults.count("nocount"))
      main += "<p class=\"results-count\">" + std::to_string(total + (faults.count("miscount") ? 5 : 0)) +
              " results</p>\n";
    if (faults.count("extra")) {
      // Provider links that are not results: must never be counted as listed authorities.
      main += "<aside class=\"recently-viewed\"><h2>Recently viewed</h2><ul><li><a href=\"/provider/44/" +
              std::to_string(providers.back().urn) + "\">" + html_escape(providers.back().name) +
              "</a></li><li><a href=\"/provider/16/2599999\">Sunny Days Children's Home</a></li></ul></aside>\n"
              "<div class=\"featured\"><a href=\"/provider/23/1234567\">Featured: Anytown Academy</a></div>\n";
    }
    main += changed ? "<ol class=\"search-results\">\n" : "<ul class=\"results-list\">\n";
    const int end = std::min(total, start + rows);
    for (int i = start; i < end; ++i) {
      const Provider& p = providers[static_cast<size_t>(i)];
      const std::string link = "<a href=\"/provider/44/" + std::to_string(p.urn) + "\">" + html_escape(p.name) + "</a>";
      if (changed)
        main += "<li class=\"result\"><h2 class=\"result__title\">" + link + "</h2></li>\n";
      else
        main += "<li class=\"search-result\"><h3 class=\"search-result__title\">" + link +
                "</h3><p class=\"search-result__type\">Local authority children's services</p></li>\n";
    }
    if (start >= total) main += "<li class=\"no-results\">No results found</li>\n";
    main += changed ? "</ol>\n" : "</ul>\n";
    main += "<ul class=\"pagination\">";
    if (end < total)
      main += "<li class=\"next\"><a href=\"/search?q=&amp;level_1_types=3&amp;level_2_types%5B%5D=12&amp;start=" +
              std::to_string(end) + "&amp;rows=" + std::to_string(rows) + "\">Next</a></li>";
    main += "</ul>\n";
    return page("Search results", main);
  }

  std::string provider_page(const Provider& p) const {
    const bool changed = faults.count("layout") > 0;
    std::vector<Publication> pubs = p.publications;
    std::stable_sort(pubs.begin(), pubs.end(), [](const Publication& a, const Publication& b) {
      return a.date.iso() > b.date.iso();
    });
    const bool timeline = faults.count("timeline") > 0;
    std::string main = "<h1>" + html_escape(p.name) + "</h1>\n<p>URN: " + std::to_string(p.urn) + "</p>\n" +
                       (timeline ? "<ol class=\"timeline\">\n" : "<ul class=\"timeline\">\n");
    int n = 0;
    for (const auto& pub : pubs) {
      if (faults.count("withdraw") && !letters.empty() && pub.file_id == letters.front().file_id) continue;
      const std::string url = file_base() + "/v1/file/" + pub.file_id;
      std::string kind_text = pub.kind_text;
      std::string nonvisual = pub.kind_text + ", pdf - " + pub.date.text();
      if (faults.count("variants")) {  // the ways the live site has written the same thing
        static const char* const forms[] = {"%s,  pdf - %s", "%s as pdf - %s", "%s, PDF - %s", "%s\xC2\xA0pdf\xC2\xA0- %s",
                                            "%s (pdf) - %s", "%s,pdf - %s"};
        const char* form = forms[n % 6];
        std::string k = n % 4 == 1 ? to_upper(pub.kind_text) : pub.kind_text;
        nonvisual = form;
        nonvisual.replace(nonvisual.find("%s"), 2, k);
        nonvisual.replace(nonvisual.find("%s"), 2, pub.date.text());
        kind_text = n % 3 == 2 ? "  " + to_upper(pub.kind_text) + " \n " : pub.kind_text;
      }
      ++n;
      if (timeline) {
        // The day carries the date; the title span does not. Some events have no file.
        main += "<li class=\"timeline__day\"><p class=\"timeline__date\"><time datetime=\"" + pub.date.iso() +
                "\">" + pub.date.text() + "</time></p>";
        if (n % 2 == 1)
          main += "<div class=\"event\"><span class=\"event__title heading--sub\">Inspection fieldwork</span>"
                  "<p class=\"event__body\">Inspectors visited the local authority.</p></div>";
        main += "<div class=\"event\"><span class=\"event__title heading--sub\"><a class=\"publication-link\" href=\"" +
                url + "\" target=\"_blank\">" + html_escape(kind_text) + " <span class=\"nonvisual\">" +
                html_escape(nonvisual) + "</span></a></span></div></li>\n";
        continue;
      }
      if (changed) {
        main += "<li class=\"timeline__item\"><div class=\"timeline__title\"><a class=\"report-download\" href=\"" +
                url + "\">" + html_escape(kind_text) + " <span class=\"visually-hidden\">" +
                html_escape(nonvisual) + "</span></a></div><p class=\"timeline__date\">" + pub.date.text() +
                "</p></li>\n";
      } else {
        main += "<li class=\"timeline__day\"><span class=\"event__title heading--sub\"><a class=\"publication-link\" "
                "href=\"" +
                url + "\" target=\"_blank\">" + html_escape(kind_text) + " <span class=\"nonvisual\">" +
                html_escape(nonvisual) + "</span></a><div class=\"event__metadata\"><time pubdate>" +
                pub.date.text() + "</time></div></span></li>\n";
      }
    }
    main += timeline ? "</ol>\n" : "</ul>\n";
    return page(p.name, main);
  }

  std::string robots() const {
    std::string text =
        "# Test site robots.txt\nUser-agent: badbot\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\n"
        "Disallow: /search?*&sort=\n";
    if (faults.count("robots") && !letters.empty())
      text += "Disallow: /provider/44/" + std::to_string(letters.front().urn) + "$\n";
    return text;
  }

  void routes() {
    site.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      if (!faults.count("403") || req.path.rfind("/__", 0) == 0) return httplib::Server::HandlerResponse::Unhandled;
      send_plain("site", req, res, 403, page("Forbidden", "<p>Access denied.</p>"));
      return httplib::Server::HandlerResponse::Handled;
    });
    site.Get("/robots.txt", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      send_plain("site", req, res, 200, robots(), "text/plain");
    });
    site.Get("/search", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock lock(mutex);
      int start = req.has_param("start") ? std::atoi(req.get_param_value("start").c_str()) : 0;
      int rows = req.has_param("rows") ? std::atoi(req.get_param_value("rows").c_str()) : 10;
      rows = std::clamp(rows, 1, 100);  // the site serves at most 100 rows a page
      if (req.get_param_value("level_1_types") != "3" || req.get_param_value("level_2_types[]") != "12")
        return send_plain("site", req, res, 200, page("Search results", "<p>Choose a type of provider.</p>"));
      if (faults.count("500") && start >= 100)
        return send_plain("site", req, res, 500, page("Error", "<p>Sorry, something went wrong.</p>"));
      const int total = static_cast<int>(providers.size());
      if (faults.count("nopaging")) start = 0;
      if (start >= total) {
        if (faults.count("past404")) return send_plain("site", req, res, 404, page("Not found", "<p>Page not found</p>"));
        if (faults.count("past410")) return send_plain("site", req, res, 410, page("Gone", "<p>Gone</p>"));
        if (faults.count("clamped")) start = std::max(0, (total - 1) / rows * rows);
      }
      if (faults.count("429") && start == 0 && !rate_limited_once) {
        rate_limited_once = true;
        res.set_header("Retry-After", "1");
        return send_plain("site", req, res, 429, page("Too many requests", "<p>Slow down.</p>"));
      }
      send_cacheable("site", req, res, listing(start, rows), "text/html; charset=utf-8", http_date(0));
    });
    site.Get(R"(/provider/(\d+)/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      const Provider* p = provider(std::atoi(req.matches[2].str().c_str()));
      if (!p) return send_plain("site", req, res, 404, page("Not found", "<p>Page not found</p>"));
      if (flaky_first(req.path)) return send_plain("site", req, res, 500, page("Error", "<p>Try again.</p>"));
      send_cacheable("site", req, res, provider_page(*p), "text/html; charset=utf-8", http_date(p->version));
    });
    site.Get("/__stats", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mutex);
      nlohmann::json j = {{"requests", stats.requests},
                          {"not_modified", stats.not_modified},
                          {"pdf_bodies", stats.pdf_bodies},
                          {"bytes", stats.bytes},
                          {"letters", letters.size()},
                          {"authorities", providers.size()}};
      res.set_content(j.dump(), "application/json");
    });
    site.Get("/__fault", [this](const httplib::Request& req, httplib::Response& res) {
      set_fault(req.get_param_value("name"), req.get_param_value("on") != "0");
      res.set_content("ok\n", "text/plain");
    });
    site.Get("/__publish", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock(mutex);
      Letter l = publish_locked();
      res.set_content(l.file_id + " " + std::to_string(l.urn) + " " + l.date_iso + "\n", "text/plain");
    });

    file_host.Get("/robots.txt", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      send_plain("files", req, res, 200, "User-agent: *\nAllow: /\n", "text/plain");
    });
    file_host.Get(R"(/v1/file/(\d+)(/content)?)", [this](const httplib::Request& req, httplib::Response& res) {
      serve_file(req, res);
    });
  }

  void pause(double seconds) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!stopping && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  void serve_file(const httplib::Request& req, httplib::Response& res) {
    std::unique_lock lock(mutex);
    const std::string id = req.matches[1].str();
    const bool content_path = req.matches[2].matched;
    auto it = files.find(id);
    if (it == files.end()) return send_plain("files", req, res, 404, "<html><body>Not found</body></html>");
    const bool target = !letters.empty() && id == letters.front().file_id;
    const bool via_redirect = letters.size() > 1 && id == letters[1].file_id;
    if (flaky_first(req.path)) return send_plain("files", req, res, 500, "<html><body>Error</body></html>");
    if (target && faults.count("403file")) return send_plain("files", req, res, 403, "<html><body>AccessDenied</body></html>");
    if (via_redirect && !content_path) {  // always: a redirect within the file host
      res.set_redirect("/v1/file/" + id + "/content", 302);
      return record("files", req, 302, 0);
    }
    if (target && faults.count("redirect")) {
      res.set_redirect("http://localhost:" + std::to_string(file_port) + "/v1/file/" + id, 302);
      return record("files", req, 302, 0);
    }
    if (target && faults.count("html"))
      return send_plain("files", req, res, 200,
                        "<!DOCTYPE html><html><body><h1>Sign in</h1><p>Please sign in to continue.</p></body></html>");
    std::string bytes = target && faults.count("blank") ? tiny_pdf({}) : it->second.content();
    if (target && faults.count("truncated")) {
      bytes.resize(bytes.size() * 6 / 10);
      return send_plain("files", req, res, 200, bytes, "application/pdf");
    }
    if (target && faults.count("slow")) {
      record("files", req, 200, bytes.size());  // counted on arrival: the client may give up first
      lock.unlock();
      pause(3.0);
      res.status = 200;
      res.set_content(bytes, "application/pdf");
      return;
    }
    if (target && faults.count("drop")) {
      auto shared = std::make_shared<std::string>(std::move(bytes));
      const size_t half = shared->size() / 2;
      res.status = 200;
      res.set_content_provider(shared->size(), "application/pdf",
                               [shared, half](size_t offset, size_t length, httplib::DataSink& sink) {
                                 if (offset >= half) return false;  // drop the connection mid-body
                                 sink.write(shared->data() + offset, std::min(length, half - offset));
                                 return true;
                               });
      return record("files", req, 200, half);
    }
    send_cacheable("files", req, res, bytes, "application/pdf", http_date(0));
  }

  void set_fault(const std::string& name, bool on) {
    std::lock_guard lock(mutex);
    if (name == "publish") {
      if (on) publish_locked();
      return;
    }
    if (on) {
      faults.insert(name);
    } else {
      faults.erase(name);
    }
    if (name == "429") rate_limited_once = false;
    if (name == "flaky") flaky_seen.clear();
  }
};

TestSite::TestSite(Options options) : impl_(std::make_unique<Impl>()) {
  for (const auto& f : options.faults) {
    auto names = fault_names();
    if (std::find(names.begin(), names.end(), f) == names.end()) throw Error("unknown test-site fault '" + f + "'");
  }
  impl_->options = std::move(options);
  impl_->build();
  impl_->routes();
}

TestSite::~TestSite() { stop(); }

void TestSite::start(int site_port, int file_port) {
  auto bind = [](httplib::Server& server, int port) {
    server.set_keep_alive_max_count(1000);
    server.set_tcp_nodelay(true);
    if (port == 0) return server.bind_to_any_port("127.0.0.1");
    return server.bind_to_port("127.0.0.1", port) ? port : -1;
  };
  impl_->site_port = bind(impl_->site, site_port);
  impl_->file_port = bind(impl_->file_host, file_port);
  if (impl_->site_port <= 0 || impl_->file_port <= 0) throw Error("test site: cannot bind to 127.0.0.1");
  impl_->site_thread = std::thread([this] { impl_->site.listen_after_bind(); });
  impl_->file_thread = std::thread([this] { impl_->file_host.listen_after_bind(); });
  while (!impl_->site.is_running() || !impl_->file_host.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void TestSite::stop() {
  impl_->stopping = true;
  impl_->site.stop();
  impl_->file_host.stop();
  if (impl_->site_thread.joinable()) impl_->site_thread.join();
  if (impl_->file_thread.joinable()) impl_->file_thread.join();
}

std::string TestSite::site_url() const { return "http://127.0.0.1:" + std::to_string(impl_->site_port); }
std::string TestSite::file_url() const { return impl_->file_base(); }

void TestSite::set_fault(const std::string& name, bool on) { impl_->set_fault(name, on); }

Letter TestSite::publish_new_report() {
  std::lock_guard lock(impl_->mutex);
  return impl_->publish_locked();
}

std::vector<Letter> TestSite::jtai_letters() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->letters;
}

int TestSite::authority_count() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(impl_->providers.size());
}

Letter TestSite::target_letter() const {
  std::lock_guard lock(impl_->mutex);
  if (impl_->letters.empty()) throw Error("test site has no letters");
  return impl_->letters.front();
}

std::vector<std::string> TestSite::other_file_ids() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<std::string> out;
  for (const auto& [id, f] : impl_->files)
    if (!f.jtai) out.push_back(id);
  return out;
}

Stats TestSite::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

std::vector<RequestRecord> TestSite::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->log;
}

void TestSite::reset_stats() {
  std::lock_guard lock(impl_->mutex);
  impl_->stats = Stats();
  impl_->log.clear();
}

}  // namespace jtai::testsite

// `jtai search`: full-text search over the findings of every current letter
// (store/search.hpp), with filters, as a table, CSV or JSON. Read-only.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <re2/re2.h>
#include <set>

#include "app/command.hpp"
#include "common/authority_table.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "export/cell_text.hpp"
#include "extract/agencies.hpp"
#include "store/migrations.hpp"
#include "store/search.hpp"
#include "store/store.hpp"

namespace jtai::app {
namespace {

namespace fs = std::filesystem;

struct SearchCommand {
  std::string data_dir;
  std::string query;
  std::string section, focus, round, agency, authority, region, from, to;
  std::string format = "table";
  int limit = 20;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The stored section name for what a user types: "priority actions", "case study", ...
std::string section_of(const std::string& typed) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"headline", "headline"},          {"headlines", "headline"},         {"headline findings", "headline"},
      {"priority_action", "priority_action"}, {"priority action", "priority_action"},
      {"priority actions", "priority_action"}, {"improvement", "improvement"}, {"improvements", "improvement"},
      {"strength", "strength"},          {"strengths", "strength"},         {"case_study", "case_study"},
      {"case study", "case_study"},      {"case studies", "case_study"},   {"practice study", "case_study"},
  };
  std::string t = lower(typed);
  std::replace(t.begin(), t.end(), '-', ' ');
  for (const auto& [name, section] : kNames)
    if (t == name) return section;
  throw Error("unknown section '" + typed +
              "' (known: headline, priority_action, improvement, strength, case_study)");
}

std::string check_date(const std::string& value, const char* option) {
  static const RE2 kDate(R"(\d{4}(-\d{2}(-\d{2})?)?)");
  if (!RE2::FullMatch(value, kDate))
    throw Error(std::string(option) + " '" + value + "' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)");
  return value;
}

std::vector<int> authority_urns(const std::string& wanted, const AuthorityTable& table, store::Db& db) {
  static const RE2 kUrn(R"(\d{4,8})");
  if (RE2::FullMatch(wanted, kUrn)) return {std::stoi(wanted)};
  std::vector<std::pair<int, std::string>> names;
  for (const auto& [urn, a] : table.all())
    for (const auto* n : {&a.name, &a.ons_name, &a.slug}) names.emplace_back(urn, lower(*n));
  for (auto [urn, name] : store::stored_authorities(db)) names.emplace_back(urn, lower(name));
  std::string w = lower(wanted);
  std::set<int> exact, partial;
  for (const auto& [urn, name] : names) {
    if (name == w) exact.insert(urn);
    else if (!w.empty() && name.find(w) != std::string::npos) partial.insert(urn);
  }
  const auto& found = exact.empty() ? partial : exact;
  if (found.empty()) throw Error("no authority named '" + wanted + "' (give its name or its Ofsted URN)");
  return {found.begin(), found.end()};
}

std::vector<int> region_urns(const std::string& wanted, const AuthorityTable& table) {
  std::vector<int> urns;
  std::set<std::string> known;
  for (const auto& [urn, a] : table.all()) {
    known.insert(a.region_name + " (" + a.region_code + ")");
    if (lower(a.region_code) == lower(wanted) || lower(a.region_name) == lower(wanted)) urns.push_back(urn);
  }
  if (urns.empty()) {
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw Error("unknown region '" + wanted + "' (known: " + list + ")");
  }
  return urns;
}

// Opens the store read-only; a store from before the search index is migrated first.
store::Db open_store(const fs::path& data_dir) {
  fs::path path = data_dir / store::kDatabaseName;
  if (!fs::exists(path))
    throw Error("no store at " + path.string() + " (run `jtai crawl --data " + data_dir.string() + "` first)");
  {
    store::Db db(path, /*read_only=*/true);
    int v = store::schema_version(db);
    if (v == 0) throw Error(path.string() + " is not a jtai database (schema version 0)");
    if (v >= store::latest_schema_version()) return db;
  }
  store::Store upgrade(data_dir);  // adds and fills the search index once
  return store::Db(path, /*read_only=*/true);
}

std::string section_label(const store::SearchHit& h) {
  std::string s = h.section;
  std::replace(s.begin(), s.end(), '_', ' ');
  return h.section == "headline" ? "headline findings" : s + " " + std::to_string(h.position);
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string region_of(int urn, const AuthorityTable& table) {
  const Authority* a = table.find(urn);
  return a ? a->region_name : "";
}

void print_table(const store::SearchResult& r, const AuthorityTable& table, int limit) {
  int rank = 0;
  for (const auto& h : r.hits) {
    std::cout << ++rank << ". " << h.authority << " (" << h.urn << ")";
    if (auto reg = region_of(h.urn, table); !reg.empty()) std::cout << ", " << reg;
    std::cout << ", " << h.date.value_or("no date") << ", " << section_label(h);
    if (h.focus) std::cout << ", " << *h.focus;
    std::vector<std::string> who;
    if (h.agency) who.push_back(*h.agency + " (subheading)");
    for (const auto& a : h.agencies)
      if (!h.agency || a != *h.agency) who.push_back(a);
    if (!who.empty()) std::cout << " [" << join(who, ", ") << "]";
    std::cout << "\n";
    if (h.title) std::cout << "   " << *h.title << "\n";
    std::string snippet = h.snippet;
    std::replace(snippet.begin(), snippet.end(), '\n', ' ');
    std::cout << "   " << snippet << "\n   " << h.url << "\n";
  }
  if (r.total == 0)
    std::cout << "No matching items.\n";
  else if (static_cast<int64_t>(r.hits.size()) < r.total)
    std::cout << r.hits.size() << " of " << r.total << " matching items shown (--limit " << limit
              << "; --limit 0 shows all).\n";
  else
    std::cout << r.total << " matching item" << (r.total == 1 ? "" : "s") << ".\n";
}

void print_csv(const store::SearchResult& r, const AuthorityTable& table) {
  std::cout << exporter::csv_record({"rank", "URN", "local authority", "region name", "date", "focus", "round",
                                     "section", "position", "case study title", "subheading", "agency", "agencies",
                                     "snippet", "text", "link to the PDF"});
  int rank = 0;
  for (const auto& h : r.hits) {
    std::vector<std::string> row = {std::to_string(++rank), std::to_string(h.urn), h.authority,
                                    region_of(h.urn, table), h.date.value_or(""), h.focus.value_or(""),
                                    h.round.value_or(""), h.section, std::to_string(h.position),
                                    h.title.value_or(""), h.subheading.value_or(""), h.agency.value_or(""),
                                    join(h.agencies, "; "), h.snippet, h.text, h.url};
    for (auto& cell : row) cell = exporter::guard_csv_cell(cell);
    std::cout << exporter::csv_record(row);
  }
}

void print_json(const store::SearchResult& r, const AuthorityTable& table, const std::string& query) {
  auto opt = [](const std::optional<std::string>& v) {
    return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
  };
  nlohmann::ordered_json out;
  out["query"] = query;
  out["total"] = r.total;
  auto results = nlohmann::ordered_json::array();
  int rank = 0;
  for (const auto& h : r.hits) {
    nlohmann::ordered_json j;
    j["rank"] = ++rank;
    j["score"] = h.score;
    j["urn"] = h.urn;
    j["authority"] = h.authority;
    j["region"] = region_of(h.urn, table);
    j["date"] = opt(h.date);
    j["focus"] = opt(h.focus);
    j["round"] = opt(h.round);
    j["theme"] = opt(h.theme);
    j["section"] = h.section;
    j["position"] = h.position;
    j["title"] = opt(h.title);
    j["subheading"] = opt(h.subheading);
    j["agency"] = opt(h.agency);
    j["agencies"] = h.agencies;
    j["snippet"] = h.snippet;
    j["text"] = h.text;
    j["link"] = h.url;
    results.push_back(std::move(j));
  }
  out["results"] = std::move(results);
  std::cout << out.dump(2) << "\n";
}

CommandRegistrar registrar(47, [](CLI::App& app, const GlobalOptions& global) -> std::function<int()> {
  auto* sub = app.add_subcommand(
      "search",
      "Search the findings of every stored letter (headline findings, priority actions, improvements, strengths, "
      "case studies), best match first. QUERY uses SQLite FTS5 syntax: words, \"a phrase\", prefix*, "
      "NEAR(a b, 5), OR, NOT, title:word. Reads the store only.");
  auto o = std::make_shared<SearchCommand>();
  sub->add_option("QUERY", o->query, "What to look for (FTS5 syntax); leave out to list every item the filters pass");
  sub->add_option("--data", o->data_dir, "Data directory (holds jtai.sqlite)")->required();
  sub->add_option("--section", o->section,
                  "Only this section: headline, priority_action, improvement, strength, case_study");
  sub->add_option("--focus", o->focus, "Only letters with this focus (e.g. \"domestic abuse\")");
  sub->add_option("--round", o->round, "Only letters of this round (its id in rules/rounds.toml)");
  sub->add_option("--agency", o->agency,
                  "Only items about this agency (its name in rules/agencies.toml, e.g. police, health)");
  sub->add_option("--authority", o->authority, "Only this local authority: its name (or part of it) or its URN");
  sub->add_option("--region", o->region, "Only authorities in this region: name or code (rules/authority_table.toml)");
  sub->add_option("--from", o->from, "Only letters dated on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)");
  sub->add_option("--to", o->to, "Only letters dated on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)");
  sub->add_option("--format", o->format, "Output: table, csv or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "csv", "json"}));
  sub->add_option("--limit", o->limit, "Most results to print (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  return [o, &global] {
    fs::path rules = find_rules_dir(global.rules_dir);
    store::SearchQuery q;
    q.match = o->query;
    q.limit = o->limit;
    if (!o->section.empty()) q.section = section_of(o->section);
    if (!o->focus.empty()) q.focus = o->focus;
    if (!o->round.empty()) q.round = o->round;
    if (!o->agency.empty()) {
      auto agencies = extract::AgencyRules::load(rules / "agencies.toml");
      q.agency = agencies.canonical_name(o->agency);
      if (!q.agency) {
        std::vector<std::string> names;
        for (const auto& a : agencies.agencies()) names.push_back(a.name);
        throw Error("unknown agency '" + o->agency + "' (known: " + join(names, ", ") + ")");
      }
    }
    if (!o->from.empty()) q.from = check_date(o->from, "--from");
    if (!o->to.empty()) q.to = check_date(o->to, "--to");
    AuthorityTable table = AuthorityTable::load(rules);
    store::Db db = open_store(o->data_dir);
    if (!o->region.empty()) q.urns = region_urns(o->region, table);
    if (!o->authority.empty()) {
      auto urns = authority_urns(o->authority, table, db);
      if (q.urns) {
        std::vector<int> both;
        for (int u : urns)
          if (std::find(q.urns->begin(), q.urns->end(), u) != q.urns->end()) both.push_back(u);
        urns = both;
      }
      q.urns = urns;
    }
    const bool terminal = o->format == "table" && ::isatty(STDOUT_FILENO);
    if (terminal) {
      q.mark_open = "\033[1;4m";
      q.mark_close = "\033[0m";
    }
    store::SearchResult r = store::search(db, q);  // a QueryError (bad FTS5 syntax) -> one line, exit 2
    if (o->format == "csv")
      print_csv(r, table);
    else if (o->format == "json")
      print_json(r, table, o->query);
    else
      print_table(r, table, o->limit);
    return static_cast<int>(kExitOk);
  };
});

}  // namespace
}  // namespace jtai::app

#pragma once
// Full-text search over the items of every current extraction (search_items /
// search_fts, see migration 4): headline findings, priority actions,
// improvements, strengths and case studies. Read-only.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "store/db.hpp"

namespace jtai::store {

struct SearchQuery {
  std::string match;                    // SQLite FTS5 query; empty: every item that passes the filters
  std::optional<std::string> section;   // headline | priority_action | improvement | strength | case_study
  std::optional<std::string> focus;     // compared ignoring case
  std::optional<std::string> round;
  std::optional<std::string> agency;    // the item's agency or one of its agencies (exact name)
  std::optional<std::vector<int>> urns; // only these authorities (the --authority and --region filters)
  std::optional<std::string> from, to;  // YYYY, YYYY-MM or YYYY-MM-DD, inclusive, on the letter's date
  int limit = 20;                       // 0: no limit
  std::string mark_open = "[", mark_close = "]";  // around matched words in the snippet
};

struct SearchHit {
  double score = 0;  // bm25: lower is better; 0 without a query
  int urn = 0;
  std::string authority;  // as Ofsted names it
  std::optional<std::string> date;  // the letter date, else the end of fieldwork, else publication
  std::optional<std::string> focus, round, theme;
  std::string section;
  int position = 0;
  std::optional<std::string> title, subheading, agency;
  std::vector<std::string> agencies;
  std::string snippet;  // matched words between the marks
  std::string text;
  std::string url;      // the letter on the Ofsted site
};

struct SearchResult {
  std::vector<SearchHit> hits;  // best first
  int64_t total = 0;            // matching items before --limit
};

// The query's FTS5 syntax is wrong (one line, from SQLite).
class QueryError : public Error {
 public:
  using Error::Error;
};

SearchResult search(Db& db, const SearchQuery& query);

// URN and name of every authority in the store, for resolving --authority.
std::vector<std::pair<int, std::string>> stored_authorities(Db& db);

}  // namespace jtai::store

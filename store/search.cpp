#include "store/search.hpp"

#include <nlohmann/json.hpp>

namespace jtai::store {

namespace {

// The date a search filters and sorts by.
constexpr const char* kDate = "COALESCE(e.letter_date, e.inspection_end, p.published_on)";

// Checks the FTS5 syntax on its own, so that a mistake in the query is told
// apart from a problem with the database.
void check_query(Db& db, const std::string& match) {
  sqlite3_stmt* st = nullptr;
  const char* sql = "SELECT 1 FROM search_fts WHERE search_fts MATCH ?1 LIMIT 1";
  if (sqlite3_prepare_v2(db.handle(), sql, -1, &st, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db.handle());
    sqlite3_finalize(st);
    throw Error("the store has no search index (" + msg + ")");
  }
  sqlite3_bind_text(st, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(st);
  std::string msg = sqlite3_errmsg(db.handle());
  sqlite3_finalize(st);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  if ((rc & 0xff) == SQLITE_ERROR) throw QueryError("bad search query '" + match + "': " + msg);
  throw Error("search failed: " + msg);
}

// FROM and WHERE shared by the count and the hits; parameters by name.
std::string from_where(const SearchQuery& q) {
  std::string sql;
  if (!q.match.empty())
    sql += " FROM search_fts JOIN search_items si ON si.id = search_fts.rowid";
  else
    sql += " FROM search_items si";
  sql += " JOIN extractions e ON e.id = si.extraction_id JOIN publications p ON p.id = e.publication_id"
         " LEFT JOIN authorities a ON a.urn = p.urn WHERE e.is_current = 1";
  if (!q.match.empty()) sql += " AND search_fts MATCH :match";
  if (q.section) sql += " AND si.section = :section";
  if (q.focus) sql += " AND lower(e.focus) = lower(:focus)";
  if (q.round) sql += " AND e.round = :round";
  if (q.agency)
    sql += " AND (si.agency = :agency OR EXISTS (SELECT 1 FROM json_each(si.agencies) j WHERE j.value = :agency))";
  if (q.urns) sql += " AND p.urn IN (SELECT value FROM json_each(:urns))";
  if (q.from) sql += std::string(" AND substr(") + kDate + ", 1, length(:from)) >= :from";
  if (q.to) sql += std::string(" AND substr(") + kDate + ", 1, length(:to)) <= :to";
  return sql;
}

Statement prepare_bound(Db& db, const std::string& sql, const SearchQuery& q) {
  Statement st = db.prepare(sql);
  auto bind = [&](const char* name, const std::optional<std::string>& v) {
    if (int i = st.parameter_index(name); v && i > 0) st.bind(i, *v);
  };
  bind(":match", q.match.empty() ? std::nullopt : std::optional<std::string>(q.match));
  bind(":section", q.section);
  bind(":focus", q.focus);
  bind(":round", q.round);
  bind(":agency", q.agency);
  if (q.urns) bind(":urns", nlohmann::json(*q.urns).dump());
  bind(":from", q.from);
  bind(":to", q.to);
  if (int i = st.parameter_index(":limit"); i > 0) st.bind(i, q.limit > 0 ? q.limit : -1);
  return st;
}

}  // namespace

SearchResult search(Db& db, const SearchQuery& q) {
  if (!q.match.empty()) check_query(db, q.match);
  SearchResult result;
  {
    auto count = prepare_bound(db, "SELECT COUNT(*)" + from_where(q), q);
    if (count.step()) result.total = count.column_int(0);
  }

  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  };
  std::string score = q.match.empty() ? "0.0" : "bm25(search_fts)";
  std::string snippet = q.match.empty() ? "si.text"
                                        : "snippet(search_fts, -1, " + quote(q.mark_open) + ", " +
                                              quote(q.mark_close) + ", '…', 24)";
  std::string sql = "SELECT " + score + ", p.urn, COALESCE(a.name, ''), " + kDate +
                    ", e.focus, e.round, e.theme, "
                    "si.section, si.position, si.title, si.subheading, si.agency, si.agencies, " +
                    snippet + ", si.text, p.url" + from_where(q) + " ORDER BY 1, " + kDate +
                    " DESC, a.name, p.urn, CASE si.section WHEN 'headline' THEN 0 WHEN 'priority_action' THEN 1 "
                    "WHEN 'improvement' THEN 2 WHEN 'strength' THEN 3 ELSE 4 END, si.position LIMIT :limit";
  auto st = prepare_bound(db, sql, q);
  while (st.step()) {
    SearchHit h;
    h.score = st.column_double(0);
    h.urn = static_cast<int>(st.column_int(1));
    h.authority = st.column_text(2);
    h.date = st.column_optional_text(3);
    h.focus = st.column_optional_text(4);
    h.round = st.column_optional_text(5);
    h.theme = st.column_optional_text(6);
    h.section = st.column_text(7);
    h.position = static_cast<int>(st.column_int(8));
    h.title = st.column_optional_text(9);
    h.subheading = st.column_optional_text(10);
    h.agency = st.column_optional_text(11);
    auto agencies = nlohmann::json::parse(st.column_text(12), nullptr, /*allow_exceptions=*/false);
    if (!agencies.is_array()) throw Error("search: malformed agencies in search_items: " + st.column_text(12));
    for (const auto& a : agencies) h.agencies.push_back(a.get<std::string>());
    h.snippet = st.column_text(13);
    h.text = st.column_text(14);
    h.url = st.column_text(15);
    result.hits.push_back(std::move(h));
  }
  return result;
}

std::vector<std::pair<int, std::string>> stored_authorities(Db& db) {
  auto st = db.prepare("SELECT urn, name FROM authorities ORDER BY urn");
  std::vector<std::pair<int, std::string>> out;
  while (st.step()) out.emplace_back(static_cast<int>(st.column_int(0)), st.column_text(1));
  return out;
}

}  // namespace jtai::store

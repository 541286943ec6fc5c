#pragma once
// Thin RAII wrappers over the SQLite C API: a connection, a prepared
// statement and a transaction. Errors become jtai::Error with SQLite's text.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace jtai::store {

class Statement;

class Db {
 public:
  // Opens (creating if needed) with WAL, foreign keys and a busy timeout.
  explicit Db(const std::filesystem::path& path, bool read_only = false);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;

  void exec(std::string_view sql);  // one or more statements, no results
  Statement prepare(std::string_view sql);
  // A statement prepared once per connection and kept (reset, bindings
  // cleared) for the hot write paths that run once per letter. The reference
  // stays valid while the Db lives; do not hold it across another call that
  // may use the same SQL text.
  Statement& cached(const std::string& sql);
  int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void finalize_cached();

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cached_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;

  // Binding is 1-based, like SQLite. Returns *this for chaining.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::string_view bytes);
  // The index of a named parameter (":name"); 0 when the statement has none.
  int parameter_index(const char* name) const;

  // Advances to the next row; false when done. Throws on error.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  int64_t column_int(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;  // "" for NULL
  std::optional<std::string> column_optional_text(int index) const;
  std::string column_blob(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit()ed.
// Inside an open transaction it is a SAVEPOINT instead (released on commit,
// rolled back to on destruction), so a caller can batch many one-letter
// writes into one transaction: each still commits or fails as a whole.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool nested_ = false;
  bool done_ = false;
};

}  // namespace jtai::store

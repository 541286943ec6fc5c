#include "store/health.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include "common/error.hpp"

namespace jtai::store {

namespace fs = std::filesystem;

std::string check_database(Db& db, bool full) {
  try {
    auto st = db.prepare(full ? "PRAGMA integrity_check(20)" : "PRAGMA quick_check(20)");
    std::string problems;
    while (st.step()) {
      std::string line = st.column_text(0);
      if (line == "ok") continue;
      if (!problems.empty()) problems += "; ";
      problems += line;
    }
    return problems;
  } catch (const std::exception& e) {
    return e.what();
  }
}

namespace {
std::vector<fs::path> backups_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("jtai-", 0) == 0 && it->path().extension() == ".sqlite") out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());  // the names sort by time
  return out;
}
}  // namespace

std::string restore_hint(const fs::path& data_dir) {
  auto backups = backups_in(data_dir / "backups");
  std::string where = backups.empty() ? "a copy you trust (there is no backup in " + (data_dir / "backups").string() + ")"
                                      : backups.back().string() + " (the newest backup)";
  return "restore it from " + where + " as described in README, \"Restoring the store\"";
}

void require_healthy_store(const fs::path& data_dir) {
  const fs::path file = data_dir / "jtai.sqlite";
  std::error_code ec;
  if (!fs::exists(file, ec)) return;
  std::string problems;
  try {
    Db db(file, true);
    problems = check_database(db, false);
  } catch (const std::exception& e) {
    problems = e.what();
  }
  if (problems.empty()) return;
  if (problems.size() > 300) problems = problems.substr(0, 300) + "...";
  throw StoreDamaged("the store " + file.string() + " is damaged (" + problems + "); nothing was changed; " +
                     restore_hint(data_dir));
}

fs::path backup_store(Db& db, const fs::path& data_dir, int keep) {
  const fs::path dir = data_dir / "backups";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create " + dir.string() + ": " + ec.message());
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  fs::path target = dir / ("jtai-" + std::string(stamp) + ".sqlite");
  for (int n = 2; fs::exists(target, ec); ++n) target = dir / ("jtai-" + std::string(stamp) + "-" + std::to_string(n) + ".sqlite");
  const fs::path tmp = dir / (".tmp-" + target.filename().string());

  sqlite3* out = nullptr;
  int rc = sqlite3_open_v2(tmp.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::string error;
  if (rc == SQLITE_OK) {
    sqlite3_backup* b = sqlite3_backup_init(out, "main", db.handle(), "main");
    if (!b) {
      error = sqlite3_errmsg(out);
    } else {
      rc = sqlite3_backup_step(b, -1);  // the whole database in one step
      if (rc != SQLITE_DONE) error = sqlite3_errstr(rc);
      rc = sqlite3_backup_finish(b);
      if (error.empty() && rc != SQLITE_OK) error = sqlite3_errmsg(out);
    }
  } else {
    error = out ? sqlite3_errmsg(out) : sqlite3_errstr(rc);
  }
  sqlite3_close(out);
  if (!error.empty()) {
    fs::remove(tmp, ec);
    throw Error("cannot back up the store to " + target.string() + ": " + error);
  }
  fs::rename(tmp, target, ec);
  if (ec) throw Error("cannot back up the store to " + target.string() + ": " + ec.message());

  auto all = backups_in(dir);
  for (size_t i = 0; i + static_cast<size_t>(std::max(keep, 1)) < all.size(); ++i) fs::remove(all[i], ec);
  return target;
}

}  // namespace jtai::store

#pragma once
// Store health: integrity checks and online backups (SQLite's backup API, so a
// backup is a consistent copy even while another reader has the store open).
#include <filesystem>
#include <string>

#include "store/db.hpp"

namespace jtai::store {

// Empty when the database is sound; else the first problems SQLite reports, on
// one line. `full` runs PRAGMA integrity_check (reads every page and index),
// otherwise PRAGMA quick_check (faster; skips index/content cross-checks).
// A database too damaged to run the check at all is reported the same way.
std::string check_database(Db& db, bool full);

// Opens DIR/jtai.sqlite read-only and runs quick_check; throws StoreDamaged
// with the restore instructions when it fails. Does nothing when there is no
// database yet.
void require_healthy_store(const std::filesystem::path& data_dir);

class StoreDamaged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Copies the live database to DIR/backups/jtai-<UTC time>.sqlite (via a
// temporary name, so a backup is whole or absent) and keeps the newest `keep`
// backups. Returns the new backup's path.
std::filesystem::path backup_store(Db& db, const std::filesystem::path& data_dir, int keep = 3);

// "restore it from DIR/backups/jtai-...sqlite (see README, \"Restoring the store\")"
std::string restore_hint(const std::filesystem::path& data_dir);

}  // namespace jtai::store

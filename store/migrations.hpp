#pragma once
#include "store/db.hpp"

namespace jtai::store {

// Brings the schema up to the newest version inside one transaction.
// The version lives in PRAGMA user_version; migrations are append-only:
// never edit a released one, add the next.
void migrate(Db& db);
int schema_version(Db& db);
int latest_schema_version();

}  // namespace jtai::store

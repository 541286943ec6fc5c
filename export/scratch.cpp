#include "export/scratch.hpp"

namespace jtai::exporter {

store::Db open_scratch_db() {
  store::Db db("");  // "": a private temporary database on disk
  db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE; PRAGMA cache_size = -2048; BEGIN");
  return db;
}

}  // namespace jtai::exporter

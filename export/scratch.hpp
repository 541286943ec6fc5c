#pragma once
// A private scratch database for what an export must sort or look up but must
// not hold in memory, so memory stays flat in the number of letters: the
// letters' order, the known issues, the previous export's fingerprints.
// SQLite keeps a few megabytes of its pages in memory and the rest in a
// temporary file of its own, deleted when the connection closes. Nothing in it
// needs to survive a crash: no journal, no syncs, one open transaction.
#include "store/db.hpp"

namespace jtai::exporter {

store::Db open_scratch_db();

}  // namespace jtai::exporter

#pragma once
// Whether a process recorded in the store (a run's pid) still runs.
#include <cstdint>

namespace jtai {

// True while `pid` exists and has not exited. A zombie (exited, not yet reaped
// by its parent: a run killed with SIGKILL whose parent is slow to reap it)
// counts as ended: it holds no lock and will write nothing more.
bool process_alive(int64_t pid);

}  // namespace jtai

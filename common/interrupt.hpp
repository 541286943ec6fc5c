#pragma once
// SIGTERM (systemd's stop, `kill`) and SIGINT (Ctrl-C) as a request to stop:
// long runs poll interrupted() between units of work, stop taking new work,
// finish the write in hand, record the run as `interrupted` and exit
// 128 + signal (143 / 130). A second signal, more than a second after the
// first, ends the process at once.
namespace jtai {

void install_interrupt_handlers();
// The signal that asked us to stop (SIGINT or SIGTERM), or 0.
int interrupt_signal();
inline bool interrupted() { return interrupt_signal() != 0; }
// 128 + the signal, the shell's convention (130 for SIGINT, 143 for SIGTERM).
int interrupt_exit_status();

}  // namespace jtai

// jtai_testsite: the loopback Ofsted site as a process, for benchmarks and for
// tests that drive `jtai` as a process.
//   jtai_testsite [--port N] [--file-port N] [--rules DIR] [--shared DIR] [--max-jtai N]
//                 [--fault NAME]... [--exit-on-stdin-eof]
// Prints the site's base URL on the first line of stdout and the file host's on
// the second, then serves until SIGTERM/SIGINT (or stdin closes, when asked).
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "tests/testsite/testsite.hpp"

namespace {
volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

[[noreturn]] void usage(const char* why) {
  std::cerr << "jtai_testsite: " << why
            << "\nusage: jtai_testsite [--port N] [--file-port N] [--rules DIR] [--shared DIR] [--max-jtai N] "
               "[--fault NAME]... [--exit-on-stdin-eof]\nfaults:";
  for (const auto& f : jtai::testsite::fault_names()) std::cerr << " " << f;
  std::cerr << "\n";
  std::exit(2);
}
}  // namespace

int main(int argc, char** argv) {
  jtai::testsite::Options options;
  options.rules_dir = JTAI_TESTSITE_RULES_DIR;
  options.shared_dir = JTAI_TESTSITE_SHARED_DIR;
  int port = 0, file_port = 0;
  bool stdin_eof = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + a).c_str());
      return argv[++i];
    };
    if (a == "--port") port = std::atoi(value().c_str());
    else if (a == "--file-port") file_port = std::atoi(value().c_str());
    else if (a == "--rules") options.rules_dir = value();
    else if (a == "--shared") options.shared_dir = value();
    else if (a == "--no-shared") options.shared_dir.reset();
    else if (a == "--max-jtai") options.max_jtai = std::atoi(value().c_str());
    else if (a == "--fault") options.faults.insert(value());
    else if (a == "--exit-on-stdin-eof") stdin_eof = true;
    else if (a == "--help" || a == "-h") usage("a loopback imitation of the Ofsted reports site");
    else usage(("unknown argument " + a).c_str());
  }
  try {
    jtai::testsite::TestSite site(options);
    site.start(port, file_port);
    std::cout << site.site_url() << "\n" << site.file_url() << std::endl;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    while (!g_stop) {
      if (stdin_eof) {
        pollfd p{STDIN_FILENO, POLLIN, 0};
        if (poll(&p, 1, 200) > 0) {
          char buf[256];
          if (read(STDIN_FILENO, buf, sizeof buf) <= 0) break;
        }
      } else {
        usleep(200 * 1000);
      }
    }
    site.stop();
  } catch (const std::exception& e) {
    std::cerr << "jtai_testsite: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

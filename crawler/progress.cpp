#include "crawler/progress.hpp"

#include <cstdio>

#include "common/clock.hpp"

namespace jtai::crawler {

Progress::Progress(bool terminal, bool quiet) : terminal_(terminal), quiet_(quiet) {}

Progress::~Progress() { clear_status(); }

void Progress::clear_status() {
  if (status_shown_) {
    std::fputs("\r\033[K", stderr);
    status_shown_ = false;
  }
}

void Progress::log(const std::string& line) {
  if (quiet_) return;
  clear_status();
  if (terminal_)
    std::fprintf(stderr, "%s\n", line.c_str());
  else
    std::fprintf(stderr, "%s jtai crawl: %s\n", utc_now_iso().c_str(), line.c_str());
  std::fflush(stderr);
}

void Progress::update(int pages, int providers_done, int providers_total, int downloads_done, int downloads_total) {
  if (quiet_) return;
  if (terminal_) {
    std::fprintf(stderr, "\r\033[Kpages %d | providers %d/%d | downloads %d/%d", pages, providers_done,
                 providers_total, downloads_done, downloads_total);
    std::fflush(stderr);
    status_shown_ = true;
  } else if (providers_done - last_logged_providers_ >= 25 || (providers_done == providers_total && providers_done != last_logged_providers_)) {
    last_logged_providers_ = providers_done;
    log("providers " + std::to_string(providers_done) + "/" + std::to_string(providers_total) + ", pages " +
        std::to_string(pages));
  }
}

}  // namespace jtai::crawler

#pragma once
// Crawl progress on stderr: one live status line on a terminal, plain
// timestamped log lines otherwise (cron, systemd, tests).
#include <string>

namespace jtai::crawler {

class Progress {
 public:
  Progress(bool terminal, bool quiet);
  ~Progress();
  void log(const std::string& line);
  void update(int pages, int providers_done, int providers_total, int downloads_done, int downloads_total);

 private:
  void clear_status();
  bool terminal_;
  bool quiet_;
  bool status_shown_ = false;
  int last_logged_providers_ = 0;
};

}  // namespace jtai::crawler

#pragma once
// robots.txt (RFC 9309): user-agent groups, Allow/Disallow rules with '*' and
// '$', longest match wins, Allow wins a tie; plus the common Crawl-delay.
#include <optional>
#include <string>
#include <vector>

namespace jtai::crawler {

class Robots {
 public:
  // Everything allowed (no robots.txt, or a 4xx for it).
  static Robots allow_all();
  // Nothing allowed (robots.txt unreachable: a cautious crawler stays out).
  static Robots disallow_all();
  // Parses robots.txt text for the crawler whose product token is `token`.
  static Robots parse(const std::string& text, const std::string& token);

  // `path` is the URL path plus query, e.g. "/search?q=&start=100".
  bool allowed(const std::string& path) const;
  std::optional<double> crawl_delay() const { return crawl_delay_; }

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;
  };
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
};

}  // namespace jtai::crawler

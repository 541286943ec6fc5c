#include "crawler/site_rules.hpp"

#include <toml++/toml.h>

#include "common/error.hpp"

namespace jtai::crawler {

namespace {

class Reader {
 public:
  Reader(std::string file, const toml::table& root) : file_(std::move(file)), root_(root) {}

  const toml::table& section(const char* name) const {
    const toml::table* t = root_[name].as_table();
    if (!t) throw RuleError(file_, 1, std::string("missing section [") + name + "]");
    return *t;
  }

  [[noreturn]] void fail(const toml::node& at, const std::string& what) const {
    throw RuleError(file_, static_cast<long>(at.source().begin.line), what);
  }

  const toml::node& node(const toml::table& t, const char* key) const {
    const toml::node* n = t.get(key);
    if (!n) fail(t, std::string("missing key '") + key + "'");
    return *n;
  }

  std::string string(const toml::table& t, const char* key) const {
    const toml::node& n = node(t, key);
    if (!n.is_string()) fail(n, std::string("'") + key + "' must be a string");
    return n.as_string()->get();
  }

  double number(const toml::table& t, const char* key, double min) const {
    const toml::node& n = node(t, key);
    auto v = n.value<double>();
    if (!v) fail(n, std::string("'") + key + "' must be a number");
    if (*v < min) fail(n, std::string("'") + key + "' must be at least " + std::to_string(min));
    return *v;
  }

  long long integer(const toml::table& t, const char* key, long long min) const {
    const toml::node& n = node(t, key);
    auto v = n.value_exact<int64_t>();
    if (!v) fail(n, std::string("'") + key + "' must be an integer");
    if (*v < min) fail(n, std::string("'") + key + "' must be at least " + std::to_string(min));
    return *v;
  }

  std::vector<std::string> strings(const toml::table& t, const char* key) const {
    const toml::node& n = node(t, key);
    const toml::array* a = n.as_array();
    if (!a || a->empty()) fail(n, std::string("'") + key + "' must be a non-empty array of strings");
    std::vector<std::string> out;
    for (const auto& item : *a) {
      if (!item.is_string()) fail(n, std::string("'") + key + "' must hold strings only");
      out.push_back(item.as_string()->get());
    }
    return out;
  }

  Selector selector(const toml::table& t, const char* key) const {
    std::string text = string(t, key);
    auto s = Selector::parse(text);
    if (!s) fail(node(t, key), std::string("'") + key + "': '" + text + "' is not a selector (tag, .class, tag.class, tag[attr])");
    return *s;
  }

  std::shared_ptr<const re2::RE2> pattern(const toml::table& t, const char* key, int groups) const {
    std::string text = string(t, key);
    re2::RE2::Options options;
    options.set_log_errors(false);
    auto re = std::make_shared<const re2::RE2>(text, options);
    if (!re->ok()) fail(node(t, key), std::string("'") + key + "' is not a valid pattern: " + re->error());
    if (re->NumberOfCapturingGroups() < groups)
      fail(node(t, key), std::string("'") + key + "' needs " + std::to_string(groups) + " capturing group(s)");
    return re;
  }

 private:
  std::string file_;
  const toml::table& root_;
};

}  // namespace

SiteRules SiteRules::load(const std::filesystem::path& rules_dir) {
  SiteRules rules;
  rules.file = (rules_dir / "site.toml").string();
  toml::table doc;
  try {
    doc = toml::parse_file(rules.file);
  } catch (const toml::parse_error& e) {
    if (!std::filesystem::exists(rules.file)) throw Error("cannot read " + rules.file + ": no such file");
    throw RuleError(rules.file, static_cast<long>(e.source().begin.line), std::string(e.description()));
  }
  Reader r(rules.file, doc);

  const auto& http = r.section("http");
  rules.http.user_agent = r.string(http, "user_agent");
  if (rules.http.user_agent.find('@') == std::string::npos && rules.http.user_agent.find("http") == std::string::npos)
    r.fail(r.node(http, "user_agent"), "'user_agent' must carry a contact address or URL");
  rules.http.robots_token = r.string(http, "robots_token");
  rules.http.connect_timeout_seconds = r.number(http, "connect_timeout_seconds", 0.01);
  rules.http.total_timeout_seconds = r.number(http, "total_timeout_seconds", 0.01);
  rules.http.max_attempts = static_cast<int>(r.integer(http, "max_attempts", 1));
  rules.http.backoff_seconds = r.number(http, "backoff_seconds", 0);
  rules.http.retry_after_cap_seconds = r.number(http, "retry_after_cap_seconds", 0);
  rules.http.page_max_bytes = r.integer(http, "page_max_bytes", 1024);
  rules.http.pdf_max_bytes = r.integer(http, "pdf_max_bytes", 1024);
  rules.http.page_content_types = r.strings(http, "page_content_types");
  rules.http.pdf_content_types = r.strings(http, "pdf_content_types");
  rules.http.file_hosts = r.strings(http, "file_hosts");

  const auto& listing = r.section("listing");
  rules.listing.path = r.string(listing, "path");
  if (rules.listing.path.empty() || rules.listing.path[0] != '/')
    r.fail(r.node(listing, "path"), "'path' must be site-relative, starting with '/'");
  rules.listing.start_parameter = r.string(listing, "start_parameter");
  rules.listing.rows_parameter = r.string(listing, "rows_parameter");
  rules.listing.rows = static_cast<int>(r.integer(listing, "rows", 1));
  rules.listing.max_pages = static_cast<int>(r.integer(listing, "max_pages", 1));
  rules.listing.provider_link = r.selector(listing, "provider_link");
  rules.listing.provider_href = r.pattern(listing, "provider_href", 1);

  const auto& provider = r.section("provider");
  rules.provider.publication = r.selector(provider, "publication");
  rules.provider.link = r.selector(provider, "link");
  rules.provider.nonvisual = r.selector(provider, "nonvisual");
  rules.provider.date = r.selector(provider, "date");
  rules.provider.file_href = r.pattern(provider, "file_href", 1);

  const toml::array* kinds = doc["kind"].as_array();
  if (!kinds || kinds->empty()) throw RuleError(rules.file, 1, "no [[kind]] entries");
  bool has_jtai = false;
  for (const auto& k : *kinds) {
    const toml::table* t = k.as_table();
    if (!t) r.fail(k, "[[kind]] must be a table");
    KindRule rule;
    rule.name = r.string(*t, "name");
    rule.pattern = r.pattern(*t, "pattern", 0);
    has_jtai = has_jtai || rule.name == "jtai";
    rules.kinds.push_back(std::move(rule));
  }
  if (!has_jtai) throw RuleError(rules.file, static_cast<long>(kinds->source().begin.line), "no [[kind]] named 'jtai'");

  const auto& completeness = r.section("completeness");
  rules.min_fraction = r.number(completeness, "min_fraction", 0);
  if (rules.min_fraction > 1) r.fail(r.node(completeness, "min_fraction"), "'min_fraction' must be at most 1");
  return rules;
}

std::string SiteRules::classify(const std::string& lower_text) const {
  for (const auto& k : kinds)
    if (re2::RE2::PartialMatch(lower_text, *k.pattern)) return k.name;
  return "other";
}

}  // namespace jtai::crawler

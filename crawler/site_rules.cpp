#include "crawler/site_rules.hpp"

#include <toml++/toml.h>

#include <cstdlib>

#include "common/error.hpp"
#include "common/text.hpp"

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

  // A selector or an array of them (tried in order); `optional` allows the key to be missing.
  SelectorChain chain(const toml::table& t, const char* key, bool optional = false) const {
    SelectorChain out;
    const toml::node* n = t.get(key);
    if (!n) {
      if (optional) return out;
      node(t, key);  // fails: missing key
    }
    std::vector<std::string> texts;
    if (n->is_string()) {
      texts.push_back(n->as_string()->get());
    } else if (const toml::array* a = n->as_array(); a && !a->empty()) {
      for (const auto& item : *a) {
        if (!item.is_string()) fail(*n, std::string("'") + key + "' must hold selector strings only");
        texts.push_back(item.as_string()->get());
      }
    } else {
      fail(*n, std::string("'") + key + "' must be a selector or a non-empty array of selectors");
    }
    for (const auto& text : texts) {
      auto s = Selector::parse(text);
      if (!s)
        fail(*n, std::string("'") + key + "': '" + text +
                     "' is not a selector (tag, .class, #id, [attr], [attr=\"v\"], joined by ' ' or ' > ')");
      out.alternatives.push_back(std::move(*s));
    }
    return out;
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
  if (http.get("contact")) {
    rules.http.contact = r.string(http, "contact");
    if (rules.http.contact.find('@') == std::string::npos && rules.http.contact.find("http") == std::string::npos)
      r.fail(r.node(http, "contact"), "'contact' must be an e-mail address or URL");
  }
  if (rules.http.user_agent.find("{contact}") != std::string::npos) {
    if (rules.http.contact.empty()) r.fail(r.node(http, "user_agent"), "'user_agent' has {contact} but there is no 'contact'");
    rules.user_agent_template_ = rules.http.user_agent;
    rules.set_contact(rules.http.contact);
  } else if (rules.http.user_agent.find('@') == std::string::npos &&
             rules.http.user_agent.find("http") == std::string::npos) {
    r.fail(r.node(http, "user_agent"), "'user_agent' must carry a contact address or URL (or {contact})");
  }
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
  rules.listing.provider_link = r.chain(listing, "provider_link");
  rules.listing.provider_href = r.pattern(listing, "provider_href", 1);
  rules.listing.count = r.chain(listing, "count", true);
  if (!rules.listing.count.alternatives.empty()) rules.listing.count_pattern = r.pattern(listing, "count_pattern", 1);

  const auto& provider = r.section("provider");
  rules.provider.publication = r.chain(provider, "publication");
  rules.provider.link = r.chain(provider, "link");
  rules.provider.nonvisual = r.chain(provider, "nonvisual");
  rules.provider.date = r.chain(provider, "date");
  rules.provider.day = r.chain(provider, "day", true);
  rules.provider.day_date = r.chain(provider, "day_date", !rules.provider.day.alternatives.empty() ? false : true);
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

  if (const toml::table* check = doc["check"].as_table()) {
    if (check->get("jtai_provider_urns")) {
      const toml::node& n = r.node(*check, "jtai_provider_urns");
      const toml::array* a = n.as_array();
      if (!a) r.fail(n, "'jtai_provider_urns' must be an array of URNs");
      for (const auto& item : *a) {
        auto v = item.value_exact<int64_t>();
        if (!v || *v <= 0) r.fail(n, "'jtai_provider_urns' must hold positive integers only");
        rules.check.jtai_provider_urns.push_back(static_cast<int>(*v));
      }
    }
    if (check->get("max_provider_pages"))
      rules.check.max_provider_pages = static_cast<int>(r.integer(*check, "max_provider_pages", 1));
  }

  const auto& completeness = r.section("completeness");
  rules.min_fraction = r.number(completeness, "min_fraction", 0);
  if (rules.min_fraction > 1) r.fail(r.node(completeness, "min_fraction"), "'min_fraction' must be at most 1");
  return rules;
}

std::string SiteRules::classify(const std::string& text) const {
  const std::string normal = normalise_kind_text(text);
  for (const auto& k : kinds)
    if (re2::RE2::PartialMatch(normal, *k.pattern)) return k.name;
  return "other";
}

void SiteRules::set_contact(const std::string& contact) {
  if (contact.empty()) return;
  http.contact = contact;
  if (user_agent_template_.empty()) return;  // a user_agent written out in full keeps its own address
  std::string ua = user_agent_template_;
  for (auto at = ua.find("{contact}"); at != std::string::npos; at = ua.find("{contact}", at + contact.size()))
    ua.replace(at, 9, contact);
  http.user_agent = ua;
}

bool SiteRules::has_example_contact() const {
  static const re2::RE2 example(R"((?i)[@.]example\.(?:org|com|net)\b)");
  return re2::RE2::PartialMatch(http.user_agent, example);
}

std::string contact_from(const std::string& option) {
  const char* env = std::getenv("JTAI_CONTACT");
  const std::string contact = trim(!option.empty() ? option : env ? env : "");
  const char* from = !option.empty() ? "--contact" : "JTAI_CONTACT";
  if (!contact.empty() && contact.find('@') == std::string::npos && contact.find("http") != 0)
    throw Error(std::string(from) + " '" + contact + "' is not an e-mail address or URL");
  if (contact.find_first_of("\r\n()") != std::string::npos)
    throw Error(std::string(from) + " must not hold line breaks or parentheses (it goes into the User-Agent)");
  return contact;
}

std::string canonical_publication_text(const std::string& text) {
  std::string s;
  s.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {  // no-break space
      s.push_back(' ');
      ++i;
    } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80) {
      const unsigned char d = static_cast<unsigned char>(text[i + 2]);
      if (d == 0x98 || d == 0x99) s.push_back('\'');                    // ‘ ’
      else if (d == 0x93 || d == 0x94) s.push_back('-');                // – —
      else if (d == 0xAF || (d >= 0x80 && d <= 0x8A)) s.push_back(' ');  // narrow and other spaces
      else s.append(text, i, 3);
      i += 2;
    } else {
      s.push_back(static_cast<char>(c));
    }
  }
  s = squash_spaces(s);
  // The format marker: ", pdf", "  pdf", " as pdf", ",PDF", " (pdf)", with or without " - date" after it.
  static const re2::RE2 dated(R"((?i)\s*(?:,\s*|\s+as\s+|\s*\(\s*|\s+)pdf\s*\)?\s*-\s*)");
  static const re2::RE2 last(R"((?i)\s*(?:,\s*|\s+as\s+|\s*\(\s*|\s+)pdf\s*\)?$)");
  re2::RE2::GlobalReplace(&s, dated, ", pdf - ");
  re2::RE2::GlobalReplace(&s, last, ", pdf");
  return s;
}

std::string normalise_kind_text(const std::string& text) { return to_lower_ascii(canonical_publication_text(text)); }

}  // namespace jtai::crawler

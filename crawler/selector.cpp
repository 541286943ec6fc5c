#include "crawler/selector.hpp"

#include <cctype>
#include <sstream>

#include "common/text.hpp"

namespace jtai::crawler {

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

bool is_element(const GumboNode* node) {
  return node && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}

bool has_word(const char* value, const std::string& word) {
  if (!value) return false;
  std::istringstream words(value);
  std::string w;
  while (words >> w)
    if (w == word) return true;
  return false;
}

std::string tag_name(const GumboNode* node) {
  if (node->v.element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(node->v.element.tag);
  GumboStringPiece piece = node->v.element.original_tag;
  gumbo_tag_from_original_text(&piece);
  return to_lower_ascii(std::string_view(piece.data, piece.length));
}

bool attribute_passes(const GumboNode* node, const AttributeTest& test) {
  const char* raw = attribute_of(node, test.name.c_str());
  if (!raw) return false;
  const std::string_view v(raw);
  const std::string& want = test.value;
  switch (test.op) {
    case AttributeTest::Op::exists: return true;
    case AttributeTest::Op::equals: return v == want;
    case AttributeTest::Op::word: return has_word(raw, want);
    case AttributeTest::Op::prefix: return !want.empty() && v.substr(0, want.size()) == want;
    case AttributeTest::Op::suffix: return !want.empty() && v.size() >= want.size() && v.substr(v.size() - want.size()) == want;
    case AttributeTest::Op::contains: return !want.empty() && v.find(want) != std::string_view::npos;
  }
  return false;
}

bool compound_matches(const GumboNode* node, const CompoundSelector& c) {
  if (!is_element(node)) return false;
  if (!c.tag.empty() && tag_name(node) != c.tag) return false;
  const char* klass = c.classes.empty() ? nullptr : attribute_of(node, "class");
  for (const auto& k : c.classes)
    if (!has_word(klass, k)) return false;
  for (const auto& a : c.attributes)
    if (!attribute_passes(node, a)) return false;
  return true;
}

// Whether parts[0..index] match with parts[index] at `node`.
bool matches_at(const GumboNode* node, const std::vector<CompoundSelector>& parts, size_t index,
                const GumboNode* scope) {
  if (!compound_matches(node, parts[index])) return false;
  if (index == 0) return true;
  auto up = [scope](const GumboNode* n) -> const GumboNode* {
    if (n == scope) return nullptr;  // the scope is the highest ancestor considered
    const GumboNode* p = n->parent;
    return is_element(p) ? p : nullptr;
  };
  if (parts[index].child_of_previous) {
    const GumboNode* parent = up(node);
    return parent && matches_at(parent, parts, index - 1, scope);
  }
  for (const GumboNode* a = up(node); a; a = up(a))
    if (matches_at(a, parts, index - 1, scope)) return true;
  return false;
}

void collect(const GumboNode* root, const GumboNode* node, const Selector& selector,
             std::vector<const GumboNode*>& out, bool first_only) {
  if (!is_element(node)) return;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (!is_element(child)) continue;
    if (selector.matches(child, root)) {
      out.push_back(child);
      if (first_only) return;
    }
    collect(root, child, selector, out, first_only);
    if (first_only && !out.empty()) return;
  }
}

void append_text(const GumboNode* node, const SelectorChain* skip, std::string& out) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
    out += node->v.text.text;
    return;
  }
  if (!is_element(node)) return;
  if (skip)
    for (const auto& s : skip->alternatives)
      if (s.matches(node)) return;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) append_text(static_cast<const GumboNode*>(children.data[i]), skip, out);
}

// A recursive-descent reader of the selector grammar in selector.hpp.
class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  std::optional<Selector> selector() {
    Selector out;
    out.text = s_;
    skip_space();
    if (at_end()) return std::nullopt;
    bool child = false;
    for (;;) {
      CompoundSelector c;
      if (!compound(c)) return std::nullopt;
      c.child_of_previous = child;
      out.parts.push_back(std::move(c));
      bool spaced = skip_space();
      if (at_end()) break;
      if (peek() == '>') {
        ++i_;
        skip_space();
        child = true;
      } else if (spaced) {
        child = false;
      } else {
        return std::nullopt;  // junk right after a compound
      }
      if (at_end()) return std::nullopt;  // a trailing combinator
    }
    return out;
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }
  bool skip_space() {
    size_t from = i_;
    while (!at_end() && std::isspace(static_cast<unsigned char>(peek()))) ++i_;
    return i_ > from;
  }
  std::string name() {
    size_t from = i_;
    while (!at_end() && name_char(peek())) ++i_;
    return s_.substr(from, i_ - from);
  }

  bool compound(CompoundSelector& c) {
    bool any = false;
    if (!at_end() && peek() == '*') {
      ++i_;
      any = true;
    } else if (!at_end() && name_char(peek())) {
      c.tag = to_lower_ascii(name());
      any = true;
    }
    while (!at_end()) {
      char ch = peek();
      if (ch == '.' || ch == '#') {
        ++i_;
        std::string n = name();
        if (n.empty()) return false;
        if (ch == '.')
          c.classes.push_back(n);
        else
          c.attributes.push_back({"id", AttributeTest::Op::equals, n});
      } else if (ch == '[') {
        ++i_;
        AttributeTest a;
        if (!attribute(a)) return false;
        c.attributes.push_back(std::move(a));
      } else {
        break;
      }
      any = true;
    }
    return any;
  }

  bool attribute(AttributeTest& a) {
    skip_space();
    a.name = to_lower_ascii(name());
    if (a.name.empty()) return false;
    skip_space();
    if (at_end()) return false;
    if (peek() == ']') {
      ++i_;
      return true;
    }
    static const std::pair<const char*, AttributeTest::Op> ops[] = {
        {"~=", AttributeTest::Op::word},   {"^=", AttributeTest::Op::prefix},   {"$=", AttributeTest::Op::suffix},
        {"*=", AttributeTest::Op::contains}, {"=", AttributeTest::Op::equals}};
    bool found = false;
    for (const auto& [text, op] : ops) {
      if (s_.compare(i_, std::char_traits<char>::length(text), text) == 0) {
        a.op = op;
        i_ += std::char_traits<char>::length(text);
        found = true;
        break;
      }
    }
    if (!found) return false;
    skip_space();
    if (at_end()) return false;
    if (peek() == '"' || peek() == '\'') {
      char quote = peek();
      size_t close = s_.find(quote, i_ + 1);
      if (close == std::string::npos) return false;
      a.value = s_.substr(i_ + 1, close - i_ - 1);
      i_ = close + 1;
    } else {
      a.value = name();
      if (a.value.empty()) return false;
    }
    skip_space();
    if (at_end() || peek() != ']') return false;
    ++i_;
    return true;
  }

  const std::string& s_;
  size_t i_ = 0;
};

}  // namespace

std::optional<Selector> Selector::parse(const std::string& text) { return Parser(text).selector(); }

bool Selector::matches(const GumboNode* node, const GumboNode* scope) const {
  return !parts.empty() && matches_at(node, parts, parts.size() - 1, scope);
}

std::vector<const GumboNode*> select_all(const GumboNode* root, const Selector& selector) {
  std::vector<const GumboNode*> out;
  collect(root, root, selector, out, false);
  return out;
}

const GumboNode* select_first(const GumboNode* root, const Selector& selector) {
  std::vector<const GumboNode*> out;
  collect(root, root, selector, out, true);
  return out.empty() ? nullptr : out.front();
}

std::string SelectorChain::text() const {
  std::string out;
  for (size_t i = 0; i < alternatives.size(); ++i) out += (i ? " | '" : "'") + alternatives[i].text + "'";
  return out;
}

ChainMatch select_all(const GumboNode* root, const SelectorChain& chain) {
  ChainMatch m;
  for (size_t i = 0; i < chain.alternatives.size(); ++i) {
    m.nodes = select_all(root, chain.alternatives[i]);
    if (!m.nodes.empty()) {
      m.alternative = static_cast<int>(i);
      return m;
    }
  }
  return m;
}

const GumboNode* select_first(const GumboNode* root, const SelectorChain& chain, int* alternative) {
  for (size_t i = 0; i < chain.alternatives.size(); ++i) {
    if (const GumboNode* n = select_first(root, chain.alternatives[i])) {
      if (alternative) *alternative = static_cast<int>(i);
      return n;
    }
  }
  if (alternative) *alternative = -1;
  return nullptr;
}

const GumboNode* closest(const GumboNode* node, const Selector& selector) {
  for (const GumboNode* a = node ? node->parent : nullptr; is_element(a); a = a->parent)
    if (selector.matches(a)) return a;
  return nullptr;
}

std::string text_of(const GumboNode* node) {
  std::string out;
  append_text(node, nullptr, out);
  return squash_spaces(out);
}

std::string text_without(const GumboNode* node, const SelectorChain& skip) {
  std::string out;
  append_text(node, &skip, out);
  return squash_spaces(out);
}

const char* attribute_of(const GumboNode* node, const char* name) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return nullptr;
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? a->value : nullptr;
}

HtmlDocument::HtmlDocument(const std::string& html) : html_(html), output_(gumbo_parse(html_.c_str())) {}

HtmlDocument::~HtmlDocument() { gumbo_destroy_output(&kGumboDefaultOptions, output_); }

}  // namespace jtai::crawler

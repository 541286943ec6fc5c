#include "crawler/selector.hpp"

#include <cctype>
#include <sstream>

#include "common/text.hpp"

namespace jtai::crawler {

namespace {

bool valid_name(const std::string& s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

bool has_class(const GumboNode* node, const std::string& klass) {
  const char* value = attribute_of(node, "class");
  if (!value) return false;
  std::istringstream words(value);
  std::string w;
  while (words >> w)
    if (w == klass) return true;
  return false;
}

void collect(const GumboNode* node, const Selector& selector, std::vector<const GumboNode*>& out, bool first_only) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type != GUMBO_NODE_ELEMENT && child->type != GUMBO_NODE_TEMPLATE) continue;
    if (selector.matches(child)) {
      out.push_back(child);
      if (first_only) return;
    }
    collect(child, selector, out, first_only);
    if (first_only && !out.empty()) return;
  }
}

void append_text(const GumboNode* node, const Selector* skip, std::string& out) {
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE || node->type == GUMBO_NODE_CDATA) {
    out += node->v.text.text;
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return;
  if (skip && skip->matches(node)) return;
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    append_text(static_cast<const GumboNode*>(children.data[i]), skip, out);
  }
}

}  // namespace

std::optional<Selector> Selector::parse(const std::string& text) {
  Selector s;
  s.text = text;
  std::string rest = trim(text);
  if (rest.empty()) return std::nullopt;
  if (auto open = rest.find('['); open != std::string::npos) {
    if (rest.back() != ']') return std::nullopt;
    s.attribute = rest.substr(open + 1, rest.size() - open - 2);
    if (!valid_name(s.attribute, false)) return std::nullopt;
    rest = rest.substr(0, open);
  }
  if (auto dot = rest.find('.'); dot != std::string::npos) {
    s.klass = rest.substr(dot + 1);
    if (!valid_name(s.klass, false)) return std::nullopt;
    rest = rest.substr(0, dot);
  }
  s.tag = to_lower_ascii(rest);
  if (!valid_name(s.tag, true)) return std::nullopt;
  if (s.tag.empty() && s.klass.empty() && s.attribute.empty()) return std::nullopt;
  return s;
}

bool Selector::matches(const GumboNode* node) const {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return false;
  if (!tag.empty()) {
    const char* name = node->v.element.tag == GUMBO_TAG_UNKNOWN ? nullptr : gumbo_normalized_tagname(node->v.element.tag);
    std::string actual;
    if (name) {
      actual = name;
    } else {
      GumboStringPiece piece = node->v.element.original_tag;
      gumbo_tag_from_original_text(&piece);
      actual = to_lower_ascii(std::string_view(piece.data, piece.length));
    }
    if (actual != tag) return false;
  }
  if (!klass.empty() && !has_class(node, klass)) return false;
  if (!attribute.empty() && !attribute_of(node, attribute.c_str())) return false;
  return true;
}

std::vector<const GumboNode*> select_all(const GumboNode* root, const Selector& selector) {
  std::vector<const GumboNode*> out;
  collect(root, selector, out, false);
  return out;
}

const GumboNode* select_first(const GumboNode* root, const Selector& selector) {
  std::vector<const GumboNode*> out;
  collect(root, selector, out, true);
  return out.empty() ? nullptr : out.front();
}

std::string text_of(const GumboNode* node) {
  std::string out;
  append_text(node, nullptr, out);
  return squash_spaces(out);
}

std::string text_without(const GumboNode* node, const Selector& skip) {
  std::string out;
  append_text(node, &skip, out);
  return squash_spaces(out);
}

const char* attribute_of(const GumboNode* node, const char* name) {
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return nullptr;
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? a->value : nullptr;
}

// Parsed with its length: a NUL byte in a page is a character (Gumbo replaces it), never the end of the page.
HtmlDocument::HtmlDocument(const std::string& html)
    : html_(html), output_(gumbo_parse_with_options(&kGumboDefaultOptions, html_.data(), html_.size())) {}

HtmlDocument::~HtmlDocument() { gumbo_destroy_output(&kGumboDefaultOptions, output_); }

}  // namespace jtai::crawler

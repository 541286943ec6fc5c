#pragma once
// A small CSS selector engine for Gumbo trees, enough to say *where* on a page
// a rule looks, and simple enough to read in a rule file:
//   compound:    tag, .class, #id, [attr], [attr=v], [attr~=v], [attr^=v], [attr$=v], [attr*=v]
//                combined, e.g. a.publication-link[href^="https://"]
//   combinators: "A B" (B anywhere inside A) and "A > B" (B a child of A)
// A SelectorChain is a list of selectors tried in order (the first is the
// expected markup, the rest fallbacks); which one matched is reported so a
// fallback in use can be warned about.
#include <gumbo.h>

#include <optional>
#include <string>
#include <vector>

namespace jtai::crawler {

struct AttributeTest {
  enum class Op { exists, equals, word, prefix, suffix, contains };
  std::string name;
  Op op = Op::exists;
  std::string value;
};

struct CompoundSelector {
  std::string tag;                   // empty: any element
  std::vector<std::string> classes;  // all required
  std::vector<AttributeTest> attributes;
  bool child_of_previous = false;  // joined to the compound before it by '>' (else by a space)
};

struct Selector {
  std::vector<CompoundSelector> parts;  // left to right; the last one is the element selected
  std::string text;                     // as written, for messages

  // nullopt when the text is not a selector of this grammar.
  static std::optional<Selector> parse(const std::string& text);
  // Whether `node` matches; ancestors named by combinators are looked for up to
  // and including `scope` (nullptr: up to the document root).
  bool matches(const GumboNode* node, const GumboNode* scope = nullptr) const;
};

// Every element under `root` (not `root` itself) matching `selector`, in document order.
std::vector<const GumboNode*> select_all(const GumboNode* root, const Selector& selector);
const GumboNode* select_first(const GumboNode* root, const Selector& selector);

struct SelectorChain {
  std::vector<Selector> alternatives;  // never empty once loaded
  std::string text() const;            // "'a' | 'b'", for messages
};

// The matches of the first alternative that matches anything under `root`,
// with its index (-1 and nothing when none does).
struct ChainMatch {
  std::vector<const GumboNode*> nodes;
  int alternative = -1;
};
ChainMatch select_all(const GumboNode* root, const SelectorChain& chain);
// The first match of the first alternative that matches anything.
const GumboNode* select_first(const GumboNode* root, const SelectorChain& chain, int* alternative = nullptr);
// The nearest ancestor of `node` matching `selector`, or nullptr.
const GumboNode* closest(const GumboNode* node, const Selector& selector);

// The text content of a node, whitespace squashed.
std::string text_of(const GumboNode* node);
// The node's text without the text of descendants matching any alternative of `skip`.
std::string text_without(const GumboNode* node, const SelectorChain& skip);
const char* attribute_of(const GumboNode* node, const char* name);

// Owns a parsed document.
class HtmlDocument {
 public:
  explicit HtmlDocument(const std::string& html);
  ~HtmlDocument();
  HtmlDocument(const HtmlDocument&) = delete;
  HtmlDocument& operator=(const HtmlDocument&) = delete;
  const GumboNode* root() const { return output_->root; }

 private:
  std::string html_;  // Gumbo's tree points into it
  GumboOutput* output_;
};

}  // namespace jtai::crawler

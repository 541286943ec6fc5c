#pragma once
// A deliberately small CSS-like selector for Gumbo trees: "tag", ".class",
// "tag.class", "tag[attribute]" or "tag.class[attribute]". Enough for the
// Ofsted markup, and simple enough to read in a rule file.
#include <gumbo.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace jtai::crawler {

struct Selector {
  std::string tag;        // empty: any element
  std::string klass;      // empty: any
  std::string attribute;  // empty: none required
  std::string text;       // as written, for messages

  // nullopt when the text is not a selector of this form.
  static std::optional<Selector> parse(const std::string& text);
  bool matches(const GumboNode* node) const;
};

// Every element under `root` (not `root` itself) matching `selector`, in document order.
std::vector<const GumboNode*> select_all(const GumboNode* root, const Selector& selector);
const GumboNode* select_first(const GumboNode* root, const Selector& selector);

// The text content of a node, whitespace squashed.
std::string text_of(const GumboNode* node);
// The node's text without the text of descendants matching `skip`.
std::string text_without(const GumboNode* node, const Selector& skip);
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

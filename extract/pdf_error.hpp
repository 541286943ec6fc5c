#pragma once
#include "common/error.hpp"

namespace jtai {

// A PDF that cannot be used: missing, unreadable, encrypted or without text.
class PdfError : public Error {
 public:
  using Error::Error;
};

}  // namespace jtai

#pragma once
// A shared library opened on the first call of one of its functions instead
// of at start-up. jtai uses it for libraries that only some commands need
// (libcurl for the crawler, libxlsxwriter for the export): every shared
// object the loader maps and relocates before main() is paid by every
// process, and `jtai extract FILE` runs once per letter.
//
// Use: a stand-in definition of each function the program calls forwards to
// the real one:
//   lxw_workbook* workbook_new_opt(const char* f, lxw_workbook_options* o) {
//     static const auto fn = kXlsxwriter.function<decltype(&::workbook_new_opt)>("workbook_new_opt");
//     return fn(f, o);
//   }
// A missing library or symbol is a one-line jtai::Error when the command
// first needs it, not a loader failure of every command.
#include <dlfcn.h>

#include <mutex>
#include <string>

#include "common/error.hpp"

namespace jtai {

class LazyLibrary {
 public:
  // `soname` names the library and its ABI (e.g. "libcurl.so.4"); `what` is
  // the package to install when it is missing.
  constexpr LazyLibrary(const char* soname, const char* what) : soname_(soname), what_(what) {}

  template <typename Fn>
  Fn function(const char* name) const {
    void* p = dlsym(handle(), name);
    if (!p) throw Error(std::string(soname_) + " has no " + name + " (too old?)");
    return reinterpret_cast<Fn>(p);
  }

 private:
  void* handle() const {
    std::call_once(once_, [this] { handle_ = dlopen(soname_, RTLD_NOW | RTLD_LOCAL); });
    if (!handle_)
      throw Error(std::string("cannot load ") + soname_ + " (install " + what_ + ")");
    return handle_;
  }

  const char* soname_;
  const char* what_;
  mutable std::once_flag once_;
  mutable void* handle_ = nullptr;
};

}  // namespace jtai

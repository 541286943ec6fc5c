#pragma once
// Writes small PDFs byte by byte for tests, so no test depends on ../shared
// for a PDF that merely has to exist and be readable.
#include <string>
#include <vector>

namespace jtai::test {

// Numbers `objects` from 1 (object 1 must be the catalog), adds the xref table
// and trailer. `trailer_extra` goes inside the trailer dictionary.
std::string assemble_pdf(const std::vector<std::string>& objects, const std::string& trailer_extra = {});

// A one-page PDF with one line of Helvetica 11 pt per entry of `lines`
// (non-ASCII characters become '?').
std::string text_pdf(const std::vector<std::string>& lines);

// A "text bomb": one page holding `words` short words drawn on top of each
// other at a handful of positions. Small on disk, very slow and memory-hungry
// for a layout engine; the sandbox limits must stop it, not the machine's.
std::string text_bomb_pdf(int words);

}  // namespace jtai::test

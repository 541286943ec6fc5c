#include "tests/support/pdf_builder.hpp"

#include <cstdio>

namespace jtai::test {

std::string assemble_pdf(const std::vector<std::string>& objects, const std::string& trailer_extra) {
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
    pdf += entry;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R" + trailer_extra +
         " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

namespace {
// One A4 page whose content stream `content` draws with Helvetica as /F1.
std::string helvetica_page_pdf(const std::string& content) {
  return assemble_pdf({
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
      "/Contents 5 0 R >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
      "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream",
  });
}
}  // namespace

std::string text_pdf(const std::vector<std::string>& lines) {
  std::string content = "BT /F1 11 Tf 72 770 Td 14 TL\n";
  for (const auto& line : lines) {
    std::string escaped;
    for (char c : line) {
      if (c == '(' || c == ')' || c == '\\') escaped += '\\';
      escaped += (static_cast<unsigned char>(c) < 128) ? c : '?';
    }
    content += "(" + escaped + ") Tj T*\n";
  }
  content += "ET\n";
  return helvetica_page_pdf(content);
}

std::string text_bomb_pdf(int words) {
  std::string content = "BT /F1 11 Tf\n";
  content.reserve(static_cast<size_t>(words) * 28);
  char buf[64];
  for (int i = 0; i < words; ++i) {
    std::snprintf(buf, sizeof buf, "1 0 0 1 %d %d Tm (w%dx) Tj\n", 72 + (i % 7), 700 - (i % 5), i % 97);
    content += buf;
  }
  content += "ET\n";
  return helvetica_page_pdf(content);
}

}  // namespace jtai::test

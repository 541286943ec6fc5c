// A short, deterministic stand-in for the fuzz targets (tests/fuzz): a
// fixed-seed series of mutated PDFs through the sandboxed parser, and of
// hostile pages through the site-page parsers. Every input must come back as a
// report or a clean, one-line error; the process running them must survive.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <random>

#include "common/files.hpp"
#include "common/text.hpp"
#include "crawler/site_pages.hpp"
#include "crawler/site_rules.hpp"
#include "extract/isolated.hpp"
#include "tests/support/pdf_builder.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai;
namespace fs = std::filesystem;

namespace {

std::string mutate(std::string s, std::mt19937& rng) {
  if (s.empty()) return s;
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  static const char* const kTokens[] = {"<<", ">>", "[", "]", "(", ")", "/Length 999999999", " 0 R", "stream\n",
                                        "endobj", "\0", "\xff\xfe", "/Type /Page", "BT", "Tj", "-1e308", "%%EOF"};
  int edits = 1 + static_cast<int>(pick(8));
  for (int e = 0; e < edits && !s.empty(); ++e) {
    switch (pick(5)) {
      case 0:  // flip bytes
        for (int i = 0; i < 4; ++i) s[pick(s.size())] = static_cast<char>(rng());
        break;
      case 1:  // cut
        s.resize(pick(s.size()) + 1);
        break;
      case 2: {  // duplicate a chunk
        size_t at = pick(s.size()), n = std::min<size_t>(s.size() - at, 1 + pick(512));
        s.insert(pick(s.size()), s.substr(at, n));
        break;
      }
      case 3: {  // insert a token
        std::string t = kTokens[pick(std::size(kTokens))];
        if (t.empty()) t = std::string(1, '\0');
        s.insert(pick(s.size()), t);
        break;
      }
      default: {  // delete a chunk
        size_t at = pick(s.size());
        s.erase(at, 1 + pick(256));
        break;
      }
    }
  }
  return s;
}

std::vector<std::string> seed_pdfs() {
  std::vector<std::string> seeds = {
      test::text_pdf({"18 July 2022", "Joint targeted area inspection of Anytown",
                      "This letter summarises the findings of the joint targeted area inspection (JTAI).",
                      "Headline findings", "Children receive help.", "What needs to improve?", "Referrals."}),
      test::text_bomb_pdf(200)};
  if (test::have_shared_corpus()) {
    int taken = 0;
    for (const auto& dir : fs::directory_iterator(test::shared_dir() / "corpus" / "jtai")) {
      if (!dir.is_directory()) continue;
      for (const auto& f : fs::directory_iterator(dir.path()))
        if (f.path().extension() == ".pdf" && taken < 2) {
          seeds.push_back(read_file(f.path()));
          ++taken;
        }
      if (taken >= 2) break;
    }
  }
  return seeds;
}

}  // namespace

TEST_CASE("mutated PDFs: every one a report or a clean error, the parent unharmed") {
  const auto rules = extract::RuleSet::load(test::rules_dir());
  test::TempDir tmp;
  std::mt19937 rng(20261204);  // fixed: the same inputs every run
  const auto seeds = seed_pdfs();
  std::vector<extract::IsolatedTask> tasks;
  for (int i = 0; i < 60; ++i) {
    std::string name = "m";
    name += std::to_string(i);
    name += ".pdf";
    fs::path p = tmp.path() / name;
    std::ofstream(p, std::ios::binary) << mutate(seeds[static_cast<size_t>(i) % seeds.size()], rng);
    tasks.push_back({p, std::nullopt});
  }
  extract::IsolationLimits limits;
  limits.wall_seconds = 20;
  limits.cpu_seconds = 10;
  limits.memory_mb = 1024;
  extract::IsolatedExtractor runner(rules, limits, 2);
  std::map<std::string, int> outcomes;
  size_t done = runner.run(tasks, [&](size_t i, extract::IsolatedResult&& r) {
    ++outcomes[extract::to_string(r.status)];
    INFO(tasks[i].pdf.string() << ": " << r.reason);
    if (r.status == extract::IsolatedResult::Status::ok) {
      CHECK(r.report);
      CHECK_NOTHROW(extract::decode_layout(r.layout));
    } else {
      CHECK_FALSE(r.reason.empty());
      CHECK(r.reason.find('\n') == std::string::npos);
    }
  });
  CHECK(done == tasks.size());
  std::string summary;
  for (const auto& [k, n] : outcomes) summary += k + "=" + std::to_string(n) + " ";
  MESSAGE("mutated PDFs: " << summary);
  CHECK(outcomes["ok"] + outcomes["unreadable"] > 0);
}

TEST_CASE("hostile and mutated pages: the parsers return results or jtai::Error, nothing else") {
  const auto rules = crawler::SiteRules::load(test::rules_dir());
  std::string listing = "<!DOCTYPE html><html><body><ul>";
  for (int i = 0; i < 20; ++i)
    listing += "<li><a href=\"/provider/44/" + std::to_string(80400 + i) + "\">Authority " + std::to_string(i) +
               "</a></li>";
  listing += "</ul></body></html>";
  std::string provider =
      "<html><body><ul><li><span class=\"event__title\"><a class=\"publication-link\" "
      "href=\"https://files.ofsted.gov.uk/v1/file/50212861\">Joint area child protection inspection <span "
      "class=\"nonvisual\">Joint area child protection inspection, pdf - 31 March 2023</span></a><time>31 March "
      "2023</time></span></li></ul></body></html>";
  std::vector<std::string> inputs;
  // Hand-made hostile pages.
  inputs.push_back(std::string(100000, '<'));
  inputs.push_back([] {
    std::string deep;
    for (int i = 0; i < 20000; ++i) deep += "<div>";
    return deep + "<a href=\"/provider/44/1\">x</a>";
  }());
  {
    std::string with_nul = listing;
    with_nul.insert(listing.find("</li>", 200) + 5, 1, '\0');  // between two providers, as the live site had it
    inputs.push_back(with_nul);
  }
  inputs.push_back("<a href=\"/provider/44/99999999999999999999999\">overflow</a>");
  inputs.push_back("<a href=\"/provider/44/80426\">" + std::string(1 << 20, 'x') + "</a>");
  inputs.push_back("<time datetime=\"9999-99-99\">99 Smarch 99999</time>");
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) inputs.push_back(mutate(i % 2 ? listing : provider, rng));

  int listed = 0, errors = 0;
  for (const auto& html : inputs) {
    try {
      listed += static_cast<int>(crawler::parse_listing(html, "https://reports.ofsted.gov.uk/search", rules).size());
      auto page = crawler::parse_provider_page(html, "https://reports.ofsted.gov.uk/provider/44/80426", rules);
      for (const auto& pub : page.publications)
        if (pub.published_on) CHECK(iso_date(*pub.published_on) == pub.published_on);  // only real dates
    } catch (const Error&) {
      ++errors;
    }
  }
  // The NUL-carrying listing still yields all 20 providers.
  CHECK(crawler::parse_listing(inputs[2], "https://reports.ofsted.gov.uk/search", rules).size() == 20);
  MESSAGE("pages: " << inputs.size() << " parsed, " << listed << " providers listed, " << errors << " errors");
}

#include "tests/export/fixture.hpp"

#include "extract/report.hpp"
#include "store/store.hpp"

namespace jtai::test {

namespace {

using extract::Report;

const std::string kSeen = "2026-01-04T09:00:00Z";
const std::string kRules = "rules-test-1";

int64_t add_publication(store::Store& s, int urn, const std::string& file_id, const std::string& kind,
                        const std::string& title, const std::string& published_on) {
  store::PublicationRow p;
  p.urn = urn;
  p.file_id = file_id;
  p.url = kSiteUrl + "/documents/" + file_id + "/" + file_id + ".pdf";
  p.kind = kind;
  p.title = title;
  p.published_on = published_on;
  return s.upsert_publication(p, kSeen);
}

void add_file(store::Store& s, int64_t publication_id, const std::string& sha) {
  s.record_file({publication_id, "reports/" + sha + ".pdf", sha, 123456, kSeen});
}

Report jtai_report() {
  Report r;
  r.kind = Report::Kind::jtai;
  r.rules_version = kRules;
  r.inspectorates = {"Ofsted", "CQC", "HMICFRS"};
  return r;
}

}  // namespace

void build_fixture_store(const std::filesystem::path& data_dir) {
  store::Store s(data_dir);
  int64_t run = s.begin_run("crawl", kSiteUrl);

  s.upsert_authority({80426, "Barnsley Metropolitan Borough Council", "/provider/44/80426"}, kSeen);
  s.upsert_authority({80418, "Norfolk County Council", "/provider/44/80418"}, kSeen);
  s.upsert_authority({80419, "Isle of Wight Council", "/provider/44/80419"}, kSeen);
  s.upsert_authority({kUnknownUrn, "Nowhere & Elsewhere Council", "/provider/44/999001"}, kSeen);

  // Barnsley, 2017: an older letter.
  {
    int64_t id = add_publication(s, 80426, "1001", "jtai", "Joint targeted area inspection of Barnsley", "2017-07-20");
    add_file(s, id, "sha-barnsley-2017");
    Report r = jtai_report();
    r.letter_date = "2017-07-10";
    r.inspection_start = "2017-05-22";
    r.inspection_end = "2017-05-26";
    r.theme = "neglect";
    r.focus = "neglect";
    r.round = "2016-neglect";
    r.theme_phrase = "the multi-agency response to children living with neglect";
    r.deep_dive = "older children";
    r.headline_findings = "Partners understand neglect.";
    r.priority_actions = {"Improve the quality of assessments."};
    r.improvements = {"Supervision is not always recorded.", "Health visitors' notes are late."};
    // A letter that groups its improvements by agency: the subheading names the agency.
    r.improvements[0].subheading = "Children's social care";
    r.improvements[0].agency = "children's social care";
    r.improvements[0].agencies = {"children's social care"};
    r.improvements[1].subheading = "Health";
    r.improvements[1].agency = "health";
    r.improvements[1].agencies = {"health"};
    r.strengths = {"Strong leadership.", "Good use of the neglect toolkit.", "Schools engage well."};
    s.save_extraction(id, "sha-barnsley-2017", r);
  }
  // Barnsley, 2022: the latest, with formula-like texts, HTML specials and a case study.
  {
    int64_t id = add_publication(s, 80426, "1002", "jtai", "Joint targeted area inspection of Barnsley", "2022-08-01");
    add_file(s, id, "sha-barnsley-2022");
    Report r = jtai_report();
    r.letter_date = "2022-07-12";
    r.inspection_start = "2022-05-23";
    r.inspection_end = "2022-05-27";
    r.theme = "identification of initial need and risk";
    r.focus = "identification of initial need and risk";
    r.round = "2022-front-door";
    r.theme_phrase = "the multi-agency response to identification of initial need and risk in Barnsley";
    r.headline_findings = kHtmlHeadline;
    r.priority_actions = {kFormulaEquals, "Make sure that strategy meetings include police & health."};
    r.priority_actions[1].agencies = {"police", "health"};
    r.improvements = {kFormulaPlus, kFormulaMinus, "Quality assurance of <referrals> in the front door."};
    r.strengths = {kFormulaAt, "Practitioners know children well.", "Café-style drop-in sessions — “well liked”."};
    r.case_studies = {{"Practice study: highly effective practice", "highly effective practice",
                       "A 15-year-old was helped quickly & safely.", {}}};
    s.save_extraction(id, "sha-barnsley-2022", r);
  }
  // Norfolk: a letter with warnings and no areas for priority action.
  {
    int64_t id = add_publication(s, 80418, "2001", "jtai", "Joint targeted area inspection of Norfolk", "2019-03-15");
    add_file(s, id, "sha-norfolk-2019");
    Report r = jtai_report();
    r.letter_date = "2019-03-01";
    r.theme = "domestic abuse";
    r.focus = "domestic abuse";
    r.round = "2018-domestic-abuse";
    r.no_priority_actions = true;
    r.improvements = {"Information sharing at the MARAC."};
    r.strengths = {"Independent domestic violence advisers are valued."};
    r.warnings = {{"no_fieldwork_dates", "no fieldwork dates found"},
                  {"empty_section", "section 'Case study' found with no items"}};
    r.overrides = {{"authorities/80418-norfolk.toml:4 pin letter_date", "the letter's date line is unreadable"}};
    s.save_extraction(id, "sha-norfolk-2019", r);
  }
  // Norfolk: a letter the extractor could not read.
  {
    int64_t id = add_publication(s, 80418, "2002", "jtai", "Joint targeted area inspection of Norfolk", "2021-02-02");
    add_file(s, id, "sha-norfolk-2021");
    s.save_error_extraction(id, "sha-norfolk-2021", kRules, "the PDF is encrypted");
  }
  // Isle of Wight: listed as a JTAI but the PDF is something else.
  {
    int64_t id = add_publication(s, 80419, "3001", "jtai", "Joint targeted area inspection of Isle of Wight", "2018-10-10");
    add_file(s, id, "sha-iow-2018");
    Report r;
    r.kind = Report::Kind::not_jtai;
    r.rules_version = kRules;
    r.reason = "an inspection of local authority children's services (ILACS) letter";
    s.save_extraction(id, "sha-iow-2018", r);
  }
  // Isle of Wight: a JTAI publication whose PDF is not downloaded yet.
  add_publication(s, 80419, "3002", "jtai", "Joint targeted area inspection of Isle of Wight", "2023-01-01");
  // Isle of Wight: a non-JTAI publication, never an inspection.
  {
    int64_t id = add_publication(s, 80419, "3003", "ilacs", "Children's services inspection", "2023-02-02");
    add_file(s, id, "sha-iow-ilacs");
  }
  // An authority missing from the table, with an over-long text and an unlisted theme.
  {
    int64_t id = add_publication(s, kUnknownUrn, "9001", "jtai", "Joint targeted area inspection", "2024-04-04");
    add_file(s, id, "sha-nowhere-2024");
    Report r = jtai_report();
    r.letter_date = "2024-03-20";
    r.inspection_start = "2024-02-05";
    r.inspection_end = "2024-02-09";
    r.theme = "other: children at risk online";
    std::string long_text;
    while (long_text.size() < 40000) long_text += "Partners work together on online harm. ";
    r.headline_findings = long_text;
    r.strengths = {"One strength."};
    s.save_extraction(id, "sha-nowhere-2024", r);
  }

  store::RunCounts counts;
  counts.authorities_seen = 4;
  counts.jtai_seen = 7;
  s.finish_run(run, store::RunStatus::ok, counts, {}, "fixture");
}

std::string add_new_letter(const std::filesystem::path& data_dir) {
  store::Store s(data_dir);
  int64_t id = add_publication(s, 80418, "2003", "jtai", "Joint targeted area inspection of Norfolk", "2025-11-01");
  add_file(s, id, "sha-norfolk-2025");
  Report r = jtai_report();
  r.letter_date = "2025-10-20";
  r.inspection_start = "2025-09-08";
  r.inspection_end = "2025-09-12";
  r.theme = "serious youth violence";
  r.priority_actions = {"Join up the work on serious violence."};
  r.strengths = {"Youth workers reach children early."};
  s.save_extraction(id, "sha-norfolk-2025", r);
  return "2003";
}

std::vector<std::string> add_new_letters(const std::filesystem::path& data_dir, int n) {
  store::Store s(data_dir);
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    const std::string file_id = std::to_string(5000 + i);
    int64_t id = add_publication(s, 80419, file_id, "jtai", "Joint targeted area inspection of the Isle of Wight", "2025-12-01");
    add_file(s, id, "sha-wight-" + file_id);
    Report r = jtai_report();
    r.letter_date = "2025-11-" + std::string(i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1);
    r.theme = "neglect";
    r.strengths = {"Letter " + file_id + ": health visitors know their families."};
    s.save_extraction(id, "sha-wight-" + file_id, r);
    ids.push_back(file_id);
  }
  return ids;
}

}  // namespace jtai::test

// Dates, themes, deep dive and inspectorates from the repository's rules.
#include <doctest/doctest.h>

#include "extract/facts.hpp"
#include "tests/extract/fixtures.hpp"
#include "tests/support/test_support.hpp"

using namespace jtai::extract;

namespace {
const RuleSet& rules() { return jtai::test::shipped_rules(); }
std::pair<std::string, std::string> fieldwork(const std::string& text, std::optional<std::string> letter = std::nullopt) {
  auto f = find_fieldwork({text}, rules(), letter);
  if (!f) return {"", ""};
  return {f->start, f->end};
}
}  // namespace

TEST_CASE("ISO dates are checked") {
  CHECK(iso_date("23", "May", "2022") == "2022-05-23");
  CHECK(iso_date("1", "Feb", "2017") == "2017-02-01");
  CHECK_FALSE(iso_date("31", "June", "2022"));
  CHECK_FALSE(iso_date("29", "February", "2023"));
  CHECK(iso_date("29", "February", "2024") == "2024-02-29");
  CHECK_FALSE(iso_date("3", "Smarch", "2022"));
}

TEST_CASE("the letter date is a line holding only a date") {
  CHECK(find_letter_date({"Sophie Wales, Director", "18 July 2022"}, rules()) == "2022-07-18");
  CHECK(find_letter_date({"01 December 2017"}, rules()) == "2017-12-01");
  CHECK_FALSE(find_letter_date({"This inspection took place from 23 to 27 May 2022."}, rules()));
}

TEST_CASE("fieldwork dates in the letters' wordings") {
  CHECK(fieldwork("This inspection took place from 23 to 27 May 2022. It was carried out by")
        == std::pair<std::string, std::string>{"2022-05-23", "2022-05-27"});
  CHECK(fieldwork("Between 16 and 20 October 2017, Ofsted, the Care Quality Commission")
        == std::pair<std::string, std::string>{"2017-10-16", "2017-10-20"});
  CHECK(fieldwork("Between 21 March 2017 and 24 March 2017, Ofsted")
        == std::pair<std::string, std::string>{"2017-03-21", "2017-03-24"});
  CHECK(fieldwork("took place from 27 June 2022 to 1 July 2022.")
        == std::pair<std::string, std::string>{"2022-06-27", "2022-07-01"});
  CHECK(fieldwork("Between 31 October and 4 November 2016, Ofsted")
        == std::pair<std::string, std::string>{"2016-10-31", "2016-11-04"});
  CHECK(fieldwork("from 30 December to 3 January 2020")
        == std::pair<std::string, std::string>{"2019-12-30", "2020-01-03"});
  // No year: the letter date's year.
  CHECK(fieldwork("Between 16 May and 20 May, Ofsted", std::string("2016-07-01"))
        == std::pair<std::string, std::string>{"2016-05-16", "2016-05-20"});
  CHECK(fieldwork("Between 16 May and 20 May, Ofsted", std::string("2017-01-12"))
        == std::pair<std::string, std::string>{"2016-05-16", "2016-05-20"});
  CHECK(fieldwork("There were 12 to 15 children in the sample.").first.empty());
}

TEST_CASE("theme phrase and canonical theme") {
  auto phrase = find_theme_phrase(
      {"This letter summarises the findings of the joint targeted area inspection (JTAI) of the multi-agency response "
       "to identification of initial need and risk in Barnsley."},
      rules());
  CHECK(phrase == "the multi-agency response to identification of initial need and risk in Barnsley");
  CHECK(classify_theme(*phrase, rules()) == "identification of initial need and risk");
  CHECK(classify_theme("the multi-agency response to sexual abuse in the family in York", rules()) ==
        "sexual abuse in the family");
  CHECK(classify_theme("the multi-agency response to abuse and neglect in Hampshire", rules()) == "abuse and neglect");
  CHECK(classify_theme("the multi-agency response to the criminal exploitation of children in Kirklees", rules()) ==
        "criminal exploitation");
  CHECK(classify_theme("the multi-agency response to child exploitation in Halton", rules()) == "child exploitation");
  CHECK(classify_theme("the multi-agency response to children who are victims of domestic abuse in Norfolk", rules()) ==
        "children who are victims of domestic abuse");
  CHECK(classify_theme("the multi-agency response to domestic abuse in Medway", rules()) == "domestic abuse");
  CHECK(classify_theme("the multi-agency responses to children\xE2\x80\x99s mental health in East Sussex", rules()) ==
        "children's mental health");
  CHECK(classify_theme("the multi-agency response to children and families in Surrey who need help", rules()) ==
        "children and families who need help");
  CHECK(classify_theme("the multi-agency response to serious youth violence in Leeds", rules()) == "serious youth violence");
  CHECK(classify_theme("the multi-agency response to online harms in Anytown", rules()) == "other: online harms");
}

TEST_CASE("deep dive focus, without 'the response to' and the full stop") {
  CHECK(find_deep_dive({"This inspection included a \xE2\x80\x98" "deep dive\xE2\x80\x99 focus on the response to "
                        "children living with domestic abuse. This letter"},
                       rules()) == "children living with domestic abuse");
  CHECK_FALSE(find_deep_dive({"No deep dive here."}, rules()));
}

TEST_CASE("inspectorates in the order named, HMIC and HMICFRS told apart") {
  CHECK(find_inspectorates("Between 16 and 20 October 2017, Ofsted, the Care Quality Commission (CQC), HMI Constabulary "
                           "(HMICFRS) and HMI Probation (HMI Prob) undertook",
                           rules()) == std::vector<std::string>{"Ofsted", "CQC", "HMICFRS", "HMIP"});
  CHECK(find_inspectorates("Ofsted, the Care Quality Commission (CQC), HMI Constabulary (HMIC) and HMI Probation", rules()) ==
        std::vector<std::string>{"Ofsted", "CQC", "HMIC", "HMIP"});
  CHECK(find_inspectorates("It was carried out by inspectors from Ofsted, the Care Quality Commission (CQC) and His "
                           "Majesty\xE2\x80\x99s Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS).",
                           rules()) == std::vector<std::string>{"Ofsted", "CQC", "HMICFRS"});
}

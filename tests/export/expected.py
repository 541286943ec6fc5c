"""What the export tests' fixture store (fixture.cpp) must come out as.

Kept apart from the C++ so that the Python checkers are independent readers:
they compare the files with these literal values, not with jtai's own JSON.
"""

SITE = "https://reports.ofsted.gov.uk"

LETTER_HEADERS = [
    "local authority", "URN", "LA code", "LTLA23CD", "region code", "region name",
    "inspection start", "inspection end", "letter date", "round", "focus", "theme", "deep dive",
]
INSPECTION_HEADERS = LETTER_HEADERS + [
    "priority actions status", "priority actions (n)", "improvements (n)", "strengths (n)", "case studies (n)",
    "headline findings", "areas for priority action", "areas for improvement", "strengths",
    "practice/case study", "publication date", "link to the PDF",
]
FINDINGS_HEADERS = LETTER_HEADERS + [
    "section", "subheading", "agency", "agencies", "item number", "case study title", "case study kind",
    "text", "link to the PDF",
]
CHANGES_HEADERS = ["change", "local authority", "URN", "letter date", "section", "item number", "text",
                   "link to the PDF"]
SHEETS = ["summary", "inspections", "findings", "trends", "about", "glossary"]

FORMULA_TEXTS = [
    "=1+2 (an item that starts with an equals sign)",
    "+44 20 7946 0000 is not a number to add",
    "-5 children were seen late",
    "@SUM(A1:A2) should stay text",
]
HTML_HEADLINE = ('Leaders <b>know</b> their area & "families" well '
                 '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>')

def url(file_id):
    return f"{SITE}/documents/{file_id}/{file_id}.pdf"


def link_target(formula):
    """The URL of a workbook link cell, =HYPERLINK("url","url") with the same URL
    as target and text ("" inside a literal is a quote); None for anything else."""
    import re
    lit = r'"((?:[^"]|"")*)"'
    m = re.fullmatch(r"=HYPERLINK\(" + lit + "," + lit + r"\)", formula or "")
    if not m or m.group(1) != m.group(2):
        return None
    return m.group(1).replace('""', '"')

# The four inspections, in export order (authority, then date).
INSPECTIONS = [
    {"urn": 80426, "la": "370", "region": "YH", "region_name": "Yorkshire and the Humber", "ltla": "E08000016", "name": "Barnsley",
     "start": "2017-05-22", "end": "2017-05-26", "letter": "2017-07-10", "published": "2017-07-20",
     "theme": "neglect", "focus": "neglect", "round": "2016-neglect", "status": "has items", "counts": [1, 2, 3, 0],
     "url": url("1001"),
     "priority": "Improve the quality of assessments.",
     "strengths": "Strong leadership.\nGood use of the neglect toolkit.\nSchools engage well."},
    {"urn": 80426, "la": "370", "region": "YH", "region_name": "Yorkshire and the Humber", "ltla": "E08000016", "name": "Barnsley",
     "start": "2022-05-23", "end": "2022-05-27", "letter": "2022-07-12", "published": "2022-08-01",
     "theme": "identification of initial need and risk", "focus": "identification of initial need and risk", "round": "2022-front-door",
     "status": "has items", "counts": [2, 3, 3, 1], "url": url("1002"),
     "headline": HTML_HEADLINE,
     "priority": FORMULA_TEXTS[0] + "\nMake sure that strategy meetings include police & health.",
     "improvements": FORMULA_TEXTS[1] + "\n" + FORMULA_TEXTS[2] + "\nQuality assurance of <referrals> in the front door.",
     "strengths": FORMULA_TEXTS[3] + "\nPractitioners know children well.\nCafé-style drop-in sessions — “well liked”.",
     "case": "Practice study: highly effective practice\nA 15-year-old was helped quickly & safely."},
    {"urn": 80418, "la": "926", "region": "E", "region_name": "East of England", "ltla": "E10000020", "name": "Norfolk",
     "start": None, "end": None, "letter": "2019-03-01", "published": "2019-03-15",
     "theme": "domestic abuse", "focus": "domestic abuse", "round": "2018-domestic-abuse", "status": "stated none", "counts": [0, 1, 1, 0],
     "url": url("2001"),
     "priority": "None: the letter states there are no areas for priority action."},
    {"urn": 999001, "la": None, "region": None, "region_name": None, "ltla": None, "name": "Nowhere & Elsewhere Council",
     "start": "2024-02-05", "end": "2024-02-09", "letter": "2024-03-20", "published": "2024-04-04",
     "theme": "other: children at risk online", "focus": None, "round": None, "status": "no such section", "counts": [0, 0, 1, 0],
     "url": url("9001"), "long_headline": True,
     "priority": None, "strengths": "One strength."},
]
SUMMARY = [INSPECTIONS[1], INSPECTIONS[2], INSPECTIONS[3]]
FINDING_ROWS = 18
TRUNCATION_MARKER = " [... truncated: Excel's cell limit; full text in jtai.json and the CSV files]"
EXCEL_LIMIT = 32767

# Letters the about sheet must name under "known extraction issues".
ISSUE_URLS = {url("2001"): "warnings",  url("2002"): "error", url("3001"): "not_jtai",
              url("3002"): "not_downloaded", url("9001"): "unknown_authority"}

# Findings the fixture gives a subheading, agency and agencies (Report v2), by (file id, section, item number).
AGENCY_ITEMS = {
    ("1001", "improvement", "1"): ("Children's social care", "children's social care", "children's social care"),
    ("1001", "improvement", "2"): ("Health", "health", "health"),
    ("1002", "priority action", "2"): ("", "", "police; health"),
}

#!/usr/bin/python3
"""Reads an export directory's CSV files with Python's csv module and checks
them against the fixture (expected.py). Usage: check_csv.py EXPORT_DIR"""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expected as E  # noqa: E402


def fail(msg):
    print("csv: FAIL:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def read(path):
    raw = open(path, "rb").read()
    check(raw.startswith(b"\xef\xbb\xbf"), f"{path}: no UTF-8 byte-order mark")
    check(raw.endswith(b"\r\n"), f"{path}: last record does not end with CRLF")
    check(raw.split(b"\n", 1)[0].endswith(b"\r"), f"{path}: header does not end with CRLF")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, strict=True))
    width = len(rows[0])
    for i, row in enumerate(rows):
        check(len(row) == width, f"{path}: record {i} has {len(row)} fields, header has {width}")
        for cell in row:
            check(not cell[:1] in ("=", "+", "-", "@", "\t", "\r"),
                  f"{path}: cell starts like a formula: {cell[:40]!r}")
    return rows


def guarded(text):
    return "'" + text if text and text[0] in "=+-@" else text


def main(export_dir):
    for name in ("summary", "inspections"):
        rows = read(os.path.join(export_dir, name + ".csv"))
        check(rows[0] == E.INSPECTION_HEADERS, f"{name}.csv header: {rows[0]}")
        want = E.SUMMARY if name == "summary" else E.INSPECTIONS
        check(len(rows) - 1 == len(want), f"{name}.csv has {len(rows) - 1} rows, want {len(want)}")
        col = {h: i for i, h in enumerate(rows[0])}
        for row, w in zip(rows[1:], want):
            check(row[col["URN"]] == str(w["urn"]), f"URN {row[col['URN']]}")
            check(row[col["local authority"]] == w["name"], f"name {row[col['local authority']]}")
            check(row[col["LA code"]] == (w["la"] or ""), f"LA code of {w['name']}")
            check(row[col["region code"]] == (w["region"] or ""), f"region of {w['name']}")
            check(row[col["LTLA23CD"]] == (w["ltla"] or ""), f"LTLA23CD of {w['name']}")
            check(row[col["inspection start"]] == (w["start"] or ""), f"start of {w['name']}")
            check(row[col["inspection end"]] == (w["end"] or ""), f"end of {w['name']}")
            check(row[col["letter date"]] == w["letter"], f"letter date of {w['name']}")
            check(row[col["publication date"]] == w["published"], f"publication date of {w['name']}")
            check(row[col["theme"]] == w["theme"], f"theme of {w['name']}")
            check(row[col["focus"]] == (w["focus"] or ""), f"focus of {w['name']}")
            check(row[col["round"]] == (w["round"] or ""), f"round of {w['name']}")
            check(row[col["region name"]] == (w["region_name"] or ""), f"region name of {w['name']}")
            check(row[col["priority actions status"]] == w["status"], f"priority actions status of {w['name']}")
            counts = [row[col[h]] for h in ("priority actions (n)", "improvements (n)", "strengths (n)", "case studies (n)")]
            check(counts == [str(n) for n in w["counts"]], f"section counts of {w['name']}: {counts}")
            check(row[col["link to the PDF"]] == w["url"], f"link of {w['name']}")
            check(row[col["areas for priority action"]] == guarded(w["priority"] or ""),
                  f"priority actions of {w['name']}: {row[col['areas for priority action']]!r}")
            for key, header in (("improvements", "areas for improvement"), ("strengths", "strengths"),
                                ("case", "practice/case study"), ("headline", "headline findings")):
                if key in w:
                    check(row[col[header]] == guarded(w[key]), f"{header} of {w['name']}: {row[col[header]]!r}")
            if w.get("long_headline"):
                check(len(row[col["headline findings"]]) >= 40000, "CSV cells are never truncated")
                check(E.TRUNCATION_MARKER not in row[col["headline findings"]], "truncation marker in CSV")

    rows = read(os.path.join(export_dir, "findings.csv"))
    check(rows[0] == E.FINDINGS_HEADERS, f"findings.csv header: {rows[0]}")
    check(len(rows) - 1 == E.FINDING_ROWS, f"findings.csv has {len(rows) - 1} rows")
    col = {h: i for i, h in enumerate(rows[0])}
    texts = [r[col["text"]] for r in rows[1:]]
    for t in E.FORMULA_TEXTS:
        check("'" + t in texts, f"guarded finding {t!r} missing")
    sections = {r[col["section"]] for r in rows[1:]}
    check(sections == {"priority action", "improvement", "strength", "case study"}, f"sections {sections}")
    study = [r for r in rows[1:] if r[col["section"]] == "case study"]
    check(len(study) == 1 and study[0][col["case study title"]] == "Practice study: highly effective practice",
          "case study row")
    positions = [r[col["item number"]] for r in rows[1:] if r[col["URN"]] == "80426" and r[col["letter date"]] == "2017-07-10"
                 and r[col["section"]] == "strength"]
    check(positions == ["1", "2", "3"], f"strength positions {positions}")
    # Every findings row is self-sufficient: its letter's details repeat on it.
    by_url = {w["url"]: w for w in E.INSPECTIONS}
    for r in rows[1:]:
        w = by_url[r[col["link to the PDF"]]]
        for h, key in (("local authority", "name"), ("LA code", "la"), ("region code", "region"), ("LTLA23CD", "ltla"), ("region name", "region_name"),
                       ("inspection start", "start"), ("inspection end", "end"), ("letter date", "letter"),
                       ("theme", "theme"), ("focus", "focus")):
            check(r[col[h]] == (w[key] or ""), f"findings {h} of {w['name']}: {r[col[h]]!r}")
    counted = {}
    for r in rows[1:]:
        counted.setdefault(r[col["link to the PDF"]], [0, 0, 0, 0])[
            ["priority action", "improvement", "strength", "case study"].index(r[col["section"]])] += 1
    for w in E.INSPECTIONS:
        check(counted.get(w["url"], [0, 0, 0, 0]) == w["counts"], f"findings rows of {w['name']}: {counted.get(w['url'])}")

    seen = 0
    for r in rows[1:]:
        file_id = r[col["link to the PDF"]].rsplit("/", 1)[1][:-4]
        want = E.AGENCY_ITEMS.get((file_id, r[col["section"]], r[col["item number"]]), ("", "", ""))
        got = (r[col["subheading"]], r[col["agency"]], r[col["agencies"]])
        check(got == want, f"subheading/agency/agencies of {file_id} {r[col['section']]} {r[col['item number']]}: {got}")
        seen += want != ("", "", "")
    check(seen == len(E.AGENCY_ITEMS), f"{seen} rows with agencies")
    study = [r for r in rows[1:] if r[col["section"]] == "case study"][0]
    check(study[col["case study kind"]] == "highly effective practice", f"case study kind {study[col['case study kind']]!r}")

    changes = read(os.path.join(export_dir, "changes.csv"))
    check(changes[0] == E.CHANGES_HEADERS, f"changes.csv header {changes[0]}")
    print("csv: ok (summary, inspections, findings, changes: BOM, CRLF, RFC 4180 quoting, formula guard, self-sufficient findings rows, focus, counts, priority-action status)")


if __name__ == "__main__":
    main(sys.argv[1])

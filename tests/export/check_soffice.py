#!/usr/bin/python3
"""Converts jtai_summary.xlsx to CSV with LibreOffice headless (every sheet)
and checks what LibreOffice read: sheets, headers, rows, dates shown with
their date format, link text and that formula-like texts stayed text; then to
HTML, where the =HYPERLINK link cells must come out as real links.
Usage: check_soffice.py FILE.xlsx WORK_DIR"""
import csv
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expected as E  # noqa: E402


def fail(msg):
    print("soffice: FAIL:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def main(xlsx, work):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    check(soffice, "soffice is not installed (Debian package libreoffice-calc-nogui)")
    out = os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)
    profile = "file://" + os.path.abspath(os.path.join(work, "profile"))
    # Tokens: comma, double quote, UTF-8, line 1, -, language, quote all text=false, -,
    # save cell contents as shown=true, export formulas=false, -, sheets=-1 (all, one file each).
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    proc = subprocess.run([soffice, "-env:UserInstallation=" + profile, "--headless", "--norestore",
                           "--convert-to", filt, "--outdir", out, xlsx],
                          capture_output=True, text=True, timeout=100,
                          env=dict(os.environ, HOME=work))
    check(proc.returncode == 0, f"soffice exit {proc.returncode}: {proc.stderr.strip()}")
    files = {os.path.basename(p).rsplit("-", 1)[1][:-4]: p for p in glob.glob(os.path.join(out, "*-*.csv"))}
    check(sorted(files) == sorted(E.SHEETS), f"LibreOffice wrote sheets {sorted(files)}: {proc.stdout.strip()}")

    def rows(sheet):
        with open(files[sheet], encoding="utf-8-sig", newline="") as f:
            return list(csv.reader(f))

    for sheet, want in (("summary", E.SUMMARY), ("inspections", E.INSPECTIONS)):
        r = rows(sheet)
        check(r[0] == E.INSPECTION_HEADERS, f"{sheet} header as LibreOffice reads it: {r[0]}")
        data = [row for row in r[1:] if any(row)]
        check(len(data) == len(want), f"{sheet}: {len(data)} rows")
        col = {h: i for i, h in enumerate(r[0])}
        for row, w in zip(data, want):
            check(row[col["URN"]] == str(w["urn"]), f"URN {row[col['URN']]}")
            check(row[col["local authority"]] == w["name"], f"name {row[col['local authority']]}")
            for h, key in (("inspection start", "start"), ("letter date", "letter"), ("publication date", "published")):
                check(row[col[h]] == (w[key] or ""), f"{sheet} {h} of {w['name']}: {row[col[h]]!r}")
            check(row[col["link to the PDF"]] == w["url"], f"link text {row[col['link to the PDF']]!r}")
            check(row[col["focus"]] == (w["focus"] or ""), f"{sheet} focus of {w['name']}: {row[col['focus']]!r}")
            check(row[col["priority actions status"]] == w["status"], f"{sheet} status of {w['name']}")
            check(row[col["strengths (n)"]] == str(w["counts"][2]), f"{sheet} strengths (n) of {w['name']}")
            check(row[col["areas for priority action"]] == (w["priority"] or ""),
                  f"priority actions of {w['name']} as LibreOffice reads them: {row[col['areas for priority action']]!r}")
            for key, h in (("improvements", "areas for improvement"), ("strengths", "strengths"), ("headline", "headline findings")):
                if key in w:
                    check(row[col[h]] == w[key], f"{h} of {w['name']}: {row[col[h]]!r}")
    f = rows("findings")
    check(f[0] == E.FINDINGS_HEADERS, f"findings header {f[0]}")
    fcol = {h: i for i, h in enumerate(f[0])}
    texts = {row[fcol["text"]] for row in f[1:]}
    check(len([row for row in f[1:] if any(row)]) == E.FINDING_ROWS, "findings rows as LibreOffice reads them")
    check(all(row[fcol["region name"]] for row in f[1:] if row[fcol["URN"]] in ("80426", "80418")),
          "findings rows lack the region")
    for t in E.FORMULA_TEXTS:
        check(t in texts, f"LibreOffice did not keep {t!r} as text")
    about = "\n".join(",".join(row) for row in rows("about"))
    check("Known extraction issues (6)" in about and E.SITE in about, "about sheet")
    trends = rows("trends")
    check(any(r[:1] == ["neglect"] for r in trends), "LibreOffice reads no neglect row in trends")
    strength = next(r for r in trends if r[:1] == ["strength"])
    total_col = next(r for r in trends if r[:1] == ["section"]).index("total")
    check(strength[total_col] == "8", f"trends strength total as LibreOffice reads it: {strength}")
    glossary = rows("glossary")
    check(glossary[0] == ["sheet / file", "column", "definition"], f"glossary header {glossary[0]}")
    check({"agencies", "focus", "priority actions status"} <= {r[1] for r in glossary}, "glossary columns")
    # The link cells are formulas: LibreOffice evaluates them into clickable links.
    html_out = os.path.join(work, "html")
    proc = subprocess.run([soffice, "-env:UserInstallation=" + profile, "--headless", "--norestore",
                           "--convert-to", "html", "--outdir", html_out, xlsx],
                          capture_output=True, text=True, timeout=100, env=dict(os.environ, HOME=work))
    check(proc.returncode == 0, f"soffice (html) exit {proc.returncode}: {proc.stderr.strip()}")
    pages = glob.glob(os.path.join(html_out, "*.html"))
    check(len(pages) == 1, f"LibreOffice wrote {pages}")
    with open(pages[0], encoding="utf-8", errors="replace") as f:
        hrefs = set(re.findall(r'<a href="([^"]*)"', f.read()))
    want = {w["url"] for w in E.INSPECTIONS} | set(E.ISSUE_URLS) | {E.SITE}
    check(want <= hrefs, f"links LibreOffice does not show as links: {sorted(want - hrefs)}")
    print(f"soffice: ok (LibreOffice read {len(files)} sheets; headers, dates as yyyy-mm-dd, links (text and "
          f"clickable), focus, status, counts, trends, glossary, formula-like text kept)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

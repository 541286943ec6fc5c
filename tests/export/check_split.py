#!/usr/bin/python3
"""Reads a workbook exported with a lowered row limit (10 rows per sheet) with
openpyxl: the findings continue on "findings (2)" with the same header, no row
is lost or repeated, every link on both sheets is a HYPERLINK formula (no
per-sheet cap), a URL with a double quote is escaped in its formula, one too
long for a formula is plain text and the about sheet says so.
Usage: check_split.py FILE"""
import os
import sys

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expected as E  # noqa: E402


def check(cond, msg):
    if not cond:
        print("split: FAIL:", msg)
        sys.exit(1)


def main(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["summary", "inspections", "findings", "findings (2)", "trends", "about", "glossary"],
          f"sheets {wb.sheetnames}")
    first, second = wb["findings"], wb["findings (2)"]
    for ws in (first, second):
        check([c.value for c in ws[1]] == E.FINDINGS_HEADERS, f"{ws.title} header")
        check(ws.freeze_panes == "B2", f"{ws.title} panes {ws.freeze_panes}")
        check(ws.print_title_rows in ("1:1", "$1:$1"), f"{ws.title} print titles")
    check(first.max_row == 10 and second.max_row == 10, f"rows {first.max_row} + {second.max_row}")
    link_col = E.FINDINGS_HEADERS.index("link to the PDF") + 1
    for ws in (first, second):
        cells = [ws.cell(row=r, column=link_col) for r in range(2, ws.max_row + 1)]
        for c in cells:
            check(c.data_type == "f" and E.link_target(c.value) and E.link_target(c.value).startswith("https://"),
                  f"{ws.title}!{c.coordinate} is not a link formula: {c.value!r}")
    texts = [ws.cell(row=r, column=E.FINDINGS_HEADERS.index("text") + 1).value
             for ws in (first, second) for r in range(2, ws.max_row + 1)]
    check(len(texts) == E.FINDING_ROWS, f"{len(texts)} finding rows over both sheets")
    about = "\n".join(str(c.value) for row in wb["about"].iter_rows() for c in row if c.value is not None)
    check("the table continues on findings (2)" in about, "the about sheet does not name findings (2)")
    check("1 link(s) are plain text" in about, "the about sheet does not count the plain link")
    quoted = E.url("2002") + '?q="x"'
    formulas = {c.value for row in wb["about"].iter_rows() for c in row if c.data_type == "f"}
    want = '=HYPERLINK("{0}","{0}")'.format(quoted.replace('"', '""'))
    check(want in formulas, f"the quoted URL's formula is not {want!r}: {formulas}")
    check(E.link_target(want) == quoted, "the quoted URL does not read back")
    long_url = E.url("3001") + "?" + "a" * 300
    texts = {c.value for row in wb["about"].iter_rows() for c in row if c.data_type == "s"}
    check(long_url in texts, "the URL too long for a formula is not plain text in the about sheet")
    print("split: ok (findings continue on 'findings (2)' with the header, every row once, every link a formula; "
          "a quoted URL escaped, a long one plain text)")


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/python3
"""Opens jtai_summary.xlsx with openpyxl (Debian's python3-openpyxl) and checks
sheets, columns, date cells, hyperlinks, frozen panes, autofilter, widths,
wrapping, the cell limit and the formula guard. Usage: check_xlsx.py FILE"""
import datetime
import os
import sys

import openpyxl
from openpyxl.utils import get_column_letter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expected as E  # noqa: E402


def fail(msg):
    print("xlsx: FAIL:", msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def date(iso):
    return datetime.datetime.strptime(iso, "%Y-%m-%d") if iso else None


def header(ws):
    return [c.value for c in ws[1]]


def check_inspection_sheet(ws, want):
    check(header(ws) == E.INSPECTION_HEADERS, f"{ws.title} header: {header(ws)}")
    check(ws.max_row - 1 == len(want), f"{ws.title} has {ws.max_row - 1} rows, want {len(want)}")
    check(ws.freeze_panes == "A2", f"{ws.title} freeze panes {ws.freeze_panes}")
    last = get_column_letter(len(E.INSPECTION_HEADERS))
    check(ws.auto_filter.ref == f"A1:{last}{ws.max_row}", f"{ws.title} autofilter {ws.auto_filter.ref}")
    col = {h: i + 1 for i, h in enumerate(E.INSPECTION_HEADERS)}
    letter = {h: get_column_letter(i) for h, i in col.items()}
    check(ws.column_dimensions[letter["headline findings"]].width >= 50, "headline column too narrow")
    check(ws.column_dimensions[letter["local authority"]].width >= 15, "authority column too narrow")
    for r, w in enumerate(want, start=2):
        cell = lambda h: ws.cell(row=r, column=col[h])  # noqa: E731
        check(cell("URN").value == w["urn"] and cell("URN").data_type == "n", f"URN cell {cell('URN').value!r}")
        check(cell("local authority").value == w["name"], f"name {cell('local authority').value!r}")
        check(cell("LA code").value == w["la"], f"LA code {cell('LA code').value!r} of {w['name']}")
        check(cell("LTLA23CD").value == w["ltla"], f"LTLA23CD of {w['name']}")
        for h, key in (("inspection start", "start"), ("inspection end", "end"), ("letter date", "letter"),
                       ("publication date", "published")):
            c = cell(h)
            check(c.value == date(w[key]), f"{h} of {w['name']}: {c.value!r}")
            if w[key]:
                check(c.is_date and c.data_type == "d", f"{h} of {w['name']} is not a date cell")
                check(c.number_format == "yyyy-mm-dd", f"{h} number format {c.number_format!r}")
        link = cell("link to the PDF")
        check(link.hyperlink is not None and link.hyperlink.target == w["url"],
              f"hyperlink of {w['name']}: {link.hyperlink and link.hyperlink.target!r}")
        check(cell("theme").value == w["theme"], f"theme of {w['name']}")
        pa = cell("areas for priority action")
        check(pa.value == w["priority"], f"priority actions of {w['name']}: {pa.value!r}")
        check(pa.value is None or pa.alignment.wrap_text, "list cells must wrap")
        for key, h in (("improvements", "areas for improvement"), ("strengths", "strengths"),
                       ("case", "practice/case study"), ("headline", "headline findings")):
            if key in w:
                check(cell(h).value == w[key], f"{h} of {w['name']}: {cell(h).value!r}")
        if w.get("long_headline"):
            v = cell("headline findings").value
            check(len(v) <= E.EXCEL_LIMIT, f"cell of {len(v)} characters exceeds Excel's limit")
            check(v.endswith(E.TRUNCATION_MARKER), "truncated cell lacks the marker")


def main(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == E.SHEETS, f"sheets {wb.sheetnames}")
    check_inspection_sheet(wb["summary"], E.SUMMARY)
    check_inspection_sheet(wb["inspections"], E.INSPECTIONS)

    ws = wb["findings"]
    check(header(ws) == E.FINDINGS_HEADERS, f"findings header {header(ws)}")
    check(ws.max_row - 1 == E.FINDING_ROWS, f"findings rows {ws.max_row - 1}")
    check(ws.freeze_panes == "A2", "findings freeze panes")
    check(ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), "findings autofilter")
    check(ws.cell(row=2, column=5).is_date, "findings letter date is not a date cell")
    check(ws.cell(row=2, column=8).value == 1 and ws.cell(row=2, column=8).data_type == "n", "position is a number")

    # The formula guard: no cell anywhere is a formula; the formula-like texts are text, unchanged.
    found = set()
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                check(c.data_type != "f", f"{sheet.title}!{c.coordinate} is a formula: {c.value!r}")
                if isinstance(c.value, str):
                    for t in E.FORMULA_TEXTS:
                        if c.value == t or c.value.startswith(t + "\n"):
                            check(c.data_type == "s", f"{c.coordinate} not a string")
                            found.add(t)
    check(found == set(E.FORMULA_TEXTS), f"formula-like texts found as text: {found}")

    about = wb["about"]
    text = "\n".join(str(c.value) for row in about.iter_rows() for c in row if c.value is not None)
    for needle in (E.SITE, "rules-test-1", "Known extraction issues (5)", "export date", "2026-01-05",
                   "inspections in this export", "cells truncated", "Norfolk", "Isle of Wight",
                   "Nowhere & Elsewhere Council", "the PDF is encrypted", "no fieldwork dates found", "not_jtai"):
        check(needle in text, f"about sheet lacks {needle!r}")
    linked = {c.hyperlink.target for row in about.iter_rows() for c in row if c.hyperlink}
    check(set(E.ISSUE_URLS) <= linked, f"about sheet links {linked}")
    check(wb.properties.created is not None, "no creation time")
    print(f"xlsx: ok (sheets {wb.sheetnames}; dates, links, frozen header, autofilter, widths, wrap, "
          f"cell limit, formula guard; created {wb.properties.created})")


if __name__ == "__main__":
    main(sys.argv[1])

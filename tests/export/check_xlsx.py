#!/usr/bin/python3
"""Opens jtai_summary.xlsx with openpyxl (Debian's python3-openpyxl) and checks
sheets, columns, date cells, links (=HYPERLINK formulas), frozen panes, autofilter, widths,
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
    check(ws.freeze_panes == "B2", f"{ws.title} freeze panes {ws.freeze_panes} (header row and authority column)")
    check_print_setup(ws, repeat_header=True)
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
        check(link.data_type == "f" and E.link_target(link.value) == w["url"],
              f"link of {w['name']} is not =HYPERLINK to {w['url']}: {link.value!r}")
        check(cell("theme").value == w["theme"], f"theme of {w['name']}")
        check(cell("focus").value == w["focus"], f"focus of {w['name']}: {cell('focus').value!r}")
        check(cell("round").value == w["round"], f"round of {w['name']}: {cell('round').value!r}")
        check(cell("region name").value == w["region_name"], f"region name of {w['name']}")
        check(cell("priority actions status").value == w["status"], f"status of {w['name']}")
        counts = [cell(h).value for h in ("priority actions (n)", "improvements (n)", "strengths (n)", "case studies (n)")]
        check(counts == w["counts"], f"section counts of {w['name']}: {counts}")
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


def check_print_setup(ws, repeat_header):
    check(ws.page_setup.orientation == "landscape", f"{ws.title} prints {ws.page_setup.orientation}")
    check(ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage,
          f"{ws.title} is not fitted to the page")
    check(ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0,
          f"{ws.title} fit {ws.page_setup.fitToWidth}x{ws.page_setup.fitToHeight}, want 1 page wide")
    if repeat_header:
        check(ws.print_title_rows in ("1:1", "$1:$1"), f"{ws.title} repeats rows {ws.print_title_rows!r}")


def find_row(ws, first_cell):
    for row in ws.iter_rows():
        if row[0].value == first_cell:
            return row[0].row
    fail(f"{ws.title} has no row starting {first_cell!r}")


def check_trends(ws):
    check_print_setup(ws, repeat_header=False)
    top = find_row(ws, "focus")
    head = [c.value for c in ws[top]]
    years = {y: i for i, y in enumerate(head)}
    neglect = [c.value for c in ws[find_row(ws, "neglect")]]
    check(neglect[years["2017"]] == 1 and neglect[years["total"]] == 1, f"trends neglect row {neglect}")
    check(all(y in years for y in ("2017", "2019", "2022", "2024")), f"trend years {head}")
    section = find_row(ws, "section")
    strengths = [c.value for c in ws[find_row(ws, "strength")]]
    check([c.value for c in ws[section + 1]][0] == "priority action", "sections are not in the letters' order")
    check(strengths[0] == "strength", f"trends section rows: {strengths}")
    sec_head = [c.value for c in ws[section]]
    check(strengths[sec_head.index("total")] == 8, f"strengths by agency total {strengths}")
    improvements = [c.value for c in ws[find_row(ws, "improvement")]]
    check(improvements[sec_head.index("health")] == 1 and improvements[sec_head.index("children's social care")] == 1
          and improvements[sec_head.index("(none named)")] == 4, f"improvements by agency {improvements}")
    pa = [c.value for c in ws[find_row(ws, "priority action")]]
    check(pa[sec_head.index("police")] == 1 and pa[sec_head.index("health")] == 1, f"priority actions by agency {pa}")
    region = find_row(ws, "region")
    reg_head = [c.value for c in ws[region]]
    yh = [c.value for c in ws[find_row(ws, "Yorkshire and the Humber")]]
    check(yh[reg_head.index("inspections")] == 2 and yh[reg_head.index("strength")] == 6, f"trends region row {yh}")


def check_glossary(wb):
    ws = wb["glossary"]
    check(ws.freeze_panes == "A2", "glossary header not frozen")
    check_print_setup(ws, repeat_header=True)
    defined = {}
    for where, column, definition in ws.iter_rows(min_row=2, values_only=True):
        check(definition and len(definition) > 10, f"glossary: {where} / {column} has no definition")
        defined.setdefault(column, []).append(where)
    for headers, where in ((E.INSPECTION_HEADERS, "summary sheet"), (E.FINDINGS_HEADERS, "findings sheet"),
                           (E.CHANGES_HEADERS, "changes.csv")):
        for h in headers:
            check(any(w.startswith(where) for w in defined.get(h, [])), f"glossary does not define {where} / {h}")
    for name in ("trends sheet", "about sheet", "jtai.json", "fingerprints.tsv", "index.html, index_data/"):
        check(any(name in w for ws_ in defined.values() for w in ws_), f"glossary does not cover {name}")


def check_about_rows(ws):
    # No row's text runs into the next: every wrapped value has a row tall enough for its lines.
    width = ws.column_dimensions["B"].width
    for row in ws.iter_rows(max_col=2):
        value = row[1].value
        if not isinstance(value, str):
            continue
        lines = sum(max(1, -(-len(p) // int(width * 1.1))) for p in value.split("\n"))
        if lines > 1:
            height = ws.row_dimensions[row[1].row].height
            check(height is not None and height >= 15 * lines - 0.1,
                  f"about row {row[1].row} ({lines} lines) is {height} points high: it would overprint")
            check(row[1].alignment.wrap_text, f"about row {row[1].row} does not wrap")


def main(path):
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == E.SHEETS, f"sheets {wb.sheetnames}")
    check_inspection_sheet(wb["summary"], E.SUMMARY)
    check_inspection_sheet(wb["inspections"], E.INSPECTIONS)

    ws = wb["findings"]
    check(header(ws) == E.FINDINGS_HEADERS, f"findings header {header(ws)}")
    check(ws.max_row - 1 == E.FINDING_ROWS, f"findings rows {ws.max_row - 1}")
    check(ws.freeze_panes == "B2", "findings freeze panes")
    check_print_setup(ws, repeat_header=True)
    check(ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), "findings autofilter")
    fcol = {h: i + 1 for i, h in enumerate(E.FINDINGS_HEADERS)}
    check(ws.cell(row=2, column=fcol["letter date"]).is_date, "findings letter date is not a date cell")
    check(ws.cell(row=2, column=fcol["inspection start"]).is_date, "findings fieldwork start is not a date cell")
    n = ws.cell(row=2, column=fcol["item number"])
    check(n.value == 1 and n.data_type == "n", "item number is a number")
    links = [ws.cell(row=r, column=fcol["link to the PDF"]) for r in range(2, ws.max_row + 1)]
    check(all(E.link_target(c.value) and E.link_target(c.value).startswith(E.SITE) for c in links),
          "findings rows link their letter with a HYPERLINK formula")
    check(ws.cell(row=2, column=fcol["region name"]).value == "Yorkshire and the Humber", "findings region name")
    text_cells = [ws.cell(row=r, column=fcol["text"]) for r in range(2, ws.max_row + 1)]
    check(all(c.alignment.wrap_text for c in text_cells), "finding text does not wrap")
    check(ws.column_dimensions[get_column_letter(fcol["text"])].width >= 80, "finding text column too narrow")
    check_trends(wb["trends"])
    check_glossary(wb)
    check_print_setup(wb["about"], repeat_header=False)
    check_about_rows(wb["about"])

    # The formula guard: the only formulas are link cells (=HYPERLINK of a web URL, nothing else);
    # the formula-like texts are text, unchanged.
    found = set()
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if c.data_type == "f":
                    target = E.link_target(c.value)
                    check(target is not None and target.startswith(("https://", "http://")),
                          f"{sheet.title}!{c.coordinate} is a formula other than a link: {c.value!r}")
                if isinstance(c.value, str):
                    for t in E.FORMULA_TEXTS:
                        if c.value == t or c.value.startswith(t + "\n"):
                            check(c.data_type == "s", f"{c.coordinate} not a string")
                            found.add(t)
    check(found == set(E.FORMULA_TEXTS), f"formula-like texts found as text: {found}")

    about = wb["about"]
    text = "\n".join(str(c.value) for row in about.iter_rows() for c in row if c.value is not None)
    for needle in (E.SITE, "rules-test-1", "Known extraction issues (6)", "export date", "2026-01-05",
                   "inspections in this export", "cells truncated", "Norfolk", "Isle of Wight",
                   "Nowhere & Elsewhere Council", "the PDF is encrypted", "no_fieldwork_dates: no fieldwork dates found", "not_jtai",
                   "authorities/80418-norfolk.toml:4 pin letter_date: the letter's date line is unreadable"):
        check(needle in text, f"about sheet lacks {needle!r}")
    linked = {E.link_target(c.value) for row in about.iter_rows() for c in row if c.data_type == "f"}
    check(set(E.ISSUE_URLS) <= linked, f"about sheet links {linked}")
    check(wb.properties.created is not None, "no creation time")
    print(f"xlsx: ok (sheets {wb.sheetnames}; dates, links, frozen header and authority column, print setup, "
          f"autofilter, widths, wrap, trends, glossary, about row heights, cell limit, formula guard; "
          f"created {wb.properties.created})")


if __name__ == "__main__":
    main(sys.argv[1])

#!/usr/bin/env python3
"""Splits one `jtai extract` callgrind profile into phases, in instructions.

Instruction counts repeat exactly from run to run, whatever else the machine
is doing, so they are the figures to compare changes by (wall-clock times on a
shared machine are not).

  startup  : everything outside main(): loading and relocating shared objects,
             static constructors, exit
  rules    : RuleSet::load (TOML parsing, RE2 compiling, hashing the rules)
  poppler  : Poppler's content-stream reading and text layout (Page::display
             under poppler-glib; PDFDoc::displayPageSlice when a page falls back
             to poppler-cpp)
  wrapper  : the rest of what our code calls in poppler-glib and poppler-cpp
             (document loading, the page's text, character boxes and font runs;
             on fallback pages text_list's font scan and UTF-16 strings)
  own      : the rest of main(): our line grouping, clean-up, rules, JSON output

jtai parses each PDF in a forked child (extract/isolated.cpp). Run callgrind
with `--dump-before=fork --callgrind-out-file=DIR/cg.%p`: the parent's counts
up to each fork, its counts after it and each child's are then separate files
(without the dump, a child would start with the parent's counts and the two
profiles would overlap). The phases of one run are the sums over its files.

Usage: callgrind_phases.py DIR [LABEL]   prints one tab-separated row for DIR/cg.*
       callgrind_phases.py --header
"""
import glob
import os
import re
import subprocess
import sys

PHASES = ["startup", "rules", "poppler", "wrapper", "own", "total"]


def annotate(path):
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--tree=calling", "--threshold=100", path],
                         capture_output=True, text=True, check=True).stdout
    total = None
    inclusive = {}  # function -> cost of the '*' line
    callees = {}    # function -> [(cost, callee, object)]
    objects = {}    # function -> its shared object
    current = None
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+\*\s+(.*?)\s+\[(.*)\]$", line)
        if m:
            current = m.group(2)
            objects[current] = m.group(3)
            inclusive[current] = inclusive.get(current, 0) + int(m.group(1).replace(",", ""))
            callees.setdefault(current, [])
            continue
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+>\s+(.*?)\s+\(([\d,]+)x\)\s+\[(.*)\]$", line)
        if m and current:
            callees[current].append((int(m.group(1).replace(",", "")), m.group(2), m.group(4)))
            continue
        if not line.strip():
            current = None
    return total, inclusive, callees, objects


def phases_of_file(path):
    total, inclusive, callees, objects = annotate(path)
    def find(pattern):
        return sum(cost for name, cost in inclusive.items() if re.search(pattern, name))
    main = find(r"^\?\?\?:main$")
    rules = find(r"jtai::extract::RuleSet::load\(")
    poppler = find(r"PDFDoc::displayPageSlice\(")
    # poppler-glib builds a page's text with the same three steps displayPageSlice takes
    for name, calls in callees.items():
        if "libpoppler-glib" in objects.get(name, ""):
            poppler += sum(cost for cost, callee, obj in calls
                           if "libpoppler.so" in obj and re.search(r"Page::createGfx\(|Page::display\(Gfx|TextOutputDev::endPage\(", callee))
    into_poppler = 0
    for name, calls in callees.items():
        if "jtai::" not in name:
            continue
        # poppler-glib's objects are freed through GLib (g_object_unref, g_free)
        into_poppler += sum(cost for cost, _, obj in calls if re.search(r"libpoppler|libglib-|libgobject-", obj))
    wrapper = max(0, into_poppler - poppler)
    return {"startup": total - main, "rules": rules, "poppler": poppler, "wrapper": wrapper,
            "own": main - rules - poppler - wrapper, "total": total}


def phases(path):
    files = sorted(glob.glob(os.path.join(path, "cg.*"))) if os.path.isdir(path) else [path]
    sums = dict.fromkeys(PHASES, 0)
    for f in files:
        for k, v in phases_of_file(f).items():
            sums[k] += v
    return sums


def main():
    if sys.argv[1:] == ["--header"]:
        print("\t".join(["letter"] + [p + " (M instr)" for p in PHASES]))
        return
    p = phases(sys.argv[1])
    label = sys.argv[2] if len(sys.argv) > 2 else sys.argv[1]
    print("\t".join([label] + ["%.1f" % (p[k] / 1e6) for k in PHASES]))


if __name__ == "__main__":
    main()

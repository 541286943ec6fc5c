#!/usr/bin/env python3
"""Copies a jtai store, multiplying its letters: clone_store.py SRC.sqlite DST.sqlite FACTOR

Every authority, publication, file, extraction and finding (and any table that
hangs off publications or extractions by publication_id / extraction_id) is
repeated FACTOR times under fresh ids, URNs and file ids, so the copy looks
like a store of FACTOR times as many authorities. Layouts are keyed by the
PDF's sha256 and shared by the clones, as identical PDFs would be. Runs and the
HTTP cache are not cloned. Full-text indexes are rebuilt when they can be.
For benchmarks only (bench/bench_scale.sh).
"""
import sqlite3
import sys

SKIP = {"runs", "http_cache", "layouts"}


def main():
    src, dst, factor = sys.argv[1], sys.argv[2], int(sys.argv[3])
    source = sqlite3.connect(src)
    con = sqlite3.connect(dst)
    source.backup(con)
    source.close()
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("PRAGMA journal_mode = WAL")
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    virtual = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")]
    shadow = {t for v in virtual for t in tables if t.startswith(v + "_")}
    def cols(t):
        return [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
    def max_of(t, c):
        return con.execute(f'SELECT COALESCE(MAX("{c}"), 0) FROM "{t}"').fetchone()[0]
    step_pub = max_of("publications", "id")
    step_ext = max_of("extractions", "id")
    step_urn = 1_000_000
    with con:
        for t in tables:
            if t in SKIP or t in shadow:
                continue
            c = cols(t)
            if t not in ("authorities", "publications") and "publication_id" not in c and "extraction_id" not in c:
                continue
            exprs = []
            for name in c:
                q = f'"{name}"'
                if name == "id" and t == "publications":
                    e = f"{q} + k.n * {step_pub}"
                elif name == "id" and t == "extractions":
                    e = f"{q} + k.n * {step_ext}"
                elif name == "id":
                    e = f"{q} + k.n * {max_of(t, 'id')}"
                elif name == "publication_id":
                    e = f"{q} + k.n * {step_pub}"
                elif name == "extraction_id":
                    e = f"{q} + k.n * {step_ext}"
                elif name == "urn":
                    e = f"{q} + k.n * {step_urn}"
                elif (t, name) in (("publications", "file_id"), ("publications", "url"), ("authorities", "provider_path")):
                    e = f"{q} || '-' || k.n"
                elif (t, name) == ("authorities", "name"):
                    e = f"{q} || ' ' || k.n"
                else:
                    e = q
                exprs.append(e)
            con.execute(f'INSERT INTO "{t}" ({", ".join(chr(34) + n + chr(34) for n in c)}) '
                        f"WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < {factor - 1}) "
                        f'SELECT {", ".join(exprs)} FROM "{t}", k')
        for v in virtual:
            try:
                con.execute(f'INSERT INTO "{v}"("{v}") VALUES (\'rebuild\')')
            except sqlite3.Error as e:
                print(f"clone_store: full-text index {v} not rebuilt: {e}", file=sys.stderr)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# tests/oracle/tsvcmp.py KQ.tsv ORACLE.tsv [SORTCOL]
#
# Compares a table of kq (--format=tsv: a header line, then rows keyed by
# their first column) with an oracle's rows (no header; lines starting
# with # skipped): the same keys, and in every column the same value
# (numbers within 1e-6 relative, or 1e-9 absolute near 0).  With SORTCOL
# (a 1-based column), also checks that kq's rows are in that column's
# descending order (within the tolerance above), rows of the same
# printed value by key ascending.  Prints
# the differences and exits 1 if there are any.
import math
import sys


def close(a, b):
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return abs(x - y) <= max(1e-9, 1e-6 * max(abs(x), abs(y)))


def rows(path, header):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if header:
        lines = lines[1:]
    return [l.split("\t") for l in lines if l and not l.startswith("#")]


def main(argv):
    got, want = rows(argv[0], True), rows(argv[1], False)
    bad = []
    g, w = {r[0]: r for r in got}, {r[0]: r for r in want}
    for k in sorted(set(g) | set(w)):
        if k not in g:
            bad.append("missing from kq: %s" % "\t".join(w[k]))
        elif k not in w:
            bad.append("not in the oracle: %s" % "\t".join(g[k]))
        elif len(g[k]) != len(w[k]) or not all(map(close, g[k], w[k])):
            bad.append("differs: kq %s\n     oracle %s" %
                       ("\t".join(g[k]), "\t".join(w[k])))
    if len(argv) > 2:
        c = int(argv[2]) - 1
        for a, b in zip(got, got[1:]):
            x, y = float(a[c]), float(b[c])
            if x < y and not close(x, y) or x == y and a[0] > b[0]:
                bad.append("out of order: %s before %s" % (a[0], b[0]))
    for b in bad[:20]:
        print(b)
    if len(got) == 0 and len(want) == 0:
        print("(both empty)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/env python3
# tests/oracle/dedup.py FILE QUERY [--threshold T]
#
# What --dedup should keep, WITHOUT kq: the documents of FILE (JSON Lines,
# optionally gzip-compressed) matching QUERY (matches.py's notation and
# tokens; "(all)" for every document), clustered as resemble.py defines
# near-duplicates (every pair of matches compared: joined when the
# distinct word 3-shingles of their bodies, as simhash.py's words make
# them, give |A n B| >= T x |A u B|, T default 0.5; a body without words
# never joins; clusters = connected components).  One line per matching document, in FILE order:
#   ID<TAB>DATE<TAB>SOURCE<TAB>FIRST<TAB>OCC
# FIRST: the id of the first member of its cluster in FILE order (its own
# id when it is the first or alone: the document --dedup keeps, but for
# kq search, which keeps the highest-scored); OCC: its matches (matches.py).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matches  # noqa: E402
import resemble  # noqa: E402


def main(argv):
    T = 0.5
    if "--threshold" in argv:
        i = argv.index("--threshold")
        T = float(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    if len(argv) != 2:
        matches.die("usage: dedup.py FILE QUERY [--threshold T]")
    path, q = argv
    docs = []
    for d in matches.read_docs(path):
        doc = {"id": str(d.get("id")), "date": d.get("date") or "",
               "source": d.get("source") or "",
               "sh": resemble.shingles(d.get("body", "") or ""),
               "text": {f: matches.text_of(d, f) for f in matches.FIELDS}}
        doc["tok"] = {f: matches.tokens(doc["text"][f])
                      for f in matches.FIELDS}
        docs.append(doc)
    vocab = {t[0] for d in docs for f in matches.FIELDS for t in d["tok"][f]}
    query = matches.compile_query(matches.parse(q), lambda: vocab, [])
    hit = []
    for d in docs:
        m, spans = query(d)
        if m:
            d["occ"] = len(spans)
            hit.append(d)
    parent = list(range(len(hit)))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for a in range(len(hit)):
        for b in range(a + 1, len(hit)):
            sa, sb = hit[a]["sh"], hit[b]["sh"]
            nInter = len(sa & sb)
            if sa and sb and nInter >= T * (len(sa) + len(sb) - nInter):
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    for k, d in enumerate(hit):
        print("%s\t%s\t%s\t%s\t%d" % (d["id"], d["date"], d["source"],
                                      hit[find(k)]["id"], d["occ"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

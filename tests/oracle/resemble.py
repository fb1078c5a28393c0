#!/usr/bin/env python3
# tests/oracle/resemble.py FILE [--threshold T] [--bits K] [--query-ids F]
#
# Near-duplicate clusters of the documents of FILE (JSON Lines of {"id",
# "body", ...}, optionally gzip-compressed) as kq(1) NEAR-DUPLICATES
# defines them, WITHOUT kq and written apart from its code (common/dups.c
# finds candidates by prefix filtering or by signatures; this counts the
# shingles two documents share through an inverted list of every shingle).
#
# Words and shingles as simhash.py has them (ASCII letters and digits,
# lower-cased; runs of three words; a body of one or two words: its words
# alone); a document's set: its distinct shingles.  Resemblance of two
# documents: |A n B| / |A u B|; a pair is joined when |A n B| >= T x
# |A u B| (T default 0.5) and, with --bits K, when their signatures (simhash.py)
# also differ in at most K bits (kq's signature method).  Documents without
# a word never join.  --query-ids F: only the documents whose ids are lines
# of F (a query's matches).  Clusters: connected components.
#
# Output: per cluster of two or more, in the order of its first member
# (FILE order), a line per member in FILE order:
#   CLUSTER<TAB>ID<TAB>RESEMBLANCE
# RESEMBLANCE: to the cluster's first member, to 6 decimals.
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simhash  # noqa: E402


def shingles(body):
    w = simhash.words(body)
    if len(w) >= 3:
        return {" ".join(w[i:i + 3]) for i in range(len(w) - 2)}
    return set(w)


def main(argv):
    path, T, K, only = None, 0.5, None, None
    i = 0
    while i < len(argv):
        if argv[i] == "--threshold":
            T = float(argv[i + 1])
            i += 2
        elif argv[i] == "--bits":
            K = int(argv[i + 1])
            i += 2
        elif argv[i] == "--query-ids":
            only = set(l.rstrip("\n") for l in open(argv[i + 1]))
            i += 2
        else:
            path = argv[i]
            i += 1
    docs = []
    for d in simhash.read_docs(path):
        if only is not None and str(d.get("id")) not in only:
            continue
        body = d.get("body", "") or ""
        docs.append((str(d.get("id")), shingles(body),
                     simhash.signature(body) if K is not None else 0))
    post = defaultdict(list)
    parent = list(range(len(docs)))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x
    for x, (_, sx, gx) in enumerate(docs):
        common = defaultdict(int)
        for s in sx:
            for y in post[s]:
                common[y] += 1
            post[s].append(x)
        for y, c in common.items():
            union = len(sx) + len(docs[y][1]) - c
            if c < T * union:
                continue
            if K is not None and bin(gx ^ docs[y][2]).count("1") > K:
                continue
            a, b = find(x), find(y)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups = defaultdict(list)
    for x in range(len(docs)):
        groups[find(x)].append(x)
    k = 0
    for r in sorted(groups):
        if len(groups[r]) < 2:
            continue
        k += 1
        s0 = docs[r][1]
        for x in groups[r]:
            sx = docs[x][1]
            res = len(s0 & sx) / len(s0 | sx)
            print("%d\t%s\t%.6f" % (k, docs[x][0], res))


if __name__ == "__main__":
    main(sys.argv[1:])

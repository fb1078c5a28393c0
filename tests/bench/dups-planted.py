#!/usr/bin/env python3
# tests/bench/dups-planted.py KQ_BIN CORPUS WORKDIR [N] [REPLACE]
#
# Precision and recall of kq dups on planted near-duplicates (issue 19):
# tests/oracle/plant-dups.py copies N documents of CORPUS (default 200) with
# a new headline, a paragraph dropped and REPLACE of the words (default
# 0.05) replaced; kq-index indexes CORPUS plus the copies in WORKDIR/idx;
# then for each threshold:
#   recall     copies in the same cluster as their original / N
#   precision  of the pairs (member, its cluster's first member) that kq
#              dups reports, the share whose bodies are near-identical:
#              difflib's ratio of their word sequences >= 0.8, or a
#              planted copy and its original (all pairs, or a seeded
#              sample of 300)
# and prints a TSV table.  Timing of kq dups is printed too.
import difflib
import json
import os
import random
import subprocess
import sys
import time

kq_bin, corpus, work = sys.argv[1:4]
n = sys.argv[4] if len(sys.argv) > 4 else "200"
frac = sys.argv[5] if len(sys.argv) > 5 else "0.05"
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(work, exist_ok=True)
planted = os.path.join(work, "planted.jsonl")
pairs = os.path.join(work, "pairs.tsv")
idx = os.path.join(work, "idx")
subprocess.run([sys.executable, os.path.join(here, "../oracle/plant-dups.py"),
                corpus, planted, pairs, "--n", n, "--replace", frac,
                "--min-words", "100", "--seed", "19"], check=True)
subprocess.run(["rm", "-rf", idx], check=True)
subprocess.run([os.path.join(kq_bin, "kq-index"), "-q", "-d", idx, planted],
               check=True)
docs = {}
with open(planted) as f:
    for line in f:
        d = json.loads(line)
        docs[str(d["id"])] = d.get("body", "").split()
orig = dict(l.split() for l in open(pairs))
print("threshold\tbits\tclusters\tdocs_in_clusters\trecall\tprecision"
      "\tpairs_judged\tseconds")
for t in ("0.9", "0.8", "0.7", "0.6", "0.5", "0.4", "0.3"):
    t0 = time.time()
    out = subprocess.run([os.path.join(kq_bin, "kq"), "-d", idx, "dups",
                          "--threshold", t, "--format=jsonl"],
                         capture_output=True, text=True).stdout
    secs = time.time() - t0
    rows = [json.loads(l) for l in out.splitlines()]
    summ = rows[-1]
    mem = [r for r in rows if r["type"] == "duplicate"]
    first, cl = {}, {}
    for r in mem:
        first.setdefault(r["cluster"], r["id"])
        cl[r["id"]] = r["cluster"]
    rec = sum(1 for c, o in orig.items()
              if c in cl and o in cl and cl[c] == cl[o]) / len(orig)
    prs = [(r["id"], first[r["cluster"]]) for r in mem
           if r["id"] != first[r["cluster"]]]
    sample = prs if len(prs) <= 300 else random.Random(1).sample(prs, 300)

    def good(a, b):
        if orig.get(a) == b or orig.get(b) == a:
            return True
        return difflib.SequenceMatcher(None, docs[a], docs[b],
                                       autojunk=False).ratio() >= 0.8
    prec = sum(1 for a, b in sample if good(a, b)) / max(len(sample), 1)
    print("%s\t%d\t%d\t%d\t%.3f\t%.3f\t%d\t%.2f" % (
        t, summ["max_distance"], summ["clusters"],
        summ["documents_in_clusters"], rec, prec, len(sample), secs))

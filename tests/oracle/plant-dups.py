#!/usr/bin/env python3
# tests/oracle/plant-dups.py FILE OUT PAIRS [--n N] [--seed S] [--replace F]
#                            [--min-words W]
#
# Plant near-duplicates for kq dups: OUT gets every document of FILE (JSON
# Lines, optionally gzip-compressed) and, after them, an edited copy of N
# of them (default 20), chosen at random (seed S, default 1) among those
# whose body has at least W words (default 200) and two paragraphs or
# more (Reuters' paragraphs start with a newline and four spaces).  Each
# copy has id ORIGINAL-copy and three edits, as a wire copy has:
#   - a changed headline ("UPDATE: " + the title, its words reversed);
#   - one paragraph dropped (a random one but the first);
#   - a fraction F of the body's words (default 0.02) each replaced by a
#     word of another document.
# PAIRS gets "COPY<TAB>ORIGINAL" per copy.  Written apart from kq's code.
import gzip
import json
import random
import re
import sys


def read_docs(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def main(argv):
    src, out, pairs = argv[:3]
    opt = {"--n": "20", "--seed": "1", "--replace": "0.02",
           "--min-words": "200"}
    rest = argv[3:]
    for i in range(0, len(rest), 2):
        opt[rest[i]] = rest[i + 1]
    docs = read_docs(src)
    rnd = random.Random(int(opt["--seed"]))
    vocab = sorted({w for d in docs for w in re.findall(r"[A-Za-z]+",
                                                      d.get("body", ""))})
    cand = [d for d in docs
            if len(d.get("body", "").split()) >= int(opt["--min-words"])
            and len(d["body"].split("\n    ")) >= 2]
    chosen = rnd.sample(cand, int(opt["--n"]))
    frac = float(opt["--replace"])
    with open(out, "w") as fo, open(pairs, "w") as fp:
        for d in docs:
            fo.write(json.dumps(d) + "\n")
        for d in chosen:
            c = dict(d)
            c["id"] = str(d["id"]) + "-copy"
            c["title"] = "UPDATE: " + " ".join(reversed(d["title"].split()))
            paras = d["body"].split("\n    ")
            del paras[rnd.randrange(1, len(paras))]
            toks = re.split(r"(\s+)", "\n    ".join(paras))
            idx = [i for i, t in enumerate(toks) if t and not t.isspace()]
            for i in rnd.sample(idx, int(round(frac * len(idx)))):
                toks[i] = rnd.choice(vocab)
            c["body"] = "".join(toks)
            fo.write(json.dumps(c) + "\n")
            fp.write("%s\t%s\n" % (c["id"], d["id"]))


if __name__ == "__main__":
    main(sys.argv[1:])

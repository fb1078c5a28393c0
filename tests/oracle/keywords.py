#!/usr/bin/env python3
# tests/oracle/keywords.py FILE --focus REGEX [--focus-date PREFIX]
#       [--ref REGEX [--ref-date PREFIX]] [--by word|stem] [--min-freq N]
#
# The keywords of a focus corpus against a reference corpus, both made of
# documents of FILE (JSON Lines, as collocates.py reads it, whose
# tokenizer and stemmer it uses), WITHOUT kq, for tests/cli/keywords.bats
# to compare with `kq keywords --top 0 --format=tsv`.
#
# The focus: the documents with a token matching REGEX (the whole token)
# and, with --focus-date, a date starting with PREFIX.  The reference: the
# same with --ref/--ref-date, else every other document; a document of
# the focus is never in the reference.
#
# Output: one line per word with a >= --min-freq (default 5), by word:
# WORD A B C D G2 LOGRATIO PCTDIFF (tab-separated), then "#docs<TAB>
# FOCUS<TAB>REFERENCE<TAB>OVERLAP".  a, b: the word's tokens in the focus
# and in the reference; c, d: their tokens.  From the papers:
#   G2 (Rayson & Garside 2000): E1 = c (a+b) / (c+d), E2 = d (a+b) / (c+d),
#      G2 = 2 (a ln(a/E1) + b ln(b/E2)), a term with a count of 0 being 0;
#      negative when a/c < b/d (under-represented)
#   Log Ratio (Hardie 2014) = log2((a/c) / (b/d)), b = 0 taken as 0.5
#   %DIFF (Gabrielatos & Marchi 2012) = 100 (a/c - b/d) / (b/d), b = 0
#      taken as 0.5
import math
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import collocates  # noqa: E402  (its tokenizer and stemmer)


def selects(doc, toks, regex, date):
    if regex is None:
        return False
    if date and not (doc.get("date") or "").startswith(date):
        return False
    return any(regex.fullmatch(t) for t in toks)


def main(argv):
    args = list(argv)
    path = args.pop(0)
    opt = {"--focus": None, "--focus-date": None, "--ref": None,
           "--ref-date": None, "--by": "word", "--min-freq": "5"}
    while args:
        a = args.pop(0)
        opt[a] = args.pop(0)
    focus_re = re.compile(opt["--focus"])
    ref_re = re.compile(opt["--ref"]) if opt["--ref"] else None
    key = collocates.stemmer() if opt["--by"] == "stem" else (lambda w: w)
    fa, fb, c, d, nf, nr, nboth = {}, {}, 0, 0, 0, 0, 0
    for doc in collocates.read_docs(path):
        parts = collocates.fields(doc)
        toks = [t for t in parts[0] + parts[1] if t]  # (no long words)
        in_focus = selects(doc, toks, focus_re, opt["--focus-date"])
        in_ref = selects(doc, toks, ref_re, opt["--ref-date"]) \
            if ref_re else not in_focus
        if in_focus:
            nf += 1
            nboth += in_ref and ref_re is not None
            c += len(toks)
            for t in toks:
                fa[key(t)] = fa.get(key(t), 0) + 1
        elif in_ref:
            nr += 1
            d += len(toks)
            for t in toks:
                fb[key(t)] = fb.get(key(t), 0) + 1
    for w in sorted(fa):
        a, b = fa[w], fb.get(w, 0)
        if a < int(opt["--min-freq"]):
            continue
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        g = 2 * (a * math.log(a / e1) + (b * math.log(b / e2) if b else 0))
        if a / c < b / d:
            g = -g
        bb = b if b else 0.5
        lr = math.log2((a / c) / (bb / d))
        pd = 100 * (a / c - bb / d) / (bb / d)
        print("\t".join([w, str(a), str(b), str(c), str(d), repr(g),
                         repr(lr), repr(pd)]))
    print("#docs\t%d\t%d\t%d" % (nf, nr, nboth))


if __name__ == "__main__":
    main(sys.argv[1:])

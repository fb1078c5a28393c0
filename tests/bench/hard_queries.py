#!/usr/bin/env python3
"""hard_queries.py -- the hard query set of `make bench`: queries made of
the corpus's most frequent words, which the shared bench's generator
(../shared/bench/queries/gen_queries.py) leaves out (no stop words, no word
in more than 15% of documents) and real users do not.

usage: hard_queries.py [--seed N] [--per-type N] [--sample N] [--top N]
                       DOCS.jsonl[.gz] OUT.tsv

Writes "qid<TAB>type<TAB>query" (header first), --per-type (default 100)
queries of each type, in the bench's query syntax (kq's = Xapian's):

  hand2     a AND b           two frequent words of one document
  hand3     a AND b AND c     three frequent words of one document
  hor3      a OR b OR c       three frequent words of one document
  hphrase2  "a b"             two adjacent words of a document, one or both
                              frequent ("of the", "the company")
  hphrase3  "a b c"           three adjacent words, at least two frequent
  hmix      +a b c            a required word that is not frequent and two
                              optional frequent ones, all of one document
                              (run with --op or: b and c only rank)

"Frequent": the --top (default 200) words in most documents of a reservoir
sample of --sample (default 2000) documents (ties by word).  Words are
lower-cased ASCII letters, 1 to 20 of them, not touching punctuation such
as apostrophes or hyphens, so that every engine tokenizes them alike;
phrases do not span punctuation.  Queries are unique.  The same corpus and
seed give the same file, whatever PYTHONHASHSEED is.
"""
import gzip
import json
import random
import re
import sys

STRIP = ".,;:!?()[]{}<>\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb*_"
WORD = re.compile(r"^[a-z]{1,20}$")
WINDOW = 20000  # characters of a long document read (books: one window)
TYPES = ("hand2", "hand3", "hor3", "hphrase2", "hphrase3", "hmix")


def sample(path, n, rng):
    """A reservoir sample of n documents' text (title and body)."""
    keep, seen = [], 0
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            if seen < n:
                keep.append(line)
            else:
                j = rng.randrange(seen + 1)
                if j < n:
                    keep[j] = line
            seen += 1
    texts = []
    for line in keep:
        d = json.loads(line)
        t = (d.get("title") or "") + "\n" + (d.get("body") or "")
        if len(t) > WINDOW:
            a = rng.randrange(len(t) - WINDOW)
            t = t[a:a + WINDOW]
        texts.append(t)
    return texts


def runs(text):
    """The runs of clean words: adjacent words with nothing but white space
    between them (a word touching punctuation ends a run)."""
    out, cur = [], []
    for raw in text.split():
        core = raw.strip(STRIP)
        low = core.lower()
        clean = WORD.match(low) is not None
        if clean and core == raw:
            cur.append(low)
            continue
        # punctuation at either end (or inside): the word may still be one,
        # but no phrase goes through it
        if cur:
            out.append(cur)
        cur = []
        if clean and raw.startswith(core):  # "word," ends a run
            out.append([low])
    if cur:
        out.append(cur)
    return out


def main(argv):
    opts = {"--seed": 1, "--per-type": 100, "--sample": 2000, "--top": 200}
    args = []
    i = 0
    while i < len(argv):
        if argv[i] in opts and i + 1 < len(argv):
            opts[argv[i]] = int(argv[i + 1])
            i += 2
        elif argv[i] in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            args.append(argv[i])
            i += 1
    if len(args) != 2:
        sys.stderr.write("usage: hard_queries.py [options] DOCS.jsonl.gz OUT.tsv\n")
        return 2
    rng = random.Random(opts["--seed"])
    docs = [runs(t) for t in sample(args[0], opts["--sample"], rng)]
    df = {}
    for d in docs:
        for w in {w for r in d for w in r}:
            df[w] = df.get(w, 0) + 1
    ranked = sorted(df, key=lambda w: (-df[w], w))
    top = set(ranked[:opts["--top"]])
    limit = 0.15 * len(docs)  # "not frequent": in at most 15% of documents
    per = opts["--per-type"]
    got = {t: [] for t in TYPES}
    seen = set()

    def add(t, q):
        if q not in seen and len(got[t]) < per:
            seen.add(q)
            got[t].append(q)

    order = list(range(len(docs)))
    for _round in range(50):  # draws until every type is full (or give up)
        rng.shuffle(order)
        for k in order:
            d = docs[k]
            words = sorted({w for r in d for w in r})
            freq = [w for w in words if w in top]
            rare = [w for w in words if w not in top and df[w] <= limit
                    and len(w) >= 3]
            if len(freq) >= 3:
                add("hand2", " AND ".join(rng.sample(freq, 2)))
                add("hand3", " AND ".join(rng.sample(freq, 3)))
                add("hor3", " OR ".join(rng.sample(freq, 3)))
                if rare:
                    b, c = rng.sample(freq, 2)
                    add("hmix", "+%s %s %s" % (rng.choice(rare), b, c))
            pairs = [(r[j], r[j + 1]) for r in d for j in range(len(r) - 1)
                     if r[j] in top or r[j + 1] in top]
            if pairs:
                add("hphrase2", '"%s %s"' % rng.choice(pairs))
            triples = [tuple(r[j:j + 3]) for r in d for j in range(len(r) - 2)
                       if sum(w in top for w in r[j:j + 3]) >= 2]
            if triples:
                add("hphrase3", '"%s %s %s"' % rng.choice(triples))
        if all(len(v) == per for v in got.values()):
            break
    with open(args[1], "w", encoding="utf-8") as f:
        f.write("qid\ttype\tquery\n")
        for t in TYPES:
            for j, q in enumerate(got[t]):
                f.write("%s-%03d\t%s\t%s\n" % (t, j + 1, t, q))
    short = [t for t in TYPES if len(got[t]) < per]
    if short:
        sys.stderr.write("hard_queries.py: fewer than %d queries of %s\n"
                         % (per, ", ".join(short)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
# tests/oracle/matches.py [--by year|month|day | --kwic | --words] FILE QUERY
#
# The matches of QUERY in each document of FILE (JSON Lines of {"id",
# "title", "date", "source", "body"}, optionally gzip-compressed), counted
# by kq's counting rules (kq(1) MATCHES: a phrase's non-overlapping
# occurrences, NEAR/ADJ's non-overlapping windows, the union of the
# matching parts' matches for AND/OR, nothing for NOT and dates), WITHOUT
# kq and written apart from its code, so tests can compare:
#   --by UNIT (default month)  PERIOD<TAB>DOCS<TAB>OCCURRENCES per period
#       with DOCS > 0, sorted (PERIOD: the date's first 4, 7 or 10
#       characters; "undated" for documents without a date or with one
#       too short for UNIT, e.g. YYYY-MM by day, as kq hist does): the
#       columns docs and occurrences of `kq hist --by UNIT --format=tsv`;
#   --kwic  ID<TAB>FIELD<TAB>START<TAB>END<TAB>MATCH a match a line, in
#       document order, then title before body, then by position: START
#       and END are the byte offsets (END exclusive) of the span in the
#       field's text as UTF-8, MATCH that text with runs of white space and
#       control characters collapsed to one space, escaped as kq's TSV
#       escapes (\\ \t \n \r, other controls \xHH): the columns id, field,
#       start, end and match of `kq kwic --all --format=tsv`;
#   --words  what each (glob ...) and (fuzzy ...) slot expanded to:
#       SLOT<TAB>WORD a line.
#
# Python 3 standard library only.  Tokens as tests/oracle/lib.sh: a token
# is a maximal run of Unicode letters, digits and combining marks; its
# folded form is NFD, combining marks removed, lower-cased (close to kq's
# folding, which may differ on letters such as German sharp s: the Reuters
# data is ASCII, but for one u with diaeresis in the whole collection),
# numbered from 0 in the title and in the body.  The oracle
# does NOT stem: a word slot lists the forms it matches (see the notation
# below), chosen on the data as lib.sh explains; tests/oracle/slotcheck.py
# checks that a slot's words are whole Snowball stem classes of FILE.
#
# The notation (the oracle's own, not kq's; s-expressions):
#   QUERY := SLOT                  a word: each token matching SLOT, in the
#                                  title and body (a match of one token)
#          | (phrase SLOT...)      k tokens at consecutive positions, slot i
#                                  matching token i; non-overlapping, left
#                                  to right (the next one is looked for from
#                                  the token after a match)
#          | (near N SLOT...)      one distinct token per slot, last
#                                  position - first <= N + k - 2; windows
#                                  non-overlapping: the one that ends first
#                                  (of those: starts last) is a match, the
#                                  next is looked for among windows starting
#                                  after its end.  The span is first..last.
#          | (adj N SLOT...)       the same, positions increasing in order
#          | (and QUERY...)        every part matches; the union of their
#                                  matches
#          | (or QUERY...)         some part matches; the union of the
#                                  matches of the parts that match
#          | (maybe QUERY OPT...)  QUERY matches; its matches and those of
#                                  the OPT parts that match (+a b c --or)
#          | (not QUERY)           QUERY does not match; no matches
#          | (title QUERY)         QUERY's slots looked for in the title
#          | (body QUERY)          ... in the body only
#          | (date FROM TO)        a condition (no matches): the document's
#                                  date (its first 10 characters) lies in
#                                  FROM..TO (YYYY-MM-DD, inclusive); a date
#                                  YYYY or YYYY-MM when its whole period
#                                  does; never without a date
#          | (all)                 every document (no matches)
#   SLOT  := REGEX                 a Python regular expression matched
#                                  against the whole folded token; no white
#                                  space or parentheses in it (alternatives
#                                  as a|b|c): 'prices?', 'negoti[a-z]*'
#          | (glob PATTERN)        the words of FILE's vocabulary (folded
#                                  title and body tokens) that fit PATTERN
#                                  (* any run, ? one character)
#          | (fuzzy WORD K)        the vocabulary words within K edits of
#                                  WORD (Damerau-Levenshtein, as the optimal
#                                  string alignment: insert, delete,
#                                  substitute, swap two adjacent characters)
#          | (set SLOT...)         a token matching any of them
# Matches are spans (field, first token, last token); identical spans of
# different parts count once.  Glob and fuzzy slots match their words
# only, not the other forms of their stems: check with slotcheck.py that
# there are none (or list them with (set ...)).
import calendar
import gzip
import json
import re
import sys
import unicodedata

FIELDS = ("title", "body")


def die(msg, code=2):
    sys.stderr.write("matches.py: %s\n" % msg)
    sys.exit(code)


# ------------------------------------------------------------- tokens

_ascii_tok = re.compile(r"[A-Za-z0-9]+")


def _is_tokch(c):
    return unicodedata.category(c)[0] in "LNM"


def fold(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c)[0] != "M")
    return unicodedata.normalize("NFC", s.lower())


def tokens(text):
    """[(folded, byte start, byte end)] of text's tokens."""
    if text.isascii():
        return [(m.group().lower(), m.start(), m.end())
                for m in _ascii_tok.finditer(text)]
    out = []
    i, n = 0, len(text)
    b = 0          # byte offset of text[i]
    while i < n:
        c = text[i]
        if not _is_tokch(c):
            b += len(c.encode("utf-8", "surrogatepass"))
            i += 1
            continue
        j, bj = i, b
        while j < n and _is_tokch(text[j]):
            bj += len(text[j].encode("utf-8", "surrogatepass"))
            j += 1
        out.append((fold(text[i:j]), b, bj))
        i, b = j, bj
    return out


def read_docs(path):
    f = gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") \
        else open(path, encoding="utf-8")
    with f:
        for ln, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except ValueError as e:
                die("%s:%d: %s" % (path, ln, e))
            yield d


def text_of(d, field):
    v = d.get(field)
    return "" if v is None else str(v)


# ------------------------------------------------------------- the notation

def parse(q):
    toks = re.findall(r"\(|\)|[^\s()]+", q)
    pos = 0

    def node():
        nonlocal pos
        if pos >= len(toks):
            die("query ends early: %s" % q)
        t = toks[pos]
        pos += 1
        if t == ")":
            die("unexpected ) in: %s" % q)
        if t != "(":
            return t
        items = []
        while True:
            if pos >= len(toks):
                die("missing ) in: %s" % q)
            if toks[pos] == ")":
                pos += 1
                return items
            items.append(node())

    tree = node()
    if pos != len(toks):
        die("junk after the query: %s" % q)
    return tree


def glob_re(pat):
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                   for c in pat)


def osa(a, b, k):
    """Optimal string alignment distance of a and b, or k + 1 if over k."""
    if abs(len(a) - len(b)) > k:
        return k + 1
    prev2 = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if (i > 1 and j > 1 and a[i - 1] == b[j - 2]
                    and a[i - 2] == b[j - 1]):
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
        if min(cur) > k:
            return k + 1
        prev2, prev = prev, cur
    return prev[len(b)]


class Slot:
    """A word slot: which folded tokens it matches."""

    def __init__(self, tree, vocab, expansions):
        self.regexes = []
        self.words = set()
        self._add(tree, vocab, expansions)
        self.cache = {}

    def _add(self, t, vocab, expansions):
        if isinstance(t, str):
            try:
                self.regexes.append(re.compile(t))
            except re.error as e:
                die("bad regex %r: %s" % (t, e))
            return
        if not t:
            die("empty slot")
        op = t[0]
        if op == "set":
            for s in t[1:]:
                self._add(s, vocab, expansions)
        elif op == "glob" and len(t) == 2 and isinstance(t[1], str):
            r = re.compile(glob_re(fold(t[1])))
            w = sorted(v for v in vocab() if r.fullmatch(v))
            expansions.append(("(glob %s)" % t[1], w))
            self.words.update(w)
        elif op == "fuzzy" and len(t) == 3 and t[2].isdigit():
            word, k = fold(t[1]), int(t[2])
            w = sorted(v for v in vocab() if osa(word, v, k) <= k)
            expansions.append(("(fuzzy %s %d)" % (t[1], k), w))
            self.words.update(w)
        else:
            die("bad slot: %r" % (t,))

    def match(self, tok):
        r = self.cache.get(tok)
        if r is None:
            r = tok in self.words or any(x.fullmatch(tok) for x in self.regexes)
            self.cache[tok] = r
        return r


SLOTS_OPS = ("glob", "fuzzy", "set")


def compile_query(tree, vocab, expansions, fields=FIELDS):
    """A function doc -> (matched, set of spans (field, first, last))."""
    if isinstance(tree, str) or (tree and tree[0] in SLOTS_OPS):
        s = Slot(tree, vocab, expansions)
        return lambda doc: leaf(doc, fields, [s], "word", 0)
    if not tree or not isinstance(tree[0], str):
        die("bad query: %r" % (tree,))
    op, args = tree[0], tree[1:]
    if op == "phrase":
        slots = [Slot(a, vocab, expansions) for a in args]
        if not slots:
            die("empty phrase")
        return lambda doc: leaf(doc, fields, slots, "phrase", 0)
    if op in ("near", "adj"):
        if len(args) < 3 or not isinstance(args[0], str) \
                or not args[0].isdigit():
            die("(%s N SLOT SLOT...)" % op)
        n = int(args[0])
        slots = [Slot(a, vocab, expansions) for a in args[1:]]
        return lambda doc: leaf(doc, fields, slots, op, n)
    if op in ("title", "body"):
        if len(args) != 1:
            die("(%s QUERY)" % op)
        return compile_query(args[0], vocab, expansions, (op,))
    if op in ("and", "or"):
        parts = [compile_query(a, vocab, expansions, fields) for a in args]
        if not parts:
            die("(%s QUERY...)" % op)
        return lambda doc: boolean(doc, op, parts)
    if op == "maybe":
        parts = [compile_query(a, vocab, expansions, fields) for a in args]
        if len(parts) < 2:
            die("(maybe QUERY OPT...)")
        return lambda doc: maybe(doc, parts[0], parts[1:])
    if op == "not":
        if len(args) != 1:
            die("(not QUERY)")
        part = compile_query(args[0], vocab, expansions, fields)
        return lambda doc: (not part(doc)[0], set())
    if op == "date":
        if len(args) != 2:
            die("(date FROM TO)")
        lo, hi = args
        return lambda doc: (in_range(doc["date"], lo, hi), set())
    if op == "all":
        return lambda doc: (True, set())
    die("unknown operator %r" % op)


def in_range(date, lo, hi):
    """Whether the period of date (YYYY, YYYY-MM or YYYY-MM-DD) lies in
    lo..hi (YYYY-MM-DD strings)."""
    if not date:
        return False
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date):
        first = last = date
    elif re.fullmatch(r"[0-9]{4}-[0-9]{2}", date):
        y, m = int(date[:4]), int(date[5:7])
        if not 1 <= m <= 12:
            return False
        first = date + "-01"
        last = "%s-%02d" % (date, calendar.monthrange(y, m)[1])
    elif re.fullmatch(r"[0-9]{4}", date):
        first, last = date + "-01-01", date + "-12-31"
    else:
        return False
    return lo <= first and last <= hi


def boolean(doc, op, parts):
    spans = set()
    ok = op == "and"
    for p in parts:
        m, s = p(doc)
        if op == "and":
            if not m:
                return False, set()
            spans |= s
        elif m:
            ok = True
            spans |= s
    return ok, spans


def maybe(doc, req, opts):
    m, spans = req(doc)
    if not m:
        return False, set()
    spans = set(spans)
    for p in opts:
        mo, so = p(doc)
        if mo:
            spans |= so
    return True, spans


# ------------------------------------------------------------- leaves

def leaf(doc, fields, slots, kind, n):
    spans = set()
    for f in fields:
        toks = doc["tok"][f]
        hits = [[s.match(t[0]) for t in toks] for s in slots]
        if kind == "word":
            found = [(i, i) for i, h in enumerate(hits[0]) if h]
        elif kind == "phrase":
            found = phrase(hits, len(toks))
        else:
            found = proximity(hits, len(toks), n, kind == "adj")
        spans.update((f, a, b) for a, b in found)
    return bool(spans), spans


def phrase(hits, ntok):
    k = len(hits)
    out = []
    i = 0
    while i + k <= ntok:
        if all(hits[j][i + j] for j in range(k)):
            out.append((i, i + k - 1))
            i += k
        else:
            i += 1
    return out


def assign(hits, lo, hi, ordered):
    """Whether each slot can have its own token in positions lo..hi (in
    increasing positions in the slots' order when ordered)."""
    k = len(hits)
    if ordered:
        p = lo
        for j in range(k):
            while p <= hi and not hits[j][p]:
                p += 1
            if p > hi:
                return False
            p += 1
        return True
    # bipartite matching, slots to positions (k and the window are small)
    owner = {}

    def try_slot(j, seen):
        for p in range(lo, hi + 1):
            if hits[j][p] and p not in seen:
                seen.add(p)
                if p not in owner or try_slot(owner[p], seen):
                    owner[p] = j
                    return True
        return False

    return all(try_slot(j, set()) for j in range(k))


def proximity(hits, ntok, n, ordered):
    k = len(hits)
    width = n + k - 2          # the most last - first may be
    any_hit = [any(h[p] for h in hits) for p in range(ntok)]
    out = []
    start = 0                  # windows must start here or later
    for e in range(ntok):
        if e < start or not any_hit[e]:
            continue
        lo = max(start, e - width)
        if not assign(hits, lo, e, ordered):
            continue
        # the first window to end (at e); the shortest of those: the
        # latest start s for which lo..e... s..e still holds an assignment
        s = e
        while not assign(hits, s, e, ordered):
            s -= 1
        out.append((s, e))
        start = e + 1
    return out


# ------------------------------------------------------------- output

def tsv_escape(s):
    out = []
    for c in s:
        if c == "\\":
            out.append("\\\\")
        elif c == "\t":
            out.append("\\t")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append("\\x%02x" % ord(c))
        else:
            out.append(c)
    return "".join(out)


_space = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def main(argv):
    mode, by = "hist", "month"
    args = list(argv)
    while args and args[0].startswith("--"):
        a = args.pop(0)
        if a == "--by" and args:
            by = args.pop(0)
        elif a.startswith("--by="):
            by = a[5:]
        elif a in ("--kwic", "--words"):
            mode = a[2:]
        else:
            die("unknown option %s" % a)
    if len(args) != 2 or by not in ("year", "month", "day"):
        die("usage: matches.py [--by year|month|day | --kwic | --words] "
            "FILE QUERY")
    path, q = args
    tree = parse(q)

    docs = []
    for d in read_docs(path):
        date = d.get("date")
        docs.append({
            "id": str(d.get("id")),
            "date": None if not date else str(date)[:10],
            "text": {f: text_of(d, f) for f in FIELDS},
        })
        docs[-1]["tok"] = {f: tokens(docs[-1]["text"][f]) for f in FIELDS}

    vocab_cache = []

    def vocab():
        if not vocab_cache:
            v = set()
            for d in docs:
                for f in FIELDS:
                    v.update(t[0] for t in d["tok"][f])
            vocab_cache.append(v)
        return vocab_cache[0]

    expansions = []
    query = compile_query(tree, vocab, expansions)
    out = sys.stdout
    if mode == "words":
        for name, words in expansions:
            for w in words:
                out.write("%s\t%s\n" % (name, w))
        return 0
    cut = {"year": 4, "month": 7, "day": 10}[by]
    per = {}
    for d in docs:
        m, spans = query(d)
        if not m:
            continue
        if mode == "kwic":
            order = sorted(spans, key=lambda s: (FIELDS.index(s[0]), s[1], s[2]))
            for f, a, b in order:
                toks = d["tok"][f]
                raw = d["text"][f].encode("utf-8", "surrogatepass")
                st, en = toks[a][1], toks[b][2]
                txt = _space.sub(" ", raw[st:en].decode("utf-8", "replace"))
                out.write("%s\t%s\t%d\t%d\t%s\n"
                          % (d["id"], f, st, en, tsv_escape(txt)))
        else:
            if d["date"] and len(d["date"]) >= cut:
                key = d["date"][:cut]
            else:
                key = "undated"
            c = per.setdefault(key, [0, 0])
            c[0] += 1
            c[1] += len(spans)
    if mode == "hist":
        for key in sorted(per):
            out.write("%s\t%d\t%d\n" % (key, per[key][0], per[key][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

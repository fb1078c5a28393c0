#!/usr/bin/env python3
# tests/oracle/collocates.py FILE NODE... [--without REGEX] [--window L,R]
#                            [--by word|stem] [--min-freq N]
#
# The collocates of a node in FILE (JSON Lines of {"id", "title", "body",
# ...}, optionally gzip-compressed), WITHOUT kq and written apart from its
# code, for tests/cli/collocates.bats to compare with `kq collocates
# --top 0 --format=tsv`.
#
# Tokens: maximal runs of ASCII letters and digits, lower-cased (the test
# corpus is ASCII, where this agrees with kq's tokenizer: the test checks
# that the token counts agree), the title's then the body's; a window
# never reaches from one into the other.  A token longer than 64 bytes
# (kq's KQ_MAX_WORD) takes a position but is not a token otherwise: not
# counted in N, never a collocate (kq(1) LIMITS).  --by stem: each token's Snowball
# english stem (libstemmer, the Snowball project's C library, through
# ctypes).
#
# The node: NODE is one Python regular expression matched against the
# whole token (a word and its forms: 'oil|oils'), or several (a phrase:
# consecutive tokens, occurrences taken left to right without overlap).
# --without REGEX: documents with a token matching REGEX are left out (a
# NOT).  Each node occurrence is a match; its window is the L tokens
# before its first token and the R after its last, in the same field.
#
# Output: one line per collocate with O >= --min-freq (default 3), sorted
# by collocate: COLLOCATE O F(C) F(N) E LOGDICE MI T G2 (tab-separated),
# then a line "#corpus<TAB>N" (N: the tokens of all documents).  With
#   O    co-occurrences: tokens in windows with this key, a token in two
#        windows counted twice
#   f(c) the key's tokens in the whole file, f(n) the node's matches
#   E    f(n) f(c) (L+R) / N
#   logDice = 14 + log2(2 O / (f(n) + f(c)))     (Rychly 2008)
#   MI      = log2(O / E)                        (Church & Hanks 1990)
#   t       = (O - E) / sqrt(O)
#   G2 (Dunning 1993) of the 2x2 table: cell11 = O, row 1 = the window
#        slots f(n)(L+R), column 1 = f(c), total N; expected = row x
#        column / N; G2 = 2 sum O ln(O/E) over the cells with O > 0 and
#        E > 0; negative when O < E.
import ctypes
import ctypes.util
import gzip
import json
import math
import re
import sys

TOKEN = re.compile(r"[a-z0-9]+")
MAX_WORD = 64


def read_docs(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def stemmer():
    lib = ctypes.CDLL(ctypes.util.find_library("stemmer") or "libstemmer.so.0d")
    lib.sb_stemmer_new.restype = ctypes.c_void_p
    lib.sb_stemmer_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    lib.sb_stemmer_stem.restype = ctypes.POINTER(ctypes.c_ubyte)
    lib.sb_stemmer_stem.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                    ctypes.c_int]
    lib.sb_stemmer_length.restype = ctypes.c_int
    lib.sb_stemmer_length.argtypes = [ctypes.c_void_p]
    st = lib.sb_stemmer_new(b"english", b"UTF_8")
    cache = {}

    def stem(w):
        if w not in cache:
            b = w.encode()
            p = lib.sb_stemmer_stem(st, b, len(b))
            cache[w] = bytes(p[:lib.sb_stemmer_length(st)]).decode()
        return cache[w]
    return stem


def fields(doc):
    """The tokens of title and body; None for a word too long to count."""
    return [[t if len(t) <= MAX_WORD else None
             for t in TOKEN.findall((doc.get(k) or "").lower())]
            for k in ("title", "body")]


def node_spans(toks, node):
    """(first, last) of each occurrence of the node in the token list."""
    out, i, k = [], 0, len(node)
    while i + k <= len(toks):
        if all(toks[i + j] and node[j].fullmatch(toks[i + j])
               for j in range(k)):
            out.append((i, i + k - 1))
            i += k
        else:
            i += 1
    return out


def g2(o11, r1, c1, n):
    cells = [(o11, r1 * c1 / n), (r1 - o11, r1 * (n - c1) / n),
             (c1 - o11, (n - r1) * c1 / n),
             (n - r1 - c1 + o11, (n - r1) * (n - c1) / n)]
    g = 2 * sum(o * math.log(o / e) for o, e in cells if o > 0 and e > 0)
    return -g if o11 < r1 * c1 / n else g


def main(argv):
    args, node, without, left, right, by, minf = list(argv), [], None, 5, 5, "word", 3
    path = args.pop(0)
    while args:
        a = args.pop(0)
        if a == "--without":
            without = re.compile(args.pop(0))
        elif a == "--window":
            left, right = (int(x) for x in args.pop(0).split(","))
        elif a == "--by":
            by = args.pop(0)
        elif a == "--min-freq":
            minf = int(args.pop(0))
        else:
            node.append(re.compile(a))
    key = stemmer() if by == "stem" else (lambda w: w)
    freq, obs, n_corpus, n_node = {}, {}, 0, 0
    for doc in read_docs(path):
        parts = fields(doc)
        for toks in parts:
            for t in filter(None, toks):
                n_corpus += 1
                freq[key(t)] = freq.get(key(t), 0) + 1
        if without and any(t and without.fullmatch(t)
                           for p in parts for t in p):
            continue
        for toks in parts:
            for first, last in node_spans(toks, node):
                n_node += 1
                window = toks[max(0, first - left):first] + \
                    toks[last + 1:last + 1 + right]
                for t in filter(None, window):
                    obs[key(t)] = obs.get(key(t), 0) + 1
    span = left + right
    for c in sorted(obs):
        o, fc = obs[c], freq[c]
        if o < minf:
            continue
        e = n_node * fc * span / n_corpus
        print("\t".join([c, str(o), str(fc), str(n_node), repr(e),
                         repr(14 + math.log2(2 * o / (n_node + fc))),
                         repr(math.log2(o / e)), repr((o - e) / math.sqrt(o)),
                         repr(g2(o, n_node * span, fc, n_corpus))]))
    print("#corpus\t%d" % n_corpus)


if __name__ == "__main__":
    main(sys.argv[1:])

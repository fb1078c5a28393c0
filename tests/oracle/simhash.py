#!/usr/bin/env python3
# tests/oracle/simhash.py sigs FILE
# tests/oracle/simhash.py clusters FILE [--bits K]
#
# Near-duplicate signatures and clusters of the documents of FILE (JSON
# Lines of {"id", "body", ...}, optionally gzip-compressed), WITHOUT kq and
# written apart from its code, for tests/cli/dups.bats and tests/unit to
# compare with kq's stored signatures and `kq dups`.
#
# Words: maximal runs of ASCII letters and digits of the body, lower-cased
# (the test corpora are ASCII: a body with a letter, digit or mark of
# another script is refused here); a run longer than 64 bytes (kq's
# KQ_MAX_WORD) is no word.  The title is not used.
# Features: each run of three consecutive words; a body of one or two
# words: each word alone; every occurrence counts.
# Hash of a word: MurmurHash64A (Austin Appleby, SMHasher) of its bytes,
# seed 0x73696d68, as published: m = 0xc6a4a7935bd1e995, r = 47,
# h = seed ^ (len * m); each 8-byte little-endian block k: k *= m,
# k ^= k >> r, k *= m, h ^= k, h *= m; the 1-7 tail bytes, little-endian,
# xor-ed into h, then h *= m; finally h ^= h >> r, h *= m, h ^= h >> r
# (all modulo 2^64).  A word alone: its hash.  Three words with hashes
# a, b, c: x = a ^ rotl(b, 21) ^ rotl(c, 42) (64-bit rotations), then
# twice x ^= x >> 47, x *= m, and last x ^= x >> 47 (kq format 11).
# SimHash (Charikar 2002): per bit b, the number of features whose hash
# has bit b set minus the number that have it clear; the signature's bit
# b is 1 where that is above 0.  Signature 0: none.
#
# sigs:     "ID<TAB>SIGNATURE" (16 hex digits, or "none") per document.
# clusters: documents with a signature, every pair compared (Hamming
#           distance <= K, default 3), clusters = connected components
#           of such pairs (union-find); one line per cluster of two or
#           more, its ids sorted (by their position in FILE), tab-
#           separated; clusters in the order of their first member.
import gzip
import json
import re
import sys
import unicodedata

M = 0xC6A4A7935BD1E995
MASK = (1 << 64) - 1
SEED = 0x73696D68
WORD = re.compile(r"[a-z0-9]+")


def murmur64a(data, seed):
    r = 47
    h = (seed ^ (len(data) * M)) & MASK
    nblk = len(data) // 8
    for i in range(nblk):
        k = int.from_bytes(data[8 * i:8 * i + 8], "little")
        k = (k * M) & MASK
        k ^= k >> r
        k = (k * M) & MASK
        h ^= k
        h = (h * M) & MASK
    tail = data[8 * nblk:]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * M) & MASK
    h ^= h >> r
    h = (h * M) & MASK
    h ^= h >> r
    return h


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def shingle(a, b, c):
    x = a ^ rotl(b, 21) ^ rotl(c, 42)
    for _ in range(2):
        x ^= x >> 47
        x = (x * M) & MASK
    return x ^ (x >> 47)


def words(body):
    # Other characters than ASCII are allowed only where kq, too, sees a
    # separator: controls, spaces, punctuation, symbols (not letters,
    # marks, numbers or format characters, which kq may join into words).
    if any(ord(c) > 127 and unicodedata.category(c)[0] in "LMN" or
           unicodedata.category(c) == "Cf" for c in body):
        raise SystemExit("simhash.py: a body with letters other than ASCII")
    return [w for w in WORD.findall(body.lower()) if len(w) <= 64]


def signature(body):
    w = words(body)
    hw = [murmur64a(x.encode(), SEED) for x in w]
    if len(w) >= 3:
        feats = [shingle(hw[i], hw[i + 1], hw[i + 2])
                 for i in range(len(w) - 2)]
    else:
        feats = hw
    count = [0] * 64
    for h in feats:
        for b in range(64):
            count[b] += 1 if (h >> b) & 1 else -1
    return sum(1 << b for b in range(64) if count[b] > 0)


def read_docs(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main(argv):
    if len(argv) < 2 or argv[0] not in ("sigs", "clusters"):
        raise SystemExit(__doc__ or "usage: simhash.py sigs|clusters FILE")
    bits = 3
    if "--bits" in argv:
        bits = int(argv[argv.index("--bits") + 1])
    docs = [(str(d["id"]), signature(d.get("body", "")))
            for d in read_docs(argv[1])]
    if argv[0] == "sigs":
        for i, s in docs:
            print("%s\t%s" % (i, "%016x" % s if s else "none"))
        return
    live = [(k, s) for k, (i, s) in enumerate(docs) if s]
    parent = list(range(len(docs)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a in range(len(live)):
        for b in range(a + 1, len(live)):
            if bin(live[a][1] ^ live[b][1]).count("1") <= bits:
                ra, rb = find(live[a][0]), find(live[b][0])
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    groups = {}
    for k, _ in live:
        groups.setdefault(find(k), []).append(k)
    for root in sorted(groups):
        if len(groups[root]) > 1:
            print("\t".join(docs[k][0] for k in groups[root]))


if __name__ == "__main__":
    main(sys.argv[1:])

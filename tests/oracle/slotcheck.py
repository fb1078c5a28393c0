#!/usr/bin/env python3
# tests/oracle/slotcheck.py FILE SLOT WORD
#
# Checks a word slot of matches.py against the Snowball stemmer, for the
# test writer and for tests/cli/matches.bats's test "slots" (which skips
# it when libstemmer.so, the reference C library of the Snowball project,
# is missing: it is used through ctypes; Debian's libstemmer0d).  WORD is what the kq query writes: a word (`prices`), a
# prefix (`negotiat*`) or a pattern with * and ? (`qa?dafi`), or
# `~K:WORD` for a fuzzy word (`~2:gadafi`, optimal string alignment as in
# matches.py).  The words of FILE's vocabulary (folded title and body
# tokens, tokenised as matches.py does) that the query word stands for
# are, by kq's matching rules (kq(1) MATCHES), every word whose Snowball english stem is
# the stem of WORD, or (a pattern) one of the stems of the vocabulary
# words that fit it.  SLOT (a matches.py slot, e.g. 'price|prices|priced')
# must match exactly those words: the script prints the class, with the
# stems, then "ok", or the words SLOT misses and those it has too many,
# and exits 1.
import ctypes
import ctypes.util
import os
import re
import sys

sys.dont_write_bytecode = True    # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matches  # noqa: E402  (its tokeniser, folding, slots)


def stemmer():
    name = ctypes.util.find_library("stemmer") or "libstemmer.so.0d"
    try:
        lib = ctypes.CDLL(name)
    except OSError as e:
        sys.exit("slotcheck.py: no libstemmer (%s)" % e)
    lib.sb_stemmer_new.restype = ctypes.c_void_p
    lib.sb_stemmer_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    lib.sb_stemmer_stem.restype = ctypes.POINTER(ctypes.c_ubyte)
    lib.sb_stemmer_stem.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                    ctypes.c_int]
    lib.sb_stemmer_length.restype = ctypes.c_int
    lib.sb_stemmer_length.argtypes = [ctypes.c_void_p]
    st = lib.sb_stemmer_new(b"english", b"UTF_8")

    def stem(w):
        b = w.encode("utf-8")
        p = lib.sb_stemmer_stem(st, b, len(b))
        return bytes(p[:lib.sb_stemmer_length(st)]).decode("utf-8")
    return stem


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: slotcheck.py FILE SLOT WORD")
    path, slot_text, word = argv
    stem = stemmer()
    vocab = set()
    for d in matches.read_docs(path):
        for f in matches.FIELDS:
            vocab.update(t[0] for t in matches.tokens(matches.text_of(d, f)))
    if word.startswith("~"):
        k, w = word[1:].split(":", 1)
        base = {v for v in vocab
                if matches.osa(matches.fold(w), v, int(k)) <= int(k)}
    elif "*" in word or "?" in word:
        r = re.compile(matches.glob_re(matches.fold(word)))
        base = {v for v in vocab if r.fullmatch(v)}
    else:
        base = {matches.fold(word)}
    stems = {stem(v) for v in base}
    want = {v for v in vocab if stem(v) in stems}
    slot = matches.Slot(matches.parse(slot_text), lambda: vocab, [])
    got = {v for v in vocab if slot.match(v)}
    for v in sorted(want):
        print("%s\t%s" % (v, stem(v)))
    if got == want:
        print("ok: %s is the %d words of %d stem(s)" % (slot_text, len(want),
                                                       len(stems)))
        return 0
    for v in sorted(want - got):
        print("missing\t%s\t%s" % (v, stem(v)))
    for v in sorted(got - want):
        print("extra\t%s\t%s" % (v, stem(v)))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

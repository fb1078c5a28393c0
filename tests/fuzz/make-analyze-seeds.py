#!/usr/bin/env python3
"""Write the boundary seeds of fuzz_analyze (and long-word seeds of
fuzz_query) into tests/fuzz/seeds/.  Run once; the files are committed.

A fuzz_analyze input is one mode byte (analyzer: mode % 4 is none, english,
russian, hindi; mode >> 4 picks the first position) and the text.  Each
seed is a word of exactly L bytes, for L at the boundaries of the term
buffers (63-65 around KQ_MAX_WORD, 255-266, 511-513 around the raw limit,
4096), in 1-, 2-, 3- and 4-byte UTF-8, with combining marks and mixed case,
between two short words so that positions around it are checked too.
usage: tests/fuzz/make-analyze-seeds.py [SEEDS_DIR]
"""
import os
import sys

LENGTHS = [63, 64, 65, 255, 256, 263, 264, 265, 266, 511, 512, 513, 4096]
ALPHABETS = {
    "ascii": "a",
    "upper": "Q",
    "mixed": "aB",
    "latin2": "\u00e9",        # é, 2 bytes, folds to 1
    "sharp-s": "\u00df",       # ß, 2 bytes, folds to "ss"
    "cyrillic": "\u0416",      # Ж, 2 bytes
    "devanagari": "\u0915\u093f",  # कि, 3 + 3 bytes, a vowel sign
    "cjk": "\u6771",           # 東, 3 bytes
    "ligature": "\ufb01",      # ﬁ, 3 bytes, folds to "fi"
    "supplementary": "\U00020000",  # 4 bytes
    "combining": "e\u0301",    # e + combining acute
}


def word(unit, length):
    """Whole units of `unit`, padded with 'x' to exactly `length` bytes."""
    b = unit.encode("utf-8")
    w = b * (length // len(b))
    return w + b"x" * (length - len(w))


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "seeds")
    analyze = os.path.join(top, "fuzz_analyze")
    query = os.path.join(top, "fuzz_query")
    os.makedirs(analyze, exist_ok=True)
    for name, unit in ALPHABETS.items():
        for length in LENGTHS:
            w = word(unit, length)
            for mode, lang in ((0, "none"), (1, "english")):
                path = os.path.join(analyze, "%s-%d-%s" % (name, length, lang))
                with open(path, "wb") as f:
                    f.write(bytes([mode]) + b"before " + w + b" after")
    # Marks only after a first letter: folds to one byte whatever the length.
    marks = b"e" + "\u0301".encode("utf-8") * 300
    with open(os.path.join(analyze, "marks-601-none"), "wb") as f:
        f.write(b"\x00" + marks)
    # Queries: a long word alone, in a phrase, as a prefix, in a field.
    for length in (64, 65, 265, 400, 513):
        w = word("a", length)
        for tag, q in (("word", w), ("phrase", b'"x ' + w + b'"'),
                       ("prefix", w + b"*"), ("field", b"title:" + w)):
            with open(os.path.join(query, "long-%s-%d" % (tag, length)),
                      "wb") as f:
                f.write(q)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# tests/bench/langid-accuracy.py DRIVER REUTERS [N ...] -- the measurement of
# tests/bench/langid-accuracy.sh (see there).  Writes, for each passage
# length N, the accuracy per language and the confusions (what a language's
# passages were taken for, "-" being no answer).
import gzip
import json
import os
import random
import re
import struct
import subprocess
import sys
from collections import Counter, defaultdict

sys.dont_write_bytecode = True

LOCALE = "/usr/share/locale"
# Snowball language -> message catalog directories under LOCALE.
LANGS = {
    "arabic": ["ar"], "armenian": ["hy"], "basque": ["eu"],
    "catalan": ["ca"], "danish": ["da"], "dutch": ["nl"],
    "finnish": ["fi"], "french": ["fr"], "german": ["de"], "greek": ["el"],
    "hindi": ["hi"], "hungarian": ["hu"], "indonesian": ["id"],
    "irish": ["ga"], "italian": ["it"], "lithuanian": ["lt"],
    "nepali": ["ne"], "norwegian": ["nb", "nn", "no"],
    "portuguese": ["pt", "pt_BR"], "romanian": ["ro"], "russian": ["ru"],
    "serbian": ["sr", "sr@latin"], "spanish": ["es"], "swedish": ["sv"],
    "tamil": ["ta"], "turkish": ["tr"], "yiddish": ["yi"],
}
# Languages without a Snowball stemmer: the right answer is "-" (or at
# least not a wrong stemmer); reported apart.
OTHERS = {
    "(ukrainian)": ["uk"], "(bulgarian)": ["bg"], "(polish)": ["pl"],
    "(czech)": ["cs"], "(hebrew)": ["he"], "(persian)": ["fa"],
    "(chinese)": ["zh_CN"], "(japanese)": ["ja"], "(korean)": ["ko"],
    "(thai)": ["th"], "(marathi)": ["mr"], "(croatian)": ["hr"],
}
PASSAGES = 200     # per language and length, at most


def mo_strings(path):
    """The translations in a GNU .mo file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 28:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic == 0x950412de else ">"
    if struct.unpack(e + "I", data[:4])[0] != 0x950412de:
        return []
    n, ooff, toff = struct.unpack(e + "III", data[8:20])
    out = []
    for i in range(n):
        ln, off = struct.unpack(e + "II", data[ooff + 8 * i:ooff + 8 * i + 8])
        orig = set(data[off:off + ln].split(b"\0"))
        ln, off = struct.unpack(e + "II", data[toff + 8 * i:toff + 8 * i + 8])
        s = data[off:off + ln]
        if i == 0 and s.startswith(b"Project-Id") or b"Content-Type:" in s:
            continue
        for part in s.split(b"\0"):
            if part in orig:
                continue    # not translated: the original (English) copied
            try:
                out.append(part.decode("utf-8"))
            except UnicodeDecodeError:
                pass
    return out


JUNK = re.compile(r"%[-+ #0-9.]*[a-zA-Z]|\$\{?\w+\}?|\{\w*\}|<[^>]*>|[_&]"
                  r"(?=\w)|https?://\S+|\S*[/\\=@]\S*")


def catalog_words(dirs):
    msgs = set()
    for d in dirs:
        base = os.path.join(LOCALE, d, "LC_MESSAGES")
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base)):
            if name.endswith(".mo"):
                msgs.update(mo_strings(os.path.join(base, name)))
    # Messages of several words only: single-word labels ("Open") are
    # not running text.
    msgs = sorted(m for m in msgs if len(m.split()) >= 4)
    random.Random(17).shuffle(msgs)
    words = []
    for m in msgs:
        words.extend(JUNK.sub(" ", m).split())
    return words


def reuters_words(path):
    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d.get("body"):
                docs.append(d["body"])
            if len(docs) >= 2000:
                break
    random.Random(17).shuffle(docs)
    words = []
    for b in docs:
        words.extend(b.split())
    return words


def main():
    driver, reuters = sys.argv[1], sys.argv[2]
    lengths = [int(x) for x in sys.argv[3:]] or [10, 20, 50]
    streams = {}
    for lang, dirs in list(LANGS.items()) + list(OTHERS.items()):
        streams[lang] = catalog_words(dirs)
    streams["english"] = reuters_words(reuters)
    lines = []
    for n in lengths:
        for lang, words in streams.items():
            for k in range(min(PASSAGES, len(words) // n)):
                text = " ".join(words[k * n:(k + 1) * n])
                text = text.replace("\t", " ").replace("\n", " ")
                lines.append("%d|%s\t%s" % (n, lang, text))
    out = subprocess.run([driver], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout
    got = defaultdict(Counter)
    for line in out.splitlines():
        key, res = line.split("\t")
        n, lang = key.split("|")
        got[(int(n), lang)][res] += 1
    for n in lengths:
        print("== passages of %d words (up to %d per language)" % (n, PASSAGES))
        print("%-13s %6s %8s %8s  %s" % ("language", "n", "correct", "none",
                                        "confused with"))
        tot = ok = 0
        for lang in sorted(streams, key=lambda x: (x.startswith("("), x)):
            c = got.get((n, lang))
            if not c:
                print("%-13s %6s   (no text)" % (lang, 0))
                continue
            m = sum(c.values())
            want = "-" if lang.startswith("(") else lang
            good = c[want]
            if not lang.startswith("("):
                tot += m
                ok += good
            conf = ", ".join("%s %d" % (k, v) for k, v in c.most_common()
                             if k not in (want, "-"))
            print("%-13s %6d %7.1f%% %7.1f%%  %s" % (
                lang, m, 100.0 * good / m, 100.0 * c["-"] / m, conf))
        print("all Snowball languages: %d/%d = %.1f%% correct\n" %
              (ok, tot, 100.0 * ok / max(tot, 1)))


main()

#!/usr/bin/env python3
# tests/oracle/export.py: checks of kq export, WITHOUT kq (Python 3
# standard library only; written from kq(1) and kq-index(1), not from the
# C code).
#
#   export.py compare ORIGINAL EXPORTED IDS [--field NAME]...
#           [--lang-field KEY] [--lang-key KEY] [--default-lang LANG]
#           [--no-lang]
#       ORIGINAL: the JSON Lines a kq index was made from (.gz read too);
#       EXPORTED: JSON Lines written by kq export; IDS: a file of the ids
#       the export should hold, one a line (any order).  Checks that
#       EXPORTED holds exactly those documents, in the order of ORIGINAL
#       (docid order of an index made from that one file), and that each
#       one's title, date, source, body, extra fields (--field NAME, as
#       kq-index stores them: strings as they are, numbers and booleans as
#       their JSON text, arrays joined with ", ", null/absent/"": none)
#       and language (ORIGINAL's --lang-field KEY, a name or code, mapped
#       to the Snowball name; none or unknown: --default-lang; compared
#       with EXPORTED's --lang-key, default "lang"; --no-lang: no
#       language, as from a Xapian database) are ORIGINAL's.  Prints
#       each difference; exit status 1 if there is one.
#
#   export.py sample IDS N SEED
#       The ids kq export --sample N --seed SEED keeps of the matches IDS
#       (in docid order, one a line), by the algorithm kq(1) EXPORT
#       documents (Algorithm R with splitmix64), in docid order.
import gzip
import json
import sys

BUILTIN = ("id", "title", "date", "source", "body")
# The languages of the test corpora: Snowball names and ISO 639-1 codes.
LANGS = {
    "en": "english", "english": "english",
    "fr": "french", "french": "french",
    "de": "german", "german": "german",
    "es": "spanish", "spanish": "spanish",
}


def read_jsonl(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="\n") as f:
        return [json.loads(line) for line in f if line.strip()]


def as_field(v):
    """An extra field's value as kq-index stores it (None: no field)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, list):
        return ", ".join(as_field(x) or "" for x in v)
    return v if v != "" else None


def expected(doc, fields, lang_field, default_lang):
    rec = {"id": str(doc["id"])}
    for k in ("title", "date", "source"):
        if doc.get(k):
            rec[k] = doc[k]
    rec["body"] = doc.get("body") or ""
    for name in fields:
        v = as_field(doc.get(name))
        if v is not None:
            rec["field:" + name] = v
    if default_lang is not None:
        lang = doc.get(lang_field) if lang_field else None
        rec["lang"] = LANGS.get(str(lang).lower(), default_lang)
    return rec


def actual(doc, lang_key, with_lang):
    rec = {}
    for k, v in doc.items():
        if k in BUILTIN:
            rec[k] = v
        elif k == lang_key:
            if with_lang:
                rec["lang"] = v
        else:
            rec["field:" + k] = v
    rec.setdefault("body", "")
    return rec


def compare(args):
    orig, exported, ids_file = args[:3]
    fields, lang_field, lang_key, default_lang = [], None, "lang", "english"
    i = 3
    while i < len(args):
        opt = args[i]
        val = args[i + 1] if i + 1 < len(args) else None
        if opt == "--field":
            fields.append(val)
        elif opt == "--lang-field":
            lang_field = val
        elif opt == "--lang-key":
            lang_key = val
        elif opt == "--default-lang":
            default_lang = val
        elif opt == "--no-lang":
            default_lang = None
            i -= 1
        else:
            sys.exit("export.py: unknown option " + opt)
        i += 2
    with open(ids_file, encoding="utf-8") as f:
        want = {line.rstrip("\n") for line in f if line.strip()}
    order = [str(d["id"]) for d in read_jsonl(orig)]
    exp = {str(d["id"]): expected(d, fields, lang_field, default_lang)
           for d in read_jsonl(orig)}
    got = [actual(d, lang_key, default_lang is not None)
           for d in read_jsonl(exported)]
    bad = 0
    want_order = [x for x in order if x in want]
    got_order = [d.get("id") for d in got]
    if got_order != want_order:
        print("ids: expected %d %s, got %d %s" % (
            len(want_order), want_order[:10], len(got_order), got_order[:10]))
        bad += 1
    for d in got:
        e = exp.get(d.get("id"))
        if e is None:
            print("unknown id %r" % d.get("id"))
            bad += 1
        elif e != d:
            for k in sorted(set(e) | set(d)):
                if e.get(k) != d.get(k):
                    print("%s: %s: expected %r, got %r" % (
                        d["id"], k, e.get(k), d.get(k)))
            bad += 1
    if bad:
        sys.exit(1)
    print("ok: %d documents" % len(got))


MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def sample(args):
    ids_file, n, seed = args[0], int(args[1]), int(args[2])
    with open(ids_file, encoding="utf-8") as f:
        ids = [line.rstrip("\n") for line in f if line.strip()]
    # Positions in the list of matches, so the output is in docid order.
    res = list(range(min(n, len(ids))))
    state = seed
    for k in range(n, len(ids)):
        bound = k + 1
        low = (1 << 64) % bound
        while True:
            state, r = splitmix64(state)
            if r >= low:
                break
        j = r % bound
        if j < n:
            res[j] = k
    for k in sorted(res):
        print(ids[k])


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "compare":
        compare(sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "sample":
        sample(sys.argv[2:])
    else:
        sys.exit(__doc__ or "usage: see the top of tests/oracle/export.py")

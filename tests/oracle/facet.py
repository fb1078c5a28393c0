#!/usr/bin/env python3
# tests/oracle/facet.py [--by year|month|week|day] FILE FIELD QUERY
#
# What `kq facet FIELD` and `kq hist --split FIELD` should count, WITHOUT
# kq: FILE is JSON Lines ({"id", "title", "date", "source", "body", extra
# keys}, optionally gzip-compressed); QUERY is in matches.py's notation
# (its tokens, its counting rules; "(all)" for every document).
#
# FIELD is source, date:year, date:month, date:week, date:day, or an extra
# key of the JSON (kq-index --field NAME).  A document's value: the field's
# string; for dates the period as kq labels it (YYYY, YYYY-MM, YYYY-MM-DD,
# ISO 8601 week YYYY-Www from Python's isocalendar()), computed here from
# the date's leading YYYY[-MM[-DD]] (then nothing, or T or a space and
# anything); "" (the empty value) when the document has no such field, an
# empty one, or a date less precise than the unit.
#
# Output, sorted by value (bytes), one line per value of the file:
#   VALUE<TAB>TOTAL<TAB>DOCS<TAB>OCCURRENCES
# (documents with the value; of them, those QUERY matches; its matches in
# them).  With --by UNIT, one line per period (as matches.py --by: first
# 4, 7 or 10 characters of the date, or the ISO week; "undated") and value
# with documents:
#   PERIOD<TAB>VALUE<TAB>TOTAL<TAB>DOCS<TAB>OCCURRENCES
# Values are written escaped as kq's TSV (matches.tsv_escape).
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matches  # noqa: E402  (its tokens, notation and counting rules)

_date = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?(?:[T ].*)?",
                   re.S)


def period(date, unit):
    """The label of date's period at unit, or "" if it has none."""
    m = _date.fullmatch(date or "")
    if not m:
        return ""
    y, mo, d = m.group(1), m.group(2), m.group(3)
    if mo is not None and not 1 <= int(mo) <= 12:
        return ""
    if d is not None:
        try:
            day = datetime.date(int(y), int(mo), int(d))
        except ValueError:
            return ""
    if unit == "year":
        return y
    if unit == "month":
        return "%s-%s" % (y, mo) if mo else ""
    if d is None:
        return ""
    if unit == "day":
        return day.isoformat()
    iy, iw, _ = day.isocalendar()
    return "%04d-W%02d" % (iy, iw)


def value(doc, field):
    if field.startswith("date:"):
        return period(doc.get("date"), field[5:])
    v = doc.get(field)
    return "" if v is None else str(v)


def main(argv):
    by = None
    if len(argv) >= 2 and argv[0] == "--by":
        by = argv[1]
        argv = argv[2:]
    if len(argv) != 3 or by not in (None, "year", "month", "week", "day"):
        matches.die("usage: facet.py [--by UNIT] FILE FIELD QUERY")
    path, field, q = argv
    if field.startswith("date:") and field[5:] not in (
            "year", "month", "week", "day"):
        matches.die("date:UNIT: year, month, week or day")
    docs = []
    for d in matches.read_docs(path):
        doc = {"date": d.get("date"),
               "value": value(d, field),
               "text": {f: matches.text_of(d, f) for f in matches.FIELDS}}
        doc["tok"] = {f: matches.tokens(doc["text"][f])
                      for f in matches.FIELDS}
        docs.append(doc)

    def vocab():
        return {t[0] for d in docs for f in matches.FIELDS
                for t in d["tok"][f]}

    query = matches.compile_query(matches.parse(q), vocab, [])
    rows = {}
    for d in docs:
        key = d["value"]
        if by is not None:
            p = period(d["date"], by)
            key = (p if p else "undated", key)
        c = rows.setdefault(key, [0, 0, 0])
        c[0] += 1
        m, spans = query(d)
        if m:
            c[1] += 1
            c[2] += len(spans)
    enc = lambda k: k.encode("utf-8", "surrogatepass")  # noqa: E731
    out = sys.stdout
    for key in sorted(rows, key=lambda k: tuple(map(enc, k)) if by
                      else enc(k)):
        c = rows[key]
        keys = key if by else (key,)
        out.write("\t".join(matches.tsv_escape(k) for k in keys)
                  + "\t%d\t%d\t%d\n" % tuple(c))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

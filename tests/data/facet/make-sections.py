#!/usr/bin/env python3
# Writes sections.jsonl (tests/cli/facet.bats): 60 short documents with an
# extra field "section" (missing in some, empty in one value, with a
# non-ASCII value and one holding a control character), sources differing
# only in case and spacing, and dates of every precision (none in some,
# YYYY, YYYY-MM, a time, ISO weeks 53 over a year's end).  Seeded: the
# output is the same every run.
import json
import random

r = random.Random(19)
words = ("oil crude prices market opec ceasefire talks rain wheat gold bank "
         "rates the a of in and said").split()
sections = ["world", "business", "business", "sport", "économie",
            "arts\u0001x", "", None, None]
dates = ["1987-03-02", "1987-03-09", "1987-03-29", "1987-04-01",
         "1987-12-31", "1988-01-01", "1987-06", "1987", None,
         "2020-12-31T10:00:00"]
out = []
for i in range(60):
    d = {"id": "f%02d" % i}
    n = r.randint(5, 25)
    body = " ".join(r.choice(words) for _ in range(n))
    if i % 7 == 0:
        body += " Crude oil. CRUDE OIL crude-oil"
    d["title"] = " ".join(r.choice(words) for _ in range(3)).capitalize()
    d["body"] = body
    dt = dates[i % len(dates)]
    if dt is not None:
        d["date"] = dt
    d["source"] = ["wire-a", "wire-b", "Wire B"][i % 3]
    s = sections[r.randrange(len(sections))]
    if s is not None:
        d["section"] = s
    out.append(json.dumps(d, ensure_ascii=False))
with open("sections.jsonl", "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")

"""kq: full-text search for people who study text, from Python.

The engine is libkq, in process (the C extension kq._kq): no process per
query.  Both of kq's backends open the same way: kq's own index, a Xapian
database made by ``kq-index --backend=xapian``, a stub of shards, or shards
served by ``xapian-tcpsrv`` (``tcp://HOST:PORT``).

    >>> import kq
    >>> with kq.open("rt") as ix:
    ...     print(ix.count("ceasefire AND peacekeepers"))
    ...     for hit in ix.search("opec AND date:1987-03", n=3):
    ...         print(hit.rank, hit.id, round(hit.score, 3), hit.title)

    >>> with kq.Writer("mine", lang="english") as w:
    ...     w.add(id="a1", title="Oil", date="1987-03-02", body="Oil prices rose",
    ...           section="markets")        # extra fields as keywords

Queries are kq's query language (kq(1) QUERY LANGUAGE); counts and
occurrences follow its counting rules (kq(1) MATCHES).  Errors are
exceptions derived from kq.Error, carrying kq's code (.code, .name) and
message; a query that does not parse raises kq.QuerySyntaxError with the
1-based .column.

Threads: an Index or a Writer may be shared by threads; calls on one
object take turns (kq.h lets one thread use an object at a time), and
the engine runs with the GIL released, so separate objects (one per
thread, on the same index if you like) work in parallel.
"""

import datetime as _dt
import os as _os
from dataclasses import dataclass as _dataclass, field as _field

from . import _kq
from ._kq import (Error, FormatError, IndexDamaged, IndexIOError,
                  IndexLocked, Misuse, NotFound, QuerySyntaxError,
                  XapianError, KQ_VERSION)

__version__ = KQ_VERSION
__all__ = ["open", "Index", "Writer", "Hit", "Error", "NotFound",
           "IndexIOError", "IndexDamaged", "FormatError",
           "QuerySyntaxError", "Misuse", "IndexLocked", "XapianError"]


@_dataclass
class Hit:
    """One matching document: its rank (from 1), score, internal docid and
    metadata.  ``fields`` holds the extra fields (kq-index --field);
    ``length`` its tokens, title and body (kq search --fields len);
    ``text`` its stored body when search(fields=[..., "text"]) asks;
    ``snippets`` (search(snippets=N)) a list of dicts: text (about 30
    words, white space collapsed, "…" where it was cut), start and end
    (its bytes in the stored body) and highlights ([start, end) bytes of
    the matches in the stored body), as kq search --format=json gives
    them."""
    rank: int
    score: float
    docid: int
    id: str
    title: str
    date: object = None
    source: object = None
    lang: object = None
    fields: dict = _field(default_factory=dict)
    snippets: object = None
    length: int = 0
    text: object = None

    def get(self, name):
        """A field as kq search --fields names it: id, title, date,
        source, lang, score, rank, docid, len, text, snippet (the first
        snippet's text) or an extra field (None if the hit has none)."""
        if name == "len":
            return self.length
        if name == "snippet":
            return self.snippets[0]["text"] if self.snippets else None
        if name in _HIT_NAMES:
            return getattr(self, name)
        return self.fields.get(name)


class Hits(list):
    """search()'s hits, with ``total`` (documents matching) and ``exact``
    (False when the total is an estimate: never for kq's own index unless
    the engine says so)."""
    total = 0
    exact = True


def _frame(rows):
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError("as_frame=True needs pandas") from e
    return pandas.DataFrame(rows)


class Index:
    """An open index (kq.open()).  A context manager: closed on exit."""

    def __init__(self, path, *more, lang=None):
        paths = [path, *more]
        self._ix = _kq.open([_os.fspath(p) for p in paths], lang=lang)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Close the index (further calls raise kq.Misuse)."""
        self._ix.close()

    def stats(self):
        """The index's figures: documents, tokens (a title token counting
        title_weight times), generation, segments, avg_doclen,
        title_weight, backend ("kq" or "xapian")."""
        return self._ix.stats()

    def _hit(self, rank, docid, score, snippets=None, body=False):
        d = self._ix.doc(docid)
        return Hit(rank=rank, score=score, docid=docid, id=d["id"],
                   title=d["title"], date=d["date"], source=d["source"],
                   lang=d["lang"], fields=d["fields"], snippets=snippets,
                   length=d["length"],
                   text=self._ix.text(docid) if body else None)

    def search(self, query, n=10, offset=0, sort="score", fields=None,
               snippets=0, op_or=False, as_frame=False):
        """The top ``n`` hits of ``query`` after ``offset``, by score (or
        sort="date" / "date-desc"), as a list of Hit with ``.total``; with
        as_frame=True a pandas DataFrame (one row a hit).  fields: the
        columns, as kq search --fields names them (a list or "a,b,c"; see
        Hit.get()): "text" also reads each hit's stored body into Hit.text,
        and the frame has those columns in that order (default: every
        attribute of Hit).  snippets=N: each hit gets up to N snippets of
        its body (Hit.snippets; "snippet" in fields asks for one).
        op_or=True: words without an operator between them are ORed (kq
        --or; then +word is required and -word excluded, the other words
        only ranking: "+opec oil prices")."""
        names = _names(fields)
        if names and "snippet" in names and not snippets:
            snippets = 1
        total, exact, hits3 = self._ix.search(query, n=n, offset=offset,
                                              sort=sort, op_or=op_or,
                                              snippets=snippets)
        body = bool(names) and "text" in names
        hits = Hits(self._hit(offset + i + 1, docid, score, sn, body)
                    for i, (docid, score, sn) in enumerate(hits3))
        hits.total, hits.exact = total, exact
        if as_frame:
            return _frame([h.__dict__ if names is None
                           else {k: h.get(k) for k in names} for h in hits])
        return hits

    def iter(self, query, op_or=False):
        """Every match of ``query``, in docid order (the order documents
        were added), as Hit objects made one at a time; rank is the
        position in that order and ``score`` the document's score.  The
        engine's pass keeps 16 bytes a match, not the documents."""
        for i, (docid, score, _occ) in enumerate(
                self._ix.matches(query, op_or=op_or)):
            yield self._hit(i + 1, docid, score)

    def count(self, query, op_or=False, occurrences=False):
        """The exact number of documents matching ``query`` (as kq count);
        with occurrences=True, (documents, occurrences) by kq's counting
        rules (kq(1) MATCHES)."""
        if not occurrences:
            return self._ix.count(query, op_or=op_or)
        m = self._ix.matches(query, op_or=op_or)
        return len(m), sum(occ for _d, _s, occ in m)

    def find(self, id):
        """The docid of the document with this id, or None."""
        return self._ix.find(id)

    def doc(self, id, body=True):
        """A document by its id (str) or docid (int), as a dict: docid, id,
        title, date, source, lang, fields and (body=True) its stored body.
        kq.NotFound if there is none."""
        docid = id if isinstance(id, int) else self._ix.find(id)
        if docid is None:
            _kq.fail(_kq.KQ_NOTFOUND, "no document %r" % (id,))
        d = self._ix.doc(docid)
        if body:
            d["body"] = self._ix.text(docid)
        return d

    def parse(self, query, op_or=False):
        """The parsed query on one line, as kq search --parse prints it."""
        return self._ix.parse(query, op_or=op_or)

    def explain(self, query, id):
        """How document ``id`` (id or docid) scores for ``query``: match,
        score, length, avg_length, documents, and per term its tf,
        tf_title, df, idf, boost and score.  kq's own index only."""
        docid = id if isinstance(id, int) else self._ix.find(id)
        if docid is None:
            _kq.fail(_kq.KQ_NOTFOUND, "no document %r" % (id,))
        return self._ix.explain(query, docid)


    def hist(self, *queries, by="month", as_frame=False):
        """kq hist's table: for every period of the index's dates (by
        "day", "week" (ISO 8601, YYYY-Www), "month" or "year"; empty ones
        too) and each query, the documents it matches, its occurrences
        (kq(1) MATCHES) and all the documents of the period; documents
        without a date as precise as ``by`` on "undated" rows.  A list of
        dicts (period, query, docs, occurrences, total), or a DataFrame."""
        if by not in _PERIOD:
            _kq.fail(_kq.KQ_MISUSE, 'by must be "day", "week", "month" or '
                     '"year"')
        if not queries:
            _kq.fail(_kq.KQ_MISUSE, "hist needs a query")
        key = _PERIOD[by]
        period = {}
        for docid in self._ix.docids():
            period[docid] = key(self._ix.doc(docid)["date"])
        total = {}
        for p in period.values():
            total[p] = total.get(p, 0) + 1
        dated = sorted(p for p in total if p is not None)
        periods = _periods(by, dated[0], dated[-1]) if dated else []
        rows = []
        counts = []
        for q in queries:
            c = {}
            for docid, _score, occ in self._ix.matches(q):
                p = period.get(docid)
                d, o = c.get(p, (0, 0))
                c[p] = (d + 1, o + occ)
            counts.append(c)
        for p in periods + ([None] if None in total else []):
            for q, c in zip(queries, counts):
                d, o = c.get(p, (0, 0))
                rows.append({"period": p if p is not None else "undated",
                             "query": q, "docs": d, "occurrences": o,
                             "total": total.get(p, 0)})
        return _frame(rows) if as_frame else rows

    def kwic(self, query, width=40, n=None, op_or=False, as_frame=False):
        """Keyword in context, as kq kwic: one row per match of ``query``
        (a word's token, a phrase's occurrence, a NEAR's window: kq(1)
        MATCHES) in the title and stored body of every matching document,
        in document then text order.  A row: docid, id, field ("title" or
        "body"), start and end (the match's bytes in that text), match,
        and left and right: the ``width`` display columns before and after
        it (a wide East Asian character takes 2), white space collapsed to
        one space, then trimmed (kq kwic's tsv with --width twice
        ``width``).  n: at most n rows."""
        rows = []
        texts = {}
        back = 4 * width + 16
        for docid, fld, a, b, _part in self._ix.spans(query, op_or=op_or):
            if n is not None and len(rows) >= n:
                break
            if docid not in texts:
                d = self._ix.doc(docid)
                texts = {docid: (d["id"], {
                    "title": d["title"].encode("utf-8", "surrogateescape"),
                    "body": self._ix.text(docid).encode("utf-8",
                                                        "surrogateescape")})}
            id_, t = texts[docid]
            z = t[fld]
            # kq kwic's byte windows around the match (cmd_kwic.c), on
            # character boundaries
            s, e = max(0, a - back), min(len(z), b + back)
            while 0 < s < a and z[s] & 0xC0 == 0x80:
                s += 1
            while b < e < len(z) and z[e] & 0xC0 == 0x80:
                e -= 1
            rows.append({"docid": docid, "id": id_, "field": fld,
                         "start": a, "end": b,
                         "match": _kq.clean(z[a:b]),
                         "left": _kq.columns(_context(z, s, a, False, True),
                                             width, True).strip(),
                         "right": _kq.columns(_context(z, b, e, True, False),
                                              width, False).strip()})
        return _frame(rows) if as_frame else rows

    def facet(self, field, query=None, top=None, min_count=1, sort="count",
              as_frame=False):
        """kq facet: for each value of ``field`` ("source", "date:year",
        "date:month", "date:week", "date:day" or an extra field) among the
        documents matching ``query`` (every live one without): value
        (None: documents without one), docs, occurrences (kq(1) MATCHES),
        total (the value's documents in the index) and docs_per_1000.
        Values with fewer than ``min_count`` matching documents are left
        out (0: every value of the index); ``top``: the N with most
        matching documents; sort "count" (most first, ties by value) or
        "value" (ascending, dates chronologically; None last)."""
        if field.startswith("date:") and field[5:] in _PERIOD:
            key = _PERIOD[field[5:]]
            value = lambda d: key(d["date"])
        elif field == "source":
            value = lambda d: d["source"]
        elif field in ("date", "title", "body", "id"):
            _kq.fail(_kq.KQ_MISUSE, "facet takes source, date:UNIT (year, "
                     "month, week, day) or an extra field, not %r" % field)
        else:
            if field not in self._ix.fields():
                _kq.fail(_kq.KQ_MISUSE, "no extra field %r in this index "
                         "(kq-index --field)" % field)
            value = lambda d: d["fields"].get(field)
        if sort not in ("count", "value"):
            _kq.fail(_kq.KQ_MISUSE, 'sort must be "count" or "value"')
        of = {}
        total = {}
        for docid in self._ix.docids():
            v = value(self._ix.doc(docid)) or None
            of[docid] = v
            total[v] = total.get(v, 0) + 1
        hits = {}
        if query is None:
            for docid, v in of.items():
                d, o = hits.get(v, (0, 0))
                hits[v] = (d + 1, o)
        else:
            for docid, _s, occ in self._ix.matches(query):
                v = of.get(docid)
                d, o = hits.get(v, (0, 0))
                hits[v] = (d + 1, o + occ)
        vkey = lambda v: (v is None, v or "")
        rows = [{"value": v, "docs": hits.get(v, (0, 0))[0],
                 "occurrences": hits.get(v, (0, 0))[1], "total": t,
                 "docs_per_1000": 1000.0 * hits.get(v, (0, 0))[0] / t}
                for v, t in total.items()
                if hits.get(v, (0, 0))[0] >= min_count]
        rows.sort(key=lambda r: (-r["docs"], vkey(r["value"])))
        if top:
            rows = rows[:top]
        if sort == "value":
            rows.sort(key=lambda r: vkey(r["value"]))
        return _frame(rows) if as_frame else rows

    def export(self, query=None, sample=None, seed=0, as_frame=False):
        """kq export's documents as dicts: the matching documents (every
        live one without a query), in docid order, each with id and, when
        set, title, date, source, its extra fields, lang (or "_lang" when
        an extra field is called lang) and body: what kq-index reads back
        (write them with json.dumps, one a line).  sample=N: a
        reproducible uniform sample of N of them (Algorithm R with
        splitmix64 seeded by ``seed``, as kq export --sample N --seed S),
        still in docid order."""
        docids = (self._ix.docids() if query is None
                  else [d for d, _s, _o in self._ix.matches(query)])
        if sample is not None:
            if sample < 0:
                _kq.fail(_kq.KQ_MISUSE, "sample must be >= 0")
            docids = _sample(docids, sample, seed)
        try:
            names = self._ix.fields()
        except Misuse:  # a Xapian database keeps no extra fields
            names = []
        lang_key = "_lang" if "lang" in names else "lang"
        out = []
        for docid in docids:
            d = self._ix.doc(docid)
            r = {"id": d["id"]}
            for k in ("title", "date", "source"):
                if d[k]:
                    r[k] = d[k]
            r.update(d["fields"])
            if d["lang"]:
                r[lang_key] = d["lang"]
            r["body"] = self._ix.text(docid)
            out.append(r)
        return _frame(out) if as_frame else out

    def batch(self, queries, op_or=False, as_frame=False):
        """kq batch --counts: the exact count of each query, given as
        (qid, query) pairs or a {qid: query} dict.  A list of dicts (qid,
        query, count, error): a query that cannot run keeps its row, with
        count None and kq's message in error (the rest still run)."""
        pairs = queries.items() if isinstance(queries, dict) else queries
        rows = []
        for qid, q in pairs:
            try:
                rows.append({"qid": qid, "query": q,
                             "count": self._ix.count(q, op_or=op_or),
                             "error": None})
            except QuerySyntaxError as e:
                rows.append({"qid": qid, "query": q, "count": None,
                             "error": "syntax error at column %d: %s"
                             % (e.column, e.message)})
        return _frame(rows) if as_frame else rows

    def collocates(self, query, window=5, by="word", measure="logdice",
                   min_freq=3, top=20, stop=None, op_or=False,
                   as_frame=False):
        """kq collocates: the words around the matches of ``query``,
        scored (kq(1), COLLOCATES AND KEYWORDS).  window: N or (left,
        right) tokens; by: "word" or "stem"; measure, the order: "logdice",
        "mi", "t" or "ll"; min_freq: the fewest times a collocate is seen;
        top: the rows kept (None or 0: all); stop: words left out.  A list
        of dicts (collocate, observed, freq, node_freq, expected, logdice,
        mi, t, ll; NaN where a measure is undefined) whose ``summary`` has
        documents, matches, corpus_tokens and collocates (the rows before
        top)."""
        left, right = (window, window) if isinstance(window, int) else window
        summary, rows = self._ix.collocates(
            query, left=left, right=right, stem=_by_stem(by),
            measure=measure, min_freq=min_freq, stop=stop, op_or=op_or)
        cols = ("collocate", "observed", "freq", "expected", "logdice",
                "mi", "t", "ll")
        out = Hits()
        for r in rows[:top or None]:
            d = dict(zip(cols, r))
            d["node_freq"] = summary["matches"]
            out.append({c: d[c] for c in _COLLOC_COLS})
        summary.update(query=query, window=[left, right], by=by,
                       measure=measure, min_freq=min_freq,
                       collocates=len(rows))
        out.summary = summary
        return _frame(list(out)) if as_frame else out

    def keywords(self, query, reference=None, by="word", min_freq=5, top=20,
                 op_or=False, as_frame=False):
        """kq keywords: the words over-represented in the documents matching
        ``query`` (the focus) against those matching ``reference`` (None:
        every other document); a document matching both is in the focus
        only.  A list of dicts (word, focus, reference, focus_tokens,
        reference_tokens, ll, log_ratio, pct_diff) by G2, whose ``summary``
        has focus_documents, reference_documents, overlap, focus_tokens,
        reference_tokens and keywords (the rows before top).  No rows when
        the focus or the reference is empty."""
        summary, rows = self._ix.keywords(query, reference=reference,
                                          stem=_by_stem(by),
                                          min_freq=min_freq, op_or=op_or)
        out = Hits()
        for word, a, b, ll, lr, pd in rows[:top or None]:
            out.append({"word": word, "focus": a, "reference": b,
                        "focus_tokens": summary["focus_tokens"],
                        "reference_tokens": summary["reference_tokens"],
                        "ll": ll, "log_ratio": lr, "pct_diff": pd})
        summary.update(query=query, reference=reference, by=by,
                       min_freq=min_freq, keywords=len(rows))
        out.summary = summary
        return _frame(list(out)) if as_frame else out

    def dups(self, query=None, threshold=0.5, memory=None, as_frame=False):
        """kq dups: clusters of near-duplicate documents among those
        matching ``query`` (every live one without), as the kq(1)
        NEAR-DUPLICATES section defines them (resemblance of their word
        3-shingles at least ``threshold``).  A list of dicts (cluster,
        size, docid, id, date, source, title, similarity) for every member
        of every cluster of two or more, by cluster then docid; the list's
        ``summary`` says which method ran and how many pairs it compared.
        memory: the exact method's budget in bytes or "2G"."""
        if isinstance(memory, str):
            memory = _kq.parse_size(memory)
        docids = (self._ix.docids() if query is None
                  else [d for d, _s, _o in self._ix.matches(query)])
        summary, members = self._ix.dups(docids, threshold, memory or 0)
        groups = {}
        for docid, first, sim in members:
            groups.setdefault(first, []).append((docid, sim))
        rows = Hits()
        k = 0
        for first in sorted(groups):
            g = groups[first]
            if len(g) < 2:
                continue
            k += 1
            for docid, sim in g:
                d = self._ix.doc(docid)
                rows.append({"cluster": k, "size": len(g), "docid": docid,
                             "id": d["id"], "date": d["date"],
                             "source": d["source"], "title": d["title"],
                             "similarity": sim})
        summary.update(clusters=k, documents_in_clusters=len(rows),
                       matching=len(docids), threshold=threshold)
        rows.summary = summary
        return _frame(list(rows)) if as_frame else rows


_HIT_NAMES = ("rank", "score", "docid", "id", "title", "date", "source",
              "lang", "text")


def _names(fields):
    if fields is None:
        return None
    names = fields.split(",") if isinstance(fields, str) else list(fields)
    if not names or not all(isinstance(k, str) and k for k in names):
        raise Misuse("fields: a list of field names, not %r" % (fields,))
    return names


_COLLOC_COLS = ("collocate", "observed", "freq", "node_freq", "expected",
                "logdice", "mi", "t", "ll")


def _by_stem(by):
    if by not in ("word", "stem"):
        raise Misuse("by takes word or stem, not %r" % (by,))
    return by == "stem"


_MASK64 = (1 << 64) - 1


def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & _MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return state, z ^ (z >> 31)


def _sample(docids, n, seed):
    """kq export --sample: Algorithm R over docids (in docid order) with
    splitmix64, uniform draws below k + 1 by rejection; docid order."""
    if len(docids) <= n:
        return list(docids)
    res = list(docids)
    st = seed & _MASK64
    for k in range(n, len(docids)):
        bound = k + 1
        least = (1 << 64) % bound
        while True:
            st, r = _splitmix64(st)
            if r >= least:
                break
        j = r % bound
        if j < n:
            res[j] = res[k]
    return sorted(res[:n])


def _context(z, a, b, lead, trail):
    """z[a:b] (bytes) cleaned as kq kwic cleans a context (cmd_kwic.c,
    clean_range()): white space collapsed and trimmed, but with lead
    (trail) one space kept where the text has white space at that end, so
    that the space next to the match takes a column as it does there."""
    t = _kq.clean(z[a:b])
    sp_lead = lead and a < b and (z[a] <= 32 or z[a] == 127)
    sp_trail = trail and a < b and (z[b - 1] <= 32 or z[b - 1] == 127)
    if sp_lead:
        t = " " + t
    if sp_trail and t != " ":
        t += " "
    return t


def _key_day(date):
    try:
        return _dt.date.fromisoformat(date[:10]).isoformat()
    except (TypeError, ValueError):
        return None


def _key_week(date):
    d = _key_day(date)
    if d is None:
        return None
    y, w, _ = _dt.date.fromisoformat(d).isocalendar()
    return "%04d-W%02d" % (y, w)


def _key_month(date):
    if not date or len(date) < 7 or date[4] != "-":
        return None
    return date[:7]


def _key_year(date):
    return date[:4] if date and len(date) >= 4 else None


_PERIOD = {"day": _key_day, "week": _key_week, "month": _key_month,
           "year": _key_year}


def _periods(by, first, last):
    """Every period from first to last, both included."""
    out = []
    if by == "year":
        return ["%04d" % y for y in range(int(first), int(last) + 1)]
    if by == "month":
        y, m = int(first[:4]), int(first[5:7])
        while "%04d-%02d" % (y, m) <= last:
            out.append("%04d-%02d" % (y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    if by == "day":
        d, e = _dt.date.fromisoformat(first), _dt.date.fromisoformat(last)
        while d <= e:
            out.append(d.isoformat())
            d += _dt.timedelta(days=1)
        return out
    d = _dt.date.fromisocalendar(int(first[:4]), int(first[6:]), 1)
    e = _dt.date.fromisocalendar(int(last[:4]), int(last[6:]), 1)
    while d <= e:
        y, w, _ = d.isocalendar()
        out.append("%04d-W%02d" % (y, w))
        d += _dt.timedelta(days=7)
    return out


def open(path, *more, lang=None):
    """Open an index for reading: kq's own, a Xapian database or stub,
    or ``tcp://HOST:PORT``; several paths (Xapian shards, or kq's own
    indexes, not both) are searched as one collection.  lang= analyses
    the queries in that Snowball language."""
    return Index(path, *more, lang=lang)


class Writer:
    """An index open for writing, created if need be, with kq-index's
    commit and lock semantics: one writer at a time (kq.IndexLocked after
    ``wait`` seconds), readers never wait, and nothing is visible until
    commit(), which is atomic.  As a context manager it commits on a clean
    exit and discards on an exception.

    memory: the inversion budget in bytes (or "256M"); threads: inverting
    threads; xapian=True writes a Xapian database (adds only)."""

    def __init__(self, path, lang=None, memory=0, threads=0, wait=10,
                 xapian=False, shards=0):
        if isinstance(memory, str):
            memory = _kq.parse_size(memory)
        self._w = _kq.writer(_os.fspath(path), lang=lang, memory=memory,
                             threads=threads, wait_ms=int(wait * 1000) or -1,
                             xapian=xapian, shards=shards)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *rest):
        try:
            if exc_type is None:
                self.commit()
        finally:
            self.close()

    def add(self, id, title=None, date=None, source=None, body=None,
            lang=None, **fields):
        """Add (or replace: same id) a document; keyword arguments other
        than these are its extra fields, searchable as NAME:word."""
        self._w.add(id, title, date, source, body, lang, fields or None)

    def delete(self, id):
        """Delete the document with this id; True if there was one."""
        return self._w.delete(id)

    def commit(self):
        """Make everything added and deleted visible, atomically."""
        self._w.commit()

    def close(self):
        """Close; what was not committed is discarded."""
        self._w.close()

    def stats(self):
        """This session's counts: added, tokens, skipped (unchanged),
        replaced, deleted, segments."""
        return self._w.stats()


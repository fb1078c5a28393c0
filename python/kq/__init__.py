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
    metadata.  ``fields`` holds the extra fields (kq-index --field)."""
    rank: int
    score: float
    docid: int
    id: str
    title: str
    date: object = None
    source: object = None
    lang: object = None
    fields: dict = _field(default_factory=dict)


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

    def _hit(self, rank, docid, score):
        d = self._ix.doc(docid)
        return Hit(rank=rank, score=score, docid=docid, id=d["id"],
                   title=d["title"], date=d["date"], source=d["source"],
                   lang=d["lang"], fields=d["fields"])

    def search(self, query, n=10, offset=0, sort="score", op_or=False,
               as_frame=False):
        """The top ``n`` hits of ``query`` after ``offset``, by score (or
        sort="date" / "date-desc"), as a list of Hit with ``.total``; with
        as_frame=True a pandas DataFrame (one row a hit).  op_or=True: words
        without an operator between them are ORed (kq --or)."""
        total, exact, pairs = self._ix.search(query, n=n, offset=offset,
                                              sort=sort, op_or=op_or)
        hits = Hits(self._hit(offset + i + 1, docid, score)
                    for i, (docid, score) in enumerate(pairs))
        hits.total, hits.exact = total, exact
        if as_frame:
            return _frame([h.__dict__ for h in hits])
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
            raise NotFound("no document %r" % (id,))
        d = self._ix.doc(docid)
        if body:
            d["body"] = self._ix.text(docid)
        return d

    def parse(self, query, op_or=False):
        """The parsed query, as kq parse prints it."""
        return self._ix.parse(query, op_or=op_or)

    def explain(self, query, id):
        """How document ``id`` (id or docid) scores for ``query``: match,
        score, length, avg_length, documents, and per term its tf,
        tf_title, df, idf, boost and score.  kq's own index only."""
        docid = id if isinstance(id, int) else self._ix.find(id)
        if docid is None:
            raise NotFound("no document %r" % (id,))
        return self._ix.explain(query, docid)


def open(path, *more, lang=None):
    """Open an index for reading: kq's own, a Xapian database or stub,
    or ``tcp://HOST:PORT``; several paths are Xapian shards searched as
    one.  lang= analyses the queries in that Snowball language."""
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


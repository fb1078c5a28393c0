"""as_frame=True: every verb's pandas DataFrame holds its list's rows.

pandas is python3-pandas (scripts/install-deps.sh); without it the
package raises ImportError, checked with pandas hidden."""

import math
import sys

import pytest

import kq

pandas = pytest.importorskip("pandas")


def same_value(a, b):
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, float) and math.isnan(a)
    if b is None:
        return a is None or (isinstance(a, float) and math.isnan(a))
    return a == b


def same_frame(frame, rows):
    assert isinstance(frame, pandas.DataFrame)
    assert len(frame) == len(rows) > 0
    assert list(frame.columns) == list(rows[0])
    for got, want in zip(frame.to_dict("records"), rows):
        for k in want:
            assert same_value(got[k], want[k]), (k, got[k], want[k])


VERBS = [
    ("hist", lambda ix, **k: ix.hist("oil", "gold", by="year", **k)),
    ("kwic", lambda ix, **k: ix.kwic('"crude oil"', n=20, **k)),
    ("facet", lambda ix, **k: ix.facet("date:year", "oil", **k)),
    ("export", lambda ix, **k: ix.export("opec", **k)),
    ("batch", lambda ix, **k: ix.batch({"a": "oil", "b": "oil AND (",
                                        "c": "gold"}, **k)),
    ("dups", lambda ix, **k: ix.dups(**k)),
    ("collocates", lambda ix, **k: ix.collocates("oil", top=0, **k)),
    ("keywords", lambda ix, **k: ix.keywords("opec", top=0, **k)),
]


@pytest.mark.parametrize("name,verb", VERBS, ids=[v[0] for v in VERBS])
def test_frame_equals_rows(ix, name, verb):
    same_frame(verb(ix, as_frame=True), list(verb(ix)))


def test_search_frame(ix):
    hits = ix.search("oil AND prices", n=15, snippets=1)
    frame = ix.search("oil AND prices", n=15, snippets=1, as_frame=True)
    same_frame(frame, [h.__dict__ for h in hits])
    assert list(frame["rank"]) == list(range(1, 16))


def test_frame_without_pandas(ix, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import fails
    with pytest.raises(ImportError) as e:
        ix.collocates("oil", as_frame=True)
    assert "needs pandas" in str(e.value)
    assert ix.collocates("oil")  # lists need no pandas

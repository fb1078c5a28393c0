"""Index.hist() and Index.dups() against kq hist and kq dups (the CLI is
the reference), on kq's own index."""

import json
import math

import pytest

import kq


@pytest.mark.parametrize("by", ["day", "week", "month", "year"])
def test_hist_equals_cli(ix, cli, by):
    qs = ["oil", '"crude oil"', "zzzzqqq"]
    rows = ix.hist(*qs, by=by)
    p = cli.run("hist", "--format=tsv", "--by", by, "--", *qs, ok=(0, 1))
    lines = p.stdout.splitlines()
    head = lines[0].split("\t")
    assert head == ["bucket", "query", "docs", "occurrences", "total"]
    ref = [line.split("\t") for line in lines[1:]]
    assert len(rows) == len(ref) > 0
    got = [[r["period"], r["query"], str(r["docs"]), str(r["occurrences"]),
            str(r["total"])] for r in rows]
    assert got == ref
    # and the columns add up to count() and the index
    for q in qs:
        docs, occ = ix.count(q, occurrences=True)
        assert sum(r["docs"] for r in rows if r["query"] == q) == docs
        assert sum(r["occurrences"] for r in rows
                   if r["query"] == q) == occ
    assert sum(r["total"] for r in rows
               if r["query"] == "oil") == ix.stats()["documents"]


def test_hist_bad_arguments_are_misuse(ix):
    with pytest.raises(kq.Misuse):
        ix.hist("oil", by="fortnight")
    with pytest.raises(kq.Misuse):
        ix.hist()
    with pytest.raises(kq.QuerySyntaxError):
        ix.hist("oil AND")


@pytest.mark.parametrize("query,threshold", [(None, 0.5), ("oil", 0.3),
                                             ("said", 0.8)])
def test_dups_equals_cli(ix, cli, query, threshold):
    rows = ix.dups(query, threshold=threshold)
    args = ["dups", "--format=json", "--threshold", str(threshold)]
    if query:
        args += ["--", query]
    ref = json.loads(cli.run(*args, ok=(0, 1)).stdout)
    docs, summ = ref["documents"], ref["summary"]
    assert len(rows) == len(docs) > 0
    for r, d in zip(rows, docs):
        for k in ("cluster", "size", "id", "date", "source", "title"):
            assert r[k] == d[k], k
        assert math.isclose(r["similarity"], d["similarity"], rel_tol=1e-9)
        assert ix.find(r["id"]) == r["docid"]
    for k in ("method", "pairs_compared", "clusters",
              "documents_in_clusters", "matching", "threshold"):
        assert rows.summary[k] == summ[k], k
    assert rows.summary["matching"] == (ix.count(query) if query
                                        else ix.stats()["documents"])


def test_hist_and_dups_on_xapian_equal_native(ix, xix):
    assert xix.hist("oil", "said", by="month") == ix.hist("oil", "said",
                                                          by="month")
    strip = [{k: r[k] for k in ("cluster", "size", "id", "similarity")}
             for r in ix.dups()]
    assert strip == [{k: r[k] for k in ("cluster", "size", "id",
                                        "similarity")} for r in xix.dups()]
    assert strip


def test_dups_signature_method_and_memory(ix):
    exact = ix.dups(threshold=0.8)
    sig = ix.dups(threshold=0.8, memory=1)
    assert sig.summary["method"] == "signatures"
    assert sig.summary["max_distance"] == 17
    assert exact.summary["method"] == "exact"
    # the signatures find a subset of the exact pairs: each member the
    # signature method clusters, the exact method clusters too
    assert {r["id"] for r in sig} <= {r["id"] for r in exact}
    assert ix.dups(threshold=0.8, memory="1G").summary["method"] == "exact"


def test_dups_misuse(ix):
    with pytest.raises(kq.Misuse) as e:
        ix.dups(threshold=0.2)
    assert e.value.code == 8
    with pytest.raises(kq.Misuse):
        ix.dups(memory="lots")


def test_batch_equals_cli(ix, cli, tmp_path):
    qs = [("o", "oil"), ("g", "gold OR silver"), ("bad", "oil AND ("),
          ("p", '"crude oil"'), ("z", "zzzzqqq"), ("n", "oil NEAR/3 prices")]
    f = tmp_path / "q.tsv"
    f.write_text("".join("%s\t%s\n" % p for p in qs))
    p = cli.run("batch", "--counts", "--format=json", f, ok=(0, 1, 2))
    want = json.loads(p.stdout)["queries"]
    assert ix.batch(qs) == want
    assert ix.batch(dict(qs)) == want
    assert [r["count"] for r in want].count(None) == 1


@pytest.mark.parametrize("q", ["crude oil", '"crude oil"',
                               "opec NEAR/3 prices", "ceasefire", "oil"])
def test_kwic_equals_cli(ix, cli, q):
    # ASCII text: kq kwic's columns are characters; its tsv contexts are
    # --width / 2 each
    p = cli.run("kwic", "--format=tsv", "--width", "80", "--", q, ok=(0, 1))
    want = [line.split("\t") for line in p.stdout.splitlines()[1:]]
    got = [[r["id"], r["field"], str(r["start"]), str(r["end"]), r["left"],
            r["match"], r["right"]] for r in ix.kwic(q, width=40)]
    assert got == want
    assert got
    assert ix.kwic(q, width=40, n=3) == ix.kwic(q, width=40)[:3]


def test_kwic_xapian_equals_native(ix, xix):
    assert xix.kwic('"crude oil"') == ix.kwic('"crude oil"')


def facet_cli(cli, *args):
    p = cli.run("facet", "--format=tsv", *args, ok=(0, 1))
    return [line.split("\t") for line in p.stdout.splitlines()[1:]]


def tsv_escaped(v):
    """A value as kq's tsv writes it: control characters as \\xHH."""
    return "".join("\\x%02x" % ord(c) if ord(c) < 32 or ord(c) == 127
                   else c for c in v or "")


def facet_same(got, want):
    assert [[tsv_escaped(r["value"]), str(r["docs"]), str(r["occurrences"]),
             str(r["total"])] for r in got] == [w[:4] for w in want]
    for r, w in zip(got, want):
        assert r["docs_per_1000"] == pytest.approx(float(w[4]), rel=1e-9)


@pytest.mark.parametrize("field,query,kw", [
    ("source", "oil", {}),
    ("date:month", "oil", {"sort": "value"}),
    ("date:week", "opec", {"top": 3}),
    ("source", None, {"min_count": 0}),
    ("date:day", "gold", {"min_count": 2, "sort": "value"}),
    ("date:year", '"crude oil"', {}),
])
def test_facet_equals_cli(ix, cli, field, query, kw):
    opts = []
    if "sort" in kw:
        opts.append("--sort=" + kw["sort"])
    if "top" in kw:
        opts += ["--top", str(kw["top"])]
    if "min_count" in kw:
        opts += ["--min-count", str(kw["min_count"])]
    want = facet_cli(cli, *opts, field, *([query] if query else []))
    got = ix.facet(field, query, **kw)
    assert want
    facet_same(got, want)


def test_facet_extra_field(tmp_path):
    from conftest import ROOT, Cli, build_index
    d = tmp_path / "sect"
    p = build_index(d, "--field", "section",
                    src=ROOT / "tests" / "data" / "facet" / "sections.jsonl")
    assert p.returncode == 0, p.stderr
    with kq.open(d) as six:
        for q in ("oil", None):
            want = facet_cli(Cli(d), "--min-count", "0", "section",
                             *([q] if q else []))
            facet_same(six.facet("section", q, min_count=0), want)
        with pytest.raises(kq.Misuse):
            six.facet("nosuchfield", "oil")
        with pytest.raises(kq.Misuse):
            six.facet("title", "oil")
        with pytest.raises(kq.Misuse):
            six.facet("source", "oil", sort="size")


def test_facet_xapian_equals_native(ix, xix):
    assert xix.facet("source", "oil") == ix.facet("source", "oil")
    assert xix.facet("date:month", "opec") == ix.facet("date:month", "opec")


def export_cli(cli, *args):
    p = cli.run("export", *args, ok=(0, 1))
    return [json.loads(line) for line in p.stdout.splitlines()]


@pytest.mark.parametrize("query,kw", [
    ("opec", {}), ("oil", {"sample": 10, "seed": 7}),
    ("said", {"sample": 25, "seed": 0}), (None, {"sample": 5, "seed": 123}),
    ("gold", {"sample": 1000, "seed": 1}),
])
def test_export_equals_cli(ix, cli, query, kw):
    opts = []
    if "sample" in kw:
        opts += ["--sample", str(kw["sample"]), "--seed", str(kw["seed"])]
    want = export_cli(cli, *opts, query or "*")
    assert want
    assert ix.export(query, **kw) == want


def test_export_extra_fields_and_languages(tmp_path):
    from conftest import ROOT, Cli, build_index
    src = ROOT / "tests" / "data" / "facet" / "sections.jsonl"
    d = tmp_path / "sect"
    p = build_index(d, "--field", "section", src=src)
    assert p.returncode == 0, p.stderr
    with kq.open(d) as six:
        got = six.export()
        assert got == export_cli(Cli(d), "*")
        assert any("section" in r for r in got)
        assert all("lang" in r for r in got)


def test_export_xapian_equals_native_but_lang(ix, xix):
    # a Xapian database keeps no document languages
    assert xix.export("opec") == [
        {k: v for k, v in r.items() if k != "lang"}
        for r in ix.export("opec")]
    with pytest.raises(kq.Misuse):
        ix.export("opec", sample=-1)


@pytest.mark.parametrize("q", ["crude oil", '"crude oil"', "ceasefire",
                               "opec NEAR/3 prices", "gold OR silver"])
def test_snippets_equal_cli(ix, cli, q):
    p = cli.run("search", "--format=json", "-n", "10", "--snippets", "3",
                "--", q, ok=(0, 1))
    want = [[{"text": s["text"], "start": s["start"], "end": s["end"],
              "highlights": [tuple(x) for x in s["highlights"]]}
             for s in h["snippets"]] for h in json.loads(p.stdout)["hits"]]
    got = ix.search(q, n=10, snippets=3)
    assert [h.snippets for h in got] == want
    assert any(want)
    assert all(h.snippets is None for h in ix.search(q, n=3))
    # each highlight is a match's bytes in the stored body
    for h in got:
        body = ix.doc(h.id)["body"].encode("utf-8", "surrogateescape")
        for s in h.snippets:
            for a, b in s["highlights"]:
                assert s["start"] <= a < b <= s["end"] <= len(body)


def test_snippets_limits(ix):
    assert len(ix.search("oil", n=1, snippets=100)[0].snippets) >= 1
    for bad in (-1, 101):
        with pytest.raises(kq.Misuse):
            ix.search("oil", snippets=bad)


def same_number(got, want):
    """A float of the package against kq's JSON (10 significant digits;
    null for NaN)."""
    if want is None:
        return math.isnan(got)
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)


def same_rows(rows, ref, key):
    assert len(rows) == len(ref)
    for r, d in zip(rows, ref):
        assert list(r) == list(d), "columns"
        for k, v in d.items():
            if isinstance(v, float) or v is None:
                assert same_number(r[k], v), (r[key], k)
            else:
                assert r[k] == v, (r[key], k)


@pytest.mark.parametrize("query,kw,args", [
    ("oil", {}, []),
    ('"crude oil"', dict(window=(2, 3), by="stem", measure="mi",
                         min_freq=2), ["--window", "2,3", "--by", "stem",
                                       "--measure", "mi", "--min-freq", "2"]),
    ("opec NEAR/5 prices", dict(measure="t", top=0),
     ["--measure", "t", "--top", "0"]),
    ("said", dict(window=(0, 1), measure="ll", top=50),
     ["--window", "0,1", "--measure", "ll", "--top", "50"]),
])
def test_collocates_equals_cli(ix, cli, query, kw, args):
    rows = ix.collocates(query, **kw)
    ref = json.loads(cli.run("collocates", "--format=json", *args, "--",
                             query).stdout)
    assert rows, query
    same_rows(rows, ref["collocates"], "collocate")
    for k in ("documents", "matches", "corpus_tokens", "window", "by",
              "measure", "min_freq", "collocates"):
        assert rows.summary[k] == ref["summary"][k], k


def test_collocates_stop_list(ix, cli, tmp_path):
    stop = ["The", "of", "SAID", "prices", "to"]
    f = tmp_path / "stop.txt"
    f.write_text("\n".join(stop) + "\n\n")
    for by in ("word", "stem"):
        rows = ix.collocates("oil", by=by, stop=stop, top=0)
        ref = json.loads(cli.run("collocates", "--format=json", "--by", by,
                                 "--stop", f, "--top", "0", "--",
                                 "oil").stdout)
        same_rows(rows, ref["collocates"], "collocate")
        # exactly the stop words' keys are gone (folded; stemmed by stem)
        keys = {"word": {"the", "of", "said", "prices", "to"},
                "stem": {"the", "of", "said", "price", "to"}}[by]
        got = {r["collocate"] for r in rows}
        every = {r["collocate"] for r in ix.collocates("oil", by=by, top=0)}
        assert every - got == keys & every and len(keys & every) >= 4


@pytest.mark.parametrize("query,kw,args", [
    ("opec", {}, []),
    ("gold", dict(reference="silver OR copper", by="stem", min_freq=2,
                  top=0), ["--reference", "silver OR copper", "--by", "stem",
                           "--min-freq", "2", "--top", "0"]),
    ("oil", dict(reference="oil OR gas", top=30),
     ["--reference", "oil OR gas", "--top", "30"]),
    ("grain", dict(by="stem"), ["--by", "stem"]),
])
def test_keywords_equals_cli(ix, cli, query, kw, args):
    rows = ix.keywords(query, **kw)
    ref = json.loads(cli.run("keywords", "--format=json", *args, "--",
                             query).stdout)
    assert rows, query
    same_rows(rows, ref["keywords"], "word")
    for k in ("focus_documents", "reference_documents", "overlap",
              "focus_tokens", "reference_tokens", "by", "min_freq",
              "keywords", "reference"):
        assert rows.summary[k] == ref["summary"][k], k


def test_keywords_empty_sides(ix):
    none = ix.keywords("zzzzqqq")
    assert list(none) == [] and none.summary["focus_documents"] == 0
    # the reference is the focus: every document overlaps, none is left
    same = ix.keywords("opec", reference="opec")
    assert list(same) == []
    assert same.summary["overlap"] == same.summary["focus_documents"] > 0
    assert same.summary["reference_tokens"] == 0


def test_collocates_keywords_xapian_equal_native(ix, xix):
    for by in ("word", "stem"):
        assert xix.collocates("oil", by=by, top=0) == \
            ix.collocates("oil", by=by, top=0)
        assert xix.keywords("opec", by=by, top=0) == \
            ix.keywords("opec", by=by, top=0)


def test_collocates_window_limits(ix):
    # KQ_MAX_WINDOW (kq.h) is 1000 tokens a side: at it, and one past
    wide = ix.collocates("opec", window=(1000, 1000), top=0)
    assert wide.summary["window"] == [1000, 1000] and wide
    for w in ((1001, 0), (0, 1001), 1001):
        with pytest.raises(kq.Misuse) as e:
            ix.collocates("opec", window=w)
        assert "0 to 1000" in e.value.message
    with pytest.raises(kq.Misuse):
        ix.collocates("opec", window=0)


def test_collocates_keywords_misuse(ix):
    with pytest.raises(kq.Misuse):
        ix.collocates("oil", measure="dice")
    with pytest.raises(kq.Misuse):
        ix.collocates("oil", by="lemma")
    with pytest.raises(kq.Misuse):
        ix.keywords("oil", by="lemma")
    with pytest.raises(kq.Misuse) as e:
        ix.collocates("oil", stop=["fine", "two words"])
    assert "stop word 2" in e.value.message
    with pytest.raises(kq.Misuse):
        ix.collocates("oil", stop=["x" * 65])
    ix.collocates("oil", stop=["x" * 64])  # KQ_MAX_WORD bytes: a word
    with pytest.raises(kq.QuerySyntaxError):
        ix.collocates("oil AND")
    with pytest.raises(kq.QuerySyntaxError):
        ix.keywords("oil", reference="(gold")


@pytest.mark.parametrize("width", [10, 11, 17, 40])
def test_kwic_wide_text_equals_cli(tmp_path, width):
    # contexts are display columns (a wide character takes 2, a combining
    # mark none), cut as kq kwic cuts them
    from conftest import ROOT, Cli, build_index
    d = tmp_path / "wide"
    p = build_index(d, src=ROOT / "tests" / "data" / "kwic" / "wide.jsonl")
    assert p.returncode == 0, p.stderr
    p = Cli(d).run("kwic", "--format=tsv", "--width", str(2 * width), "--",
                   "oil")
    want = [line.split("\t") for line in p.stdout.splitlines()[1:]]
    with kq.open(d) as wix:
        rows = wix.kwic("oil", width=width)
    got = [[r["id"], r["field"], str(r["start"]), str(r["end"]), r["left"],
            r["match"], r["right"]] for r in rows]
    assert got == want
    assert len(got) == 6
    for r in rows:
        assert kq._kq.columns(r["left"], width, True) == r["left"]
        assert kq._kq.columns(r["right"], width, False) == r["right"]
    # w1's body: Japanese both sides, fewer characters than columns
    w1 = [r for r in rows if r["id"] == "w1" and r["field"] == "body"][0]
    assert width // 2 - 1 <= len(w1["right"]) <= width // 2
    assert width // 2 - 1 <= len(w1["left"]) <= width // 2

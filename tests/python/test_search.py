"""kq.Index on kq's own index against the kq CLI (the reference) and the
corpus file: counts, ranked hits and their scores, paging, date order,
occurrences, iteration, documents, parsed queries, explain and stats.

Scores: kq search prints them with 8 significant digits (%.8g), so a
search score must print the same; kq explain --format=json prints 10
(%.10g), so the top hits' scores are also compared with it to 1e-9
relative."""

import json
import math

import pytest

import kq

# word, AND, OR, phrase, NEAR, ADJ, prefix, NOT, fields, dates, boost,
# =word, id:, *, and a query without hits.
QUERIES = [
    "oil",
    "oil AND price",
    "cocoa OR coffee",
    '"crude oil"',
    "oil NEAR/3 price",
    "oil ADJ/2 prices",
    '"oil price"~5',
    "export*",
    "oil NOT opec",
    "(gold OR silver) AND -mine",
    "source:reut2-006",
    "title:oil",
    'title:"crude oil"',
    "body:cocoa",
    "date:1987-03",
    "opec AND date:1987-03",
    "bank^2 OR rate",
    "=prices",
    "id:17408",
    "zzzzqqq",
]
# A few with hits, for the costlier comparisons.
SOME = ["oil", "oil AND price", '"crude oil"', "oil NEAR/3 price",
        "export*", "title:oil", "opec AND date:1987-03", "bank^2 OR rate"]


def rel_close(a, b, rel):
    return math.isclose(a, b, rel_tol=rel, abs_tol=0.0)


def test_queries_have_hits_and_one_has_none(cli):
    # the list exercises something: all but the last query match
    counts = [cli.count(q) for q in QUERIES]
    assert all(c > 0 for c in counts[:-1]), counts
    assert counts[-1] == 0


@pytest.mark.parametrize("q", QUERIES)
def test_count_equals_cli(ix, cli, q):
    assert ix.count(q) == cli.count(q)


@pytest.mark.parametrize("q", QUERIES)
def test_search_ids_and_scores_equal_cli(ix, cli, q):
    hits = ix.search(q, n=20)
    rows = cli.search_tsv(q, "-n", "20")
    assert [h.id for h in hits] == [r[0] for r in rows]
    # the CLI prints %.8g: the package's score must print the same
    assert ["%.8g" % h.score for h in hits] == [r[1] for r in rows]
    total = cli.count(q)
    assert hits.total == total
    assert hits.exact is True
    assert len(hits) == min(20, total)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert all(isinstance(h.score, float) for h in hits)
    # best first
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))


@pytest.mark.parametrize("q", SOME)
def test_scores_to_1e9_against_cli_explain(ix, cli, q):
    for h in ix.search(q, n=3):
        rc, ref = cli.explain(q, h.id)
        assert rc == 0 and ref["match"] is True
        assert rel_close(h.score, ref["score"], 1e-9), (h.id, h.score,
                                                       ref["score"])


@pytest.mark.parametrize("q", ["oil", "cocoa OR coffee", "date:1987-03"])
def test_hit_metadata_equals_cli(ix, cli, q):
    hits = ix.search(q, n=20)
    p = cli.run("search", "--format=jsonl", "--no-snippets",
                "--fields=id,title,date,source", "-n", "20", "--", q)
    ref = [r for r in map(json.loads, p.stdout.splitlines())
           if r["type"] == "hit"]
    assert len(ref) == len(hits) > 0
    for h, r in zip(hits, ref):
        assert (h.id, h.title, h.date, h.source) == (
            r["id"], r["title"], r.get("date"), r.get("source"))
        # docid and the Hit agree with doc()
        assert ix.find(h.id) == h.docid
        assert ix.doc(h.docid, body=False)["title"] == h.title


@pytest.mark.parametrize("q", ["oil", "export*", "bank^2 OR rate"])
def test_offset_paging(ix, cli, q):
    first = ix.search(q, n=10)
    page = ix.search(q, n=5, offset=5)
    assert len(first) == 10
    assert [h.id for h in page] == [h.id for h in first[5:10]]
    assert [h.score for h in page] == [h.score for h in first[5:10]]
    assert [h.rank for h in page] == [6, 7, 8, 9, 10]
    assert page.total == first.total == cli.count(q)
    rows = cli.search_tsv(q, "-n", "5", "--offset", "5")
    assert [h.id for h in page] == [r[0] for r in rows]
    # past the end: no hits, the same total
    end = ix.search(q, n=5, offset=first.total)
    assert list(end) == [] and end.total == first.total


def test_n_zero_gives_only_the_total(ix, cli):
    hits = ix.search("oil", n=0)
    assert list(hits) == []
    assert hits.total == cli.count("oil")


@pytest.mark.parametrize("q", ["oil", "opec AND date:1987-03",
                               "cocoa OR coffee"])
@pytest.mark.parametrize("sort,opt", [("date", "--sort=date"),
                                      ("date-desc", "--sort=-date")])
def test_sort_by_date_equals_cli(ix, cli, corpus, q, sort, opt):
    hits = ix.search(q, n=20, sort=sort)
    assert [h.id for h in hits] == [r[0] for r in
                                    cli.search_tsv(q, "-n", "20", opt)]
    assert hits.total == cli.count(q)
    # the order by the corpus' own dates (all documents are dated)
    date = {r["id"]: r["date"] for r in corpus}
    ds = [date[h.id] for h in hits]
    assert ds == sorted(ds, reverse=(sort == "date-desc"))
    assert [h.date for h in hits] == ds


@pytest.mark.parametrize("q", SOME + ["zzzzqqq"])
def test_occurrences_equal_cli_hist(ix, cli, q):
    docs, occ = ix.count(q, occurrences=True)
    rows = cli.hist(q)
    assert rows, "kq hist printed no rows"
    assert docs == sum(int(r["docs"]) for r in rows) == cli.count(q)
    assert occ == sum(int(r["occurrences"]) for r in rows)
    assert occ >= docs


@pytest.mark.parametrize("q", SOME + ["zzzzqqq"])
def test_iter_every_match_once_in_docid_order(ix, cli, corpus, q):
    hits = list(ix.iter(q))
    ids = [h.id for h in hits]
    assert len(ids) == len(set(ids)) == cli.count(q)
    assert set(ids) == set(cli.ids(q, "--all"))
    docids = [h.docid for h in hits]
    assert docids == sorted(docids) and len(set(docids)) == len(docids)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    # docid order is the order of the corpus file (one kq-index run)
    pos = {r["id"]: i for i, r in enumerate(corpus)}
    assert [pos[i] for i in ids] == sorted(pos[i] for i in ids)
    # each match's score is its search score
    ranked = {h.id: h.score for h in ix.search(q, n=len(ids))}
    assert {h.id: h.score for h in hits} == pytest.approx(ranked, rel=1e-12)


def test_iter_is_a_generator_of_hits(ix):
    it = ix.iter("oil")
    first = next(it)
    assert isinstance(first, kq.Hit) and first.rank == 1


def sample_ids(corpus):
    ids = [r["id"] for r in corpus]
    return sorted({ids[0], ids[-1], *ids[::397]}, key=ids.index)


def test_doc_equals_cli_show_and_corpus(ix, cli, corpus):
    ids = sample_ids(corpus)
    ref = {r["id"]: r for r in cli.show(*ids)}
    rec = {r["id"]: r for r in corpus}
    assert len(ids) >= 8
    for i in ids:
        d = ix.doc(i)
        s = ref[i]
        assert d["id"] == i
        assert (d["title"], d["date"], d["source"], d["body"],
                d["fields"]) == (s["title"], s.get("date"), s.get("source"),
                                 s["text"], s["fields"])
        # and the corpus record it came from
        assert (d["title"], d["date"], d["source"], d["body"]) == (
            rec[i]["title"], rec[i]["date"], rec[i]["source"],
            rec[i]["body"])
        assert d["lang"] == "english"
        # by docid: the same document
        assert ix.find(i) == d["docid"]
        assert ix.doc(d["docid"]) == d
        without = ix.doc(i, body=False)
        assert "body" not in without
        assert without == {k: v for k, v in d.items() if k != "body"}


def test_doc_unknown_id_is_notfound(ix):
    assert ix.find("no-such-id") is None
    with pytest.raises(kq.NotFound):
        ix.doc("no-such-id")
    with pytest.raises(kq.NotFound):
        ix.doc(ix.stats()["documents"])  # one past the last docid


@pytest.mark.parametrize("q", QUERIES)
def test_parse_equals_cli(ix, cli, q):
    # kq search --parse prints the one-line form (kq parse prints a tree)
    assert ix.parse(q) == cli.parsed(q)


@pytest.mark.parametrize("q", ["oil cocoa gold", "+opec oil prices",
                               "oil gas -crude"])
def test_op_or_equals_cli_or(ix, cli, q):
    assert ix.parse(q, op_or=True) == cli.parsed(q, "--or")
    assert ix.parse(q, op_or=True) != ix.parse(q)
    n = ix.count(q, op_or=True)
    assert n == cli.count(q, "--or") != ix.count(q)
    hits = ix.search(q, n=20, op_or=True)
    assert [h.id for h in hits] == [r[0] for r in
                                    cli.search_tsv(q, "-n", "20", "--or")]
    assert hits.total == n
    assert len(list(ix.iter(q, op_or=True))) == n


@pytest.mark.parametrize("q", ["oil", "oil AND price", '"crude oil"',
                               "title:oil", "bank^2 OR rate"])
def test_explain_equals_search_and_cli(ix, cli, q):
    for h in ix.search(q, n=3):
        e = ix.explain(q, h.id)
        assert e["match"] is True
        assert rel_close(e["score"], h.score, 1e-9)
        assert ix.explain(q, h.docid) == e
        rc, ref = cli.explain(q, h.id)
        assert rc == 0
        assert rel_close(e["score"], ref["score"], 1e-9)
        assert e["length"] == ref["len"]
        assert e["documents"] == ref["documents"]
        assert rel_close(e["avg_length"], ref["avg_len"], 1e-9)
        assert len(e["terms"]) == len(ref["terms"]) > 0
        for t, r in zip(e["terms"], ref["terms"]):
            assert (t["term"], t["tf"], t["tf_title"], t["df"]) == (
                r["term"], r["tf"], r["tf_title"], r["df"])
            assert rel_close(t["idf"], r["idf"], 1e-9)
            assert rel_close(t["score"], r["score"], 1e-9)
        assert rel_close(sum(t["score"] for t in e["terms"]), e["score"],
                         1e-9)


def test_explain_non_matching_document(ix, cli):
    # document 1 (a cocoa report) has no "oil": the CLI exits 1
    rc, ref = cli.explain("oil", "1")
    assert rc == 1 and ref["match"] is False
    e = ix.explain("oil", "1")
    assert e["match"] is False
    assert e["score"] == 0


def test_stats_equal_cli(ix, cli, corpus):
    s = ix.stats()
    ref = json.loads(cli.run("stats", "--format=json", ok=(0,)).stdout)
    assert s["documents"] == ref["documents"] == len(corpus)
    assert s["tokens"] == ref["length"]
    assert s["generation"] == ref["generation"]
    assert s["segments"] == len(ref["segments"])
    assert s["title_weight"] == ref["title_weight"]
    assert rel_close(s["avg_doclen"], ref["avg_len"], 1e-9)
    assert s["backend"] == ref["backend"] == "kq"


def test_count_of_everything_is_the_corpus(ix, corpus):
    assert ix.count("*") == len(corpus)


def test_index_is_a_context_manager(native_dir):
    with kq.open(native_dir) as a:
        n = a.count("oil")
    assert n > 0
    with pytest.raises(kq.Misuse):
        a.count("oil")


def test_lang_option_analyses_the_query(native_dir, cli):
    # lang= is kq --lang: the query's words stemmed in that language
    q = "shipping OR prices"
    with kq.open(native_dir, lang="german") as a:
        assert a.parse(q) == cli.parsed(q, "--lang", "german")
        assert a.count(q) == cli.count(q, "--lang", "german")
    assert cli.parsed(q, "--lang", "german") != cli.parsed(q)


@pytest.mark.parametrize("q", ["oil AND prices", '"crude oil"', "opec"])
def test_search_fields_equal_cli(ix, cli, q):
    names = ["rank", "id", "len", "date", "source", "title", "snippet"]
    hits = ix.search(q, n=12, fields=names)
    out = cli.run("search", "--format=tsv", "--fields=" + ",".join(names),
                  "-n", "12", "--", q).stdout.splitlines()
    assert out[0].split("\t") == names
    rows = [line.split("\t") for line in out[1:]]
    assert len(hits) == len(rows) > 0
    for h, r in zip(hits, rows):
        got = ["" if h.get(k) is None else str(h.get(k)) for k in names]
        assert got == list(r)
    # the same columns, in the order asked, in a frame
    pandas = pytest.importorskip("pandas")
    frame = ix.search(q, n=12, fields=",".join(names), as_frame=True)
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == names
    assert list(frame["len"]) == [h.length for h in hits]


def test_search_fields_text_and_extra(tmp_path):
    from conftest import ROOT, build_index
    d = tmp_path / "sect"
    p = build_index(d, "--field", "section",
                    src=ROOT / "tests" / "data" / "facet" / "sections.jsonl")
    assert p.returncode == 0, p.stderr
    with kq.open(d) as six:
        hits = six.search("oil", n=5, fields=["id", "section", "text"])
        assert hits
        for h in hits:
            assert h.text == six.doc(h.id)["body"]
            assert h.get("section") == six.doc(h.id)["fields"].get("section")
            assert h.get("nosuchfield") is None
        assert any(h.get("section") for h in hits)
        # without "text" the body is not read
        assert all(h.text is None for h in six.search("oil", n=5))
    with pytest.raises(kq.Misuse):
        kq.open(d).search("oil", fields=[])
    with pytest.raises(kq.Misuse):
        kq.open(d).search("oil", fields=["id", ""])

"""kq.Writer round trips, checked with kq.open() and the kq CLI (kq count,
kq show), and against kq-index run on the same documents: commit on a
clean with-block, discard on an exception, replacing and deleting by id,
the writer lock (kq.IndexLocked, as kq-index sees it too) and stats()."""

import json
import math

import pytest

import kq
from conftest import KQ_INDEX, Cli, build_index, run_kq

DOCS = [
    dict(id="a1", title="Oil prices rise", date="1987-03-02",
         source="wire-one", body="Oil prices rose sharply in March.",
         section="markets"),
    dict(id="a2", title="Cocoa harvest", date="1987-04-01",
         source="wire-two", body="The cocoa harvest in Bahia was late.",
         section="farming"),
    dict(id="a3", title="Bond markets", date="1987-05-11",
         source="wire-one", body="Bond yields fell; oil was steady.",
         section="markets"),
]
WRITER_STATS_KEYS = {"added", "tokens", "skipped", "replaced", "deleted",
                     "segments"}


def write(path, docs, **opts):
    with kq.Writer(path, lang="english", **opts) as w:
        for d in docs:
            w.add(**d)
        st = w.stats()
    return st


def test_writer_index_equals_kq_index_of_the_same_documents(tmp_path,
                                                            corpus):
    docs = corpus[:60]
    ref = tmp_path / "ref"
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in docs),
                   encoding="utf-8")
    p = build_index(ref, src=src)
    assert p.returncode == 0, p.stderr
    mine = tmp_path / "mine"
    st = write(mine, [dict(id=r["id"], title=r["title"], date=r["date"],
                           source=r["source"], body=r["body"])
                      for r in docs])
    assert st["added"] == len(docs)
    with kq.open(mine) as a, kq.open(ref) as b:
        sa, sb = a.stats(), b.stats()
        for k in ("documents", "tokens", "avg_doclen", "title_weight"):
            assert sa[k] == sb[k], k
        for q in ["oil", "cocoa OR sugar", '"the company"', "export*",
                  "title:trade", "said NOT oil", "date:1987-02"]:
            ha, hb = a.search(q, n=50), b.search(q, n=50)
            assert ha.total == hb.total == Cli(ref).count(q)
            assert [h.id for h in ha] == [h.id for h in hb]
            for x, y in zip(ha, hb):
                assert math.isclose(x.score, y.score, rel_tol=1e-12)
        for r in docs[::7]:
            d = a.doc(r["id"])
            assert (d["title"], d["date"], d["source"], d["body"]) == (
                r["title"], r["date"], r["source"], r["body"])


def test_extra_field_round_trip(tmp_path):
    d = tmp_path / "ix"
    st = write(d, DOCS)
    assert st["added"] == 3 and st["replaced"] == 0
    cli = Cli(d)
    # the CLI finds the extra field's words
    assert cli.count("section:markets") == 2
    assert cli.count("section:farming") == 1
    with kq.open(d) as ix:
        assert ix.count("section:markets") == 2
        assert {h.id for h in ix.search("section:markets")} == {"a1", "a3"}
        shown = {r["id"]: r for r in cli.show("a1", "a2", "a3")}
        for src in DOCS:
            doc = ix.doc(src["id"])
            assert doc["fields"] == {"section": src["section"]}
            assert (doc["title"], doc["date"], doc["source"],
                    doc["body"]) == (src["title"], src["date"],
                                     src["source"], src["body"])
            s = shown[src["id"]]
            assert doc["fields"] == s["fields"]
            assert doc["body"] == s["text"] and doc["title"] == s["title"]
        hit = ix.search("section:farming", n=1)[0]
        assert hit.id == "a2" and hit.fields == {"section": "farming"}


def test_nothing_visible_until_commit(tmp_path):
    d = tmp_path / "ix"
    write(d, DOCS[:1])
    w = kq.Writer(d)
    try:
        w.add(**DOCS[1])
        with kq.open(d) as ix:
            assert ix.count("*") == 1
        assert Cli(d).count("cocoa") == 0
        w.commit()
        with kq.open(d) as ix:
            assert ix.count("*") == 2
        assert Cli(d).count("cocoa") == 1
        w.add(**DOCS[2])
    finally:
        w.close()  # discards a3
    with kq.open(d) as ix:
        assert ix.count("*") == 2 and ix.find("a3") is None


def test_replace_by_id(tmp_path):
    d = tmp_path / "ix"
    write(d, DOCS)
    new = dict(DOCS[0], title="Oil prices fall", body="Crude slumped.")
    with kq.Writer(d) as w:
        w.add(**new)
        st = w.stats()
    assert st["replaced"] == 1 and st["added"] == 1
    cli = Cli(d)
    with kq.open(d) as ix:
        assert ix.count("*") == 3 == cli.count("*")
        doc = ix.doc("a1")
        assert (doc["title"], doc["body"]) == (new["title"], new["body"])
        assert ix.count("slumped") == 1 == cli.count("slumped")
        assert ix.count("sharply") == 0 == cli.count("sharply")
    # the same contents again: skipped, not replaced
    with kq.Writer(d) as w:
        w.add(**new)
        st = w.stats()
    assert st["skipped"] == 1 and st["replaced"] == 0


def test_delete(tmp_path):
    d = tmp_path / "ix"
    write(d, DOCS)
    with kq.Writer(d) as w:
        assert w.delete("a2") is True
        assert w.delete("a2") is False
        assert w.delete("no-such-id") is False
        assert w.stats()["deleted"] == 1
    cli = Cli(d)
    assert cli.count("*") == 2 and cli.count("cocoa") == 0
    assert cli.run("show", "a2", ok=(1,)).returncode == 1
    with kq.open(d) as ix:
        assert ix.count("*") == 2
        assert ix.find("a2") is None
        with pytest.raises(kq.NotFound):
            ix.doc("a2")


def test_exception_in_with_block_discards(tmp_path):
    d = tmp_path / "ix"
    write(d, DOCS[:2])
    with kq.open(d) as ix:
        gen = ix.stats()["generation"]

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with kq.Writer(d) as w:
            w.add(**DOCS[2])
            w.delete("a1")
            raise Boom()
    cli = Cli(d)
    assert cli.count("*") == 2 and cli.count("bond") == 0
    with kq.open(d) as ix:
        assert ix.count("*") == 2
        assert ix.find("a1") is not None and ix.find("a3") is None
        assert ix.stats()["generation"] == gen
    # and the lock was released: a writer opens at once
    kq.Writer(d, wait=0.1).close()


def test_second_writer_is_locked_out(tmp_path):
    d = tmp_path / "ix"
    with kq.Writer(d) as w:
        w.add(**DOCS[0])
        with pytest.raises(kq.IndexLocked) as e:
            kq.Writer(d, wait=0.1)
        assert e.value.code == 9 and e.value.name == "KQ_BUSY"
        assert "kq.lock" in str(e.value)
        assert isinstance(e.value, kq.Error)
        # kq-index sees the same lock: exit 3 (cannot be opened/written)
        p = run_kq(["-q", "--wait", "0", "-d", d, "/dev/null"], ok=None,
                   prog=KQ_INDEX)
        assert p.returncode == 3 and "kq.lock" in p.stderr
    with kq.Writer(d, wait=0.1) as w2:
        w2.add(**DOCS[1])
    assert Cli(d).count("*") == 2


def test_writer_stats_keys(tmp_path):
    with kq.Writer(tmp_path / "ix") as w:
        assert set(w.stats()) == WRITER_STATS_KEYS
        assert all(v == 0 for v in w.stats().values())
        for doc in DOCS:
            w.add(**doc)
        st = w.stats()
        assert set(st) == WRITER_STATS_KEYS
        assert st["added"] == 3
        assert st["tokens"] > 0
        assert (st["skipped"], st["replaced"], st["deleted"]) == (0, 0, 0)


def test_closed_writer_is_misuse(tmp_path):
    w = kq.Writer(tmp_path / "ix")
    w.close()
    w.close()  # twice is fine
    for call in (lambda: w.add(id="x", body="y"), w.commit, w.stats,
                 lambda: w.delete("x")):
        with pytest.raises(kq.Misuse):
            call()


def test_memory_as_a_size(tmp_path):
    write(tmp_path / "ix", DOCS, memory="64M")
    assert Cli(tmp_path / "ix").count("*") == 3
    with pytest.raises(kq.Misuse):
        kq.Writer(tmp_path / "iy", memory="lots")


def test_xapian_writer(tmp_path, xapian_dir):
    # xapian_dir: skips the test where there is no Xapian backend
    d = tmp_path / "x"
    with kq.Writer(d, lang="english", xapian=True) as w:
        for doc in DOCS:
            w.add(**doc)
    with kq.open(d) as ix:
        assert ix.stats()["backend"] == "xapian"
        assert ix.count("oil") == 2 == Cli(d).count("oil")

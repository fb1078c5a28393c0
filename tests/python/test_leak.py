"""Memory and threads: many calls do not grow the process (each call's
objects and the engine's buffers are freed, error paths included), and
threads sharing one Index, or each with its own, get the serial answers."""

import os
import subprocess
import sys
import threading

import pytest

import kq
from conftest import ROOT

QS = ["oil", "oil AND price", '"crude oil"', "export*", "title:oil",
      "opec AND date:1987-03", "bank^2 OR rate", "zzzzqqq"]
LIMIT = 8 * 1024 * 1024  # bytes of RSS growth allowed over the loop


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def work(ix, i):
    q = QS[i % len(QS)]
    hits = ix.search(q, n=10)  # a doc() call per hit
    if hits:
        ix.doc(hits[0].id)  # with the body
        ix.doc(hits[-1].docid, body=False)
    if i % 10 == 0:
        ix.count(q, occurrences=True)
        ix.parse(q)
        try:
            ix.count("oil AND")
        except kq.QuerySyntaxError:
            pass
        try:
            ix.doc("no-such-id")
        except kq.NotFound:
            pass
    if i % 50 == 0:
        ix.explain("oil", "17408")
        sum(1 for _ in ix.iter("title:oil"))
    if i % 500 == 0:
        ix.collocates("opec", by="stem", stop=["the"])
        ix.keywords("opec", by="stem")
    return hits.total


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"),
                    reason="needs /proc")
@pytest.mark.skipif(os.environ.get("KQ_ASAN") == "1",
                    reason="ASan keeps freed memory in quarantine (its "
                    "LeakSanitizer checks this build instead)")
def test_ten_thousand_searches_do_not_grow(ix):
    for i in range(500):  # warm-up: caches, allocator arenas
        work(ix, i)
    before = rss()
    totals = 0
    for i in range(10_000):
        totals += work(ix, i) > 0
    grown = rss() - before
    assert totals > 0
    assert grown < LIMIT, "RSS grew by %.1f MB" % (grown / 1e6)


def run_threads(fn, n=4):
    barrier = threading.Barrier(n)
    out, errs = [None] * n, []

    def main(k):
        try:
            barrier.wait()
            out[k] = fn(k)
        except BaseException as e:  # reported below
            errs.append(e)

    ts = [threading.Thread(target=main, args=(k,)) for k in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert not errs, errs
    assert all(not t.is_alive() for t in ts)
    return out


def answers(ix, rounds=25, hits=True):
    return [(q, ix.count(q), [h.id for h in ix.search(q, n=5)] if hits
             else None) for _ in range(rounds) for q in QS]


def test_threads_sharing_one_index_count(ix, cli):
    serial = answers(ix, rounds=50, hits=False)
    assert serial[0][1] == cli.count(QS[0])
    out = run_threads(lambda k: answers(ix, rounds=50, hits=False))
    assert all(o == serial for o in out)


def test_threads_sharing_one_index_search(ix):
    serial = answers(ix)
    out = run_threads(lambda k: answers(ix))
    assert all(o == serial for o in out)


def test_threads_each_with_its_own_index(ix, native_dir):
    serial = answers(ix, rounds=10)

    def own(k):
        with kq.open(native_dir) as mine:
            return answers(mine, rounds=10)

    assert all(o == serial for o in run_threads(own))


CLOSE_RACE = r"""
import sys, threading, kq
for rnd in range(20):
    shared = kq.open(sys.argv[1])
    n = shared.count("oil")
    barrier = threading.Barrier(4)
    bad = []
    def fn(k):
        barrier.wait()
        if k == 0:
            shared.close()
            return
        for _ in range(200):
            try:
                c = shared.count("oil")
                if c != n:
                    bad.append(c)
            except kq.Misuse:
                pass
    ts = [threading.Thread(target=fn, args=(k,)) for k in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not bad, bad
print("ok")
"""


def test_closing_while_other_threads_count(native_dir):
    # in a child process: the bug is a segmentation fault
    env = dict(os.environ, PYTHONPATH=str(ROOT / "python"))
    p = subprocess.run([sys.executable, "-c", CLOSE_RACE, str(native_dir)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0 and p.stdout.strip() == "ok", (
        p.returncode, p.stderr[-2000:])

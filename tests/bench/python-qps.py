#!/usr/bin/env python3
# tests/bench/python-qps.py KQ_BIN CORPUS.jsonl[.gz] QUERIES.tsv WORKDIR
#
# Queries per second from Python (issue 20), one run, side by side:
#   kq-python  kq.open(native index).search(q, n=10), in process
#   kq-cli     a `kq -d IDX search -n 10 --format=tsv q` process per query
#   xapian-py  python3-xapian on the same documents indexed by
#              kq-index --backend=xapian (kq's analysis: Snowball English
#              stems, no prefixes), the query through xapian.QueryParser
#              (STEM_ALL, default AND; OR queries with OP_OR), top 10
# QUERIES.tsv: qid, type, query (../shared/bench's generated queries); the
# and2 and or3 ones are used (the forms both query languages share).  Each
# peer runs every query 3 times after a warm-up pass; qps = queries / the
# median of the passes.  Run with a Python that has python3-xapian (Debian's
# /usr/bin/python3) and the package built (make python-build), e.g.
#   PYTHONPATH=python /usr/bin/python3 tests/bench/python-qps.py . \
#       ../shared/corpora/reuters21578/docs.jsonl.gz \
#       ../shared/bench/.../queries.tsv /tmp/pyqps
import os
import statistics
import subprocess
import sys
import time

kq_bin, corpus, qfile, work = sys.argv[1:5]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "python"))
import kq  # noqa: E402

os.makedirs(work, exist_ok=True)
nidx, xidx = os.path.join(work, "n"), os.path.join(work, "x")
for d, extra in ((nidx, []), (xidx, ["--backend=xapian"])):
    if not os.path.exists(d):
        subprocess.run([os.path.join(kq_bin, "kq-index"), "-q", *extra, "-d",
                        d, corpus], check=True)
qs = []
for line in open(qfile):
    qid, typ, q = line.rstrip("\n").split("\t")
    if typ in ("and2", "or3"):
        qs.append((typ, q))


def passes(run, n=3):
    run()  # warm-up
    t = []
    for _ in range(n):
        t0 = time.perf_counter()
        run()
        t.append(time.perf_counter() - t0)
    return len(qs) / statistics.median(t)


ix = kq.open(nidx)
res = {}
res["kq-python"] = passes(lambda: [ix.search(q, n=10) for _t, q in qs])
kqp = os.path.join(kq_bin, "kq")
res["kq-cli"] = passes(lambda: [subprocess.run(
    [kqp, "-d", nidx, "search", "-n", "10", "--format=tsv", q],
    stdout=subprocess.DEVNULL) for _t, q in qs], n=1)
try:
    import xapian
    db = xapian.Database(xidx)
    enq = xapian.Enquire(db)
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("english"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_ALL)
    qp.set_database(db)

    def xrun():
        for typ, q in qs:
            qp.set_default_op(xapian.Query.OP_OR if typ == "or3"
                              else xapian.Query.OP_AND)
            enq.set_query(qp.parse_query(q.replace(" AND ", " ")
                                         .replace(" OR ", " ")))
            m = enq.get_mset(0, 10)
            [x.docid for x in m]
    res["xapian-py"] = passes(xrun)
except ImportError:
    print("(no python3-xapian: apt-get install python3-xapian)")
print("queries\t%d (and2 + or3)" % len(qs))
for k, v in res.items():
    print("%s\t%.0f queries/s\t%.3f ms/query" % (k, v, 1000.0 / v))
if "xapian-py" in res:
    print("kq-python / xapian-py time ratio\t%.2f"
          % (res["xapian-py"] / res["kq-python"]))
print("kq-python / kq-cli time ratio\t%.3f" % (res["kq-cli"] / res["kq-python"]))

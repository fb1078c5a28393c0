"""kq.open() over shards: a stub (kq-index --backend=xapian --shards 2)
and the same shards served by xapian-tcpsrv on 127.0.0.1, opened as a
list of tcp:// URLs, give the counts and hits of one local database
holding every document (hits as sorted (score, id): docids interleave
across shards, so equal scores may come in another order)."""

import os
import random
import shutil
import socket
import subprocess
import time

import pytest

import kq
from conftest import _env, build_index

QS = ["oil", "oil AND prices", '"crude oil"', "opec OR ceasefire",
      "title:gold", "bank AND NOT rate"]


def canon(index, q):
    hits = index.search(q, n=1000)
    return hits.total, sorted(("%.8g" % h.score, h.id) for h in hits)


def owns_port(pid, port):
    """Does process pid listen on 127.0.0.1:port (/proc/net/tcp)?"""
    want = "0100007F:%04X" % port
    try:
        fds = {os.readlink("/proc/%d/fd/%s" % (pid, f))
               for f in os.listdir("/proc/%d/fd" % pid)}
        with open("/proc/net/tcp") as f:
            rows = [line.split() for line in f.readlines()[1:]]
    except OSError:
        return False
    return any(r[1] == want and r[3] == "0A" and
               "socket:[%s]" % r[9] in fds for r in rows)


def serve(db):
    """xapian-tcpsrv on a free port for db: (process, port).  A port free
    a moment ago may be taken before the server binds it, so a server
    counts as started only once it listens there itself."""
    rng = random.Random()
    for _ in range(5):
        port = rng.randrange(20000, 32000)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                continue  # taken
        p = subprocess.Popen(["xapian-tcpsrv", "--quiet", "--interface",
                              "127.0.0.1", "--port", str(port), str(db)],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=_env(),
                             start_new_session=True)
        for _ in range(300):
            if owns_port(p.pid, port):
                return p, port
            if p.poll() is not None:
                break
            time.sleep(0.1)
        p.kill()
        p.wait()
    pytest.fail("xapian-tcpsrv did not start")


@pytest.fixture(scope="module")
def shards(work):
    if shutil.which("xapian-tcpsrv") is None:
        pytest.skip("no xapian-tcpsrv (xapian-tools)")
    d = work / "shards"
    p = build_index(d, "--backend=xapian", "--shards", "2")
    assert p.returncode == 0, p.stderr
    servers = [serve(d / ("shard%03d" % i)) for i in range(2)]
    yield d, ["tcp://127.0.0.1:%d" % port for _p, port in servers]
    for proc, _port in servers:
        proc.terminate()
        proc.wait()


@pytest.mark.parametrize("q", QS)
def test_stub_and_tcp_shards_equal_one_database(xix, shards, q):
    d, urls = shards
    want = canon(xix, q)
    assert want[0] > 0 or q == "title:gold"
    with kq.open(d) as stub:
        assert stub.stats()["backend"] == "xapian"
        assert canon(stub, q) == want
        assert stub.count(q) == want[0]
    with kq.open(*urls) as remote:
        assert remote.stats()["documents"] == xix.stats()["documents"]
        assert canon(remote, q) == want
        assert remote.count(q) == want[0]


def test_tcp_shard_down_raises(shards):
    # nothing listens on port 1: Xapian's NetworkError, named
    with pytest.raises(kq.XapianError) as e:
        kq.open("tcp://127.0.0.1:1").count("oil")
    assert "127.0.0.1:1" in e.value.message

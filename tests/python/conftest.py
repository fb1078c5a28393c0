"""Fixtures of the Python package's tests (tests/python).

The package (python/kq) is checked against independent references: the
kq CLI (./kq, ./kq-index: another program over the same library, whose
outputs the CLI suites already check against the oracles) and the test
corpus itself (tests/data/reuters/slice.jsonl.gz, read here with gzip and
json).  The indexes are built once per session with kq-index in a
temporary directory.

KQ_BIN: the directory of the kq and kq-index binaries (default: the
repository root; a relative one is from the current directory).  The
package is imported from python/ of this checkout, or from KQ_PYLIB (the
ASan build of `make python-check-san`).
Run:  PYTHONPATH=python /usr/bin/python3 -m pytest -q tests/python
"""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# as tests/cli/helpers.bash: a relative KQ_BIN is from the current directory
KQ_BIN = Path(os.environ.get("KQ_BIN") or ROOT).resolve()
KQ = KQ_BIN / "kq"
KQ_INDEX = KQ_BIN / "kq-index"
CORPUS = ROOT / "tests" / "data" / "reuters" / "slice.jsonl.gz"

# This checkout's package, not one installed elsewhere.
sys.path.insert(0, os.environ.get("KQ_PYLIB") or str(ROOT / "python"))
import kq  # noqa: E402


def _env():
    env = dict(os.environ)
    env.pop("KQ_INDEX", None)
    env.pop("LD_PRELOAD", None)  # (python-check-san's ASan runtime)
    env["NO_COLOR"] = "1"
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def run_kq(args, ok=(0, 1), prog=None):
    """Run kq (or prog) with args; the CompletedProcess (text).  Fails the
    test unless the exit status is in ok (None: any)."""
    cmd = [str(prog or KQ), *[str(a) for a in args]]
    p = subprocess.run(cmd, capture_output=True, text=True, env=_env(),
                       timeout=60)
    if ok is not None and p.returncode not in ok:
        pytest.fail("%r exited %d: %s" % (cmd, p.returncode, p.stderr))
    return p


class Cli:
    """The kq CLI on one index: the reference the package is compared
    with."""

    def __init__(self, path):
        self.path = Path(path)

    def run(self, *args, ok=(0, 1)):
        return run_kq(["-d", self.path, *args], ok=ok)

    def count(self, q, *opts):
        p = self.run("count", *opts, "--", q)
        return int(p.stdout.strip())

    def search_tsv(self, q, *opts, fields="id,score"):
        """[(field values...)] of kq search --format=tsv (header checked)."""
        p = self.run("search", "--format=tsv", "--fields=" + fields,
                     "--no-snippets", *opts, "--", q)
        lines = p.stdout.splitlines()
        assert lines and lines[0].split("\t") == fields.split(","), p.stdout
        return [tuple(line.split("\t")) for line in lines[1:]]

    def ids(self, q, *opts):
        p = self.run("search", "--format=ids", *opts, "--", q)
        return p.stdout.split()

    def show(self, *ids):
        p = self.run("show", "--format=json", *ids, ok=(0,))
        return json.loads(p.stdout)

    def parsed(self, q, *opts):
        p = self.run("search", "--parse", *opts, "--", q, ok=(0,))
        return p.stdout.strip()

    def explain(self, q, id_):
        p = self.run("explain", "--format=json", q, id_, ok=(0, 1))
        return p.returncode, json.loads(p.stdout)

    def hist(self, q):
        """The rows of kq hist --format=tsv as dicts."""
        p = self.run("hist", "--format=tsv", "--", q, ok=(0, 1))
        lines = p.stdout.splitlines()
        head = lines[0].split("\t")
        return [dict(zip(head, line.split("\t"))) for line in lines[1:]]


def build_index(dest, *opts, src=CORPUS):
    return subprocess.run([str(KQ_INDEX), "-q", *opts, "-d", str(dest),
                           str(src)], capture_output=True, text=True,
                          env=_env(), timeout=300)


@pytest.fixture(scope="session")
def corpus():
    """The test corpus, read directly: [record] in file order."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("kqpy")


@pytest.fixture(scope="session")
def native_dir(work):
    d = work / "native"
    p = build_index(d)
    assert p.returncode == 0, p.stderr
    return d


@pytest.fixture(scope="session")
def xapian_dir(work):
    d = work / "xapian"
    p = build_index(d, "--backend=xapian")
    if p.returncode != 0:
        pytest.skip("no Xapian backend here: " + p.stderr.strip())
    return d


@pytest.fixture(scope="session")
def ix(native_dir):
    with kq.open(native_dir) as index:
        yield index


@pytest.fixture(scope="session")
def xix(xapian_dir):
    with kq.open(xapian_dir) as index:
        yield index


@pytest.fixture(scope="session")
def cli(native_dir):
    return Cli(native_dir)


@pytest.fixture(scope="session")
def xcli(xapian_dir):
    return Cli(xapian_dir)

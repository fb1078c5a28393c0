#!/usr/bin/env python3
"""extra_queries.py -- the query latencies the shared bench does not measure:
single-term and 5-term OR queries (kq vs Xapian vs FTS5), the hard set of
frequent words (hard_queries.py: pairs, triples, phrases and required +
optional mixes), and exact match counts (kq vs Xapian).  Python 3 standard library only.  Called by
tests/bench/extra_queries.sh, which documents what is compared; run that.

    extra_queries.py CORPUS_DIR_OR_NAME [--rounds 3] [--inner-reps 3] [--cli-reps 3]
                     [--peers kq,xapian,fts5] [--peer-file build/kq.ini] [--kq ./kq]
                     [--no-counts] [--no-cli] [--no-hard]

Reads   $KBENCH_WORK/<corpus>/queries.tsv and idx/{kq,xapian,fts5.sqlite}
        (written by ../shared/bench/run_all.sh, i.e. `make bench`);
writes  $KBENCH_WORK/<corpus>/extra/ (queries, latency TSVs, TREC runs,
        commands.log, extra.md, extra.json) and prints extra.md.
"""
import configparser
import json
import os
import random
import re
import shlex
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "/tmp/kbench/build")
WORK = os.environ.get("KBENCH_WORK", "/tmp/kbench/work")
HARNESS_TYPES = ("and2", "or3", "phrase", "andnot")
EXTRA_TYPES = ("single", "or5")
# hard_queries.py's types; hmix runs with --op or (its optional words only
# rank), against Xapian alone: FTS5 has no required + optional form.
HARD_TYPES = ("hand2", "hand3", "hor3", "hphrase2", "hphrase3", "hmix")
N_PER_TYPE = 100
RETRIES = 10          # a binary being rebuilt is retried this many times,
RETRY_SLEEP = 3.0     # this many seconds apart
LOG = None


def die(msg, code=2):
    sys.stderr.write("extra_queries: %s\n" % msg)
    sys.exit(code)


def log(msg):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def record(argv):
    s = " ".join(shlex.quote(a) for a in argv)
    if LOG:
        with open(LOG, "a") as f:
            f.write(s + "\n")
    return s


# ------------------------------------------------ statistics, as lib/harness.py
def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pct(xs, p):
    """nearest-rank percentile (harness.pct)"""
    if not xs:
        return float("nan")
    s = sorted(xs)
    r = max(1, min(len(s), int(-(-p * len(s) // 100))))
    return s[r - 1]


def read_lat(path):
    rows = []
    with open(path) as f:
        next(f, None)
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 6:
                rows.append({"qid": p[0], "type": p[1], "ms": float(p[2]), "min": float(p[3]),
                             "nret": int(p[4]), "nmatch": int(p[5])})
    return rows


def fmt(x, nd=2):
    if x is None or (isinstance(x, float) and x != x):
        return "—"
    if isinstance(x, float):
        if abs(x) >= 100:
            return "%.0f" % x
        if abs(x) >= 10:
            return "%.1f" % x
        return ("%%.%df" % nd) % x
    return str(x)


def ratio(a, b):
    if a is None or b is None or a != a or b != b or b == 0:
        return float("nan")
    return a / b


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(c if isinstance(c, str) else fmt(c) for c in r) + " |")
    return "\n".join(out)


# ------------------------------------------------ queries
def read_queries(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) != 3 or p[0] == "qid" or line.startswith("#"):
                continue
            rows.append(p)
    return rows


def derive_queries(harness_rows, path):
    """100 single-word and 100 five-word OR queries from the words of the
    harness queries (sorted unique, random.Random(1)): deterministic."""
    words = set()
    for _, _, q in harness_rows:
        for w in re.findall(r"[A-Za-z0-9]+", q):
            if w not in ("AND", "OR", "NOT"):
                words.add(w.lower())
    words = sorted(words)
    if len(words) < 5:
        die("only %d distinct words in the harness queries" % len(words))
    rng = random.Random(1)
    if len(words) >= N_PER_TYPE:
        singles = rng.sample(words, N_PER_TYPE)
    else:
        singles = [rng.choice(words) for _ in range(N_PER_TYPE)]
    rows = [("single-%03d" % (i + 1), "single", w) for i, w in enumerate(singles)]
    rows += [("or5-%03d" % (i + 1), "or5", " OR ".join(rng.sample(words, 5))) for i in range(N_PER_TYPE)]
    write_queries(path, rows)
    return rows, len(words)


def write_queries(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("qid\ttype\tquery\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


# ------------------------------------------------ peers (as the harness finds them)
def find_peers(work, peer_file):
    idx = os.path.join(work, "idx")
    peers = {}
    kq_idx = os.path.join(idx, "kq")
    kq_query = None
    if peer_file and os.path.exists(peer_file):
        cp = configparser.ConfigParser(interpolation=None)
        cp.read(peer_file)
        if "kq" in cp:
            s = cp["kq"]
            sub = lambda t: [a.format(idx=kq_idx, docs="", docs_raw="", bench="", build=BUILD)
                             for a in shlex.split(t)]
            kq_idx = sub(s.get("index_path", "{idx}"))[0]
            kq_query = sub(s["query"])
    if not kq_query:
        kq_query = [os.path.join(ROOT, "build", "kq_query"), "--db", kq_idx]
    peers["kq"] = {"index": kq_idx, "query": kq_query}
    peers["xapian"] = {"index": os.path.join(idx, "xapian"),
                       "query": [BUILD + "/xapian_query", "--db", os.path.join(idx, "xapian")]}
    peers["fts5"] = {"index": os.path.join(idx, "fts5.sqlite"),
                     "query": [BUILD + "/fts5_query", "--db", os.path.join(idx, "fts5.sqlite")]}
    return peers


def run_retry(argv, what, **kw):
    """subprocess.run, retried while the program is missing or fails to start
    (kq / kq_query may be rebuilt while we run).  -> CompletedProcess"""
    for attempt in range(RETRIES + 1):
        if not os.path.exists(argv[0]):
            if attempt == RETRIES:
                die("%s: %s is missing (build it: `make bench` builds build/kq_query, "
                    "`make` builds ./kq, ../shared/bench `make` the peers)" % (what, argv[0]))
            log("%s: %s missing, retrying in %.0f s" % (what, argv[0], RETRY_SLEEP))
            time.sleep(RETRY_SLEEP)
            continue
        try:
            return subprocess.run(argv, **kw)
        except OSError as e:          # ETXTBSY, ENOEXEC: being written
            if attempt == RETRIES:
                die("%s: cannot run %s: %s" % (what, argv[0], e))
            log("%s: %s: %s, retrying in %.0f s" % (what, argv[0], e, RETRY_SLEEP))
            time.sleep(RETRY_SLEEP)
    raise AssertionError


def batch(peers, names, qfile, outdir, tag, rounds, inner, extra=None, op="and"):
    """harness.phase_queries over qfile: `rounds` rounds x every peer, one batch
    process each (1 warm-up + `inner` timed passes, k=10, --op op).
    -> {peer: {"per_q": {qid: ms}, "meta": {qid: row}, "rounds": [[ms...]...]}}"""
    extra = extra or {}
    lat = {p: {} for p in names}
    meta = {p: {} for p in names}
    for r in range(rounds):
        for p in names:
            latf = os.path.join(outdir, "lat.%s.%s.%d.tsv" % (tag, p, r))
            runf = os.path.join(outdir, "run.%s.%s.txt" % (tag, p))
            argv = peers[p]["query"] + extra.get(p, []) + [
                "--queries", qfile, "--k", "10", "--op", op, "--warmup", "1",
                "--repeat", str(inner), "--lat-out", latf, "--tag", p]
            for attempt in range(RETRIES + 1):
                log("%s round %d/%d: %s" % (tag, r + 1, rounds, p))
                record(argv)
                if os.path.exists(latf):
                    os.unlink(latf)
                # The exact-count phase: kq_query computes exact totals only
                # when asked (by default it prunes, like the other peers).
                env = dict(os.environ, KQ_BENCH_EXACT="1") if tag == "exact" else None
                with open(runf, "w") as f:
                    rc = run_retry(argv, p, stdout=f, stderr=subprocess.DEVNULL,
                                   env=env).returncode
                rows = read_lat(latf) if os.path.exists(latf) else []
                if rc in (0, 3) and rows:
                    break
                if attempt == RETRIES:
                    die("%s: batch run failed (rc=%d): %s" % (p, rc, record(argv)), 1)
                log("%s: rc=%d, retrying in %.0f s" % (p, rc, RETRY_SLEEP))
                time.sleep(RETRY_SLEEP)
            if rc == 3:
                log("%s: some queries failed (rc=3), see %s" % (p, argv[0]))
            for row in rows:
                lat[p].setdefault(row["qid"], []).append(row["ms"])
                meta[p][row["qid"]] = row
    return {p: {"per_q": {q: median(v) for q, v in lat[p].items()}, "meta": meta[p],
                "rounds": lat[p]} for p in names}


def summarize(res, types):
    """per type: median and p95 (nearest rank) over the per-query latencies"""
    out = {}
    for p, r in res.items():
        out[p] = {}
        for t in types + ("all",):
            xs = [v for q, v in r["per_q"].items() if t == "all" or r["meta"][q]["type"] == t]
            out[p][t] = {"median": median(xs), "p95": pct(xs, 95), "n": len(xs)}
    return out


def latency_table(summ, names, types, base="kq"):
    hdr = ["peer"] + ["%s med / p95 ms" % t for t in types]
    rows = []
    for p in names:
        rows.append([p] + ["%s / %s" % (fmt(summ[p][t]["median"], 3), fmt(summ[p][t]["p95"], 3))
                           for t in types])
    for p in names:
        if p == base or base not in summ:
            continue
        rows.append(["%s/%s (ratio)" % (base, p)] + [
            "%s / %s" % (fmt(ratio(summ[base][t]["median"], summ[p][t]["median"])),
                         fmt(ratio(summ[base][t]["p95"], summ[p][t]["p95"])))
            for t in types])
    return md_table(hdr, rows)


# ------------------------------------------------ CLI exact counts
def cli_counts(peers, kq_bin, rows, reps):
    """one process per query and peer, interleaved as harness.phase_cli:
    kq -d IDX -c -- Q  vs   xapian_query --db IDX --exact-count 1 --k 1 --no-run --lat-out - Q
    -> ({peer: {qid: [ms]}}, {peer: {qid: count}})"""
    argvs = {
        "kq": lambda q: [kq_bin, "-d", peers["kq"]["index"], "-c", "--", q],
        "xapian": lambda q: peers["xapian"]["query"] + ["--exact-count", "1", "--k", "1", "--no-run",
                                                        "--lat-out", "-", q],
    }
    times = {p: {} for p in argvs}
    counts = {p: {} for p in argvs}
    for p, mk in argvs.items():
        record(mk("QUERY"))
    for r in range(reps):
        log("CLI counts round %d/%d: %d queries x kq, xapian" % (r + 1, reps, len(rows)))
        for qid, _, q in rows:
            for p, mk in argvs.items():
                argv = mk(q)
                for attempt in range(RETRIES + 1):
                    t0 = time.perf_counter()
                    cp = run_retry(argv, p, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    ms = (time.perf_counter() - t0) * 1e3
                    n = parse_count(p, cp)
                    if n is not None:
                        break
                    if attempt == RETRIES:
                        die("%s: no count from %s (rc=%d): %s" % (
                            p, record(argv), cp.returncode, cp.stderr.decode(errors="replace")[:300]), 1)
                    log("%s: no count (rc=%d) for %s, retrying in %.0f s" % (p, cp.returncode, qid, RETRY_SLEEP))
                    time.sleep(RETRY_SLEEP)
                times[p].setdefault(qid, []).append(ms)
                counts[p][qid] = n
    return times, counts


def parse_count(p, cp):
    if p == "kq":
        if cp.returncode not in (0, 1):
            return None
        m = re.match(rb"\s*(\d+)\s*$", cp.stdout)
        return int(m.group(1)) if m else None
    for line in cp.stderr.decode(errors="replace").splitlines():
        f = line.split("\t")
        if len(f) >= 6 and f[0] == "1":
            return int(f[5])
    return None


# ------------------------------------------------ main
def parse_args(argv):
    if not argv or argv[0] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        sys.exit(2)
    a = {"corpus": argv[0], "rounds": 3, "inner_reps": 3, "cli_reps": 3, "peers": "kq,xapian,fts5",
         "peer_file": os.path.join(ROOT, "build", "kq.ini"), "kq": os.path.join(ROOT, "kq"),
         "no_counts": False, "no_cli": False, "no_hard": False}
    it = iter(argv[1:])
    for x in it:
        if not x.startswith("--"):
            die("unexpected argument %s" % x)
        k = x[2:].replace("-", "_")
        if k in ("no_counts", "no_cli", "no_hard"):
            a[k] = True
        elif k in a and k != "corpus":
            try:
                a[k] = next(it)
            except StopIteration:
                die("%s needs a value" % x)
        else:
            die("unknown option %s (see --help)" % x)
    for k in ("rounds", "inner_reps", "cli_reps"):
        try:
            a[k] = int(a[k])
        except ValueError:
            die("--%s: not a number: %s" % (k.replace("_", "-"), a[k]))
        if a[k] < 1 and k != "cli_reps":
            die("--%s must be >= 1" % k.replace("_", "-"))
    return a


def main():
    global LOG
    a = parse_args(sys.argv[1:])
    name = os.path.basename(os.path.abspath(a["corpus"]).rstrip("/"))
    work = os.path.join(WORK, name)
    qpath = os.path.join(work, "queries.tsv")
    if not os.path.isdir(work) or not os.path.exists(qpath):
        die("%s (with queries.tsv) is missing: run the shared bench for this corpus first "
            "(`make bench`, or ../shared/bench/run_all.sh %s --peer-file build/kq.ini)" % (work, a["corpus"]))
    outdir = os.path.join(work, "extra")
    os.makedirs(outdir, exist_ok=True)
    LOG = os.path.join(outdir, "commands.log")
    open(LOG, "w").close()

    peers = find_peers(work, a["peer_file"])
    names = [p.strip() for p in a["peers"].split(",") if p.strip()]
    bad = [p for p in names if p not in peers]
    if bad:
        die("unknown peers %s (known: kq, xapian, fts5)" % ",".join(bad))
    for p in list(names):
        if not os.path.exists(peers[p]["index"]):
            if p == "kq":
                die("kq index %s is missing: run `make bench` first" % peers[p]["index"])
            log("skipping %s: no index at %s" % (p, peers[p]["index"]))
            names.remove(p)

    harness_rows = read_queries(qpath)
    extra_path = os.path.join(outdir, "extra_queries.tsv")
    extra_rows, nwords = derive_queries(harness_rows, extra_path)
    all_path = os.path.join(outdir, "all_queries.tsv")
    write_queries(all_path, harness_rows + extra_rows)
    log("%d single + %d or5 queries from %d distinct words -> %s"
        % (N_PER_TYPE, N_PER_TYPE, nwords, extra_path))

    t0 = time.time()
    # 1. latency of the new query types, every peer
    lat = batch(peers, names, extra_path, outdir, "extra", a["rounds"], a["inner_reps"])
    lsum = summarize(lat, EXTRA_TYPES)

    # 1b. the hard set (frequent words), every peer; hmix with --op or,
    #     kq and Xapian
    hsum = None
    docs = os.path.join(a["corpus"], "docs.jsonl.gz")
    if not a["no_hard"] and os.path.exists(docs):
        hard_path = os.path.join(outdir, "hard_queries.tsv")
        argv = [sys.executable, os.path.join(ROOT, "tests", "bench", "hard_queries.py"),
                docs, hard_path]
        record(argv)
        if subprocess.run(argv).returncode != 0:
            die("hard_queries.py failed: %s" % record(argv), 1)
        hrows = read_queries(hard_path)
        and_path = os.path.join(outdir, "hard_and.tsv")
        mix_path = os.path.join(outdir, "hard_mix.tsv")
        write_queries(and_path, [r for r in hrows if r[1] != "hmix"])
        write_queries(mix_path, [r for r in hrows if r[1] == "hmix"])
        hlat = batch(peers, names, and_path, outdir, "hard", a["rounds"], a["inner_reps"])
        mnames = [p for p in names if p != "fts5"]
        mlat = batch(peers, mnames, mix_path, outdir, "hardmix", a["rounds"],
                     a["inner_reps"], op="or")
        for p in mnames:
            for k in ("per_q", "meta", "rounds"):
                hlat[p][k].update(mlat[p][k])
        hsum = summarize(hlat, HARD_TYPES)  # (fts5's hmix: no queries, NaN)
    elif not a["no_hard"]:
        log("no hard query set: %s is missing" % docs)

    # 2. exact counts in process: kq_query with KQ_BENCH_EXACT=1 (exact totals)
    #    vs xapian_query --exact-count 1; top-10 scored by both
    csum = cnt_res = None
    cnames = [p for p in ("kq", "xapian") if p in names]
    if not a["no_counts"] and len(cnames) == 2:
        cnt_res = batch(peers, cnames, all_path, outdir, "exact", a["rounds"], a["inner_reps"],
                        extra={"xapian": ["--exact-count", "1"]})
        csum = summarize(cnt_res, HARNESS_TYPES + EXTRA_TYPES)

    # 3. exact counts as CLI processes: kq -c vs xapian_query --exact-count 1 --k 1
    cli = None
    if not a["no_counts"] and not a["no_cli"] and a["cli_reps"] > 0 and len(cnames) == 2:
        kq_bin = os.path.abspath(a["kq"])
        times, counts = cli_counts(peers, kq_bin, harness_rows + extra_rows, a["cli_reps"])
        types = {r[0]: r[1] for r in harness_rows + extra_rows}
        cli = {"times": times, "counts": counts, "types": types}

    # ---------------------------------------------------------------- report
    L = ["# %s: extra query types (single, or5) and exact counts" % name, "",
         "queries: %s (%d single + %d or5, words of %s, random.Random(1)); "
         "%d rounds x (1 warm-up + %d timed passes), k=10, --op and, one batch process "
         "per peer and round; per-query latency = median over rounds of the per-round "
         "medians; table = median / p95 (nearest rank) over the queries of each type."
         % (extra_path, N_PER_TYPE, N_PER_TYPE, qpath, a["rounds"], a["inner_reps"]), "",
         latency_table(lsum, names, EXTRA_TYPES + ("all",)), ""]
    if "xapian" in lat:
        for t in EXTRA_TYPES:
            src = cnt_res["xapian"]["meta"] if cnt_res else lat["xapian"]["meta"]
            xs = [m["nmatch"] for m in src.values() if m["type"] == t]
            lbl = "exact" if cnt_res else "Xapian estimate"
            if xs:
                L.append("- matches/query (xapian %s) %s: median %d, p95 %d, max %d"
                         % (lbl, t, median(xs), pct(xs, 95), max(xs)))
    for p in names:
        per_round = []
        for r in range(a["rounds"]):
            per_round.append(median([v[r] for v in lat[p]["rounds"].values() if len(v) > r]))
        L.append("- %s all-query median per round: %s ms" % (p, ", ".join(fmt(x, 3) for x in per_round)))
    L.append("")
    if hsum:
        L += ["## the hard set: frequent words", "",
              "queries: %s (tests/bench/hard_queries.py: 100 of each type, made of the "
              "200 words in most documents of a 2000-document sample, random.Random(1)); "
              "rounds and statistics as above; hmix (+rare frequent frequent) with --op or, "
              "kq and Xapian only." % os.path.join(outdir, "hard_queries.tsv"), "",
              latency_table(hsum, names, HARD_TYPES), ""]
    if csum:
        L += ["## exact match counts, in process (top-10 + exact count)", "",
              "kq = build/kq_query as in the main table, with KQ_BENCH_EXACT=1 (exact "
              "totals, no pruning); xapian = xapian_query --exact-count 1 (check_at_least = doccount, the "
              "harness's exact-count mode). Both also rank the top 10: neither batch "
              "program has a count-only mode (qdriver rejects --k 0). Same rounds and "
              "statistics as above, over the %d harness + %d extra queries (%s). FTS5 is "
              "left out: fts5_query computes no count."
              % (len(harness_rows), len(extra_rows), all_path), "",
              latency_table(csum, cnames, HARNESS_TYPES + EXTRA_TYPES + ("all",)), ""]
        kqm, xm = cnt_res["kq"]["meta"], cnt_res["xapian"]["meta"]
        same = [q for q in kqm if q in xm and kqm[q]["nmatch"] == xm[q]["nmatch"]]
        diff = sorted(q for q in kqm if q in xm and kqm[q]["nmatch"] != xm[q]["nmatch"])
        L.append("- counts kq_query = xapian exact: %d of %d queries%s" % (
            len(same), len(kqm), (" (differ: %s%s)" % (", ".join(
                "%s %d/%d" % (q, kqm[q]["nmatch"], xm[q]["nmatch"]) for q in diff[:8]),
                ", ..." if len(diff) > 8 else "")) if diff else ""))
        L.append("")
    if cli:
        T = cli["times"]
        L += ["## exact match counts, CLI (one process per query)", "",
              "kq = `%s -d IDX -c -- Q` (count only, nothing scored); xapian = `xapian_query "
              "--db IDX --exact-count 1 --k 1 --no-run --lat-out - Q` (exact count + top 1: "
              "the smallest k the program accepts). Each a fresh process timed from python "
              "(fork+exec+open+query+exit), stdout/stderr piped and the count read back; "
              "%d round(s) over the %d queries, peers interleaved per query; per-query time = "
              "median over rounds; table = median / p95 over queries."
              % (os.path.relpath(os.path.abspath(a["kq"]), os.getcwd()), a["cli_reps"],
                 len(cli["types"])), ""]
        hdr = ["peer"] + ["%s med / p95 ms" % t for t in ("harness 400", "extra 200", "all")]
        groups = {"harness 400": lambda t: t in HARNESS_TYPES, "extra 200": lambda t: t in EXTRA_TYPES,
                  "all": lambda t: True}
        st = {}
        for p in ("kq", "xapian"):
            per_q = {q: median(v) for q, v in T[p].items()}
            st[p] = {g: (median([v for q, v in per_q.items() if f(cli["types"][q])]),
                         pct([v for q, v in per_q.items() if f(cli["types"][q])], 95))
                     for g, f in groups.items()}
        rows = [[p] + ["%s / %s" % (fmt(st[p][g][0]), fmt(st[p][g][1])) for g in groups]
                for p in ("kq", "xapian")]
        rows.append(["kq/xapian (ratio)"] + ["%s / %s" % (fmt(ratio(st["kq"][g][0], st["xapian"][g][0])),
                                                          fmt(ratio(st["kq"][g][1], st["xapian"][g][1])))
                                             for g in groups])
        L += [md_table(hdr, rows), ""]
        ck, cx = cli["counts"]["kq"], cli["counts"]["xapian"]
        diff = sorted(q for q in ck if ck[q] != cx.get(q))
        L.append("- counts kq -c = xapian exact: %d of %d queries%s" % (
            len(ck) - len(diff), len(ck), (" (differ: %s%s)" % (", ".join(
                "%s %d/%d" % (q, ck[q], cx[q]) for q in diff[:8]), ", ..." if len(diff) > 8 else ""))
            if diff else ""))
        if cnt_res:
            kqm = cnt_res["kq"]["meta"]
            d2 = sorted(q for q in ck if q in kqm and kqm[q]["nmatch"] != ck[q])
            L.append("- counts kq -c = kq_query total: %d of %d queries%s" % (
                len(ck) - len(d2), len(ck), (" (differ: %s)" % ", ".join(d2[:8])) if d2 else ""))
        L.append("")
    L.append("commands: %s; %.0f s" % (LOG, time.time() - t0))
    md = "\n".join(L) + "\n"
    with open(os.path.join(outdir, "extra.md"), "w") as f:
        f.write(md)
    res = {"corpus": name, "args": a, "latency": lsum, "hard": hsum,
           "latency_per_query_ms": {p: lat[p]["per_q"] for p in lat},
           "exact_inprocess": csum,
           "exact_cli_ms": ({p: {q: median(v) for q, v in cli["times"][p].items()} for p in cli["times"]}
                            if cli else None),
           "exact_cli_counts": cli["counts"] if cli else None}
    with open(os.path.join(outdir, "extra.json"), "w") as f:
        json.dump(res, f, indent=1)
    print(md)
    log("results in %s" % outdir)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# shards.sh -- scale-out on one machine: Xapian shard builds and query
# latency over 1, 2 and 4 shards served by xapian-tcpsrv on loopback,
# against one local Xapian database and the native index (one, and in two
# halves searched as one).  Not part of `make check` (it reads ../shared).
#
#   tests/bench/shards.sh CORPUS_DIR [--rounds 3] [--no-build-times]
#   e.g. tests/bench/shards.sh ../shared/corpora/reuters21578
#
# Needs build/kq_query (make bench-peer) and ../shared/bench's query
# generator.  Work files go to $KBENCH_WORK/<corpus>/shards (default
# /tmp/kbench/work); the table is printed and written to shards.md there.
#
# 1. Build times: kq-index --backend=xapian --shards N -j M for N 2, 4 and
#    M 1, 2 (wall seconds, peak RSS from /usr/bin/time -v), one database,
#    and the native index at -j 1, 2.
# 2. Latency: the bench's 400 queries (and2, or3, phrase, andnot; its
#    gen_queries.py, seed 1) through kq_query --k 10, each configuration in
#    turn per round; per-query latency = median over rounds of the
#    per-round medians of --repeat 3; table = median and p95 (nearest rank)
#    per type.  Configurations: native; native in two halves (-d A -d B);
#    one local Xapian database; its stub of 2 and 4 shards (local);
#    tcp:// 1, 2 and 4 shards.  Every configuration's exact match counts
#    (a first pass with KQ_BENCH_EXACT=1) are checked against the native
#    index's; the timed passes count as the bench's peers do (kq prunes
#    ranked ORs and estimates their counts).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=${1:?usage: shards.sh CORPUS_DIR [--rounds N] [--no-build-times]}
shift
ROUNDS=3
BUILD_TIMES=1
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --no-build-times) BUILD_TIMES=0; shift ;;
    *) echo "shards.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
[ -f "$SHARED/queries/gen_queries.py" ] || {
    echo "shards.sh: $SHARED is missing (../shared lives beside the checkout in the development setup)" >&2
    exit 2
}
[ -x "$ROOT/build/kq_query" ] || { echo "shards.sh: run make bench-peer first" >&2; exit 2; }
DOCS=$CORPUS/docs.jsonl.gz
NAME=$(basename "$CORPUS")
W=${KBENCH_WORK:-/tmp/kbench/work}/$NAME/shards
mkdir -p "$W"
KQI=$ROOT/kq-index
Q=$ROOT/build/kq_query
# kq_query, in build/, finds the plugin through this.
export KQ_XAPIAN_PLUGIN=${KQ_XAPIAN_PLUGIN:-$ROOT/kq-xapian.so}
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

python3 "$SHARED/queries/gen_queries.py" "$DOCS" "$W/queries.tsv" "$W/cli.tsv" >/dev/null

# $1: label; the rest: the command.  Appends "label secs rss_mb".
timed() {
    local label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$W/time.out" "$@" >/dev/null
    read -r s kb <"$W/time.out"
    printf '%s\t%s\t%s\n' "$label" "$s" "$((kb / 1024))" >>"$W/build.tsv"
}

: >"$W/build.tsv"
rm -rf "$W/native" "$W/half0" "$W/half1" "$W/one" "$W/s2" "$W/s4"
if [ $BUILD_TIMES = 1 ]; then
    for n in 2 4; do
        for m in 1 2; do
            rm -rf "$W/tmp"
            timed "xapian --shards $n -j $m" "$KQI" -q --backend=xapian --shards $n -j $m -d "$W/tmp" "$DOCS"
        done
    done
    rm -rf "$W/tmp"
    timed "native -j 1" "$KQI" -q -j 1 -d "$W/tmp" "$DOCS"
    rm -rf "$W/tmp"
fi
timed "xapian, one database" "$KQI" -q --backend=xapian -d "$W/one" "$DOCS"
timed "native -j 2" "$KQI" -q -j 2 -d "$W/native" "$DOCS"
"$KQI" -q --backend=xapian --shards 2 -j 2 -d "$W/s2" "$DOCS"
"$KQI" -q --backend=xapian --shards 4 -j 2 -d "$W/s4" "$DOCS"
# The native index in two halves (by line), searched as one.
gzip -dc "$DOCS" >"$W/docs.jsonl"
n=$(wc -l <"$W/docs.jsonl")
head -n $((n / 2)) "$W/docs.jsonl" | "$KQI" -q -d "$W/half0" -
tail -n +$((n / 2 + 1)) "$W/docs.jsonl" | "$KQI" -q -d "$W/half1" -
rm -f "$W/docs.jsonl"

# A free port on 127.0.0.1, served by xapian-tcpsrv for database $1:
# prints tcp://127.0.0.1:PORT once it listens.
serve() {
    local p
    for _ in $(seq 20); do
        p=$((20000 + RANDOM % 12000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
        setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$p" "$1" >/dev/null 2>&1 &
        PIDS+=($!)
        for _ in $(seq 100); do
            if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
                echo "tcp://127.0.0.1:$p"
                return 0
            fi
            sleep 0.05
        done
    done
    return 1
}
T1=$(serve "$W/one")
T2=$(serve "$W/s2/shard000"),$(serve "$W/s2/shard001")
T4=$(serve "$W/s4/shard000"),$(serve "$W/s4/shard001"),$(serve "$W/s4/shard002"),$(serve "$W/s4/shard003")

CONFIGS=(
    "native|$W/native"
    "native, 2 halves as one|$W/half0,$W/half1"
    "xapian, one local database|$W/one"
    "xapian, 2 local shards (stub)|$W/s2"
    "xapian, 4 local shards (stub)|$W/s4"
    "xapian-tcpsrv, 1 shard|$T1"
    "xapian-tcpsrv, 2 shards|$T2"
    "xapian-tcpsrv, 4 shards|$T4"
)
rm -f "$W"/lat.*
# Round 0: exact counts (kq_query estimates a pruned count otherwise, and
# the estimate depends on the layout), checked against the native index.
for i in "${!CONFIGS[@]}"; do
    KQ_BENCH_EXACT=1 "$Q" --db "${CONFIGS[$i]#*|}" --k 10 --no-run --queries "$W/queries.tsv" \
        --lat-out "$W/lat.$i.0" >/dev/null 2>&1
done
for ((r = 1; r <= ROUNDS; r++)); do
    for i in "${!CONFIGS[@]}"; do
        db=${CONFIGS[$i]#*|}
        "$Q" --db "$db" --k 10 --warmup 1 --repeat 3 --no-run --queries "$W/queries.tsv" \
            --lat-out "$W/lat.$i.$r" >/dev/null 2>&1
    done
done

python3 - "$W" "$ROUNDS" "$NAME" "${CONFIGS[@]}" <<'PY' | tee "$W/shards.md"
import statistics, sys
w, rounds, name, configs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
labels = [c.split("|")[0] for c in configs]
def load(i, rs):
    per = {}
    for r in rs:
        for line in open(f"{w}/lat.{i}.{r}"):
            f = line.rstrip("\n").split("\t")
            if f[0] == "qid" or len(f) < 6:
                continue
            per.setdefault((f[0], f[1]), []).append((float(f[2]), f[5]))
    return per
def p95(v):
    v = sorted(v)
    return v[max(0, -(-95 * len(v) // 100) - 1)]
data = [load(i, range(1, rounds + 1)) for i in range(len(configs))]
exact = [load(i, [0]) for i in range(len(configs))]
ref = {k: v[0][1] for k, v in exact[0].items()}
for i, d in enumerate(exact):
    bad = [k for k, v in d.items() if any(m != ref[k] for _, m in v)]
    if bad:
        print(f"counts differ from native: {labels[i]}: {len(bad)} queries, e.g. {bad[0]}", file=sys.stderr)
        sys.exit(1)
types = sorted({t for (_, t) in ref})
print(f"## {name}: query latency, ms, median / p95 over the queries of a type (top 10)\n")
print("| configuration | " + " | ".join(types) + " | all |")
print("|---|" + "---|" * (len(types) + 1))
for i, d in enumerate(data):
    row = []
    for t in types + ["all"]:
        v = [statistics.median(x for x, _ in lat) for (q, ty), lat in d.items() if t in (ty, "all")]
        row.append(f"{statistics.median(v):.3f} / {p95(v):.3f}")
    print(f"| {labels[i]} | " + " | ".join(row) + " |")
print("\nExact match counts equal the native index's on every query and configuration.\n")
print(f"## {name}: builds (wall s, peak RSS MB)\n")
print("| build | s | MB |\n|---|---|---|")
for line in open(f"{w}/build.tsv"):
    l, s, m = line.rstrip("\n").split("\t")
    print(f"| {l} | {s} | {m} |")
PY

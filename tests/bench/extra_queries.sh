#!/usr/bin/env bash
# extra_queries.sh -- query latencies the shared bench (../shared/bench) does
# not measure, on a corpus it has already been run on (`make bench`):
#
#   tests/bench/extra_queries.sh CORPUS_DIR [--rounds 3] [--inner-reps 3] [--cli-reps 3]
#       [--peers kq,xapian,fts5] [--peer-file build/kq.ini] [--kq ./kq] [--no-counts] [--no-cli]
#
#   e.g. tests/bench/extra_queries.sh ../shared/corpora/reuters21578
#
# Input: $KBENCH_WORK/<corpus>/ (default /tmp/kbench/work/<corpus>, <corpus> =
# basename of CORPUS_DIR) as left by run_all.sh: queries.tsv and the indexes
# idx/kq, idx/xapian, idx/fts5.sqlite (paths as lib/harness.py builds them;
# kq's index_path and query command are read from build/kq.ini like the
# harness's --peer-file, else build/kq_query --db idx/kq).  Peer programs:
# $BUILD/xapian_query, $BUILD/fts5_query (default BUILD=/tmp/kbench/build).
# Output: $KBENCH_WORK/<corpus>/extra/ (extra.md printed, extra.json, queries,
# latency TSVs, TREC runs, commands.log).  Nothing is written elsewhere.
#
# What is compared:
#
# 1. Queries: extra/extra_queries.tsv, `qid<TAB>type<TAB>query`, 100 `single`
#    (one word) and 100 `or5` (`a OR b OR c OR d OR e`), drawn with
#    random.Random(1) from the sorted unique words of queries.tsv (operators
#    AND/OR/NOT dropped, lower-cased): the same file for a given queries.tsv.
#
# 2. Latency of single and or5, kq vs Xapian vs FTS5, exactly as the harness's
#    query phase: --rounds rounds, each running every peer's batch program in
#    turn, once, over all 200 queries with
#      --k 10 --op and --warmup 1 --repeat INNER --lat-out F --tag PEER;
#    per-query latency = median over rounds of the per-round medians (the
#    harness's computation); table = median and p95 (nearest rank) over the
#    queries of each type, plus kq/xapian and kq/fts5 ratios (of the medians,
#    of the p95s).  Timed per query, in process: parse + search + top-10 ids.
#
# 3. Exact match counts, in process: kq_query with KQ_BENCH_EXACT=1 (exact
#    totals; by default it prunes ranked ORs and estimates) vs xapian_query --exact-count 1 (check_at_least = doccount,
#    the mode the harness uses for its "matches/query" notes), over the 400
#    harness + 200 extra queries, same rounds and statistics.  Both also rank
#    the top 10: neither batch program has a count-only mode (qdriver rejects
#    --k 0), so this is "top-10 + exact count" on both sides.  FTS5 has no
#    count (nmatch -1) and is left out.  Counts are cross-checked.
#
# 4. Exact match counts, CLI (count-only for kq): every one of the 600 queries
#    as a fresh process, kq and Xapian interleaved per query, --cli-reps rounds:
#      ./kq -d IDX -c -- 'Q'                     (count only, nothing scored)
#      $BUILD/xapian_query --db IDX --exact-count 1 --k 1 --no-run --lat-out - 'Q'
#                                               (exact count + top 1, the least
#                                                the program accepts)
#    timed from python around the whole process (fork+exec+open+query+exit,
#    stdout/stderr piped and the count read back and compared); per-query time
#    = median over rounds; table = median and p95 over queries (harness 400,
#    extra 200, all) and the kq/xapian ratio.
#
# A binary missing or unrunnable (being rebuilt) is retried 10 times, 3 s
# apart.  Exit status: 0 ok; 1 a run failed; 2 usage, or ../shared, the work
# dir, queries.tsv or the kq index missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
# $SHARED_BENCH (as make bench passes it), else ../shared/bench.
bench=${SHARED_BENCH:-$(cd "$root/.." && pwd)/shared/bench}
if [ ! -d "$bench" ]; then
    echo "extra_queries.sh: $bench is missing (the shared bench lives beside the checkout in the development setup; SHARED_BENCH=DIR names another)" >&2
    exit 2
fi
work=${KBENCH_WORK:-/tmp/kbench/work}
name=$(basename "${1%/}")
if [ ! -f "$work/$name/queries.tsv" ]; then
    echo "extra_queries.sh: $work/$name/queries.tsv is missing: run the shared bench on $1 first (make bench)" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "extra_queries.sh: python3 not found" >&2; exit 2; }
exec python3 "$here/extra_queries.py" "$@"

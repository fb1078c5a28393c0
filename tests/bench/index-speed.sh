#!/bin/sh
# Indexing speed of two kq-index builds and SQLite FTS5, side by side in one
# run (these machines are noisy: the runs alternate, and medians are
# reported).  Not part of `make check`; reads ../shared.
#
#   sh tests/bench/index-speed.sh OLD_KQ_INDEX NEW_KQ_INDEX [CORPUS] [REPS]
#
# CORPUS is a docs.jsonl.gz (default ../shared/corpora/20newsgroups, English
# news); REPS runs each (default 5).  Each engine indexes the decompressed
# JSONL from the page cache into a fresh directory under $TMPDIR; FTS5 is
# the bench's peers/fts5_index.py ('porter unicode61', optimized), which
# reads the .gz itself.  Prints per engine the median seconds and MB/s of
# decompressed input, and the ratio to FTS5.
set -eu
OLD=$1 NEW=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=$ROOT/../shared
CORPUS=${3:-$SHARED/corpora/20newsgroups/docs.jsonl.gz}
REPS=${4:-5}
[ -f "$CORPUS" ] || { echo "index-speed.sh: $CORPUS is missing (../shared lives beside the checkout in the development setup)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/kq-ispeed.XXXXXX")
trap 'rm -rf "$T"' EXIT
zcat "$CORPUS" >"$T/docs.jsonl"
MB=$(awk -v b="$(wc -c <"$T/docs.jsonl")" 'BEGIN { printf "%.1f", b / 1e6 }')
secs() {   # seconds of wall time of "$@"
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }'
}
for i in $(seq "$REPS"); do
    rm -rf "$T/old" "$T/new" "$T/f.sqlite"
    secs "$OLD" -q -d "$T/old" "$T/docs.jsonl" >>"$T/t.old"
    secs "$NEW" -q -d "$T/new" "$T/docs.jsonl" >>"$T/t.new"
    secs python3 "$SHARED/bench/peers/fts5_index.py" "$CORPUS" "$T/f.sqlite" >>"$T/t.fts5"
done
med() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
F=$(med "$T/t.fts5")
echo "corpus $(basename "$(dirname "$CORPUS")") ($MB MB JSONL), $REPS runs each, median:"
for e in old new fts5; do
    m=$(med "$T/t.$e")
    awk -v e="$e" -v m="$m" -v f="$F" -v mb="$MB" \
        'BEGIN { printf "  %-5s %7.3f s  %6.1f MB/s  %.2fx FTS5 speed\n", e, m, mb / m, f / m }'
done

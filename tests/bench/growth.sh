#!/bin/sh
# tests/bench/growth.sh CORPUS.jsonl[.gz] STEPS [KQ-INDEX OPTIONS...]
#
# A corpus growing in STEPS equal adds, as users grow theirs day by day:
# the documents of CORPUS are split into STEPS parts in order,
# and each part is added by one kq-index run (with the options given, e.g.
# --merge-budget 1E to approach an unbounded policy).  For each step it
# records the wall time, the peak RSS (GNU time), the merges and the bytes
# of the segment files that step wrote (the segments new in the manifest,
# found with kq stats); at the end it prints the medians and maxima, and the
# write amplification: bytes of segments written over the bytes of the
# final index.  Not part of make check (it takes minutes on a real corpus).
set -eu
[ $# -ge 2 ] || { echo "usage: growth.sh CORPUS STEPS [KQ-INDEX OPTIONS...]" >&2; exit 2; }
corpus=$1
steps=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
KQI=${KQ_BIN:-$root}/kq-index
KQ=${KQ_BIN:-$root}/kq
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case $corpus in
*.gz) gzip -dc -- "$corpus" ;;
*) cat -- "$corpus" ;;
esac >"$work/all.jsonl"
n=$(wc -l <"$work/all.jsonl")
per=$(( (n + steps - 1) / steps ))
split -l "$per" -d -a 4 "$work/all.jsonl" "$work/part."
: >"$work/seen"
: >"$work/steps.tsv"
i=0
for part in "$work"/part.*; do
    i=$((i + 1))
    mv "$part" "$part.jsonl"
    /usr/bin/time -f '%e %M' -o "$work/t" "$KQI" -q -d "$work/idx" "$@" "$part.jsonl"
    rm -f "$part.jsonl"
    # segments (number and size) now; the numbers not seen before were
    # written by this step
    "$KQ" -d "$work/idx" stats --format=json |
        jq -r '.segments[] | "\(.segment) \(.size)"' >"$work/now"
    written=$(awk 'NR == FNR { seen[$1] = 1; next } !($1 in seen) { s += $2 } END { print s + 0 }' \
              "$work/seen" "$work/now")
    cat "$work/now" >>"$work/seen"
    nseg=$(wc -l <"$work/now")
    read -r secs kb <"$work/t"
    printf '%d\t%s\t%s\t%s\t%s\n' "$i" "$secs" "$kb" "$written" "$nseg" >>"$work/steps.tsv"
done
final=$("$KQ" -d "$work/idx" stats --format=json | jq '[.segments[].size] | add')
echo "step	seconds	peak_rss_kb	bytes_written	segments"
cat "$work/steps.tsv"
med=$(cut -f2 "$work/steps.tsv" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
awk -F'\t' -v final="$final" -v med="$med" '
    { w += $4; if ($2 > tmax) tmax = $2; if ($3 > rmax) rmax = $3; tsum += $2 }
    END {
        printf "steps %d: total %.2f s, median %.2f s, max %.2f s; peak RSS max %.0f KB\n", NR, tsum, med, tmax, rmax
        printf "bytes written %.0f, final index %.0f: write amplification %.2f\n", w, final, w / final
    }' "$work/steps.tsv"

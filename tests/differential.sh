#!/usr/bin/env bash
# The long differential run: the native index against the Xapian backend.
#
#   tests/differential.sh [-n QUERIES] [-s SEED] [CORPUS_DIR...]
#
# For each corpus (default: ../shared/corpora/reuters21578 and
# 20newsgroups, each a docs.jsonl.gz), index it with both backends, generate
# QUERIES random queries (default 1000 per corpus) from the corpus's own
# words (terms, AND, OR, NOT, phrases, prefixes, nesting), and compare for
# each: the exact count, and every hit (-n 1000) with its document, rank
# and score (to 1e-6 relative).  Prints the number of queries checked and of
# disagreements, with each disagreement; exits 1 if there is any.  Run by
# `make differential`; not part of `make check` (it needs ../shared).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
n=1000
seed=$(date +%s)
while getopts n:s: o; do
    case $o in
    n) n=$OPTARG ;;
    s) seed=$OPTARG ;;
    *) sed -n '4,5p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
    set -- "$root/../shared/corpora/reuters21578" "$root/../shared/corpora/20newsgroups"
fi
for c in "$@"; do
    if [ ! -f "$c/docs.jsonl.gz" ]; then
        echo "differential: $c/docs.jsonl.gz is missing (the corpora live in ../shared, beside the checkout)" >&2
        exit 2
    fi
done
KQ=$root/kq
KQI=$root/kq-index
work=$root/build/differential
. "$here/lib/randquery.bash"
echo "differential: seed $seed (replay with -s $seed), $n queries per corpus"
total=0
bad=0
for c in "$@"; do
    name=$(basename "$c")
    rm -rf "$work/$name"
    mkdir -p "$work/$name"
    t0=$(date +%s.%N)
    "$KQI" -q -d "$work/$name/native" "$c/docs.jsonl.gz" || exit 3
    t1=$(date +%s.%N)
    "$KQI" -q --backend=xapian -d "$work/$name/xapian" "$c/docs.jsonl.gz" || exit 3
    t2=$(date +%s.%N)
    awk -v n="$name" -v a="$t0" -v b="$t1" -v c="$t2" \
        'BEGIN { printf "%s: indexed in %.2f s (native) and %.2f s (xapian)\n", n, b - a, c - b }'
    # Words that occur at least twice in the first 4 MB of text.
    mapfile -t W < <(zcat "$c/docs.jsonl.gz" | head -c 4000000 |
        grep -oE '[A-Za-z]{3,12}' | tr 'A-Z' 'a-z' | sort | uniq -c |
        awk '$1 >= 2 { print $2 }')
    RANDOM=$seed
    for i in $(seq "$n"); do
        rq_query
        q=$Q
        a=$("$KQ" -d "$work/$name/native" --json --no-snippets -n 1000 -- "$q" |
            jq -r 'if .type == "summary" then "total \(.total)" else "\(.id) \(.score)" end')
        b=$("$KQ" -d "$work/$name/xapian" --json --no-snippets -n 1000 -- "$q" |
            jq -r 'if .type == "summary" then "total \(.total)" else "\(.id) \(.score)" end')
        total=$((total + 1))
        if ! paste -d' ' <(echo "$a") <(echo "$b") | awk '
            NF != 4 || $1 != $3 { bad = 1; exit }
            $1 == "total" && $2 != $4 { bad = 1; exit }
            $1 != "total" { d = $2 - $4; if (d < 0) d = -d; if (d > 1e-6 * (1 + $2)) { bad = 1; exit } }
            END { exit bad }'; then
            bad=$((bad + 1))
            echo "DISAGREE $name: $q"
            diff <(echo "$a") <(echo "$b") | head -6
        fi
    done
done
echo "differential: $total queries checked, $bad disagreements"
[ "$bad" -eq 0 ]

#!/bin/sh
# tests/oracle/matches-full.sh [CORPUS.jsonl.gz]
#
# The oracle of matches (matches.py) next to kq on the whole Reuters-21578
# (default: ../shared/corpora/reuters21578/docs.jsonl.gz beside the
# checkout; not part of make check), for figures such as:
#   "oil prices"             (phrase oil|oils price|priced|...)
#   iran NEAR/5 iraq         (near 5 iran iraq)
#   qa?dafi OR gadafi~2      (or (glob qa?dafi) (fuzzy gadafi 2))
# For each query: the oracle's documents and occurrences per year, its
# kwic lines, and (for the last) the words the pattern and the fuzzy word
# matched in the corpus; then, when kq and kq-index are in $KQ_BIN
# (default: the checkout, where make puts them), kq's per year (kq hist
# --by year --format=tsv) and kwic lines (kq kwic --all --format=tsv) on
# an index of the corpus made in a temporary directory, and whether the
# kwic lines (id, field, start, end, match) are the same.  With
# libstemmer's shared library, slotcheck.py first checks that each word
# slot is the words of its Snowball stems in the corpus (for the glob and
# fuzzy slots: that no other word of the corpus has their stems).
#
# Exit status 0 when kq agrees with the oracle on every query or when
# there is nothing to compare (no corpus, no kq); 1 when they differ.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:-$root/../shared/corpora/reuters21578/docs.jsonl.gz}
if [ ! -f "$corpus" ]; then
    echo "matches-full: $corpus is missing (the corpora live in ../shared, beside the checkout): nothing to compare"
    exit 0
fi
py=${PYTHON:-python3}
oracle="$here/matches.py"
bin=${KQ_BIN:-$root}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

OIL='oil|oils'
PRICE='price|priced|prices|pricing|pricings'

# The slots, each with the kq word it stands for (slotcheck.py).
if "$py" -c 'import ctypes, ctypes.util; ctypes.CDLL(ctypes.util.find_library("stemmer") or "libstemmer.so.0d")' 2>/dev/null; then
    for s in "$OIL oil" "$PRICE prices" "iran iran" "iraq iraq" \
        "(glob qa?dafi) qa?dafi" "(fuzzy gadafi 2) ~2:gadafi"; do
        slot=${s% *}
        word=${s##* }
        if ! "$py" "$here/slotcheck.py" "$corpus" "$slot" "$word" >"$tmp/sc"; then
            echo "matches-full: the slot $slot is not the words of the stems of $word:"
            cat "$tmp/sc"
            exit 1
        fi
        echo "slot $slot: $(tail -1 "$tmp/sc")"
    done
else
    echo "(no libstemmer shared library: the word slots are not checked)"
fi

havekq=0
if [ -x "$bin/kq" ] && [ -x "$bin/kq-index" ]; then
    "$bin/kq-index" -q -d "$tmp/idx" "$corpus" >/dev/null
    havekq=1
else
    echo "(no kq and kq-index in $bin: the oracle's figures only)"
fi

# The columns NAMES (comma-separated) of a TSV with a header.
cols() {
    awk -F'\t' -v want="$1" '
        NR == 1 { n = split(want, w, ","); for (i = 1; i <= NF; i++) at[$i] = i; next }
        { line = $(at[w[1]]); for (j = 2; j <= n; j++) line = line "\t" $(at[w[j]]); print line }'
}

differ=0
one() {   # KQ_QUERY ORACLE_QUERY
    echo
    echo "== $1    (oracle: $2)"
    "$py" "$oracle" --words "$corpus" "$2" | sed 's/^/expands: /'
    "$py" "$oracle" --by year "$corpus" "$2" >"$tmp/oh"
    "$py" "$oracle" --kwic "$corpus" "$2" | LC_ALL=C sort >"$tmp/ok"
    if [ $havekq = 1 ]; then
        "$bin/kq" -d "$tmp/idx" hist --by year --format=tsv -- "$1" |
            cols bucket,docs,occurrences | awk -F'\t' '$2 != "" && $2 > 0' >"$tmp/kh" || true
        "$bin/kq" -d "$tmp/idx" kwic --all --format=tsv -- "$1" |
            cols id,field,start,end,match | LC_ALL=C sort >"$tmp/kk" || true
    else
        : >"$tmp/kh"
        : >"$tmp/kk"
    fi
    # year, oracle docs and occurrences, kq's
    printf 'year\toracle_docs\toracle_occurrences\tkq_docs\tkq_occurrences\n'
    awk -F'\t' -v kfile="$tmp/kh" -v havekq=$havekq '
                FILENAME == kfile { k[$1] = $2 "\t" $3 }
                FILENAME != kfile { o[$1] = $2 "\t" $3 }
                !($1 in seen) { seen[$1] = 1; ord[++n] = $1 }
                END { for (i = 1; i <= n; i++) { y = ord[i]
                          print y "\t" (y in o ? o[y] : "0\t0") "\t" (y in k ? k[y] : havekq ? "0\t0" : "-\t-") } }' \
        "$tmp/kh" "$tmp/oh" | LC_ALL=C sort
    awk -F'\t' '{ d += $2; n += $3 } END { printf "total\t%d\t%d", d, n }' "$tmp/oh"
    if [ $havekq = 1 ]; then
        awk -F'\t' '{ d += $2; n += $3 } END { printf "\t%d\t%d\n", d, n }' "$tmp/kh"
    else
        printf '\t-\t-\n'
    fi
    printf 'kwic lines\toracle %d' "$(wc -l <"$tmp/ok")"
    if [ $havekq = 1 ]; then
        printf '\tkq %d\t' "$(wc -l <"$tmp/kk")"
        if cmp -s "$tmp/oh" "$tmp/kh" && cmp -s "$tmp/ok" "$tmp/kk"; then
            echo "kq agrees"
        else
            echo "kq differs ($(LC_ALL=C comm -3 "$tmp/ok" "$tmp/kk" | wc -l) kwic lines in one only)"
            differ=1
        fi
    else
        echo
    fi
}

one '"oil prices"' "(phrase $OIL $PRICE)"
one 'iran NEAR/5 iraq' '(near 5 iran iraq)'
one 'qa?dafi OR gadafi~2' '(or (glob qa?dafi) (fuzzy gadafi 2))'
exit $differ

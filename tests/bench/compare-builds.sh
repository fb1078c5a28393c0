#!/bin/sh
# compare-builds.sh -- do two builds of kq give the same index bytes and the
# same results?  For a change that should alter neither (a refactoring, a
# new file layout), run against the build before it:
#   tests/bench/compare-builds.sh OLD_ROOT NEW_ROOT [CORPUS.jsonl[.gz]]
# (a ROOT is a checkout with ./kq and ./kq-index built; the corpus defaults
# to ../shared/corpora/reuters21578/docs.jsonl.gz beside this checkout).
# It indexes the corpus with each (-j 1), compares every index file with
# cmp, then runs about 1,000 queries built from the vocabulary -- 150 word
# pairs, each as a word, AND, OR, phrase, NEAR/5, prefix and NOT -- and
# compares the top 20 ids and scores and `kq count` of each, then `kq
# stats`, `hist` and `kwic`.  Prints each difference, then a count.
# Exit status: 0 all agree, 1 something differs, 2 usage or missing input.
set -eu
if [ $# -lt 2 ]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
OLD=$1 NEW=$2
here=$(cd "$(dirname "$0")" && pwd)
CORPUS=${3:-$(cd "$here/../../.." && pwd)/shared/corpora/reuters21578/docs.jsonl.gz}
for f in "$OLD/kq" "$OLD/kq-index" "$NEW/kq" "$NEW/kq-index" "$CORPUS"; do
    [ -e "$f" ] || { echo "compare-builds.sh: $f is missing" >&2; exit 2; }
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$OLD/kq-index" -q -j1 -d "$W/a" "$CORPUS"
"$NEW/kq-index" -q -j1 -d "$W/b" "$CORPUS"
bad=0
for f in $(ls "$W/a"); do
    cmp -s "$W/a/$f" "$W/b/$f" || { echo "index file differs: $f"; bad=$((bad + 1)); }
done
"$NEW/kq" terms -d "$W/b" --all --format=tsv 2>/dev/null |
    awk -F'\t' 'NR > 1 && $3 > 20 { print $1 }' | awk 'NR % 37 == 0' |
    head -300 >"$W/words"
n=0
while read -r a && read -r b; do
    for q in "$a" "$a $b" "$a OR $b" "\"$a $b\"" "$a NEAR/5 $b" "$a*" "$a -$b"; do
        n=$((n + 1))
        x=$("$OLD/kq" -d "$W/a" -n 20 --format=tsv --fields id,score -- "$q" 2>&1 || true)
        y=$("$NEW/kq" -d "$W/b" -n 20 --format=tsv --fields id,score -- "$q" 2>&1 || true)
        [ "$x" = "$y" ] || { bad=$((bad + 1)); echo "results differ: $q"; }
        x=$("$OLD/kq" count -d "$W/a" -- "$q" 2>&1 || true)
        y=$("$NEW/kq" count -d "$W/b" -- "$q" 2>&1 || true)
        [ "$x" = "$y" ] || { bad=$((bad + 1)); echo "count differs: $q"; }
    done
done <"$W/words"
for cmd in "stats" "hist --by year oil" "kwic -n 30 ceasefire"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    x=$("$OLD/kq" $cmd -d "$W/a" 2>&1 | sed "s|$W/a|IDX|g" || true)
    # shellcheck disable=SC2086
    y=$("$NEW/kq" $cmd -d "$W/b" 2>&1 | sed "s|$W/b|IDX|g" || true)
    [ "$x" = "$y" ] || { bad=$((bad + 1)); echo "differs: kq $cmd"; }
done
echo "compare-builds.sh: $(ls "$W/a" | wc -l) index files and $n queries compared, $bad differ"
[ "$bad" -eq 0 ]

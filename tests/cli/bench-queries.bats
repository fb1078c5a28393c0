#!/usr/bin/env bats
# tests/bench/hard_queries.py, the hard query set of `make bench` (frequent
# words): on the test slice it writes 100 queries of each type, the same
# file twice (and under another PYTHONHASHSEED), each of its form, made of
# the slice's most frequent words, and every query parses and runs in kq.

load helpers

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
GEN="$ROOT/tests/bench/hard_queries.py"

@test "hard_queries.py: 100 of each type, deterministic, of its form" {
    python3 "$GEN" "$SLICE" "$BATS_TEST_TMPDIR/a.tsv"
    PYTHONHASHSEED=7 python3 "$GEN" "$SLICE" "$BATS_TEST_TMPDIR/b.tsv"
    cmp "$BATS_TEST_TMPDIR/a.tsv" "$BATS_TEST_TMPDIR/b.tsv"
    [ "$(head -n 1 "$BATS_TEST_TMPDIR/a.tsv")" = "$(printf 'qid\ttype\tquery')" ]
    for t in hand2 hand3 hor3 hphrase2 hphrase3 hmix; do
        [ "$(awk -F'\t' -v t=$t '$2 == t' "$BATS_TEST_TMPDIR/a.tsv" | wc -l)" -eq 100 ]
    done
    # the form of each type, and no query twice
    run awk -F'\t' 'NR > 1 && !(
        ($2 == "hand2" && $3 ~ /^[a-z]+ AND [a-z]+$/) ||
        ($2 == "hand3" && $3 ~ /^[a-z]+ AND [a-z]+ AND [a-z]+$/) ||
        ($2 == "hor3" && $3 ~ /^[a-z]+ OR [a-z]+ OR [a-z]+$/) ||
        ($2 == "hphrase2" && $3 ~ /^"[a-z]+ [a-z]+"$/) ||
        ($2 == "hphrase3" && $3 ~ /^"[a-z]+ [a-z]+ [a-z]+"$/) ||
        ($2 == "hmix" && $3 ~ /^\+[a-z]+ [a-z]+ [a-z]+$/)) { print }' \
        "$BATS_TEST_TMPDIR/a.tsv"
    [ "$status" -eq 0 ] && [ -z "$output" ]
    [ "$(cut -f3 "$BATS_TEST_TMPDIR/a.tsv" | sort | uniq -d)" = "" ]
}

@test "hard_queries.py: frequent words, every query matches in kq" {
    python3 "$GEN" --per-type 20 "$SLICE" "$BATS_TEST_TMPDIR/q.tsv"
    "$KQI" -q -d "$BATS_TEST_TMPDIR/idx" "$SLICE"
    # stop words are in: "the" (the slice's most frequent word), "of", "said"
    for w in the of said; do
        [ "$(grep -cw $w "$BATS_TEST_TMPDIR/q.tsv")" -ge 5 ]
    done
    tail -n +2 "$BATS_TEST_TMPDIR/q.tsv" | while IFS=$'\t' read -r qid type q; do
        or=
        [ "$type" = hmix ] && or=--or # (its optional words only rank)
        n=$("$KQ" -d "$BATS_TEST_TMPDIR/idx" count $or -- "$q")
        [ "$n" -gt 0 ] || { echo "$qid ($q): $n matches" >&2; exit 1; }
    done
}

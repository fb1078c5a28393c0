#!/usr/bin/env bats
# kq collocates against an independent computation, tests/oracle/
# collocates.py (a Python script over the JSON Lines with its own
# tokenizer, libstemmer for --by stem and the formulas written from the
# papers), on the Reuters slice (tests/data/reuters/slice.jsonl.gz, ASCII)
# and a hand-made corpus (tests/data/colloc/small.jsonl: overlapping
# windows, matches at the ends of titles and bodies, a word longer than
# KQ_MAX_WORD).  Every column of every row is compared (numbers within
# 1e-6 relative, tests/oracle/tsvcmp.py), and the order of the rows.
#
# The oracle does not stem queries: a query word is written as the forms
# of its stem class in the corpus (oil: oil|oils, as tests/cli/
# matches.bats checks them with slotcheck.py).  That the two tokenizers
# agree on these corpora is checked first: the same corpus size N.

bats_require_minimum_version 1.5.0
load helpers

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
SMALL="$ROOT/tests/data/colloc/small.jsonl"
RIDX="$BATS_FILE_TMPDIR/r"
SIDX="$BATS_FILE_TMPDIR/s"
ORACLE="$ROOT/tests/oracle/collocates.py"
CMP="$ROOT/tests/oracle/tsvcmp.py"
PRICE='price|priced|prices|pricing|pricings'

setup_file() {
    "$KQI" -q -d "$BATS_FILE_TMPDIR/r" "$ROOT/tests/data/reuters/slice.jsonl.gz" &&
        "$KQI" -q -d "$BATS_FILE_TMPDIR/s" "$ROOT/tests/data/colloc/small.jsonl"
}

setup() {
    cd "$ROOT"
    python3 -c 'import ctypes.util, sys; sys.exit(not ctypes.util.find_library("stemmer"))' ||
        skip "libstemmer.so missing (the oracle's --by stem)"
}

# same IDX FILE SORTCOL KQ_ARGS... -- ORACLE_ARGS...: kq collocates --top 0
# --format=tsv KQ_ARGS on IDX equals the oracle on FILE, rows in the
# descending order of column SORTCOL.
same() {
    local idx=$1 file=$2 col=$3 ka=()
    shift 3
    while [ "$1" != "--" ]; do ka+=("$1"); shift; done
    shift
    run "$KQ" -d "$idx" collocates --top 0 --format=tsv "${ka[@]}"
    no_crash
    [ "$status" -eq 0 ] || { echo "kq status $status: $output" >&2; return 1; }
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/k.tsv"
    python3 "$ORACLE" "$file" "$@" >"$BATS_TEST_TMPDIR/o.tsv"
    [ "$(grep -vc '^#' "$BATS_TEST_TMPDIR/o.tsv")" -gt 0 ] ||
        { echo "the oracle found no collocates: a test that cannot fail" >&2; return 1; }
    python3 "$CMP" "$BATS_TEST_TMPDIR/k.tsv" "$BATS_TEST_TMPDIR/o.tsv" "$col"
}

# The summary's field $2 of kq collocates --format=json ${@:3} on index $1.
summary() {
    local idx=$1 f=$2
    shift 2
    "$KQ" -d "$idx" collocates --format=json "$@" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"][sys.argv[1]])' "$f"
}

@test "collocates: kq and the oracle see the same tokens (N, matches) in both corpora" {
    for by in word stem; do
        n=$(python3 "$ORACLE" "$SLICE" 'oil|oils' --by $by | sed -n 's/^#corpus\t//p')
        [ "$n" -gt 300000 ]
        [ "$(summary "$RIDX" corpus_tokens oil --by $by)" = "$n" ]
        n=$(python3 "$ORACLE" "$SMALL" 'cat|cats' --by $by | sed -n 's/^#corpus\t//p')
        [ "$(summary "$SIDX" corpus_tokens cat --by $by)" = "$n" ]
    done
    # f(n): the matches (column 4 of every oracle row).
    fn=$(python3 "$ORACLE" "$SLICE" 'oil|oils' | head -1 | cut -f4)
    [ "$(summary "$RIDX" matches oil)" = "$fn" ]
    [ "$(summary "$RIDX" documents oil)" = "$("$KQ" -d "$RIDX" count oil)" ]
}

@test "collocates: oil on the slice, every column, logDice order (default window 5,5)" {
    same "$RIDX" "$SLICE" 6 oil -- 'oil|oils'
    same "$RIDX" "$SLICE" 7 oil --measure mi -- 'oil|oils'
    same "$RIDX" "$SLICE" 8 oil --measure t -- 'oil|oils'
}

@test "collocates: --window 0,3 and 3,0, and the hand-made corpus's overlapping windows" {
    same "$RIDX" "$SLICE" 7 oil --window 0,3 --measure mi -- 'oil|oils' --window 0,3
    same "$RIDX" "$SLICE" 9 oil --window 3,0 --measure ll -- 'oil|oils' --window 3,0
    for w in 5,5 1,2 0,3 3,0; do
        same "$SIDX" "$SMALL" 6 cat --window $w --min-freq 1 -- 'cat|cats' --window $w --min-freq 1
    done
}

@test "collocates: --window at its limit (1000) and one past" {
    same "$SIDX" "$SMALL" 6 cat --window 1000,1000 --min-freq 1 -- 'cat|cats' --window 1000,1000 --min-freq 1
    for w in 1001,0 0,1001 1001; do
        run "$KQ" -d "$SIDX" collocates cat --window $w
        no_crash
        [ "$status" -eq 2 ]
        [[ "$output" == *"--window needs a number from 0 to 1000"* ]]
    done
    run "$KQ" -d "$SIDX" collocates cat --window 0,0
    [ "$status" -eq 2 ]
    [[ "$output" == *"holds no word"* ]]
    # L is read into a buffer of 24 bytes: 23 digits fit, 24 are refused.
    [ "$("$KQ" -d "$SIDX" collocates cat --window 00000000000000000000005,5 --format=tsv)" = \
        "$("$KQ" -d "$SIDX" collocates cat --format=tsv)" ]
    run "$KQ" -d "$SIDX" collocates cat --window 000000000000000000000005,5
    [ "$status" -eq 2 ]
    [[ "$output" == *"--window needs L,R"* ]]
}

@test "collocates: --by stem" {
    same "$RIDX" "$SLICE" 6 oil --by stem -- 'oil|oils' --by stem
    same "$RIDX" "$SLICE" 9 crude --by stem --measure ll -- 'crude|crudes' --by stem
    same "$SIDX" "$SMALL" 6 cat --by stem --min-freq 1 -- 'cat|cats' --by stem --min-freq 1
}

@test "collocates: a phrase is one match, its words outside every window" {
    same "$RIDX" "$SLICE" 9 '"crude oil"' --measure ll -- 'crude|crudes' 'oil|oils'
    # Neither word of the phrase is its own collocate unless it occurs
    # around the phrase: crude oil crude ... are counted, the match is not.
    [ "$(summary "$RIDX" matches '"crude oil"')" -lt "$(summary "$RIDX" matches oil)" ]
}

@test "collocates: a NOT query (oil NOT price): windows in the documents without price only" {
    same "$RIDX" "$SLICE" 6 'oil NOT price' -- 'oil|oils' --without "$PRICE"
    # A query of conditions only has no match to take a window around.
    run "$KQ" -d "$RIDX" collocates '* NOT oil' --format=tsv
    no_crash
    [ "$status" -eq 1 ]
    [[ "$output" == *"no matches"* ]]
    run "$KQ" -d "$RIDX" collocates zzyzxq
    [ "$status" -eq 1 ]
}

@test "collocates: --min-freq at and one past a collocate's frequency" {
    o=$(python3 "$ORACLE" "$SLICE" 'oil|oils' --min-freq 1 | awk -F'\t' '$1 == "crude" { print $2 }')
    [ "$o" -gt 3 ]
    same "$RIDX" "$SLICE" 6 oil --min-freq "$o" -- 'oil|oils' --min-freq "$o"
    grep -q '^crude	' "$BATS_TEST_TMPDIR/k.tsv"
    same "$RIDX" "$SLICE" 6 oil --min-freq $((o + 1)) -- 'oil|oils' --min-freq $((o + 1))
    ! grep -q '^crude	' "$BATS_TEST_TMPDIR/k.tsv"
}

@test "collocates: --top N keeps the first N rows; 20 by default" {
    all=$("$KQ" -d "$RIDX" collocates oil --top 0 --format=tsv)
    [ "$(printf '%s\n' "$all" | wc -l)" -gt 30 ]
    [ "$("$KQ" -d "$RIDX" collocates oil --top 5 --format=tsv)" = "$(printf '%s\n' "$all" | head -6)" ]
    [ "$("$KQ" -d "$RIDX" collocates oil --format=tsv)" = "$(printf '%s\n' "$all" | head -21)" ]
    # The summary counts the collocates before the cut.
    [ "$(summary "$RIDX" collocates oil --top 5)" -eq "$(($(printf '%s\n' "$all" | wc -l) - 1))" ]
}

@test "collocates: --stop FILE leaves its words out, folded (and stemmed with --by stem), the rest unchanged" {
    printf 'Prices\n\nTHE\nand \n' >"$BATS_TEST_TMPDIR/stop"
    "$KQ" -d "$RIDX" collocates oil --top 0 --format=tsv >"$BATS_TEST_TMPDIR/all.tsv"
    grep -q '^prices	' "$BATS_TEST_TMPDIR/all.tsv"
    grep -q '^the	' "$BATS_TEST_TMPDIR/all.tsv"
    run "$KQ" -d "$RIDX" collocates oil --top 0 --format=tsv --stop "$BATS_TEST_TMPDIR/stop"
    [ "$status" -eq 0 ]
    [ "$output" = "$(grep -v -e '^prices	' -e '^the	' -e '^and	' "$BATS_TEST_TMPDIR/all.tsv")" ]
    # --by stem: "Prices" stands for its stem, so price, prices, priced go.
    "$KQ" -d "$RIDX" collocates oil --top 0 --format=tsv --by stem >"$BATS_TEST_TMPDIR/all.tsv"
    grep -q '^price	' "$BATS_TEST_TMPDIR/all.tsv"
    run "$KQ" -d "$RIDX" collocates oil --top 0 --format=tsv --by stem --stop "$BATS_TEST_TMPDIR/stop"
    [ "$output" = "$(grep -v -e '^price	' -e '^the	' -e '^and	' "$BATS_TEST_TMPDIR/all.tsv")" ]
    # A line that is no word or two words, and a missing file: named, exit 2.
    printf 'oil\n---\n' >"$BATS_TEST_TMPDIR/bad"
    run "$KQ" -d "$RIDX" collocates oil --stop "$BATS_TEST_TMPDIR/bad"
    [ "$status" -eq 2 ]
    [[ "$output" == *"/bad:2: not one word"* ]]
    printf 'oil\n\nnew york\n' >"$BATS_TEST_TMPDIR/bad"
    run "$KQ" -d "$RIDX" collocates oil --stop "$BATS_TEST_TMPDIR/bad"
    [ "$status" -eq 2 ]
    [[ "$output" == *"/bad:3: not one word"* ]]
    # A word of 64 bytes (KQ_MAX_WORD) is one; of 65, none.
    printf 'oil\n%s\n' "$(printf 'a%.0s' $(seq 64))" >"$BATS_TEST_TMPDIR/bad"
    run "$KQ" -d "$RIDX" collocates oil --stop "$BATS_TEST_TMPDIR/bad"
    [ "$status" -eq 0 ]
    printf 'oil\n%s\n' "$(printf 'a%.0s' $(seq 65))" >"$BATS_TEST_TMPDIR/bad"
    run "$KQ" -d "$RIDX" collocates oil --stop "$BATS_TEST_TMPDIR/bad"
    [ "$status" -eq 2 ]
    [[ "$output" == *"/bad:2: not one word (of at most 64 bytes"* ]]
    run "$KQ" -d "$RIDX" collocates oil --stop "$BATS_TEST_TMPDIR/nothere"
    [ "$status" -eq 2 ]
    [[ "$output" == *"nothere"* ]]
}

@test "collocates: a --stop line at its limit (512 bytes) and one past" {
    "$KQ" -d "$RIDX" collocates oil --top 0 --format=tsv >"$BATS_TEST_TMPDIR/all.tsv"
    printf 'the\n%-512s\n' prices >"$BATS_TEST_TMPDIR/stop"
    [ "$(sed -n 2p "$BATS_TEST_TMPDIR/stop" | tr -d '\n' | wc -c)" -eq 512 ]
    run "$KQ" -d "$RIDX" collocates oil --top 0 --format=tsv --stop "$BATS_TEST_TMPDIR/stop"
    [ "$status" -eq 0 ]
    [ "$output" = "$(grep -v -e '^prices	' -e '^the	' "$BATS_TEST_TMPDIR/all.tsv")" ]
    printf 'the\n%-513s\n' prices >"$BATS_TEST_TMPDIR/stop"
    run "$KQ" -d "$RIDX" collocates oil --stop "$BATS_TEST_TMPDIR/stop"
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *"/stop:2: a line longer than 512 bytes"* ]]
}

@test "collocates: every output format parses, with the same rows" {
    tsv=$("$KQ" -d "$RIDX" collocates oil --format=tsv | tail -n +2)
    n=$(printf '%s\n' "$tsv" | wc -l)
    [ "$n" -eq 20 ]
    first=$(printf '%s\n' "$tsv" | head -1 | cut -f1)
    run "$KQ" -d "$RIDX" collocates oil --format=csv
    [ "$(printf '%s\n' "$output" | python3 -c 'import csv,sys; r=list(csv.reader(sys.stdin)); assert r[0][0]=="collocate" and len(r[0])==9; print(len(r)-1, r[1][0])')" = "$n $first" ]
    run "$KQ" -d "$RIDX" collocates oil --format=jsonl
    [ "$(printf '%s\n' "$output" | python3 -c '
import json,sys
L=[json.loads(l) for l in sys.stdin]
assert L[-1]["type"]=="summary" and all(l["type"]=="collocate" for l in L[:-1])
assert set(L[0])=={"type","collocate","observed","freq","node_freq","expected","logdice","mi","t","ll"}
print(len(L)-1, L[0]["collocate"])')" = "$n $first" ]
    run "$KQ" -d "$RIDX" collocates oil --format=json
    [ "$(printf '%s\n' "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["collocates"]), d["collocates"][0]["collocate"])')" = "$n $first" ]
    run "$KQ" -d "$RIDX" collocates oil
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "$output" | wc -l)" -eq $((n + 1)) ]
    [[ "${lines[0]}" == collocate*O*"f(c)"*"f(n)"*E*logDice*MI*t*G2 ]]
    [[ "${lines[1]}" == "$first "* ]]
    run "$KQ" -d "$RIDX" collocates oil --format=trec
    [ "$status" -eq 2 ]
}

@test "collocates: usage errors (exit 2)" {
    run "$KQ" -d "$RIDX" collocates
    [ "$status" -eq 2 ]
    run "$KQ" -d "$RIDX" collocates oil --measure dice
    [ "$status" -eq 2 ]
    [[ "$output" == *"logdice, mi, t or ll"* ]]
    run "$KQ" -d "$RIDX" collocates oil --by lemma
    [ "$status" -eq 2 ]
    run "$KQ" -d "$RIDX" search oil --window 3,3
    [ "$status" -eq 2 ]
    [[ "$output" == *"--window does not apply"* ]]
}

@test "collocates: a deleted document counts nowhere (N, f(c) by word and by stem, windows)" {
    "$KQI" -q -d "$BATS_TEST_TMPDIR/del" "$SMALL"
    "$KQI" rm -d "$BATS_TEST_TMPDIR/del" c4
    grep -v '"c4"' "$SMALL" >"$BATS_TEST_TMPDIR/small.jsonl"
    for by in word stem; do
        same "$BATS_TEST_TMPDIR/del" "$BATS_TEST_TMPDIR/small.jsonl" 6 cat --by $by --min-freq 1 \
            -- 'cat|cats' --by $by --min-freq 1
    done
}

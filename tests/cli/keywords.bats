#!/usr/bin/env bats
# kq keywords against an independent computation, tests/oracle/
# keywords.py (a Python script over the JSON Lines, with collocates.py's
# tokenizer and libstemmer, the statistics written from the papers), on
# the Reuters slice and the hand-made corpus tests/data/colloc/small.jsonl.
# Every column of every row is compared (tests/oracle/tsvcmp.py: numbers
# within 1e-6 relative), and the order (G2 descending).  The oracle
# selects the focus and the reference with its own notation: a word's
# forms (opec; crude|crudes) and a date prefix.

bats_require_minimum_version 1.5.0
load helpers

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
SMALL="$ROOT/tests/data/colloc/small.jsonl"
RIDX="$BATS_FILE_TMPDIR/r"
SIDX="$BATS_FILE_TMPDIR/s"
ORACLE="$ROOT/tests/oracle/keywords.py"
CMP="$ROOT/tests/oracle/tsvcmp.py"

setup_file() {
    "$KQI" -q -d "$BATS_FILE_TMPDIR/r" "$ROOT/tests/data/reuters/slice.jsonl.gz" &&
        "$KQI" -q -d "$BATS_FILE_TMPDIR/s" "$ROOT/tests/data/colloc/small.jsonl"
}

setup() {
    cd "$ROOT"
    python3 -c 'import ctypes.util, sys; sys.exit(not ctypes.util.find_library("stemmer"))' ||
        skip "libstemmer.so missing (the oracle's --by stem)"
}

# same IDX FILE KQ_ARGS... -- ORACLE_ARGS...: kq keywords --top 0
# --format=tsv equals the oracle, rows by G2 (column 6) descending.
same() {
    local idx=$1 file=$2 ka=()
    shift 2
    while [ "$1" != "--" ]; do ka+=("$1"); shift; done
    shift
    run "$KQ" -d "$idx" keywords --top 0 --format=tsv "${ka[@]}"
    no_crash
    [ "$status" -eq 0 ] || { echo "kq status $status: $output" >&2; return 1; }
    printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/k.tsv"
    python3 "$ORACLE" "$file" "$@" >"$BATS_TEST_TMPDIR/o.tsv"
    [ "$(grep -vc '^#' "$BATS_TEST_TMPDIR/o.tsv")" -gt 0 ] ||
        { echo "the oracle found no keywords: a test that cannot fail" >&2; return 1; }
    python3 "$CMP" "$BATS_TEST_TMPDIR/k.tsv" "$BATS_TEST_TMPDIR/o.tsv" 6
}

# The summary of kq keywords --format=json "$@" on the slice: its fields
# focus_documents reference_documents overlap, tab-separated.
docs() {
    "$KQ" -d "$RIDX" keywords --format=json "$@" | python3 -c '
import json,sys
s=json.load(sys.stdin)["summary"]
print("%d\t%d\t%d" % (s["focus_documents"], s["reference_documents"], s["overlap"]))'
}

@test "keywords: March 1987 OPEC coverage against the rest of the index, by word and by stem" {
    same "$RIDX" "$SLICE" 'opec AND date:1987-03' -- --focus opec --focus-date 1987-03
    same "$RIDX" "$SLICE" 'opec AND date:1987-03' --by stem -- --focus opec --focus-date 1987-03 --by stem
    # A word absent from the reference (b = 0: Log Ratio and %DIFF with 0.5).
    awk -F'\t' '$3 == 0 { f = 1 } END { exit !f }' "$BATS_TEST_TMPDIR/k.tsv"
    [ "$(docs 'opec AND date:1987-03')" = "$(python3 "$ORACLE" "$SLICE" --focus opec --focus-date 1987-03 | sed -n 's/^#docs\t//p')" ]
}

@test "keywords: --reference QUERY (March against February)" {
    same "$RIDX" "$SLICE" 'opec AND date:1987-03' --reference 'opec AND date:1987-02' \
        -- --focus opec --focus-date 1987-03 --ref opec --ref-date 1987-02
}

@test "keywords: a document matching both queries is in the focus only" {
    same "$RIDX" "$SLICE" opec --reference crude --min-freq 3 -- --focus opec --ref 'crude|crudes' --min-freq 3
    want=$(python3 "$ORACLE" "$SLICE" --focus opec --ref 'crude|crudes' | sed -n 's/^#docs\t//p')
    [ "$(docs opec --reference crude)" = "$want" ]
    [ "$(printf '%s\n' "$want" | cut -f3)" -gt 0 ]
    same "$RIDX" "$SLICE" opec --reference crude --by stem -- --focus opec --ref 'crude|crudes' --by stem
}

@test "keywords: the hand-made corpus (a word longer than KQ_MAX_WORD is no token)" {
    for by in word stem; do
        same "$SIDX" "$SMALL" dog --min-freq 1 --by $by -- --focus 'dogs?' --min-freq 1 --by $by
        same "$SIDX" "$SMALL" sat --reference dog --min-freq 1 --by $by -- --focus sat --ref 'dogs?' --min-freq 1 --by $by
    done
}

@test "keywords: --min-freq at and one past a word's focus frequency; --top" {
    a=$(python3 "$ORACLE" "$SLICE" --focus opec --focus-date 1987-03 | awk -F'\t' '$1 == "ecuador" { print $2 }')
    [ "$a" -gt 5 ]
    same "$RIDX" "$SLICE" 'opec AND date:1987-03' --min-freq "$a" -- --focus opec --focus-date 1987-03 --min-freq "$a"
    grep -q '^ecuador	' "$BATS_TEST_TMPDIR/k.tsv"
    same "$RIDX" "$SLICE" 'opec AND date:1987-03' --min-freq $((a + 1)) -- --focus opec --focus-date 1987-03 --min-freq $((a + 1))
    ! grep -q '^ecuador	' "$BATS_TEST_TMPDIR/k.tsv"
    all=$("$KQ" -d "$RIDX" keywords opec --top 0 --format=tsv)
    [ "$(printf '%s\n' "$all" | wc -l)" -gt 30 ]
    [ "$("$KQ" -d "$RIDX" keywords opec --top 7 --format=tsv)" = "$(printf '%s\n' "$all" | head -8)" ]
    [ "$("$KQ" -d "$RIDX" keywords opec --format=tsv)" = "$(printf '%s\n' "$all" | head -21)" ]
}

@test "keywords: an empty focus or reference: a message, the header only, exit 1" {
    run "$KQ" -d "$RIDX" keywords zzyzxq --format=tsv
    no_crash
    [ "$status" -eq 1 ]
    [[ "$output" == *"the focus is empty"* ]]
    [ "$("$KQ" -d "$RIDX" keywords zzyzxq --format=tsv 2>/dev/null)" = "$(printf 'word\tfocus\treference\tfocus_tokens\treference_tokens\tll\tlog_ratio\tpct_diff')" ]
    [ "$("$KQ" -d "$RIDX" keywords zzyzxq --format=json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["keywords"]), d["summary"]["focus_documents"])')" = "0 0" ]
    # Every document in the focus: nothing is left for the reference.
    run "$KQ" -d "$RIDX" keywords '*'
    [ "$status" -eq 1 ]
    [[ "$output" == *"the reference is empty"* ]]
    # The reference wholly inside the focus: the same.
    run "$KQ" -d "$RIDX" keywords oil --reference 'oil AND opec'
    [ "$status" -eq 1 ]
    [[ "$output" == *"the reference is empty"* ]]
}

@test "keywords: every output format parses, with the same rows" {
    tsv=$("$KQ" -d "$RIDX" keywords opec --format=tsv | tail -n +2)
    n=$(printf '%s\n' "$tsv" | wc -l)
    [ "$n" -eq 20 ]
    first=$(printf '%s\n' "$tsv" | head -1 | cut -f1)
    run "$KQ" -d "$RIDX" keywords opec --format=csv
    [ "$(printf '%s\n' "$output" | python3 -c 'import csv,sys; r=list(csv.reader(sys.stdin)); assert len(r[0])==8; print(len(r)-1, r[1][0])')" = "$n $first" ]
    run "$KQ" -d "$RIDX" keywords opec --format=jsonl
    [ "$(printf '%s\n' "$output" | python3 -c '
import json,sys
L=[json.loads(l) for l in sys.stdin]
assert L[-1]["type"]=="summary" and all(l["type"]=="keyword" for l in L[:-1])
assert set(L[0])=={"type","word","focus","reference","focus_tokens","reference_tokens","ll","log_ratio","pct_diff"}
print(len(L)-1, L[0]["word"])')" = "$n $first" ]
    run "$KQ" -d "$RIDX" keywords opec --format=json
    [ "$(printf '%s\n' "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["keywords"]), d["keywords"][0]["word"])')" = "$n $first" ]
    run "$KQ" -d "$RIDX" keywords opec
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "focus: 25 documents, "*" tokens; reference: 2728 documents, "* ]]
    [[ "${lines[1]}" == word*focus*reference*G2*LogRatio*%DIFF ]]
    [[ "${lines[2]}" == "$first "* ]]
    [ "${#lines[@]}" -eq $((n + 2)) ]
}

@test "keywords: usage errors (exit 2)" {
    run "$KQ" -d "$RIDX" keywords
    [ "$status" -eq 2 ]
    run "$KQ" -d "$RIDX" keywords opec --by lemma
    [ "$status" -eq 2 ]
    run "$KQ" -d "$RIDX" keywords opec --reference 'oil AND ('
    [ "$status" -eq 2 ]
    [[ "$output" == *"syntax error"* ]]
    run "$KQ" -d "$RIDX" keywords opec --window 3,3
    [ "$status" -eq 2 ]
}

@test "keywords: a deleted document counts nowhere (by word and by stem, the rest of the index)" {
    "$KQI" -q -d "$BATS_TEST_TMPDIR/del" "$SMALL"
    "$KQI" rm -d "$BATS_TEST_TMPDIR/del" c4
    grep -v '"c4"' "$SMALL" >"$BATS_TEST_TMPDIR/small.jsonl"
    for by in word stem; do
        same "$BATS_TEST_TMPDIR/del" "$BATS_TEST_TMPDIR/small.jsonl" dog --by $by --min-freq 1 \
            -- --focus 'dogs?' --by $by --min-freq 1
    done
}

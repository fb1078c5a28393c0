#!/usr/bin/env bats
# Several segments and spilled runs give the same answers as one segment.
#
# An index built in two kq-index runs has two segments; ranking uses
# index-wide statistics (documents, average length, document frequencies
# summed over segments), so scores and order must equal those of an index
# built in one run over the same files in the same order.  Likewise a tiny
# --memory budget (many spilled runs merged at commit) must give the same
# index files, byte for byte, as the default budget.
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    index_corpus
    cd "$ROOT" || return 1
    # The same 41 files in the same order, split 0000-0019 / 0020-0040.
    mkdir -p "$BATS_FILE_TMPDIR/a/corpus" "$BATS_FILE_TMPDIR/b/corpus"
    cp corpus/00[01]?.txt "$BATS_FILE_TMPDIR/a/corpus/"
    cp corpus/00[234]?.txt "$BATS_FILE_TMPDIR/b/corpus/"
    (cd "$BATS_FILE_TMPDIR/a" && "$KQI" -q -d "$BATS_FILE_TMPDIR/two" corpus/)
    (cd "$BATS_FILE_TMPDIR/b" && "$KQI" -q -d "$BATS_FILE_TMPDIR/two" corpus/)
    "$KQI" -q -d "$BATS_FILE_TMPDIR/spill" --memory 16K corpus/
}

setup() {
    cd "$ROOT"
}

# Print id and score of every hit, one per line.
hits() {
    "$KQ" -d "$1" --json -n 100 "$2" | jq -r 'select(.type == "hit") | "\(.id) \(.score)"'
}

@test "segments: the split index has 2 segments and 41 documents" {
    run "$KQ" -d "$BATS_FILE_TMPDIR/two" --check
    no_crash
    [ "$status" -eq 0 ]
    [[ "$output" == *"41 documents, 2 segment(s), generation 2"* ]]
}

@test "segments: two segments rank exactly like one" {
    for q in 'ceasefire AND peacekeepers' 'oil OR bank OR dollar' \
             '"prime minister"' 'peace*' 'NOT the' 'said -oil' 'U.S. troops OR U.S.'; do
        one=$(hits "$IDX" "$q")
        two=$(hits "$BATS_FILE_TMPDIR/two" "$q")
        [ -n "$one" ] || [ "$q" = 'NOT the' ] || { echo "no hits for $q" >&2; false; }
        if [ "$one" != "$two" ]; then
            echo "query: $q" >&2
            diff <(echo "$one") <(echo "$two") >&2
            false
        fi
    done
}

@test "segments: counts agree between one and two segments" {
    for q in ceasefire 'oil OR gas' 'NOT oil' '"central bank"'; do
        [ "$("$KQ" -d "$IDX" -c "$q")" = "$("$KQ" -d "$BATS_FILE_TMPDIR/two" -c "$q")" ]
    done
}

@test "spill: a 16K memory budget writes the same files as the default" {
    run "$KQ" -d "$BATS_FILE_TMPDIR/spill" --check
    no_crash
    [ "$status" -eq 0 ]
    for f in "$IDX"/seg*; do
        cmp "$f" "$BATS_FILE_TMPDIR/spill/$(basename "$f")"
    done
    # No run files are left behind.
    [ -z "$(ls "$BATS_FILE_TMPDIR/spill" | grep tmp)" ]
}

# The summary's "terms" is the number of distinct words of the whole index
# after the run (not the last segment's count), counted here
# independently of kq with tr | sort -u over the titles and bodies of every
# run.  The words are made-up lower-case letters (no stop words, nothing
# folded or split) and overlap between runs, so a sum of per-run counts
# would be too large and the last run's count too small.
@test "summary: after three --no-merge runs, terms = the distinct words of the whole index" {
    cd "$BATS_TEST_TMPDIR"
    for r in 1 2 3; do
        for i in 1 2 3 4; do
            # run r: words zq<a..>, overlapping the next run's
            t=$(printf 'zq%s' "$(echo abcdefgh | cut -c$((r + i - 1)))")
            b=$(printf 'zq%sx zq%sy zqcommon zq%s%s' "$r" "$i" "$(echo abcd | cut -c$i)" "$(echo efgh | cut -c$r)" | tr 0-9 j-s)
            printf '{"id":"r%s-%s","title":"%s","body":"%s"}\n' "$r" "$i" "$t" "$b"
        done >"run$r.jsonl"
        run --separate-stderr "$KQI" -d idx --no-merge "run$r.jsonl"
        [ "$status" -eq 0 ]
        summary=$output
    done
    # (three runs, three segments: the count is over all of them)
    run -0 "$KQ" -d idx stats --format=json
    [ "$(jq '.segments | length' <<<"$output")" -eq 3 ]
    want=$(jq -r '.title, .body' run1.jsonl run2.jsonl run3.jsonl |
           tr -s ' ' '\n' | sort -u | wc -l)
    [ "$want" -gt 12 ]
    [[ "$summary" =~ ,\ ([0-9]+)\ terms, ]]
    echo "summary: $summary; independent count: $want" >&2
    [ "${BASH_REMATCH[1]}" -eq "$want" ]
    # ... which is what kq terms lists
    run -0 "$KQ" -d idx terms --format=jsonl
    [ "$(grep -c '"word"' <<<"$output")" -eq "$want" ]
}

# kq stats's per-segment "terms" is the segment's distinct words, the unit
# of the summary's "terms" (it printed the .dict's keys: words, stems and
# field terms, about twice as many).  Counted independently with
# tr | sort -u; the made-up words are not stemmed, folded or stopped.
@test "stats: a segment's terms are its distinct words, as the summary counts them" {
    cd "$BATS_TEST_TMPDIR"
    printf '%s\n' '{"id":"a1","title":"zqa zqb","body":"zqb zqc zqd"}' \
        '{"id":"a2","title":"zqe","body":"zqa zqf zqf"}' >a.jsonl
    printf '%s\n' '{"id":"b1","title":"zqa","body":"zqg zqh"}' >b.jsonl
    words() { jq -r '.title, .body' "$@" | tr -s ' ' '\n' | sort -u | wc -l; }
    [ "$(words a.jsonl)" -eq 6 ] && [ "$(words b.jsonl)" -eq 3 ]
    run --separate-stderr "$KQI" -d idx --no-merge a.jsonl
    [ "$status" -eq 0 ]
    [[ "$output" =~ ,\ ([0-9]+)\ terms, ]]
    [ "${BASH_REMATCH[1]}" -eq 6 ]
    run -0 "$KQ" -d idx stats --format=json
    [ "$(jq '.segments[0].terms' <<<"$output")" -eq 6 ]
    run --separate-stderr "$KQI" -d idx --no-merge b.jsonl
    [ "$status" -eq 0 ]
    [[ "$output" =~ ,\ ([0-9]+)\ terms, ]]
    [ "${BASH_REMATCH[1]}" -eq "$(words a.jsonl b.jsonl)" ]
    run -0 "$KQ" -d idx stats --format=json
    [ "$(jq -c '[.segments[].terms]' <<<"$output")" = "[6,3]" ]
    # the text table's "terms" column says the same
    run -0 "$KQ" -d idx stats
    [ "$(awk '$1 ~ /^seg[0-9]/ { print $5 }' <<<"$output" | paste -sd' ')" = "6 3" ]
    # A compact that drops a deleted document keeps its words in the
    # vocabulary (kq-index writes it first); they are not the segment's
    # words any more, and kq terms does not list them.
    run -0 "$KQI" rm -d idx a2
    run -0 "$KQI" compact -d idx
    want=$(jq -r 'select(.id != "a2") | .title, .body' a.jsonl b.jsonl |
           tr -s ' ' '\n' | sort -u | wc -l)
    [ "$want" -eq 6 ]
    run -0 "$KQ" -d idx terms --format=jsonl
    [ "$(grep -c '"word"' <<<"$output")" -eq "$want" ]
    run -0 "$KQ" -d idx stats --format=json
    [ "$(jq -c '[.segments[].terms]' <<<"$output")" = "[$want]" ]
}

@test "merge: kq-index merge does the merges --no-merge deferred; the answers do not change" {
    cd "$BATS_TEST_TMPDIR"
    # 41 commits of one file each: 41 segments of one document, 8 of which
    # the policy merges at a time (MERGE_FACTOR, writer.c).
    for f in "$ROOT"/corpus/00??.txt; do
        (cd "$ROOT" && "$KQI" -q --no-merge -d "$BATS_TEST_TMPDIR/m" "corpus/${f##*/}")
    done
    segs() { "$KQ" -d m stats --format=json | jq '.segments | length'; }
    [ "$(segs)" -eq 41 ]
    before=$(for q in ceasefire 'peace* OR troops' '"the ceasefire"'; do hits m "$q"; done)
    run -0 "$KQI" merge -d m
    # 41 = 5 x 8 + 1: five merges of eight, then the five merged segments
    # and the last one stay (fewer than eight a level)
    [[ "$output" == "kq-index: 5 merge(s), 6 segment(s), "* ]]
    [ "$(segs)" -eq 6 ]
    after=$(for q in ceasefire 'peace* OR troops' '"the ceasefire"'; do hits m "$q"; done)
    [ -n "$before" ] && [ "$before" = "$after" ]
    run -0 "$KQ" -d m --check
    # nothing more to do; -q prints nothing
    run -0 "$KQI" merge -d m
    [[ "$output" == "kq-index: 0 merge(s), 6 segment(s), "* ]]
    run -0 "$KQI" merge -q -d m
    [ -z "$output" ]
    # usage errors: a PATH, no index
    run -2 "$KQI" merge -d m corpus/
    run -3 "$KQI" merge -d "$BATS_TEST_TMPDIR/none"
}

@test "merge policy: --merge-budget defers the merges of an add, --max-segment caps them" {
    cd "$BATS_TEST_TMPDIR"
    one_by_one() {   # DIR OPTIONS...: the first 9 files, a commit each
        local d=$1
        shift
        for f in "$ROOT"/corpus/000?.txt; do
            (cd "$ROOT" && "$KQI" -q "$@" -d "$d" "corpus/${f##*/}")
        done
    }
    segs() { "$KQ" -d "$1" stats --format=json | jq '.segments | length'; }
    # the default budget (64M at least) merges the first 8 at the 8th add:
    # 10 files, 3 segments
    one_by_one "$BATS_TEST_TMPDIR/a"
    [ "$(segs a)" -eq 3 ]
    # a 1K budget is less than any merge reads: every add returns unmerged
    one_by_one "$BATS_TEST_TMPDIR/b" --merge-budget 1K
    [ "$(segs b)" -eq 10 ]
    # ... until kq-index merge, which has no budget
    run -0 "$KQI" merge -d b
    [[ "$output" == "kq-index: 1 merge(s), 3 segment(s), "* ]]
    # a budget of exactly the bytes of the 8 segments the policy merges (the
    # newest 8 of the level) lets it, one byte less does not; a run that
    # adds nothing (its file is unchanged) still merges after its commit
    one_by_one "$BATS_TEST_TMPDIR/c" --no-merge
    need=$("$KQ" -d c stats --format=json | jq '[.segments[-8:][].size] | add')
    [ "$need" -gt 1024 ]
    (cd "$ROOT" && "$KQI" -q -d "$BATS_TEST_TMPDIR/c" --merge-budget "$((need - 1))" corpus/0000.txt)
    [ "$(segs c)" -eq 10 ]
    (cd "$ROOT" && "$KQI" -q -d "$BATS_TEST_TMPDIR/c" --merge-budget "$need" corpus/0000.txt)
    [ "$(segs c)" -eq 3 ]
    # --max-segment: no merge makes a segment past it, kq-index merge either
    one_by_one "$BATS_TEST_TMPDIR/e" --no-merge
    run -0 "$KQI" merge -d e --max-segment "$((need - 1))"
    [[ "$output" == "kq-index: 0 merge(s), 10 segment(s), "* ]]
    run -0 "$KQI" merge -d e --max-segment "$need"
    [[ "$output" == "kq-index: 1 merge(s), 3 segment(s), "* ]]
    # the answers never depend on the merges
    for q in ceasefire 'peace* OR troops'; do
        [ "$(hits a "$q")" = "$(hits b "$q")" ]
    done
    run -2 "$KQI" -d b --merge-budget 0 corpus/
    run -2 "$KQI" -d b --max-segment x corpus/
}

@test "merge, compact --progress: a line per merge on stderr (plain), nothing on a pipe by default" {
    cd "$BATS_TEST_TMPDIR"
    for f in "$ROOT"/corpus/00[01]?.txt; do
        (cd "$ROOT" && "$KQI" -q --no-merge -d "$BATS_TEST_TMPDIR/p" "corpus/${f##*/}")
    done
    # 20 segments: two merges of 8, each ending with its whole size read
    run -0 --separate-stderr "$KQI" merge --progress=plain -d p
    [[ "$output" == "kq-index: 2 merge(s), 6 segment(s), "* ]]
    grep -q '^progress merge=1 bytes=\([0-9]*\) total=\1 .* percent=100 eta_s=0$' <<<"$stderr"
    grep -q '^progress merge=2 bytes=\([0-9]*\) total=\1 .* percent=100 eta_s=0$' <<<"$stderr"
    [ "$(grep -vc '^progress merge=[12] ' <<<"$stderr")" -eq 0 ]
    # compact: one merge, of every byte of the index
    size=$("$KQ" -d p stats --format=json | jq '[.segments[].size] | add')
    run -0 --separate-stderr "$KQI" compact --progress=plain -d p
    [[ "$stderr" == *"progress merge=1 bytes=$size total=$size "*"percent=100 eta_s=0"* ]]
    # not on a terminal, the default is none
    (cd "$ROOT" && "$KQI" -q --no-merge -d "$BATS_TEST_TMPDIR/p" corpus/0020.txt)
    run -0 --separate-stderr "$KQI" compact -d p
    [[ "$output" == "kq-index: 1 segment(s), "* ]]
    [ -z "$stderr" ]
}

#!/usr/bin/env bats
# kq-index -j N: the index is the same, byte for byte, for any number of
# inverting threads (common/writer.c).  The corpus is generated so that it
# spans many batches of documents (a batch closes at 2048 documents or
# 256 KB of text), and a small --memory makes the workers spill runs that
# the merge must interleave by docid.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
    # 6000 documents of 12-60 words from a 3000-word vocabulary (seeded:
    # the same corpus every run), ~1.6 MB of JSON Lines.
    awk 'BEGIN {
        srand(7);
        for (w = 0; w < 3000; w++) {
            s = "";
            n = 3 + int(rand() * 6);
            for (k = 0; k < n; k++) s = s sprintf("%c", 97 + int(rand() * 26));
            voc[w] = s;
        }
        for (d = 0; d < 6000; d++) {
            n = 12 + int(rand() * 49);
            body = "";
            for (k = 0; k < n; k++) {
                # Zipf-like: low word numbers are frequent.
                r = rand(); w = int(3000 * r * r * r);
                body = body (k ? " " : "") voc[w];
            }
            printf("{\"id\":\"g%d\",\"title\":\"%s %s\",\"date\":\"2020-01-%02d\",\"body\":\"%s\"}\n",
                   d, voc[d % 3000], voc[(d * 7) % 3000], 1 + d % 28, body);
        }
    }' >"$BATS_FILE_TMPDIR/gen.jsonl"
}

# Index the generated corpus into DIR with the remaining arguments.
index_gen() {
    local dir=$1
    shift
    "$KQI" -q "$@" -d "$dir" "$BATS_FILE_TMPDIR/gen.jsonl"
}

# Every file of index A is identical to the same file of index B.
same_files() {
    local a=$1 b=$2 f n=0
    for f in "$a"/*; do
        case $f in *.lock) continue ;; esac
        cmp "$f" "$b/$(basename "$f")" || return 1
        n=$((n + 1))
    done
    [ "$n" -ge 6 ]   # manifest + 5 segment files at least
}

@test "parallel: -j 1, 2 and 3 write identical index files" {
    local t=$BATS_TEST_TMPDIR
    index_gen "$t/j1" -j 1
    index_gen "$t/j2" -j 2
    index_gen "$t/j3" -j 3
    same_files "$t/j1" "$t/j2"
    same_files "$t/j1" "$t/j3"
    run -0 "$KQ" -d "$t/j3" --check
}

@test "parallel: with runs spilled by the workers, still identical" {
    local t=$BATS_TEST_TMPDIR
    index_gen "$t/j1" -j 1
    index_gen "$t/j3m" -j 3 --memory 300K
    index_gen "$t/j2m" -j 2 --memory 300K
    same_files "$t/j1" "$t/j3m"
    same_files "$t/j1" "$t/j2m"
    # no temporary run files are left behind
    run ls "$t/j3m"
    [[ "$output" != *tmp-* ]]
}

@test "parallel: a second run adds an identical segment for any -j" {
    local t=$BATS_TEST_TMPDIR
    index_gen "$t/a" -j 1
    index_gen "$t/a" -j 1
    index_gen "$t/b" -j 2
    index_gen "$t/b" -j 3
    same_files "$t/a" "$t/b"
    local w
    w=$(head -n 1 "$BATS_FILE_TMPDIR/gen.jsonl" | grep -o '"body":"[a-z]*' | cut -d'"' -f4)
    run -0 "$KQ" -d "$t/b" -c "$w"
    [ "$output" = "$("$KQ" -d "$t/a" -c "$w")" ]
    [ "$output" -ge 2 ]   # the document is in both segments
}

@test "parallel: counts and rankings agree with the single-threaded index" {
    local t=$BATS_TEST_TMPDIR
    index_gen "$t/j1" -j 1
    index_gen "$t/j2" -j 2 --memory 200K
    # a few words of the generated vocabulary, frequent and rare
    local words
    words=$(head -c 20000 "$BATS_FILE_TMPDIR/gen.jsonl" | grep -o '"body":"[a-z ]*' |
            cut -d'"' -f4 | tr ' ' '\n' | sort | uniq -c | sort -rn |
            awk 'NR == 1 || NR == 5 || NR == 50 || NR == 200 {print $2}')
    [ -n "$words" ]
    for w in $words; do
        # (the summaries name their index directories)
        a=$("$KQ" -d "$t/j2" --json -n 20 "$w" | jq -c 'del(.index)')
        [ -n "$a" ]
        [ "$a" = "$("$KQ" -d "$t/j1" --json -n 20 "$w" | jq -c 'del(.index)')" ]
    done
}

@test "parallel: -j rejects 0, negative and non-numeric values (exit 2)" {
    run -2 "$KQI" -j 0 -d "$BATS_TEST_TMPDIR/x" "$BATS_FILE_TMPDIR/gen.jsonl"
    [[ "$output" == *"-j takes 1 to"* ]]
    run -2 "$KQI" -j -3 -d "$BATS_TEST_TMPDIR/x" "$BATS_FILE_TMPDIR/gen.jsonl"
    run -2 "$KQI" -j two -d "$BATS_TEST_TMPDIR/x" "$BATS_FILE_TMPDIR/gen.jsonl"
    [ ! -e "$BATS_TEST_TMPDIR/x/kq.manifest" ]
}

#!/usr/bin/env bats
# Words at and past the length limit (KQ_MAX_WORD, 64 bytes folded) through
# both programs: a crash seen once (a 265-512 byte word overflowed the
# analyzer's term buffer in kq-index and in kq), and what a word too long to
# index does in a query: it, and any phrase or AND holding it, matches
# nothing, and kq parse says so.  The sweep over every length in seven
# alphabets is tests/unit/t_bounds.c; this is the end-to-end check.
bats_require_minimum_version 1.5.0
load helpers

# A word of $2 copies of the string $1.
rep() { python3 -c "import sys; sys.stdout.write(sys.argv[1] * int(sys.argv[2]))" "$1" "$2"; }

setup_file() {
    local d="$BATS_FILE_TMPDIR/in"
    mkdir -p "$d"
    # One document per length around every old and new boundary: a title
    # word, the long word, a shared word; and one with a 64-byte word.
    for n in 64 65 263 264 265 266 300 511 512 513 4096; do
        printf 'len%s\nbefore %s after common\n' "$n" "$(rep a "$n")" >"$d/w$n.txt"
    done
    printf 'max\n%s common\n' "$(rep b 64)" >"$d/max.txt"
    # The index the query tests share (tests may run in parallel: each
    # one that writes an index writes its own, in $BATS_TEST_TMPDIR).
    "$KQI" -q -d "$BATS_FILE_TMPDIR/i" "$d"
}

@test "kq-index: a document with a word of 64 to 4096 bytes is indexed, the other words found (no crash)" {
    run "$KQI" -d "$BATS_TEST_TMPDIR/i" "$BATS_FILE_TMPDIR/in"
    no_crash
    [ "$status" -eq 0 ]
    run "$KQ" -d "$BATS_TEST_TMPDIR/i" -c common
    [ "$output" = 12 ]
    for n in 65 265 300 512 4096; do
        run "$KQ" -d "$BATS_TEST_TMPDIR/i" -c "len$n AND before AND after"
        [ "$output" = 1 ]
    done
    run "$KQ" -d "$BATS_TEST_TMPDIR/i" --check
    [ "$status" -eq 0 ]
}

@test "kq-index on a 300-letter word after a title (a crash seen once)" {
    python3 -c "print('t\n' + 'a'*300)" >"$BATS_TEST_TMPDIR/w.txt"
    run "$KQI" -d "$BATS_TEST_TMPDIR/i1" "$BATS_TEST_TMPDIR/w.txt"
    no_crash
    [ "$status" -eq 0 ]
    run "$KQ" -d "$BATS_TEST_TMPDIR/i1" -c t
    [ "$output" = 1 ]
}

@test "kq parse of a 400-letter word: no crash, a warning, exit 0" {
    run --separate-stderr "$KQ" -d "$BATS_FILE_TMPDIR/i" parse "$(rep a 400)"
    no_crash
    [ "$status" -eq 0 ]
    [[ "$output" == *"holds a word longer than 64 bytes: never indexed, matches nothing"* ]]
    [[ "$stderr" == *"warning:"*"matches no document"* ]]
}

@test "a word of 64 bytes is found; 65 and more match nothing, alone, in AND, in a phrase, as a prefix, =word, in a field" {
    k() { "$KQ" -d "$BATS_FILE_TMPDIR/i" -c "$@"; }
    run k "$(rep a 64)"
    [ "$output" = 1 ]
    run k "$(rep b 64)"
    [ "$output" = 1 ]
    for n in 65 265 513 4096; do
        local w; w=$(rep a "$n")
        run -1 k "$w"
        [ "$output" = 0 ]
        run -1 k "common $w"
        [ "$output" = 0 ]
        run -1 k "\"before $w after\""
        [ "$output" = 0 ]
        run -1 k "${w}*"
        [ "$output" = 0 ]
        run -1 k "=$w"
        [ "$output" = 0 ]
        run -1 k "title:$w"
        [ "$output" = 0 ]
        run -0 k "common OR $w"
        [ "$output" = 12 ]
    done
}

@test "the Xapian backend: the same words, the same counts" {
    "$KQI" -q --backend=xapian -d "$BATS_TEST_TMPDIR/x" "$BATS_FILE_TMPDIR/in" || skip "no Xapian backend"
    k() { "$KQ" -d "$BATS_TEST_TMPDIR/x" -c "$@"; }
    run k "$(rep a 64)"
    [ "$output" = 1 ]
    for n in 65 300 4096; do
        local w; w=$(rep a "$n")
        run -1 k "common $w"
        [ "$output" = 0 ]
        run -1 k "\"before $w after\""
        [ "$output" = 0 ]
        run -0 k "common OR $w"
        [ "$output" = 12 ]
    done
}

@test "field words are as long as any: 64 bytes in title:, source: and a 32-byte extra field, on both backends and after a merge" {
    local d="$BATS_TEST_TMPDIR/f" b64 c64 name
    mkdir -p "$d"
    b64=$(rep b 64); c64=$(rep c 64); name=$(rep n 32)
    printf '{"id":"d1","title":"%s","body":"x","source":"%s","%s":"%s"}\n' \
        "$b64" "$b64" "$name" "$c64" >"$d/one.jsonl"
    printf '{"id":"d2","title":"y","body":"%s"}\n' "$b64" >"$d/two.jsonl"
    for be in native xapian; do
        "$KQI" -q --backend=$be -d "$d/$be" --field "$name" "$d/one.jsonl" || {
            [ $be = xapian ] && continue; false; }
        "$KQI" -q --backend=$be -d "$d/$be" --field "$name" "$d/two.jsonl"
        if [ $be = native ]; then "$KQI" compact -q -d "$d/$be"; fi
        k() { "$KQ" -d "$d/$be" -c "$@"; }
        run k "$b64";              [ "$output" = 2 ]
        run k "title:$b64";        [ "$output" = 1 ]
        run k "source:$b64";       [ "$output" = 1 ]
        run k "$name:$c64";        [ "$output" = 1 ]
        run k "title:${b64}b";     [ "$output" = 0 ]
        run k "$name:${c64}c";     [ "$output" = 0 ]
    done
    run "$KQ" -d "$d/native" --check
    [ "$status" -eq 0 ]
}

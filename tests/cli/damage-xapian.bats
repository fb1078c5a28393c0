#!/usr/bin/env bats
# The damage sweep of damage.bats on a Xapian (glass) database
# (tests/damage-sweep.sh -x): corpus/ indexed with --backend=xapian in two
# runs; every regular file of the database but flintlock (Xapian's lock)
# truncated and flipped, and each damaged copy given the queries of
# CMDS_XAPIAN in tests/damage-sweep.sh (terms, AND, OR, NOT, phrases,
# prefixes, fields, NEAR; ids, scores and snippets), each under a 20 s
# limit.  Every command must end without a signal, a timeout or a sanitizer
# report, and either exit 4 with a message naming the damaged file
# (common/xapian/xapian_capi.cc finds it with Xapian's own table check: Xapian's
# messages rarely name one), or exit 3 naming iamglass for a damaged format
# version (Xapian cannot tell it from another version's database), or
# answer as on the intact database.  Glass keeps no checksums: a flipped
# byte inside a posting or a stored text can change an answer unnoticed,
# and such flips are counted (undetected-change), not failed; a truncation
# never may.
#
# The sample: every $KQ_DAMAGE_SAMPLE-th case of each file and kind, with
# $KQ_DAMAGE_CASES (default 15) seeded offsets (default 10, 24 with the
# sanitizer build); tests/damage-sweep.sh -x alone runs all of them.
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    SWEEP="$ROOT/tests/damage-sweep.sh"
    W="$BATS_FILE_TMPDIR/xdamage"
    export SWEEP W
    "$SWEEP" prepare "$W" -b "$KQ_BIN" -x
}

setup() {
    cd "$ROOT"
}

# sweep KIND: run the sample of KIND cases; fail with the report if any
# case fails.
sweep() {
    local every
    if [ -n "${KQ_DAMAGE_SAMPLE:-}" ]; then
        every=$KQ_DAMAGE_SAMPLE
    elif grep -qa __asan_init "$KQ"; then
        every=24
    else
        every=10
    fi
    # The sweep writes WORKDIR/run: each test sweeps in a directory of its
    # own (the tests of a file may run in parallel), a copy of the prepared
    # reference.
    mkdir "$BATS_TEST_TMPDIR/w" && cp -r "$W/ref" "$BATS_TEST_TMPDIR/w/"
    run "$SWEEP" run "$BATS_TEST_TMPDIR/w" -b "$KQ_BIN" -k "$1" -n "${KQ_DAMAGE_CASES:-15}" \
        -a "${KQ_DAMAGE_ALL:-0}" -e "$every" -s "${KQ_DAMAGE_SEED:-1}"
    echo "$output"
    echo "# xapian damage $1 (every $every-th case): ${lines[${#lines[@]}-1]}" >&3
    [[ "${lines[${#lines[@]}-1]}" == *" cases, "*" failed" ]]
    [ "$status" -eq 0 ]
}

@test "damage-xapian: the intact database answers every query; the files swept are its tables and version file" {
    [ "$(cat "$W/ref/backend")" = xapian ]
    run -0 xapian-check "$W/ref/idx"
    [[ "$output" == *"No errors found"* ]]
    run cat "$W/ref/files"
    echo "$output"
    [[ "$output" == *iamglass* ]]
    [[ "$output" == *postlist.glass* ]]
    [[ "$output" == *docdata.glass* ]]
    [[ "$output" != *flintlock* ]]
    [ "$(wc -l <"$W/ref/files")" -eq "$(find "$W/ref/idx" -maxdepth 1 -type f ! -name flintlock | wc -l)" ]
}

@test "damage-xapian: a truncated table names the table, exit 4 (was exit 3, no file)" {
    cp -r "$W/ref/idx" "$BATS_TEST_TMPDIR/db"
    truncate -s 100 "$BATS_TEST_TMPDIR/db/postlist.glass"
    run --separate-stderr "$KQ" -d "$BATS_TEST_TMPDIR/db" oil
    no_crash
    [ "$status" -eq 4 ]
    [[ "$stderr" == "kq: $BATS_TEST_TMPDIR/db/postlist.glass: xapian: DatabaseError: EOF reading block "*"(the database is damaged"* ]]
    # a damaged version file is named as such
    cp "$W/ref/idx/postlist.glass" "$BATS_TEST_TMPDIR/db/"
    printf 'X' | dd of="$BATS_TEST_TMPDIR/db/iamglass" bs=1 seek=3 conv=notrunc status=none
    run --separate-stderr "$KQ" -d "$BATS_TEST_TMPDIR/db" oil
    [ "$status" -eq 4 ]
    [[ "$stderr" == "kq: $BATS_TEST_TMPDIR/db/iamglass: xapian: DatabaseCorruptError: "* ]]
    # kq-index too
    run --separate-stderr "$KQI" -q --backend=xapian -d "$BATS_TEST_TMPDIR/db" corpus/0001.txt
    [ "$status" -eq 4 ]
    [[ "$stderr" == "kq-index: $BATS_TEST_TMPDIR/db/iamglass: xapian: "* ]]
}

@test "damage-xapian: truncated copies of every database file" {
    sweep truncate
}

@test "damage-xapian: a flipped byte in every database file" {
    sweep flip
}

@test "damage-xapian: a read Xapian never returns from ends after the stall limit with exit 4 naming the file" {
    # Xapian 1.4 loops forever reading a block whose directory end pointer
    # is damaged (byte 10 of a glass block); its table check sees it
    cp -r "$W/ref/idx" "$BATS_TEST_TMPDIR/db"
    "$SWEEP" damage "$BATS_TEST_TMPDIR/db/docdata.glass" flip 10 255
    run xapian-check "$BATS_TEST_TMPDIR/db/docdata.glass"
    [[ "$output" == *"directory end pointer invalid"* ]]
    # (timeout only keeps a hang from stalling the suite: a hang fails)
    run --separate-stderr timeout 60 "$KQ" -d "$BATS_TEST_TMPDIR/db" --json -n 100 'peace*'
    no_crash
    [ "$status" -eq 4 ]
    [[ "$stderr" == "kq: $BATS_TEST_TMPDIR/db/docdata.glass: xapian: "*"directory end pointer invalid"*"a read of it has not returned in 5 s" ]]
}

#!/usr/bin/env bats
# A truncate / flip sweep over every file of a two-segment index: each
# damaged copy gets the queries of tests/damage-sweep.sh (terms, AND, OR,
# NOT, phrases, prefixes; ids, scores and snippets) and `kq --check`, each
# under a 20 s limit.  Every command must end without a signal, a timeout
# or a sanitizer report, and either exit 4 naming the damaged file on
# stderr or (queries) answer exactly as on the intact index; `kq --check`
# must exit 4 for every case.  The failing cases are listed together at the
# end of the test's output.
#
# The cases: for every regular file of the index directory but kq.lock
# (whatever kinds of files the format has), truncations at 0, 1, 15, 16,
# 17, size/2, size-1 and $KQ_DAMAGE_CASES (default 15) seeded offsets, and
# one-byte flips at bytes 0..20, the last 8 bytes and 2 x $KQ_DAMAGE_CASES
# seeded offsets (tests/damage-sweep.sh has the details).  Each case costs
# eight process starts, so the suite runs a fixed sample of that list:
# every $KQ_DAMAGE_SAMPLE-th case of each file, with a phase that moves
# from file to file (so the header bytes are covered across the files);
# default 10, and 24 with the sanitizer build (a sanitized kq takes ~4x
# longer, most of it in starting and in the leak check at exit).
# KQ_DAMAGE_SAMPLE=1 runs the whole list; KQ_DAMAGE_SEED picks other
# offsets; tests/damage-sweep.sh alone is the long version (thousands of
# cases, every offset of the small files).
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    SWEEP="$ROOT/tests/damage-sweep.sh"
    W="$BATS_FILE_TMPDIR/damage"
    export SWEEP W
    "$SWEEP" prepare "$W" -b "$KQ_BIN"
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
    echo "# damage $1 (every $every-th case): ${lines[${#lines[@]}-1]}" >&3
    [[ "${lines[${#lines[@]}-1]}" == *" cases, "*" failed" ]]
    [ "$status" -eq 0 ]
}

@test "damage: the intact two-segment index answers every query; kq --check is ok" {
    # prepare checked each reference run: exit 0, output, an empty stderr
    run -0 "$KQ" -d "$W/ref/idx" --check
    [[ "$output" == "ok: "*"40 documents, 2 segment(s)"* ]]
    grep -q '\.del$' "$W/ref/files"
    # the files swept: every regular file but the lock, of both segments
    run cat "$W/ref/files"
    echo "$output"
    [[ "$output" == *kq.manifest* ]]
    [[ "$output" != *kq.lock* ]]
    grep -q '^seg0*1\.' "$W/ref/files"
    grep -q '^seg0*2\.' "$W/ref/files"
    [ "$(wc -l <"$W/ref/files")" -eq "$(find "$W/ref/idx" -maxdepth 1 -type f ! -name kq.lock | wc -l)" ]
}

@test "damage: truncated copies of every index file" {
    sweep truncate
}

@test "damage: a flipped byte in every index file" {
    sweep flip
}

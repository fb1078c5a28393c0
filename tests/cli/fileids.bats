#!/usr/bin/env bats
# The id of a text file: one file has one id however its path is
# typed -- relative, absolute, with ./, // or .., through a symlinked
# directory.  The id is the path relative to the current directory (the
# directories resolved), or the absolute path of a file outside it; the
# file's own name is kept.  Every expected id here is written by hand from
# the layout the test makes, or with realpath(1) -- never taken from kq.

load helpers
bats_require_minimum_version 1.5.0

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    mkdir -p proj/corpus/sub
    printf 'Alpha\nthe quokka story\n' >proj/corpus/a.txt
    printf 'Beta\nthe wombat story\n' >proj/corpus/sub/b.txt
    ln -s proj linkedproj           # a symlinked parent directory
    cd proj || return 1
}

# Every id of index $1, sorted.
ids() {
    "$KQ" -d "$1" --format=ids -n 100 -- 'quokka OR wombat' | sort
}

@test "file ids: the same folder typed five ways gives one copy with the same ids, each run after the first skips it" {
    local top
    top=$(pwd -P)
    run --separate-stderr "$KQI" -d idx corpus
    [ "$status" -eq 0 ]
    [ "$(ids idx)" = "$(printf 'corpus/a.txt\ncorpus/sub/b.txt')" ]
    for p in "$top/corpus" ./corpus/ corpus//sub/../ "$BATS_TEST_TMPDIR/linkedproj/corpus" \
             "../linkedproj/./corpus"; do
        run --separate-stderr "$KQI" -d idx "$p"
        [ "$status" -eq 0 ]
        echo "$p: $output" >&2
        [[ "$output" == *"kq-index: 0 documents,"* ]]
        [[ "$output" == *"2 unchanged (skipped), 0 replaced"* ]]
        [ "$(ids idx)" = "$(printf 'corpus/a.txt\ncorpus/sub/b.txt')" ]
        run -0 "$KQ" -d idx count story
        [ "$output" = 2 ]
    done
}

@test "file ids: one file named with ./, // and .. has the id of its plain path" {
    run -0 --separate-stderr "$KQI" -d idx ./corpus//sub/../sub/b.txt
    [ "$(ids idx)" = corpus/sub/b.txt ]
    run -0 --separate-stderr "$KQI" -d idx corpus/sub/b.txt
    [[ "$output" == *"1 unchanged (skipped)"* ]]
    run -0 "$KQ" -d idx count wombat
    [ "$output" = 1 ]
}

@test "file ids: a file outside the current directory has its absolute path, symlinked directories resolved" {
    local want
    want="$(cd "$BATS_TEST_TMPDIR" && pwd -P)/proj/corpus/a.txt"
    cd corpus/sub
    run -0 --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/idx2" \
        "$BATS_TEST_TMPDIR/linkedproj/corpus/a.txt"
    [ "$(ids "$BATS_TEST_TMPDIR/idx2")" = "$want" ]
    [ "$want" = "$(realpath "$BATS_TEST_TMPDIR/linkedproj/corpus/a.txt")" ]
    run -0 --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/idx2" ../../corpus/a.txt
    [[ "$output" == *"1 unchanged (skipped)"* ]]
}

@test "file ids: a symlinked directory inside the walk does not index its files twice" {
    ln -s sub corpus/again
    run -0 --separate-stderr "$KQI" -d idx corpus
    [ "$(ids idx)" = "$(printf 'corpus/a.txt\ncorpus/sub/b.txt')" ]
    run -0 "$KQ" -d idx count wombat
    [ "$output" = 1 ]
}

@test "file ids: a symlink to a file is a name of its own (like a hard link)" {
    ln -s a.txt corpus/c.txt
    run -0 --separate-stderr "$KQI" -d idx corpus
    [ "$(ids idx)" = "$(printf 'corpus/a.txt\ncorpus/c.txt\ncorpus/sub/b.txt')" ]
}

@test "file ids: mbox and WARC ids made of the file name (FILE:OFFSET) use the same id of the file" {
    mkdir mail
    printf 'From someone Mon Mar  2 10:00:00 1987\nSubject: Hello\n\nthe numbat mail\n' >mail/x.mbox
    body='the bilby page'
    printf 'WARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' \
        ${#body} "$body" >mail/y.warc
    run -0 --separate-stderr "$KQI" -d idx ./mail//
    [ "$("$KQ" -d idx --format=ids -- 'numbat OR bilby' | sort)" = "$(printf 'mail/x.mbox:0\nmail/y.warc:0')" ]
    run -0 --separate-stderr "$KQI" -d idx "$BATS_TEST_TMPDIR/linkedproj/mail"
    [[ "$output" == *"2 unchanged (skipped), 0 replaced"* ]]
}

@test "file ids: run from a deleted directory, ids are absolute; from /, relative to it" {
    local top
    top=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
    mkdir "$BATS_TEST_TMPDIR/gone"
    cd "$BATS_TEST_TMPDIR/gone"
    rmdir "$BATS_TEST_TMPDIR/gone"
    run -0 --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/idx3" "$BATS_TEST_TMPDIR/linkedproj/corpus/a.txt"
    [ "$(ids "$BATS_TEST_TMPDIR/idx3")" = "$top/proj/corpus/a.txt" ]
    cd /
    run -0 --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/idx4" "$BATS_TEST_TMPDIR/linkedproj/corpus/a.txt"
    [ "$(ids "$BATS_TEST_TMPDIR/idx4")" = "${top#/}/proj/corpus/a.txt" ]
}

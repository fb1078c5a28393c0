#!/usr/bin/env bats
# Files inside an index directory are opened without following symbolic
# links (O_NOFOLLOW, common/format/fileio.c): kq-index often runs as root or from
# cron over a directory others can write, and a link planted there
# (kq.lock -> /etc/something) must not make it truncate or create the
# link's target.  A symbolic link, a FIFO or any other non-regular file
# where kq expects an index file is refused with exit 3 and a message
# naming the file; the link's target is left as it was.  The index
# directory itself may be a symbolic link.

load helpers
bats_require_minimum_version 1.5.0

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    printf '{"id":"a","title":"alpha","body":"first quokka"}\n' >a.jsonl
    printf '{"id":"b","title":"beta","body":"second quokka"}\n' >b.jsonl
    printf '{"id":"c","title":"gamma","body":"third quokka"}\n' >c.jsonl
    "$KQI" -q -d idx a.jsonl
    "$KQI" -q -d idx b.jsonl     # two segments: compact has work to do
    printf 'precious content\n' >target
}

# Every writing command of kq-index on idx: exit 3, stderr naming $1 as a
# symbolic link.
writers_refuse_link() {
    local name=$1
    run --separate-stderr "$KQI" -q -d idx c.jsonl
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"idx/$name: is a symbolic link"* ]]
    run --separate-stderr "$KQI" rm -q -d idx a
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"idx/$name: is a symbolic link"* ]]
    run --separate-stderr "$KQI" compact -q -d idx
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"idx/$name: is a symbolic link"* ]]
}

@test "symlinks: kq.lock linked to a file: refused, the file keeps its content" {
    rm idx/kq.lock
    ln -s "$PWD/target" idx/kq.lock
    writers_refuse_link kq.lock
    [ "$(cat target)" = "precious content" ]
    # nothing changed: both documents, no third
    rm idx/kq.lock
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 2 ]
}

@test "symlinks: a dangling kq.lock link: refused, its target is not created" {
    rm idx/kq.lock
    ln -s "$PWD/created" idx/kq.lock
    writers_refuse_link kq.lock
    [ ! -e created ]
    [ ! -e "$PWD/created" ]
}

@test "symlinks: kq.lock with another hard link: locked, but nothing is written into it" {
    rm idx/kq.lock
    ln target idx/kq.lock
    run -0 "$KQI" -q -d idx c.jsonl
    run -0 "$KQI" rm -q -d idx a
    run -0 "$KQI" compact -q -d idx
    [ "$(cat target)" = "precious content" ]
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 2 ]
}

@test "symlinks: kq.manifest is a link: kq and kq-index refuse it, naming it" {
    mv idx/kq.manifest manifest.real
    cp manifest.real manifest.copy
    ln -s "$PWD/manifest.real" idx/kq.manifest
    run --separate-stderr "$KQ" -d idx quokka
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"idx/kq.manifest: is a symbolic link"* ]]
    run --separate-stderr "$KQ" -d idx --check
    [ "$status" -eq 3 ]
    writers_refuse_link kq.manifest
    cmp manifest.real manifest.copy
    [ -L idx/kq.manifest ]
}

@test "symlinks: a segment file is a link: kq and kq-index refuse it, naming it" {
    f=$(cd idx && ls seg*.post | head -1)
    mv "idx/$f" post.real
    cp post.real post.copy
    ln -s "$PWD/post.real" "idx/$f"
    run --separate-stderr "$KQ" -d idx quokka
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"idx/$f: is a symbolic link"* ]]
    run --separate-stderr "$KQ" -d idx -c quokka
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"idx/$f: is a symbolic link"* ]]
    writers_refuse_link "$f"
    cmp post.real post.copy
    [ -L "idx/$f" ]
}

@test "symlinks: a FIFO as kq.manifest is refused, not waited on" {
    mv idx/kq.manifest manifest.real
    mkfifo idx/kq.manifest
    # (timeout only keeps a hang from stalling the suite: a hang fails)
    run --separate-stderr timeout 20 "$KQ" -d idx quokka
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"idx/kq.manifest: not a regular file"* ]]
    run --separate-stderr timeout 20 "$KQI" -q -d idx c.jsonl
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"idx/kq.manifest: not a regular file"* ]]
}

@test "symlinks: the index directory itself may be a symbolic link" {
    mv idx real-idx
    ln -s "$PWD/real-idx" idx
    run -0 "$KQI" -q -d idx c.jsonl
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 3 ]
    run -0 "$KQI" rm -q -d idx a
    run -0 "$KQI" compact -q -d idx
    run -0 "$KQ" -d idx --check
    [[ "$output" == *"2 documents, 1 segment(s)"* ]]
    [ -L idx ]
    [ -f real-idx/kq.manifest ]
}

#!/usr/bin/env bats
# A corpus of bad input, all at once (generated here, so the checkout stays
# small): kq-index indexes what is good, names every file or line it
# skipped and why, exits 1, and loses nothing that was already indexed.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
    local d=$BATS_FILE_TMPDIR/bad
    mkdir -p "$d/sub"
    # good documents, in every format
    printf 'Good one\nthe numbat walks\n' >"$d/good1.txt"
    printf '{"id":"g2","title":"Good two","body":"the numbat runs"}\n' >"$d/good2.jsonl"
    printf '{"id":"g3","title":"Good three","body":"the numbat sleeps"}\n' | gzip >"$d/good3.jsonl.gz"
    # invalid UTF-8 and NUL bytes inside text: indexed, not skipped
    printf 'Bytes\nnumbat \377\376 caf\303 \000 end\n' >"$d/bytes.txt"
    # an empty file and an empty JSON Lines file
    : >"$d/empty.txt"
    : >"$d/empty.jsonl"
    # malformed and truncated JSON lines among good ones
    {
        printf '{"id":"j1","body":"numbat ok"}\n'
        printf '{"id":"j2","body":"not closed\n'
        printf '{"id":"j3" "body":"no colon"}\n'
        printf '[1,2,3]\n'
        printf '{"body":"no id"}\n'
        printf '{"id":"j6","body":"numbat fine"}\n'
        printf '{"id":"j7","body":"truncated at the end'
    } >"$d/mixed.jsonl"
    # a corrupt .gz: valid start, damaged middle
    head -c 200000 /dev/urandom | base64 | gzip >"$d/corrupt.jsonl.gz"
    printf 'garbage' | dd of="$d/corrupt.jsonl.gz" bs=1 seek=100 conv=notrunc status=none
    # a binary file named .txt
    head -c 4096 /dev/urandom >"$d/binary.txt"
    # one line of 50 MB (a JSON object with one huge body)
    {
        printf '{"id":"huge","title":"Huge","body":"numbat '
        head -c 50000000 /dev/zero | tr '\0' 'a'
        printf '"}\n'
    } >"$d/huge.jsonl"
    # an unreadable file (root reads it anyway: the test allows for that)
    printf 'Secret\nnumbat hidden\n' >"$d/unreadable.txt"
    chmod 000 "$d/unreadable.txt"
    # a symlink loop, and a dangling symlink
    ln -s loop1 "$d/sub/loop2"
    ln -s loop2 "$d/sub/loop1"
    ln -s "$d/sub" "$d/sub/cycle"
    ln -s nowhere.txt "$d/dangling.txt"
}

@test "bad input: the good is indexed, every bad file or line is named, exit 1" {
    cd "$BATS_TEST_TMPDIR" || return 1
    # something committed before, which must survive
    printf 'Before\nthe numbat was here first\n' >before.txt
    "$KQI" -q -d idx before.txt
    run -1 --separate-stderr "$KQI" -d idx "$BATS_FILE_TMPDIR/bad"
    no_crash
    local e=$stderr
    [[ "$e" == *"mixed.jsonl:2: invalid JSON"* ]]
    [[ "$e" == *"mixed.jsonl:3: invalid JSON"* ]]
    [[ "$e" == *"mixed.jsonl:4: not a JSON object"* ]]
    [[ "$e" == *"mixed.jsonl:5: missing \"id\""* ]]
    [[ "$e" == *"mixed.jsonl:7: invalid JSON"* ]]
    [[ "$e" == *"corrupt.jsonl.gz"*"corrupt gzip data at byte"* ]]
    [[ "$e" == *"dangling.txt: cannot open: No such file"* ]]
    [[ "$e" == *"sub/cycle: symlink loop"* ]]
    [[ "$e" == *"sub/loop1: cannot open: Too many levels of symbolic links"* ]]
    [[ "$e" == *"skipped"* ]]
    if [ "$(id -u)" -ne 0 ]; then
        [[ "$e" == *"unreadable.txt: cannot open"* ]]
    fi
    # the good documents, the bytes file and the huge line are in; the
    # earlier commit is too
    run -0 "$KQ" -d idx -c numbat
    local n=$output
    # before + good1 + g2 + g3 + bytes + j1 + j6 + huge (+ unreadable as root)
    if [ "$(id -u)" -eq 0 ]; then [ "$n" -eq 9 ]; else [ "$n" -eq 8 ]; fi
    run -0 "$KQ" -d idx -c first
    [ "$output" = 1 ]
    run -0 "$KQ" -d idx --check
}

@test "bad input: a symlink loop does not hang or crash the walk" {
    cd "$BATS_TEST_TMPDIR" || return 1
    run timeout 60 "$KQI" -q -d idx2 "$BATS_FILE_TMPDIR/bad/sub"
    no_crash
    [ "$status" -le 1 ]
}

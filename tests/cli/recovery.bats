#!/usr/bin/env bats
# What an interrupted kq-index leaves behind (files of a segment that was
# never committed, run files, parts of a write-out, a manifest never renamed
# into place) is removed by the next kq-index, and the committed index is
# untouched.

load helpers
bats_require_minimum_version 1.5.0

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    printf '{"id":"a","title":"alpha","body":"first quokka"}\n' >a.jsonl
    printf '{"id":"b","title":"beta","body":"second quokka"}\n' >b.jsonl
    "$KQI" -q -d idx a.jsonl
    mkdir before
    cp idx/seg000001.* idx/kq.manifest before/
}

@test "recovery: files of interrupted runs are removed; committed files are not" {
    for f in seg000002.docs seg000002.store seg000009.post tmp-seg000002-run0.dict \
             tmp-seg000002-run3.pos seg000001.post.part1 kq.manifest.tmp; do
        echo junk >"idx/$f"
    done
    echo mine >idx/notes.txt    # not kq's: left alone
    run -0 --separate-stderr "$KQI" -d idx b.jsonl
    [[ "$stderr" == *"removed 7 file(s) left by an interrupted run"* ]]
    [ -f idx/notes.txt ]
    run ls idx
    [[ "$output" != *tmp-* ]]
    [[ "$output" != *part* ]]
    [[ "$output" != *seg000009* ]]
    [[ "$output" != *manifest.tmp* ]]
    for f in before/seg000001.*; do
        cmp "$f" "idx/$(basename "$f")"
    done
    run -0 "$KQ" -d idx --check
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 2 ]
}

@test "recovery: segment numbers from 999999 past 1000000 (seg%06u grows to 7 digits) are recognised; names kq does not write are kept" {
    # what interrupted runs leave, for segments the manifest does not name
    local gone=(seg999999.dict seg1000000.dict seg1000000.post.part1
                seg1000000-3.del seg4294967295.store seg000001.pos.part2)
    # not names kq writes for a segment: left alone
    local kept=(seg1.dict seg0000001.dict seg4294967296.dict
                seg1000000.dict.bak seg1000000.foo seg01000000.docs
                seg1000000-03.del seg1000000-.del seg+1000000.dict)
    for f in "${gone[@]}" "${kept[@]}"; do echo junk >"idx/$f"; done
    run -0 --separate-stderr "$KQI" -d idx b.jsonl
    [[ "$stderr" == *"removed 6 file(s) left by an interrupted run"* ]]
    for f in "${gone[@]}"; do [ ! -e "idx/$f" ]; done
    for f in "${kept[@]}"; do [ -e "idx/$f" ]; done
    for f in before/seg000001.*; do
        cmp "$f" "idx/$(basename "$f")"
    done
    run -0 "$KQ" -d idx --check
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 2 ]
}

@test "recovery: a writer killed with -9 mid-run: the next run cleans up and commits" {
    mkfifo in.jsonl
    setsid "$KQI" -q -j 1 -d idx in.jsonl >/dev/null 2>&1 3>&- &
    local pid=$!
    # Feed some documents but keep the FIFO open, so the writer is busy
    # with an uncommitted segment when it is killed.
    exec 4>in.jsonl
    for i in $(seq 200); do
        printf '{"id":"k%d","title":"killed","body":"wombat number %d"}\n' "$i" "$i" >&4
    done
    for _ in $(seq 100); do
        [ -e idx/seg000002.docs ] && break
        sleep 0.05
    done
    [ -e idx/seg000002.docs ]
    kill -9 "$pid"
    exec 4>&-
    wait "$pid" || true
    # the index is still the committed one
    run -0 "$KQ" -d idx --check
    run -1 "$KQ" -d idx -c wombat
    for f in before/*; do
        cmp "$f" "idx/$(basename "$f")"
    done
    # the next run removes the dead run's files and commits its own
    run -0 --separate-stderr "$KQI" -d idx b.jsonl
    [[ "$stderr" == *"left by an interrupted run"* ]]
    run -0 "$KQ" -d idx --check
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 2 ]
}

#!/usr/bin/env bats
# Bounded resources for any input: every reader caps a document
# at --max-doc-size (KQ_DEFAULT_MAX_DOC, 64M); a larger one -- a
# decompression bomb included -- is reported with FILE:LINE and skipped,
# costs at most the cap in memory, and the rest of the run is indexed.
# The bombs are made here, streamed from /dev/zero (never committed); peak
# RSS comes from /usr/bin/time -v.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
    local d=$BATS_FILE_TMPDIR
    printf 'Good text\nthe numbat walks\n' >"$d/ok.txt"
    printf '{"id":"ok1","body":"the numbat runs"}\n' >"$d/ok.jsonl"
    # 300 MB of zeros behind a title line: 291 KB of gzip
    { printf 'zeros\n'; head -c 300M /dev/zero; } | gzip -9 >"$d/zeros300.txt.gz"
    # 3 GB of zeros: 30 gzip members of 100 MB each (concatenated members
    # are one gzip stream; making them is 30 times faster than one member)
    head -c 100M /dev/zero | gzip -1 >"$d/m100.gz"
    { printf 'zeros\n' | gzip; for _ in $(seq 30); do cat "$d/m100.gz"; done; } \
        >"$d/zeros3g.txt.gz"
    # JSON Lines with one 1 GB line between two good ones
    {
        printf '{"id":"j1","body":"the numbat digs"}\n'
        printf '{"id":"big","body":"'
        head -c 1G /dev/zero | tr '\0' a
        printf '"}\n{"id":"j3","body":"the numbat eats"}\n'
    } | gzip -1 >"$d/line1g.jsonl.gz"
    rm -f "$d/m100.gz"
}

# Under AddressSanitizer the shadow memory and the quarantine of freed
# blocks add their own hundreds of MB: the memory bound is not checked.
is_asan() { grep -q __asan_init "$KQI"; }

# Run kq-index under /usr/bin/time -v; $rss_kb gets its peak RSS in KB.
timed_index() {
    run --separate-stderr /usr/bin/time -v -o "$BATS_TEST_TMPDIR/time" "$KQI" "$@"
    no_crash
    rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$BATS_TEST_TMPDIR/time")
    echo "peak RSS ${rss_kb} KB" >&3
}

# Peak RSS within MEMORY + CAP + a constant (16 MB: code, zlib, stdio).
rss_within() {
    local mb=$1
    is_asan && return 0
    [ "$rss_kb" -gt 0 ] || return 1
    if [ "$rss_kb" -gt $((mb * 1024)) ]; then
        echo "peak RSS ${rss_kb} KB over ${mb} MB" >&2
        return 1
    fi
}

@test "bomb: a 291 KB .txt.gz of 300 MB is skipped at the cap; RSS within --memory + cap + 16 MB" {
    cd "$BATS_TEST_TMPDIR" || return 1
    [ "$(stat -c %s "$BATS_FILE_TMPDIR/zeros300.txt.gz")" -lt 320000 ]
    timed_index -d idx --memory 16M --max-doc-size 1M "$BATS_FILE_TMPDIR/ok.txt" \
        "$BATS_FILE_TMPDIR/zeros300.txt.gz" "$BATS_FILE_TMPDIR/ok.jsonl"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"zeros300.txt.gz:1: document larger than the limit (--max-doc-size 1M); skipped"* ]]
    [[ "$stderr" == *"skipped 0 file(s), 0 line(s) and 1 document(s)"* ]]
    rss_within $((16 + 1 + 16))
    run -0 "$KQ" -d idx -c numbat
    [ "$output" = 2 ]
}

@test "bomb: the default cap (64M) at --memory 64M: RSS within 64 + 64 + 16 MB" {
    cd "$BATS_TEST_TMPDIR" || return 1
    timed_index -d idx --memory 64M "$BATS_FILE_TMPDIR/zeros300.txt.gz" \
        "$BATS_FILE_TMPDIR/ok.txt"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"zeros300.txt.gz:1: document larger than the limit (--max-doc-size 64M); skipped"* ]]
    rss_within $((64 + 64 + 16))
    run -0 "$KQ" -d idx -c numbat
    [ "$output" = 1 ]
}

@test "bomb: a .txt.gz of 3 GB of zeros is skipped at the cap" {
    cd "$BATS_TEST_TMPDIR" || return 1
    timed_index -d idx --memory 16M --max-doc-size 4M "$BATS_FILE_TMPDIR/zeros3g.txt.gz" \
        "$BATS_FILE_TMPDIR/ok.txt"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"zeros3g.txt.gz:1: document larger than the limit (--max-doc-size 4M); skipped"* ]]
    rss_within $((16 + 4 + 16))
    run -0 "$KQ" -d idx -c numbat
    [ "$output" = 1 ]
}

@test "bomb: a .jsonl.gz line of 1 GB is skipped without being buffered; the lines around it are indexed" {
    cd "$BATS_TEST_TMPDIR" || return 1
    timed_index -d idx --memory 16M --max-doc-size 1M "$BATS_FILE_TMPDIR/line1g.jsonl.gz"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"line1g.jsonl.gz:2: line longer than the document limit (--max-doc-size 1M); skipped"* ]]
    [[ "$stderr" == *"skipped 0 file(s) and 1 line(s)"* ]]
    rss_within $((16 + 1 + 16))
    run -0 "$KQ" -d idx --format=ids numbat
    [ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "j1 j3 " ]
}

@test "bomb: standard input is capped too (text and JSON Lines)" {
    cd "$BATS_TEST_TMPDIR" || return 1
    run -1 --separate-stderr "$KQI" -d idx --max-doc-size 1M --input-format text - \
        <"$BATS_FILE_TMPDIR/zeros300.txt.gz"
    no_crash
    [[ "$stderr" == *"stdin:1: document larger than the limit (--max-doc-size 1M); skipped"* ]]
    run -1 --separate-stderr "$KQI" -d idx --max-doc-size 1M - < <(
        printf '{"id":"j1","body":"the numbat digs"}\n{"id":"big","body":"'
        head -c 100M /dev/zero | tr '\0' a
        printf '"}\n{"id":"j3","body":"the numbat eats"}\n')
    no_crash
    [[ "$stderr" == *"stdin:2: line longer than the document limit (--max-doc-size 1M); skipped"* ]]
    run -0 "$KQ" -d idx --format=ids numbat
    [ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "j1 j3 " ]
}

# At the limit and one past, in every format.

@test "--max-doc-size: a .txt of exactly the limit is indexed, one byte more is skipped (plain and gzip)" {
    cd "$BATS_TEST_TMPDIR" || return 1
    { printf 'At limit\nnumbat '; head -c $((1000 - 16)) /dev/zero | tr '\0' x; } >at.txt
    { printf 'Past limit\nnumbat '; head -c $((1000 - 17)) /dev/zero | tr '\0' x; } >past.txt
    [ "$(stat -c %s at.txt)" -eq 1000 ] && [ "$(stat -c %s past.txt)" -eq 1001 ]
    gzip -c at.txt >atz.txt.gz
    gzip -c past.txt >pastz.txt.gz
    run -1 --separate-stderr "$KQI" -d idx --max-doc-size 1000 at.txt past.txt atz.txt.gz pastz.txt.gz
    no_crash
    [[ "$stderr" == *"past.txt:1: document larger than the limit (--max-doc-size 1000); skipped"* ]]
    [[ "$stderr" == *"pastz.txt.gz:1: document larger than the limit (--max-doc-size 1000); skipped"* ]]
    [[ "$stderr" != *"at.txt:"* && "$stderr" != *"atz.txt.gz:"* ]]
    [[ "$stderr" == *"and 2 document(s)"* ]]
    run -0 "$KQ" -d idx --format=ids numbat
    [ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "at.txt atz.txt.gz " ]
}

@test "--max-doc-size: a JSON line of exactly the limit is indexed, one byte more is skipped, the last line too" {
    cd "$BATS_TEST_TMPDIR" || return 1
    # {"id":"a","body":"numbat xxx..."} of 1000 bytes, then 1001, then 1001
    # without a final newline
    line() { printf '{"id":"%s","body":"numbat ' "$1"; head -c $(($2 - 28)) /dev/zero | tr '\0' x; printf '"}'; }
    { line at 1000; echo; line p1 1001; echo; line ok 1000; echo; line p2 1001; } >lim.jsonl
    [ "$(sed -n 1p lim.jsonl | tr -d '\n' | wc -c)" -eq 1000 ]
    [ "$(sed -n 2p lim.jsonl | tr -d '\n' | wc -c)" -eq 1001 ]
    run -1 --separate-stderr "$KQI" -d idx --max-doc-size 1000 lim.jsonl
    no_crash
    [[ "$stderr" == *"lim.jsonl:2: line longer than the document limit (--max-doc-size 1000); skipped"* ]]
    [[ "$stderr" == *"lim.jsonl:4: line longer than the document limit (--max-doc-size 1000); skipped"* ]]
    [[ "$stderr" == *"skipped 0 file(s) and 2 line(s)"* ]]
    run -0 "$KQ" -d idx --format=ids numbat
    [ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "at ok " ]
}

@test "--max-doc-size: TREC, mbox and WARC documents over the limit are named and skipped, the others indexed" {
    cd "$BATS_TEST_TMPDIR" || return 1
    big=$(head -c 3000 /dev/zero | tr '\0' x)
    printf '<DOC>\n<DOCNO>t1</DOCNO>\n<TEXT>numbat one</TEXT>\n</DOC>\n<DOC>\n<DOCNO>t2</DOCNO>\n<TEXT>numbat %s</TEXT>\n</DOC>\n<DOC>\n<DOCNO>t3</DOCNO>\n<TEXT>numbat three</TEXT>\n</DOC>\n' "$big" >c.trec
    printf 'From a@b Thu Feb 26 10:00:00 1987\nMessage-ID: <m1>\nSubject: s\n\nnumbat one\n\nFrom a@b Thu Feb 26 10:00:00 1987\nMessage-ID: <m2>\nSubject: s\n\nnumbat %s\n\nFrom a@b Thu Feb 26 10:00:00 1987\nMessage-ID: <m3>\nSubject: s\n\nnumbat three\n' "$big" >c.mbox
    rec() {   # a WARC resource record with body $2
        printf 'WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://x/%s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' "$1" "${#2}" "$2"
    }
    { rec w1 "numbat one"; rec w2 "numbat $big"; rec w3 "numbat three"; } >c.warc
    local off
    off=$(grep -abo 'WARC/1.0' c.warc | sed -n 2p | cut -d: -f1)
    run -1 --separate-stderr "$KQI" -d idx --max-doc-size 2K c.trec c.mbox c.warc
    no_crash
    [[ "$stderr" == *"c.trec:5: document larger than the limit (--max-doc-size 2K); document skipped"* ]]
    [[ "$stderr" == *"c.mbox:7: message larger than the document limit (--max-doc-size 2K); message skipped"* ]]
    [[ "$stderr" == *"c.warc: byte $off: record of 3007 bytes larger than the document limit (--max-doc-size 2K); skipped"* ]]
    [[ "$stderr" == *"and 3 document(s)"* ]]
    run -0 "$KQ" -d idx --format=ids numbat
    [ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "http://x/w1 http://x/w3 m1 m3 t1 t3 " ]
}

@test "--max-doc-size: the size syntax of --memory; 0, junk and over 1G are usage errors (exit 2)" {
    cd "$BATS_TEST_TMPDIR" || return 1
    for bad in 0 junk 1025M 2G -5; do
        run -2 --separate-stderr "$KQI" -d idx --max-doc-size "$bad" "$BATS_FILE_TMPDIR/ok.txt"
        [[ "$stderr" == *"bad --max-doc-size \"$bad\""* ]]
    done
    run -0 "$KQI" -q -d idx --max-doc-size 1G "$BATS_FILE_TMPDIR/ok.txt"
    run -0 "$KQI" -q -d idx --max-doc-size 64k "$BATS_FILE_TMPDIR/ok.txt"
    run -0 "$KQI" --help
    [[ "$output" == *"--max-doc-size SIZE"* ]]
}

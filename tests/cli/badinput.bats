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

##########################################################################
# What is cut is reported, counted and exits 1.

# A message whose text/plain part sits inside $1 nested multiparts, plus a
# shallow part with "numbat shallow".
nested_mbox() {
    python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
print("From a@b Thu Feb 26 10:00:00 1987")
print("Message-ID: <deep%d>" % n)
print("Subject: nested %d" % n)
print("MIME-Version: 1.0")
def part(k):
    if k == 0:
        return "Content-Type: text/plain\n\nnumbat deepword%d\n" % n
    b = "b%d" % k
    return ("Content-Type: multipart/mixed; boundary=%s\n\n--%s\n%s--%s--\n"
            % (b, b, part(k - 1), b))
top = part(n)
# the top part is the message itself: split its header from its body
hdr, body = top.split("\n\n", 1)
print(hdr)
print()
# a shallow text part too, in the outermost multipart
body = body.replace("--b%d\n" % n,
                    "--b%d\nContent-Type: text/plain\n\nnumbat shallow\n--b%d\n" % (n, n), 1)
sys.stdout.write(body)
PY
}

@test "mime: a part nested 8 deep is indexed; 9 deep its text is cut, reported with the line, exit 1" {
    cd "$BATS_TEST_TMPDIR" || return 1
    nested_mbox 8 >d8.mbox
    run -0 --separate-stderr "$KQI" -d idx8 d8.mbox
    [ -z "$stderr" ]
    run -0 "$KQ" -d idx8 -c deepword8
    [ "$output" = 1 ]
    { echo; nested_mbox 9; } >d9.mbox
    run -1 --separate-stderr "$KQI" -d idx9 d9.mbox
    no_crash
    [[ "$stderr" == *"d9.mbox:2: MIME parts nested more than 8 deep; their text is not indexed, the rest of the message is"* ]]
    [[ "$stderr" == *"skipped 0 file(s), 0 line(s) and 0 document(s); 1 file(s) or document(s) read only in part"* ]]
    run -1 "$KQ" -d idx9 -c deepword9
    [ "$output" = 0 ]
    run -0 "$KQ" -d idx9 --format=ids shallow
    [ "$output" = deep9 ]
}

# A message of $1 whose body is a multipart with a boundary of $2 bytes
# holding "numbat bword$2".
boundary_mbox() {
    local b
    b=$(head -c "$2" /dev/zero | tr '\0' b)
    printf 'From a@b Thu Feb 26 10:00:00 1987\nMessage-ID: <%s>\nSubject: boundary %s\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="%s"\n\n--%s\nContent-Type: text/plain\n\nnumbat bword%s\n--%s--\n\n' \
        "$1" "$2" "$b" "$b" "$2" "$b"
}

@test "mime: a boundary of 200 bytes (KQ_MAX_MIME_BOUNDARY) is read; 201 is reported with the line, exit 1" {
    cd "$BATS_TEST_TMPDIR" || return 1
    boundary_mbox b200 200 >b200.mbox
    run -0 --separate-stderr "$KQI" -d idx200 b200.mbox
    [ -z "$stderr" ]
    run -0 "$KQ" -d idx200 -c bword200
    [ "$output" = 1 ]
    { boundary_mbox b200 200; boundary_mbox b201 201; } >b201.mbox
    run -1 --separate-stderr "$KQI" -d idx201 b201.mbox
    no_crash
    [[ "$stderr" == *"b201.mbox:13: MIME boundary longer than 200 bytes (RFC 2046 allows 70); the text of its parts is not indexed, the rest of the message is"* ]]
    [[ "$stderr" == *"1 file(s) or document(s) read only in part"* ]]
    # the message itself is indexed (its subject), its long-boundary part not
    run -0 "$KQ" -d idx201 --format=ids 'title:boundary'
    [ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "b200 b201 " ]
    run -1 "$KQ" -d idx201 -c bword201
    [ "$output" = 0 ]
    run -0 "$KQ" -d idx201 -c bword200
    [ "$output" = 1 ]
}

@test "warc: a payload that inflates past --max-doc-size is reported as too large, not as a damaged encoding" {
    cd "$BATS_TEST_TMPDIR" || return 1
    yes 'wombat big' | head -c 3M | gzip -c >body.gz
    local n
    n=$(( $(stat -c %s body.gz) + 95 ))
    {
        printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/big\r\nContent-Length: %d\r\n\r\n' "$n"
        printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: 00000000\r\n\r\n'
        cat body.gz
        printf '\r\n\r\n'
        printf 'WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://x/ok\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nnumbat ok!\r\n\r\n'
    } >big.warc
    run -1 --separate-stderr "$KQI" -d idx --max-doc-size 2M big.warc
    no_crash
    [[ "$stderr" == *"big.warc: byte 0: payload inflates to more than the document limit (--max-doc-size 2M); skipped"* ]]
    [[ "$stderr" != *"unknown or damaged"* ]]
    run -0 "$KQ" -d idx --format=ids numbat
    [ "$output" = http://x/ok ]
    run -1 "$KQ" -d idx -c wombat
    # under the limit, the same record is indexed
    run -0 --separate-stderr "$KQI" -d idx4 --max-doc-size 4M big.warc
    run -0 "$KQ" -d idx4 --format=ids wombat
    [ "$output" = http://x/big ]
}

@test "warc: a Content-Encoding is compared within its own bytes (gz after a Transfer-Encoding of gzip is not gzip)" {
    cd "$BATS_TEST_TMPDIR" || return 1
    # The two header values share one buffer: "gz" used to be compared
    # with "gzip" over the "ip" left from the Transfer-Encoding.
    printf 'quokka words\n' | gzip -c >body.gz
    local h='HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: gzip\r\nContent-Encoding: gz\r\n\r\n'
    local n
    n=$(( $(printf "$h" | wc -c) + $(stat -c %s body.gz) ))
    {
        printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/gz\r\nContent-Length: %d\r\n\r\n' "$n"
        printf "$h"
        cat body.gz
        printf '\r\n\r\n'
        printf 'WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://x/ok\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nnumbat ok!\r\n\r\n'
    } >gz.warc
    run -1 --separate-stderr "$KQI" -d idx gz.warc
    no_crash
    [[ "$stderr" == *"gz.warc: byte 0: payload in an unknown or damaged content encoding"* ]]
    run -1 "$KQ" -d idx -c quokka
    [ "$output" = 0 ]
    run -0 "$KQ" -d idx --format=ids numbat
    [ "$output" = http://x/ok ]
}

@test "jsonl.gz cut short: the lines before stay indexed, the place is named, counted as read in part" {
    cd "$BATS_TEST_TMPDIR" || return 1
    for i in $(seq 1 3000); do
        printf '{"id":"d%d","body":"numbat %d %s"}\n' "$i" "$i" "$RANDOM$RANDOM$RANDOM"
    done | gzip -c >full.jsonl.gz
    head -c $(( $(stat -c %s full.jsonl.gz) / 2 )) full.jsonl.gz >cut.jsonl.gz
    # the complete lines zlib can give before the end of the data
    local n
    n=$(gzip -dc cut.jsonl.gz 2>/dev/null | grep -c '"}$')
    [ "$n" -gt 100 ]
    run -1 --separate-stderr "$KQI" -d idx cut.jsonl.gz
    no_crash
    [[ "$stderr" == *"cut.jsonl.gz: corrupt gzip data at byte"*"unexpected end of file"* ]]
    [[ "$stderr" == *"cut.jsonl.gz:$((n + 1)): reading stopped here (see above); what came before stays indexed"* ]]
    [[ "$stderr" == *"skipped 0 file(s), 0 line(s) and 0 document(s); 1 file(s) or document(s) read only in part"* ]]
    run -0 "$KQ" -d idx -c numbat
    [ "$output" = "$n" ]
    # cut before its first line: nothing of it was read, a skipped file
    head -c 30 full.jsonl.gz >cut0.jsonl.gz
    run -1 --separate-stderr "$KQI" -d idx0 cut0.jsonl.gz "$BATS_FILE_TMPDIR/bad/good1.txt"
    [[ "$stderr" == *"skipped 1 file(s) and 0 line(s)"* ]]
    [[ "$stderr" != *"reading stopped"* ]]
}

@test "--field: a name of 32 bytes (KQ_MAX_FIELD_NAME) is indexed; 33 is a usage error (exit 2), for --map too" {
    cd "$BATS_TEST_TMPDIR" || return 1
    local f32 f33
    f32=f$(head -c 31 /dev/zero | tr '\0' x)
    f33=f$(head -c 32 /dev/zero | tr '\0' x)
    printf '{"id":"a","body":"numbat","%s":"wombat","%s":"quokka"}\n' "$f32" "$f33" >f.jsonl
    run -0 --separate-stderr "$KQI" -d idx --field "$f32" f.jsonl
    run -0 "$KQ" -d idx -c "$f32:wombat"
    [ "$output" = 1 ]
    run -2 --separate-stderr "$KQI" -d idx2 --field "$f33" f.jsonl
    [[ "$stderr" == *"bad field name \"$f33\""*"at most 32 bytes"* ]]
    [ ! -e idx2 ]
    run -2 --separate-stderr "$KQI" -d idx2 --map "$f33=body" f.jsonl
    [[ "$stderr" == *"is not a field"*"at most 32 bytes"* ]]
    run -0 --separate-stderr "$KQI" -d idx3 --map "$f32=$f33" f.jsonl
    run -0 "$KQ" -d idx3 -c "$f32:quokka"
    [ "$output" = 1 ]
}

@test "--field: 64 extra fields (KQ_MAX_FIELDS) are indexed; a 65th --field or --map field is a usage error (exit 2)" {
    cd "$BATS_TEST_TMPDIR" || return 1
    python3 -c "
import json
d = {'id': 'x1', 'body': 'hello'}
d.update({'f%d' % i: 'v%d' % i for i in range(65)})
print(json.dumps(d)); print(json.dumps({'id': 'x2', 'body': 'world'}))" >f65.jsonl
    local -a a64=() a65=()
    for i in $(seq 0 63); do a64+=(--field "f$i"); done
    a65=("${a64[@]}" --field f64)
    run -0 --separate-stderr "$KQI" -d idx64 "${a64[@]}" --field f0 f65.jsonl
    run -0 "$KQ" -d idx64 -c 'f63:v63 OR world'
    [ "$output" = 2 ]
    run -2 "$KQ" -d idx64 -c 'f64:v64'   # not a field of the index
    run -2 --separate-stderr "$KQI" -d idx65 "${a65[@]}" f65.jsonl
    [[ "$stderr" == *'too many extra fields at "f64": at most 64'* ]]
    [ ! -e idx65 ]
    run -2 --separate-stderr "$KQI" -d idx65 "${a64[@]}" --map f64=f0 f65.jsonl
    [[ "$stderr" == *'too many extra fields at "f64": at most 64'* ]]
    [ ! -e idx65 ]
}

@test "--shards: 1 to 1024 (KQ_MAX_SHARDS), a whole decimal number; 0, 1025, 3xyz, 2^32+2 are usage errors (exit 2)" {
    cd "$BATS_TEST_TMPDIR" || return 1
    printf 'Numbat\nthe numbat\n' >n.txt
    # at the limit: the value is taken (the next check, the backend, speaks)
    for n in 1 1024; do
        run -2 --separate-stderr "$KQI" -d idx --shards "$n" n.txt
        [[ "$stderr" == *"--shards needs --backend=xapian"* ]]
    done
    for bad in 0 1025 -1 3xyz 4294967298 99999999999999999999 '' ' ' 0x10; do
        run -2 --separate-stderr "$KQI" -d idx --backend=xapian --shards "$bad" n.txt
        [[ "$stderr" == *"--shards takes 1 to 1024"* ]]
    done
    [ ! -e idx ]
    if "$KQI" --backend=xapian -q -d xprobe n.txt 2>/dev/null; then
        run -0 --separate-stderr "$KQI" -d idx3 --backend=xapian --shards 3 n.txt
        [ "$(find idx3 -mindepth 1 -maxdepth 1 -type d | wc -l)" = 3 ]
    fi
}

@test "trec.gz, mbox.gz, warc.gz cut short: the documents before stay, the place is named, exit 1" {
    cd "$BATS_TEST_TMPDIR" || return 1
    for i in $(seq 1 800); do
        printf '<DOC>\n<DOCNO>t%d</DOCNO>\n<TEXT>numbat %s</TEXT>\n</DOC>\n' "$i" "$RANDOM$RANDOM$RANDOM"
    done | gzip -c >full.trec.gz
    for i in $(seq 1 800); do
        printf 'From a@b Thu Feb 26 10:00:00 1987\nMessage-ID: <m%d>\n\nnumbat %s\n\n' "$i" "$RANDOM$RANDOM$RANDOM"
    done | gzip -c >full.mbox.gz
    for i in $(seq 1 800); do
        b="numbat $RANDOM$RANDOM$RANDOM"
        printf 'WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://x/%d\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n' "$i" "${#b}" "$b"
    done | gzip -c >full.warc.gz
    for f in trec mbox warc; do
        head -c $(( $(stat -c %s full.$f.gz) / 2 )) full.$f.gz >cut.$f.gz
        gzip -dc cut.$f.gz >prefix.$f 2>/dev/null || true
    done
    # TREC and mbox: the complete lines of what inflates give the documents
    # before the cut; the next line is where reading stopped
    local n ntrec nmbox
    n=$(wc -l <prefix.trec)
    ntrec=$(head -n "$n" prefix.trec | grep -c '</DOC>')
    run -1 --separate-stderr "$KQI" -d it cut.trec.gz
    no_crash
    [[ "$stderr" == *"cut.trec.gz:$((n + 1)): reading stopped here (see above); what came before stays indexed"* ]]
    [[ "$stderr" == *"1 file(s) or document(s) read only in part"* ]]
    run -0 "$KQ" -d it -c numbat
    [ "$output" = "$ntrec" ] && [ "$ntrec" -gt 100 ]
    n=$(wc -l <prefix.mbox)
    # the message at the cut is lost with it
    nmbox=$(( $(head -n "$n" prefix.mbox | grep -c '^From ') - 1 ))
    run -1 --separate-stderr "$KQI" -d im cut.mbox.gz
    no_crash
    [[ "$stderr" == *"cut.mbox.gz:$((n + 1)): reading stopped here"* ]]
    run -0 "$KQ" -d im -c numbat
    [ "$output" = "$nmbox" ] && [ "$nmbox" -gt 100 ]
    run -1 --separate-stderr "$KQI" -d iw cut.warc.gz
    no_crash
    [[ "$stderr" =~ cut\.warc\.gz:\ byte\ [0-9]+:\ reading\ stopped\ here ]]
    [[ "$stderr" == *"1 file(s) or document(s) read only in part"* ]]
    run -0 "$KQ" -d iw -c numbat
    [ "$output" -gt 100 ]
}

#!/usr/bin/env bats
# Terminal escape injection (and into the SVG of kq hist --plot): nothing
# from the input reaches a terminal raw.  kq-index refuses a document whose
# id holds a control character, is not UTF-8 or is longer than KQ_MAX_ID
# (FILE:LINE, exit 1, the rest indexed); every kq output and every message
# writes text from the input escaped (common/escape.c).  The ids of an
# index made before that rule (tests/data/hostile-ids/idx) come out escaped
# in every format.

load helpers
bats_require_minimum_version 1.5.0

# The hostile ids of the tests: ESC + SGR, OSC 52 (clipboard write), NUL,
# LF, CR, DEL and the C1 control CSI (U+009B).
hostile_jsonl() {
    cat <<'EOF'
{"id":"esc\u001b[31mred","title":"Title \u001b[2J cleared","source":"src\u001b]0;t\u0007","date":"2024-01-02","body":"numbat one \u001b[31m red \u009b2J"}
{"id":"osc\u001b]52;c;aGk=\u0007end","title":"OSC","body":"numbat two"}
{"id":"user\u0000A","title":"NUL","body":"numbat three"}
{"id":"line\nbreak","title":"LF","body":"numbat four"}
{"id":"cr\rret","title":"CR","body":"numbat five"}
{"id":"del\u007fx","title":"DEL","body":"numbat six"}
{"id":"c1\u009bx","title":"C1","body":"numbat seven"}
{"id":"plain","title":"Plain","body":"numbat eight"}
EOF
}

setup_file() {
    local d=$BATS_FILE_TMPDIR
    hostile_jsonl >"$d/hostile.jsonl"
    # Good ids of every kind the round trip must keep: spaces, a
    # backslash, quotes, commas, 2-, 3- and 4-byte UTF-8, a URL.
    cat >"$d/good.jsonl" <<'EOF'
{"id":"with space","title":"Text \u001b[1mbold\u001b[0m and \u009b1m","body":"numbat alpha\r\nsecond line\twith tab \u001b]52;c;aGk=\u0007 end\r\n"}
{"id":"back\\slash \"q\", c","body":"numbat beta"}
{"id":"caf\u00e9 \u20ac \ud83d\ude00","date":"\u001b[2J2023 not a date","body":"numbat gamma"}
{"id":"https://example.org/a?b=c&d=e#f","body":"numbat delta"}
EOF
    # The index made before the rule, copied (kq may write nothing, but
    # the checkout must stay as it is).
    cp -r "$ROOT/tests/data/hostile-ids/idx" "$d/legacy"
}

# Each test works in a directory of its own, on a copy of the fixtures:
# tests may run in parallel, and several write an index named good, or
# err.txt.
setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    cp -r "$BATS_FILE_TMPDIR"/. .
}

# Is there a raw control character in file $1: C0 except newline (and,
# with $2 = layout, tab and the CR of a CRLF; with $2 = tsv, tab), DEL, or
# C1 (UTF-8 C2 80-9F)?
# Prints the first one found.
raw_ctl() {
    python3 - "$1" "${2:-}" <<'EOF'
import sys
b = open(sys.argv[1], 'rb').read()
layout = sys.argv[2] == 'layout'
for i, c in enumerate(b):
    if c == 0x0a or (c == 0x09 and sys.argv[2] == 'tsv'):
        continue
    if layout and (c == 0x09 or (c == 0x0d and b[i + 1:i + 2] == b'\n')):
        continue
    if c < 0x20 or c == 0x7f or (c == 0xc2 and i + 1 < len(b) and 0x80 <= b[i + 1] < 0xa0):
        print('raw control byte 0x%02x at %d: %r' % (c, i, b[max(0, i - 20):i + 20]))
        sys.exit(0)
sys.exit(1)
EOF
}

# Fail if file $1 holds a raw control character (see raw_ctl).
no_raw_ctl() {
    if raw_ctl "$@"; then
        echo "in $1:" >&2
        return 1
    fi
}

@test "kq-index refuses ids with control characters: FILE:LINE, exit 1, the rest indexed, no raw escape on stderr" {
    run -1 --separate-stderr "$KQI" -q -d refused hostile.jsonl
    printf '%s\n' "$stderr" >err.txt
    no_raw_ctl err.txt
    [[ "$stderr" == *'hostile.jsonl:1: document id holds control character U+001B (byte 4); document skipped'* ]]
    [[ "$stderr" == *'hostile.jsonl:2: document id holds control character U+001B'* ]]
    [[ "$stderr" == *'hostile.jsonl:3: document id holds control character U+0000 (byte 5)'* ]]
    [[ "$stderr" == *'hostile.jsonl:4: document id holds control character U+000A'* ]]
    [[ "$stderr" == *'hostile.jsonl:5: document id holds control character U+000D'* ]]
    [[ "$stderr" == *'hostile.jsonl:6: document id holds control character U+007F'* ]]
    [[ "$stderr" == *'hostile.jsonl:7: document id holds control character U+009B'* ]]
    [[ "$stderr" == *'skipped 0 file(s), 0 line(s) and 7 document(s)'* ]]
    run -0 "$KQ" -d refused --all --format=ids numbat
    [ "$output" = plain ]
}

@test "kq-index: a file name as id with ESC, newline or invalid UTF-8 is refused, its name escaped" {
    local d=$BATS_TEST_TMPDIR/names
    mkdir -p "$d"
    printf 'T\nnumbat\n' >"$d/ok.txt"
    printf 'T\nnumbat\n' >"$d/"$'e\x1b[31mx.txt'
    printf 'T\nnumbat\n' >"$d/"$'n\nl.txt'
    printf 'T\nnumbat\n' >"$d/"$'bad\xff.txt'
    run -1 --separate-stderr "$KQI" -q -d "$BATS_TEST_TMPDIR/i" "$d"
    printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/err"
    no_raw_ctl "$BATS_TEST_TMPDIR/err"
    [[ "$stderr" == *'/e\x1b[31mx.txt: document id holds control character U+001B'* ]]
    [[ "$stderr" == *'/n\x0al.txt: document id holds control character U+000A'* ]]
    [[ "$stderr" == *'/bad\xff.txt: document id is not valid UTF-8'* ]]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c numbat
    [ "$output" = 1 ]
}

@test "kq-index: an id of KQ_MAX_ID (4096) bytes is indexed, one of 4097 refused" {
    local a b
    a=$(printf 'i%.0s' $(seq 4096))
    b=$(printf 'j%.0s' $(seq 4097))
    printf '{"id":"%s","body":"numbat"}\n{"id":"%s","body":"numbat"}\n' "$a" "$b" >"$BATS_TEST_TMPDIR/long.jsonl"
    run -1 --separate-stderr "$KQI" -q -d "$BATS_TEST_TMPDIR/i" "$BATS_TEST_TMPDIR/long.jsonl"
    [[ "$stderr" == *'long.jsonl:2: document id of 4097 bytes (at most 4096); document skipped'* ]]
    [[ "$stderr" != *'long.jsonl:1:'* ]]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" --all --format=ids numbat
    [ "$output" = "$a" ]
}

@test "kq-index: a date not understood is quoted escaped" {
    run -0 --separate-stderr "$KQI" -q -d good good.jsonl
    printf '%s\n' "$stderr" >err.txt
    no_raw_ctl err.txt
    [[ "$stderr" == *'good.jsonl:3: date "\x1b[2J2023 not a date" not understood'* ]]
}

@test "kq-index rm: an id read from stdin is quoted escaped" {
    [ -d good ] || "$KQI" -q -d good good.jsonl
    run -1 --separate-stderr bash -c "printf 'no\033]52;c;aGk=\007such\n' | \"$KQI\" rm -q -d good -"
    [[ "$stderr" == *'no\x1b]52;c;aGk=\x07such: no such document'* ]]
    printf '%s\n' "$stderr" >err.txt
    no_raw_ctl err.txt
}

@test "legacy ids: every search format writes them escaped (ids and trec stay one line a hit)" {
    local f
    for f in text csv tsv trec ids json jsonl; do
        "$KQ" -d legacy --all --format=$f numbat >"out.$f"
        no_raw_ctl "out.$f" $f
    done
    [ "$(wc -l <out.ids)" -eq 8 ]
    [ "$(wc -l <out.trec)" -eq 8 ]
    [ "$(awk 'NF != 6' out.trec | wc -l)" -eq 0 ]
    grep -qxF 'esc\x1b[31mred' out.ids
    grep -qxF 'osc\x1b]52;c;aGk=\x07end' out.ids
    grep -qxF 'line\x0abreak' out.ids
    grep -qxF 'c1\xc2\x9bx' out.ids
    grep -qF ' esc\x1b[31mred ' out.trec
    grep -qF '   user\x00A  ' out.text
    # tsv: \xHH and the named escapes, one row a hit
    [ "$(wc -l <out.tsv)" -eq 9 ]
    grep -qF $'\tline\\nbreak\t' out.tsv
    grep -qF $'\tcr\\rret\t' out.tsv
}

@test "legacy ids: JSON keeps a NUL (\\u0000) and escapes DEL and C1" {
    "$KQ" -d legacy --all --format=jsonl --fields id numbat >out.jsonl
    no_raw_ctl out.jsonl
    grep -qF '"id":"user\u0000A"' out.jsonl
    grep -qF '"id":"del\u007fx"' out.jsonl
    grep -qF '"id":"c1\u009bx"' out.jsonl
    # jq reads the ids back: the NUL is a character of the string
    [ "$(jq -c 'select(.id == "user\u0000A")' out.jsonl | wc -l)" -eq 1 ]
    "$KQ" -d legacy show --format=json "$(printf 'c1\302\233x')" >show.json
    no_raw_ctl show.json
    [ "$(jq -r '.[0].id' show.json)" = $'c1\302\233x' ]
}

@test "legacy ids: kwic, explain and show write ids and text escaped" {
    "$KQ" -d legacy kwic numbat >kwic.txt
    no_raw_ctl kwic.txt
    grep -qF 'osc\x1b]52;c;aGk=\x07end' kwic.txt
    "$KQ" -d legacy kwic --format=csv numbat >kwic.csv
    no_raw_ctl kwic.csv
    "$KQ" -d legacy explain numbat $'osc\x1b]52;c;aGk=\aend' >explain.txt
    no_raw_ctl explain.txt
    grep -qxF 'document  osc\x1b]52;c;aGk=\x07end' explain.txt
    "$KQ" -d legacy show $'esc\x1b[31mred' >show.txt
    no_raw_ctl show.txt
    grep -qxF 'id: esc\x1b[31mred' show.txt
    grep -qF 'numbat one \x1b[31m red \xc2\x9b2J' show.txt
    # a missing id is quoted escaped
    run -1 --separate-stderr "$KQ" -d legacy show $'no\x1b[2Jsuch'
    [[ "$stderr" == *'no document with id "no\x1b[2Jsuch"'* ]]
}

@test "titles, sources, snippets and stored text: controls escaped or collapsed, C1 included; CRLF and tabs of the text kept" {
    [ -d good ] || "$KQI" -q -d good good.jsonl
    "$KQ" -d good --all --fields title,id,text numbat >text.out
    no_raw_ctl text.out layout
    grep -qF 'Text [1mbold [0m and 1m' text.out
    grep -qF 'with tab \x1b]52;c;aGk=\x07 end' text.out
    "$KQ" -d good --all --format=csv --fields id,title,text numbat >text.csv
    no_raw_ctl text.csv layout
    "$KQ" -d good show 'with space' >show.out
    no_raw_ctl show.out layout
    grep -qF $'second line\twith tab \\x1b]52;c;aGk=\\x07 end\r' show.out
    "$KQ" -d good --all numbat >snip.out
    no_raw_ctl snip.out
}

@test "kq --all --format=ids | kq show - round-trips every accepted id" {
    [ -d good ] || "$KQI" -q -d good good.jsonl
    run -0 bash -c "\"$KQ\" -d good --all --format=ids numbat | \"$KQ\" -d good show --format=jsonl --fields id -"
    [ "${#lines[@]}" -eq 4 ]
    [ "$(printf '%s\n' "$output" | jq -r .id | LC_ALL=C sort)" = \
      "$(jq -r .id good.jsonl | LC_ALL=C sort)" ]
}

@test "hist --plot: a query with U+FFFE, U+FFFF and control characters gives valid XML" {
    local q=$'numbat OR x\xef\xbf\xbey\xef\xbf\xbf\x01\x1b[2J<&>\''
    run -0 "$KQ" -d legacy hist --by year --plot plot.svg "$q" numbat
    python3 - plot.svg <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
text = ''.join(root.itertext())
assert '\ufffe' not in text and '\uffff' not in text and '\x1b' not in text
assert '<&>\'' in text, text
EOF
    if command -v xmllint >/dev/null; then
        xmllint --noout plot.svg
    fi
}

@test "batch and syntax errors quote the query escaped" {
    [ -d good ] || "$KQI" -q -d good good.jsonl
    printf 'q\0331\tnumbat\nq 2\tnumbat\nq3\t(numbat \033]52;c;aGk=\007\n' >queries.txt
    run --separate-stderr "$KQ" -d good batch --format=trec queries.txt
    printf '%s\n%s\n' "$output" "$stderr" >batch.out
    no_raw_ctl batch.out
    [[ "$output" == *'q\x1b1 Q0 '* ]]
    [[ "$stderr" == *'aGk=\x07'* ]]
    run -2 --separate-stderr "$KQ" -d good $'(numbat \x1b[2J'
    [[ "$stderr" == *'(numbat \x1b[2J'* ]]
    printf '%s\n' "$stderr" >syntax.out
    no_raw_ctl syntax.out
}

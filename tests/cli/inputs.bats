#!/usr/bin/env bats
# Input formats of kq-index: TREC SGML, WARC, mbox, gzip (by name and by
# magic bytes), standard input, JSON Lines key mapping, extra fields,
# per-document languages, date normalisation and --progress.  The fixtures
# are in tests/data/inputs/ (crawl.warc is written by make-crawl-warc.py
# there); every expected answer is computed from them with grep, sed, awk
# or jq, or written by hand from reading them -- never taken from kq.

load helpers
bats_require_minimum_version 1.5.0

IN="$ROOT/tests/data/inputs"

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# Every hit of index $1 as JSON: a prefix query per letter and digit
# matches any document with a word.  Kept in a file beside the index (each
# test writes an index once, then only reads it).
all_hits() {
    local f q
    f="$BATS_TEST_TMPDIR/hits.$(printf '%s' "$1" | tr '/' '_')"
    if [ ! -f "$f" ]; then
        q=$(printf '%s* OR ' {a..z} {0..9})
        "$KQ" -d "$1" --json -n 1000 "${q% OR }" | jq -c 'select(.type == "hit")' >"$f"
    fi
    cat "$f"
}

# The ids of every document of index $1, sorted.
all_ids() {
    all_hits "$1" | jq -r .id | LC_ALL=C sort
}

# The JSON hit of document id $2 in index $1 (for query $3 if given).
hit() {
    if [ -n "${3:-}" ]; then
        "$KQ" -d "$1" --json -n 1000 "$3" | jq -c --arg id "$2" 'select(.id == $id)'
    else
        all_hits "$1" | jq -c --arg id "$2" 'select(.id == $id)'
    fi
}

# count INDEX QUERY: kq -c, which exits 1 on no hits.
count() {
    "$KQ" -d "$1" -c "$2" || true
}

# TREC: DOCNOs of the documents that have one, and the line of each <DOC>
# that has none.
trec_ids() {
    awk '/<DOC>/ { d = "" }
         /<DOCNO>/ { s = $0; sub(/.*<DOCNO>[ \t]*/, "", s)
                     sub(/[ \t]*<\/DOCNO>.*/, "", s); d = s }
         /<\/DOC>/ { if (d != "") print d }' "$1" | LC_ALL=C sort
}
trec_bad_lines() {
    awk '/<DOC>/ { start = NR; d = 0 } /<DOCNO>/ { d = 1 }
         /<\/DOC>/ { if (!d) print start }' "$1"
}

##########################################################################
# TREC SGML

@test "trec: DOCNO ids, the malformed DOC named with its line and skipped" {
    cp "$IN/news.trec" .
    run "$KQI" -d idx news.trec
    no_crash
    [ "$status" -eq 1 ]
    for n in $(trec_bad_lines news.trec); do
        [[ "$output" == *"kq-index: news.trec:$n: <DOC> without <DOCNO>; document skipped"* ]]
    done
    [ "$(all_ids idx)" = "$(trec_ids news.trec)" ]
    # one <DOC> of them lacks a DOCNO
    [ "$(trec_ids news.trec | wc -l)" -eq $(($(grep -c '<DOC>' news.trec) - 1)) ]
    [ "$(count idx wallaby)" = 0 ]
}

@test "trec: titles from HEAD/HEADLINE/HL/TITLE, dates made ISO, entities decoded" {
    "$KQI" -d idx "$IN/news.trec" 2>/dev/null || true
    # by hand from news.trec
    hit idx AP870226-0001 | jq -e '.title == "Ceasefire Holds in Gulf & Talks Resume" and .date == "1987-02-26"'
    hit idx LA022687-0002 | jq -e '.title == "Oil Prices <Fall> as Output Rises" and .date == "1987-02-26"'
    hit idx WSJ870226-0003 | jq -e '.title == "Central Bank Holds Rates" and .date == "1987-02-26"'
    hit idx FT870226-0004 | jq -e '.title == "Peacekeepers Arrive" and .date == null'
    # &eacute; in a TEXT; the second TEXT element of a DOC is body too
    [ "$(count idx café)" = 1 ]
    [ "$(count idx refinery)" = "$(grep -c refinery "$IN/news.trec")" ]
    [ "$(count idx numbat)" = 1 ]
    # tags inside TEXT are not words
    run "$KQ" -d idx -c 'p'
    [ "$output" = 0 ]
}

@test "trec: an unparseable date is a warning naming the line; exit 1 only for the bad DOC" {
    cp "$IN/news.trec" .
    line=$(awk '/<DOC>/ { s = NR } /sometime in spring/ { print s }' news.trec)
    run "$KQI" -d idx news.trec
    [[ "$output" == *"kq-index: news.trec:$line: date \"sometime in spring\" not understood; indexed without a date"* ]]
    # without the DOC lacking a DOCNO the run is clean
    awk '/<DOC>/ { buf = ""; keep = 0 } { buf = buf $0 "\n" } /<DOCNO>/ { keep = 1 }
         /<\/DOC>/ { if (keep) printf "%s", buf }' news.trec >good.trec
    run "$KQI" -d idx2 good.trec
    [ "$status" -eq 0 ]
    [[ "$output" == *"not understood"* ]]
}

@test "trec: a DOC not closed is reported with its line and skipped; the next is read" {
    printf '<DOC>\n<DOCNO> X-1 </DOCNO>\n<TEXT>\nlost dugong text\n</TEXT>\n<DOC>\n<DOCNO> X-2 </DOCNO>\n<TEXT>\nkept dugong text\n</TEXT>\n</DOC>\n<DOC>\n<DOCNO> X-3 </DOCNO>\n<TEXT> cut short\n' >open.sgml
    run "$KQI" -d idx open.sgml
    no_crash
    [ "$status" -eq 1 ]
    [[ "$output" == *"kq-index: open.sgml:1: <DOC> not closed before the next <DOC>; document skipped"* ]]
    [[ "$output" == *"kq-index: open.sgml:$(grep -n 'X-3' open.sgml | cut -d: -f1 | awk '{ print $1 - 1 }'): <DOC> not closed at the end of the file; document skipped"* ]]
    [ "$(all_ids idx)" = "X-2" ]
}

@test "trec: gzip by .gz name and by magic bytes give the same documents" {
    gzip -c "$IN/news.trec" >news.trec.gz
    gzip -c "$IN/news.trec" >news.trec           # gzip data without .gz
    run "$KQI" -d a news.trec.gz
    [ "$status" -eq 1 ]
    run "$KQI" -d b news.trec
    [ "$status" -eq 1 ]
    want=$(trec_ids "$IN/news.trec")
    [ "$(all_ids a)" = "$want" ]
    [ "$(all_ids b)" = "$want" ]
    # a .gz that is not gzip is still an error
    cp "$IN/news.trec" plain.trec.gz
    run "$KQI" -d c plain.trec.gz
    [ "$status" -eq 1 ]
    [[ "$output" == *"plain.trec.gz: not valid gzip data"* ]]
}

##########################################################################
# WARC

# type, URI and HTTP status of each record, one a line ("-" for none).
warc_records() {
    tr -d '\r' <"$1" | awk '
        function flush() { if (type != "") print type, (uri == "" ? "-" : uri), (st == "" ? "-" : st) }
        /^WARC\/1\.[01]$/ { flush(); type = ""; uri = ""; st = ""; next }
        /^WARC-Type: / { type = $2 }
        /^WARC-Target-URI: / { uri = $2 }
        /^HTTP\/1\.[01] [0-9][0-9][0-9]/ { if (st == "") st = $2 }
        END { flush() }'
}

@test "warc: 2xx HTML/text responses and resources are documents; a truncated record is named by offset" {
    cp "$IN/crawl.warc" .
    run "$KQI" -d idx crawl.warc
    no_crash
    [ "$status" -eq 1 ]
    off=$(grep -abo '^WARC/1\.[01]' crawl.warc | tail -n 1 | cut -d: -f1)
    [[ "$output" == *"kq-index: crawl.warc: byte $off: truncated record"*"skipped"* ]]
    # the fixture's last record is the truncated one (make-crawl-warc.py)
    want=$(warc_records crawl.warc | sed '$d' |
           awk '$1 == "resource" || ($1 == "response" && $3 ~ /^2/) { print $2 }' | LC_ALL=C sort)
    [ "$(all_ids idx)" = "$want" ]
    [ "$(count idx kangaroo)" = 0 ]
    [ "$(count idx echidna)" = 0 ]   # the 404 page
}

@test "warc: title, date and text of an HTML page; script, style, noscript, comments dropped" {
    "$KQI" -d idx "$IN/crawl.warc" 2>/dev/null || true
    date=$(tr -d '\r' <"$IN/crawl.warc" | awk '/^WARC-Target-URI: http:\/\/news.example.org\/quokka$/ { u = 1 }
        u && /^WARC-Date: / { print substr($2, 1, 10); exit }')
    hit idx http://news.example.org/quokka |
        jq -e --arg d "$date" '.title == "Quokka Island & Its Visitors" and .date == $d'
    # "wombat" is only in the style, the script and a comment; "numbat" in noscript
    [ "$(count idx wombat)" = 0 ]
    [ "$(count idx numbat)" = 0 ]
    [ "$(count idx quokka)" = 1 ]
    # &eacute; in the page, and é in the ISO-8859-1 text/plain page
    [ "$(count idx café)" = 2 ]
    [ "$(count idx zurich)" = 1 ]
    [ "$(count idx '"weather permitting"')" = 1 ]
    hit idx http://archive.example.net/bilby.html | jq -e '.title == "Bilby Report" and .date == "2024-03-03"'
}

@test "warc: gzip-compressed, whole or one gzip member per record, reads the same" {
    w="$IN/crawl.warc"
    want=$(warc_records "$w" | sed '$d' |
           awk '$1 == "resource" || ($1 == "response" && $3 ~ /^2/) { print $2 }' | LC_ALL=C sort)
    gzip -c "$w" >whole.warc.gz
    # as web crawlers write them: each record its own gzip member
    offs=$(grep -abo '^WARC/1\.[01]' "$w" | cut -d: -f1; stat -c %s "$w")
    prev=
    for o in $offs; do
        if [ -n "$prev" ]; then
            tail -c +$((prev + 1)) "$w" | head -c $((o - prev)) | gzip -c >>members.warc.gz
        fi
        prev=$o
    done
    [ "$(gzip -dc members.warc.gz | cmp - "$w" && echo same)" = same ]
    for f in whole members; do
        run "$KQI" -d "$f" "$f.warc.gz"
        no_crash
        [ "$status" -eq 1 ]
        [[ "$output" == *"truncated record"* ]]
        [ "$(all_ids "$f")" = "$want" ]
    done
}

@test "warc: not a WARC file, and a bad Content-Length, are reported and skipped" {
    printf 'hello\nworld\n' >junk.warc
    run "$KQI" -d idx junk.warc
    no_crash
    [ "$status" -eq 1 ]
    [[ "$output" == *"kq-index: junk.warc: byte 0: not a WARC file"* ]]
    { printf 'WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: lots\r\n\r\nabc\r\n\r\n'
      cat "$IN/crawl.warc"; } >bad.warc
    run "$KQI" -d idx2 bad.warc
    no_crash
    [ "$status" -eq 1 ]
    [[ "$output" == *"kq-index: bad.warc: byte 0: missing or bad Content-Length"* ]]
    [ "$(count idx2 quokka)" = 1 ]
}

##########################################################################
# mbox

@test "mbox: one document a message; ids from Message-ID, else FILE:OFFSET" {
    cp "$IN/mail.mbox" .
    run "$KQI" -d idx mail.mbox
    no_crash
    [ "$status" -eq 0 ]
    [ "$(grep -c '^From ' mail.mbox)" -eq "$(all_ids idx | wc -l)" ]
    off=$(grep -bo '^From erin' mail.mbox | cut -d: -f1)
    want=$( { grep -i '^Message-ID:' mail.mbox | sed 's/.*<\(.*\)>.*/\1/'; echo "mail.mbox:$off"; } | LC_ALL=C sort)
    [ "$(all_ids idx)" = "$want" ]
}

@test "mbox: encoded-word subjects, RFC 2822 dates, From-line dates" {
    "$KQI" -d idx "$IN/mail.mbox"
    # by hand from mail.mbox
    hit idx plain-1@example.org | jq -e '.title == "Plain ceasefire report" and .date == "1987-02-26"'
    hit idx multi-2@example.org | jq -e '.title == "Grüße aus München — wombat" and .date == "1987-02-27"'
    hit idx b64-3@example.org | jq -e '.title == "Café au lait pour le numéro un" and .date == "1987-02-28"'
    hit idx html-4@example.org | jq -e '.title == "HTML only newsletter" and .date == "1987-03-01"'
    # no Date header: the date of the "From " line, Mon Mar  2 1987
    [ "$("$KQ" -d idx --json bilby | jq -r 'select(.type == "hit") | .date')" = 1987-03-02 ]
}

@test "mbox: quoted-printable, base64, multipart, HTML-only, >From unescaping" {
    "$KQI" -d idx "$IN/mail.mbox"
    # quoted-printable soft break joins "soft" and "break"; =C3=BC is ü
    [ "$(count idx '"soft break"')" = 1 ]
    [ "$(count idx munchen)" = 1 ]
    [ "$(count idx dingo)" = 1 ]          # base64
    [ "$(count idx platypus)" = 0 ]       # the HTML alternative of a text/plain part
    [ "$(count idx echidna)" = 1 ]        # an HTML-only message
    [ "$(count idx ignored)" = 0 ]        # its <head> is not text
    # ">From the border" was an escaped "From the border" line
    hit idx plain-1@example.org border |
        jq -e '(.snippet | contains("From the border")) and (.snippet | contains(">From the border") | not)'
}

@test "mbox: a message without a header is skipped with its line; gzip'd mbox reads the same" {
    { printf 'From x@example.org Thu Feb 26 10:00:00 1987\nthis is not a header line\n\n'
      cat "$IN/mail.mbox"; } >bad.mbox
    run "$KQI" -d idx bad.mbox
    no_crash
    [ "$status" -eq 1 ]
    [[ "$output" == *"kq-index: bad.mbox:1: message without a header; message skipped"* ]]
    [ "$(all_ids idx | wc -l)" -eq "$(grep -c '^From ' "$IN/mail.mbox")" ]
    gzip -c "$IN/mail.mbox" >mail.mbx.gz
    "$KQI" -d gz mail.mbx.gz
    [ "$(all_ids gz | grep -c '@example.org')" -eq "$(grep -ci '^Message-ID:' "$IN/mail.mbox")" ]
}

##########################################################################
# Standard input and --input-format

@test "stdin: - reads JSON Lines, plain or gzip'd" {
    printf '{"id":"s1","title":"Stdin one","body":"a bandicoot"}\n{"id":"s2","title":"Stdin two","body":"another bandicoot"}\n' >s.jsonl
    run bash -c "cat s.jsonl | '$KQI' -d a -"
    [ "$status" -eq 0 ]
    [ "$(all_ids a)" = "$(jq -r .id s.jsonl | LC_ALL=C sort)" ]
    run bash -c "gzip -c s.jsonl | '$KQI' -d b -"
    [ "$status" -eq 0 ]
    [ "$(all_ids b)" = "$(jq -r .id s.jsonl | LC_ALL=C sort)" ]
    # messages name it "stdin"
    run bash -c "printf '{\"id\":1}\nnot json\n' | '$KQI' -d c -"
    [ "$status" -eq 1 ]
    [[ "$output" == *"kq-index: stdin:2: invalid JSON"* ]]
}

@test "stdin: --input-format picks the format (trec, mbox, gzip'd warc)" {
    run bash -c "'$KQI' -d t --input-format trec - <'$IN/news.trec'"
    [ "$status" -eq 1 ]
    [ "$(all_ids t)" = "$(trec_ids "$IN/news.trec")" ]
    run bash -c "gzip -c '$IN/mail.mbox' | '$KQI' -d m --input-format=mbox -"
    [ "$status" -eq 0 ]
    [ "$(all_ids m | wc -l)" -eq "$(grep -c '^From ' "$IN/mail.mbox")" ]
    run bash -c "gzip -c '$IN/crawl.warc' | '$KQI' -d w --input-format warc -"
    [ "$status" -eq 1 ]
    [[ "$output" == *"kq-index: stdin: byte "*"truncated record"* ]]
    [ "$(count w bilby)" = 1 ]
}

@test "--input-format applies to files of any name, in a directory walk too" {
    mkdir d
    cp "$IN/news.trec" d/LA010189
    cp "$IN/news.trec" d/FT911_1
    run "$KQI" -d idx --input-format trec d
    [ "$status" -eq 1 ]
    [ "$(all_ids idx)" = "$(trec_ids "$IN/news.trec")" ]
    run "$KQI" -d idx2 --input-format xml d
    [ "$status" -eq 2 ]
    [[ "$output" == *"--input-format is jsonl, text, trec, warc or mbox"* ]]
}

##########################################################################
# JSON Lines: --map, dates, --field, --lang-field

MAP=(--map id=doc_id --map title=headline --map body=text --map date=meta.published)

@test "jsonl --map: fields from other keys, nested keys, integer ids" {
    run "$KQI" -d idx "${MAP[@]}" "$IN/mapped.jsonl"
    no_crash
    [ "$status" -eq 0 ]
    [ "$(all_ids idx)" = "$(jq -r '.doc_id | tostring' "$IN/mapped.jsonl" | LC_ALL=C sort)" ]
    hit idx m1 | jq -e --arg t "$(jq -r 'select(.doc_id == "m1") | .headline' "$IN/mapped.jsonl")" '.title == $t'
    [ "$(count idx geneva)" = "$(jq -r .text "$IN/mapped.jsonl" | grep -ci geneva)" ]
    hit idx 6 | jq -e '.title == "Quokka sighting"'
}

@test "jsonl dates: ISO kept; RFC 2822, YYYY/MM/DD, Unix seconds converted; others warned" {
    run "$KQI" -d idx "${MAP[@]}" "$IN/mapped.jsonl"
    [ "$status" -eq 0 ]
    hit idx m1 | jq -e '.date == "1987-02-26"'
    hit idx m2 | jq -e '.date == "1987-02-27"'
    hit idx m3 | jq -e '.date == "1987-03-02"'
    hit idx m4 | jq -e --arg d "$(date -u -d @"$(jq -r 'select(.doc_id == "m4") | .meta.published' "$IN/mapped.jsonl")" +%F)" '.date == $d'
    hit idx m5 | jq -e '.date == null'
    line=$(grep -n '"the day after"' "$IN/mapped.jsonl" | cut -d: -f1)
    [[ "$output" == *"kq-index: $IN/mapped.jsonl:$line: date \"the day after\" not understood; indexed without a date"* ]]
}

@test "dates: 64 bytes (KQ_MAX_DATE) kept; 65 and 1 MB warned with the limit, indexed undated (jsonl, trec, mbox)" {
    local d64 d65
    d64="2020-01-01T$(head -c 53 /dev/zero | tr '\0' 1)"
    d65="2020-01-02 $(head -c 54 /dev/zero | tr '\0' x)"
    [ "${#d64}" = 64 ] && [ "${#d65}" = 65 ]
    {
        printf '{"id":"d64","body":"quokka","date":"%s"}\n' "$d64"
        printf '{"id":"d65","body":"quokka","date":"%s"}\n' "$d65"
        python3 -c "import json; print(json.dumps({'id': 'd1m', 'body': 'quokka', 'date': '2020-01-03T' + 'a' * 1000000}))"
    } >d.jsonl
    printf '<DOC>\n<DOCNO>t64</DOCNO>\n<DATE>%s</DATE>\n<TEXT>quokka</TEXT>\n</DOC>\n<DOC>\n<DOCNO>t65</DOCNO>\n<DATE>%s</DATE>\n<TEXT>quokka</TEXT>\n</DOC>\n' "$d64" "$d65" >d.trec
    printf 'From a@b Thu Feb 26 10:00:00 1987\nMessage-ID: <m64>\nDate: %s\n\nquokka\n\nFrom a@b Thu Feb 26 10:00:00 1987\nMessage-ID: <m65>\nDate: %s\n\nquokka\n' "$d64" "$d65" >d.mbox
    run -0 --separate-stderr "$KQI" -d idx d.jsonl d.trec d.mbox
    [[ "$stderr" == *"d.jsonl:2: date \"$d65\" longer than 64 bytes; indexed without a date"* ]]
    [[ "$stderr" == *"d.jsonl:3: date \"2020-01-03Taaa"*"\" longer than 64 bytes; indexed without a date"* ]]
    [[ "$stderr" == *"d.trec:6: date \"$d65\" longer than 64 bytes; indexed without a date"* ]]
    [[ "$stderr" == *"d.mbox:7: date \"$d65\" longer than 64 bytes; indexed without a date"* ]]
    [ "$(grep -c 'longer than 64 bytes' <<<"$stderr")" = 4 ]
    for id in d64 t64 m64; do
        hit idx "$id" quokka | jq -e --arg d "$d64" '.date == $d'
    done
    for id in d65 d1m t65 m65; do
        hit idx "$id" quokka | jq -e '.date == null'
    done
    [ "$(count idx date:2020)" = 3 ]
    # no result line carries the megabyte
    [ "$("$KQ" -d idx --json -n 100 quokka | wc -c)" -lt 10000 ]
}

@test "jsonl: mapped keys keep the usual checks (missing id, non-string title)" {
    printf '{"doc_id":"k1","headline":"ok numbat"}\n{"headline":"no id"}\n{"doc_id":"k3","headline":7}\n' >k.jsonl
    run "$KQI" -d idx --map id=doc_id --map title=headline k.jsonl
    [ "$status" -eq 1 ]
    [[ "$output" == *"kq-index: k.jsonl:2: missing \"doc_id\""* ]]
    [[ "$output" == *"kq-index: k.jsonl:3: \"headline\" is not a string"* ]]
    [ "$(all_ids idx)" = k1 ]
}

@test "usage errors: bad --field names, --map, --progress (exit 2)" {
    for bad in Lang 1x title body id date source 'a-b' ''; do
        run "$KQI" -d idx --field "$bad" "$IN/mapped.jsonl"
        [ "$status" -eq 2 ]
        [[ "$output" == *"bad field name"* ]]
    done
    run "$KQI" -d idx --map title "$IN/mapped.jsonl"
    [ "$status" -eq 2 ]
    run "$KQI" -d idx --map Bad=x "$IN/mapped.jsonl"
    [ "$status" -eq 2 ]
    run "$KQI" -d idx --progress=loud "$IN/mapped.jsonl"
    [ "$status" -eq 2 ]
    [ ! -e idx ]
}

@test "jsonl --lang-field: known languages accepted, an unknown one warned about (exit 0)" {
    run "$KQI" -d idx "${MAP[@]}" --lang-field lang "$IN/mapped.jsonl"
    no_crash
    [ "$status" -eq 0 ]
    bad=$(jq -r .lang "$IN/mapped.jsonl" | grep -vxE 'en|fr|de')
    line=$(grep -n "\"lang\":\"$bad\"" "$IN/mapped.jsonl" | cut -d: -f1)
    [[ "$output" == *"kq-index: $IN/mapped.jsonl:$line: unknown language \"$bad\""*"indexed with the index's language"* ]]
    [ "$(all_ids idx | wc -l)" -eq "$(wc -l <"$IN/mapped.jsonl")" ]
}

# The next tests need the engine's support for extra fields and field
# queries (common/, kq): they fail until it is in.

@test "languages: a name of 31, 32, 33, 64, 65 bytes (KQI_MAX_LANG 32) is an unknown language; 10 languages in one run (8 analyzers kept) index cleanly" {
    local n l
    : >l.jsonl
    for n in 31 32 33 64 65; do
        l=$(head -c "$n" /dev/zero | tr '\0' e)
        printf '{"id":"l%s","body":"numbat","lang":"%s"}\n' "$n" "$l" >>l.jsonl
    done
    run -0 --separate-stderr "$KQI" -d idx --lang-field lang l.jsonl
    for n in 31 32 33 64 65; do
        [[ "$stderr" == *"l.jsonl:$(grep -n "\"l$n\"" l.jsonl | cut -d: -f1): unknown language \"eeee"*"indexed with the index's language"* ]]
    done
    [ "$(grep -c 'unknown language' <<<"$stderr")" = 5 ]
    [ "$(count idx numbat)" = 5 ]
    run -2 --separate-stderr "$KQI" -d idx2 --lang "$(head -c 32 /dev/zero | tr '\0' e)" l.jsonl
    [[ "$stderr" == *"unknown language"* ]]
    [ ! -e idx2/kq.manifest ]
    # more languages than the inverter keeps analyzers for, then the first again
    : >m.jsonl
    for l in english french german spanish italian dutch swedish russian portuguese danish english french; do
        printf '{"id":"%s%s","body":"31415","lang":"%s"}\n' "$l" "$RANDOM" "$l" >>m.jsonl
    done
    run -0 --separate-stderr "$KQI" -d idx3 --lang-field lang m.jsonl
    [ -z "$stderr" ]
    [ "$(count idx3 31415)" = 12 ]   # a number: no stemmer changes it
    run -0 "$KQ" -d idx3 --check
}

@test "jsonl --field lang: searchable as lang:VALUE (needs engine field support)" {
    "$KQI" -d idx "${MAP[@]}" --field lang "$IN/mapped.jsonl"
    for l in en fr de; do
        want=$(jq -r --arg l "$l" 'select(.lang == $l) | .doc_id' "$IN/mapped.jsonl" | wc -l)
        [ "$(count idx "lang:$l")" = "$want" ]
    done
}

@test "jsonl --field: arrays joined, numbers as text, --map to a field (needs engine field support)" {
    "$KQI" -d idx "${MAP[@]}" --field tags --field score --map where=meta.published "$IN/mapped.jsonl"
    want=$(jq -r 'select((.tags // []) | index("diplomacy")) | .doc_id' "$IN/mapped.jsonl" | wc -l)
    [ "$(count idx tags:diplomacy)" = "$want" ]
    [ "$(count idx score:4.5)" = "$(jq -r 'select(.score == 4.5) | .doc_id' "$IN/mapped.jsonl" | wc -l)" ]
}

@test "source: of WARC pages is the host (needs engine field queries)" {
    "$KQI" -d idx "$IN/crawl.warc" 2>/dev/null || true
    [ "$(count idx source:news.example.org)" = 1 ]
    [ "$(count idx source:blog.example.com)" = 1 ]
}

##########################################################################
# --progress

PROGRESS_RE='^progress docs=[0-9]+ bytes=[0-9]+ elapsed=[0-9]+\.[0-9] rate_mb_s=[0-9]+\.[0-9] percent=([0-9]+|-) eta_s=([0-9]+|-)$'

@test "--progress=plain: parseable lines; the last counts every document" {
    "$KQI" -d idx --progress=plain "$IN/mail.mbox" "$IN/mapped.jsonl" "${MAP[@]}" \
        >out 2>err
    grep -q '^progress ' err
    grep '^progress ' err | while read -r l; do
        [[ "$l" =~ $PROGRESS_RE ]]
    done
    last=$(grep '^progress ' err | tail -n 1)
    want=$(( $(grep -c '^From ' "$IN/mail.mbox") + $(wc -l <"$IN/mapped.jsonl") ))
    [[ "$last" == *" docs=$want "* ]]
    # sizes known: all of it read
    size=$(( $(stat -c %s "$IN/mail.mbox") + $(stat -c %s "$IN/mapped.jsonl") ))
    [[ "$last" == *" bytes=$size "*" percent=100 "* ]]
}

@test "--progress=plain from a pipe: percent and eta unknown" {
    run bash -c "cat '$IN/mail.mbox' | '$KQI' -d idx --input-format mbox --progress=plain - 2>&1 >/dev/null"
    [ "$status" -eq 0 ]
    [[ "$output" =~ percent=-\ eta_s=-$ ]]
}

@test "no progress output when stderr is not a terminal and no --progress" {
    "$KQI" -d idx "$IN/mail.mbox" >out 2>err
    ! grep -q progress err
    ! grep -q $'\r' err
    [ ! -s err ]
}

@test "--progress=bar: drawn on stderr with \\r, erased at the end" {
    # The bar is drawn 0.2 s into the run at the earliest.  The input
    # comes through a FIFO, 0.4 s after kq-index opened it (its progress
    # clock starts before it opens its inputs): a late enough first
    # document however slowly kq-index starts on a loaded machine (a sleep
    # before a pipe was not: the sleep could end before kq-index began).
    mkfifo in.mbox
    "$KQI" -d idx --input-format mbox --progress=bar in.mbox 2>err >/dev/null 3>&- &
    local pid=$!
    exec 4>in.mbox      # returns once kq-index has opened the FIFO
    sleep 0.4
    cat "$IN/mail.mbox" >&4
    exec 4>&-
    wait "$pid"
    grep -q 'docs, ' err
    grep -q $'\r' err
    # the last thing written is the erasing: spaces then \r
    [[ "$(tail -c 2 err | od -An -c | tr -d ' ')" == *'\r' ]]
}

##########################################################################

@test "kq-index --help describes the new formats and options" {
    run "$KQI" --help
    [ "$status" -eq 0 ]
    for w in --input-format --map --field --lang-field --progress .trec .warc .mbox stdin; do
        [[ "$output" == *"$w"* ]]
    done
}

#!/usr/bin/env bats
# Unicode: case and accent folding, non-Latin scripts, invalid UTF-8.
#
# setup_file indexes corpus/ and then, as a second batch into the same index,
# a small JSON Lines file and a .txt file with invalid UTF-8 made here.
# None of the words queried below occurs in corpus/ except "Zurich"
# (grep -rliE 'caf|naive|na.ve|strasse|resum|kiwi|wombat|jalape' corpus/ finds
# nothing; grep -rli zurich corpus/ finds corpus/0040.txt only).
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    index_corpus
    local d="$BATS_FILE_TMPDIR/u"
    mkdir -p "$d"
    cat >"$d/unicode.jsonl" <<'EOF'
{"id":"u1","title":"Café society","date":"2024-01-02","source":"test","body":"A small café near the river."}
{"id":"u2","title":"CAFÉ NEWS","body":"EVERYTHING IN CAPITALS AT THE CAFÉ."}
{"id":"u3","title":"plain cafe","body":"an ascii cafe"}
{"id":"u4","title":"Naïve Straße","body":"A naïve walk down the Straße in Zürich."}
{"id":"u5","title":"Ελληνικά","body":"ΑΘΗΝΑ και Αθήνα"}
{"id":"u6","title":"decomposed","body":"a re\u0301sume\u0301 written with combining accents"}
{"id":"u7","title":"He said \"hi\" \\ back","source":"tab\there","body":"quotes and backslashes: kiwi \"kiwi\" \\kiwi\\ \u0001"}
EOF
    # invalid UTF-8 in the title and the body of a .txt document
    printf 'Broken \xff title\n\nalpha\xffbeta wombat \xc3 gamma jalape\xc3\xb1o \xe2\x82 end \xed\xa0\x80 surrogate\n' \
        >"$d/badutf8.txt"
    cd "$ROOT"
    set +e
    "$KQI" -d "$IDX" "$d/unicode.jsonl" "$d/badutf8.txt" \
        >"$BATS_FILE_TMPDIR/u.out" 2>"$BATS_FILE_TMPDIR/u.err"
    echo $? >"$BATS_FILE_TMPDIR/u.status"
}

setup() {
    cd "$ROOT"
}

# ids (sorted, space-separated) of the hits of query $1
ids() { "$KQ" -d "$IDX" --json -n 100 "$1" | jq -r 'select(.type == "hit") | .id' | LC_ALL=C sort | tr '\n' ' '; }

# stdout of `run` is valid UTF-8 and every line is JSON
valid_json_output() {
    printf '%s\n' "$output" | iconv -f UTF-8 -t UTF-8 >/dev/null ||
        { echo "not valid UTF-8: $output" >&2; return 1; }
    printf '%s\n' "$output" | jq -c . >/dev/null ||
        { echo "not JSON: $output" >&2; return 1; }
}

@test "unicode: the second batch (accents, Greek, invalid UTF-8) is indexed, exit 0" {
    cat "$BATS_FILE_TMPDIR/u.err"
    [ "$(cat "$BATS_FILE_TMPDIR/u.status")" -eq 0 ]
    # 7 JSON lines + 1 .txt
    [[ "$(tail -n 1 "$BATS_FILE_TMPDIR/u.out")" == "kq-index: 8 documents,"* ]]
    run -0 kq --check
}

@test "unicode: café, Café, CAFÉ and cafe all match the same three documents" {
    # u1 Café/café, u2 CAFÉ, u3 cafe
    for q in cafe café Café CAFÉ CAFE; do
        [ "$(ids "$q")" = "u1 u2 u3 " ] || { echo "$q: $(ids "$q")"; return 1; }
    done
    run -0 kq -c 'caf*'
    [ "$output" = 3 ]
    run -0 kq -c '"café near"'          # u1: "A small café near the river."
    [ "$output" = 1 ]
}

@test "unicode: naïve, Zürich, Straße fold" {
    for q in naive naïve NAÏVE; do
        [ "$(ids "$q")" = "u4 " ] || { echo "$q: $(ids "$q")"; return 1; }
    done
    for q in Straße straße STRASSE strasse; do    # full case folding: ß -> ss
        [ "$(ids "$q")" = "u4 " ] || { echo "$q: $(ids "$q")"; return 1; }
    done
    # Zurich in corpus/0040.txt, Zürich in u4
    for q in zurich Zürich ZÜRICH; do
        [ "$(ids "$q")" = "corpus/0040.txt u4 " ] || { echo "$q: $(ids "$q")"; return 1; }
    done
}

@test "unicode: Greek upper/lower case and accents" {
    # u5: ΑΘΗΝΑ and Αθήνα
    for q in αθηνα ΑΘΗΝΑ Αθήνα αθήνα; do
        [ "$(ids "$q")" = "u5 " ] || { echo "$q: $(ids "$q")"; return 1; }
    done
}

@test "unicode: decomposed accents (e + U+0301) match precomposed and plain" {
    for q in résumé resume RESUME; do
        [ "$(ids "$q")" = "u6 " ] || { echo "$q: $(ids "$q")"; return 1; }
    done
}

@test "unicode: JSON output is valid; titles and snippets keep the original text" {
    run -0 kq --json -n 100 cafe
    valid_json_output
    jq -e -s 'map(select(.id == "u1")) | length == 1 and (.[0]
           | .title == "Café society" and .date == "2024-01-02"
             and (.snippet | contains("café")))' <<<"$output"
    jq -e -s 'map(select(.id == "u2")) | length == 1 and (.[0]
           | .title == "CAFÉ NEWS" and .date == null)' <<<"$output"
    # quotes and a backslash in the title round-trip through JSON (a control
    # character in the body does not break the output)
    run -0 kq --json kiwi
    valid_json_output
    head -n 1 <<<"$output" | jq -e '.id == "u7" and .title == "He said \"hi\" \\ back"'
    run -0 kq --json αθηνα
    valid_json_output
    head -n 1 <<<"$output" | jq -e '.title == "Ελληνικά"'
}

@test "unicode: invalid UTF-8 in a .txt: searchable, JSON output valid UTF-8" {
    run -0 kq --json wombat
    valid_json_output
    head -n 1 <<<"$output" | jq -e '.id | endswith("badutf8.txt")'
    # the title had a \xff byte; it comes back as valid UTF-8 with its words
    head -n 1 <<<"$output" | jq -e '(.title | startswith("Broken")) and (.title | endswith("title"))'
    # the words around the bad bytes are tokens of their own
    run -0 kq -c 'gamma AND jalapeno AND end AND surrogate AND wombat'
    [ "$output" = 1 ]
    # human output and colour do not crash and stay valid UTF-8
    run -0 kq wombat
    printf '%s\n' "$output" | iconv -f UTF-8 -t UTF-8 >/dev/null
    run -0 kq --color=always -n 100 'wombat OR cafe OR jalapeño'
    printf '%s\n' "$output" | iconv -f UTF-8 -t UTF-8 >/dev/null
}

@test "unicode: invalid UTF-8 in a query does not crash; JSON stays valid" {
    run kq --json $'wombat\xff'
    no_crash
    [ "$status" -le 2 ]
    if [ "$status" -le 1 ]; then valid_json_output; fi
    run kq -c $'\xff\xfe'
    no_crash
    [ "$status" -le 2 ]
    run kq $'caf\xc3'
    no_crash
    [ "$status" -le 2 ]
}

@test "unicode: invalid UTF-8 inside a JSON Lines string: no crash, other lines kept" {
    j="$BATS_TEST_TMPDIR/badstr.jsonl"
    {
        echo '{"id":"q1","title":"Quokka","body":"a quokka"}'
        printf '{"id":"q2","title":"bad \xff bytes","body":"numbat \xfe\xff here"}\n'
        echo '{"id":"q3","title":"Quokka again","body":"one more quokka"}'
    } >"$j"
    run --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/i" "$j"
    no_crash
    echo "status $status stderr: $stderr"
    # either the line is rejected (exit 1, naming FILE:2) or read (exit 0)
    if [ "$status" -eq 1 ]; then
        [[ "$stderr" == *"$j:2: "* ]]
    else
        [ "$status" -eq 0 ]
        run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" --json numbat
        valid_json_output
    fi
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c quokka
    [ "$output" = 2 ]
}

@test "unicode: kq-index --lang none keeps words unstemmed but folded" {
    # kq.h: "none" = no stemming.  With it, cafés is not cafe.
    j="$BATS_TEST_TMPDIR/n.jsonl"
    echo '{"id":"n1","title":"Cafés","body":"CAFÉS"}' >"$j"
    run -0 "$KQI" -d "$BATS_TEST_TMPDIR/i" --lang none "$j"
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c cafés
    [ "$output" = 1 ]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c CAFES
    [ "$output" = 1 ]
    run -1 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c cafe
    [ "$output" = 0 ]
}

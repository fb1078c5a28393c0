#!/usr/bin/env bats
# kq search output formats: --format=text|jsonl|json|tsv|csv|trec|ids,
# --fields, --sort, -n/--all, snippets with source offsets, colour and
# $NO_COLOR, exit codes.
#
# On corpus/ (41 undated articles) and on a small JSON Lines fixture
# written in setup_file: full dates and none (for --sort=date), titles and
# fields with commas, quotes, tabs, newlines and a backslash (for CSV and
# TSV), a long body with the query word in distant places (for several
# snippets).  Expected answers come from the fixture and corpus files (jq,
# grep, python's csv module), or from another output format of the same
# search where the point is that the formats agree.
bats_require_minimum_version 1.5.0
load helpers

FX="$BATS_FILE_TMPDIR/fx.jsonl"
FIDX="$BATS_FILE_TMPDIR/fidx"

make_fixture() {
    local long filler i
    filler="the river rose and the harbor flooded while traders watched prices"
    long=""
    for i in $(seq 1 24); do
        long="$long $filler."
        case $i in 2 | 12 | 22) long="$long A ceasefire was mentioned here." ;; esac
    done
    {
        echo '{"id":"f01","title":"Ceasefire agreed, at last","date":"2023-02-10","source":"wire","body":"The ceasefire was agreed on Friday. Observers said the ceasefire would hold."}'
        echo '{"id":"f02","title":"Quokka \"census\", part 2","date":"2023-06-15","source":"daily","body":"Line one\twith a tab\nline two, with \"quotes\" and a backslash \\ here.\nA quokka and a ceasefire\r\n"}'
        echo '{"id":"f03","title":"Truce talks","date":"2022-12-01","source":"wire","body":"Truce talks began; no ceasefire yet."}'
        echo '{"id":"f04","title":"Harbor news","body":"A ceasefire in the harbor district. Ceasefire monitors arrived. The ceasefire, fragile, held."}'
        echo "{\"id\":\"f05\",\"title\":\"Long report\",\"date\":\"2024-01-20\",\"source\":\"weekly\",\"body\":\"${long# }\"}"
        echo '{"id":"f06","title":"Café culture","date":"2023-02-10","source":"daily","body":"Naïve café owners: no ceasefire here – only coffee."}'
        echo '{"id":"f07","title":"Comma, \"quote\" and more","date":"2023-09-09","source":"a,b","body":"ceasefire"}'
        echo '{"id":"f08","title":"Undated ceasefire","body":"Another ceasefire without a date."}'
        echo '{"id":"f09","title":"Market report","date":"2021-05-05","source":"wire","body":"Prices rose; no news of any truce."}'
        echo '{"id":"f10","title":"Old ceasefire","date":"2020-01-01","source":"wire","body":"An old ceasefire story."}'
    } >"$FX"
}

setup_file() {
    index_corpus
    make_fixture
    "$KQI" -q -d "$FIDX" "$FX" >/dev/null 2>"$BATS_FILE_TMPDIR/fx.err" || {
        cat "$BATS_FILE_TMPDIR/fx.err" >&2
        return 1
    }
}

setup() {
    cd "$ROOT"
}

fkq() { "$KQ" -d "$FIDX" "$@"; }

# ------------------------------------------------------------- json, jsonl

@test "json: one document; its hits equal the jsonl hits; the summary" {
    # oil: 11 files (grep -liwE 'oils?' corpus/*.txt)
    run -0 kq --format=json -n 5 oil
    j=$output
    [ "$(jq -c '.hits[]' <<<"$j")" = "$(kq --format=jsonl -n 5 oil | jq -c 'select(.type == "hit") | del(.type)')" ]
    [ "$(jq '.hits | length' <<<"$j")" -eq 5 ]
    version=$("$KQ" --version | cut -d' ' -f2)
    jq -e --arg idx "$IDX" --arg v "$version" '.summary | .query == "oil" and .parsed == "oil"
        and .total == 11 and .offset == 0 and .returned == 5 and .limit == 5
        and .sort == "score" and .index == $idx and .backend == "kq"
        and .generation == 1 and .documents == 41 and .language == "english"
        and .version == $v' <<<"$j"
    # paging and the order are recorded
    run -0 kq --format=json --offset 3 -n 2 --sort=-date oil
    jq -e '.summary | .offset == 3 and .returned == 2 and .sort == "-date"' <<<"$output"
}

@test "jsonl: hits, then a summary line with the query as given" {
    run -0 fkq --json -n 100 ceasefire agreed
    n=${#lines[@]}
    [ "$n" -eq 2 ]     # f01, the one with both words, and the summary
    jq -e '.id == "f01" and .title == "Ceasefire agreed, at last" and .date == "2023-02-10"
        and .source == "wire" and (.rank == 1) and (.snippets | type) == "array"' <<<"${lines[0]}"
    jq -e '.type == "summary" and .query == "ceasefire agreed" and .total == 1
        and .returned == 1 and .parsed != null and .language == "english"
        and .backend == "kq" and .generation == 1 and (.index | type) == "string"' <<<"${lines[1]}"
    # the default -n is recorded
    run -0 kq --json oil
    jq -e 'select(.type == "summary") | .limit == 10 and .returned == 10 and .total == 11' <<<"${lines[10]}"
    # date and source are null when the document has none
    run -0 fkq --json harbor
    jq -e -s 'map(select(.id == "f04")) | length == 1 and .[0].date == null and .[0].source == null' <<<"$output"
}

@test "ids: equal the jsonl ids; --all gives every hit, -n 0 none" {
    want=$(gfiles 'oils?')
    run -0 kq --format=ids --all oil
    [ "$(printf '%s\n' "${lines[@]}" | LC_ALL=C sort)" = "$want" ]
    [ "$(printf '%s\n' "${lines[@]}")" = "$(kq --json --all oil | jq -r 'select(.type == "hit") | .id')" ]
    run -0 kq --format=ids oil
    [ "${#lines[@]}" -eq 10 ]
    run -0 kq --format=ids --all --offset 8 oil
    [ "${#lines[@]}" -eq 3 ]
    run -0 kq --format=ids -n 0 oil
    [ -z "$output" ]
    run -0 kq -n 0 oil
    [ "$output" = "-- 11 matching documents" ]
    run -0 kq --json -n 0 oil
    [ "${#lines[@]}" -eq 1 ]
    jq -e '.total == 11 and .returned == 0' <<<"$output"
    run -1 kq --format=ids xyzzyq
    [ -z "$output" ]
}

# -------------------------------------------------------------- tsv, csv

@test "tsv: a header, one line per hit, escapes that restore the text" {
    run -0 kq --format=tsv -n 4 oil
    [ "${lines[0]}" = $'rank\tid\tscore\tdate\tsource\ttitle\tsnippet' ]
    [ "${#lines[@]}" -eq 5 ]
    for l in "${lines[@]}"; do
        [ "$(awk -F'\t' '{ print NF }' <<<"$l")" -eq 7 ]
    done
    # ids and titles as in json
    [ "$(printf '%s\n' "${lines[@]:1}" | cut -f2,6)" = \
      "$(kq --json -n 4 oil | jq -r 'select(.type == "hit") | [.id, .title] | @tsv')" ]
    # the text of f02 has a tab, newlines, a CR and a backslash
    run -0 fkq --format=tsv --fields id,title,text quokka
    [ "${#lines[@]}" -eq 2 ]
    [ "${lines[0]}" = $'id\ttitle\ttext' ]
    IFS=$'\t' read -r id title text <<<"${lines[1]}"
    [ "$id" = f02 ]
    [ "$title" = 'Quokka "census", part 2' ]
    printf '%s' "$text" | sed 's/\\t/\t/g; s/\\r/\r/g; s/\\n/\n/g; s/\\\\/\\/g' >"$BATS_TEST_TMPDIR/got"
    jq -j 'select(.id == "f02") | .body' "$FX" >"$BATS_TEST_TMPDIR/want"
    # (the sed above would mangle "\\n"; the fixture has no such sequence)
    cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "csv: RFC 4180, read back by a CSV parser" {
    command -v python3 >/dev/null || skip "no python3"
    fkq --format=csv --all --fields id,title,source,date,score,text ceasefire >"$BATS_TEST_TMPDIR/out.csv"
    jq -r 'select((.title + " " + .body) | test("\\bceasefire\\b"; "i")) | .id' "$FX" | LC_ALL=C sort >"$BATS_TEST_TMPDIR/ids"
    [ "$(wc -l <"$BATS_TEST_TMPDIR/ids")" -eq 9 ]
    # python parses it; each row has the fixture's title, source and text
    python3 - "$BATS_TEST_TMPDIR/out.csv" "$FX" "$BATS_TEST_TMPDIR/ids" <<'EOF'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
docs = {d['id']: d for d in map(json.loads, open(sys.argv[2], encoding='utf-8'))}
want = open(sys.argv[3]).read().split()
assert rows[0] == ['id', 'title', 'source', 'date', 'score', 'text'], rows[0]
assert sorted(r[0] for r in rows[1:]) == want, [r[0] for r in rows[1:]]
scores = [float(r[4]) for r in rows[1:]]
assert scores == sorted(scores, reverse=True), scores
for r in rows[1:]:
    d = docs[r[0]]
    assert len(r) == 6, r
    assert r[1] == d['title'], (r[1], d['title'])
    assert r[2] == d.get('source', ''), r
    assert r[3] == d.get('date', ''), r
    assert r[5] == d['body'], (r[5], d['body'])
EOF
    # quoting: the comma and quotes of f07's title and source
    grep -q '^f07,"Comma, ""quote"" and more","a,b",2023-09-09,' "$BATS_TEST_TMPDIR/out.csv"
}

# ------------------------------------------------------------------ trec

@test "trec: QID Q0 DOCID RANK SCORE RUNTAG in the order of the json hits" {
    run -0 kq --format=trec --qid 401 --run-tag myrun -n 8 'oil OR gulf'
    [ "${#lines[@]}" -eq 8 ]
    printf '%s\n' "${lines[@]}" | awk '
        NF != 6 || $1 != "401" || $2 != "Q0" || $4 != NR || $6 != "myrun" { exit 1 }
        NR > 1 && $5 > prev { exit 1 } { prev = $5 }'
    [ "$(printf '%s\n' "${lines[@]}" | cut -d' ' -f3)" = \
      "$(kq --json -n 8 'oil OR gulf' | jq -r 'select(.type == "hit") | .id')" ]
    run -0 kq --format=trec -n 1 oil
    [[ "${lines[0]}" =~ ^1\ Q0\ corpus/[0-9]{4}\.txt\ 1\ [0-9.]+\ kq$ ]]
}

# ---------------------------------------------------------------- fields

@test "--fields: the chosen keys in order; columns; unknown names are errors" {
    run -0 fkq --json --fields id,score,len,source ceasefire
    jq -e -s '.[:-1] | length > 5 and all(.[]; keys_unsorted == ["type", "id", "score", "len", "source"]
        and (.len | type) == "number" and .len > 0)' <<<"$output"
    run -0 fkq --format=csv --fields date,id ceasefire
    [ "${lines[0]}" = "date,id" ]
    run -0 fkq --fields id,score ceasefire
    # text: no title line, the id and score on one line
    [[ "${lines[0]}" =~ ^\ +f[0-9]+\ +score\ [0-9] ]]
    run -2 --separate-stderr fkq --fields id,colour ceasefire
    [[ "$stderr" == *'"colour"'* ]]
    run -2 fkq --format=ids --fields id ceasefire
    run -2 fkq --format=trec --fields id ceasefire
}

@test "--fields: extra fields of the index (kq-index --field)" {
    j="$BATS_TEST_TMPDIR/e.jsonl"
    printf '%s\n' '{"id":"e1","title":"Alpha","author":"Ann Lee, Jr.","section":"world","body":"quokka one"}' \
        '{"id":"e2","title":"Beta","author":"Bob","body":"quokka two quokka"}' \
        '{"id":"e3","title":"Gamma","section":"sport","body":"no marsupial here"}' >"$j"
    "$KQI" -q -d "$BATS_TEST_TMPDIR/e" --field author --field section "$j"
    e() { "$KQ" -d "$BATS_TEST_TMPDIR/e" "$@"; }
    run -0 e --format=csv --all --fields id,author,section quokka
    [ "$(printf '%s\n' "${lines[@]:1}" | LC_ALL=C sort)" = "$(printf '%s\n' 'e1,"Ann Lee, Jr.",world' 'e2,Bob,')" ]
    run -0 e --json --fields id,author quokka
    jq -e -s '.[:-1] | map({(.id): .fields.author}) | add == {"e1": "Ann Lee, Jr.", "e2": "Bob"}' <<<"$output"
    run -0 e show e3
    [[ "$output" == *$'\nsection: sport\n'* ]]
    run -0 e stats --format=json
    jq -e '.fields == ["author", "section"]' <<<"$output"
    run -2 --separate-stderr e --fields id,editor quokka
    [[ "$stderr" == *'"editor"'*author*section* ]]
    run -2 --separate-stderr e show --fields id,editor e1
    [[ "$stderr" == *'"editor"'* ]]
}

# ------------------------------------------------------------------ sort

@test "--sort=date and -date: ordered by date, undated last, the same documents" {
    byscore=$(fkq --format=ids --all ceasefire | LC_ALL=C sort)
    # ids and dates from the fixture (jq): dated ones ascending, then the
    # undated ones in index order
    dated=$(jq -r 'select(.date != null and ((.title + " " + .body) | test("\\bceasefire\\b"; "i"))) | [.date, .id] | @tsv' "$FX")
    undated=$(jq -r 'select(.date == null and ((.title + " " + .body) | test("\\bceasefire\\b"; "i"))) | .id' "$FX")
    [ -n "$undated" ]
    run -0 fkq --format=tsv --fields id,date --all --sort=date ceasefire
    got=$(printf '%s\n' "${lines[@]:1}")
    [ "$(cut -f1 <<<"$got" | LC_ALL=C sort)" = "$byscore" ]
    # dates never decrease; the undated come last
    [ "$(cut -f2 <<<"$got" | sed '/^$/d')" = "$(cut -f1 <<<"$dated" | LC_ALL=C sort)" ]
    [ "$(awk -F'\t' '$2 == "" { print $1 }' <<<"$got")" = "$undated" ]
    [ "$(tail -n "$(nlines "$undated")" <<<"$got" | cut -f2 | sed '/^$/d')" = "" ]
    run -0 fkq --format=tsv --fields id,date --all --sort=-date ceasefire
    got=$(printf '%s\n' "${lines[@]:1}")
    [ "$(cut -f2 <<<"$got" | sed '/^$/d')" = "$(cut -f1 <<<"$dated" | LC_ALL=C sort -r)" ]
    [ "$(tail -n "$(nlines "$undated")" <<<"$got" | cut -f2 | sed '/^$/d')" = "" ]
    # two documents of 2023-02-10 (f01, f06): ties in index order
    [ "$(grep 2023-02-10 <<<"$got" | cut -f1 | tr '\n' ' ')" = "f01 f06 " ]
    run -2 fkq --sort=left ceasefire
}

# -------------------------------------------------------------- snippets

@test "snippets: several per hit, with highlights at their places in the stored text" {
    run -0 fkq --json --snippets 3 ceasefire
    printf '%s\n' "${lines[@]}" | sed '$d' >"$BATS_TEST_TMPDIR/hits"
    # f05 has ceasefire in three distant places: three snippets
    jq -e 'select(.id == "f05") | (.snippets | length) == 3' "$BATS_TEST_TMPDIR/hits"
    # every highlight is the word, in the fixture's stored text (ASCII
    # documents: jq's character offsets are bytes), inside its snippet's
    # range; snippets do not overlap; "snippet" is the first one's text
    jq -n -e --slurpfile fx "$FX" --slurpfile h "$BATS_TEST_TMPDIR/hits" '
        ($fx | map({(.id): .body}) | add) as $body
        | [$h[] | select(.id != "f06") | . as $hit | $body[$hit.id] as $b
           | ($hit.snippet == $hit.snippets[0].text)
             and ($hit.snippets | length) <= 3
             and all($hit.snippets[]; . as $s
                     | ($s.highlights | length) > 0
                     and all($s.highlights[]; .[0] >= $s.start and .[1] <= $s.end
                             and ($b[.[0]:.[1]] | ascii_downcase) == "ceasefire"))
             and ([$hit.snippets[] | [.start, .end]] | sort
                  | . as $r | all(range(1; $r | length); $r[. - 1][1] <= $r[.][0]))]
        | length == 8 and all'
    # the non-ASCII document: offsets are bytes of the UTF-8 text
    jq -r 'select(.id == "f06") | .snippets[0].highlights[0] | "\(.[0]) \(.[1])"' "$BATS_TEST_TMPDIR/hits" | {
        read -r s e
        [ "$(jq -j 'select(.id == "f06") | .body' "$FX" | tail -c +$((s + 1)) | head -c $((e - s)))" = ceasefire ]
    }
    # defaults: 3 in json, 1 in text
    run -0 fkq --json ceasefire
    jq -e -s 'map(select(.id == "f05")) | .[0].snippets | length == 3' <<<"$output"
    run -0 fkq -n 100 ceasefire
    [ "$(grep -c 'A ceasefire was mentioned here' <<<"$output")" -eq 1 ]
    run -0 fkq -n 100 --snippets 2 ceasefire
    [ "$(grep -c 'A ceasefire was mentioned here' <<<"$output")" -eq 2 ]
    # --no-snippets
    run -0 fkq --json --no-snippets ceasefire
    jq -e -s '.[:-1] | all(.[]; .snippet == null and .snippets == [])' <<<"$output"
}

# ---------------------------------------------------------------- colour

@test "colour: on a terminal unless \$NO_COLOR; --color=always overrides it" {
    command -v script >/dev/null || skip "no script(1) to fake a terminal"
    tty() { script -qec "$*" /dev/null </dev/null; }
    run tty "'$KQ' -d '$IDX' ceasefire"
    [[ "$output" == *$'\e['* ]] || { echo "no colour on a terminal: $output"; return 1; }
    run env NO_COLOR=1 bash -c "script -qec \"'$KQ' -d '$IDX' ceasefire\" /dev/null </dev/null"
    [[ "$output" == *ceasefire* ]]
    [[ "$output" != *$'\e'* ]]
    run env NO_COLOR=1 bash -c "script -qec \"'$KQ' -d '$IDX' --color=auto kwic ceasefire\" /dev/null </dev/null"
    [[ "$output" == *corpus/0000.txt* ]]
    [[ "$output" != *$'\e'* ]]
    # an empty NO_COLOR does not count
    run env NO_COLOR= bash -c "script -qec \"'$KQ' -d '$IDX' ceasefire\" /dev/null </dev/null"
    [[ "$output" == *$'\e['* ]]
    # --color=always wins, even on a pipe
    run env NO_COLOR=1 "$KQ" -d "$IDX" --color=always ceasefire
    [[ "$output" == *$'\e['* ]]
    # never in machine formats
    run env NO_COLOR= "$KQ" -d "$IDX" --color=always --format=tsv ceasefire
    [[ "$output" != *$'\e'* ]]
}

# ------------------------------------------------------------ exit codes

@test "exit codes: 1 without hits in every format, 2 for bad options, 3 without an index" {
    for f in text jsonl json tsv csv trec ids; do
        run -1 kq --format="$f" xyzzyq
    done
    run -1 kq --format=json xyzzyq
    jq -e '.summary.total == 0 and .hits == []' <<<"$output"
    run -2 kq --format=xml oil
    run -2 kq --sort=random oil
    run -2 kq --snippets many oil
    run -2 kq --no-snippets --snippets 2 oil
    run -3 "$KQ" -d "$BATS_TEST_TMPDIR/none" --format=json oil
    run -2 kq --format=json 'oil AND'
}

# ---------------------------------------------------------- reuters slice

@test "reuters slice: counts, hist by month and date order (if the slice is there)" {
    slice="$ROOT/tests/data/reuters/slice.jsonl.gz"
    [ -f "$slice" ] || skip "no $slice"
    "$KQI" -q -d "$BATS_TEST_TMPDIR/r" "$slice"
    r() { "$KQ" -d "$BATS_TEST_TMPDIR/r" "$@"; }
    # (cocoas shares cocoa's stem: the occurrences count both)
    got=$(r hist --format=tsv cocoa | awk -F'\t' 'NR > 1 && $5 > 0 && $1 != "undated" { print $1 "\t" $3 "\t" $4 "\t" $5 }')
    want=$(sh "$ROOT/tests/oracle/hist.sh" -a -t "$slice" 'cocoas?' month)
    [ "$got" = "$want" ]
    # every document of the slice has a date: the count is the months' sum
    [ "$(r count cocoa)" = "$(awk -F'\t' '{ n += $2 } END { print n }' <<<"$want")" ]
    # every month from 1987-02 to 1987-10, May and July-September empty
    [ "$(r hist --format=csv yen | sed 1d | cut -d, -f1 | tr '\n' ' ')" = \
      "1987-02 1987-03 1987-04 1987-05 1987-06 1987-07 1987-08 1987-09 1987-10 " ]
    r --format=tsv --fields date --all --sort=date yen | sed 1d | LC_ALL=C sort -c
}

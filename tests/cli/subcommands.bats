#!/usr/bin/env bats
# The kq subcommands (count, show, hist, kwic, batch, explain, stats,
# terms, parse, help) and the dispatch between them and search.
#
# Besides corpus/ (41 undated articles), a JSON Lines fixture of 81 dated
# documents is generated in setup_file (make_fixture below: a fixed
# pseudo-random generator, so it is the same on every run): dates from
# 2022-11 to 2024-03 in every precision (YYYY-MM-DD, with a time, YYYY-MM,
# YYYY, none), no document in 2023-04, titles and bodies drawn from a
# small vocabulary whose words each have a Snowball stem no other word of
# the fixture shares (ceasefire, truce, quokka, ...), so counting a word
# with grep/jq counts what kq's stemmed search finds.  Every expected
# answer is computed from the fixture or corpus/ files with jq, awk and
# grep, or with the oracles of tests/oracle/ (jq), never with kq.
bats_require_minimum_version 1.5.0
load helpers

FX="$BATS_FILE_TMPDIR/fx.jsonl"
FXT="$BATS_FILE_TMPDIR/fx.tsv"       # id, date, source, title + body
FIDX="$BATS_FILE_TMPDIR/fidx"
ORACLE="$ROOT/tests/oracle"

# The fixture: 80 generated documents (ids d001..d080) and one with a
# tab, newlines, quotes and a backslash (x-csv).
make_fixture() {
    awk 'BEGIN {
        x = 12345
        nv = split("ceasefire truce quokka quartz quill quiver monitor river border harbor embassy wheat cocoa gold yen tariff pipeline summit envoy convoy drought harvest stats count the a of and", V, " ")
        split("wire daily weekly", S, " ")
        for (i = 1; i <= 80; i++) {
            x = (x * 16807) % 2147483647; m0 = x % 17
            if (m0 == 5) m0 = 6                      # nothing in 2023-04
            y = 2022 + int((m0 + 10) / 12); mo = (m0 + 10) % 12 + 1
            x = (x * 16807) % 2147483647; d = x % 28 + 1
            x = (x * 16807) % 2147483647; k = x % 20
            if (k == 0) date = ""
            else if (k == 1) date = sprintf("%04d", y)
            else if (k <= 3) date = sprintf("%04d-%02d", y, mo)
            else if (k == 4) date = sprintf("%04d-%02d-%02dT09:30:00Z", y, mo, d)
            else date = sprintf("%04d-%02d-%02d", y, mo, d)
            x = (x * 16807) % 2147483647; nt = 2 + x % 3
            t = ""
            for (j = 0; j < nt; j++) {
                x = (x * 16807) % 2147483647; w = V[1 + x % nv]
                if (j == 0) w = toupper(substr(w, 1, 1)) substr(w, 2)
                t = t (j ? " " : "") w
            }
            x = (x * 16807) % 2147483647; nb = 10 + x % 21
            b = ""; last = ""
            for (j = 0; j < nb; j++) {
                x = (x * 16807) % 2147483647; w = V[1 + x % nv]
                x = (x * 16807) % 2147483647; p = x % 10
                if (j == 0 || last == ".") w = toupper(substr(w, 1, 1)) substr(w, 2)
                if (p == 0) { sep = ". "; last = "." } else if (p == 1) { sep = ", "; last = "," } else { sep = " "; last = "" }
                b = b w (j < nb - 1 ? sep : ".")
            }
            x = (x * 16807) % 2147483647
            printf "{\"id\":\"d%03d\",\"title\":\"%s\",", i, t
            if (date != "") printf "\"date\":\"%s\",", date
            printf "\"source\":\"%s\",\"body\":\"%s\"}\n", S[1 + x % 3], b
        }
    }' >"$FX"
    printf '%s\n' '{"id":"x-csv","title":"Quokka \"census\", part 2","date":"2023-06-15","source":"daily","body":"Line one\twith a tab\nline two, with \"quotes\" and a backslash \\ here.\nA quokka\r\n"}' >>"$FX"
}

setup_file() {
    index_corpus
    make_fixture
    # One line per document, for grep and awk (jq is slow to start).
    jq -r '[.id, (.date // ""), .source,
            (.title + " " + .body | gsub("[\r\n\t]"; " "))] | @tsv' "$FX" >"$FXT"
    "$KQI" -q -d "$FIDX" "$FX" >/dev/null 2>"$BATS_FILE_TMPDIR/fx.err" || {
        cat "$BATS_FILE_TMPDIR/fx.err" >&2
        return 1
    }
}

setup() {
    cd "$ROOT"
}

fkq() { "$KQ" -d "$FIDX" "$@"; }

# Occurrences of the ERE word $1 (whole words, any case) in the titles and
# bodies of the fixture.
fx_occ() { cut -f4 "$FXT" | grep -oiwE "$1" | wc -l | tr -d ' '; }

# Documents of the fixture whose title or body has a word matching the
# ERE $1 (one line per document: line breaks joined).
fx_docs() { cut -f4 "$FXT" | grep -ciwE "$1"; }

# ------------------------------------------------------------ dispatch, help

@test "dispatch: a command name wins; kq search WORD and kq -- WORD search for it" {
    n=$(sh "$ORACLE/count.sh" "$FX" stats)
    [ "$n" -gt 0 ]
    run -0 fkq search -c stats
    [ "$output" = "$n" ]
    run -0 fkq search --format=ids --all stats
    [ "${#lines[@]}" -eq "$n" ]
    run -0 fkq -- stats
    [[ "${lines[${#lines[@]}-1]}" =~ ^--.*[^0-9]$n\ matching ]]
    # kq stats is the command, not a search
    run -0 fkq stats
    [[ "$output" == *documents* ]]
    # "count" is a command too; kq count count counts the word
    n=$(sh "$ORACLE/count.sh" "$FX" count)
    run -0 fkq count count
    [ "$output" = "$n" ]
    run -0 fkq -c -- count
    [ "$output" = "$n" ]
    # without --, count is the command, which then has no query
    run -2 fkq -c count
}

@test "dispatch: options before and after the command and among the words" {
    run -0 fkq quokka -n 2 --format=ids
    [ "${#lines[@]}" -eq 2 ]
    run -0 fkq --format=ids search -n 3 quokka
    [ "${#lines[@]}" -eq 3 ]
    run -0 "$KQ" kwic -n 1 quokka -d "$FIDX"
    [ "${#lines[@]}" -eq 1 ]
}

@test "dispatch: an option of another command is an error naming it" {
    run -2 --separate-stderr fkq hist --offset 3 quokka
    [[ "$stderr" == *--offset* ]]
    run -2 --separate-stderr fkq stats --by month
    [[ "$stderr" == *--by* ]]
    run -2 --separate-stderr fkq count --snippets 2 quokka
    [[ "$stderr" == *--snippets* ]]
    run -2 --separate-stderr fkq hist --format=trec quokka
    [[ "$stderr" == *trec* ]]
    run -2 fkq kwic --sort=date quokka
}

@test "help: kq help, kq help COMMAND, kq COMMAND --help" {
    run -0 "$KQ" help
    [[ "$output" == *"kq hist"* && "$output" == *"kq kwic"* && "$output" == *"kq batch"* ]]
    for c in search hist kwic; do
        run -0 "$KQ" help "$c"
        [[ "${lines[0]}" == "usage: kq "*"$c"* ]] || [[ "$c" == search && "${lines[0]}" == "usage: kq [search]"* ]]
        a=$output
        run -0 "$KQ" "$c" --help
        [ "$output" = "$a" ]
    done
    run -2 "$KQ" help nosuchcommand
}

# ---------------------------------------------------------------- count

@test "count: equals the jq oracle and grep on the fixture, grep on corpus/" {
    want=$(sh "$ORACLE/count.sh" "$FX" ceasefire)
    run fkq count ceasefire
    [ "$output" = "$want" ] || { echo "kq $output, oracle $want"; return 1; }
    for w in truce harbor 'quokka|quartz'; do
        run fkq count "${w/|/ OR }"
        [ "$output" = "$(fx_docs "$w")" ] || { echo "$w: kq $output, grep $(fx_docs "$w")"; return 1; }
    done
    # corpus: 6 files (grep -liwE 'ceasefires?' corpus/*.txt)
    run -0 kq count ceasefire
    [ "$output" = "$(nlines "$(gfiles 'ceasefires?')")" ]
    run -1 kq count xyzzyq
    [ "$output" = 0 ]
    run -0 kq count --format=json ceasefire
    jq -e '.total == 6 and .query == "ceasefire" and .parsed == "ceasefir"' <<<"$output"
}

# ----------------------------------------------------------------- show

@test "show: --fields text prints exactly the stored text" {
    for id in d001 d017 d080 x-csv; do
        jq -j --arg id "$id" 'select(.id == $id) | .body' "$FX" >"$BATS_TEST_TMPDIR/want"
        fkq show --fields text "$id" >"$BATS_TEST_TMPDIR/got"
        cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
    done
    # x-csv has a tab, newlines, a CR and a backslash: nothing was changed
    [ "$(grep -c $'\t' "$BATS_TEST_TMPDIR/got")" -eq 1 ]
}

@test "show and search: at most 64 --fields (64 shown, 65 refused)" {
    local f64 f65
    f64=$(printf 'id,%.0s' $(seq 64)); f64=${f64%,}
    f65="$f64,id"
    run -0 fkq show --format=jsonl --fields "$f64" d001
    [ "$(jq -r .id <<<"$output")" = d001 ]
    run -2 --separate-stderr fkq show --fields "$f65" d001
    [ "$stderr" = "kq show: at most 64 --fields" ]
    run -0 fkq --format=tsv --fields "$f64" -n 1 quokka
    [ "$(head -1 <<<"$output" | awk -F'\t' '{print NF}')" -eq 64 ]
    run -2 --separate-stderr fkq --format=tsv --fields "$f65" -n 1 quokka
    [ "$stderr" = "kq: at most 64 --fields" ]
}

@test "show: metadata lines, then a blank line, then the text" {
    run -0 fkq show x-csv
    [ "${lines[0]}" = "id: x-csv" ]
    [ "${lines[1]}" = 'title: Quokka "census", part 2' ]
    [ "${lines[2]}" = "date: 2023-06-15" ]
    [ "${lines[3]}" = "source: daily" ]
    [[ "${lines[4]}" =~ ^len:\ [0-9]+$ ]]
    # bats drops empty lines from ${lines[@]}: the text follows
    [[ "${lines[5]}" == "Line one"* ]]
    [[ "$output" == *$'\n\nLine one\twith a tab\n'* ]]
}

@test "show: json and jsonl carry the same text; an unknown id exits 1, the others shown" {
    want=$(jq -c --arg id d042 'select(.id == $id) | [.id, .title, .date, .source, .body]' "$FX")
    run -0 fkq show --format=json d042
    [ "$(jq -c '.[0] | [.id, .title, .date, .source, .text]' <<<"$output")" = "$want" ]
    run -0 fkq show --format=jsonl d042 x-csv
    [ "${#lines[@]}" -eq 2 ]
    [ "$(jq -r .text <<<"${lines[1]}")" = "$(jq -r 'select(.id == "x-csv") | .body' "$FX")" ]
    run -1 --separate-stderr fkq show --format=jsonl d001 nosuch d002
    [ "${#lines[@]}" -eq 2 ]
    [[ "$stderr" == *'"nosuch"'* ]]
    # ids from standard input
    run -0 bash -c "printf 'd003\nd004\n' | \"$KQ\" -d \"$FIDX\" show --format=jsonl -"
    [ "$(jq -r .id <<<"$output" | tr '\n' ' ')" = "d003 d004 " ]
}

# ----------------------------------------------------------------- hist

# kq hist --format=tsv WORD BY: "bucket docs occurrences total" lines.
hist_tsv() {
    fkq hist --format=tsv --by "$2" "$1" | awk -F'\t' 'NR > 1 { print $1 "\t" $3 "\t" $4 "\t" $5 }'
}

@test "hist: per month, week, day and year the counts equal the jq oracle" {
    for by in month week day year; do
        got=$(hist_tsv ceasefire "$by" | awk -F'\t' '$1 != "undated" && $4 > 0')
        want=$(sh "$ORACLE/hist.sh" -a -t "$FX" ceasefire "$by")
        [ -n "$want" ]
        [ "$got" = "$want" ] || { echo "by $by"; diff <(echo "$want") <(echo "$got"); return 1; }
    done
}

@test "hist: every month from the first to the last date, empty ones with 0; undated line" {
    got=$(hist_tsv truce month)
    # months of the dated documents (at least YYYY-MM), first to last
    first=$(cut -f2 "$FXT" | grep -E '^[0-9]{4}-[0-9]{2}' | cut -c1-7 | sort | head -n 1)
    last=$(cut -f2 "$FXT" | grep -E '^[0-9]{4}-[0-9]{2}' | cut -c1-7 | sort | tail -n 1)
    [ "$first" = 2022-11 ] && [ "$last" = 2024-03 ]
    want=$(awk -v f="$first" -v l="$last" 'BEGIN {
        y = substr(f, 1, 4) + 0; m = substr(f, 6, 2) + 0
        while (sprintf("%04d-%02d", y, m) <= l) { printf "%04d-%02d\n", y, m; if (++m > 12) { m = 1; y++ } }
        print "undated" }')
    [ "$(cut -f1 <<<"$got")" = "$want" ]
    # 2023-04 has no document: 0 0 0
    [ "$(grep '^2023-04' <<<"$got")" = $'2023-04\t0\t0\t0' ]
    # undated: no date, or only a year
    nu=$(cut -f2 "$FXT" | grep -cvE '^[0-9]{4}-[0-9]{2}')
    [ "$nu" -gt 0 ]
    [ "$(grep '^undated' <<<"$got" | cut -f4)" = "$nu" ]
    # and its matches: undated documents containing truce
    nd=$(awk -F'\t' '$2 !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]/ { print $4 }' "$FXT" | grep -ciwE truce)
    [ "$(grep '^undated' <<<"$got" | cut -f2)" = "$nd" ]
    # the totals add up to all documents
    [ "$(awk -F'\t' '{ s += $4 } END { print s }' <<<"$got")" -eq "$(wc -l <"$FX")" ]
}

@test "hist: --normalize rates are docs and occurrences per 1,000 documents" {
    run -0 fkq hist --normalize --format=tsv quokka
    [ "${lines[0]}" = $'bucket\tquery\tdocs\toccurrences\ttotal\tdocs_per_1000\toccurrences_per_1000' ]
    printf '%s\n' "${lines[@]:1}" | awk -F'\t' '
        $5 == 0 { if ($6 != "" || $7 != "") bad = 1; next }
        { r = $3 * 1000 / $5; s = $4 * 1000 / $5
          if ((r - $6) ^ 2 > 1e-12 * (1 + r * r) || (s - $7) ^ 2 > 1e-12 * (1 + s * s)) bad = 1; n++ }
        END { exit bad || n < 5 }'
    # json: the same numbers
    run -0 fkq hist --normalize --format=json quokka
    jq -e '.rows | map(select(.total > 0)) | all(.[]; ((.docs * 1000 / .total) - .docs_per_1000 | fabs) < 1e-6)' <<<"$output"
    jq -e '.summary.by == "month" and (.summary.queries[0].query == "quokka")' <<<"$output"
}

@test "hist: --from/--to list exactly those periods, without undated" {
    got=$(fkq hist --format=tsv --from 2023-02 --to 2023-06 cocoa | awk -F'\t' 'NR > 1 { print $1 "\t" $3 "\t" $4 "\t" $5 }')
    [ "$(cut -f1 <<<"$got" | tr '\n' ' ')" = "2023-02 2023-03 2023-04 2023-05 2023-06 " ]
    want=$(sh "$ORACLE/hist.sh" -a -t "$FX" cocoa month | awk '$1 >= "2023-02" && $1 <= "2023-06"')
    [ "$(awk -F'\t' '$4 > 0' <<<"$got")" = "$want" ]
    run -2 fkq hist --from 2023-13 cocoa
    run -2 fkq hist --from 2024 --to 2023 cocoa
}

@test "hist: text: a line per period and query; bars with --width" {
    export LC_ALL=C.UTF-8
    run -0 fkq hist --width 70 ceasefire truce
    [[ "${lines[0]}" == month*query*docs*occurrences*total ]]
    [ "$(grep -c '^2023-06 ' <<<"$output")" -eq 1 ]
    [ "$(grep -cE '^ +truce ' <<<"$output")" -eq 18 ]    # 17 months + undated
    # one query: bars only on months with documents, the longest on the
    # largest count, no line wider than 70 columns
    run -0 fkq hist --width 70 quokka
    max=$(printf '%s\n' "${lines[@]:1}" | awk '$1 != "undated" && $2 > m { m = $2 } END { print m }')
    longest=0
    for l in "${lines[@]:1}"; do
        [ "${#l}" -le 70 ] || { echo "too wide: $l"; return 1; }
        bar=${l##* }
        [[ "$bar" =~ ^[█▉▊▋▌▍▎▏]+$ ]] || bar=
        set -- $l
        if [ "$2" = 0 ] || [ "$1" = undated ]; then
            [ -z "$bar" ] || { echo "bar on an empty period: $l"; return 1; }
        else
            [ -n "$bar" ] || { echo "no bar: $l"; return 1; }
        fi
        if [ "${#bar}" -gt "$longest" ]; then longest=${#bar}; lmax=$2; fi
    done
    [ "$longest" -gt 20 ]
    [ "$lmax" = "$max" ]
    # not on a pipe without --width
    run -0 fkq hist quokka
    [[ "$output" != *█* ]]
}

@test "hist: --plot writes well-formed SVG with a line per query, broken where a month has no documents" {
    svg="$BATS_TEST_TMPDIR/h.svg"
    run -0 fkq hist --by month ceasefire truce quokka --plot "$svg"
    [ -s "$svg" ]
    if command -v xmllint >/dev/null; then
        xmllint --noout "$svg"
    else
        python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$svg"
    fi
    # a group of points per query, a point per month with documents (of the
    # 17, 2022-11 .. 2024-03); the lines join the months in between
    local nMonth
    nMonth=$(fkq hist --by month --format=csv ceasefire truce quokka |
             awk -F, '$1 ~ /^[0-9]/ && $5 > 0 { print $1 }' | sort -u | wc -l)
    [ "$nMonth" -ge 10 ]
    [ "$(grep -o '<circle' "$svg" | wc -l)" -eq $((3 * nMonth)) ]
    [ "$(grep -o 'points="[^"]*"' "$svg" | awk '{ n += NF } END { print n }')" -le $((3 * nMonth)) ]
    # the legend names the queries; the axes are labelled
    for w in ceasefire truce quokka 'matching documents' month 2023-06; do
        grep -q ">$w<\|>$w " "$svg" || { echo "missing $w"; return 1; }
    done
    run -2 fkq hist --plot "$BATS_TEST_TMPDIR/no/such/dir.svg" quokka
}

@test "hist: needs a query; syntax errors name the query" {
    run -2 fkq hist
    run -2 --separate-stderr fkq hist quokka 'truce AND'
    [[ "$stderr" == *"query 2"*"syntax error at column 10"* ]]
}

# ----------------------------------------------------------------- kwic

@test "kwic: one line per match of a word in title and text (grep -o -i -w)" {
    for w in ceasefire quokka harbor; do
        run -0 fkq kwic --width 100 "$w"
        [ "${#lines[@]}" -eq "$(fx_occ "$w")" ] || { echo "$w: ${#lines[@]} lines, grep $(fx_occ "$w")"; return 1; }
    done
    # corpus/: ceasefire and ceasefires (the same stem)
    n=$(cat corpus/*.txt | grep -oiwE 'ceasefires?' | wc -l)
    run -0 kq kwic ceasefire
    [ "${#lines[@]}" -eq "$n" ]
    # each line starts with the id of a document containing the word
    for l in "${lines[@]}"; do
        f=${l%% *}
        grep -qiwE 'ceasefires?' "$f"
    done
}

@test "kwic: the keyword starts at the same column on every line, within --width" {
    for width in 60 80 123; do
        out=$(fkq kwic --width "$width" quokka)
        # columns where a line has "quokka": the intersection over all lines
        cols=$(awk '{ l = tolower($0); s = ""; for (i = 1; i <= length(l) - 5; i++) if (substr(l, i, 6) == "quokka") s = s " " i; print s }' <<<"$out" |
               awk '{ for (i = 1; i <= NF; i++) c[$i]++ } END { for (k in c) if (c[k] == NR) print k }')
        [ -n "$cols" ] || { echo "width $width: no common keyword column"; echo "$out"; return 1; }
        while IFS= read -r l; do
            [ "${#l}" -le "$width" ] || { echo "longer than $width: $l"; return 1; }
        done <<<"$out"
    done
}

@test "kwic: --sort=left and right order by the neighbouring words; -n limits" {
    run -0 fkq kwic --format=tsv --sort=right cocoa
    [ "${lines[0]}" = $'id\tfield\tstart\tend\tleft\tmatch\tright' ]
    [ "${#lines[@]}" -eq $(($(fx_occ cocoa) + 1)) ]
    # the first word after the keyword, lower-cased, never decreases
    printf '%s\n' "${lines[@]:1}" | awk -F'\t' '{ w = tolower($7); gsub(/[^a-z0-9 ]/, " ", w); split(w, a, " "); print a[1] }' |
        LC_ALL=C sort -c
    run -0 fkq kwic --format=tsv --sort=left cocoa
    printf '%s\n' "${lines[@]:1}" | awk -F'\t' '{ w = tolower($5); gsub(/[^a-z0-9 ]/, " ", w); n = split(w, a, " "); print a[n] }' |
        LC_ALL=C sort -c
    run -0 fkq kwic -n 3 cocoa
    [ "${#lines[@]}" -eq 3 ]
}

@test "kwic: tsv offsets point at the word in the title or text" {
    run -0 fkq kwic --format=tsv quokka
    printf '%s\n' "${lines[@]:1}" >"$BATS_TEST_TMPDIR/k.tsv"
    # (the fixture is ASCII: jq's character offsets are byte offsets)
    jq -r --rawfile k "$BATS_TEST_TMPDIR/k.tsv" '
        . as $d
        | ($k | split("\n") | map(select(. != "") | split("\t"))) as $rows
        | $rows[] | select(.[0] == $d.id)
        | (if .[1] == "title" then $d.title else $d.body end)[(.[2] | tonumber):(.[3] | tonumber)]
          + " " + .[5]' "$FX" | awk '{ if (tolower($1) != "quokka" || $1 != $2) bad = 1; n++ } END { exit bad || n == 0 }'
    [ "$(awk -F'\t' '$2 == "title"' "$BATS_TEST_TMPDIR/k.tsv" | wc -l)" -eq "$(jq -r .title "$FX" | grep -oiw quokka | wc -l)" ]
    [ "$(awk -F'\t' '$2 == "body"' "$BATS_TEST_TMPDIR/k.tsv" | wc -l)" -eq "$(jq -r .body "$FX" | grep -oiw quokka | wc -l)" ]
}

# ---------------------------------------------------------------- batch

@test "batch: a TREC run: six fields, ranks 1..n, scores non-increasing" {
    q="$BATS_TEST_TMPDIR/q.txt"
    printf '# topics\n\n101\tceasefire OR truce\n102\tquokka\ncocoa harbor\n  # indented comment\n104\t"quill river"\n' >"$q"
    run -0 fkq batch -n 5 --run-tag myrun "$q"
    printf '%s\n' "${lines[@]}" | awk '
        NF != 6 || $2 != "Q0" || $6 != "myrun" { print "bad line: " $0; exit 1 }
        $1 != q { q = $1; r = 0; s = "" }
        { if ($4 != ++r) { print "rank " $4 " want " r; exit 1 }
          if (s != "" && $5 > s) { print "score up: " $0; exit 1 }
          s = $5 }'
    # the qids: given, or the query's number in the file (cocoa harbor: 3)
    [ "$(printf '%s\n' "${lines[@]}" | cut -d' ' -f1 | uniq | tr '\n' ' ')" = "101 102 3 104 " ]
    # at most -n per query, and as many as the query matches
    for id in 101 102; do
        n=$(printf '%s\n' "${lines[@]}" | awk -v q=$id '$1 == q' | wc -l)
        [ "$n" -eq 5 ]
    done
    # the run equals kq search --format=trec for each query
    [ "$(printf '%s\n' "${lines[@]}" | awk '$1 == 102' | cut -d' ' -f3,4)" = \
      "$(fkq --format=trec -n 5 quokka | cut -d' ' -f3,4)" ]
    # default: 1000 hits per query, so all of quokka's
    run -0 fkq batch "$q"
    [ "$(printf '%s\n' "${lines[@]}" | awk '$1 == 102' | wc -l)" -eq "$(sh "$ORACLE/count.sh" "$FX" quokka)" ]
}

@test "batch: --counts table equals kq count; a syntax error is reported with its line and keeps its row, the rest run, exit 2" {
    q="$BATS_TEST_TMPDIR/q.txt"
    printf 'a1\tceasefire\na2\ttruce AND\na3\tquokka OR quartz\n\nharbor\n' >"$q"
    run -2 --separate-stderr fkq batch --counts "$q"
    echo "$stderr"
    [[ "$stderr" == *"$q:2: syntax error at column 10"* ]]
    [ "${lines[0]}" = $'qid\tcount\tquery\terror' ]
    [ "${#lines[@]}" -eq 5 ]
    for l in "${lines[@]:1}"; do
        IFS=$'\t' read -r id n query err <<<"$l"
        [ "$id" = a2 ] && continue
        [ -z "$err" ] || { echo "$id: $err"; return 1; }
        [ "$n" = "$(fkq count "$query")" ] || { echo "$id: $n"; return 1; }
    done
    [ "$(cut -f1 <<<"$(printf '%s\n' "${lines[@]:1}")" | tr '\n' ' ')" = "a1 a2 a3 4 " ]
    # the failed query's row: no count, the query, the reason
    [ "${lines[2]}" = $'a2\t\ttruce AND\tsyntax error at column 10: expected a term at the end of the query' ]
    run -2 fkq batch --counts --format=jsonl "$q"
    [[ "$output" == *'{"type":"query","qid":"a2","count":null,"query":"truce AND","error":"syntax error at column 10: expected a term at the end of the query"}'* ]]
    [[ "$output" == *'{"type":"query","qid":"a1","count":'*',"query":"ceasefire","error":null}'* ]]
    run -0 fkq count quokka OR quartz
    want=$(fx_docs 'quokka|quartz')
    [ "$output" = "$want" ]
    run -2 fkq batch "$BATS_TEST_TMPDIR/nonexistent"
    run -0 bash -c "printf 'quokka\n' | \"$KQ\" -d \"$FIDX\" batch --format=csv -"
    [ "${lines[1]}" = "1,$(sh "$ORACLE/count.sh" "$FX" quokka),quokka," ]
}

# -------------------------------------------------------------- explain

@test "explain: the parts add up to the search score" {
    q='ceasefire OR truce OR quokka'
    declare -A df
    for w in ceasefire truce quokka; do df[$w]=$(fx_docs "$w"); done
    fkq --format=jsonl -n 2 "$q" | jq -r 'select(.type == "hit") | "\(.id) \(.score)"' >"$BATS_TEST_TMPDIR/top"
    [ "$(wc -l <"$BATS_TEST_TMPDIR/top")" -eq 2 ]
    while read -r id s; do
        run -0 fkq explain --format=json "$q" "$id"
        # the parts add up to the score, which is the search's; then one
        # "term tf df" line per word
        got=$(jq -r --argjson s "$s" '
            if .match and (((.terms | map(.score) | add) - .score) | fabs) < 1e-9 * (1 + .score)
               and ((.score - $s) | fabs) < 1e-6 * (1 + $s) and (.terms | length) == 3
               and all(.terms[]; .df > 0 and .idf > 0)
            then .terms[] | "\(.term[0:5]) \(.tf) \(.df)" else error("bad: \(.)") end' <<<"$output" | sort)
        # tf: the occurrences of each word in the document; df: documents
        text=$(awk -F'\t' -v id="$id" '$1 == id { print $4 }' "$FXT")
        want=$(for w in ceasefire quokka truce; do
                   echo "${w:0:5} $(grep -oiw "$w" <<<"$text" | wc -l) ${df[$w]}"
               done)
        [ "$got" = "$want" ] || { echo "$id"; diff <(echo "$want") <(echo "$got"); return 1; }
    done <"$BATS_TEST_TMPDIR/top"
    run -0 fkq explain "$q" "$(head -n 1 "$BATS_TEST_TMPDIR/top" | cut -d' ' -f1)"
    [[ "$output" == *"total score"* ]]
}

@test "explain: the document's matches are its kwic lines" {
    for q in 'ceasefire OR truce' '"the a" OR "of the"' 'ceasefire NEAR/20 truce'; do
        id=$(fkq --format=ids -n 1 -- "$q")
        [ -n "$id" ]
        got=$(fkq explain --format=json -- "$q" "$id" | jq -r '.matches[] | "\(.field) \(.start) \(.end) \(.text)"')
        want=$(fkq kwic --all --format=jsonl -- "$q" | jq -r --arg id "$id" 'select(.type == "kwic" and .id == $id) | "\(.field) \(.start) \(.end) \(.match)"')
        [ -n "$got" ] && [ "$got" = "$want" ] || { echo "$q $id"; diff <(echo "$want") <(echo "$got"); return 1; }
        run -0 fkq explain -- "$q" "$id"
        [[ "$output" == *"matches   $(echo "$got" | wc -l) "* ]]
    done
}

@test "explain: a document that does not match, an unknown id" {
    id=$(grep -viwE quokka "$FXT" | head -n 1 | cut -f1)
    run -1 fkq explain quokka "$id"
    [[ "$output" == *"does not match"* ]]
    run -1 --separate-stderr fkq explain quokka no-such-id
    [[ "$stderr" == *no-such-id* ]]
    run -2 fkq explain quokka
}

# ---------------------------------------------------------- stats, terms

@test "stats: documents, date range, undated, segments" {
    run -0 fkq stats --format=json
    n=$(wc -l <"$FX")
    lo=$(cut -f2 "$FXT" | grep -oE '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?' | LC_ALL=C sort | head -n 1)
    hi=$(cut -f2 "$FXT" | grep -oE '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?' | LC_ALL=C sort | tail -n 1)
    nu=$(awk -F'\t' '$2 == ""' "$FXT" | wc -l)
    jq -e --argjson n "$n" --arg lo "$lo" --arg hi "$hi" --argjson nu "$nu" '
        .documents == $n and .date_min == $lo and .date_max == $hi
        and .undated == $nu and .dated == $n - $nu and .language == "english"
        and (.segments | length) == 1 and .segments[0].documents == $n
        and .size > 0 and .generation >= 1' <<<"$output"
    run -0 kq stats
    [[ "$output" == *"documents   41"* ]]
    [[ "$output" == *"dates       none (41 undated)"* ]]
}

@test "terms: the words with a prefix, and their document counts (grep)" {
    # "WORD<TAB>WORD<TAB>DF" for the words of the fixture with prefix $1
    # (qui, harb: words that are their own stems)
    words() {
        cut -f4 "$FXT" | tr 'A-Z' 'a-z' | awk -v p="$1" '{
            split("", seen); n = split($0, w, /[^a-z0-9]+/)
            for (i = 1; i <= n; i++)
                if (index(w[i], p) == 1 && !(w[i] in seen)) { seen[w[i]] = 1; df[w[i]]++ }
        } END { for (k in df) print k "\t" k "\t" df[k] }' | LC_ALL=C sort
    }
    [ "$(words qu | cut -f1 | tr '\n' ' ')" = "quartz quill quiver quokka quotes " ]
    for p in qui harb; do
        run -0 fkq terms --format=tsv "$p"
        [ "${lines[0]}" = $'word\tstem\tdf' ]
        got=$(printf '%s\n' "${lines[@]:1}")
        [ "$got" = "$(words "$p")" ] || { echo "$p"; diff <(words "$p") <(echo "$got"); return 1; }
    done
    # a word whose stem differs: quotes -> quot
    run -0 fkq terms --format=tsv quote
    [ "${lines[1]}" = $'quotes\tquot\t1' ]
    # case and accents folded; a trailing * allowed
    run -0 fkq terms --format=tsv 'QUÏ*'
    [ "$(printf '%s\n' "${lines[@]:1}" | cut -f1 | tr '\n' ' ')" = "quill quiver " ]
    run -1 fkq terms zzzz
}

@test "terms: a stem that is no word of the text is not listed as a word" {
    # "quotes" stems to "quot", "ceasefire" to "ceasefir": neither stem
    # occurs as a word
    run -0 fkq terms --format=tsv quot
    [ "$(printf '%s\n' "${lines[@]:1}" | cut -f1 | tr '\n' ' ')" = "quotes " ]
    run -0 fkq terms --format=tsv ceasefir
    [ "$(printf '%s\n' "${lines[@]:1}" | cut -f1 | tr '\n' ' ')" = "ceasefire " ]
}

@test "terms: --sort=df, -n" {
    run -0 fkq terms --format=tsv --sort=df
    printf '%s\n' "${lines[@]:1}" | awk -F'\t' 'NR > 1 && $3 > prev { exit 1 } { prev = $3 }'
    run -0 fkq terms --format=tsv --sort=df -n 4
    [ "${#lines[@]}" -eq 5 ]
    run -0 fkq terms -n 2 qu
    [ "${#lines[@]}" -eq 3 ]
}

# ---------------------------------------------------------------- parse

@test "parse: the tree with stems; warnings also on stderr; works without an index" {
    run -0 --separate-stderr fkq parse 'Ceasefires AND truce'
    [[ "$output" == *ceasefir* && "$output" == *truce* ]]
    run -0 --separate-stderr fkq parse 'quokka OR quartz AND quill'
    [[ "$stderr" == *warning* ]]
    [[ "$output" == *warning* ]]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/none" parse 'peacekeepers'
    [[ "$output" == *peacekeep* ]]
    run -2 fkq parse 'quokka AND'
}

# --------------------------------------------------------------- xapian

@test "xapian: kwic, count and hist work on a Xapian database as on kq's own index" {
    "$KQI" -q --backend=xapian -d "$BATS_TEST_TMPDIR/x" "$FX"
    [ "$("$KQ" -d "$BATS_TEST_TMPDIR/x" kwic quokka)" = "$(fkq kwic quokka)" ]
    [ "$("$KQ" -d "$BATS_TEST_TMPDIR/x" count quokka)" = "$(fkq count quokka)" ]
    [ "$("$KQ" -d "$BATS_TEST_TMPDIR/x" hist --format=tsv quokka)" = "$(fkq hist --format=tsv quokka)" ]
}

@test "kq check verifies the index like kq --check; an operand is a usage error; kq -- check searches the word" {
    run -0 kq check
    [[ "$output" == "ok: $IDX: "*" documents, "*" segment(s), generation "* ]]
    local want="$output"
    run -0 kq --check
    [ "$output" = "$want" ]
    run -2 kq check corpus
    [[ "$output" == *"kq check: takes no operand"* ]]
    run -1 kq -c -- check
    [ "$output" = 0 ]
    run -0 "$KQ" help check
    [[ "$output" == *"usage: kq check"* ]]
    # a damaged file: exit 4 naming it
    local d="$BATS_TEST_TMPDIR/dmg"
    cp -r "$IDX" "$d"
    local f; f=$(ls "$d"/*.post | head -1)
    printf 'XXXX' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null
    run -4 "$KQ" -d "$d" check
    [[ "$output" == *"$(basename "$f")"* ]]
}

@test "a mistyped command: a search that finds nothing says which command it may have meant" {
    run -1 --separate-stderr kq serach oil
    [[ "$stderr" == *'did you mean the command "kq search"? ("serach" was searched for as a word)'* ]]
    run -1 --separate-stderr kq -c shwo
    [[ "$stderr" == *'"kq show"'* ]]
    # no hint: a short word, after --, a named command, or hits
    run -1 --separate-stderr kq sow zzzqqq
    [ -z "$stderr" ]
    run -1 --separate-stderr kq -- serach oil
    [ -z "$stderr" ]
    run -1 --separate-stderr kq search serach
    [ -z "$stderr" ]
    run -0 --separate-stderr kq stat OR ceasefire
    [ -z "$stderr" ]
}

@test "len is the document's tokens, title and body (kq show, --fields len); explain shows the BM25F length" {
    local d="$BATS_TEST_TMPDIR"
    printf '%s\n' \
        '{"id":"t","title":"Alpha beta","body":"gamma alpha"}' \
        '{"id":"b","title":"Delta, the U.S. and peace-keepers","body":"alpha gamma gamma"}' \
        '{"id":"n","body":"alpha one two three"}' >"$d/docs.jsonl"
    "$KQI" -q -d "$d/idx" "$d/docs.jsonl"
    # the oracle: runs of letters and digits in title and body
    declare -A want
    while IFS=$'\t' read -r id n; do want[$id]=$n; done < <(
        jq -r '[.id, ([(.title // ""), .body] | join(" ") | [scan("[A-Za-z0-9]+")] | length)] | @tsv' "$d/docs.jsonl")
    for id in t b n; do
        run -0 "$KQ" -d "$d/idx" show --format=json "$id"
        [ "$(jq -r '.[0].len' <<<"$output")" = "${want[$id]}" ] || { echo "$id: $output, want ${want[$id]}"; return 1; }
        run -0 "$KQ" -d "$d/idx" --fields id,len --format=tsv "id:$id"
        [ "${lines[1]}" = "$id	${want[$id]}" ]
    done
    # explain: the ranking length, title tokens counting 3 times
    run -0 "$KQ" -d "$d/idx" explain --format=json alpha t
    [ "$(jq -r '.len' <<<"$output")" = 8 ]
}

@test "hist --plot: a period without documents is a gap in the line, not a zero (counts and rates)" {
    local d="$BATS_TEST_TMPDIR"
    printf '%s\n' \
        '{"id":"1","date":"2020-01-05","body":"opec oil"}' \
        '{"id":"2","date":"2020-02-05","body":"opec"}' \
        '{"id":"3","date":"2020-02-06","body":"gas"}' \
        '{"id":"4","date":"2020-04-05","body":"opec"}' \
        '{"id":"5","date":"2020-06-05","body":"oil"}' \
        '{"id":"6","date":"2020-07-05","body":"opec"}' >"$d/g.jsonl"
    "$KQI" -q -d "$d/g" "$d/g.jsonl"
    for norm in "" --normalize; do
        run -0 "$KQ" -d "$d/g" hist --by month $norm opec --plot "$d/g.svg"
        python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$d/g.svg"
        # months 2020-01 .. 2020-07; no documents in 03 and 05: the line
        # breaks there, so runs 01-02 and 06-07 are lines and 04 a lone point
        [ "$(grep -o '<polyline' "$d/g.svg" | wc -l)" -eq 2 ]
        [ "$(grep -o 'points="[^"]*"' "$d/g.svg" | awk '{ print NF }' | tr '\n' ' ')" = "2 2 " ]
        [ "$(grep -o '<circle' "$d/g.svg" | wc -l)" -eq 5 ]
    done
    # the table says the same: no rate where there is no document
    run -0 "$KQ" -d "$d/g" hist --by month --normalize --format=csv opec
    [[ "$output" == *$'\n'"2020-03,opec,0,0,0,,"$'\n'* ]]
}

@test "hist --queries FILE: labelled series (LABEL<TAB>QUERY or QUERY lines), the same counts as the queries given as arguments" {
    local q="$BATS_TEST_TMPDIR/hq.tsv"
    printf 'cf\tceasefire OR truce\n# a comment\n\nquokka\nhar\tharbor*\n' >"$q"
    run -0 fkq hist --by month --format=csv --queries "$q"
    [ "${lines[0]}" = "bucket,label,docs,occurrences,total" ]
    local got want
    got=$(printf '%s\n' "${lines[@]:1}" | awk -F, '{ print $1 "," $3 "," $4 "," $5 }')
    want=$(fkq hist --by month --format=csv 'ceasefire OR truce' quokka 'harbor*' |
           awk -F, 'NR > 1 { print $1 "," $3 "," $4 "," $5 }')
    [ "$got" = "$want" ]
    [ "$(printf '%s\n' "${lines[@]:1}" | cut -d, -f2 | sort -u | tr '\n' ' ')" = "cf har quokka " ]
    run -0 fkq hist --by month --format=json --queries "$q"
    [ "$(jq -c '[.summary.queries[] | [.label, .query]]' <<<"$output")" = '[["cf","ceasefire OR truce"],["quokka","quokka"],["har","harbor*"]]' ]
    run -0 fkq hist --by month --queries "$q" --plot "$BATS_TEST_TMPDIR/hq.svg"
    [[ "${lines[0]}" == "month"*"label"*"docs"* ]]
    for w in cf quokka har; do
        grep -q ">$w</text>" "$BATS_TEST_TMPDIR/hq.svg" || { echo "legend: no $w"; return 1; }
    done
    # stdin; errors
    run -0 bash -c "printf 'x\tquokka\n' | \"$KQ\" -d \"$FIDX\" hist --format=csv --queries -"
    [[ "${lines[1]}" == *",x,"* ]]
    run -2 fkq hist --queries "$q" quokka
    [[ "$output" == *"not both"* ]]
    run -2 fkq hist --queries "$BATS_TEST_TMPDIR/nonexistent"
    printf '# nothing\n' >"$BATS_TEST_TMPDIR/empty"
    run -2 fkq hist --queries "$BATS_TEST_TMPDIR/empty"
    [[ "$output" == *"holds no query"* ]]
}

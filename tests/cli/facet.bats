#!/usr/bin/env bats
# kq facet FIELD [QUERY] and kq hist --split FIELD: the documents, the
# occurrences and the totals per value equal an independent count,
# tests/oracle/facet.py (Python over the JSON Lines, with matches.py's
# tokens, notation and counting rules, not kq's code), on the Reuters
# slice (source and date:UNIT) and on tests/data/facet/sections.jsonl (an
# extra field, "section", missing or empty in some documents; dates of
# every precision, none in some; ISO weeks across a year's end).
#
# The oracle does not stem: each word is written there as the forms of its
# stem class in the data (as matches.bats does, whose slots these are).

bats_require_minimum_version 1.5.0
load helpers

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
SECT="$ROOT/tests/data/facet/sections.jsonl"
RIDX="$BATS_FILE_TMPDIR/r"
SIDX="$BATS_FILE_TMPDIR/s"
ORACLE="$ROOT/tests/oracle/facet.py"
CRUDE='crude|crudes'
OIL='oil|oils'

setup_file() {
    "$KQI" -q -d "$RIDX" "$SLICE" >/dev/null 2>"$BATS_FILE_TMPDIR/r.err" &&
        "$KQI" -q -d "$SIDX" --field section "$SECT" >/dev/null \
            2>>"$BATS_FILE_TMPDIR/r.err" || {
        cat "$BATS_FILE_TMPDIR/r.err" >&2
        return 1
    }
}

setup() {
    cd "$ROOT"
}

# The columns NAMES (comma-separated) of a TSV with a header, by name.
cols() {
    awk -F'\t' -v want="$1" '
        NR == 1 { n = split(want, w, ","); for (i = 1; i <= NF; i++) at[$i] = i
                  for (j = 1; j <= n; j++) if (!(w[j] in at)) { print "no column " w[j] > "/dev/stderr"; exit 2 }
                  next }
        { line = $(at[w[1]]); for (j = 2; j <= n; j++) line = line "\t" $(at[w[j]]); print line }'
}

# The oracle's VALUE DOCS OCCURRENCES TOTAL of the values with a matching
# document, sorted (FILE FIELD ORACLE_QUERY).
want_rows() {
    python3 "$ORACLE" "$1" "$2" "$3" |
        awk -F'\t' -v OFS='\t' '$3 > 0 { print $1, $3, $4, $2 }' | LC_ALL=C sort
}

# check INDEX FILE FIELD KQ_QUERY ORACLE_QUERY: every row of kq facet
# (tsv, all values) equals the oracle's, and docs_per_1000 is docs * 1000
# / total.
check() {
    local idx=$1 file=$2 field=$3 q=$4 oq=$5 want got
    want=$(want_rows "$file" "$field" "$oq")
    [ -n "$want" ] || { echo "the oracle finds nothing for $oq" >&2; return 1; }
    run --separate-stderr "$KQ" -d "$idx" facet --top 0 --format=tsv "$field" -- $q
    no_crash || return 1
    [ "$status" -eq 0 ] || { echo "kq facet $field '$q': status $status: $stderr" >&2; return 1; }
    got=$(printf '%s\n' "$output" | cols value,docs,occurrences,total | LC_ALL=C sort)
    if [ "$got" != "$want" ]; then
        echo "kq facet $field '$q' (value, docs, occurrences, total) differs from the oracle's $oq:" >&2
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/  /' >&2
        return 1
    fi
    printf '%s\n' "$output" | cols docs,total,docs_per_1000 | awk -F'\t' '
        { d = $1 * 1000 / $2 - $3; if (d < -1e-6 || d > 1e-6) { print "rate " $0 > "/dev/stderr"; bad = 1 } }
        END { exit bad }'
}

# ------------------------------------------------------------- the oracle

@test "facet oracle: answers known by construction" {
    f="$BATS_TEST_TMPDIR/k.jsonl"
    {
        echo '{"id":"a","date":"1987-12-31","source":"s1","body":"Oil oil. crude oil","k":"x"}'
        echo '{"id":"b","date":"1988-01-01","source":"s1","body":"oils","k":""}'
        echo '{"id":"c","date":"2021-01-03T10:00","source":"s2","body":"crude oil crude oil"}'
        echo '{"id":"d","date":"1987-06","source":"s2","body":"gas","k":"x"}'
        echo '{"id":"e","source":"s3","body":"oil"}'
    } >"$f"
    o() { python3 "$ORACLE" "$@"; }
    [ "$(o "$f" source 'oil|oils')" = $'s1\t2\t2\t4\ns2\t2\t1\t2\ns3\t1\t1\t1' ]
    # ISO weeks: 1987-12-31 and 1988-01-01 are in 1987-W53, 2021-01-03 in
    # 2020-W53; 1987-06 has no week, e none at all
    [ "$(o "$f" date:week '(all)')" = $'\t2\t2\t0\n1987-W53\t2\t2\t0\n2020-W53\t1\t1\t0' ]
    [ "$(o "$f" date:month '(all)' | cut -f1,2)" = $'\t1\n1987-06\t1\n1987-12\t1\n1988-01\t1\n2021-01\t1' ]
    # a missing and an empty field are the empty value
    [ "$(o "$f" k '(phrase crude oil)')" = $'\t3\t1\t2\nx\t2\t1\t1' ]
    # per period and value (--by): the rows with documents
    [ "$(o --by year "$f" k '(all)' | cut -f1-3)" = $'1987\tx\t2\n1988\t\t1\n2021\t\t1\nundated\t\t1' ]
}

# ------------------------------------------------------------- counts

@test "facet source: documents, occurrences and totals per source equal the oracle (yen, opec, gold NOT yen)" {
    check "$RIDX" "$SLICE" source yen yen
    check "$RIDX" "$SLICE" source opec opec
    check "$RIDX" "$SLICE" source 'gold NOT yen' '(and gold (not yen))'
}

@test "facet date:UNIT: per year, month, week and day equal the oracle" {
    for u in year month week day; do
        check "$RIDX" "$SLICE" "date:$u" opec opec
    done
    # dates of every precision, undated documents, ISO weeks over a year's end
    for u in year month week day; do
        check "$SIDX" "$SECT" "date:$u" gold gold
        check "$SIDX" "$SECT" "date:$u" '' '(all)'
    done
}

@test "facet: a phrase counts its occurrences, not its words" {
    check "$RIDX" "$SLICE" source '"crude oil"' "(phrase $CRUDE $OIL)"
    check "$RIDX" "$SLICE" date:month '"crude oil"' "(phrase $CRUDE $OIL)"
    check "$SIDX" "$SECT" section '"crude oil"' '(phrase crude oil)'
}

@test "facet on an extra field: every value, the missing and empty ones as the empty value" {
    check "$SIDX" "$SECT" section '' '(all)'
    check "$SIDX" "$SECT" section oil oil
    check "$SIDX" "$SECT" section 'ceasefire OR wheat' '(or ceasefire wheat)'
    check "$SIDX" "$SECT" section 'NOT opec' '(not opec)'
    # the empty value: "" in tsv, null in json, (none) in text
    run -0 "$KQ" -d "$SIDX" facet section --format=tsv
    [[ "$output" == *$'\n\t'* ]]
    run -0 "$KQ" -d "$SIDX" facet section --format=json
    [ "$(jq '[.values[] | select(.value == null)] | length' <<<"$output")" = 1 ]
    run -0 "$KQ" -d "$SIDX" facet section
    [[ "$output" == *$'\n(none) '* ]]
}

@test "facet: no query means every document (docs = total), in all the index's values" {
    run -0 "$KQ" -d "$RIDX" facet source --format=tsv
    [ "$(printf '%s\n' "$output" | sed 1d | wc -l)" -eq 22 ]
    printf '%s\n' "$output" | cols docs,total,occurrences | awk -F'\t' '$1 != $2 || $3 != 0 { bad = 1 } END { exit bad }'
    [ "$(printf '%s\n' "$output" | cols docs | awk '{ n += $1 } END { print n }')" -eq 2753 ]
}

@test "facet: the documents and occurrences sum to kq count's and kq hist's" {
    for q in opec '"crude oil"' 'iran NEAR/5 iraq' 'oil AND NOT opec'; do
        run -0 "$KQ" -d "$RIDX" facet source --format=json -- "$q"
        docs=$(jq '[.values[].docs] | add' <<<"$output")
        occ=$(jq '[.values[].occurrences] | add' <<<"$output")
        [ "$(jq .summary.matching <<<"$output")" = "$docs" ]
        [ "$(jq .summary.occurrences <<<"$output")" = "$occ" ]
        [ "$("$KQ" -d "$RIDX" count -- "$q")" = "$docs" ]
        hocc=$("$KQ" -d "$RIDX" hist --by year --format=tsv -- "$q" | cols occurrences | awk '{ n += $1 } END { print n }')
        [ "$hocc" = "$occ" ]
    done
}

# ------------------------------------------------------------- formats

@test "facet formats: tsv, csv, jsonl, json and text hold the same rows" {
    run -0 "$KQ" -d "$RIDX" facet source opec --top 0 --format=tsv
    tsv=$output
    [ "$(head -1 <<<"$tsv")" = $'value\tdocs\toccurrences\ttotal\tdocs_per_1000' ]
    run -0 "$KQ" -d "$RIDX" facet source opec --top 0 --format=csv
    [ "$(python3 -c 'import csv,sys; [print("\t".join(r)) for r in csv.reader(sys.stdin)]' <<<"$output")" = "$tsv" ]
    run -0 "$KQ" -d "$RIDX" facet source opec --top 0 --format=jsonl
    jl=$output
    # rows of type facet with numbers, then one summary line
    [ "$(jq -s '[.[] | select(.type == "facet") | select((.docs|type) == "number" and (.occurrences|type) == "number" and (.total|type) == "number" and (.docs_per_1000|type) == "number" and (.value|type) == "string")] | length' <<<"$jl")" -eq "$(sed 1d <<<"$tsv" | wc -l)" ]
    [ "$(tail -1 <<<"$jl" | jq -r '.type')" = summary ]
    [ "$(jq -r 'select(.type == "facet") | [.value, .docs, .occurrences, .total] | @tsv' <<<"$jl")" = "$(cols value,docs,occurrences,total <<<"$tsv")" ]
    run -0 "$KQ" -d "$RIDX" facet source opec --top 0 --format=json
    j=$output
    [ "$(jq -r '.values[] | [.value, .docs, .occurrences, .total] | @tsv' <<<"$j")" = "$(cols value,docs,occurrences,total <<<"$tsv")" ]
    [ "$(jq -c '.summary | [.query, .field, .values, .shown, .matching, .left_out_top, .left_out_min_count]' <<<"$j")" = \
        "[\"opec\",\"source\",$(sed 1d <<<"$tsv" | wc -l),$(sed 1d <<<"$tsv" | wc -l),$("$KQ" -d "$RIDX" count opec),0,0]" ]
    [ "$(tail -1 <<<"$jl" | jq -c 'del(.type, .summary)')" = "$(jq -c .summary <<<"$j")" ]
    # text: the same rows (sources have no spaces), then the footer
    run -0 "$KQ" -d "$RIDX" facet source opec --top 0
    [ "$(head -1 <<<"$output" | tr -s ' ')" = "source docs occurrences total docs/1000" ]
    [ "$(sed '1d;$d' <<<"$output" | awk -v OFS='\t' '{ print $1, $2, $3, $4 }')" = "$(cols value,docs,occurrences,total <<<"$tsv")" ]
    [[ "$(tail -1 <<<"$output")" == "source, query opec: "*" values, $("$KQ" -d "$RIDX" count opec) matching documents of 2753; left out: 0 by --top, 0 by --min-count" ]]
}

@test "facet: values from the input are written escaped in every format" {
    run -0 "$KQ" -d "$SIDX" facet section --format=tsv
    [[ "$output" == *'arts\x01x'* ]]
    run -0 "$KQ" -d "$SIDX" facet section --format=csv
    [[ "$output" == *'arts\x01x'* ]]
    run -0 "$KQ" -d "$SIDX" facet section
    [[ "$output" == *'arts\x01x'* ]]
    run -0 "$KQ" -d "$SIDX" facet section --format=json
    [ "$(jq -r '.values[].value // empty' <<<"$output" | grep -c $'arts\x01x')" -eq 1 ]
    for f in text tsv csv json jsonl; do
        "$KQ" -d "$SIDX" facet section --format=$f >"$BATS_TEST_TMPDIR/o"
        ! LC_ALL=C grep -q $'\x01' "$BATS_TEST_TMPDIR/o"
    done
}

# ------------------------------------------------------------- options

@test "facet --top: the values with most documents; at, past and below the number of values" {
    all=$("$KQ" -d "$RIDX" facet source --top 0 --format=tsv -- yen | sed 1d)
    n=$(wc -l <<<"$all")
    # --sort=count: documents descending, ties by value ascending (the oracle's)
    want=$(want_rows "$SLICE" source yen | LC_ALL=C sort -t$'\t' -k2,2nr -k1,1)
    [ "$(cut -f1-4 <<<"$all" | awk -F'\t' -v OFS='\t' '{ print $1, $2, $3, $4 }')" = "$want" ]
    for top in 3 "$n" $((n + 1)); do
        run -0 "$KQ" -d "$RIDX" facet source --top "$top" --format=json -- yen
        shown=$((top < n ? top : n))
        [ "$(jq '.values | length' <<<"$output")" -eq "$shown" ]
        [ "$(jq -r '.values[] | [.value, .docs, .occurrences, .total] | @tsv' <<<"$output")" = "$(head -n "$shown" <<<"$want")" ]
        [ "$(jq .summary.left_out_top <<<"$output")" -eq $((n - shown)) ]
        [ "$(jq .summary.values <<<"$output")" -eq "$n" ]
    done
    # text shows 20 by default, the other formats all
    run -0 "$KQ" -d "$RIDX" facet source
    [ "$(sed '1d;$d' <<<"$output" | wc -l)" -eq 20 ]
    [[ "$(tail -1 <<<"$output")" == *"left out: 2 by --top"* ]]
    run -0 "$KQ" -d "$RIDX" facet source --format=tsv
    [ "$(sed 1d <<<"$output" | wc -l)" -eq 22 ]
    # the limit (MAX_COUNT) and one past it
    run -0 "$KQ" -d "$RIDX" facet source --top 100000000 --format=tsv
    run -2 "$KQ" -d "$RIDX" facet source --top 100000001
    [[ "$output" == *"--top needs a number from 0 to 100000000"* ]]
    run -2 "$KQ" -d "$RIDX" facet source --top -1
}

@test "facet --min-count: values with fewer matching documents are left out and counted; 0 lists every value" {
    want=$(want_rows "$SLICE" source yen)
    for m in 1 5 8 1000; do
        run -0 "$KQ" -d "$RIDX" facet source --min-count "$m" --format=json -- yen
        [ "$(jq -r '.values[] | [.value, .docs, .occurrences, .total] | @tsv' <<<"$output" | LC_ALL=C sort)" = \
            "$(awk -F'\t' -v m="$m" '$2 >= m' <<<"$want")" ]
        [ "$(jq .summary.left_out_min_count <<<"$output")" -eq "$(awk -F'\t' -v m="$m" '$2 < m' <<<"$want" | sed '/^$/d' | wc -l)" ]
    done
    # 0: every value of the index, those without a match too (0 documents)
    run -0 "$KQ" -d "$SIDX" facet section --min-count 0 --format=tsv -- ceasefire
    [ "$(sed 1d <<<"$output" | cut -f1-4 | LC_ALL=C sort)" = \
        "$(python3 "$ORACLE" "$SECT" section ceasefire | awk -F'\t' -v OFS='\t' '{ print $1, $3, $4, $2 }' | LC_ALL=C sort)" ]
    run -0 "$KQ" -d "$RIDX" facet source --min-count 100000000 --format=tsv
    [ "$(wc -l <<<"$output")" -eq 1 ]
    run -2 "$KQ" -d "$RIDX" facet source --min-count 100000001
}

@test "facet --sort=value: values ascending, dates chronologically, the empty value last" {
    run -0 "$KQ" -d "$SIDX" facet date:week --sort=value --format=tsv
    [ "$(sed 1d <<<"$output" | cut -f1 | sed 's/^$/(empty)/')" = $'1987-W10\n1987-W11\n1987-W13\n1987-W14\n1987-W53\n2020-W53\n(empty)' ]
    run -0 "$KQ" -d "$SIDX" facet section --sort=value --format=tsv
    [ "$(sed 1d <<<"$output" | cut -f1 | sed 's/^$/(empty)/')" = $'arts\\x01x\nbusiness\nsport\nworld\n\xc3\xa9conomie\n(empty)' ]
    run -0 "$KQ" -d "$RIDX" facet date:day --sort=value --top 0 --format=tsv -- opec
    [ "$(sed 1d <<<"$output" | cut -f1)" = "$(sed 1d <<<"$output" | cut -f1 | LC_ALL=C sort)" ]
    # --sort=count is the default
    [ "$("$KQ" -d "$RIDX" facet source --sort=count --format=tsv yen)" = "$("$KQ" -d "$RIDX" facet source --format=tsv yen)" ]
    run -2 --separate-stderr "$KQ" -d "$RIDX" facet source --sort=date
    [[ "$stderr" == *"--sort takes count or value"* ]]
}

# ------------------------------------------------------------- errors

@test "facet: an unknown field, a date without its unit, no field: exit 2 with a clear message" {
    run -2 --separate-stderr "$KQ" -d "$SIDX" facet sektion oil
    [[ "$stderr" == *'unknown field "sektion"; the fields: source, date:UNIT, section'* ]]
    run -2 --separate-stderr "$KQ" -d "$SIDX" facet date oil
    [[ "$stderr" == *"date:year, date:month, date:week or date:day"* ]]
    run -2 --separate-stderr "$KQ" -d "$SIDX" facet date:hour
    [[ "$stderr" == *"date:year, date:month"* ]]
    run -2 --separate-stderr "$KQ" -d "$SIDX" facet
    [[ "$stderr" == *"no field given"* ]]
    run -2 "$KQ" -d "$SIDX" facet section 'oil AND'
    [[ "$output" == *"syntax error"* ]]
    run -2 "$KQ" -d "$SIDX" facet section --format=trec
    run -2 "$KQ" -d "$SIDX" facet section -n 3
    [[ "$output" == *"-n does not apply"* ]]
    # no match: exit 1, no rows
    run -1 "$KQ" -d "$SIDX" facet section --format=tsv zzzqx
    [ "$output" = $'value\tdocs\toccurrences\ttotal\tdocs_per_1000' ]
}

@test "facet and hist --split by an extra field refuse a Xapian database, which keeps no field values (exit 2); by source they work" {
    "$KQI" -q --backend=xapian --field section -d "$BATS_TEST_TMPDIR/x" "$SECT"
    run -2 --separate-stderr "$KQ" -d "$BATS_TEST_TMPDIR/x" facet section oil
    [[ "$stderr" == "kq facet: listing the extra fields needs a kq index; "*"is a Xapian database" ]]
    run -2 --separate-stderr "$KQ" -d "$BATS_TEST_TMPDIR/x" hist oil --split section
    [[ "$stderr" == *"needs a kq index"* ]]
    "$KQI" -q --field section -d "$BATS_TEST_TMPDIR/n" "$SECT"
    diff <("$KQ" -d "$BATS_TEST_TMPDIR/n" facet source --format=tsv oil) <("$KQ" -d "$BATS_TEST_TMPDIR/x" facet source --format=tsv oil)
}

@test "facet --help and kq help facet list the options" {
    run -0 "$KQ" facet --help
    for o in --top --min-count --sort --format date:week '(none)' Xapian; do
        [[ "$output" == *"$o"* ]]
    done
    [ "$("$KQ" help facet)" = "$output" ]
}

# ------------------------------------------------------------- hist --split

# split_want FILE FIELD ORACLE_QUERY N UNIT: the rows of hist --split --top N
# the oracle gives: PERIOD SERIES DOCS OCCURRENCES TOTAL for the periods and
# series with documents; SERIES is the value for the N values with most
# matching documents (ties by value), else "(other)" (the sum of the rest).
split_want() {
    local top
    top=$(want_rows "$1" "$2" "$3" | LC_ALL=C sort -t$'\t' -k2,2nr -k1,1 | head -n "$4" | cut -f1)
    python3 "$ORACLE" --by "$5" "$1" "$2" "$3" | awk -F'\t' -v OFS='\t' -v top="$top" '
        BEGIN { n = split(top, t, "\n"); for (i = 1; i <= n; i++) in_top[t[i]] = 1 }
        { s = ($2 in in_top) ? $2 : "(other)"; k = $1 "\t" s
          d[k] += $4; o[k] += $5; tot[k] += $3 }
        END { for (k in d) print k, d[k], o[k], tot[k] }' | LC_ALL=C sort
}

# split_check INDEX FILE FIELD KQ_QUERY ORACLE_QUERY N UNIT
split_check() {
    local want got other
    want=$(split_want "$2" "$3" "$5" "$6" "$7")
    run --separate-stderr "$KQ" -d "$1" hist --by "$7" --split "$3" --top "$6" --format=tsv -- "$4"
    no_crash || return 1
    [ "$status" -eq 0 ] || { echo "status $status: $stderr" >&2; return 1; }
    got=$(printf '%s\n' "$output" | cols bucket,value,docs,occurrences,total | awk -F'\t' '$5 > 0' | LC_ALL=C sort)
    # (other) is left out when it has no matching document
    other=$(awk -F'\t' '$2 == "(other)" { n += $3 } END { print n + 0 }' <<<"$want")
    if [ "$other" -eq 0 ]; then
        want=$(awk -F'\t' '$2 != "(other)"' <<<"$want")
    fi
    if [ "$got" != "$want" ]; then
        echo "kq hist --split $3 --top $6 '$4' differs from the oracle's $5:" >&2
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/  /' >&2
        return 1
    fi
}

@test "hist --split source: each value's series and (other) = the rest equal the oracle" {
    split_check "$RIDX" "$SLICE" source yen yen 3 month
    split_check "$RIDX" "$SLICE" source opec opec 5 week
    split_check "$RIDX" "$SLICE" source '"crude oil"' "(phrase $CRUDE $OIL)" 1 month
    # (other) = the query's documents and occurrences of the period (kq
    # hist without --split) - those of the top values
    for q in yen '"crude oil"'; do
        "$KQ" -d "$RIDX" hist --by month --format=tsv -- "$q" | cols bucket,docs,occurrences | sed 's/$/\tall/' >"$BATS_TEST_TMPDIR/all"
        "$KQ" -d "$RIDX" hist --by month --split source --top 2 --format=tsv -- "$q" | cols bucket,docs,occurrences,value >"$BATS_TEST_TMPDIR/split"
        awk -F'\t' '$4 == "all" { d[$1] += $2; o[$1] += $3; next }
                    $4 == "(other)" { od[$1] = $2; oo[$1] = $3; next }
                    { d[$1] -= $2; o[$1] -= $3 }
                    END { for (b in d) if (d[b] != od[b] + 0 || o[b] != oo[b] + 0) { print "period " b ": (other) " od[b] "/" oo[b] ", want " d[b] "/" o[b] > "/dev/stderr"; bad = 1 }
                          exit bad }' "$BATS_TEST_TMPDIR/all" "$BATS_TEST_TMPDIR/split"
    done
    # every value a series: no (other)
    split_check "$RIDX" "$SLICE" source yen yen 22 month
    run -0 "$KQ" -d "$RIDX" hist --split source --top 0 --format=tsv yen
    ! grep -q '(other)' <<<"$output"
    # the default --top is 5: 5 values and (other)
    run -0 "$KQ" -d "$RIDX" hist --split source --format=json yen
    [ "$(jq -c '[.summary.split.series[] | .other]' <<<"$output")" = '[false,false,false,false,false,true]' ]
    [ "$(jq '[.summary.split.series[].matches] | add' <<<"$output")" = "$("$KQ" -d "$RIDX" count yen)" ]
}

@test "hist --split on an extra field: undated documents and the empty value; --normalize within the value" {
    split_check "$SIDX" "$SECT" section oil oil 2 month
    split_check "$SIDX" "$SECT" section '*' '(all)' 3 year
    run -0 "$KQ" -d "$SIDX" hist --split section --top 2 --by month --normalize --format=tsv oil
    printf '%s\n' "$output" | cols docs,total,docs_per_1000 | awk -F'\t' '
        $2 == 0 { if ($3 != "") bad = 1; next }
        { d = $1 * 1000 / $2 - $3; if (d < -1e-6 || d > 1e-6) bad = 1 } END { exit bad }'
    grep -q '^undated' <<<"$output"
    # the empty value: "" in tsv, null in json, (none) in text
    run -0 "$KQ" -d "$SIDX" hist --split section --top 1 --format=json '*'
    [ "$(jq -c '.summary.split.series[0].value' <<<"$output")" = null ]
    run -0 "$KQ" -d "$SIDX" hist --split section --top 1 '*'
    [[ "$output" == *"(none)"* ]]
}

@test "hist --split --plot: one line per series in the SVG, the legend naming them" {
    run -0 "$KQ" -d "$RIDX" hist --split source --top 3 --plot "$BATS_TEST_TMPDIR/p.svg" --format=tsv yen
    [ "$(grep -c 'stroke-width="3"' "$BATS_TEST_TMPDIR/p.svg")" -eq 4 ]
    grep -q '(other)' "$BATS_TEST_TMPDIR/p.svg"
    for v in $(printf '%s\n' "$output" | cols value | sort -u | grep -v other); do
        grep -qF "$v" "$BATS_TEST_TMPDIR/p.svg"
    done
}

@test "hist --split: refused with --queries, several queries, a date field, an unknown field; --top needs it" {
    run -2 --separate-stderr "$KQ" -d "$RIDX" hist --split source yen opec
    [[ "$stderr" == *"--split splits one query"* ]]
    printf 'yen\n' >"$BATS_TEST_TMPDIR/q"
    run -2 --separate-stderr "$KQ" -d "$RIDX" hist --split source --queries "$BATS_TEST_TMPDIR/q"
    [[ "$stderr" == *"not with --queries"* ]]
    run -2 --separate-stderr "$KQ" -d "$RIDX" hist --split date:month yen
    [[ "$stderr" == *"--split takes source or an extra field"* ]]
    run -2 --separate-stderr "$KQ" -d "$RIDX" hist --split sektion yen
    [[ "$stderr" == *'unknown field "sektion"'* ]]
    run -2 --separate-stderr "$KQ" -d "$RIDX" hist --top 3 yen
    [[ "$stderr" == *"--top applies to --split"* ]]
    run -2 "$KQ" -d "$RIDX" facet source --split source
}

@test "facet and hist --split leave deleted documents out of every count" {
    "$KQI" -q -d "$BATS_TEST_TMPDIR/d" --field section "$SECT"
    "$KQI" rm -d "$BATS_TEST_TMPDIR/d" f00 f07 f14 f21 >/dev/null
    grep -v -e '"f00"' -e '"f07"' -e '"f14"' -e '"f21"' "$SECT" >"$BATS_TEST_TMPDIR/left.jsonl"
    [ "$(wc -l <"$BATS_TEST_TMPDIR/left.jsonl")" -eq 56 ]
    check "$BATS_TEST_TMPDIR/d" "$BATS_TEST_TMPDIR/left.jsonl" section '"crude oil"' '(phrase crude oil)'
    check "$BATS_TEST_TMPDIR/d" "$BATS_TEST_TMPDIR/left.jsonl" source '' '(all)'
    split_check "$BATS_TEST_TMPDIR/d" "$BATS_TEST_TMPDIR/left.jsonl" section oil oil 2 month
}

#!/usr/bin/env bats
# Several of kq's own indexes searched as one (kq -d A -d B -d C).
#
# The Reuters slice (JSON Lines) is split by lines into three parts, each
# indexed on its own, and the whole indexed into one index; corpus/ is
# split in two the same way.  Parts given in the order of their lines
# number their documents as the whole index does (docids continue from one
# index to the next), so every output must equal the whole index's: hits
# with their ids, scores and order (ties included), counts, histograms,
# facets, KWIC lines, exports, documents, explanations, vocabulary, date
# order, batch runs.  Outputs that name the index (the "index" and
# "generation" of JSON summaries) are left out of the comparisons.
#
# Ties are ordered by docid: with the parts in another order the hits of
# equal scores come by the order of the -d options, then by position in
# their index; a date query (every score 0) checks it.
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    local d=$BATS_FILE_TMPDIR
    cd "$ROOT" || return 1
    gzip -dc tests/data/reuters/slice.jsonl.gz >"$d/all.jsonl"
    sed -n '1,900p' "$d/all.jsonl" >"$d/p1.jsonl"
    sed -n '901,1800p' "$d/all.jsonl" >"$d/p2.jsonl"
    sed -n '1801,$p' "$d/all.jsonl" >"$d/p3.jsonl"
    for x in all p1 p2 p3; do
        "$KQI" -q -d "$d/$x" "$d/$x.jsonl" || return 1
    done
    # corpus/: the same files in the same order, whole and in two parts
    # (ids are the paths, corpus/NNNN.txt).
    ls corpus/*.txt | LC_ALL=C sort >"$d/files"
    "$KQI" -q -d "$d/call" $(cat "$d/files") || return 1
    "$KQI" -q -d "$d/c1" $(head -20 "$d/files") || return 1
    "$KQI" -q -d "$d/c2" $(tail -n +21 "$d/files") || return 1
}

setup() {
    cd "$ROOT"
    D=$BATS_FILE_TMPDIR
    ALL=(-d "$D/all")
    PARTS=(-d "$D/p1" -d "$D/p2" -d "$D/p3")
}

# kq's JSON output without what names the index.
jsonx() { "$KQ" "$@" | jq -c 'del(.index, .generation)'; }

QUERIES=(
    'oil'
    'oil AND price'
    'oil OR gold'
    '"crude oil"'
    'oil NOT opec'
    'pric*'
    'title:oil'
    'date:1987-03-01..1987-03-10'
    'oil date:1987-03'
    'bank NEAR/5 rate'
)

@test "multi: every query's hits (ids, scores, order) and counts equal the whole index's" {
    for q in "${QUERIES[@]}"; do
        a=$(jsonx "${ALL[@]}" --json -n 3000 "$q")
        b=$(jsonx "${PARTS[@]}" --json -n 3000 "$q")
        [ -n "$a" ] && [ "$(jq -s 'map(select(.type == "hit")) | length' <<<"$a")" -gt 0 ] || {
            echo "no hits for $q"; return 1; }
        [ "$a" = "$b" ] || { echo "differs: $q"; diff <(echo "$a") <(echo "$b") | head; return 1; }
        [ "$("$KQ" "${ALL[@]}" -c "$q")" = "$("$KQ" "${PARTS[@]}" -c "$q")" ]
        a=$(jsonx "${ALL[@]}" --json -n 3000 --or "$q")
        b=$(jsonx "${PARTS[@]}" --json -n 3000 --or "$q")
        [ "$a" = "$b" ] || { echo "differs: --or $q"; return 1; }
    done
    # --or with several words, and a page past the first.
    [ "$(jsonx "${ALL[@]}" --json --or -n 7 --offset 5 oil gold silver)" = \
      "$(jsonx "${PARTS[@]}" --json --or -n 7 --offset 5 oil gold silver)" ]
}

@test "multi: counts against an oracle (jq over the JSON Lines), and statistics are collection-wide" {
    # date range: the documents dated within it, counted by jq.
    want=$(jq -s '[.[] | select(.date >= "1987-03-01" and .date <= "1987-03-10")] | length' "$D/all.jsonl")
    [ "$want" -gt 0 ]
    [ "$("$KQ" "${PARTS[@]}" -c 'date:1987-03-01..1987-03-10')" = "$want" ]
    # id: every id once
    [ "$("$KQ" "${PARTS[@]}" -c '*')" = "$(wc -l <"$D/all.jsonl" | tr -d ' ')" ]
    # A hit's score in the three indexes is not its score in its own part
    # alone: the statistics are those of the whole collection.
    id=$("$KQ" "${PARTS[@]}" --json -n 1 oil | jq -r 'select(.type == "hit") | .id')
    grep -q "\"id\": \"$id\"" "$D/p1.jsonl" "$D/p2.jsonl" "$D/p3.jsonl"
    part=$(grep -l "\"id\": \"$id\"" "$D/p1.jsonl" "$D/p2.jsonl" "$D/p3.jsonl")
    s1=$("$KQ" -d "${part%.jsonl}" --json -n 3000 oil | jq -r --arg i "$id" 'select(.id == $i) | .score')
    s3=$("$KQ" "${PARTS[@]}" --json -n 1 oil | jq -r 'select(.type == "hit") | .score')
    [ -n "$s1" ] && [ "$s1" != "$s3" ]
}

@test "multi: ties come by docid: in the order of the -d options, then by position" {
    q='date:1987-03-02..1987-03-31'
    # The part (its place among the -d options below) of every id.
    for i in 1 2 3; do jq -r --arg p "$i" '[.id, $p] | @tsv' "$D/p$i.jsonl"; done >"$BATS_TEST_TMPDIR/part"
    rank=$(awk -F'\t' '{ r = ($2 == 3) ? 0 : ($2 == 1) ? 1 : 2; printf "%s\t%d\n", $1, r }' "$BATS_TEST_TMPDIR/part" |
        jq -R -s 'split("\n") | map(select(length > 0) | split("\t") | {(.[0]): (.[1] | tonumber)}) | add')
    # Every hit of the date query scores 0: one tie over all three parts.
    "$KQ" "${ALL[@]}" --json -n 3000 "$q" | jq -c 'select(.type == "hit")' >"$BATS_TEST_TMPDIR/whole"
    [ "$(jq -s 'map(.score) | unique' "$BATS_TEST_TMPDIR/whole")" = "$(printf '[\n  0\n]')" ]
    [ "$(jq -s --argjson r "$rank" 'map($r[.id]) | unique | length' "$BATS_TEST_TMPDIR/whole")" -eq 3 ]
    want=$(jq -s -r --argjson r "$rank" \
        'to_entries | sort_by([-.value.score, $r[.value.id], .key]) | .[].value.id' "$BATS_TEST_TMPDIR/whole")
    got=$("$KQ" -d "$D/p3" -d "$D/p1" -d "$D/p2" --json -n 3000 "$q" | jq -r 'select(.type == "hit") | .id')
    [ "$got" = "$want" ]
    # Ranked: the same (score, id) pairs whatever the order of the parts,
    # ties by the parts' order.
    "$KQ" "${ALL[@]}" --json -n 3000 oil | jq -c 'select(.type == "hit")' >"$BATS_TEST_TMPDIR/whole"
    want=$(jq -s -r --argjson r "$rank" \
        'to_entries | sort_by([-.value.score, $r[.value.id], .key]) | .[].value | "\(.score) \(.id)"' "$BATS_TEST_TMPDIR/whole")
    got=$("$KQ" -d "$D/p3" -d "$D/p1" -d "$D/p2" --json -n 3000 oil | jq -r 'select(.type == "hit") | "\(.score) \(.id)"')
    [ "$got" = "$want" ]
}

@test "multi: hist, facet, kwic, export, --sort=date, batch equal the whole index's" {
    for args in "hist oil" "hist --by year oil" "hist --by day date:1987-03" \
        "facet source oil" "kwic oil" "kwic --width 60 --sort=left \"crude oil\"" \
        "export oil" "export date:1987-03-02" \
        "search --sort=date -n 50 oil" "search --sort=-date -n 50 oil" \
        "count --or oil gold"; do
        a=$(eval "\"\$KQ\" \"\${ALL[@]}\" $args" 2>&1)
        b=$(eval "\"\$KQ\" \"\${PARTS[@]}\" $args" 2>&1)
        [ -n "$a" ] && [ "$a" = "$b" ] || { echo "differs: $args"; diff <(echo "$a") <(echo "$b") | head; return 1; }
    done
    for args in "hist --json oil" "facet --json source oil" "search --json --sort=date -n 50 oil"; do
        a=$(eval "jsonx \"\${ALL[@]}\" $args")
        b=$(eval "jsonx \"\${PARTS[@]}\" $args")
        [ -n "$a" ] && [ "$a" = "$b" ] || { echo "differs: $args"; return 1; }
    done
    printf 'oil\n"crude oil"\ndate:1987-03\ngold OR silver\n' >"$BATS_TEST_TMPDIR/q"
    [ "$("$KQ" "${ALL[@]}" batch "$BATS_TEST_TMPDIR/q")" = "$("$KQ" "${PARTS[@]}" batch "$BATS_TEST_TMPDIR/q")" ]
    [ "$("$KQ" "${ALL[@]}" batch --counts "$BATS_TEST_TMPDIR/q")" = "$("$KQ" "${PARTS[@]}" batch --counts "$BATS_TEST_TMPDIR/q")" ]
    # The export holds every document once, as the JSON Lines had it.
    [ "$("$KQ" "${PARTS[@]}" export '*' | jq -r .id | LC_ALL=C sort)" = "$(jq -r .id "$D/all.jsonl" | LC_ALL=C sort)" ]
}

@test "multi: show, explain, terms, collocates, keywords, dups equal the whole index's" {
    ids=$(jq -r .id "$D/p1.jsonl" | head -1; jq -r .id "$D/p2.jsonl" | sed -n 5p; jq -r .id "$D/p3.jsonl" | tail -1)
    for id in $ids; do
        [ "$("$KQ" "${ALL[@]}" show "$id")" = "$("$KQ" "${PARTS[@]}" show "$id")" ]
        [ "$("$KQ" "${ALL[@]}" explain 'oil OR said' "$id")" = "$("$KQ" "${PARTS[@]}" explain 'oil OR said' "$id")" ]
    done
    for args in "terms pric" "terms --all" "collocates oil" "keywords oil" "dups" "show --json $(echo $ids)"; do
        a=$(eval "\"\$KQ\" \"\${ALL[@]}\" $args" 2>&1)
        b=$(eval "\"\$KQ\" \"\${PARTS[@]}\" $args" 2>&1)
        [ -n "$a" ] && [ "$a" = "$b" ] || { echo "differs: $args"; diff <(echo "$a") <(echo "$b") | head; return 1; }
    done
    # An id not in any: exit status 1, the message naming all three.
    run "$KQ" "${PARTS[@]}" show no-such-id
    no_crash
    [ "$status" -eq 1 ]
    [[ "$output" == *"$D/p1 + $D/p2 + $D/p3"* ]]
}

@test "multi: stats: documents, lengths, languages of the whole; segments, generations, sizes of the parts added up" {
    a=$("$KQ" "${ALL[@]}" stats --json)
    b=$("$KQ" "${PARTS[@]}" stats --json)
    for k in documents length avg_len title_weight language languages date_min date_max dated undated fields; do
        [ "$(jq -c ".$k" <<<"$a")" = "$(jq -c ".$k" <<<"$b")" ] || { echo "differs: $k"; return 1; }
    done
    size=$(find "$D/p1" "$D/p2" "$D/p3" -maxdepth 1 -type f -printf '%s\n' | awk '{ n += $1 } END { print n }')
    [ "$(jq .size <<<"$b")" = "$size" ]
    gen=0 nseg=0
    for i in 1 2 3; do
        s=$("$KQ" -d "$D/p$i" stats --json)
        gen=$((gen + $(jq .generation <<<"$s")))
        nseg=$((nseg + $(jq '.segments | length' <<<"$s")))
    done
    [ "$(jq .generation <<<"$b")" = "$gen" ]
    [ "$(jq '.segments | length' <<<"$b")" = "$nseg" ]
    [ "$(jq -c '[.segments[].index] | unique' <<<"$b")" = "[1,2,3]" ]
    [ "$(jq '[.segments[].documents] | add' <<<"$b")" = "$(wc -l <"$D/all.jsonl" | tr -d ' ')" ]
    # kq check checks every segment of every part.
    run "$KQ" "${PARTS[@]}" check
    [ "$status" -eq 0 ]
    [[ "$output" == "ok: $D/p1 + $D/p2 + $D/p3: 2753 documents, $nseg segment(s)"* ]]
}

@test "multi: corpus/ in two parts equals corpus/ whole" {
    for q in ceasefire 'peace*' '"united nations"' 'title:peace' 'oil OR ceasefire' 'peace NOT ceasefire'; do
        a=$(jsonx -d "$D/call" --json -n 100 "$q")
        b=$(jsonx -d "$D/c1" -d "$D/c2" --json -n 100 "$q")
        [ "$a" = "$b" ] || { echo "differs: $q"; return 1; }
    done
    want=$(gfiles 'ceasefires?')
    [ "$("$KQ" -d "$D/c1" -d "$D/c2" -c ceasefire)" = "$(nlines "$want")" ]
    [ "$("$KQ" -d "$D/c1" -d "$D/c2" --json -n 100 ceasefire | jq -r 'select(.type == "hit") | .id' | LC_ALL=C sort)" = "$want" ]
    [ "$("$KQ" -d "$D/call" kwic peace)" = "$("$KQ" -d "$D/c1" -d "$D/c2" kwic peace)" ]
}

@test "multi: an id live in two indexes is refused, naming it and both indexes (exit 2)" {
    t=$BATS_TEST_TMPDIR
    # Lines 899..903: the last two of p1 and the first three of p2.
    sed -n '899,903p' "$D/all.jsonl" >"$t/x.jsonl"
    "$KQI" -q -d "$t/x" "$t/x.jsonl"
    run "$KQ" -d "$D/p1" -d "$t/x" count oil
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *"2 document ids are live in more than one"* ]]
    for id in $(sed -n '899,900p' "$D/all.jsonl" | jq -r .id); do
        [[ "$output" == *"'$id' (in $D/p1 and in $t/x)"* ]]
    done
    # Among three: the pair named is the one holding it.
    run "$KQ" -d "$D/p1" -d "$D/p3" -d "$t/x" count oil
    [ "$status" -eq 2 ]
    [[ "$output" == *"2 document ids"* ]]
    run "$KQ" "${PARTS[@]}" -d "$t/x" count oil
    [ "$status" -eq 2 ]
    [[ "$output" == *"5 document ids"* ]]
    # At most three are named.
    [ "$(grep -o "(in " <<<"$output" | wc -l)" -eq 3 ]
    [[ "$output" == *"; ..."* ]]
}

@test "multi: one index given twice is refused (exit 2), also under another path" {
    run "$KQ" -d "$D/p1" -d "$D/p2" -d "$D/p1" count oil
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *"$D/p1 and $D/p1 are the same index, given twice"* ]]
    run "$KQ" -d "$D/p1" -d "$D/p1/." count oil
    [ "$status" -eq 2 ]
    [[ "$output" == *"given twice"* ]]
}

@test "multi: indexes of different stemming languages are refused (exit 2)" {
    t=$BATS_TEST_TMPDIR
    "$KQI" -q -d "$t/de" --lang german "$D/p2.jsonl"
    run "$KQ" -d "$D/p1" -d "$t/de" count oil
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *"$t/de has the stemming language \"german\", $D/p1 \"english\""* ]]
}

@test "multi: a Xapian database and a kq index are not searched together (exit 2)" {
    t=$BATS_TEST_TMPDIR
    "$KQI" -q --backend=xapian -d "$t/xdb" "$D/p2.jsonl"
    run "$KQ" -d "$D/p1" -d "$t/xdb" count oil
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *"$t/xdb is a Xapian database, $D/p1 is not"* ]]
}

@test "multi: deleted documents are not counted, and do not clash with the id added again elsewhere" {
    t=$BATS_TEST_TMPDIR
    cp -r "$D/p1" "$t/p1"
    cp -r "$D/all" "$t/all"
    id=$(jq -r 'select(.body | test("\\boil\\b")) | .id' "$D/p1.jsonl" | head -1)
    [ -n "$id" ]
    "$KQI" rm -d "$t/p1" "$id"
    "$KQI" rm -d "$t/all" "$id"
    # Deleted in p1: the three parts equal the whole index with it deleted.
    for q in oil '*' 'oil OR gold'; do
        [ "$(jsonx -d "$t/all" --json -n 3000 "$q")" = "$(jsonx -d "$t/p1" -d "$D/p2" -d "$D/p3" --json -n 3000 "$q")" ]
    done
    n=$("$KQ" "${ALL[@]}" -c oil)
    [ "$("$KQ" -d "$t/p1" -d "$D/p2" -d "$D/p3" -c oil)" -eq $((n - 1)) ]
    [ "$("$KQ" -d "$t/p1" -d "$D/p2" -d "$D/p3" stats --json | jq .documents)" -eq 2752 ]
    # The same document in a fourth index: no clash with its deleted copy,
    # and it counts once.
    jq -c --arg i "$id" 'select(.id == $i)' "$D/p1.jsonl" >"$t/one.jsonl"
    "$KQI" -q -d "$t/one" "$t/one.jsonl"
    run "$KQ" -d "$t/p1" -d "$D/p2" -d "$D/p3" -d "$t/one" -c oil
    no_crash
    [ "$status" -eq 0 ]
    [ "$output" -eq "$n" ]
    [ "$("$KQ" -d "$t/p1" -d "$D/p2" -d "$D/p3" -d "$t/one" -c "id:$id")" -eq 1 ]
    [ "$("$KQ" -d "$t/p1" -d "$D/p2" -d "$D/p3" -d "$t/one" show --json "$id" | jq -r .id)" = "$id" ]
    # Not deleted in p1: the clash is found.
    run "$KQ" -d "$D/p1" -d "$t/one" -c oil
    [ "$status" -eq 2 ]
    [[ "$output" == *"'$id' (in $D/p1 and in $t/one)"* ]]
}

#!/usr/bin/env bats
# The research verbs on a Xapian database give what they give on kq's own
# index built from the same documents (issue 19: both backends where the
# data exists): facet by source and date, hist (and --split source),
# collocates and keywords by word and by stem, --dedup, and after a
# deletion.  The native results are checked against independent oracles
# in facet.bats, collocates.bats, keywords.bats, dups.bats and dedup.bats;
# this checks that the Xapian backend's walk of the documents, term
# frequencies (positions, not Xapian's title-weighted wdf) and token
# counts agree with them.  Extra fields have no values on Xapian: refused
# (facet.bats).

bats_require_minimum_version 1.5.0
load helpers

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
NIDX="$BATS_FILE_TMPDIR/n"
XIDX="$BATS_FILE_TMPDIR/x"

setup_file() {
    "$KQI" -q -d "$NIDX" "$SLICE" || return 1
    "$KQI" -q --backend=xapian -d "$XIDX" "$SLICE" 2>"$BATS_FILE_TMPDIR/err" ||
        echo "$(cat "$BATS_FILE_TMPDIR/err")" >"$BATS_FILE_TMPDIR/noxapian"
}

setup() {
    [ ! -e "$BATS_FILE_TMPDIR/noxapian" ] || skip "no Xapian: $(cat "$BATS_FILE_TMPDIR/noxapian")"
    cd "$BATS_TEST_TMPDIR" || return 1
}

# same ARGS...: the tsv output of kq ARGS on both, equal and not empty.
same() {
    "$KQ" -d "$NIDX" "$@" --format=tsv >want
    "$KQ" -d "$XIDX" "$@" --format=tsv >got
    [ "$(wc -l <want)" -ge 2 ]
    diff want got
}

@test "research on Xapian: facet by source and by date units, sorted either way" {
    same facet source oil
    same facet date:month 'opec OR "crude oil"'
    same facet date:day --sort=value said
    same facet date:year --min-count 2 'oil NEAR/3 prices'
    # Xapian counts each source's and date's documents itself (a match
    # spy) and reads a match's value when it meets it.
    same facet date:week --top 5 oil
    same facet source --sort=value said
    same facet date:day '*'
}

@test "research on Xapian: hist by month and year, several queries, --split source" {
    same hist oil
    same hist --by year oil said gold
    same hist --split source --top 3 oil
    # Xapian counts the documents of each date itself (a match spy) and
    # reads a document's date when it matches: periods, ranges, undated
    # documents and weeks as the native index's walk gives them.
    same hist --by week --from 1987-03-01 --to 1987-03-31 oil
    same hist --by day --from 1987-03-10 'oil OR gold'
    same hist --by month --to 1987-03 said
    same hist --by day --normalize opec
    same hist --by year --from 1987 gold
}

@test "research on Xapian: collocates by word and by stem, windows and measures" {
    same collocates oil
    same collocates --by stem oil
    same collocates --by stem --window 2,2 --measure mi --min-freq 3 said
    same collocates '"crude oil"' --window 0,3
}

@test "research on Xapian: keywords by word and by stem, against the rest and a reference" {
    same keywords opec
    same keywords --by stem opec
    same keywords --by stem opec --reference 'gold OR silver'
    same keywords --min-freq 5 'date:1987-03 AND oil' --reference 'date:1987-04 AND oil'
}

@test "research on Xapian: --dedup on facet and hist, and kq dups" {
    same facet source --dedup said
    same hist --dedup said
    same dups
}

@test "research on Xapian: a document deleted from kq's index counts as one never given to Xapian" {
    cp -r "$NIDX" n
    id=$("$KQ" -d n search --format=tsv --fields=id -n 1 opec | tail -1)
    [ -n "$id" ]
    "$KQI" rm -d n "$id"
    zcat "$SLICE" | jq -c --arg id "$id" 'select((.id | tostring) != $id)' >rest.jsonl
    [ "$(wc -l <rest.jsonl)" -eq $(($(zcat "$SLICE" | wc -l) - 1)) ]
    "$KQI" -q --backend=xapian -d x rest.jsonl
    for v in "facet source opec" "collocates opec" "collocates --by stem opec" "keywords --by stem opec" "hist opec"; do
        diff <("$KQ" -d n $v --format=tsv) <("$KQ" -d x $v --format=tsv)
    done
    [ "$("$KQ" -d x count opec)" -eq $(($("$KQ" -d "$XIDX" count opec) - 1)) ]
}

#!/usr/bin/env bats
# Every line of --format=jsonl carries a "type" key naming what
# it is -- hit, summary, count, doc, explain, stats, term, kwic, period,
# query, facet -- so that a consumer selects lines with jq 'select(.type=="hit")'
# instead of filtering out the summary.  A document's extra fields are in a
# "fields" object, so an extra field named "type" (or "score") cannot
# overwrite kq's keys.  The expected types are written by hand from kq(1).

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
    cd "$BATS_FILE_TMPDIR" || return 1
    printf '%s\n' \
        '{"id":"j1","title":"Oil news","date":"1987-03-02","type":"blog","score":"five","body":"oil prices rise again"}' \
        '{"id":"j2","title":"Gas","date":"1987-04-10","type":"wire","body":"oil and gas and oil"}' \
        '{"id":"j3","title":"Other","body":"nothing here"}' >docs.jsonl
    "$KQI" -q -d jidx --field type --field score docs.jsonl
    printf 'a\toil\nb\tgas\nc\t"unclosed\nd\tnosuchfield:x\n' >queries.tsv
}

setup() {
    cd "$BATS_FILE_TMPDIR" || return 1
}

j() { "$KQ" -d jidx "$@"; }

# $output: one JSON object a line, each with a string "type"; the types in
# order of first appearance, uniq'd, must be $1 (space-separated).
types_are() {
    [ -n "$output" ]
    jq -e -s 'length > 0 and all(.[]; type == "object" and (.type | type) == "string")' <<<"$output"
    local got
    got=$(jq -r .type <<<"$output" | uniq | tr '\n' ' ')
    echo "types: $got; want: $1" >&2
    [ "$got" = "$1 " ]
}

@test "jsonl: every line of every command has its type" {
    run -0 j --format=jsonl oil
    types_are "hit summary"
    run -0 j --format=jsonl -n 0 oil          # no hit: the summary alone
    types_are "summary"
    run -0 j count --format=jsonl oil
    types_are "count"
    run -0 j show --format=jsonl j1 j2
    types_are "doc"
    run -0 j show --format=jsonl --fields id,len j1
    types_are "doc"
    run -0 j explain --format=jsonl oil j1
    types_are "explain"
    run -0 j stats --format=jsonl
    types_are "stats"
    run -0 j terms --format=jsonl
    types_are "term"
    run -0 j kwic --format=jsonl oil
    types_are "kwic"
    run -0 j hist --format=jsonl oil gas
    types_are "period summary"
    run -0 j hist --format=jsonl --normalize --by year oil
    types_are "period summary"
    run -0 j facet --format=jsonl type oil
    types_are "facet summary"
    run -1 j dups --format=jsonl
    types_are "summary"
    printf '%s\n' '{"id":"a","body":"oil prices rise again"}' \
        '{"id":"b","body":"oil prices rise again today"}' >d2.jsonl
    "$KQI" -q -d d2 d2.jsonl
    run -0 "$KQ" -d d2 dups --format=jsonl
    types_are "duplicate summary"
    run -0 j dups --format=jsonl --signatures
    types_are "signature"
    # a query that cannot run keeps its row, with the same type
    run -2 --separate-stderr j batch --counts --format=jsonl queries.tsv
    types_are "query"
    [ "$(jq -r '.qid' <<<"$output" | tr '\n' ' ')" = "a b c d " ]
    run -2 --separate-stderr j batch --format=jsonl queries.tsv
    types_are "query"
}

@test "jsonl: the hits are what select(.type==\"hit\") gives, the summary one line" {
    run -0 j --format=jsonl --all oil
    [ "$(jq -r 'select(.type == "hit") | .id' <<<"$output" | sort | tr '\n' ' ')" = "j1 j2 " ]
    [ "$(jq -c 'select(.type == "summary") | .total' <<<"$output")" = 2 ]
}

@test "jsonl: an extra field named type (or score) is in fields and cannot clobber kq's keys" {
    run -0 j --format=jsonl --all --fields id,type oil
    jq -e -s '.[:-1] | length == 2 and all(.[]; .type == "hit")' <<<"$output"
    [ "$(jq -r 'select(.type == "hit") | "\(.id) \(.fields.type)"' <<<"$output" | sort | tr '\n' ' ')" = "j1 blog j2 wire " ]
    run -0 j --format=json --all --fields id,type oil
    jq -e '[.hits[] | .fields.type] | sort == ["blog", "wire"]' <<<"$output"
    run -0 j show --format=jsonl j1
    jq -e '.type == "doc" and .fields.type == "blog" and .fields.score == "five"' <<<"$output"
    run -0 j show --format=jsonl --fields id,type,score j1
    jq -e '.type == "doc" and .id == "j1" and .fields == {"type": "blog", "score": "five"}' <<<"$output"
    # the hit's score stays the ranking score (a number), not the field
    run -0 j --format=jsonl --fields id,score oil
    jq -e -s '.[:-1] | all(.[]; (.score | type) == "number")' <<<"$output"
}

#!/usr/bin/env bats
# Output formats: --json, human output, colour, -n/--offset, --parse.
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    index_corpus
}

setup() {
    cd "$ROOT"
}

# oil matches 11 documents (grep -liwE 'oils?' corpus/*.txt | wc -l = 11):
# enough for -n and --offset.

@test "json: every line parses, hits have all keys, then one summary" {
    out=$(kq --json -n 100 oil)
    echo "$out"
    [ "$(wc -l <<<"$out")" -eq 12 ]                 # 11 hits + summary
    # jq -c re-encodes each line: fails if any line is not JSON
    jq -c . <<<"$out" >/dev/null
    # each line is exactly one object
    [ "$(jq -s length <<<"$out")" -eq 12 ]
    # hits: the six keys, with their types
    jq -e -s '.[:-1] | all(.[]; .type == "hit" and
        (has("rank") and has("id") and has("title") and has("date")
         and has("score") and has("snippet"))
        and (.rank|type) == "number" and (.id|type) == "string"
        and (.title|type) == "string" and (.score|type) == "number"
        and (.snippet|type) == "string"
        and ((.date == null) or (.date|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))))' <<<"$out"
    # last line: the summary
    tail -n 1 <<<"$out" | jq -e '.type == "summary" and .query == "oil" and .total == 11
        and .offset == 0 and .returned == 11'
}

@test "json: scores non-increasing, ranks 1..n" {
    out=$(kq --json -n 100 oil)
    jq -e -s '[.[:-1][] | .score] as $s
              | all(range(1; $s|length); $s[. - 1] >= $s[.])' <<<"$out"
    jq -e -s '[.[:-1][] | .rank] == [range(1; 12)]' <<<"$out"
}

@test "json: titles and dates come from the documents" {
    # corpus/0000.txt line 1 is its title; .txt documents carry no date.
    out=$(kq --json "ceasefire AND peacekeepers")
    jq -e -s 'map(select(.id == "corpus/0000.txt")) | length == 1 and (.[0]
           | .title == "Ethnic Armenian Breakaway Government In Nagorno-Karabakh Surrenders"
             and .date == null)' <<<"$out"
    jq -e -s 'map(select(.id == "corpus/0001.txt")) | length == 1
           and .[0].title == "UK troops on Ivory Coast standby"' <<<"$out"
}

@test "json: summary total equals kq -c" {
    for q in oil 'bank OR dollar' '"central bank"' 'peace*' 'oil NOT gulf' ceasefire; do
        c=$(kq -c "$q")
        t=$(kq --json "$q" | tail -n 1 | jq .total)
        [ "$c" = "$t" ] || { echo "$q: -c $c, total $t"; return 1; }
    done
}

@test "json: the summary echoes the query, joined from several arguments" {
    run -0 kq --json oil AND gulf
    tail -n 1 <<<"$output" | jq -e '.query == "oil AND gulf" and .total == 4'
}

@test "json: -n 3 gives 3 hits, the top 3" {
    all=$(kq --json -n 100 oil | jq -r 'select(.type == "hit") | .id')
    out=$(kq --json -n 3 oil)
    [ "$(jq -r 'select(.type == "hit") | .id' <<<"$out")" = "$(head -n 3 <<<"$all")" ]
    tail -n 1 <<<"$out" | jq -e '.returned == 3 and .total == 11'
}

@test "json: --offset 2 -n 2 gives hits 3-4 of the full list" {
    all=$(kq --json -n 100 oil | jq -r 'select(.type == "hit") | .id')
    out=$(kq --json --offset 2 -n 2 oil)
    echo "$out"
    [ "$(jq -r 'select(.type == "hit") | .id' <<<"$out")" = "$(sed -n 3,4p <<<"$all")" ]
    tail -n 1 <<<"$out" | jq -e '.offset == 2 and .returned == 2 and .total == 11'
}

@test "json: snippets contain a query word" {
    # every one of the 6 ceasefire documents contains the word (grep), so
    # the best window of each must show it.
    out=$(kq --json -n 100 ceasefire)
    [ "$(jq -s '.[:-1] | length' <<<"$out")" -eq 6 ]
    jq -e -s '.[:-1] | all(.[]; .snippet | ascii_downcase | contains("ceasefire"))' <<<"$out"
    # no ANSI escapes inside JSON
    [[ "$out" != *$'\e'* ]]
}

@test "human: title, id, score line, snippet, closing line" {
    run -0 kq "ceasefire AND peacekeepers"
    echo "$output"
    [ "${lines[0]}" = "1. Ethnic Armenian Breakaway Government In Nagorno-Karabakh Surrenders" ]
    # indented "ID  DATE  score S"
    [[ "${lines[1]}" =~ ^[[:space:]]+corpus/0000\.txt[[:space:]].*score\ [0-9] ]]
    # indented snippet mentioning a query word
    [[ "${lines[2]}" =~ ^[[:space:]]+ ]]
    [[ "${lines[2],,}" == *ceasefire* || "${lines[2],,}" == *peacekeeper* ]]
    [[ "$output" == *$'\n'"2. UK troops on Ivory Coast standby"$'\n'* ]]
    # closing line, e.g. "-- shown 2 of 2 matching documents" (the exact
    # wording of the range may vary): starts with --, total 2
    [[ "${lines[${#lines[@]}-1]}" =~ ^--.*[^0-9]2[^0-9].*match ]]
}

@test "human: -n 3 shows three hits and the total of 11" {
    run -0 kq -n 3 oil
    echo "$output"
    [ "$(grep -cE '^[0-9]+\. ' <<<"$output")" -eq 3 ]
    [[ "${lines[${#lines[@]}-1]}" =~ ^--.*[^0-9]3[^0-9].*[^0-9]11[^0-9].*match ]]
}

@test "human: no ANSI escapes when piped, --color=never" {
    out=$(kq ceasefire | cat)
    [ -n "$out" ]
    [[ "$out" != *$'\e'* ]]
    run -0 kq --color=never ceasefire
    [[ "$output" != *$'\e'* ]]
    run -0 kq --color=auto ceasefire
    [[ "$output" != *$'\e'* ]]
}

@test "human: --color=always highlights with ESC[" {
    run -0 kq --color=always ceasefire
    [[ "$output" == *$'\e['* ]]
    # and the highlighted word is the query word
    [[ "${output,,}" =~ $'\e'\[[0-9\;]*m(ceasefire) ]]
}

@test "-c prints only the number" {
    # ceasefire: 6 files (grep -liwE 'ceasefires?')
    run -0 kq -c ceasefire
    [ "$output" = 6 ]
    [ "${#lines[@]}" -eq 1 ]
}

@test "--parse prints the parsed query" {
    # Snowball english: ceasefire -> ceasefir, peacekeepers -> peacekeep
    run -0 kq --parse "ceasefire AND peacekeepers"
    [ "$output" = "AND(ceasefir, peacekeep)" ]
    # implicit AND is the same query
    run -0 kq --parse "Ceasefires peacekeepers"
    [ "$output" = "AND(ceasefir, peacekeep)" ]
}

@test "--check prints ok" {
    run -0 kq --check
    [[ "${lines[0]}" == ok* ]]
}

# Snippets highlight every query word they hold: there is no cap on the
# distinct words of a query (kq(1) LIMITS said 64, a cap the matches
# rewrite removed).  140 made-up words, each once, and their OR: every
# snippet is all highlights, together well past 64 distinct words.
@test "snippets: more than 64 distinct query words are highlighted" {
    cd "$BATS_TEST_TMPDIR"
    words=$(for i in $(seq 1 140); do printf 'zq%s ' "$(tr 0-9 a-j <<<"$i")"; done)
    printf '{"id":"d1","title":"t","body":"%s"}\n' "$words" >d.jsonl
    run -0 "$KQI" -q -d idx d.jsonl
    q=$(sed 's/ *$//; s/ / OR /g' <<<"$words")
    run -0 "$KQ" -d idx --format=jsonl --snippets 10 "$q"
    n=$(jq -s '[.[] | select(.type == "hit") | .snippets[].highlights | length] | add' <<<"$output")
    echo "highlights: $n" >&2
    [ "$n" -gt 64 ]
    # each highlight is a distinct word of the query (highlights are byte
    # offsets in the body, which is ASCII)
    run -0 jq -r --arg b "$words" 'select(.type == "hit") | .snippets[]
                                   | .highlights[] | $b[.[0]:.[1]]' <<<"$output"
    [ "$(grep -cx 'zq[a-j]*' <<<"$output")" -eq "$n" ]
    [ "$(sort -u <<<"$output" | wc -l)" -eq "$n" ]
}

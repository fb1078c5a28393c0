#!/usr/bin/env bats
# The demo: index corpus/, run the project's example query.
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    index_corpus
}

setup() {
    cd "$ROOT"
}

@test "demo: kq-index exits 0 and its summary line says 41 documents" {
    # corpus/ holds 41 files NNNN.txt (ls corpus/*.txt | wc -l = 41; SOURCE.md
    # lists 0000..0040) and no other *.txt.
    [ "$(ls corpus/*.txt | wc -l)" -eq 41 ]
    last=$(tail -n 1 "$BATS_FILE_TMPDIR/index.out")
    echo "summary: $last"
    [[ "$last" =~ ^kq-index:\ 41\ documents,\ [0-9]+\ tokens,\ [0-9]+\ terms,\ [0-9]+\ bytes\ in,\ [0-9]+\ index\ bytes,\ [0-9.]+\ s,\ [0-9.]+\ MB/s$ ]]
}

@test "demo: the summary's counts are plausible" {
    # wc -w corpus/*.txt = 16484 whitespace-separated words, 70 of them
    # without any letter or digit; grep -oE '[[:alnum:]]+' finds 17023 runs of
    # letters/digits.  So there are at least 15000 tokens.  Distinct terms are
    # fewer than tokens.  `bytes in` is at most the corpus size
    # (cat corpus/*.txt | wc -c = 98926, including line 2, the blank line).
    last=$(tail -n 1 "$BATS_FILE_TMPDIR/index.out")
    tokens=$(sed -E 's/.* ([0-9]+) tokens.*/\1/' <<<"$last")
    terms=$(sed -E 's/.* ([0-9]+) terms.*/\1/' <<<"$last")
    bytesin=$(sed -E 's/.* ([0-9]+) bytes in.*/\1/' <<<"$last")
    total=$(cat corpus/*.txt | wc -c)
    echo "tokens=$tokens terms=$terms bytesin=$bytesin corpus=$total"
    [ "$tokens" -ge 15000 ]
    [ "$terms" -gt 1000 ] && [ "$terms" -lt "$tokens" ]
    [ "$bytesin" -gt $((total / 2)) ] && [ "$bytesin" -le "$total" ]
}

@test "demo: kq \"ceasefire AND peacekeepers\" lists corpus/0000.txt first" {
    # grep -liwE 'ceasefires?' corpus/*.txt            -> 0000 0001 0002 0021 0022 0023
    # grep -liwE 'peacekeep(ers|ing)' corpus/*.txt     -> 0000 0001
    # (peacekeepers/peacekeeping share the Snowball stem peacekeep.)
    # Both: 0000 and 0001.  0000 has ceasefire 6 times, 0001 once
    # (grep -oiw ceasefire), both have 2 peacekeep* words, so 0000 ranks first.
    run -0 kq "ceasefire AND peacekeepers"
    echo "$output"
    [[ "${lines[0]}" == "1. Ethnic Armenian Breakaway Government In Nagorno-Karabakh Surrenders" ]]
    [[ "${lines[1]}" == *corpus/0000.txt* ]]
    [[ "$output" == *corpus/0001.txt* ]]
    [[ "$output" == *"UK troops on Ivory Coast standby"* ]]
    run -0 kq -c "ceasefire AND peacekeepers"
    [ "$output" = 2 ]
    first=$(kq --json "ceasefire AND peacekeepers" | head -n 1 | jq -r .id)
    [ "$first" = corpus/0000.txt ]
}

@test "demo: kq --check passes on a fresh index" {
    run -0 kq --check
    [[ "$output" == ok* ]]
}

@test "demo: re-indexing into a second directory gives the same results" {
    cd "$ROOT"
    run -0 "$KQI" -d "$BATS_TEST_TMPDIR/idx2" corpus/
    [[ "${lines[${#lines[@]}-1]}" == "kq-index: 41 documents,"* ]]
    for q in "ceasefire AND peacekeepers" oil 'bank OR dollar' '"central bank"' 'peace*' 'oil NOT gulf'; do
        # (the summaries name their index directories)
        a=$("$KQ" -d "$IDX" --json -n 100 "$q" | jq -c 'del(.index)')
        b=$("$KQ" -d "$BATS_TEST_TMPDIR/idx2" --json -n 100 "$q" | jq -c 'del(.index)')
        [ "$a" = "$b" ] || { echo "differs for $q"; diff <(echo "$a") <(echo "$b"); return 1; }
    done
}

@test "demo: kq index -d DIR corpus/ runs kq-index" {
    cd "$ROOT"
    run -0 "$KQ" index -d "$BATS_TEST_TMPDIR/idx3" corpus/
    [[ "${lines[${#lines[@]}-1]}" == "kq-index: 41 documents,"* ]]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/idx3" -c "ceasefire AND peacekeepers"
    [ "$output" = 2 ]
    first=$("$KQ" -d "$BATS_TEST_TMPDIR/idx3" --json "ceasefire AND peacekeepers" | head -n 1 | jq -r .id)
    [ "$first" = corpus/0000.txt ]
}

@test "demo: \$KQ_INDEX and the default ./.kq select the index" {
    # oil: grep -liwE 'oils?' corpus/*.txt | wc -l = 11
    run -0 env KQ_INDEX="$IDX" "$KQ" -c oil
    [ "$output" = 11 ]
    # -d wins over $KQ_INDEX
    run -0 env KQ_INDEX=/nonexistent/kq "$KQ" -d "$IDX" -c oil
    [ "$output" = 11 ]
    # neither: ./.kq, created by kq-index in the current directory
    mkdir "$BATS_TEST_TMPDIR/w" && cd "$BATS_TEST_TMPDIR/w"
    run -0 "$KQI" "$ROOT/corpus"
    [ -d .kq ]
    run -0 "$KQ" -c oil
    [ "$output" = 11 ]
}

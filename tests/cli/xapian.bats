#!/usr/bin/env bats
# The Xapian backend as a differential oracle for the native index.
#
# corpus/ is indexed twice, natively and with --backend=xapian (a real
# Xapian database fed by kq's own analysis).  For fixed queries and for
# generated random ones (seeded; the seed is printed on failure, and
# KQ_TEST_SEED replays it) both backends must return the same number of
# matches, the same documents in the same order, and the same BM25 scores
# (to 1e-6 relative; both use k1 1.2, b 0.75 and Xapian's idf).
bats_require_minimum_version 1.5.0
load helpers
load ../lib/randquery

setup_file() {
    index_corpus
    cd "$ROOT" || return 1
    "$KQI" -q --backend=xapian -d "$BATS_FILE_TMPDIR/xdb" corpus/ \
        2>"$BATS_FILE_TMPDIR/x.err" || { cat "$BATS_FILE_TMPDIR/x.err" >&2; return 1; }
}

setup() {
    cd "$ROOT"
}

# "count" then one "id score" line per hit, for backend DIR and query Q
# ($ANSWER_OPTS: more options, e.g. --or).
answer() {
    local n
    n=$("$KQ" -d "$1" -c $ANSWER_OPTS -- "$2")
    echo "count $n"
    "$KQ" -d "$1" --json -n 1000 $ANSWER_OPTS -- "$2" | jq -r 'select(.type == "hit") | "\(.id) \(.score)"'
}

# Compare the two backends on query $1; print the difference on failure.
same_answer() {
    local a b
    a=$(answer "$IDX" "$1")
    b=$(answer "$BATS_FILE_TMPDIR/xdb" "$1")
    if ! paste -d' ' <(echo "$a") <(echo "$b") | awk '
        NF != 4 || $1 != $3 { bad = 1; exit }
        $1 != "count" { d = $2 - $4; if (d < 0) d = -d; if (d > 1e-6 * (1 + $2)) { bad = 1; exit } }
        $1 == "count" && $2 != $4 { bad = 1; exit }
        END { exit bad }'; then
        echo "query: $1" >&2
        diff <(echo "$a") <(echo "$b") >&2
        return 1
    fi
}

@test "xapian: the database is a Xapian database that xapian-check accepts" {
    [ -f "$BATS_FILE_TMPDIR/xdb/iamglass" ]
    run xapian-check "$BATS_FILE_TMPDIR/xdb"
    [ "$status" -eq 0 ]
    [[ "$output" == *"No errors found"* ]]
    run xapian-delve "$BATS_FILE_TMPDIR/xdb"
    [[ "$output" == *"number of documents = 41"* ]]
}

@test "xapian: the demo query gives the same output on both backends" {
    run "$KQ" -d "$BATS_FILE_TMPDIR/xdb" "ceasefire AND peacekeepers"
    no_crash
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "1. Ethnic Armenian Breakaway Government In Nagorno-Karabakh Surrenders" ]]
    # (the summaries name their index, backend and generation)
    [ "$("$KQ" -d "$IDX" --json "ceasefire AND peacekeepers" | jq -c 'del(.index, .backend, .generation)')" = \
      "$("$KQ" -d "$BATS_FILE_TMPDIR/xdb" --json "ceasefire AND peacekeepers" | jq -c 'del(.index, .backend, .generation)')" ]
}

@test "xapian: fixed queries agree (AND, OR, NOT, phrases, prefixes, nesting)" {
    for q in ceasefire 'ceasefire AND peacekeepers' 'oil OR bank OR dollar' \
             'oil NOT gulf' '-oil said' 'NOT the' '"prime minister"' \
             '"central bank"' 'peace-keepers' 'U.S.' 'peace*' 'govern*' \
             'ceasef*' '(oil OR bank) AND (dollar OR price*)' \
             'NOT NOT oil' 'oil -(gulf OR iran)' 'xyzzy' 'xyzzy*' \
             'said AND NOT (oil OR "prime minister")'; do
        same_answer "$q"
    done
}

@test "xapian: with --or, + and - agree (+a b c: Xapian's AND_MAYBE)" {
    ANSWER_OPTS=--or
    for q in '+ceasefire peacekeepers troops' '+oil +bank dollar' \
             'oil bank -dollar' '+said oil -gulf "prime minister"' '-oil -said' \
             '+(oil OR bank) dollar price*'; do
        same_answer "$q"
    done
    [ "$(answer "$BATS_FILE_TMPDIR/xdb" '+oil bank' | sed -n 's/^count //p')" -eq \
      "$("$KQ" -d "$IDX" -c oil)" ]
}

@test "xapian: patterns, fuzzy words and expanding words in phrases and titles agree, scores too" {
    for q in '*fire' 'ceas?fire' 'pe?ce*' 'govern*ent' '*ation' 'ceasefire~1' \
             'peacekepers~2' 'ministre~' '"prime minis*"' '"pr?me minister"' \
             'title:*fire' 'title:"prime minis*"' 'minis* AND *ation' \
             'ceasefire~1 OR peace*' '"*ment of"' 'id:corpus/00*'; do
        same_answer "$q"
    done
}

@test "xapian: 150 random queries agree (seeded; 50 under ASan)" {
    seed=${KQ_TEST_SEED:-$(date +%s)}
    # The sanitizer build runs Xapian instrumented too, several times
    # slower: a third of the queries there keeps make check short.
    local nq=150
    if grep -qa __asan_init "$KQ"; then nq=50; fi
    echo "# seed $seed (replay with KQ_TEST_SEED=$seed)" >&3
    # Words of the corpus: letters only, 3 to 12 long.
    mapfile -t W < <(cat corpus/*.txt | grep -oE '[A-Za-z]{3,12}' | LC_ALL=C sort -u)
    [ "${#W[@]}" -gt 1000 ]
    RANDOM=$seed
    for i in $(seq "$nq"); do
        rq_query
        same_answer "$Q" || { echo "seed $seed, query $i" >&2; false; }
    done
}

@test "xapian: --check and kq-index errors on a Xapian database" {
    run "$KQ" -d "$BATS_FILE_TMPDIR/xdb" --check
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *"xapian-check"* ]]
    run "$KQI" --backend=bogus -d "$BATS_TEST_TMPDIR/y" corpus/
    [ "$status" -eq 2 ]
    # A path that cannot be a database: exit 3 with Xapian's reason.
    run "$KQI" --backend=xapian -d /proc/kq-no corpus/
    no_crash
    [ "$status" -eq 3 ]
    [[ "$output" == *"xapian"* ]]
}

@test "xapian: a database of another text analysis version is refused, by kq and kq-index" {
    command -v xapian-metadata >/dev/null || skip "xapian-metadata (xapian-tools) missing"
    cp -r "$BATS_FILE_TMPDIR/xdb" "$BATS_TEST_TMPDIR/old"
    run "$KQ" -d "$BATS_TEST_TMPDIR/old" -c oil
    [ "$status" -eq 0 ]
    # As a database written before kq:analysis existed (none), and as one of
    # a later analysis.
    for v in "" 99; do
        xapian-metadata set "$BATS_TEST_TMPDIR/old" kq:analysis "$v"
        run "$KQ" -d "$BATS_TEST_TMPDIR/old" -c oil
        no_crash
        [ "$status" -eq 3 ]
        [[ "$output" == *"text analysis version ${v:-1}"*"index the corpus again"* ]]
        run "$KQI" -q --backend=xapian -d "$BATS_TEST_TMPDIR/old" corpus/
        no_crash
        [ "$status" -eq 4 ]
        [[ "$output" == *"text analysis version ${v:-1}"* ]]
    done
}

@test "xapian: a backend never writes into the other's directory" {
    run "$KQI" --backend=xapian -d "$IDX" corpus/
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *"native kq index"* ]]
    run "$KQI" -d "$BATS_FILE_TMPDIR/xdb" corpus/
    [ "$status" -eq 2 ]
    [[ "$output" == *"Xapian database"* ]]
    # Both are still intact.
    run "$KQ" -d "$IDX" --check
    [ "$status" -eq 0 ]
    run xapian-check "$BATS_FILE_TMPDIR/xdb"
    [ "$status" -eq 0 ]
}

@test "xapian: kwic and snippets give the same matches on both backends" {
    # Matches come from each backend's own positions (kq's posting lists,
    # Xapian's position lists) by the one rule of match.c: the lines, with
    # their byte ranges, must be the same.
    local n=0
    for q in ceasefire '"the ceasefire"' 'ceasefire NEAR/10 kashmir' \
             'line ADJ/2 control' 'the NEAR/3 ceasefire NEAR/3 line' \
             'said ADJ/4 the' 'title:ceasefire OR troops' \
             'ceasefire -troops' '"peace talks" OR peace' 'ceasefir*'; do
        a=$("$KQ" -d "$IDX" kwic --all --format=tsv -- "$q")
        b=$("$KQ" -d "$BATS_FILE_TMPDIR/xdb" kwic --all --format=tsv -- "$q")
        [ "$a" = "$b" ] || { echo "query: $q"; diff <(echo "$a") <(echo "$b"); return 1; }
        n=$((n + $(echo "$a" | wc -l) - 1))
        a=$("$KQ" -d "$IDX" --format=jsonl --snippets=3 -n 5 -- "$q" | jq -c 'select(.type == "hit") | [.id, .snippets]')
        b=$("$KQ" -d "$BATS_FILE_TMPDIR/xdb" --format=jsonl --snippets=3 -n 5 -- "$q" | jq -c 'select(.type == "hit") | [.id, .snippets]')
        [ "$a" = "$b" ] || { echo "snippets of: $q"; diff <(echo "$a") <(echo "$b"); return 1; }
    done
    [ "$n" -gt 50 ]   # the queries do find matches
}

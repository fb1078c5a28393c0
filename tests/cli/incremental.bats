#!/usr/bin/env bats
# Growing an index: add, update, skip unchanged, rm, --delete-missing,
# merges and compact.  The core check: after random sequences of these,
# the index answers like a fresh index of the same final documents.
bats_require_minimum_version 1.5.0
load helpers
load ../lib/randquery

setup() {
    T="$BATS_TEST_TMPDIR"
    cd "$T" || return 1
    mkdir w
}

# Sorted "id score" of every hit of query $2 in index $1.
scored() {
    "$KQ" -d "$1" --json --no-snippets -n 1000 -- "$2" |
        jq -r 'select(.type == "hit") | "\(.id) \(.score)"' | sort
}
# Sorted ids of every hit.
ids() {
    "$KQ" -d "$1" --json --no-snippets -n 1000 -- "$2" |
        jq -r 'select(.type == "hit") | .id' | sort
}

@test "incremental: indexing the same files again skips them all" {
    cp "$ROOT"/corpus/00[0-2]?.txt w/
    run "$KQI" -d idx w
    [ "$status" -eq 0 ]
    gen=$("$KQ" -d idx --check)
    run "$KQI" -d idx w
    no_crash
    [ "$status" -eq 0 ]
    [[ "$output" == *"0 documents"* ]]
    [[ "$output" == *"30 unchanged (skipped), 0 replaced"* ]]
    # Nothing changed: no new generation.
    [ "$("$KQ" -d idx --check)" = "$gen" ]
}

@test "incremental: a changed file replaces its old version" {
    cp "$ROOT"/corpus/00[0-2]?.txt w/
    "$KQI" -q -d idx w
    [ "$("$KQ" -d idx -c zyxwvut)" = 0 ]
    n=$("$KQ" -d idx -c ceasefire)
    echo "zyxwvut" >> w/0003.txt
    run "$KQI" -d idx w
    no_crash
    [ "$status" -eq 0 ]
    [[ "$output" == *"1 documents"* ]]
    [[ "$output" == *"29 unchanged (skipped), 1 replaced"* ]]
    [ "$("$KQ" -d idx -c zyxwvut)" = 1 ]
    # Still 30 documents, each once.
    [[ "$("$KQ" -d idx --check)" == *"30 documents"* ]]
    [ "$("$KQ" -d idx -c ceasefire)" = "$n" ]
    [ "$(ids idx 'NOT zzzzqqq' | uniq -d)" = "" ]
}

@test "incremental: rm deletes by id, from arguments and stdin; unknown ids are named" {
    cp "$ROOT"/corpus/00[0-2]?.txt w/
    "$KQI" -q -d idx w
    run "$KQI" rm -d idx w/0001.txt w/0002.txt
    no_crash
    [ "$status" -eq 0 ]
    [[ "$output" == *"deleted 2 document(s)"* ]]
    printf 'w/0003.txt\nw/nosuch.txt\n' | {
        run "$KQI" rm -d idx -
        no_crash
        [ "$status" -eq 1 ]
        [[ "$output" == *"w/nosuch.txt: no such document"* ]]
        [[ "$output" == *"deleted 1 document(s)"* ]]
    }
    [[ "$("$KQ" -d idx --check)" == *"27 documents"* ]]
    run ids idx 'NOT zzzzqqq'
    [[ "$output" != *"w/0001.txt"* ]]
    [[ "$output" != *"w/0003.txt"* ]]
    [[ "$output" == *"w/0004.txt"* ]]
    # Counts and ranking equal those of an index built without them.
    rm w/0001.txt w/0002.txt w/0003.txt
    "$KQI" -q -d fresh w
    for q in ceasefire 'oil OR gas' 'NOT oil' '"central bank"' 'peace*'; do
        [ "$("$KQ" -d idx -c "$q")" = "$("$KQ" -d fresh -c "$q")" ]
    done
}

@test "incremental: --delete-missing mirrors the inputs, and refuses after read errors" {
    cp "$ROOT"/corpus/00[0-2]?.txt w/
    "$KQI" -q -d idx w
    rm w/0005.txt w/0006.txt
    run "$KQI" --delete-missing -d idx w
    no_crash
    [ "$status" -eq 0 ]
    [[ "$output" == *"28 unchanged (skipped), 0 replaced, 2 deleted"* ]]
    [[ "$("$KQ" -d idx --check)" == *"28 documents"* ]]
    # An input that cannot be read: its documents must not be deleted.
    if [ "$(id -u)" -ne 0 ]; then
        chmod 000 w/0007.txt
        rm w/0008.txt
        run "$KQI" --delete-missing -d idx w
        chmod 644 w/0007.txt
        no_crash
        [ "$status" -eq 1 ]
        [[ "$output" == *"--delete-missing not applied"* ]]
        [[ "$("$KQ" -d idx --check)" == *"28 documents"* ]]
    fi
}

@test "incremental: many small commits are merged by the policy; compact leaves one segment" {
    for i in $(seq 0 19); do
        cp "$ROOT"/corpus/00$(printf %02d $((i * 2))).txt w/ 2>/dev/null || true
        "$KQI" -q -d idx w
    done
    out=$("$KQ" -d idx --check)
    nseg=$(sed -n 's/.* \([0-9]*\) segment(s).*/\1/p' <<<"$out")
    [ "$nseg" -ge 1 ] && [ "$nseg" -lt 8 ]
    "$KQI" -q -d fresh w
    for q in ceasefire 'oil OR gas' '"prime minister"' 'NOT the' 'peace*'; do
        [ "$(scored idx "$q")" = "$(scored fresh "$q")" ]
    done
    run "$KQI" compact -d idx
    no_crash
    [ "$status" -eq 0 ]
    [[ "$output" == *"1 segment(s)"* ]]
    [[ "$("$KQ" -d idx --check)" == *" 1 segment(s)"* ]]
    # Only the files of the current generation are left.
    [ "$(ls idx | grep -c '^seg')" -eq 5 ]
}

# One random sequence of adds, changes, deletes, merges and compactions on
# index "idx", mirrored in directory w/; then the same as a fresh index of
# w/ -- counts all along the way, scores after a final compact.
# KQ_INCR_STEPS=N makes the sequences longer (default 8 steps).
random_sequence() {
    RANDOM=$1
    local pool=("$ROOT"/corpus/*.txt) step f n k q
    W=()
    for f in "${pool[@]}"; do
        W+=($(tr -cs 'A-Za-z' '\n' <"$f" | tr 'A-Z' 'a-z' | awk 'length > 3' | head -40))
    done
    for step in $(seq 1 "${KQ_INCR_STEPS:-8}"); do
        k=$((RANDOM % 7))
        # Until the index exists and holds files, only adds make sense.
        if [ ! -d idx ] || [ -z "$(ls w)" ]; then k=0; fi
        case $k in
        0 | 1) # add a few new or existing files, index the whole directory
            for n in 1 2 3; do
                f=${pool[$((RANDOM % ${#pool[@]}))]}
                cp "$f" "w/d$((RANDOM % 30)).txt"
            done
            "$KQI" -q -j $((RANDOM % 2 + 1)) --commit-every $((RANDOM % 2 ? 4 : 64))K -d idx w ;;
        2) # change one document and index only that file
            f=$(ls w | head -$((RANDOM % $(ls w | wc -l | tr -d ' ') + 1)) | tail -1)
            [ -n "$f" ] || continue
            rq_word; echo "$REPLY extra$((RANDOM % 5))" >> "w/$f"
            "$KQI" -q -d idx "w/$f" ;;
        3) # rm one document
            f=$(ls w | head -1)
            [ -n "$f" ] || continue
            rm "w/$f"
            "$KQI" rm -q -d idx "w/$f" ;;
        4) # remove files, then --delete-missing
            for f in $(ls w | awk -v s=$RANDOM 'BEGIN{srand(s)} rand() < 0.3'); do rm "w/$f"; done
            "$KQI" -q --delete-missing --no-merge -d idx w ;;
        5) "$KQI" compact -q -d idx ;;
        6) # a duplicate id inside one run: a later line wins
            f=${pool[$((RANDOM % ${#pool[@]}))]}
            cp "$f" "w/d$((RANDOM % 30)).txt"
            "$KQI" -q -d idx w w ;;
        esac || { echo "step $step (op $k) failed" >&2; return 1; }
        "$KQ" -d idx --check >/dev/null || { echo "check failed after step $step" >&2; return 1; }
        rm -rf fresh
        if [ -n "$(ls w)" ]; then "$KQI" -q -j 1 -d fresh w; fi
        for n in 1 2 3; do
            rq_query
            if [ -d fresh ]; then
                a=$("$KQ" -d idx -c -- "$Q" || true); b=$("$KQ" -d fresh -c -- "$Q" || true)
                [ "$a" = "$b" ] || { echo "seed $1 step $step: '$Q' $a vs $b" >&2; return 1; }
                [ "$(ids idx "$Q")" = "$(ids fresh "$Q")" ] || { echo "seed $1 step $step: ids of '$Q' differ" >&2; return 1; }
            fi
        done
    done
    [ -d fresh ] || return 0
    "$KQI" compact -q -d idx
    for n in $(seq 1 12); do
        rq_query
        if [ "$(scored idx "$Q")" != "$(scored fresh "$Q")" ]; then
            echo "seed $1: scores of '$Q' differ after compact" >&2
            diff <(scored idx "$Q") <(scored fresh "$Q") >&2
            return 1
        fi
    done
}

@test "incremental: random sequences answer like a fresh index (seed 11)" {
    random_sequence 11
}

@test "incremental: random sequences answer like a fresh index (seed 2024)" {
    random_sequence 2024
}


#!/usr/bin/env bats
# Building Xapian databases: shards written on several threads, one
# machine's share of a collection (--shard K/N), and updates and deletes
# routed to the shard of the id.
#
# Databases are compared document for document with tests/tools/xdump,
# which reads them through Xapian's own API (every metadata key, then for
# every docid its length, data, values, and terms with wdf and positions):
# equal dumps are equal databases, docids included.
bats_require_minimum_version 1.5.0
load helpers

XDUMP=${KQ_XDUMP:-$ROOT/build/tests/xdump}

setup_file() {
    local d=$BATS_FILE_TMPDIR
    cd "$ROOT" || return 1
    gzip -dc tests/data/reuters/slice.jsonl.gz >"$d/all.jsonl"
    "$KQI" -q --backend=xapian --shards 3 -j 1 -d "$d/s3j1" "$d/all.jsonl" || return 1
    "$KQI" -q -d "$d/native" "$d/all.jsonl" || return 1
}

setup() {
    cd "$ROOT"
    D=$BATS_FILE_TMPDIR
    T=$BATS_TEST_TMPDIR
}

# Are databases $1 and $2 the same, document for document?
same_db() {
    "$XDUMP" "$1" >"$T/a.dump" && "$XDUMP" "$2" >"$T/b.dump" || return 1
    grep -q '^doc ' "$T/a.dump" || { echo "$1: no documents" >&2; return 1; }
    cmp -s "$T/a.dump" "$T/b.dump" || {
        echo "$1 and $2 differ:" >&2
        diff "$T/a.dump" "$T/b.dump" | head -5 >&2
        return 1
    }
}

@test "xbuild: xdump sees a difference of one posting (the comparison can fail)" {
    "$KQI" -q --backend=xapian -d "$T/a" corpus/0001.txt
    "$KQI" -q --backend=xapian -d "$T/b" corpus/0002.txt
    run same_db "$T/a" "$T/a"
    [ "$status" -eq 0 ]
    run same_db "$T/a" "$T/b"
    [ "$status" -ne 0 ]
}

@test "xbuild: --shards N -j M writes the same databases as -j 1 (N 2, 3, 4; M 2, 3, 8)" {
    for n in 2 4; do
        "$KQI" -q --backend=xapian --shards $n -j 1 -d "$T/n${n}j1" "$D/all.jsonl"
    done
    for nm in 2:2 3:2 3:3 3:8 4:2 4:3; do
        n=${nm%:*} m=${nm#*:}
        run "$KQI" --backend=xapian --shards $n -j $m -d "$T/n${n}j$m" "$D/all.jsonl"
        no_crash
        [ "$status" -eq 0 ]
        [[ "$output" == "kq-index: 2753 documents, "* ]]
        ref=$T/n${n}j1
        [ $n -eq 3 ] && ref=$D/s3j1
        for ((k = 0; k < n; k++)); do
            same_db "$ref/shard00$k" "$T/n${n}j$m/shard00$k"
        done
    done
}

@test "xbuild: --shard K/N databases are shard K of --shards N, and together answer as it does" {
    for k in 0 1 2; do
        run "$KQI" --backend=xapian --shard $k/3 -d "$T/p$k" "$D/all.jsonl"
        no_crash
        [ "$status" -eq 0 ]
        same_db "$D/s3j1/shard00$k" "$T/p$k"
    done
    # Every document is in exactly one part: the parts' counts add up.
    n=0
    for k in 0 1 2; do
        c=$("$KQ" -d "$T/p$k" -c '*')
        [ "$c" -gt 500 ]
        n=$((n + c))
    done
    [ "$n" -eq 2753 ]
    # The three parts searched together equal the --shards build and
    # the native index (patterns and fuzzy words read the vocabulary,
    # which every part has whole).
    for q in oil 'oil AND price' '"crude oil"' 'pric*' 'petro?eum' 'barels~1' 'title:oil'; do
        a=$("$KQ" -d "$D/s3j1" --json -n 3000 "$q" | jq -c 'select(.type == "hit") | [.score, .id]' | LC_ALL=C sort)
        b=$("$KQ" -d "$T/p2" -d "$T/p0" -d "$T/p1" --json -n 3000 "$q" | jq -c 'select(.type == "hit") | [.score, .id]' | LC_ALL=C sort)
        c=$("$KQ" -d "$D/native" --json -n 3000 "$q" | jq -c 'select(.type == "hit") | [.score, .id]' | LC_ALL=C sort)
        [ -n "$a" ] || { echo "no hits: $q"; return 1; }
        [ "$a" = "$b" ] || { echo "parts differ: $q"; return 1; }
        [ "$(cut -d, -f2 <<<"$a")" = "$(cut -d, -f2 <<<"$c")" ] || { echo "native differs: $q"; return 1; }
    done
    # Date order, ties included: every part numbers its documents in the
    # order of the whole input (value 5), as the native index's docids.
    for q in oil '*'; do
        a=$("$KQ" -d "$T/p2" -d "$T/p0" -d "$T/p1" --sort=date --format=ids -n 3000 "$q")
        b=$("$KQ" -d "$D/native" --sort=date --format=ids -n 3000 "$q")
        [ -n "$a" ] && [ "$a" = "$b" ] || { echo "date order differs: $q"; return 1; }
    done
    # The summary says what was left to the other shards.
    run "$KQI" --backend=xapian --shard 1/3 -d "$T/again" "$D/all.jsonl"
    [[ "$output" == *"kq-index: $((2753 - $("$KQ" -d "$T/p1" -c '*'))) documents of other shards not written (--shard 1/3)"* ]]
}

@test "xbuild: the same hash routes a document for --shards and --shard (FNV-1a of the id, mod N)" {
    # FNV-1a 32-bit of each id, mod 3, worked out in Python (an oracle
    # apart from xbackend.c), against the shard each document is in.
    jq -r .id "$D/all.jsonl" | head -200 | python3 -c '
import sys
for line in sys.stdin:
    i = line.rstrip("\n")
    h = 2166136261
    for b in i.encode():
        h = ((h ^ b) * 16777619) % 2**32
    print(i + "\t" + str(h % 3))' >"$T/want"
    while IFS=$'\t' read -r id k; do
        [ "$("$KQ" -d "$D/s3j1/shard00$k" -c "id:\"$id\"")" = 1 ] || { echo "$id not in shard $k"; return 1; }
    done <"$T/want"
}

@test "xbuild: a document indexed again replaces the old one (no duplicates; its docid kept), in a database and in shards" {
    for how in one shards; do
        opt=()
        [ $how = shards ] && opt=(--shards 2)
        d=$T/$how
        "$KQI" -q --backend=xapian "${opt[@]}" -d "$d" corpus/
        n=$("$KQ" -d "$d" -c '*')
        c=$("$KQ" -d "$d" -c ceasefire)
        "$KQI" -q --backend=xapian "${opt[@]}" -d "$d" corpus/
        [ "$("$KQ" -d "$d" -c '*')" -eq "$n" ]
        [ "$("$KQ" -d "$d" -c ceasefire)" -eq "$c" ]
        # A changed document: its new text is found, its old is not.
        mkdir -p "$T/c" && cp corpus/0001.txt "$T/c/0001.txt"
        "$KQI" -q --backend=xapian "${opt[@]}" -d "$d" "$T/c/0001.txt"
        printf 'Zyxwvut title\nquux frobnicated\n' >"$T/c/0001.txt"
        "$KQI" -q --backend=xapian "${opt[@]}" -d "$d" "$T/c/0001.txt"
        [ "$("$KQ" -d "$d" -c '*')" -eq $((n + 1)) ]
        [ "$("$KQ" -d "$d" -c frobnicated)" -eq 1 ]
        [ "$("$KQ" -d "$d" -c "id:\"$T/c/0001.txt\" AND peacekeepers")" -eq 0 ]
        [ "$("$KQ" -d "$d" -c "id:\"$T/c/0001.txt\"")" -eq 1 ]
    done
    # In place: the docids are as before, and all but the documents'
    # numbers in the order they were given (value 5, which date order
    # breaks ties by, as the native index by docid: a replaced document
    # comes last, in both) is equal.
    "$KQI" -q --backend=xapian -d "$T/r1" corpus/
    "$KQI" -q --backend=xapian -d "$T/r2" corpus/
    "$KQI" -q --backend=xapian -d "$T/r2" corpus/0003.txt corpus/0000.txt
    "$XDUMP" "$T/r1" | grep -v -e '^meta kq:seq ' -e '^value 5 ' >"$T/r1.dump"
    "$XDUMP" "$T/r2" | grep -v -e '^meta kq:seq ' -e '^value 5 ' >"$T/r2.dump"
    cmp "$T/r1.dump" "$T/r2.dump"
    "$XDUMP" "$T/r2" | grep -qx 'meta kq:seq 43'
    [ "$(grep -c '^doc ' "$T/r2.dump")" -eq 41 ]
}

@test "xbuild: kq-index rm deletes from the shard of the id; an unknown id is reported (exit 1)" {
    "$KQI" -q --backend=xapian --shards 3 -d "$T/s" "$D/all.jsonl"
    ids=$(jq -r .id "$D/all.jsonl" | sed -n '10p;500p;2000p')
    n=$("$KQ" -d "$T/s" -c '*')
    run "$KQI" rm -d "$T/s" $ids
    no_crash
    [ "$status" -eq 0 ]
    [ "$("$KQ" -d "$T/s" -c '*')" -eq $((n - 3)) ]
    for id in $ids; do
        [ "$("$KQ" -d "$T/s" -c "id:\"$id\"")" -eq 0 ]
    done
    run "$KQI" rm -d "$T/s" no-such-id
    [ "$status" -eq 1 ]
    [[ "$output" == *"no-such-id: no such document"* ]]
    # From a --shard K/N database: an id of another shard is not there.
    "$KQI" -q --backend=xapian --shard 0/3 -d "$T/p0" "$D/all.jsonl"
    mine=$("$KQ" -d "$T/p0" --format=ids -n 1 '*')
    other=$(jq -r .id "$D/all.jsonl" | grep -vxF "$("$KQ" -d "$T/p0" --format=ids -n 3000 '*')" | head -1)
    run "$KQI" rm -d "$T/p0" "$other"
    [ "$status" -eq 1 ]
    [[ "$output" == *"no such document here: its id goes to shard "*" of 3, not to this one (0)"* ]]
    run "$KQI" rm -d "$T/p0" "$mine"
    [ "$status" -eq 0 ]
    [ "$("$KQ" -d "$T/p0" -c "id:\"$mine\"")" -eq 0 ]
    # rm on a directory with no index.
    run "$KQI" rm -d "$T/none" x
    [ "$status" -eq 3 ]
}

@test "xbuild: a database remembers how it is sharded: updates go where the first run put documents" {
    "$KQI" -q --backend=xapian --shards 2 -d "$T/s" corpus/
    # Without --shards: the stub says 2.
    "$KQI" -q --backend=xapian -d "$T/s" corpus/
    [ "$("$KQ" -d "$T/s" -c '*')" -eq 41 ]
    run "$KQI" --backend=xapian --shards 3 -d "$T/s" corpus/
    [ "$status" -eq 2 ]
    [[ "$output" == *"the database has 2 shards, not 3"* ]]
    run "$KQI" --backend=xapian --shard 1/2 -d "$T/s" corpus/
    [ "$status" -eq 2 ]
    [[ "$output" == *"a database of 2 shards is not one shard"* ]]
    # A --shard database: without --shard it stays its part.
    "$KQI" -q --backend=xapian --shard 1/2 -d "$T/p" corpus/
    n=$("$KQ" -d "$T/p" -c '*')
    [ "$n" -lt 41 ]
    "$KQI" -q --backend=xapian -d "$T/p" corpus/
    [ "$("$KQ" -d "$T/p" -c '*')" -eq "$n" ]
    same_db "$T/s/shard001" "$T/p"
    run "$KQI" --backend=xapian --shard 0/2 -d "$T/p" corpus/
    [ "$status" -eq 2 ]
    [[ "$output" == *"the database is shard 1/2, not 0/2"* ]]
    run "$KQI" --backend=xapian --shards 2 -d "$T/p" corpus/
    [ "$status" -eq 2 ]
    # A whole database is no shard.
    "$KQI" -q --backend=xapian -d "$T/w" corpus/
    run "$KQI" --backend=xapian --shard 0/2 -d "$T/w" corpus/
    [ "$status" -eq 2 ]
    [[ "$output" == *"holds a whole collection, not shard 0/2"* ]]
    run "$KQI" --backend=xapian --shards 2 -d "$T/w" corpus/
    [ "$status" -eq 2 ]
    [[ "$output" == *"not sharded"* ]]
}

@test "xbuild: --shard K/N takes 0 <= K < N <= 1024, and needs the Xapian backend" {
    for bad in 0/0 2/2 3/2 -1/2 a/b 1/2x 1 /2 1/ 0/1025 "1/2 " 1//2; do
        run "$KQI" --backend=xapian --shard "$bad" -d "$T/x" corpus/
        no_crash
        [ "$status" -eq 2 ] || { echo "accepted: $bad"; return 1; }
        [[ "$output" == *"--shard takes K/N"* ]]
    done
    [ ! -e "$T/x" ]
    for good in 0/1 1023/1024; do
        run "$KQI" -q --backend=xapian --shard "$good" -d "$T/g$RANDOM" corpus/0001.txt
        [ "$status" -eq 0 ] || { echo "refused: $good: $output"; return 1; }
    done
    run "$KQI" --shard 0/2 -d "$T/n" corpus/
    [ "$status" -eq 2 ]
    [[ "$output" == *"--shard needs --backend=xapian"* ]]
    run "$KQI" --backend=xapian --shard 0/2 --shards 2 -d "$T/n" corpus/
    [ "$status" -eq 2 ]
    run "$KQI" --backend=xapian --delete-missing -d "$T/n" corpus/
    [ "$status" -eq 2 ]
    [[ "$output" == *"--delete-missing works on native indexes"* ]]
}

@test "xbuild: ids of 244 bytes are taken, of 245 refused with a message (Xapian's term limit)" {
    id244=$(printf 'i%.0s' $(seq 244))
    id245=$(printf 'i%.0s' $(seq 245))
    printf '{"id":"%s","body":"alpha"}\n{"id":"%s","body":"beta"}\n{"id":"ok","body":"gamma"}\n' \
        "$id244" "$id245" >"$T/ids.jsonl"
    for opt in "" "--shards 2 -j 2"; do
        rm -rf "$T/x"
        # shellcheck disable=SC2086
        run "$KQI" --backend=xapian $opt -d "$T/x" "$T/ids.jsonl"
        no_crash
        [ "$status" -eq 1 ]
        [[ "$output" == *"ids.jsonl:2: id of 245 bytes: the index takes ids of at most 244 bytes; document skipped"* ]]
        [ "$("$KQ" -d "$T/x" -c '*')" -eq 2 ]
        [ "$("$KQ" -d "$T/x" -c "id:$id244")" -eq 1 ]
        "$KQI" -q --backend=xapian -d "$T/x" "$T/ids.jsonl" 2>/dev/null || true
        [ "$("$KQ" -d "$T/x" -c '*')" -eq 2 ]
    done
}

#!/usr/bin/env bats
# A merge stays within --memory plus a constant, whatever the size of the
# segments it merges.  An index of 5 segments (four of 5.7 MB
# and one of 2.7 MB: 10 MB of stored text, 15 MB of lists, made here with
# awk from a fixed seed) is compacted at --memory 1M; before the fix every
# page of every segment's .docs and .store that the merge read stayed in
# its resident set (a compact peaked at 19 MB here where a compact of two
# documents takes 3.5 MB, and at 131 MB on gutenberg-dev).  Then the
# compacted index must answer as a fresh index of the same documents.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    local d=$BATS_FILE_TMPDIR
    # 3000 documents of 700-900 words drawn (skewed) from 30000 random
    # words: 18 MB of JSON Lines that compresses about 2:1, like prose.
    awk -v n=3000 -v seed=16 'BEGIN {
        srand(seed)
        for (w = 0; w < 30000; w++) {
            l = 3 + int(rand() * 8); s = ""
            for (k = 0; k < l; k++) s = s sprintf("%c", 97 + int(rand() * 26))
            V[w] = s
        }
        for (d = 0; d < n; d++) {
            b = ""; m = 700 + int(rand() * 200)
            for (k = 0; k < m; k++) { r = rand(); b = b V[int(r * r * 30000)] " " }
            printf "{\"id\":\"d%05d\",\"title\":\"doc %d %s\",\"body\":\"%s\"}\n",
                d, d, V[d % 30000], b
        }
    }' >"$d/c.jsonl"
    "$KQI" -q --memory 4M --commit-every 4M --no-merge -d "$d/segs" "$d/c.jsonl"
    "$KQI" -q -d "$d/fresh" "$d/c.jsonl"
    # The same tiny budget on a 2-document index of 2 segments: what the
    # program costs whatever it merges (code, libraries, buffers).
    head -n 1 "$d/c.jsonl" >"$d/one.jsonl"
    sed -n 2p "$d/c.jsonl" >"$d/two.jsonl"
    "$KQI" -q --no-merge -d "$d/tiny" "$d/one.jsonl"
    "$KQI" -q --no-merge -d "$d/tiny" "$d/two.jsonl"
}

# Under AddressSanitizer the shadow memory and the quarantine of freed
# blocks add their own hundreds of MB: the memory bound is not checked.
is_asan() { grep -q __asan_init "$KQI"; }

# Run kq-index under /usr/bin/time -v; $rss_kb gets its peak RSS in KB.
timed_index() {
    run --separate-stderr /usr/bin/time -v -o "$BATS_TEST_TMPDIR/time" "$KQI" "$@"
    no_crash
    rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$BATS_TEST_TMPDIR/time")
    echo "peak RSS ${rss_kb} KB" >&3
}

# Print id and score of every hit, one per line.
hits() {
    "$KQ" -d "$1" --json -n 5000 "$2" | jq -r 'select(.type == "hit") | "\(.id) \(.score)"'
}

@test "mergemem: the index to compact has 5 segments, each larger than 2M" {
    run -0 "$KQ" -d "$BATS_FILE_TMPDIR/segs" --check
    [[ "$output" == *"3000 documents, 5 segment(s)"* ]]
    local s n
    for s in 1 2 3 4 5; do
        n=$(cat "$BATS_FILE_TMPDIR"/segs/seg00000$s.* | wc -c)
        [ "$n" -gt $((2 * 1024 * 1024)) ]
    done
}

@test "mergemem: compact of 5 segments at --memory 1M peaks within 1M + the program's own cost + 6 MB" {
    cp -a "$BATS_FILE_TMPDIR/tiny" "$BATS_TEST_TMPDIR/tiny"
    timed_index compact -d "$BATS_TEST_TMPDIR/tiny" --memory 1M
    [ "$status" -eq 0 ]
    local base_kb=$rss_kb
    cp -a "$BATS_FILE_TMPDIR/segs" "$BATS_TEST_TMPDIR/segs"
    timed_index compact -d "$BATS_TEST_TMPDIR/segs" --memory 1M
    [ "$status" -eq 0 ]
    [[ "$output" == *"1 segment(s)"* ]]
    is_asan && return 0
    [ "$base_kb" -gt 0 ] && [ "$rss_kb" -gt 0 ]
    # 6 MB: what a merge keeps whatever the segments' sizes -- pages read
    # but not yet released (merge.c: RELEASE_STEP of each input file, the
    # dictionaries', postings' and positions' shared out over the inputs),
    # the output files' write buffers, the list writer's open blocks,
    # the per-document arrays (lengths, and docid maps of segments with
    # deletions: 4 bytes a document each)
    # and the document writer's offsets and ids (28 bytes a document up to
    # doctab.c's DOCW_SPILL, 2 MB each; 84 KB here).  The 10 MB of stored
    # text and 15 MB of lists merged are not.
    if [ "$rss_kb" -gt $((base_kb + 1024 + 6 * 1024)) ]; then
        echo "peak RSS ${rss_kb} KB over ${base_kb} + 1024 + 6144 KB" >&2
        return 1
    fi
}

@test "mergemem: after the compact, the index answers as a fresh index of the same documents" {
    cp -a "$BATS_FILE_TMPDIR/segs" "$BATS_TEST_TMPDIR/segs"
    run -0 "$KQI" compact -q -d "$BATS_TEST_TMPDIR/segs" --memory 1M
    local m="$BATS_TEST_TMPDIR/segs" f="$BATS_FILE_TMPDIR/fresh"
    run -0 "$KQ" -d "$m" --check
    [[ "$output" == *"3000 documents, 1 segment(s)"* ]]
    # every id, in docid order
    [ "$("$KQ" -d "$m" --format=ids --all 'doc')" = "$("$KQ" -d "$f" --format=ids --all 'doc')" ]
    [ "$("$KQ" -d "$m" -c doc)" = 3000 ]
    # the vocabulary with its document counts
    [ "$("$KQ" -d "$m" terms | md5sum)" = "$("$KQ" -d "$f" terms | md5sum)" ]
    # ranked hits with scores: single words, a phrase, a boolean, a title
    local q w1 w2
    w1=$(sed -n 7p "$BATS_FILE_TMPDIR/c.jsonl" | jq -r '.body' | cut -d' ' -f3)
    w2=$(sed -n 7p "$BATS_FILE_TMPDIR/c.jsonl" | jq -r '.body' | cut -d' ' -f4)
    for q in "$w1" "\"$w1 $w2\"" "$w1 AND NOT $w2" "title:doc"; do
        [ -n "$(hits "$m" "$q")" ]
        [ "$(hits "$m" "$q")" = "$(hits "$f" "$q")" ]
    done
    # a document's stored text and fields, by id
    [ "$("$KQ" -d "$m" --json id:d02999 | jq -c 'select(.type == "hit") | [.id, .title]')" = \
      "$("$KQ" -d "$f" --json id:d02999 | jq -c 'select(.type == "hit") | [.id, .title]')" ]
}

@test "mergemem: segments with and without deletions compact to a fresh index of the rest" {
    cp -a "$BATS_FILE_TMPDIR/segs" "$BATS_TEST_TMPDIR/segs"
    local m="$BATS_TEST_TMPDIR/segs" f="$BATS_TEST_TMPDIR/rest"
    # every third document of d01000-d01799: two of the five segments
    # (of about 700 documents each) get deletions, the others none
    seq 1000 3 1799 | awk '{ printf "d%05d\n", $1 }' >"$BATS_TEST_TMPDIR/gone"
    run -0 "$KQI" rm -q --no-merge -d "$m" - <"$BATS_TEST_TMPDIR/gone"
    [ "$(ls "$m"/seg*-*.del | wc -l)" -eq 2 ]
    run -0 "$KQI" compact -q -d "$m" --memory 1M
    grep -v -F -f <(sed 's/.*/"id":"&"/' "$BATS_TEST_TMPDIR/gone") \
        "$BATS_FILE_TMPDIR/c.jsonl" >"$BATS_TEST_TMPDIR/rest.jsonl"
    "$KQI" -q -d "$f" "$BATS_TEST_TMPDIR/rest.jsonl"
    run -0 "$KQ" -d "$m" --check
    [[ "$output" == *"2733 documents, 1 segment(s)"* ]]
    [ "$("$KQ" -d "$m" --format=ids --all 'doc')" = "$("$KQ" -d "$f" --format=ids --all 'doc')" ]
    [ "$("$KQ" -d "$m" terms | md5sum)" = "$("$KQ" -d "$f" terms | md5sum)" ]
    local q w1 w2
    w1=$(sed -n 900p "$BATS_FILE_TMPDIR/c.jsonl" | jq -r '.body' | cut -d' ' -f3)
    w2=$(sed -n 900p "$BATS_FILE_TMPDIR/c.jsonl" | jq -r '.body' | cut -d' ' -f4)
    for q in "$w1" "\"$w1 $w2\"" "$w1 OR $w2" "title:doc"; do
        [ -n "$(hits "$m" "$q")" ]
        [ "$(hits "$m" "$q")" = "$(hits "$f" "$q")" ]
    done
    run -1 "$KQ" -d "$m" -c id:d01000
    [ "$output" = 0 ]
}

# Past 2 MB of id entries (doctab.c: DOCW_SPILL, 87381 documents) the
# document writer of a merge goes on in scratch files (tmp-docw-*).
@test "mergemem: a merge of 90000 documents spills its id table and finds every id; a failed scratch write leaves the index as it was" {
    local d=$BATS_TEST_TMPDIR
    awk 'BEGIN { for (i = 0; i < 90000; i++)
        printf "{\"id\":\"e%06d\",\"body\":\"w%d common\"}\n", i, i % 5000 }' >"$d/many.jsonl"
    "$KQI" -q --no-merge --commit-every 1M -d "$d/m" "$d/many.jsonl"
    run -0 "$KQ" -d "$d/m" --check
    [[ "$output" == *"90000 documents, 2 segment(s)"* ]]
    cp "$d/m/kq.manifest" "$d/manifest.before"
    local before
    before=$(ls "$d/m")
    # ASan's own link-order check would refuse a preloaded library
    # (failio.so comes from the normal build, as in faults.bats).
    run --separate-stderr env LD_PRELOAD="${KQ_FAILIO:-$ROOT/build/tests/failio.so}" \
        ASAN_OPTIONS=verify_asan_link_order=0 KQ_FAIL_OP=write KQ_FAIL_PATH=tmp-docw \
        "$KQI" compact -q -d "$d/m"
    no_crash
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"seg000003.docs: cannot write a scratch file: No space left on device"* ]]
    [[ "$stderr" == *"the index is as it was"* ]]
    cmp "$d/m/kq.manifest" "$d/manifest.before"
    [ "$(ls "$d/m")" = "$before" ]
    run -0 "$KQI" compact -q -d "$d/m"
    [ "$(ls "$d/m")" = "$(printf '%s\n' kq.lock kq.manifest seg000003.{dict,docs,pos,post,store})" ]
    run -0 "$KQ" -d "$d/m" --check
    [[ "$output" == *"90000 documents, 1 segment(s)"* ]]
    # every id, by the id table (its runs merged) and in docid order
    local id
    for id in e000000 e043690 e087380 e087381 e087382 e089999; do
        run -0 "$KQ" -d "$d/m" -c "id:$id"
        [ "$output" = 1 ]
    done
    [ "$("$KQ" -d "$d/m" --format=ids --all common | sort | md5sum)" = \
      "$(seq -f 'e%06g' 0 89999 | md5sum)" ]
    # an add of the same documents finds them all unchanged (a lookup each)
    run -0 "$KQI" -d "$d/m" "$d/many.jsonl"
    [[ "$output" == *"90000 unchanged (skipped)"* ]]
}

@test "mergemem: a scratch file a crash left behind (tmp-docw-*) is removed by the next writer" {
    cp -a "$BATS_FILE_TMPDIR/tiny" "$BATS_TEST_TMPDIR/tiny"
    local m="$BATS_TEST_TMPDIR/tiny"
    head -c 5000 /dev/urandom >"$m/tmp-docw-Ab12Cd"
    run -0 "$KQI" compact -d "$m"
    [ ! -e "$m/tmp-docw-Ab12Cd" ]
    run -0 "$KQ" -d "$m" --check
    [[ "$output" == *"2 documents, 1 segment(s)"* ]]
}

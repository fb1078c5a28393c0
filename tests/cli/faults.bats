#!/usr/bin/env bats
# A write, fsync or rename that fails while kq-index commits, deletes or
# merges (disk full, I/O error), injected with tests/fault/failio.c (LD_PRELOAD): the error is
# reported (exit 3, naming the file), the previous generation stays intact
# and searchable, and the next run succeeds.  A fault in the merge that
# follows a commit leaves the commit in place: exit 5, "committed; merge
# failed".

load helpers
bats_require_minimum_version 1.5.0

FAILIO=${KQ_FAILIO:-$ROOT/build/tests/failio.so}

setup() {
    [ -f "$FAILIO" ] || { echo "missing $FAILIO (make unit-build)" >&2; return 1; }
    cd "$BATS_TEST_TMPDIR" || return 1
    printf '{"id":"a","title":"alpha","body":"first quokka"}\n' >a.jsonl
    for i in $(seq 300); do
        printf '{"id":"b%d","title":"beta","body":"second quokka number %d"}\n' "$i" "$i"
    done >b.jsonl
    "$KQI" -q -d idx a.jsonl
    cp idx/kq.manifest manifest.before
}

# kq-index on b.jsonl with the fault of the arguments (OP PATH [NTH [ERRNO]]).
faulty_run() {
    run --separate-stderr env LD_PRELOAD="$FAILIO" ASAN_OPTIONS=verify_asan_link_order=0 \
        KQ_FAIL_OP="$1" KQ_FAIL_PATH="$2" KQ_FAIL_NTH="${3:-1}" KQ_FAIL_ERRNO="${4:-ENOSPC}" \
        "$KQI" -q -d idx b.jsonl
}

# The index is the one before the faulty run, and the next run works.
still_intact_then_recovers() {
    cmp idx/kq.manifest manifest.before
    run -0 "$KQ" -d idx --check
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 1 ]
    run -0 "$KQI" -q -d idx b.jsonl
    run -0 "$KQ" -d idx --check
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 301 ]
}

@test "faults: the disk fills up while the postings are written" {
    faulty_run write .post
    [ "$status" -eq 3 ]
    [[ "$stderr" == *".post"* ]]
    [[ "$stderr" == *"No space left on device"* ]]
    [[ "$stderr" == *"nothing from this run was committed"* ]]
    still_intact_then_recovers
}

@test "faults: an I/O error while the stored text is written" {
    faulty_run write .store 1 EIO
    [ "$status" -eq 3 ]
    [[ "$stderr" == *".store"* ]]
    [[ "$stderr" == *"Input/output error"* ]]
    still_intact_then_recovers
}

@test "faults: fsync of a segment file fails" {
    faulty_run fsync .dict
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"fsync failed"* ]]
    still_intact_then_recovers
}

@test "faults: the new manifest cannot be written" {
    faulty_run write kq.manifest.tmp
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"kq.manifest"* ]]
    still_intact_then_recovers
}

@test "faults: the rename that commits fails" {
    faulty_run rename kq.manifest
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"cannot rename"* ]]
    still_intact_then_recovers
}

@test "faults: with a fault aimed at no file of the index, the run succeeds (a control)" {
    faulty_run write no-such-file
    [ "$status" -eq 0 ]
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 301 ]
}

# Any kq-index command with a fault (OP PATH), the rest of the arguments
# after the index.
faulty_cmd() {
    local op=$1 path=$2
    shift 2
    run --separate-stderr env LD_PRELOAD="$FAILIO" ASAN_OPTIONS=verify_asan_link_order=0 \
        KQ_FAIL_OP="$op" KQ_FAIL_PATH="$path" KQ_FAIL_NTH=1 KQ_FAIL_ERRNO=ENOSPC \
        "$KQI" "$@"
}

@test "faults: the deletions of kq-index rm cannot be written: nothing is deleted" {
    "$KQI" -q -d idx b.jsonl
    cp idx/kq.manifest manifest.before
    faulty_cmd write .del rm -q -d idx b1 b2 b3
    [ "$status" -eq 3 ]
    [[ "$stderr" == *".del"* ]]
    [[ "$stderr" == *"nothing was deleted"* ]]
    cmp idx/kq.manifest manifest.before
    run -0 "$KQ" -d idx --check
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 301 ]
    # the next rm works, and leaves no stray file
    run -0 "$KQI" rm -q -d idx b1 b2 b3
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 298 ]
    [ "$(ls idx | grep -c '\.del$')" -eq 1 ]
}

@test "faults: a merge (compact) whose write fails leaves the segments as they were" {
    "$KQI" -q -d idx b.jsonl
    "$KQI" rm -q -d idx b7
    cp idx/kq.manifest manifest.before
    before=$(ls idx)
    faulty_cmd write .post compact -q -d idx
    [ "$status" -eq 3 ]
    [[ "$stderr" == *".post"* ]]
    [[ "$stderr" == *"the index is as it was"* ]]
    cmp idx/kq.manifest manifest.before
    [ "$(ls idx)" = "$before" ]
    run -0 "$KQ" -d idx --check
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 300 ]
    run -0 "$KQI" compact -q -d idx
    run -0 "$KQ" -d idx --check
    [[ "$output" == *"300 documents, 1 segment(s)"* ]]
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 300 ]
}

# A merge runs after a commit, as its own commit: when it fails, what was
# committed stays committed, and kq-index says so (exit 5), not "nothing
# committed".  The fault is aimed at files only the merge writes.

@test "faults: kq-index rm commits, then its merge hits a full disk: committed, exit 5" {
    "$KQI" -q -d idx b.jsonl
    # 150 of the 300 documents of the second segment: more than a third,
    # so the commit of the deletions is followed by a merge rewriting it;
    # the commit writes only a .del and the manifest, the merge a .post
    faulty_cmd write .post rm -d idx $(seq -f 'b%g' 1 150)
    [ "$status" -eq 5 ]
    [ "$output" = "kq-index: deleted 150 document(s)" ]
    [[ "$stderr" == *"committed; merge failed: "*".post"*"No space left on device"* ]]
    [[ "$stderr" == *"the index is intact, run \`kq-index compact\` later"* ]]
    [[ "$stderr" != *"nothing was deleted"* ]]
    # deleted indeed, the index whole, and the merge's files gone
    run -0 "$KQ" -d idx --check
    [[ "$output" == *"151 documents, 2 segment(s)"* ]]
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 151 ]
    run -1 "$KQ" -d idx -c 'id:b1 OR id:b150'
    run -0 "$KQ" -d idx -c 'id:b151'
    [ "$(ls idx | grep -c '^seg0*3\.')" -eq 0 ]
    # the merge is done later
    run -0 "$KQI" compact -q -d idx
    run -0 "$KQ" -d idx --check
    [[ "$output" == *"151 documents, 1 segment(s)"* ]]
}

@test "faults: kq-index commits a segment, then the merge after it fails: committed, exit 5" {
    # seven one-document segments; the eighth commit makes the merge policy
    # merge all eight into segment 9, and only that merge writes seg000009.*
    for i in 2 3 4 5 6 7; do
        printf '{"id":"s%d","title":"small","body":"quokka %d"}\n' "$i" "$i" >s$i.jsonl
        "$KQI" -q -d idx s$i.jsonl
    done
    [ -f idx/seg000007.post ]
    [ ! -e idx/seg000008.post ]
    faulty_cmd write seg000009 -q -d idx b.jsonl
    [ "$status" -eq 5 ]
    [[ "$stderr" == *"committed; merge failed: "*"seg000009."*"No space left on device"* ]]
    [[ "$stderr" == *"the index is intact, run \`kq-index compact\` later"* ]]
    [[ "$stderr" != *"nothing from this run was committed"* ]]
    run -0 "$KQ" -d idx --check
    [[ "$output" == *"307 documents, 8 segment(s)"* ]]
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 307 ]
    run -0 "$KQ" -d idx -c 'id:b300'
    [ "$(ls idx | grep -c '^seg0*9\.')" -eq 0 ]
    # the next run skips what was committed, and merges
    run -0 "$KQI" -d idx b.jsonl
    [[ "$output" == *"300 unchanged (skipped)"*"1 merge(s), 1 segment(s)"* ]]
    run -0 "$KQ" -d idx --check
    [[ "$output" == *"307 documents, 1 segment(s)"* ]]
}

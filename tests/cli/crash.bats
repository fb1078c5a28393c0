#!/usr/bin/env bats
# Crash safety under load: kq-index killed with -9 at random moments while
# it adds (with frequent commits, so segments merge, or with --no-merge),
# merges (kq-index merge) and compacts; readers
# searching while segments are merged and replaced.
#
# The input is one JSON Lines file of numbered documents.  kq-index commits
# every few KB (--commit-every) and merges by its policy, and a run that is
# started again skips what was committed, so the documents of any committed
# generation are a prefix d1..dK of the input.  After every kill: the index
# opens, `kq --check` passes, and its documents are exactly such a prefix.
bats_require_minimum_version 1.5.0
load helpers

NDOC=400

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    local w=(ceasefire peacekeepers troops border talks oil prices bank
             dollar election minister parliament harvest drought rain port)
    for i in $(seq 1 $NDOC); do
        printf '{"id":"d%d","title":"story %d %s","body":"%s %s %s wombat%d and more text about %s %s"}\n' \
            "$i" "$i" "${w[$((i % 16))]}" "${w[$((i * 7 % 16))]}" "${w[$((i * 3 % 16))]}" \
            "${w[$((i * 5 % 16))]}" "$((i % 13))" "${w[$((i * 11 % 16))]}" "${w[$((i % 5))]}"
    done >in.jsonl
    for i in 1 2 3 4 5; do
        sed "s/\"id\":\"d\([0-9]*\)\"/\"id\":\"d\1x$i\"/" in.jsonl
    done | awk '{ sub(/"id":"d[0-9]*x[0-9]"/, "\"id\":\"d" NR "\""); print }' >big.jsonl
}

# Ids in the index, one per line, sorted.
index_ids() {
    "$KQ" -d idx --json --no-snippets -n 100000 'NOT zzzzqqq' |
        jq -r 'select(.type == "hit") | .id' | sort
}

# The index holds d1..dK for some K: prints K, fails otherwise.
prefix_k() {
    local got k
    got=$(index_ids)
    k=$(grep -c . <<<"$got" || true)
    if [ "$got" != "$(seq 1 "$k" | sed 's/^/d/' | sort)" ]; then
        echo "the index holds a set of documents that no commit made:" >&2
        echo "$got" | head -20 >&2
        return 1
    fi
    echo "$k"
}

@test "crash: 50 runs killed at random moments while adding, merging (kq-index merge too) and compacting" {
    local survived=0 nkill=0 iter=0 pid ms k
    RANDOM=4242
    mkfifo fifo.jsonl
    # 50 kills.  (Not $i as a counter: bats' run changes it.)  The corpus
    # grows by 16 documents a run, so every run has work; an add reads
    # through a FIFO that stays open, so it is alive when the kill comes:
    # committing, merging, or waiting for more input.
    while [ "$nkill" -lt 50 ] && [ "$iter" -lt 100 ]; do
        iter=$((iter + 1))
        head -$((iter * 16)) big.jsonl >in.jsonl
        if [ $((iter % 6)) -eq 0 ] && [ -e idx/kq.manifest ]; then
            setsid "$KQI" compact -q -d idx >/dev/null 2>&1 3>&- &
            pid=$!
        elif [ $((iter % 6)) -eq 3 ] && [ -e idx/kq.manifest ]; then
            # the merges the --no-merge adds below deferred, with a small
            # budget (pages released, runs spilled as they go)
            setsid "$KQI" merge -q --memory 64K -d idx >/dev/null 2>&1 3>&- &
            pid=$!
        else
            # every other add defers its merges to kq-index merge
            setsid "$KQI" -q -j $((RANDOM % 2 + 1)) --commit-every 2K \
                $([ $((iter % 2)) -eq 1 ] && echo --no-merge) -d idx fifo.jsonl \
                >/dev/null 2>err.txt 3>&- &
            pid=$!
            exec 4>fifo.jsonl
            cat in.jsonl >&4
        fi
        ms=$((RANDOM % 150))
        sleep "$(printf '0.%03d' "$ms")"
        if kill -9 "$pid" 2>/dev/null; then nkill=$((nkill + 1)); fi
        exec 4>&-
        wait "$pid" 2>/dev/null || true
        [ -e idx/kq.manifest ] || continue    # killed before the first commit
        run --separate-stderr "$KQ" -d idx --check
        if [ "$status" -ne 0 ]; then
            echo "run $iter (killed after ${ms} ms): kq --check: $output $stderr" >&2
            return 1
        fi
        k=$(prefix_k) || { echo "run $iter, killed after ${ms} ms" >&2; return 1; }
        survived=$((survived + 1))
    done
    echo "# $nkill of $iter runs killed, $survived checked, $k documents" >&3
    [ "$nkill" -ge 50 ]
    [ "$survived" -ge 40 ]
    head -2000 big.jsonl >in.jsonl
    # A run to the end finishes the job: every document, once.
    run -0 "$KQI" -q --commit-every 2K -d idx in.jsonl
    [ "$(prefix_k)" = 2000 ]
    run -0 "$KQ" -d idx --check
    run -0 --separate-stderr "$KQI" -d idx in.jsonl
    [[ "$output" == *"2000 unchanged (skipped)"* ]]
    "$KQI" -q -d fresh in.jsonl
    for q in ceasefire 'oil OR rain' 'wombat3' '"border talks"' 'pea*'; do
        [ "$("$KQ" -d idx -c "$q")" = "$("$KQ" -d fresh -c "$q")" ]
    done
}

@test "crash: an interrupted run, started again, finishes without redoing committed work" {
    # Feed the writer through a FIFO, so it is still running when killed.
    mkfifo fifo.jsonl
    setsid "$KQI" -q -j 1 --commit-every 4K -d idx fifo.jsonl >/dev/null 2>&1 3>&- &
    local pid=$! k
    exec 4>fifo.jsonl
    head -300 in.jsonl >&4
    for _ in $(seq 300); do
        [ -e idx/kq.manifest ] && [ "$("$KQ" -d idx -c 'NOT zzzzqqq' || true)" -ge 100 ] && break
        sleep 0.05
    done
    kill -9 "$pid"
    exec 4>&-
    wait "$pid" 2>/dev/null || true
    k=$(prefix_k)
    [ "$k" -ge 100 ]
    [ "$k" -lt "$NDOC" ]
    run -0 "$KQI" -d idx in.jsonl
    # the committed documents are skipped, only the rest is indexed
    [[ "$output" == *" $((NDOC - k)) documents"* ]]
    [[ "$output" == *"$k unchanged (skipped)"* ]]
    [ "$(prefix_k)" = "$NDOC" ]
}

@test "crash: searches while segments are merged and compacted see whole generations" {
    head -1 in.jsonl >first.jsonl
    "$KQI" -q -d idx first.jsonl
    ( "$KQI" -q -j 1 --commit-every 3K -d idx in.jsonl &&
      "$KQI" rm -q -d idx d1 d2 d3 &&
      "$KQI" compact -q -d idx
      touch writer.done ) 3>&- &
    local prev=0 n=0 total
    while [ ! -e writer.done ]; do
        run --separate-stderr "$KQ" -d idx --json --no-snippets -n 100000 'NOT zzzzqqq'
        [ "$status" -eq 0 ] || { echo "status $status: $stderr" >&2; false; }
        [ -z "$stderr" ]
        # a whole generation: ids d1..dK, or (after rm) d4..dNDOC
        total=$(jq -r 'select(.type == "summary") | .total' <<<"$output")
        ids=$(jq -r 'select(.type == "hit") | .id' <<<"$output" | sort)
        [ "$(grep -c . <<<"$ids")" = "$total" ]
        if [ "$ids" != "$(seq 1 "$total" | sed 's/^/d/' | sort)" ] &&
           [ "$ids" != "$(seq 4 $NDOC | sed 's/^/d/' | sort)" ]; then
            echo "a set of $total documents no commit made:" >&2
            diff <(seq 1 "$total" | sed 's/^/d/' | sort) <(echo "$ids") >&2
            false
        fi
        n=$((n + 1))
    done
    wait
    [ "$n" -gt 0 ]
    run -0 "$KQ" -d idx --check
    [[ "$output" == *"$((NDOC - 3)) documents, 1 segment(s)"* ]]
}

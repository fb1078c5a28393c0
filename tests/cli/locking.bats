#!/usr/bin/env bats
# One writer at a time (kq.lock, flock): a second kq-index waits up to
# --wait seconds, then gives up naming the holder (exit 3); readers never
# take the lock.  A writer is held open by making it read a FIFO that
# nothing writes to yet.

load helpers
bats_require_minimum_version 1.5.0

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    mkfifo in.jsonl
    printf '{"id":"a","title":"alpha","body":"first quokka"}\n' >a.jsonl
    printf '{"id":"b","title":"beta","body":"second quokka"}\n' >b.jsonl
}

# Start a writer on the FIFO in the background; it holds the lock until
# release_writer.  (setsid and 3>&-: bats must not wait for it.)  The
# waits below are generous (30 s, polled): the tests may run in parallel
# with others, on a loaded machine, and end as soon as the state is seen.
hold_writer() {
    setsid "$KQI" -q -d idx in.jsonl >holder.out 2>holder.err 3>&- &
    echo $! >holder.pid
    # it has the lock once it wrote its pid into kq.lock
    for _ in $(seq 600); do
        [ -s idx/kq.lock ] && return 0
        sleep 0.05
    done
    echo "the holder never took the lock" >&2
    return 1
}

release_writer() {
    printf '{"id":"h","title":"held","body":"third quokka"}\n' >in.jsonl
    local pid
    pid=$(cat holder.pid)
    for _ in $(seq 600); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.05
    done
    return 1
}

@test "locking: a second writer gives up after --wait, naming the holder (exit 3)" {
    hold_writer
    run -3 --separate-stderr "$KQI" -q --wait 0.3 -d idx a.jsonl
    [[ "$stderr" == *"kq.lock: the index is being written by kq-index process $(cat holder.pid)"* ]]
    [[ "$stderr" == *"gave up after waiting "[0-9]*.[0-9]" s"* ]]
    release_writer
    # the holder's commit is intact; the refused run added nothing
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 1 ]
}

@test "locking: a second writer waits for the first, then adds its segment" {
    hold_writer
    setsid "$KQI" -q --wait 20 -d idx a.jsonl >second.out 2>second.err 3>&- &
    local second=$!
    sleep 0.3
    kill -0 "$second"          # still waiting
    release_writer
    wait "$second"
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 2 ]
}

@test "locking: --wait 0 does not wait; a lock held by another program is named as such" {
    "$KQI" -q -d idx b.jsonl
    # flock holds the lock until the FIFO gate is written (a fixed sleep
    # could end before kq-index starts on a loaded machine).
    mkfifo gate
    flock idx/kq.lock sh -c ': >held; read -r _ <gate' 3>&- &
    for _ in $(seq 600); do
        [ -e held ] && break
        sleep 0.05
    done
    [ -e held ]
    # It gives up at once, not after the default --wait of 10 s: the wait
    # it reports (its own measure, without the start-up of a loaded
    # machine) is under a second.  (timeout only keeps a hang from
    # stalling the suite.)
    run -3 --separate-stderr timeout 60 "$KQI" -q --wait 0 -d idx a.jsonl
    [[ "$stderr" == *"being written by another process; gave up after waiting 0."[0-9]" s"* ]]
    echo >gate
    wait
}

@test "locking: readers do not wait for a writer" {
    "$KQI" -q -d idx b.jsonl
    hold_writer
    # The writer holds the lock until release_writer: a reader that waited
    # for it would never return (timeout only keeps that from stalling the
    # suite).
    run -0 timeout 60 "$KQ" -d idx -c quokka
    [ "$output" = 1 ]
    release_writer
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 2 ]
}

@test "locking: bad --wait values are usage errors (exit 2)" {
    run -2 "$KQI" --wait -1 -d idx a.jsonl
    run -2 "$KQI" --wait soon -d idx a.jsonl
    [[ "$output" == *"--wait takes"* ]]
}

@test "locking: searches during indexing see whole generations, never an error" {
    "$KQI" -q -d idx a.jsonl
    for i in 1 2 3 4 5 6; do
        for k in $(seq 50); do
            printf '{"id":"r%d-%d","title":"round","body":"quokka round %d"}\n' "$i" "$k" "$i"
        done >"r$i.jsonl"
    done
    # the writer: six runs, one after the other, in the background
    ( for i in 1 2 3 4 5 6; do "$KQI" -q -d idx "r$i.jsonl" || exit 1; done
      touch writer.done ) 3>&- &
    local prev=0 n=0
    while [ ! -e writer.done ]; do
        run -0 --separate-stderr "$KQ" -d idx -c quokka
        [ -z "$stderr" ]
        # 1 + 50 per committed run: a whole generation, never part of one
        [ $(( (output - 1) % 50 )) -eq 0 ]
        [ "$output" -ge "$prev" ]
        prev=$output
        n=$((n + 1))
    done
    wait
    run -0 "$KQ" -d idx -c quokka
    [ "$output" = 301 ]
    [ "$n" -gt 0 ]
}

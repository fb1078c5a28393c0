#!/usr/bin/env bats
# Scale-out over Xapian's remote backend.
#
# corpus/ is indexed into 2 Xapian shards (kq-index --shards 2); each shard
# is served by its own xapian-tcpsrv on 127.0.0.1 (ports chosen free), and
# kq searches them through tcp:// as one collection.  Counts, and every hit
# with its score, must equal those of one local database holding all the
# documents (and of the native index).  Docids interleave across shards, so
# documents with equal scores may come in another order: hits are compared
# as sorted "score id" lists.  The servers are stopped by pid in
# teardown_file, which bats runs whatever happened.
bats_require_minimum_version 1.5.0
load helpers

# A TCP port on 127.0.0.1 that nothing listens on (below the kernel's
# ephemeral range, 32768 and up, where outgoing connections take theirs).
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# Does process $1 listen on 127.0.0.1:$2?  (A LISTEN socket of
# /proc/net/tcp on that address whose inode is one of the process's fds.)
owns_port() {
    local a inode
    a=$(printf '0100007F:%04X' "$2")
    for inode in $(awk -v a="$a" '$2 == a && $4 == "0A" { print $10 }' /proc/net/tcp); do
        ls -l "/proc/$1/fd" 2>/dev/null | grep -qF "socket:[$inode]" && return 0
    done
    return 1
}

# Serve shard $1 (of $BATS_FILE_TMPDIR/$2, default sh) with xapian-tcpsrv
# on a free port; sets PORT.  The port
# free a moment ago may be taken before the server binds it (other tests
# run in parallel, and other programs): the server then exits, or another
# program answers there.  So it counts as started only once that server
# itself listens on the port (at most 30 s), else another port is tried.
start_server() {
    local pid
    for _ in 1 2 3 4 5; do
        PORT=$(free_port) || return 1
        # Its own session: on SIGTERM xapian-tcpsrv signals its whole
        # process group, which would otherwise be bats itself.
        setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$PORT" \
            "$BATS_FILE_TMPDIR/${2:-sh}/shard00$1" >/dev/null 2>&1 3>&- &
        pid=$!
        echo "$pid" >>"$BATS_FILE_TMPDIR/pids"
        for _ in $(seq 300); do
            owns_port "$pid" "$PORT" && return 0
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$pid" 2>/dev/null
    done
    echo "xapian-tcpsrv did not start" >&2
    return 1
}

setup_file() {
    index_corpus
    cd "$ROOT" || return 1
    "$KQI" -q --backend=xapian -d "$BATS_FILE_TMPDIR/one" corpus/
    "$KQI" -q --backend=xapian --shards 2 -d "$BATS_FILE_TMPDIR/sh" corpus/
    # Dated documents: every 7th of the Reuters slice (many dates, many
    # documents a date), a fifth of them (ids divisible by 5) undated.
    zcat tests/data/reuters/slice.jsonl.gz | awk 'NR % 7 == 1' |
        jq -c 'if ((.id | tonumber) % 5 == 0) then del(.date) else . end' \
            >"$BATS_FILE_TMPDIR/dated.jsonl"
    "$KQI" -q -d "$BATS_FILE_TMPDIR/rn" "$BATS_FILE_TMPDIR/dated.jsonl"
    "$KQI" -q --backend=xapian -d "$BATS_FILE_TMPDIR/rone" "$BATS_FILE_TMPDIR/dated.jsonl"
    "$KQI" -q --backend=xapian --shards 2 -d "$BATS_FILE_TMPDIR/rsh" "$BATS_FILE_TMPDIR/dated.jsonl"
    : >"$BATS_FILE_TMPDIR/pids"
    for i in 0 1; do
        start_server "$i" || return 1
        echo "tcp://127.0.0.1:$PORT" >>"$BATS_FILE_TMPDIR/remotes"
        start_server "$i" rsh || return 1
        echo "tcp://127.0.0.1:$PORT" >>"$BATS_FILE_TMPDIR/rremotes"
    done
}

teardown_file() {
    if [ -f "$BATS_FILE_TMPDIR/pids" ]; then
        # (a server a test started is no child of this shell: wait fails)
        while read -r pid; do
            kill "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null || true
        done <"$BATS_FILE_TMPDIR/pids"
    fi
}

setup() {
    cd "$ROOT"
}

# kq over both remote shards (of the Reuters documents: kq_rremote).
kq_remote() {
    local args=() r
    while read -r r; do
        args+=(-d "$r")
    done <"$BATS_FILE_TMPDIR/${REMOTES:-remotes}"
    "$KQ" "${args[@]}" "$@"
}
kq_rremote() { REMOTES=rremotes kq_remote "$@"; }

# same4 ARGS...: kq ARGS prints the same on the native index of corpus/,
# the local Xapian database, the stub directory of the shards and the
# two tcp:// shards (rsame4: of the Reuters documents), and something;
# exit statuses equal too.  (Standard output only: messages name the
# index.)
same4() {
    local want got st0 st
    want=$("$KQ" -d "${NAT:-$IDX}" "$@") && st0=0 || st0=$?
    [ -n "$want" ] || { echo "kq $*: no output" >&2; return 1; }
    for run_on in "-d ${ONE:-$BATS_FILE_TMPDIR/one}" "-d ${STUB:-$BATS_FILE_TMPDIR/sh}" remote; do
        if [ "$run_on" = remote ]; then
            got=$(kq_remote "$@") && st=0 || st=$?
        else
            # shellcheck disable=SC2086
            got=$("$KQ" $run_on "$@") && st=0 || st=$?
        fi
        if [ "$got" != "$want" ] || [ "$st" != "$st0" ]; then
            echo "kq $* on $run_on: exit $st, native $st0" >&2
            diff <(echo "$want") <(echo "$got") >&2
            return 1
        fi
    done
}
rsame4() {
    NAT="$BATS_FILE_TMPDIR/rn" ONE="$BATS_FILE_TMPDIR/rone" \
        STUB="$BATS_FILE_TMPDIR/rsh" REMOTES=rremotes same4 "$@"
}

# "count N" and sorted "score id" lines of all hits.
canon() {
    local n
    n=$("$@" -c -- "$Q")
    echo "count $n"
    "$@" --json -n 1000 -- "$Q" | jq -r 'select(.type == "hit") | "\(.score) \(.id)"' | LC_ALL=C sort
}

@test "shards: the documents are spread over both shards" {
    n0=$(xapian-delve "$BATS_FILE_TMPDIR/sh/shard000" | sed -n 's/number of documents = //p')
    n1=$(xapian-delve "$BATS_FILE_TMPDIR/sh/shard001" | sed -n 's/number of documents = //p')
    echo "shard sizes: $n0 $n1"
    [ $((n0 + n1)) -eq 41 ]
    [ "$n0" -gt 0 ] && [ "$n1" -gt 0 ]
    grep -qx "auto shard000" "$BATS_FILE_TMPDIR/sh/XAPIANDB"
}

@test "shards: remote shards answer like one local database" {
    for Q in ceasefire 'ceasefire AND peacekeepers' 'oil OR bank OR dollar' \
             'NOT oil' '"prime minister"' 'peace*' 'govern* -oil' \
             '(oil OR gas) AND price*' xyzzy; do
        remote=$(canon kq_remote)
        local1=$(canon "$KQ" -d "$BATS_FILE_TMPDIR/one")
        native=$(canon "$KQ" -d "$IDX")
        if [ "$remote" != "$local1" ] || [ "$local1" != "$native" ]; then
            echo "query: $Q" >&2
            diff <(echo "$local1") <(echo "$remote") >&2
            diff <(echo "$native") <(echo "$local1") >&2
            return 1
        fi
    done
}

@test "shards: the stub directory opens as one database, top-10 as the native index" {
    Q='ceasefire AND peacekeepers'
    run kq_remote -n 1 -- "$Q"
    no_crash
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "1. Ethnic Armenian Breakaway Government In Nagorno-Karabakh Surrenders" ]]
    [ "$(canon "$KQ" -d "$BATS_FILE_TMPDIR/sh")" = "$(canon "$KQ" -d "$IDX")" ]
}

@test "shards: an unreachable shard is an error (exit 3), not a crash" {
    port=$(free_port)
    run "$KQ" -d "tcp://127.0.0.1:$port" ceasefire
    no_crash
    [ "$status" -eq 3 ]
    [[ "$output" == *xapian* ]]
    run "$KQI" --shards 2 -d "$BATS_TEST_TMPDIR/x" corpus/
    [ "$status" -eq 2 ]
}

# kq -d URL: a usage error (exit 2, "not a Xapian server address") or not.
bad_url() {
    run --separate-stderr "$KQ" -d "$1" ceasefire
    no_crash
    [ "$status" -eq 2 ] || { echo "$1: exit $status: $stderr" >&2; return 1; }
    [[ "$stderr" == *": not a Xapian server address ("*"expected tcp://HOST:PORT"* ]]
}

@test "shards: tcp:// addresses are parsed strictly: a bad port or host is a usage error (exit 2)" {
    # the report of the issue: read as port 0, exit 3
    bad_url tcp://127.0.0.1:notaport
    [[ "$stderr" == "kq: tcp://127.0.0.1:notaport: "*"the port must be a number from 1 to 65535"* ]]
    # the port's range, one past each end
    bad_url tcp://127.0.0.1:0
    bad_url tcp://127.0.0.1:65536
    bad_url tcp://127.0.0.1:000065536
    bad_url tcp://127.0.0.1:99999999999999999999999
    # empty, signs, space, trailing junk
    bad_url tcp://127.0.0.1:
    bad_url tcp://127.0.0.1
    bad_url tcp://127.0.0.1:+7001
    bad_url tcp://127.0.0.1:-1
    bad_url 'tcp://127.0.0.1: 7001'
    bad_url tcp://127.0.0.1:7001x
    bad_url tcp://127.0.0.1:7001/
    bad_url tcp://:7001
    bad_url tcp://
    bad_url 'tcp://[]:7001'
    bad_url 'tcp://[::1:7001'
    bad_url tcp://::1:7001
    bad_url 'tcp://host name:7001'
    # one bad address among good ones: refused before anything connects
    bad_url tcp://127.0.0.1:1x
    run --separate-stderr "$KQ" -d "$(sed -n 1p "$BATS_FILE_TMPDIR/remotes")" -d tcp://127.0.0.1:x ceasefire
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"tcp://127.0.0.1:x: not a Xapian server address"* ]]
    # a control character in the address is escaped in the message
    bad_url $'tcp://a\e]52;c;eA==\a:1'
    [[ "$stderr" == *'tcp://a\x1b]52;c;eA==\x07:1: not a Xapian server address (bad character in the host)'* ]]
}

@test "shards: tcp:// ports 1 and 65535 are valid: they are connected to (nothing listens there: exit 3)" {
    for port in 1 65535 01; do
        run --separate-stderr timeout 20 "$KQ" -d "tcp://127.0.0.1:$port" ceasefire
        no_crash
        [ "$status" -eq 3 ]
        [[ "$stderr" != *"not a Xapian server address"* ]]
        [[ "$stderr" == *"127.0.0.1:$((10#$port))"* ]]
    done
    # the address of a running server, also with a leading zero
    remote=$(sed -n 1p "$BATS_FILE_TMPDIR/remotes")
    run -0 "$KQ" -d "${remote%:*}:0${remote##*:}" -c ceasefire
}

@test "shards: kq show over tcp:// shards prints what the native index does (text, --json, --fields, a missing id)" {
    same4 show corpus/0002.txt
    same4 show corpus/0040.txt corpus/0017.txt corpus/0000.txt
    same4 show --json corpus/0022.txt corpus/0002.txt
    same4 show --format=jsonl --fields=id,len,title corpus/0030.txt
    same4 show corpus/0003.txt corpus/nosuch.txt
    rsame4 show --json 1 56 112
    # the text is the file's after its title line and the blank one (an
    # independent check)
    diff <(kq_remote show --fields=text corpus/0005.txt) <(tail -n +3 corpus/0005.txt)
}

@test "shards: kq explain over tcp:// shards prints what the native index does" {
    # (of the documents each query matches, and one it does not: see
    # kq(1) on a part of the query that fails in a matching document)
    for q in ceasefire 'peace* OR ceasefire^2' '"prime minister"' \
             'title:gulf' 'iraq -oil' '+peace* ceasefire' 'govern* AND peace' \
             'gulf NEAR/5 peace' 'oil OR bank OR dollar' 'peace^0.5 OR war'; do
        ids=$("$KQ" -d "$IDX" search --format=ids -n 3 -- "$q")
        [ -n "$ids" ]
        for id in $ids corpus/0001.txt; do
            same4 explain -- "$q" "$id"
            same4 explain --json -- "$q" "$id"
        done
    done
    same4 explain xyzzy corpus/0002.txt
    ids=$("$KQ" -d "$BATS_FILE_TMPDIR/rn" search --format=ids -n 3 'oil OR crude^3 OR opec')
    [ -n "$ids" ]
    for id in $ids 1; do
        rsame4 explain 'oil OR crude^3 OR opec' "$id"
    done
    # the explained total is the score kq search gives the document
    total=$(kq_remote explain --json 'peace* OR ceasefire^2' corpus/0022.txt | jq .score)
    hit=$(kq_remote --json -n 100 'peace* OR ceasefire^2' | jq 'select(.id == "corpus/0022.txt") | .score')
    [ -n "$total" ] && [ -n "$hit" ]
    # (search prints 6 decimals)
    [ "$(printf '%.6f' "$total")" = "$(printf '%.6f' "$hit")" ]
}

@test "shards: kq terms over tcp:// shards lists the native vocabulary with its document counts" {
    same4 terms
    same4 terms peace
    same4 terms --sort=df -n 20
    same4 terms --json govern
    same4 terms --format=tsv --all
    same4 terms zzzzz
    rsame4 terms --sort=df -n 30 --format=tsv
    # the counts are those of the documents (grep: every form of the word)
    n=$(kq_remote terms --format=tsv ceasefire | awk -F'\t' '$1 == "ceasefire" { print $3 }')
    [ "$n" -eq "$(gfiles 'ceasefires?' | wc -l)" ]
}

@test "shards: --sort=date and -date over tcp:// shards give the native order, ties and undated documents included" {
    nu=$(jq -r 'select(.date == null) | .id' "$BATS_FILE_TMPDIR/dated.jsonl" | wc -l)
    [ "$nu" -gt 10 ]
    for s in date -date; do
        rsame4 search --sort=$s --format=tsv --fields=id,date,score -n 1000 said
        rsame4 search --sort=$s --format=tsv --fields=id,date -n 7 --offset 30 oil
        rsame4 search --sort=$s --format=ids --all 'NOT said'
    done
    # the native order itself: dates ascending, undated last, ties in
    # input order (checked against the input with jq)
    want=$(jq -r 'select(.title + " " + .body | test("\\bsaid\\b"; "i")) | [(.date // "~"), input_line_number, .id] | @tsv' \
               "$BATS_FILE_TMPDIR/dated.jsonl" | LC_ALL=C sort -t$'\t' -k1,1 -k2,2n | cut -f3)
    got=$(kq_rremote search --sort=date --format=ids --all '"said"')
    [ "$(echo "$got" | wc -l)" -gt 100 ]
    diff <(echo "$want") <(echo "$got")
}

@test "shards: hist, count, kwic and facet over tcp:// shards give what the native index does" {
    rsame4 hist said
    rsame4 hist --by year --format=tsv oil said gold
    rsame4 hist --by day --format=csv opec
    rsame4 count oil
    rsame4 facet source oil
    rsame4 facet date:month 'opec OR "crude oil"'
    same4 count ceasefire
    same4 kwic ceasefire
    same4 kwic --format=tsv 'peace*'
    same4 facet source peace
}

@test "shards: --shard K/N databases, served, take updates in place: each kq run sees the last commit" {
    # Two machines' shares of corpus/, each served as it is updated: the
    # server opens its database for each connection.
    mkdir -p "$BATS_FILE_TMPDIR/live"
    for k in 0 1; do
        "$KQI" -q --backend=xapian --shard $k/2 -d "$BATS_FILE_TMPDIR/live/shard00$k" corpus/
    done
    args=()
    for k in 0 1; do
        start_server $k live
        args+=(-d "tcp://127.0.0.1:$PORT")
    done
    [ "$("$KQ" "${args[@]}" -c '*')" -eq 41 ]
    [ "$("$KQ" "${args[@]}" -c peacekeepers)" -eq "$(kq -c peacekeepers)" ]
    # A new document, given to both machines: one writes it, the other
    # only its words.
    give_both() {
        for k in 0 1; do
            "$KQI" -q --backend=xapian -d "$BATS_FILE_TMPDIR/live/shard00$k" "$BATS_TEST_TMPDIR/in/new.txt"
        done
    }
    mkdir -p "$BATS_TEST_TMPDIR/in"
    printf 'Quetzalcoatl\nquetzalcoatl flies over peacekeepers\n' >"$BATS_TEST_TMPDIR/in/new.txt"
    give_both
    [ "$("$KQ" "${args[@]}" -c '*')" -eq 42 ]
    [ "$("$KQ" "${args[@]}" -c quetzalcoatl)" -eq 1 ]
    [ "$("$KQ" "${args[@]}" -c 'quetzal*')" -eq 1 ]
    # Changed: replaced, not added.
    printf 'Quetzalcoatl\nthe serpent rests\n' >"$BATS_TEST_TMPDIR/in/new.txt"
    give_both
    [ "$("$KQ" "${args[@]}" -c '*')" -eq 42 ]
    [ "$("$KQ" "${args[@]}" -c 'quetzalcoatl AND serpent')" -eq 1 ]
    [ "$("$KQ" "${args[@]}" -c 'quetzalcoatl AND flies')" -eq 0 ]
    # Deleted on the machine that has it; the other says it is not there.
    ok=0
    for k in 0 1; do
        if "$KQI" rm -q -d "$BATS_FILE_TMPDIR/live/shard00$k" "$BATS_TEST_TMPDIR/in/new.txt" 2>/dev/null; then
            ok=$((ok + 1))
        fi
    done
    [ "$ok" -eq 1 ]
    [ "$("$KQ" "${args[@]}" -c '*')" -eq 41 ]
}

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

# Serve shard $1 with xapian-tcpsrv on a free port; sets PORT.  The port
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
            "$BATS_FILE_TMPDIR/sh/shard00$1" >/dev/null 2>&1 3>&- &
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
    : >"$BATS_FILE_TMPDIR/pids"
    for i in 0 1; do
        start_server "$i" || return 1
        echo "tcp://127.0.0.1:$PORT" >>"$BATS_FILE_TMPDIR/remotes"
    done
}

teardown_file() {
    if [ -f "$BATS_FILE_TMPDIR/pids" ]; then
        while read -r pid; do
            kill "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
        done <"$BATS_FILE_TMPDIR/pids"
    fi
}

setup() {
    cd "$ROOT"
}

# kq over both remote shards.
kq_remote() {
    local args=() r
    while read -r r; do
        args+=(-d "$r")
    done <"$BATS_FILE_TMPDIR/remotes"
    "$KQ" "${args[@]}" "$@"
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

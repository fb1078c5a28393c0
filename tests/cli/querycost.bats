#!/usr/bin/env bats
# The cost of a query is bounded: identical items of an
# AND or OR are merged (a word written k times scores k times, as word^k),
# a prefix expands to at most --max-expansion words, and a query's length,
# words and total expansions have limits (kq.h, kq(1) LIMITS), each an
# error with exit status 2, never a silent truncation.
#
# No test decides anything by time: the hostile queries are checked by
# their result (the same ids and scores as the merged query written by
# hand), by kq parse, and by peak memory (/usr/bin/time -v) against the
# same command's with a one-word query.
bats_require_minimum_version 1.5.0
load helpers

# The limits of kq.h (each is also checked by the test at it).
MAX_QUERY_LEN=262144
MAX_QUERY_TERMS=4096
DEFAULT_MAX_EXPANSION=10000
MAX_QUERY_EXPANSION=50000

setup_file() {
    index_corpus
    # An index whose prefix zq* matches exactly 10,000 words (zq00000 ..
    # zq09999), with yzzz, a prefix of one word.
    local d="$BATS_FILE_TMPDIR/big"
    mkdir -p "$d/in"
    python3 - "$d/in" <<'EOF'
import sys
d = sys.argv[1]
for f in range(10):
    with open('%s/f%d.txt' % (d, f), 'w') as o:
        o.write('words %d\n' % f)
        o.write(' '.join('zq%05d' % i for i in range(f * 1000, f * 1000 + 1000)))
        o.write(' yzzz a1 a2 a3 a4 a5 a6\n')
EOF
    "$KQI" -q -d "$d/idx" "$d/in" || return 1
}

setup() {
    cd "$ROOT"
    BIG="$BATS_FILE_TMPDIR/big/idx"
}

# The ids and scores of the top 50 hits of QUERY (extra args before it).
ranked() { "$KQ" -d "$IDX" --format=tsv --fields id,score -n 50 "$@"; }

# Peak RSS in KB of a command (its status is ignored).  Under ASan, freed
# memory is not held in quarantine, which would count the parser's freed
# repeats as memory in use.
peak_kb() {
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0" \
        /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'
}

# A query of exactly $1 bytes: the word oil repeated, padded with one word
# of a's to the length.
query_of_len() {
    python3 -c '
import sys
n = int(sys.argv[1])
s = " ".join(["oil"] * ((n - 6) // 4))
r = n - len(s)
s += " " + "a" * (r - 1)
assert len(s) == n
print(s)' "$1"
}

@test "querycost: identical items of an OR or AND merge into one weighted item (kq parse)" {
    run "$KQ" parse 'oil OR oil OR Oil'
    [ "$status" -eq 0 ]
    [ "$output" = 'word "oil" -> term oil  (score x 3)' ]
    run "$KQ" parse 'oil gulf oil^2'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 'AND (all of)' ]
    [ "${lines[1]}" = '  word "oil" -> term oil  (score x 3)' ]
    [ "${lines[2]}" = '  word "gulf" -> term gulf' ]
    [ "${#lines[@]}" -eq 3 ]
    # Groups merge as wholes; exclusions merge without a weight.
    run "$KQ" parse '(oil* gulf) OR (oil* gulf) OR -iran OR -iran'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 'OR (any of)' ]
    [ "${lines[1]}" = '  AND (all of)  (score x 2)' ]
    [ "${lines[4]}" = '  NOT (documents without)' ]
    [ "${#lines[@]}" -eq 6 ]
    # Not merged: phrase words, NEAR operands, other fields, other order.
    run "$KQ" parse '"oil oil" OR (oil NEAR/3 oil) OR title:oil OR oil'
    [ "$status" -eq 0 ]
    [ "$(grep -c 'term oil' <<<"$output")" -eq 6 ]
}

@test "querycost: a repeated word scores as word^count (search, --or, batch --or)" {
    a=$(ranked 'oil OR oil OR oil')
    b=$(ranked 'oil^3')
    [ -n "$a" ] && [ "$a" = "$b" ]
    a=$(ranked --or 'oil gulf oil')
    b=$(ranked 'oil^2 OR gulf')
    [ -n "$a" ] && [ "$a" = "$b" ]
    printf '1\toil gulf oil price\n' >"$BATS_TEST_TMPDIR/q1"
    printf '1\toil^2 OR gulf OR price\n' >"$BATS_TEST_TMPDIR/q2"
    a=$("$KQ" -d "$IDX" batch --or "$BATS_TEST_TMPDIR/q1")
    b=$("$KQ" -d "$IDX" batch "$BATS_TEST_TMPDIR/q2")
    [ -n "$a" ] && [ "$a" = "$b" ]
}

@test "querycost: a word repeated 30,000 times: the result of word^30000, in the memory of one word" {
    q=$(python3 -c 'print(" ".join(["oil"] * 30000))')
    a=$(ranked "$q")
    b=$(ranked 'oil^30000')
    [ -n "$a" ] && [ "$a" = "$b" ]
    [ "$("$KQ" -d "$IDX" -c "$q")" = "$("$KQ" -d "$IDX" -c oil)" ]
    one=$(peak_kb "$KQ" -d "$IDX" -c oil)
    many=$(peak_kb "$KQ" -d "$IDX" -c "$q")
    echo "peak RSS: one word ${one} KB, 30,000 words ${many} KB" >&2
    [ -n "$one" ] && [ -n "$many" ]
    # (today's main: 113 MB against 3 MB)
    [ "$many" -lt $((one + 10240)) ]
}

@test "querycost: a prefix ORed with itself 200 times: one expansion" {
    q=$(python3 -c 'print(" OR ".join(["a*"] * 200))')
    run "$KQ" -d "$IDX" parse "$q"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 'prefix "a*" (unstemmed)  (score x 200)' ]
    [ "$(grep -c '^ *prefix' <<<"$output")" -eq 1 ]
    a=$(ranked "$q")
    b=$(ranked 'a*^200')
    [ -n "$a" ] && [ "$a" = "$b" ]
    one=$(peak_kb "$KQ" -d "$IDX" -c 'a*')
    many=$(peak_kb "$KQ" -d "$IDX" -c "$q")
    echo "peak RSS: a* ${one} KB, 200 x a* ${many} KB" >&2
    [ -n "$one" ] && [ -n "$many" ]
    # (today's main: 88 MB against 3 MB)
    [ "$many" -lt $((one + 10240)) ]
}

@test "querycost: --max-expansion: a prefix at the limit runs, one word more is an error" {
    n=$("$KQ" -d "$IDX" parse 'p*' | sed -n 's/^ *expands to \([0-9]*\) terms.*/\1/p')
    [ "$n" -gt 10 ]
    want=$("$KQ" -d "$IDX" -c 'p*')
    run "$KQ" -d "$IDX" -c --max-expansion "$n" 'p*'
    [ "$status" -eq 0 ]
    [ "$output" = "$want" ]
    run "$KQ" -d "$IDX" -c --max-expansion $((n - 1)) 'p*'
    [ "$status" -eq 2 ]
    [ "$output" = "kq count: the prefix p* matches more than $((n - 1)) words (the limit; use a longer prefix, or raise it with --max-expansion N)" ]
    # kq parse says so under the prefix; kq batch names the line and goes on.
    run "$KQ" -d "$IDX" parse --max-expansion $((n - 1)) 'p*'
    [ "${lines[1]}" = "  error: the prefix p* matches more than $((n - 1)) words (the limit; use a longer prefix, or raise it with --max-expansion N)" ]
    printf 'p*\noil\n' >"$BATS_TEST_TMPDIR/q"
    run "$KQ" -d "$IDX" batch --counts --max-expansion $((n - 1)) "$BATS_TEST_TMPDIR/q"
    [ "$status" -eq 2 ]
    [[ "$output" == *"q:1: the prefix p* matches more than"* ]]
    [[ "$output" == *"2	$("$KQ" -d "$IDX" -c oil)	oil"* ]]
}

@test "querycost: --max-expansion takes 1 to $MAX_QUERY_EXPANSION" {
    for v in 0 -1 $((MAX_QUERY_EXPANSION + 1)) 1x ''; do
        run "$KQ" -d "$IDX" -c --max-expansion "$v" oil
        [ "$status" -eq 2 ]
        [[ "$output" == *"--max-expansion needs a number from 1 to $MAX_QUERY_EXPANSION, not \"$v\""* ]]
    done
    run "$KQ" -d "$IDX" -c --max-expansion "$MAX_QUERY_EXPANSION" 'p*'
    [ "$status" -eq 0 ]
    run "$KQ" -d "$IDX" -c --max-expansion 1 oil
    [ "$status" -eq 0 ]
    run "$KQ" -d "$IDX" stats --max-expansion 5
    [ "$status" -eq 2 ]
}

@test "querycost: the default expansion limit: $DEFAULT_MAX_EXPANSION words run, one more is an error" {
    run "$KQ" -d "$BIG" -c 'zq*'
    [ "$status" -eq 0 ]
    [ "$output" -eq 10 ]
    run "$KQ" -d "$BIG" parse 'zq*'
    [[ "${lines[1]}" == "  expands to $DEFAULT_MAX_EXPANSION terms: "* ]]
    run "$KQ" -d "$BIG" -c --max-expansion $((DEFAULT_MAX_EXPANSION - 1)) 'zq*'
    [ "$status" -eq 2 ]
    # One more word under the prefix.
    printf 'more\nzq10000\n' >"$BATS_TEST_TMPDIR/more.txt"
    cp -r "$BIG" "$BATS_TEST_TMPDIR/big2"
    "$KQI" -q -d "$BATS_TEST_TMPDIR/big2" "$BATS_TEST_TMPDIR/more.txt"
    run "$KQ" -d "$BATS_TEST_TMPDIR/big2" -c 'zq*'
    [ "$status" -eq 2 ]
    [ "$output" = "kq count: the prefix zq* matches more than $DEFAULT_MAX_EXPANSION words (the limit; use a longer prefix, or raise it with --max-expansion N)" ]
    run "$KQ" -d "$BATS_TEST_TMPDIR/big2" -c --max-expansion $((DEFAULT_MAX_EXPANSION + 1)) 'zq*'
    [ "$status" -eq 0 ]
    [ "$output" -eq 11 ]
}

@test "querycost: a query's expansions: $MAX_QUERY_EXPANSION terms in all run, one more is an error" {
    # zq* five times in different groups (not merged): 5 x 10,000.
    q='(zq* a1) OR (zq* a2) OR (zq* a3) OR (zq* a4) OR (zq* a5)'
    run "$KQ" -d "$BIG" -c "$q"
    [ "$status" -eq 0 ]
    [ "$output" -eq 10 ]
    run "$KQ" -d "$BIG" -c "$q OR (yzzz* a6)"
    [ "$status" -eq 2 ]
    [ "$output" = "kq count: the query's prefixes, patterns, fuzzy words and date ranges match more than $MAX_QUERY_EXPANSION terms in all (at the prefix yzzz*)" ]
}

@test "querycost: a query of $MAX_QUERY_LEN bytes runs, one byte more is an error" {
    f="$BATS_TEST_TMPDIR/long"
    { query_of_len "$MAX_QUERY_LEN"; query_of_len $((MAX_QUERY_LEN + 1)); } >"$f"
    [ "$(sed -n 1p "$f" | tr -d '\n' | wc -c)" -eq "$MAX_QUERY_LEN" ]
    run --separate-stderr "$KQ" -d "$IDX" batch --or --counts "$f"
    [ "$status" -eq 2 ]
    [ "${lines[0]}" = "qid	count	query	error" ]
    [[ "${lines[1]}" == "1	$("$KQ" -d "$IDX" -c oil)	oil oil"* ]]
    [ "${#lines[@]}" -eq 3 ]
    [[ "${lines[2]}" == "2		oil oil"*"	syntax error at column $((MAX_QUERY_LEN + 1)): the query is longer than $MAX_QUERY_LEN bytes" ]]
    [[ "$stderr" == *"long:2: syntax error at column $((MAX_QUERY_LEN + 1)): the query is longer than $MAX_QUERY_LEN bytes"* ]]
    # The message shows a window of the query, not all of it.
    [ "${#stderr}" -lt 1000 ]
}

@test "querycost: a query of $MAX_QUERY_TERMS words runs, one word more is an error" {
    q=$(python3 -c "print(' '.join('w%d' % i for i in range($MAX_QUERY_TERMS)))")
    run "$KQ" -d "$IDX" --or -c "$q"
    [ "$status" -eq 1 ]
    [ "$output" = 0 ]
    run "$KQ" -d "$IDX" --or -c "$q w$MAX_QUERY_TERMS"
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"syntax error at column "*": the query has more than $MAX_QUERY_TERMS words (each word of a phrase counts, repeated ones once)" ]]
    # Repeats count once; each word of a phrase counts.
    run "$KQ" -d "$IDX" --or -c "$q w0 w1 w2"
    [ "$status" -eq 1 ]
    run "$KQ" -d "$IDX" -c "\"$q w$MAX_QUERY_TERMS\""
    [ "$status" -eq 2 ]
}

@test "querycost: the Xapian backend merges and limits the same way" {
    X="$BATS_TEST_TMPDIR/x"
    "$KQI" -q --backend xapian -d "$X" corpus/
    a=$("$KQ" -d "$X" --format=tsv --fields id,score -n 50 'oil OR oil OR gulf')
    b=$("$KQ" -d "$X" --format=tsv --fields id,score -n 50 'oil^2 OR gulf')
    [ -n "$a" ] && [ "$a" = "$b" ]
    n=$("$KQ" -d "$IDX" parse 'p*' | sed -n 's/^ *expands to \([0-9]*\) terms.*/\1/p')
    run "$KQ" -d "$X" -c --max-expansion "$n" 'p*'
    [ "$status" -eq 0 ]
    [ "$output" = "$("$KQ" -d "$IDX" -c 'p*')" ]
    run "$KQ" -d "$X" -c --max-expansion $((n - 1)) 'p*'
    [ "$status" -eq 2 ]
    [ "$output" = "kq count: the prefix p* matches more than $((n - 1)) words (the limit; use a longer prefix, or raise it with --max-expansion N)" ]
    q=$(python3 -c 'print(" OR ".join(["a*"] * 200))')
    a=$("$KQ" -d "$X" --format=tsv --fields id,score -n 50 "$q")
    b=$("$KQ" -d "$X" --format=tsv --fields id,score -n 50 'a*^200')
    [ -n "$a" ] && [ "$a" = "$b" ]
}

@test "querycost: a phrase of 70 words checks every word (not only the first 64)" {
    d="$BATS_TEST_TMPDIR/ph"
    mkdir -p "$d"
    python3 - "$d" <<'PY'
import sys
d = sys.argv[1]
w = ['p%d' % i for i in range(70)]
open(d + '/all.txt', 'w').write('all\n' + ' '.join(w) + '\n')
open(d + '/cut.txt', 'w').write('cut\n' + ' '.join(w[:64]) + ' zz ' + ' '.join(w[64:]) + '\n')
PY
    "$KQI" -q -d "$d/idx" "$d/all.txt" "$d/cut.txt"
    p70=$(python3 -c "print(' '.join('p%d' % i for i in range(70)))")
    p64=$(python3 -c "print(' '.join('p%d' % i for i in range(64)))")
    run "$KQ" -d "$d/idx" --format=ids "\"$p70\""
    [ "$status" -eq 0 ]
    [ "$output" = "$d/all.txt" ]
    run "$KQ" -d "$d/idx" -c "\"$p64\""
    [ "$output" = 2 ]
}

@test "querycost: nesting 100 deep and NEAR of 64 words run, one more is an error" {
    open=$(printf '(%.0s' $(seq 100)); close=$(printf ')%.0s' $(seq 100))
    run "$KQ" -d "$IDX" -c "${open}oil${close}"
    [ "$status" -eq 0 ]
    run "$KQ" -d "$IDX" -c "(${open}oil${close})"
    [ "$status" -eq 2 ]
    [[ "$output" == *"parentheses nested too deeply"* ]]
    n64=$(python3 -c "print(' NEAR/5 '.join('w%d' % i for i in range(64)))")
    run "$KQ" -d "$IDX" -c "$n64"
    [ "$status" -eq 1 ]
    run "$KQ" -d "$IDX" -c "$n64 NEAR/5 w64"
    [ "$status" -eq 2 ]
    [[ "$output" == *"NEAR/ADJ join at most 64 words"* ]]
}

@test "a boost's number is at most 31 characters, for a word, a group and a phrase alike" {
    local z31 z32
    z31=$(python3 -c "print('0' * 30 + '2')")
    z32=$(python3 -c "print('0' * 31 + '2')")
    for q in "oil^" "(oil)^" '"oil"^'; do
        run -0 kq -c "$q$z31"
        [ "$output" = "$(kq -c "${q}2")" ]
        run -2 kq -c "$q$z32"
        [[ "$output" == *"^ wants a positive number"* ]]
    done
}

# Peak RSS in KB of a command ("$@"), its standard input from $IN.
rss_of() { /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" "$@" <"$IN" >/dev/null 2>"$BATS_TEST_TMPDIR/err"; tail -n 1 "$BATS_TEST_TMPDIR/rss"; }

@test "lines read from files and stdin are bounded: a 64 MB line in kq batch, kq show - and kq-index rm - is reported, the rest done" {
    local d="$BATS_TEST_TMPDIR" big
    big=$(( 64 << 20 ))
    # batch: a good query, a 64 MB line, a good query
    python3 -c "
import sys
w = sys.stdout.write
w('q1\tceasefire\n'); w('q2\t' + 'x ' * ($big // 2) + '\n'); w('q3\tpeacekeepers\n')" >"$d/q.tsv"
    run --separate-stderr kq batch --counts "$d/q.tsv"
    [[ "$stderr" == *"q.tsv:2: a line longer than a query id, a tab and the longest query (262144 bytes)"* ]]
    [[ "$output" == *"q1"*"q3"* ]]
    # ids on stdin: one real id, a 64 MB line, the same id again
    local id
    id=$(kq --format=ids ceasefire | head -1)
    python3 -c "
import sys
sys.stdout.write('$id\n' + 'i' * $big + '\n$id\n')" >"$d/ids.txt"
    IN="$d/ids.txt"
    run -1 --separate-stderr "$KQ" -d "$IDX" show - <"$IN"
    [[ "$stderr" == *"line 2 of standard input: longer than an id (4096 bytes)"* ]]
    [ "$(grep -cF "$id" <<<"$output")" -ge 2 ]
    cp -r "$IDX" "$d/idx2"
    run -1 --separate-stderr "$KQI" rm -d "$d/idx2" - <"$IN"
    [[ "$stderr" == *"line 2 of standard input: longer than an id (4096 bytes): no such document"* ]]
    [[ "$output" == *"deleted 1 document"* ]]
    if ! grep -q __asan_init "$KQ"; then
        # memory: the line is never held (64 MB would show)
        [ "$(rss_of "$KQ" -d "$IDX" show -)" -lt 40000 ]
        IN="$d/q.tsv"
        [ "$(rss_of "$KQ" -d "$IDX" batch --counts "$d/q.tsv")" -lt 40000 ]
    fi
}

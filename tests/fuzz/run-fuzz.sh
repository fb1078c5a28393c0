#!/bin/sh
# Run the libFuzzer targets of tests/fuzz/ and report in TAP.
#
# usage: tests/fuzz/run-fuzz.sh [-t SECONDS] [-k] [-s] FUZZ_BUILD_DIR [TARGET...]
#
# For each target (default: every FUZZ_BUILD_DIR/fuzz/fuzz_*):
#   1. replay: the target runs once over each of its inputs -- the committed
#      seeds tests/fuzz/seeds/TARGET/, the generated seeds
#      FUZZ_BUILD_DIR/seeds/TARGET/ (fuzz_index), and the saved inputs that
#      once failed, tests/fuzz/regressions/TARGET/ -- one TAP result;
#   2. unless SECONDS is 0, a fuzzing run of SECONDS (default 10) starting
#      from those inputs -- a second TAP result, with the number of
#      executions.  (If the replay failed, the saved regressions are left
#      out: a bug not fixed yet would stop the run at its first input.)
# A failure prints the input (path, size, first bytes in hex, how to replay
# it) and the sanitizer's or the invariant's report; inputs found by a run
# are also copied to FUZZ_BUILD_DIR/findings/TARGET/ (add them to
# tests/fuzz/regressions/TARGET/ to replay them in every run).
#
# Everything libFuzzer writes goes under FUZZ_BUILD_DIR: the run's corpus
# to FUZZ_BUILD_DIR/work/TARGET/corpus (fresh each run), or with -k to
# FUZZ_BUILD_DIR/corpus/TARGET (kept and grown from run to run: make fuzz);
# crash files to FUZZ_BUILD_DIR/work/TARGET/artifacts.  Nothing is written
# into tests/.  -s prints a summary of executions per target at the end.
# Exit status 0 if every result is "ok".
set -u

secs=10
keep=0
summary=0
while getopts t:ks opt; do
    case $opt in
    t) secs=$OPTARG ;;
    k) keep=1 ;;
    s) summary=1 ;;
    *) echo "usage: $0 [-t SECONDS] [-k] [-s] FUZZ_BUILD_DIR [TARGET...]" >&2
       exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ]; then
    echo "usage: $0 [-t SECONDS] [-k] [-s] FUZZ_BUILD_DIR [TARGET...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
fb=$(cd "$1" 2>/dev/null && pwd) || { echo "$0: $1: no such directory" >&2; exit 2; }
shift
if [ $# -eq 0 ]; then
    for b in "$fb"/fuzz/fuzz_*; do
        case $b in *.o) continue ;; esac
        [ -x "$b" ] && set -- "$@" "$(basename "$b")"
    done
fi

# The targets' temporary directories (fuzz_util.h): private, removed at
# the end even if a crash left them behind.
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
KQ_FUZZ_TMP=$(mktemp -d "$shm/kq-fuzz-run.XXXXXX")
export KQ_FUZZ_TMP
trap 'rm -rf "$KQ_FUZZ_TMP"' EXIT
trap 'exit 130' INT TERM

# Common libFuzzer options: a hang is a failure after 25 s, memory beyond
# 2 GB too; no -close_fd_mask (the targets silence the library's messages
# themselves, and a failure's report must show).
LF_OPTS="-timeout=25 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1"

n=0
nfail=0
sumfile=$(mktemp)
trap 'rm -rf "$KQ_FUZZ_TMP" "$sumfile"' EXIT
echo "1..$(( $# * (secs > 0 ? 2 : 1) ))"

# List a target's inputs, one path a line (README*, dotfiles skipped).
inputs() {
    for d in "$here/seeds/$1" "$fb/seeds/$1" "$here/regressions/$1"; do
        [ -d "$d" ] || continue
        for f in "$d"/*; do
            [ -f "$f" ] || continue
            case $(basename "$f") in README*|.*) continue ;; esac
            printf '%s\n' "$f"
        done
    done
}

# Print the failing input $1 and the key lines of log $2 as TAP comments.
explain() {
    if [ -n "$1" ] && [ -f "$1" ]; then
        echo "# input: $1 ($(wc -c <"$1" | tr -d ' ') bytes)"
        echo "# replay: $bin $1"
        od -A n -t x1 -N 32 -v "$1" | sed 's/^ */# hex: /'
    else
        echo "# input: not identified (see the log)"
    fi
    # The report's first lines, and its first stack frames that are not
    # the sanitizer's, libFuzzer's or libc's own.
    grep -E '==fuzz==|ERROR: |runtime error|SUMMARY: ' "$2" | head -4 | sed 's/^/# /'
    grep -E '^ +#[0-9]+ 0x[0-9a-f]+ in ' "$2" \
        | grep -vE ' in (__sanitizer|__asan|__ubsan|__interceptor|fuzzer::|__pthread_kill|raise|abort|gsignal|fz_fail)' \
        | head -6 | sed 's/^/# /'
    echo "# log: $2"
}

for t in "$@"; do
    bin="$fb/fuzz/$t"
    work="$fb/work/$t"
    rm -rf "$work"
    mkdir -p "$work/artifacts"

    # 1. Replay.
    n=$((n + 1))
    replay_ok=0
    inputs "$t" >"$work/inputs"
    nin=$(wc -l <"$work/inputs" | tr -d ' ')
    if [ ! -x "$bin" ]; then
        echo "not ok $n - $t: replay: $bin is missing (make fuzz-build)"
        nfail=$((nfail + 1))
    elif [ "$nin" -eq 0 ]; then
        echo "not ok $n - $t: replay: no inputs (seeds/$t empty; for fuzz_index: make fuzz-build generates them)"
        nfail=$((nfail + 1))
    else
        # shellcheck disable=SC2046,SC2086
        (cd "$work" && tr '\n' '\0' <inputs | xargs -0 "$bin" $LF_OPTS \
            -artifact_prefix="$work/artifacts/") >"$work/replay.log" 2>&1
        rc=$?
        if [ $rc -eq 0 ]; then
            echo "ok $n - $t: replay of $nin inputs"
            replay_ok=1
        else
            echo "not ok $n - $t: replay of $nin inputs failed (exit $rc)"
            nfail=$((nfail + 1))
            culprit=$(grep '^Running: ' "$work/replay.log" | tail -1 | sed 's/^Running: //')
            explain "$culprit" "$work/replay.log"
        fi
    fi
    [ "$secs" -gt 0 ] || continue

    # 2. Fuzzing, from every input, into a corpus outside tests/.
    n=$((n + 1))
    if [ "$keep" -eq 1 ]; then
        corpus="$fb/corpus/$t"
    else
        corpus="$work/corpus"
    fi
    mkdir -p "$corpus"
    # Prefixed by origin: the same name may be a seed and a regression.
    # While a saved input still fails (its bug is not fixed: the replay
    # said so above), it would stop the run at once: leave them all out.
    note=""
    while IFS= read -r f; do
        case $f in
        "$here/regressions/"*)
            if [ "$replay_ok" -eq 1 ]; then
                cp "$f" "$corpus/reg-$(basename "$f")"
            else
                note=" (without regressions/$t: replay failed)"
                rm -f "$corpus/reg-$(basename "$f")"
            fi ;;
        *) cp "$f" "$corpus/seed-$(basename "$f")" ;;
        esac
    done <"$work/inputs"
    if [ ! -x "$bin" ]; then
        echo "not ok $n - $t: fuzzing: $bin is missing"
        nfail=$((nfail + 1))
        continue
    fi
    # shellcheck disable=SC2086
    (cd "$work" && "$bin" $LF_OPTS -max_total_time="$secs" \
        -artifact_prefix="$work/artifacts/" "$corpus") >"$work/fuzz.log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/fuzz.log" | tail -1)
    cov=$(grep -E '^#[0-9]+' "$work/fuzz.log" | tail -1 | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p')
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$rc" >>"$sumfile"
    if [ $rc -eq 0 ]; then
        echo "ok $n - $t: fuzzed ${secs} s, ${execs:-?} execs (${rate:-?}/s), ${cov:-no stats}$note"
    else
        echo "not ok $n - $t: fuzzing found a failure (exit $rc) after ${execs:-?} execs$note"
        nfail=$((nfail + 1))
        art=$(ls -t "$work/artifacts"/crash-* "$work/artifacts"/leak-* \
                    "$work/artifacts"/timeout-* "$work/artifacts"/oom-* 2>/dev/null | head -1)
        if [ -n "$art" ]; then
            mkdir -p "$fb/findings/$t"
            cp "$art" "$fb/findings/$t/"
            art="$fb/findings/$t/$(basename "$art")"
        fi
        explain "$art" "$work/fuzz.log"
    fi
done

if [ "$summary" -eq 1 ] && [ -s "$sumfile" ]; then
    echo "# executions per target:"
    while IFS="$(printf '\t')" read -r t execs rate cov rc; do
        st=ok; [ "$rc" -eq 0 ] || st="FAILED (exit $rc)"
        printf '#   %-12s %10s execs  %7s exec/s  %s  %s\n' "$t" "$execs" "$rate" "$cov" "$st"
    done <"$sumfile"
fi
[ "$nfail" -eq 0 ]

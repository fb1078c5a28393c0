#!/bin/sh
# Run every test against one or more builds and print one closing line,
#   N passed, N failed
# counted over every test case of every build (TAP "ok"/"not ok" lines of the
# cmocka unit tests and the bats CLI tests).  Exit status 1 if anything
# failed or if nothing ran at all.
#
# usage: tests/run.sh OBJDIR BINDIR [OBJDIR BINDIR ...]
#   OBJDIR holds tests/t_* (unit test binaries), BINDIR kq and kq-index.
#
# With KQ_FUZZ set to the fuzz build directory (make check sets it to
# build-fuzz), the libFuzzer targets run last, through tests/fuzz/run-fuzz.sh:
# each replays its seeds and saved inputs, then fuzzes for KQ_FUZZ_SECONDS
# (default 5; 0: replay only); each counts as TAP results like the rest.
#
# The bats files run in parallel, `bats --jobs $KQ_JOBS` (default: the
# number of CPUs), which needs GNU parallel (scripts/install-deps.sh
# installs it); without it, or with KQ_JOBS=1, one at a time.  The tests
# inside a file run one after the other (--no-parallelize-within-files):
# bats 1.8 hands out its within-file slots by polling once a second, which
# for tests of a tenth of a second made the run slower, not faster (the
# tests are safe in parallel all the same: helpers.bash).  bats prints the
# results in file order, after the plan line "1..N": a test that never
# reported (bats itself killed, say) counts as failed, so the closing line
# always counts every test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

pass=0
fail=0
count() {   # count TAP results in $log, echo failures
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ -n "${2:-}" ]; then    # $2: the plan ("1..N") must be met
        n=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
        if [ -z "$n" ]; then
            echo "not ok - $1: no plan line (did it start?)" >>"$log"
            f=$((f + 1))
        elif [ $((p + f)) -lt "$n" ]; then
            echo "not ok - $1: $((n - p - f)) of $n tests never reported" >>"$log"
            f=$((n - p))
        fi
    fi
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$f" -gt 0 ]; then
        grep -A15 '^not ok ' "$log" | sed 's/^/    /'
    fi
    echo "  $1: $p passed, $f failed"
}

# KQ_RUN=unit or cli runs only those (make unit, make cli); KQ_UNIT=t_x one
# unit binary; KQ_BATS=FILE... the bats files to run (default: all).
run=${KQ_RUN:-all}
jobs=${KQ_JOBS:-$(nproc 2>/dev/null || echo 1)}
case $jobs in
'' | *[!0-9]*) echo "tests/run.sh: KQ_JOBS=$jobs is not a number" >&2; exit 2 ;;
esac
if [ "$run" != unit ] && [ "$jobs" -gt 1 ] && ! command -v parallel >/dev/null 2>&1; then
    echo "note: no GNU parallel (scripts/install-deps.sh installs it): the bats tests run one at a time"
    jobs=1
fi
par=
[ "$jobs" -le 1 ] || par="--jobs $jobs --no-parallelize-within-files"
while [ $# -ge 2 ]; do
    obj=$(cd "$root/$1" && pwd); bin=$(cd "$root/$2" && pwd); shift 2
    echo "== tests with $obj"
    for t in "$obj"/tests/${KQ_UNIT:-t_*}; do
        [ "$run" != cli ] || break
        [ -x "$t" ] || continue
        # Unit binaries live apart from kq: point them at the build's Xapian
        # plugin (xapian_load.c), and at tests/data (t_scripts.c's tokens.tsv)
        # wherever this runner is started from.
        KQ_XAPIAN_PLUGIN="$bin/kq-xapian.so" KQ_TEST_DATA="$root/tests/data" \
            CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
        rc=$?
        # A unit binary that crashed (sanitizer report, signal) without
        # printing a "not ok" line still counts as one failure.
        if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
            echo "not ok - $(basename "$t") exited with status $rc" >>"$log"
            tail -20 "$log" | sed 's/^/    /'
        fi
        count "$(basename "$t")"
    done
    if [ "$run" != unit ] && ls "$root"/tests/cli/*.bats >/dev/null 2>&1; then
        # shellcheck disable=SC2086
        KQ_BIN="$bin" KQ_FAILIO="$obj/tests/failio.so" \
            KQ_XDUMP="$obj/tests/xdump" \
            bats --tap $par ${KQ_BATS:-"$root"/tests/cli/} >"$log" 2>&1
        count "cli (bats)" plan
    fi
done

# With KQ_PYTHON set to a Python that has pytest (make check: the one
# that built python/kq/ in place, make python-build), the package's tests
# (tests/python/) run once, against the first BINDIR's kq for reference;
# pytest's -rA summary lines become TAP.  With KQ_PYLIB_SAN too (make
# check: build-san/python-lib, make python-build-san), they run again on
# that ASan + UBSan build of the package, the ASan runtime preloaded
# (python3 is not built with it), and libstdc++ with it, so that ASan's
# interceptor of C++ throws finds the real one (Xapian throws).
# LeakSanitizer reports what kq's code allocated and never freed (one
# frame of stack, so that Python's own allocations, left at exit by
# design, are told apart: lsan.supp).
pytest_tap() {
    label=$1
    shift
    echo "== python package ($label)"
    (cd "$root" && env KQ_BIN="$root" "$@" "$KQ_PYTHON" -m pytest \
        -p no:cacheprovider -rA -q tests/python) >"$log.py" 2>&1
    rc=$?
    sed -n 's/^PASSED \(.*\)$/ok - \1/p; s/^\(FAILED\|ERROR\) \(.*\)$/not ok - \2/p' "$log.py" >"$log"
    if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
        echo "not ok - pytest exited with status $rc" >>"$log"
        tail -20 "$log.py" | sed 's/^/    /'
    fi
    if ! grep -q '^ok ' "$log"; then
        echo "not ok - pytest: no test passed" >>"$log"
    fi
    grep -B2 -A25 '^_\{5,\}' "$log.py" | head -200 | sed 's/^/    /'
    rm -f "$log.py"
    count "python (pytest, $label)"
}
if [ -n "${KQ_PYTHON:-}" ] && [ "$run" = all ]; then
    pytest_tap "tests/python, $KQ_PYTHON" PYTHONPATH="$root/python"
    if [ -n "${KQ_PYLIB_SAN:-}" ]; then
        case $KQ_PYLIB_SAN in
        /*) pylib=$KQ_PYLIB_SAN ;;
        *) pylib=$root/$KQ_PYLIB_SAN ;;
        esac
        pytest_tap "ASan + UBSan, $pylib" PYTHONPATH="$pylib" \
            KQ_PYLIB="$pylib" KQ_ASAN=1 \
            LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libstdc++.so)" \
            ASAN_OPTIONS=detect_leaks=1:malloc_context_size=2 \
            LSAN_OPTIONS="suppressions=$here/python/lsan.supp:print_suppressions=0" \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    fi
fi

if [ -n "${KQ_FUZZ:-}" ]; then
    case $KQ_FUZZ in
    /*) fz=$KQ_FUZZ ;;
    *) fz=$root/$KQ_FUZZ ;;
    esac
    echo "== fuzz targets in $fz"
    sh "$here/fuzz/run-fuzz.sh" -t "${KQ_FUZZ_SECONDS:-5}" "$fz" >"$log" 2>&1
    rc=$?
    # The runner failing without a "not ok" line (say, a bad directory)
    # still counts as one failure.
    if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
        echo "not ok - tests/fuzz/run-fuzz.sh exited with status $rc" >>"$log"
        tail -20 "$log" | sed 's/^/    /'
    fi
    grep '^ok ' "$log" | sed 's/^/    /'   # failures: count() shows them
    count "fuzz (libFuzzer)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

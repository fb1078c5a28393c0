# Shared by tests/cli/*.bats (loaded with `load helpers`).
#
# KQ_BIN is the directory holding kq and kq-index (tests/run.sh sets it; by
# default the repository root, where `make` puts them).  Every test file
# indexes corpus/ once, in setup_file, into $BATS_FILE_TMPDIR/idx; the
# commands are run from the repository root so document ids are
# corpus/NNNN.txt.
#
# tests/run.sh runs the files in parallel, and `bats --jobs` by hand runs
# a file's tests in parallel too.  So a test writes only under its own
# $BATS_TEST_TMPDIR (what setup_file leaves in $BATS_FILE_TMPDIR, the index
# and fixtures, is read-only to the tests); a server takes a port found
# free, never a fixed one; and a test waits for a state it can see (a
# file, a lock) instead of sleeping a fixed time.  A file whose tests
# cannot run side by side says why and sets
# BATS_NO_PARALLELIZE_WITHIN_FILE=true.

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
KQ_BIN=$(cd "${KQ_BIN:-$ROOT}" && pwd)
KQ="$KQ_BIN/kq"
KQI="$KQ_BIN/kq-index"
IDX="$BATS_FILE_TMPDIR/idx"
export ROOT KQ_BIN KQ KQI IDX
# The tests choose their index explicitly; an outer $KQ_INDEX must not leak in.
unset KQ_INDEX

# Index corpus/ into $IDX; keep kq-index's stdout for the tests to inspect.
index_corpus() {
    cd "$ROOT" || return 1
    "$KQI" -d "$IDX" corpus/ >"$BATS_FILE_TMPDIR/index.out" \
        2>"$BATS_FILE_TMPDIR/index.err" || {
        echo "kq-index failed with status $?" >&2
        cat "$BATS_FILE_TMPDIR/index.err" >&2
        return 1
    }
}

# kq against the corpus index.
kq() { "$KQ" -d "$IDX" "$@"; }

# After `run`: the program ended normally (no signal, no sanitizer report).
# ASan and UBSan exit with status 1 by default, so the output is searched too.
no_crash() {
    if [ "$status" -ge 128 ]; then
        echo "killed by signal $((status - 128)): $output" >&2
        return 1
    fi
    case "$output" in
    *Sanitizer* | *"runtime error:"* | *"Segmentation fault"* | *"core dumped"*)
        echo "sanitizer/crash report: $output" >&2
        return 1 ;;
    esac
}

# Files of corpus/ with a whole word (case-insensitive) matching the ERE $1.
# Every inflected form is listed explicitly in the patterns by the callers.
gfiles() { (cd "$ROOT" && LC_ALL=C grep -liwE "$1" corpus/*.txt | LC_ALL=C sort); }

# Files of corpus/ whose text, with line breaks joined, matches the ERE $1
# (case-insensitive): for phrases.
pfiles() {
    (cd "$ROOT" && for f in corpus/*.txt; do
        tr '\n' ' ' <"$f" | LC_ALL=C grep -qiE "$1" && echo "$f"
    done | LC_ALL=C sort)
}

# Set algebra on sorted newline-separated lists.
f_and() { LC_ALL=C comm -12 <(printf '%s\n' "$1" | sed '/^$/d') <(printf '%s\n' "$2" | sed '/^$/d'); }
f_or()  { printf '%s\n%s\n' "$1" "$2" | sed '/^$/d' | LC_ALL=C sort -u; }
f_not() { LC_ALL=C comm -23 <(printf '%s\n' "$1" | sed '/^$/d') <(printf '%s\n' "$2" | sed '/^$/d'); }
nlines() { printf '%s\n' "$1" | sed '/^$/d' | wc -l | tr -d ' '; }

# expect_docs QUERY EXPECTED_FILE_LIST
# `kq -c QUERY` must print the number of files in the list, and the ids of
# `kq --json -n 1000 QUERY` must be exactly those files.
expect_docs() {
    local q=$1 want=$2 n got
    n=$(nlines "$want")
    run "$KQ" -d "$IDX" -c "$q"
    no_crash
    if [ "$output" != "$n" ]; then
        echo "kq -c '$q': expected $n, got '$output' (status $status)" >&2
        return 1
    fi
    if [ "$n" -gt 0 ]; then
        [ "$status" -eq 0 ] || { echo "kq -c '$q': status $status, want 0" >&2; return 1; }
    else
        [ "$status" -eq 1 ] || { echo "kq -c '$q': status $status, want 1" >&2; return 1; }
    fi
    got=$("$KQ" -d "$IDX" --json -n 1000 "$q" | jq -r 'select(.summary | not) | .id' | LC_ALL=C sort)
    if [ "$got" != "$(printf '%s\n' "$want" | sed '/^$/d')" ]; then
        echo "kq --json '$q': ids differ from grep" >&2
        diff <(printf '%s\n' "$want" | sed '/^$/d') <(printf '%s\n' "$got") >&2
        return 1
    fi
}

# flip_byte FILE OFFSET: XOR the byte at OFFSET with 0xff, in place.
flip_byte() {
    local v
    v=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "\\$(printf '%03o' $((v ^ 255)))" |
        dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

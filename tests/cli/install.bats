#!/usr/bin/env bats
# `make install` into a scratch DESTDIR, and what it installed.
#
# setup_file runs `make install DESTDIR=$tmp PREFIX=/usr` with the build
# directory of the binaries under test ($KQ_BIN: the repository root is
# B=build, anything else under the root is B=that directory; a sanitizer
# build, whose kq links libasan, gets SAN=1 so make reuses its objects
# instead of rebuilding them without the sanitizers).  Only libkq.so's
# -fPIC objects ($B/pic/) are compiled, the first time.  Then:
#   - the installed file list is exactly the expected one, and `make
#     uninstall` removes all of it;
#   - both man pages render without groff warnings;
#   - libkq.so has soname libkq.so.0 and exports only kq_* symbols;
#   - a C program using kq.h compiles and links with the installed kq.pc
#     (pkg-config --define-prefix, and PKG_CONFIG_SYSROOT_DIR; shared and
#     static libkq) and counts like `kq -c`;
#   - the installed kq, run from $tmp/usr/bin, finds the Xapian plugin in
#     $tmp/usr/lib/kq/ and searches a Xapian database; so does a program
#     linked with libkq.so, through kq_index_open() alone.
bats_require_minimum_version 1.5.0
load helpers

INST="$BATS_FILE_TMPDIR/inst"

# The make arguments for the build under test (B=..., SAN=1), or nothing
# if $KQ_BIN is not a build directory of this checkout.
build_args() {
    local b
    if [ "$KQ_BIN" = "$ROOT" ]; then
        b=build
    else
        case $KQ_BIN in
        "$ROOT"/*) b=${KQ_BIN#"$ROOT"/} ;;
        *) return 1 ;;
        esac
    fi
    printf 'B=%s\n' "$b"
    if ldd "$KQ" 2>/dev/null | grep -q libasan; then
        printf 'SAN=1\n'
    fi
}

# make in the repository, clear of an outer make's jobserver and flags.
run_make() {
    local args
    args=$(build_args) || return 1
    # shellcheck disable=SC2086
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
        make -C "$ROOT" -s -j"$(nproc 2>/dev/null || echo 2)" --no-print-directory $args "$@"
}

setup_file() {
    index_corpus
    build_args >/dev/null || return 0   # each test skips
    run_make install DESTDIR="$INST" PREFIX=/usr \
        >"$BATS_FILE_TMPDIR/make.out" 2>&1 || {
        echo "make install failed:" >&2
        cat "$BATS_FILE_TMPDIR/make.out" >&2
        return 1
    }
}

setup() {
    cd "$ROOT"
    build_args >/dev/null || skip "KQ_BIN=$KQ_BIN is not a build directory of $ROOT"
    if ldd "$KQ" 2>/dev/null | grep -q libasan; then
        SANFLAGS="-fsanitize=address,undefined"
    else
        SANFLAGS=
    fi
    # The tests choose the plugin's location themselves.
    unset KQ_XAPIAN_PLUGIN PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
}

@test "make install: the expected files, nothing else" {
    run bash -c "cd '$INST' && find . ! -type d | LC_ALL=C sort"
    [ "$status" -eq 0 ]
    # The shared library's real name carries the version kq prints.
    v=$("$KQ" --version | awk '{ print $2 }')
    want="./usr/bin/kq
./usr/bin/kq-index
./usr/include/kq.h
./usr/lib/kq/kq-xapian.so
./usr/lib/libkq.a
./usr/lib/libkq.so
./usr/lib/libkq.so.0
./usr/lib/libkq.so.$v
./usr/lib/pkgconfig/kq.pc
./usr/share/man/man1/kq-index.1
./usr/share/man/man1/kq.1"
    if [ "$output" != "$want" ]; then
        diff <(echo "$want") <(echo "$output") >&2
        return 1
    fi
    [ -x "$INST/usr/bin/kq" ] && [ -x "$INST/usr/bin/kq-index" ]
    [ "$(readlink "$INST/usr/lib/libkq.so")" = libkq.so.0 ]
    [ "$(readlink "$INST/usr/lib/libkq.so.0")" = "libkq.so.$v" ]
    cmp common/kq.h "$INST/usr/include/kq.h"
    # No trace of the default prefix or of the scratch directory.
    run grep -l -e /usr/local -e "$INST" "$INST/usr/lib/pkgconfig/kq.pc"
    [ "$status" -eq 1 ]
    grep -qx 'prefix=/usr' "$INST/usr/lib/pkgconfig/kq.pc"
}

@test "kq.h includes only standard headers" {
    run grep '^#include' "$INST/usr/include/kq.h"
    [ "$status" -eq 0 ]
    while IFS= read -r line; do
        case $line in
        '#include <stddef.h>' | '#include <stdint.h>') ;;
        *) echo "kq.h: $line" >&2; return 1 ;;
        esac
    done <<<"$output"
}

@test "man pages render without warnings" {
    for p in kq kq-index; do
        f="$INST/usr/share/man/man1/$p.1"
        if command -v man >/dev/null; then
            run -0 env MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$f"
            [ -n "$output" ]
            warn=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l "$f" 2>&1 >/dev/null)
        else
            run -0 groff -man -Tutf8 -ww "$f"
            warn=$(groff -man -Tutf8 -ww -z "$f" 2>&1)
        fi
        if [ -n "$warn" ]; then
            echo "$p.1: $warn" >&2
            return 1
        fi
        # Every section the pages promise.
        for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
            grep -q "^\.SH \"\{0,1\}$s\"\{0,1\}\$" "$f" || { echo "$p.1: no section $s" >&2; return 1; }
        done
    done
}

@test "libkq.so: soname libkq.so.0, only kq_* exported, no undefined kq symbols" {
    so=$(readlink -f "$INST/usr/lib/libkq.so.0")
    run -0 readelf -d "$so"
    [[ "$output" == *"Library soname: [libkq.so.0]"* ]]
    run -0 bash -c "nm -D --defined-only '$so' | awk '\$2 ~ /^[TDBRVW]\$/ { print \$3 }' | sed 's/@.*//' | grep -v '^kq_' | grep -v '^KQ_' || true"
    [ -z "$output" ]
    # stemmer, utf8proc and libdeflate are inside it, not needed beside it.
    run -0 readelf -d "$so"
    [[ "$output" != *libstemmer* && "$output" != *libutf8proc* && "$output" != *libdeflate* ]]
}

# The C program of the pkg-config tests: count the matches of QUERY in DIR.
# (In the test's own directory: the tests of a file may run in parallel.)
write_prog() {
    cat >"$BATS_TEST_TMPDIR/prog.c" <<'EOF'
#include <kq.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    kq_index *pIdx = NULL;
    kq_query *pQ = NULL;
    kq_hit *aHit = NULL;
    size_t nHit = 0;
    uint64_t nTotal = 0;
    char *zErr = NULL;
    int iCol = 0;
    if (argc != 3) {
        fprintf(stderr, "usage: prog DIR QUERY\n");
        return 2;
    }
    int rc = kq_index_open(argv[1], &pIdx, &zErr);
    if (rc == KQ_OK) {
        rc = kq_query_parse(kq_index_analyzer(pIdx), argv[2], &pQ, &iCol, &zErr);
    }
    if (rc == KQ_OK) {
        rc = kq_search(pIdx, pQ, 0, 0, &aHit, &nHit, &nTotal, &zErr);
    }
    if (rc != KQ_OK) {
        fprintf(stderr, "prog: %s: %s\n", kq_errstr(rc), zErr ? zErr : "");
        free(zErr);
        kq_query_free(pQ);
        kq_index_close(pIdx);
        return 3;
    }
    printf("%llu\n", (unsigned long long)nTotal);
    free(aHit);
    kq_query_free(pQ);
    kq_index_close(pIdx);
    return 0;
}
EOF
}

QUERIES=("ceasefire" "ceasefire AND peacekeepers" "oil OR gulf" '"central bank"'
         "peace*" "oil -gulf" "(oil OR bank) AND dollar" "zzzznotaword")

# Run PROG on every query; each count must equal the installed kq's -c.
same_counts() {
    local q want got
    for q in "${QUERIES[@]}"; do
        # kq exits 1 when nothing matches: still a count.
        want=$("$INST/usr/bin/kq" -d "$IDX" -c -- "$q") || [ $? -eq 1 ]
        got=$(LD_LIBRARY_PATH="$INST/usr/lib" "$@" "$IDX" "$q") || {
            echo "$* '$q' failed (status $?)" >&2
            return 1
        }
        if [ "$got" != "$want" ]; then
            echo "$* '$q': $got, kq -c: $want" >&2
            return 1
        fi
    done
}

@test "pkg-config --define-prefix: a program links with libkq.so and counts like kq -c" {
    write_prog
    export PKG_CONFIG_PATH="$INST/usr/lib/pkgconfig"
    run -0 pkg-config --define-prefix --modversion kq
    [ "$output" = "$("$KQ" --version | awk '{ print $2 }')" ]
    flags=$(pkg-config --define-prefix --cflags --libs kq)
    [[ "$flags" == *"-I$INST/usr/include"* && "$flags" == *"-L$INST/usr/lib"* ]]
    # shellcheck disable=SC2086
    run -0 cc -std=c11 -Wall -Wextra -Werror $SANFLAGS -o "$BATS_TEST_TMPDIR/prog" \
        "$BATS_TEST_TMPDIR/prog.c" $flags
    run -0 env LD_LIBRARY_PATH="$INST/usr/lib" ldd "$BATS_TEST_TMPDIR/prog"
    [[ "$output" == *"libkq.so.0 => $INST/usr/lib/libkq.so.0"* ]]
    same_counts "$BATS_TEST_TMPDIR/prog"
}

@test "PKG_CONFIG_SYSROOT_DIR: a program links with libkq.a (--static) and counts like kq -c" {
    write_prog
    export PKG_CONFIG_PATH="$INST/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$INST"
    cflags=$(pkg-config --cflags kq)
    libs=$(pkg-config --static --libs kq)
    [[ "$libs" == *"-lkq"* ]]
    # shellcheck disable=SC2086
    run -0 cc -std=c11 -Wall -Wextra -Werror $SANFLAGS -o "$BATS_TEST_TMPDIR/prog-static" \
        "$BATS_TEST_TMPDIR/prog.c" $cflags ${libs/-lkq/-l:libkq.a}
    run -0 ldd "$BATS_TEST_TMPDIR/prog-static"
    [[ "$output" != *libkq* ]]
    same_counts "$BATS_TEST_TMPDIR/prog-static"
}

@test "the installed kq finds its Xapian plugin in ../lib/kq" {
    [ ! -e "$INST/usr/bin/kq-xapian.so" ]
    run -0 "$INST/usr/bin/kq-index" -q --backend=xapian -d "$BATS_TEST_TMPDIR/xdb" corpus/
    for q in "ceasefire AND peacekeepers" "oil OR gulf" '"central bank"'; do
        run -0 "$INST/usr/bin/kq" -d "$BATS_TEST_TMPDIR/xdb" -c -- "$q"
        [ "$output" = "$("$KQ" -d "$IDX" -c -- "$q")" ]
    done
    # Copied elsewhere, without the plugin, it says so (exit 3).
    cp "$INST/usr/bin/kq" "$BATS_TEST_TMPDIR/kq-alone"
    run -3 "$BATS_TEST_TMPDIR/kq-alone" -d "$BATS_TEST_TMPDIR/xdb" -c ceasefire
    [[ "$output" == *"kq-xapian.so"* ]]
}

@test "a program linked with libkq.so opens a Xapian database through kq_index_open (the plugin in libdir/kq)" {
    write_prog
    export PKG_CONFIG_PATH="$INST/usr/lib/pkgconfig"
    flags=$(pkg-config --define-prefix --cflags --libs kq)
    # shellcheck disable=SC2086
    run -0 cc -std=c11 -Wall -Wextra -Werror $SANFLAGS -o "$BATS_TEST_TMPDIR/prog-x" \
        "$BATS_TEST_TMPDIR/prog.c" $flags
    run -0 "$INST/usr/bin/kq-index" -q --backend=xapian -d "$BATS_TEST_TMPDIR/xdb2" corpus/
    # Neither beside the program nor in ../lib/kq of it: only the search
    # beside libkq.so can find the plugin.
    [ ! -e "$BATS_TEST_TMPDIR/kq-xapian.so" ] && [ ! -e "$BATS_TEST_TMPDIR/../lib/kq" ]
    for q in "ceasefire AND peacekeepers" "oil OR gulf" '"central bank"' "peace*"; do
        run -0 env LD_LIBRARY_PATH="$INST/usr/lib" "$BATS_TEST_TMPDIR/prog-x" \
            "$BATS_TEST_TMPDIR/xdb2" "$q"
        want=$("$KQ" -d "$IDX" -c -- "$q") || [ $? -eq 1 ]
        [ "$output" = "$want" ] || { echo "'$q': $output, kq -c: $want" >&2; return 1; }
    done
}

@test "make uninstall removes every installed file" {
    cp -a "$INST" "$BATS_TEST_TMPDIR/inst2"
    run_make uninstall DESTDIR="$BATS_TEST_TMPDIR/inst2" PREFIX=/usr
    run bash -c "find '$BATS_TEST_TMPDIR/inst2' ! -type d"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

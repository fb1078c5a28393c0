#!/bin/sh
# Install the Debian packages kq needs to build and test.
#
# As root it runs apt-get; otherwise it prints the exact command to run and
# exits 1, so `make demo` stops with a clear message instead of failing later.
# --check only reports what is missing (exit 0 when nothing is).
set -eu

# Build: compilers, zlib (gzip input), libdeflate (CRC32), libzstd (stored text), libstemmer (Snowball), utf8proc, ICU (word
# boundaries and dictionary segmentation of Chinese, Japanese, Thai...), jansson (JSON),
# Xapian (the second backend, through common/xapian/xapian_capi.cc; xapian-tools
# for xapian-tcpsrv and xapian-check).
# Tests: cmocka (unit), bats (CLI), parallel (GNU parallel: tests/run.sh
# runs the bats files with `bats --jobs`, which needs it; without it they
# run one at a time), jq (checks JSON output; the oracles of
# tests/oracle/), man-db (tests/cli/install.bats renders the man pages
# with `man --warnings -l`; it brings groff-base), python3 (csv and
# xml.etree read kq's CSV and SVG back; escapes.bats checks every byte of
# the output for raw control characters; tests/oracle/matches.py counts
# matches, and slotcheck.py stems with libstemmer-dev's libstemmer.so
# through ctypes); the ASan +
# UBSan build (build-san/) uses gcc's libasan/libubsan.
# Fuzzing (tests/fuzz/, `make fuzz`, and a short run in `make check`):
# clang, with libFuzzer and clang's ASan/UBSan runtimes from libclang-rt-dev
# (-> libclang-rt-14-dev on Debian 12, which ships
# libclang_rt.fuzzer-x86_64.a: `dpkg -S` on it), and llvm for
# /usr/bin/llvm-symbolizer (symbolised stacks; tests/fuzz/ubsan.supp
# matches function names).  The three are Debian's default-version
# metapackages, so clang and its runtime always match.
# Python: the package python/ (`import kq`, a C extension over libkq) builds
# with python3-dev and python3-setuptools, installs with python3-pip into
# a venv (python3-venv; `make python-install`, offline), and its tests run
# under python3-pytest, with python3-pandas for as_frame=True (DataFrames).
# Layout: clang-format (`make format-check`, the first step of `make check`,
# holds common/, indexer/ and query/ to .clang-format; written for the
# clang-format 14 of Debian 12) and clang-tidy (the same check: every if,
# for, while and else body in braces, which clang-format 14 cannot add).
PKGS="gcc g++ make pkg-config zlib1g-dev libdeflate-dev libzstd-dev libstemmer-dev libutf8proc-dev libicu-dev libjansson-dev libxapian-dev xapian-tools libcmocka-dev bats parallel jq man-db python3 python3-dev python3-setuptools python3-pip python3-venv python3-pytest python3-pandas clang libclang-rt-dev llvm clang-format clang-tidy"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "missing Debian packages:$missing"
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "kq needs these Debian packages:$missing" >&2
    echo "run as root:  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null

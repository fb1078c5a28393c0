#!/usr/bin/env bash
# cjk-segment.sh -- issue 17's measurement: ICU dictionary word segmentation vs
# CJK character bigrams vs substring search on real Chinese, Japanese and Thai
# text (method and results: tests/bench/cjk-segment.md).
#
#   tests/bench/cjk-segment.sh [CACHE_DIR] [--langs zh,ja,th]
#
# CACHE_DIR (default /tmp/kq-cjk-segment) gets:
#   debs/  the Debian packages, fetched with `apt-get download` (no install):
#          python3-icu (PyICU for /usr/bin/python3), debian-reference-zh-cn,
#          debian-reference-ja, manpages-zh, manpages-ja, libreoffice-l10n-th
#   x/     their contents (dpkg-deb -x)
#   out/   cjk-segment.tables.md (printed), cjk-segment.json, examples-LANG.txt,
#          corpus-LANG.txt (the documents, one a line), speed.txt
#   cjk-segment-speed  the C speed tool (cc ... -licuuc)
# The machine's own /usr/share/locale/{zh_CN,ja,th}/LC_MESSAGES/*.mo are read
# too.  Needs: apt-get (with package lists: `apt-get update` once), dpkg-deb,
# /usr/bin/python3 (3.11, the version python3-icu is built for), libicu72,
# and for the speed figures cc and libicu-dev.  Nothing is installed and
# nothing is written outside CACHE_DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=/tmp/kq-cjk-segment
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then cache=$1; shift; fi
pkgs="python3-icu debian-reference-zh-cn debian-reference-ja manpages-zh manpages-ja libreoffice-l10n-th"

need() { echo "cjk-segment.sh: $*" >&2; exit 2; }
command -v dpkg-deb >/dev/null || need "needs dpkg-deb (Debian's dpkg)"
[ -x /usr/bin/python3 ] || need "needs /usr/bin/python3 (Debian's python3, for python3-icu)"

mkdir -p "$cache/debs" "$cache/x" "$cache/out"
for p in $pkgs; do
    if ! ls "$cache/debs/${p}_"*.deb >/dev/null 2>&1; then
        command -v apt-get >/dev/null || need "needs apt-get to fetch $p (or put ${p}_*.deb in $cache/debs)"
        (cd "$cache/debs" && apt-get download "$p") ||
            need "apt-get download $p failed (run 'apt-get update' once; or put ${p}_*.deb in $cache/debs)"
    fi
    stamp="$cache/x/.$p"
    if [ ! -e "$stamp" ]; then
        dpkg-deb -x "$cache/debs/${p}_"*.deb "$cache/x" && touch "$stamp"
    fi
done

pyicu="$cache/x/usr/lib/python3/dist-packages"
PYTHONPATH="$pyicu" /usr/bin/python3 -c 'import icu' 2>/dev/null ||
    need "python3-icu from $cache/debs does not load in /usr/bin/python3 ($(/usr/bin/python3 --version)); it needs the Python and libicu of its Debian release"

PYTHONPATH="$pyicu" /usr/bin/python3 "$here/cjk-segment.py" --cache "$cache" --out "$cache/out" "$@"

# speed in C (ICU's C API, as common/analyze.c calls it)
if command -v cc >/dev/null && [ -e /usr/include/unicode/ubrk.h ]; then
    cc -std=c11 -O2 -Wall -Wextra -o "$cache/cjk-segment-speed" "$here/cjk-segment-speed.c" -licuuc
    : > "$cache/out/speed.txt"
    for f in "$cache"/out/corpus-*.txt; do
        "$cache/cjk-segment-speed" "$f" 5 | tee -a "$cache/out/speed.txt"
    done
else
    echo "cjk-segment.sh: no cc or no libicu-dev headers: C speed figures skipped" >&2
fi

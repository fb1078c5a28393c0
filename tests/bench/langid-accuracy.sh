#!/bin/sh
# tests/bench/langid-accuracy.sh [N ...] -- how often kq_lang_detect()
# (kq-index --detect-lang) names the right language, on real text that is
# on the machine (not part of `make check`: what is installed varies):
#   - every Snowball language but English: the translated message catalogs
#     /usr/share/locale/LL/LC_MESSAGES/*.mo (translations of 4 words or
#     more that differ from their original, shuffled, markup and format
#     directives removed, run together);
#   - English: the Reuters-21578 bodies ($REUTERS, by default
#     ../shared/corpora/reuters21578/docs.jsonl.gz beside the checkout);
#   - a few languages no Snowball stemmer serves (Ukrainian, Polish,
#     Hebrew, Chinese...), whose right answer is none ("-").
# Passages of N consecutive words (default N = 10, 20 and 50), at most 200
# per language and length.  Prints, per length and language, the passages,
# the percentage detected correctly and with no answer, and the confusions.
# Run from the top of the checkout after `make`.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REUTERS=${REUTERS:-}
if [ -z "$REUTERS" ]; then
    for d in "$ROOT/../shared" "$ROOT/../../shared"; do
        if [ -f "$d/corpora/reuters21578/docs.jsonl.gz" ]; then
            REUTERS=$d/corpora/reuters21578/docs.jsonl.gz
            break
        fi
    done
fi
[ -n "$REUTERS" ] && [ -f "$REUTERS" ] || {
    echo "langid-accuracy.sh: no Reuters-21578 (set REUTERS=.../docs.jsonl.gz)" >&2
    exit 2
}
[ -f "$ROOT/build/libkq.a" ] || { echo "langid-accuracy.sh: run make first" >&2; exit 2; }
DRIVER=$ROOT/build/langid_detect
${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -I"$ROOT/common" \
    -o "$DRIVER" "$ROOT/tests/bench/langid_detect.c" "$ROOT/build/libkq.a" \
    -Wl,-Bstatic -lutf8proc -Wl,-Bdynamic
exec python3 "$ROOT/tests/bench/langid-accuracy.py" "$DRIVER" "$REUTERS" "$@"

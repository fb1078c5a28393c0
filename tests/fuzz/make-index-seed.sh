#!/bin/sh
# Seeds for the fuzz_index target: small real indexes, packed in its archive
# format (see tests/fuzz/fuzz_index.c):
#     per file: u8 name length, name, u32 LE data length, data
# Every file of the index directory except kq.lock is packed, in name order.
#
# usage: tests/fuzz/make-index-seed.sh KQ_INDEX_BINARY OUTDIR
#
# Writes into OUTDIR (created; its old files removed):
#   index-1seg.kqa   3 documents (the first lines of corpus/000[0-2].txt)
#   index-2seg.kqa   the same, then a second kq-index run adding 2 JSON
#                    documents with dates and sources (a second segment)
#   index-none.kqa   2 documents indexed with --lang none (no stemming)
#   index-dict.kqa   2050 one-line documents: a full first batch (2048),
#                    so the stored text has a zstd dictionary (doctab.c)
# The index format is still changing, so these are generated at build time
# from the kq-index being fuzzed, never committed.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 KQ_INDEX_BINARY OUTDIR" >&2
    exit 2
fi
kqindex=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/../../corpus"
[ -x "$kqindex" ] || { echo "$0: $kqindex: not an executable" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kq-seed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# One byte, value $1 (0..255).
byte() {
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' "$1")"
}

# u32 little-endian.
u32le() {
    byte $(($1 & 255))
    byte $((($1 >> 8) & 255))
    byte $((($1 >> 16) & 255))
    byte $((($1 >> 24) & 255))
}

# pack DIR FILE: the archive of DIR's files into FILE.
pack() {
    : >"$2.tmp"
    for f in "$1"/*; do
        [ -f "$f" ] || continue
        name=$(basename "$f")
        [ "$name" = kq.lock ] && continue
        len=$(printf '%s' "$name" | wc -c)
        size=$(wc -c <"$f")
        {
            byte "$len"
            printf '%s' "$name"
            u32le "$size"
            cat "$f"
        } >>"$2.tmp"
    done
    mv "$2.tmp" "$2"
}

# A short document: title, blank line, first paragraph of a corpus file.
mkdir -p "$tmp/txt" "$tmp/json" "$tmp/none"
for i in 0000 0001 0002; do
    head -n 3 "$corpus/$i.txt" >"$tmp/txt/$i.txt"
done
for i in 0003 0004; do
    title=$(head -n 1 "$corpus/$i.txt" | sed 's/\\/\\\\/g; s/"/\\"/g')
    body=$(sed -n 3p "$corpus/$i.txt" | sed 's/\\/\\\\/g; s/"/\\"/g')
    printf '{"id":"%s","title":"%s","date":"2024-01-0%s","source":"corpus","body":"%s"}\n' \
        "j$i" "$title" "${i#000}" "$body"
done >"$tmp/json/docs.jsonl"
head -n 3 "$corpus/0005.txt" >"$tmp/none/0005.txt"
head -n 3 "$corpus/0006.txt" >"$tmp/none/0006.txt"
mkdir -p "$tmp/dict"
# Bodies of two or three words of a corpus file's first paragraph.
sed -n 3p "$corpus/0007.txt" | tr -cs 'A-Za-z' '\n' | awk '
    NF { w[n++] = $0 }
    END {
        for (d = 0; d < 2050; d++)
            printf("{\"id\":\"d%d\",\"body\":\"%s %s %s\"}\n", d,
                   w[d % n], w[(d * 7) % n], d % 3 ? w[(d * 13) % n] : "")
    }' >"$tmp/dict/docs.jsonl"

mkdir -p "$out"
rm -f "$out"/*     # also anything a manual fuzzing run added

"$kqindex" -q -j 1 -d "$tmp/idx" "$tmp/txt"
pack "$tmp/idx" "$out/index-1seg.kqa"
"$kqindex" -q -j 1 -d "$tmp/idx" "$tmp/json"
pack "$tmp/idx" "$out/index-2seg.kqa"
"$kqindex" -q -j 1 --lang none -d "$tmp/idx-none" "$tmp/none"
pack "$tmp/idx-none" "$out/index-none.kqa"
"$kqindex" -q -j 1 -d "$tmp/idx-dict" "$tmp/dict"
pack "$tmp/idx-dict" "$out/index-dict.kqa"

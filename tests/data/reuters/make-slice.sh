#!/bin/sh
# Regenerate slice.jsonl.gz from the full Reuters-21578 JSONL (see SOURCE.md).
#
# usage: tests/data/reuters/make-slice.sh [DOCS.jsonl.gz [OUT.jsonl.gz]]
#   default input  ../shared/corpora/reuters21578/docs.jsonl.gz (relative
#                  to the repository root), default output slice.jsonl.gz
#                  beside this script.
#
# A line of the corpus is kept, byte for byte and in corpus order, if
#   - its id is a multiple of 8 (a systematic sample, spread over every
#     month and nearly every day, since ids follow the wire's order), or
#   - it is the first document of its date (so every date of the corpus
#     is in the slice), or
#   - its title or body mentions ceasefire, cease-fire or truce
#     (case-insensitive, plurals too), so research queries have hits.
# Needs jq, gzip, paste, sed.  The output is gzip -9n (no name, no mtime).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
in=${1:-$root/../shared/corpora/reuters21578/docs.jsonl.gz}
out=${2:-$here/slice.jsonl.gz}
flags=$(mktemp)
trap 'rm -f "$flags"' EXIT INT TERM

# One flag a line, 1: keep the line of the same number.
gzip -dc "$in" | jq -rn '
    foreach inputs as $d ({};
        .first = (.seen[$d.date] == null) | .seen[$d.date] = true;
        if .first
           or (($d.id | tonumber) % 8 == 0)
           or (($d.title + " " + $d.body)
               | test("\\b(cease-?fires?|truces?)\\b"; "i"))
        then 1 else 0 end)' >"$flags"
# JSON Lines hold no literal tab, so the flag is cut at the first one.
gzip -dc "$in" | paste "$flags" - | sed -n 's/^1	//p' | gzip -9n >"$out"

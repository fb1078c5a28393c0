#!/bin/sh
# tests/oracle/hist.sh [-a] [-t] FILE.jsonl[.gz] WORD BY
#
# Per time bucket (BY: day, week, month or year), the documents of FILE
# whose title or body contains WORD as a whole token, case-insensitively,
# and the occurrences of WORD in them (title + body):
#     BUCKET<TAB>DOCS<TAB>OCCURRENCES
# sorted by bucket: day YYYY-MM-DD, week the ISO 8601 week YYYY-Www (as
# strftime's %G-W%V: weeks start on Monday, week 1 holds the first
# Thursday), month YYYY-MM, year YYYY.  Only buckets with DOCS > 0, unless
# -a: every bucket that has documents in FILE.  -t adds a fourth column,
# the number of documents of FILE in the bucket (whatever their text), for
# kq's --normalize: DOCS * 1000 / TOTAL documents per 1,000.
# Documents without a date, or whose date is too short for BY (a bare
# YYYY-MM for day/week), are left out.
#
# It approximates `kq hist WORD --by BY` without kq: no stemming, no
# accent folding (see lib.sh for the tokenisation and for choosing WORD,
# e.g. ceasefire, yen, gatt; WORD may list forms: 'cocoas?').
set -eu
all=0
total=0
while [ $# -gt 0 ]; do
    case $1 in
    -a) all=1; shift ;;
    -t) total=1; shift ;;
    -at | -ta) all=1; total=1; shift ;;
    *) break ;;
    esac
done
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 3 ] || oracle_usage "hist.sh [-a] [-t] FILE WORD day|week|month|year"
case $3 in
day | week | month | year) ;;
*) oracle_usage "hist.sh [-a] [-t] FILE WORD day|week|month|year" ;;
esac
oracle_scan "$1" "$2" |
    awk -F'\t' -v by="$3" -v all=$all -v total=$total '
    {
        d = $2
        if (by == "day") k = $3
        else if (by == "week") k = $4
        else if (by == "month") k = (d ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]/) ? substr(d, 1, 7) : ""
        else k = (d ~ /^[0-9][0-9][0-9][0-9]/) ? substr(d, 1, 4) : ""
        if (k == "") next
        n = $5 + $6
        tot[k]++
        if (n > 0) { docs[k]++; occ[k] += n }
    }
    END {
        for (k in tot) {
            if (!all && !(k in docs)) continue
            line = k "\t" (docs[k] + 0) "\t" (occ[k] + 0)
            if (total) line = line "\t" tot[k]
            print line
        }
    }' | LC_ALL=C sort

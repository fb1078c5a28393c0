#!/bin/sh
# tests/oracle/daterange.sh [-l] FILE.jsonl[.gz] FROM TO
#
# The number of documents of FILE whose date D satisfies FROM <= D <= TO,
# with partial dates compared as prefixes: D's first length(FROM)
# characters >= FROM and its first length(TO) characters <= TO, so
# `1987-03 1987-04` is 1987-03-01 .. 1987-04-30 and `1987 1987` the whole
# year.  Documents without a date are never counted.  -l: print their
# ids instead, sorted bytewise.  It approximates kq's date range
# (`date:FROM..TO`), whose dates are YYYY, YYYY-MM or YYYY-MM-DD,
# optionally followed by a time (compared as text here too).
set -eu
list=0
if [ "${1:-}" = "-l" ]; then
    list=1
    shift
fi
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 3 ] || oracle_usage "daterange.sh [-l] FILE FROM TO"
oracle_cat "$1" |
    jq -r --arg from "$2" --arg to "$3" '
        (.date // "" | tostring) as $d
        | select($d != ""
                 and $d[0:($from | length)] >= $from
                 and $d[0:($to | length)] <= $to)
        | .id | tostring' |
    if [ $list -eq 1 ]; then
        LC_ALL=C sort
    else
        awk 'END { print NR }'
    fi

#!/bin/sh
# tests/oracle/ids.sh FILE.jsonl[.gz] WORD [FIELD]
#
# The ids of the documents of FILE that contain WORD as a whole token,
# case-insensitively, in FIELD (title, body, source, or any = title or
# body, the default), one a line, sorted bytewise (LC_ALL=C sort).  It
# approximates the set of ids `kq --json -n ALL WORD` returns (sort them
# the same way to compare), without kq: no stemming, no accent folding
# (see lib.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 2 ] || [ $# -eq 3 ] || oracle_usage "ids.sh FILE WORD [title|body|source|any]"
field=${3:-any}
case $field in
title) col='$5' ;;
body) col='$6' ;;
source) col='$7' ;;
any) col='$5 + $6' ;;
*) oracle_usage "ids.sh FILE WORD [title|body|source|any]" ;;
esac
oracle_scan "$1" "$2" | awk -F'\t' "$col > 0 { print \$1 }" | LC_ALL=C sort

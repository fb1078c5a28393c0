#!/bin/sh
# tests/oracle/count.sh FILE.jsonl[.gz] WORD [FIELD]
#
# The number of documents of FILE that contain WORD, as a whole token,
# case-insensitively, in FIELD: title, body, source, or any (default:
# title or body, what an unqualified kq query searches).  It approximates
# `kq -c WORD` (FIELD any) and `kq -c FIELD:WORD`, without kq: no
# stemming, no accent folding (see lib.sh for the tokenisation and how to
# choose WORD; WORD may list forms: 'ceasefires?').
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[ $# -eq 2 ] || [ $# -eq 3 ] || oracle_usage "count.sh FILE WORD [title|body|source|any]"
field=${3:-any}
case $field in
title) col='$5' ;;
body) col='$6' ;;
source) col='$7' ;;
any) col='$5 + $6' ;;
*) oracle_usage "count.sh FILE WORD [title|body|source|any]" ;;
esac
oracle_scan "$1" "$2" | awk -F'\t' "$col > 0 { n++ } END { print n + 0 }"

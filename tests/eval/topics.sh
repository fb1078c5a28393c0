#!/bin/sh
# topics.sh -- natural-language topics to bag-of-words queries.
#
#   tests/eval/topics.sh STOPWORDS QUERIES.tsv > topics.tsv
#
# QUERIES.tsv has lines `qid<TAB>text`; the output has `qid<TAB>w1 w2 ...`.
# This is the topic cleaning of the development bench
# (../shared/bench/lib/harness.py, clean_topics()), redone in sh + awk so
# that tests/cli/quality.bats runs on a machine without python3 or the
# bench, and measures kq on the same queries the bench's `make eval` does:
#
#   - a line with fewer than two tab-separated fields, or whose first field
#     is qid, id or query_id (any case), is skipped (a header);
#   - the text is the LAST field, lower-cased and cut into runs of letters
#     and digits (Python's [^\W_]+), everything else separating words;
#   - words in STOPWORDS (one a line, surrounding blanks ignored; a line
#     starting with # is a comment) are dropped, and a topic left with no
#     word is dropped altogether (an empty query would only add a zero).
#
# Python's [^\W_] also takes non-ASCII letters; this script works on bytes
# (LC_ALL=C) and takes [A-Za-z0-9] only.  The two agree on ASCII text, which
# every collection of the bench is (tests/data/cranfield/SOURCE.md); a
# non-ASCII topic is reported on stderr rather than silently cut
# differently.  A CR before the newline is dropped, as Python's text mode
# does.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 STOPWORDS QUERIES.tsv" >&2
    exit 2
fi
LC_ALL=C
export LC_ALL
exec awk -F '\t' '
    # The stop list (by name, not NR == FNR: an empty one has no records).
    FILENAME == ARGV[1] {
        if (substr($0, 1, 1) == "#")
            next
        s = $0
        gsub(/^[ \t\r\f\v]+|[ \t\r\f\v]+$/, "", s)
        if (s != "")
            stop[s] = 1
        next
    }
    {
        sub(/\r$/, "")
        if (NF < 2)
            next
        id = tolower($1)
        if (id == "qid" || id == "id" || id == "query_id")
            next
        text = tolower($NF)
        if (text ~ /[^\t -~]/)
            printf "%s: topic %s: non-ASCII text, cut as bytes\n", FILENAME, $1 | "cat >&2"
        out = ""
        # gsub to single spaces, then split on them: the same words as a
        # regex scan, and POSIX awk has no match-all.
        gsub(/[^a-z0-9]+/, " ", text)
        n = split(text, w, " ")
        for (i = 1; i <= n; i++)
            if (!(w[i] in stop))
                out = out (out == "" ? "" : " ") w[i]
        if (out != "")
            print $1 "\t" out
    }
' "$1" "$2"

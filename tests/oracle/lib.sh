# Shared by the oracles of tests/oracle/ (sourced; POSIX sh + jq).
#
# The oracles compute from a JSON Lines file ({"id","title","date",
# "source","body"}, optionally gzip-compressed), WITHOUT kq, what kq's
# commands should print, so tests can compare.  They approximate kq's
# analysis (common/analyze.c) as follows:
#   - a token is a maximal run of Unicode letters, digits and combining
#     marks (\p{L}\p{N}\p{M}); everything else separates tokens (so
#     "cease-fire" is "cease" "fire", "U.S." is "u" "s", "_" separates);
#     invalid UTF-8 becomes U+FFFD in jq, a separator as in kq;
#   - WORD matches a whole token, case-insensitively (Oniguruma's case
#     folding), with NO stemming and NO accent folding.  So pick WORDs
#     whose Snowball stem no other form in the data shares (check the
#     plural, -ed, -ing ... forms: e.g. "ceasefire" vs "ceasefires"), or
#     list the forms as alternatives: WORD is an Oniguruma regular
#     expression matched against whole tokens, e.g. 'ceasefires?',
#     'yen', 'cocoas?'.  Use plain ASCII words: a token with accents
#     ("café") or with combining marks never equals an ASCII WORD here,
#     while kq folds it ("cafe").
#   - the default search of a kq query ("any") is title and body.
#
# Checked against kq 0.2 on tests/data/reuters/slice.jsonl.gz (documents
# in title+body, title:, body:; hist.sh DOCS and OCCURRENCES per day, week,
# month and year; ids.sh = `kq --format=ids --all`), all equal for:
#   ceasefire (5 documents), truce (2), yen (100), opec (25), gatt (15),
#   gold (52), iran (39), bundesbank (22).
# Not safe as a bare word, because other forms share the stem:
#   cocoa, coffee (same documents, but "cocoas"/"coffees" add
#   occurrences: use 'cocoas?', 'coffees?'), wheat ("wheats" in a body:
#   'wheats?'), crash ("crashed": 'crash(es|ed)?'), tanker ("tankers": 7
#   vs 13, 'tankers?'), dollar (141 vs 166), oil (199 vs 205), strike.
#
# oracle_cat FILE: the JSON Lines of FILE (.gz decompressed).
oracle_cat() {
    case $1 in
    *.gz) gzip -dc -- "$1" ;;
    *) cat -- "$1" ;;
    esac
}

# oracle_scan FILE WORD: one TSV line per document:
#   ID  DATE  DAY  ISOWEEK  N_TITLE  N_BODY  N_SOURCE
# DATE is the document's date as given ("" if none), DAY its first 10
# characters when they are a valid YYYY-MM-DD (else ""), ISOWEEK that
# day's ISO 8601 week YYYY-Www (else ""), N_* the occurrences of WORD as
# a whole token in each field.
oracle_scan() {
    oracle_cat "$1" | jq -r --arg re "$2" '
        def W: "[\\p{L}\\p{N}\\p{M}]";
        def occ($s):
            if $s == null then 0
            else [$s | tostring
                  | match("(?<!" + W + ")(?i:" + $re + ")(?!" + W + ")"; "g")]
                 | length
            end;
        (.date // "" | tostring) as $date
        | ($date[0:10] | if test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
                         then (try (strptime("%Y-%m-%d") | mktime) catch null)
                         else null end) as $t
        | [(.id | tostring), $date,
           (if $t == null then "" else $date[0:10] end),
           (if $t == null then "" else ($t | strftime("%G-W%V")) end),
           occ(.title), occ(.body), occ(.source)]
        | @tsv'
}

oracle_usage() {
    echo "usage: $1" >&2
    exit 2
}

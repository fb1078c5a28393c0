#!/usr/bin/env bats
# Query words: * and ? anywhere in a word, inside phrases and
# fields, fuzzy word~1 / word~2, id: prefixes, the expansion limit, kq
# parse showing each expansion; on both backends.
#
# The oracles are computed here without kq's matchers: the vocabulary of a
# JSON Lines file is its tokens (runs of letters, digits and marks, lower
# case: tests/oracle/lib.sh's tokens) listed by jq; the words that fit a
# pattern are selected by a regular expression written here by hand (grep),
# those within k edits by an edit distance computed in awk.  A pattern
# matches what the plain words it fits match (kq stems a word, and an
# expansion is the set of the stems of the words that fit), so the
# expected documents are kq's answer to "w1 OR w2 OR ..." -- plain-word
# search, tested elsewhere -- and both backends must give them.
#
# Indexes, built once in setup_file:
#   $SM / $SMX: a small hand-made corpus (native / Xapian), whose answers
#     are known by construction (multi-byte words: ? is one character, an
#     edit is one character);
#   $RT / $RTX: the Reuters slice tests/data/reuters/slice.jsonl.gz.

bats_require_minimum_version 1.5.0
load helpers

RT_SRC="$ROOT/tests/data/reuters/slice.jsonl.gz"

setup_file() {
    SM="$BATS_FILE_TMPDIR/sm"
    SMX="$BATS_FILE_TMPDIR/smx"
    RT="$BATS_FILE_TMPDIR/rt"
    RTX="$BATS_FILE_TMPDIR/rtx"
    RTJ="$BATS_FILE_TMPDIR/rt.jsonl"
    VOCAB="$BATS_FILE_TMPDIR/rt.vocab"
    export SM SMX RT RTX RTJ VOCAB
    cat >"$BATS_FILE_TMPDIR/sm.jsonl" <<'EOF'
{"id":"news-1","title":"Gaddafi speaks","source":"Reuters","body":"Qaddafi said the ceasefire held"}
{"id":"news-2","title":"Kadhafi","source":"AP","body":"Kadhafi and Gadafi met for negotiations"}
{"id":"other-3","title":"Cafés","source":"Reuters wire","body":"café cafe caff notation nation"}
{"id":"news-4","title":"Oil prices","source":"x","body":"oil prices rose while the oil price fell"}
{"id":"other-5","title":"Fire","source":"y","body":"the backfire and the fire"}
{"id":"other-6","title":"Tokyo","source":"z","body":"東京 Ωmega Straße"}
{"id":"news-7","title":"","source":"z","body":"omega"}
EOF
    "$KQI" -q -d "$SM" "$BATS_FILE_TMPDIR/sm.jsonl" || return 1
    "$KQI" -q --backend xapian -d "$SMX" "$BATS_FILE_TMPDIR/sm.jsonl" || return 1
    "$KQI" -q -d "$RT" "$RT_SRC" || return 1
    "$KQI" -q --backend xapian -d "$RTX" "$RT_SRC" || return 1
    gzip -dc "$RT_SRC" >"$RTJ" || return 1
    # The vocabulary: every token of the titles and bodies, lower case.
    jq -r '[.title, .body] | map(select(. != null) | tostring) | join(" ")
           | [scan("[\\p{L}\\p{N}\\p{M}]+")] | .[] | ascii_downcase' "$RTJ" |
        LC_ALL=C sort -u >"$VOCAB" || return 1
}

# ids QUERY INDEX: the ids kq returns, sorted, on one line.
ids() {
    "$KQ" -d "$2" --all --format=ids -- "$1" | LC_ALL=C sort | tr '\n' ' ' |
        sed 's/ $//'
}

# same QUERY WANT INDEX...: every index gives the ids WANT for QUERY.
same() {
    local q=$1 want=$2 idx got
    shift 2
    for idx in "$@"; do
        got=$(ids "$q" "$idx")
        if [ "$got" != "$want" ]; then
            echo "kq -d $idx '$q': got [$got], want [$want]" >&2
            return 1
        fi
    done
}

# words ERE: the vocabulary words the ERE selects, as "w1 OR w2 ...".
words() {
    LC_ALL=C grep -E "$1" "$VOCAB" | awk 'NR > 1 { printf " OR " } { printf "%s", $0 }'
}

# near WORD K: the vocabulary words (ASCII) within K edits of WORD (the
# optimal-string-alignment distance, a transposition one edit), as
# "w1 OR w2 ...".
near() {
    LC_ALL=C grep -E '^[a-z0-9]+$' "$VOCAB" | awk -v w="$1" -v k="$2" '
    function osa(a, b,   i, j, la, lb, c, v, d) {
        la = length(a); lb = length(b)
        for (i = 0; i <= la; i++) d[i, 0] = i
        for (j = 0; j <= lb; j++) d[0, j] = j
        for (i = 1; i <= la; i++)
            for (j = 1; j <= lb; j++) {
                c = substr(a, i, 1) != substr(b, j, 1)
                v = d[i-1, j] + 1
                if (d[i, j-1] + 1 < v) v = d[i, j-1] + 1
                if (d[i-1, j-1] + c < v) v = d[i-1, j-1] + c
                if (i > 1 && j > 1 && substr(a, i, 1) == substr(b, j-1, 1) &&
                    substr(a, i-1, 1) == substr(b, j, 1) && d[i-2, j-2] + 1 < v)
                    v = d[i-2, j-2] + 1
                d[i, j] = v
            }
        return d[la, lb]
    }
    { l = length($0) - length(w); if (l < 0) l = -l
      if (l <= k && osa(w, $0) <= k) print }' |
        awk 'NR > 1 { printf " OR " } { printf "%s", $0 }'
}

# oracle QUERY EXPANSION: QUERY gives, on both backends, the documents the
# plain-word query EXPANSION gives (which must find some).
oracle() {
    local want
    [ -n "$2" ] || { echo "no word fits '$1'" >&2; return 1; }
    want=$(ids "$2" "$RT")
    [ -n "$want" ] || { echo "'$2' finds nothing" >&2; return 1; }
    same "$1" "$want" "$RT" "$RTX"
}

@test "small corpus: ? is one character, * any run, inside words, on both backends" {
    same 'qa?dafi' 'news-1' "$SM" "$SMX"
    same '?addafi' 'news-1' "$SM" "$SMX"
    same 'ka?hafi' 'news-2' "$SM" "$SMX"
    same '*fire' 'news-1 other-5' "$SM" "$SMX"
    same '*fire -ceasefire' 'other-5' "$SM" "$SMX"
    same 'n*t?ations' 'news-2' "$SM" "$SMX"   # negotiations
    same 'n*t?ation' '' "$SM" "$SMX"          # a whole word: not nation
    same 'caf?' 'other-3' "$SM" "$SMX"        # cafe, café (folded), caff
    same 'Caf?s' 'other-3' "$SM" "$SMX"       # the title's Cafés
    same '東?' 'other-6' "$SM" "$SMX"         # 東京: ? is one character
    same '東??' '' "$SM" "$SMX"
    same '?mega' 'news-7 other-6' "$SM" "$SMX"   # omega, ωmega
    same 'stra??e' 'other-6' "$SM" "$SMX"        # straße folds to strasse
    same 'stra?e' '' "$SM" "$SMX"
}

@test "small corpus: fuzzy words count edits of characters, a transposition one edit, on both backends" {
    same 'gadafi~1' 'news-1 news-2' "$SM" "$SMX"   # gaddafi, gadafi
    same 'gadafi~2' 'news-1 news-2' "$SM" "$SMX"   # + qaddafi, kadhafi
    same 'gadafi~' 'news-1 news-2' "$SM" "$SMX"    # ~ is ~2
    same 'qadaffi~1' '' "$SM" "$SMX"
    same 'qadaffi~2' 'news-1 news-2' "$SM" "$SMX"
    same 'kahdafi~1' 'news-2' "$SM" "$SMX"   # kadhafi, two letters swapped
    same 'gdadafi~1' 'news-1 news-2' "$SM" "$SMX"   # gaddafi swapped, gadafi
    same 'omega~1' 'news-7 other-6' "$SM" "$SMX"   # ω for o: one edit
    same 'ωmaga~1' 'other-6' "$SM" "$SMX"   # omega is two edits away
    same 'ωmga~1' 'other-6' "$SM" "$SMX"
    same 'omega~1 -omega' 'other-6' "$SM" "$SMX"
}

@test "small corpus: phrases with expanding words, fields over their own terms, id: prefixes" {
    same '"oil pric*"' 'news-4' "$SM" "$SMX"
    same '"oil pric* rose"' 'news-4' "$SM" "$SMX"
    same '"oil pric? fell"' 'news-4' "$SM" "$SMX"
    same '"oil pric* held"' '' "$SM" "$SMX"
    same '"the *fire"' 'news-1 other-5' "$SM" "$SMX"
    same '"said the c?asefire"' 'news-1' "$SM" "$SMX"
    same '"gadafi~1 met"' 'news-2' "$SM" "$SMX"
    same 'title:ga*' 'news-1' "$SM" "$SMX"     # Gadafi is in a body only
    same 'title:*afi' 'news-1 news-2' "$SM" "$SMX"
    same 'title:"oil pric*"' 'news-4' "$SM" "$SMX"
    same 'title:gadafi~1' 'news-1' "$SM" "$SMX"
    same 'source:reut*' 'news-1 other-3' "$SM" "$SMX"   # not body words
    # the source's words are indexed as stems only: reuter
    same 'source:?euter' 'news-1 other-3' "$SM" "$SMX"
    same 'source:?euters' '' "$SM" "$SMX"
    same 'source:wir?' 'other-3' "$SM" "$SMX"
    same 'source:ap~1' 'news-2' "$SM" "$SMX"
    same 'id:news*' 'news-1 news-2 news-4 news-7' "$SM" "$SMX"
    same 'id:other-*' 'other-3 other-5 other-6' "$SM" "$SMX"
    same 'id:zzz*' '' "$SM" "$SMX"
    same 'id:news* *fire' 'news-1' "$SM" "$SMX"
    same 'id:"news*"' '' "$SM" "$SMX"    # quoted: the id as written
}

@test "the Reuters slice: wildcard words give what their words give (a grep over the JSONL's tokens), on both backends" {
    oracle '*fire' "$(words 'fire$')"
    oracle 'n*t?ation' "$(words '^n.*t.ation$')"
    oracle 'pric?' "$(words '^pric.$')"
    oracle 'negotiat*' "$(words '^negotiat')"
    oracle '*ation' "$(words 'ation$')"
    oracle 'ce?se*' "$(words '^ce.se')"
    oracle '?il' "$(words '^.il$')"
    oracle 'b*k?r?' "$(words '^b.*k.r.$')"
}

@test "the Reuters slice: fuzzy words give what the words within the edits give (an edit distance in awk), on both backends" {
    oracle 'oil~1' "$(near oil 1)"
    oracle 'reuter~2' "$(near reuter 2)"
    oracle 'tonnes~1' "$(near tonnes 1)"
    oracle 'dollar~2' "$(near dollar 2)"
    oracle 'opec~2' "$(near opec 2)"
}

@test "the Reuters slice: phrases, title:, source: and id: with expanding words, on both backends" {
    local w x
    # "oil pric*": the phrase with each word that fits in its place
    w=$(LC_ALL=C grep -E '^pric' "$VOCAB" |
        awk 'NR > 1 { printf " OR " } { printf "\"oil %s\"", $0 }')
    oracle '"oil pric*"' "$w"
    oracle 'title:*fire' "title:($(words 'fire$'))"
    oracle 'title:pric?' "title:($(words '^pric.$'))"
    # source: its own terms: the files reut2-010 .. reut2-019
    x=$(jq -r 'select(.source | test("reut2-01[0-9][.]")) | .id' "$RTJ" |
        LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    [ -n "$x" ]
    same 'source:01?' "$x" "$RT" "$RTX"
    # source:reut* is the source's terms (reuters, reut2), not the body's
    # reuter11, reuter4: every document
    [ "$("$KQ" -d "$RT" -c 'source:reut*')" = "$(jq -s length "$RTJ")" ]
    run "$KQ" -d "$RT" parse 'source:reut*'
    [ "${lines[1]}" = "  expands to 2 terms: reut2, reuter" ]
    x=$(jq -r 'select(.id | tostring | startswith("12")) | .id' "$RTJ" |
        LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    [ -n "$x" ]
    same 'id:12*' "$x" "$RT" "$RTX"
}

@test "kq parse shows what each pattern and fuzzy word expands to; the same terms on both backends' counts" {
    run -0 "$KQ" -d "$SM" parse 'qa?dafi OR gadafi~2 OR title:*afi OR id:news*'
    [ "${lines[0]}" = "OR (any of)" ]
    [ "${lines[1]}" = '  pattern "qa?dafi" (unstemmed; * any characters, ? one)' ]
    [ "${lines[2]}" = "    expands to 1 term: qaddafi" ]
    [ "${lines[3]}" = '  fuzzy word "gadafi" (unstemmed words within 2 edits)' ]
    [ "${lines[4]}" = "    expands to 4 terms: gadafi, gaddafi, kadhafi, qaddafi" ]
    [ "${lines[5]}" = '  in title: pattern "*afi" (unstemmed; * any characters, ? one)' ]
    [ "${lines[6]}" = "    expands to 2 terms: gaddafi, kadhafi" ]
    [ "${lines[7]}" = '  the documents whose ids start with "news"' ]
    [ "${lines[8]}" = "    expands to 4 ids: news-1, news-2, news-4, news-7" ]
    run -0 "$KQ" -d "$SM" parse '"oil pric*"'
    [ "${lines[2]}" = '  (position +1) prefix "pric*" (unstemmed)' ]
    [ "${lines[3]}" = "    expands to 1 term: price" ]
}

@test "the expansion limit holds for patterns, fuzzy words and id: prefixes: at the limit, and one past it an error on both backends" {
    local n q idx
    for q in '*ation' 'reuter~2' 'id:1*'; do
        n=$("$KQ" -d "$RT" parse -- "$q" | sed -n 's/^  expands to \([0-9]*\) .*/\1/p')
        [ "$n" -gt 1 ]
        for idx in "$RT" "$RTX"; do
            run -0 "$KQ" -d "$idx" --max-expansion "$n" -c -- "$q"
            run -2 --separate-stderr "$KQ" -d "$idx" --max-expansion $((n - 1)) -c -- "$q"
            [[ "$stderr" == *"matches more than $((n - 1)) words (the limit; use a longer prefix, or raise it with --max-expansion N)"* ]]
        done
    done
    run -2 --separate-stderr "$KQ" -d "$RT" --max-expansion 1 -c 'reuter~2'
    [ "$stderr" = "kq count: the fuzzy word reuter~2 matches more than 1 words (the limit; use a longer prefix, or raise it with --max-expansion N)" ]
}

@test "bad wildcards and fuzzy words are syntax errors (exit 2) at their column, never a silent change of the query" {
    run -2 --separate-stderr "$KQ" -d "$SM" -c '"oil *"'
    [[ "$stderr" == *"syntax error at column 6: a lone * cannot be part of a phrase"* ]]
    run -2 --separate-stderr "$KQ" -d "$SM" -c 'oil ?'
    [[ "$stderr" == *"syntax error at column 5: a wildcard (* or ?) needs a letter or digit beside it"* ]]
    run -2 --separate-stderr "$KQ" -d "$SM" -c 'oil~3'
    [[ "$stderr" == *"word~N (fuzzy) takes N from 1 to 2 edits"* ]]
    run -2 --separate-stderr "$KQ" -d "$SM" -c 'oi?l~1'
    [[ "$stderr" == *"a fuzzy word (word~N) cannot hold * or ?"* ]]
    run -2 --separate-stderr "$KQ" -d "$SM" -c '"oil pric*"~2'
    [[ "$stderr" == *'a "phrase"~n takes plain words'* ]]
    # "a b"~n is still NEAR/n, not a fuzzy word
    same '"oil fell"~5' 'news-4' "$SM" "$SMX"
    # a lone * is still every document
    [ "$("$KQ" -d "$SM" -c '*')" = 7 ]
}

@test "a Xapian database lists every word in its vocabulary (kq:vocab); one written before that matches patterns against its terms too" {
    [ "$(xapian-metadata get "$SMX" kq:vocab)" = all ]
    [ "$(xapian-metadata get "$SMX" $'w\x01omega')" = omega ]    # its own stem
    [ "$(xapian-metadata get "$SMX" $'w\x01prices')" = price ]
    # An older database: no kq:vocab, no words that are their own stem.
    local old="$BATS_TEST_TMPDIR/old"
    cp -r "$SMX" "$old"
    xapian-metadata set "$old" kq:vocab ''
    local w
    for w in omega gadafi kadhafi oil fire the; do
        xapian-metadata set "$old" $'w\x01'"$w" ''
    done
    [ -z "$(xapian-metadata get "$old" $'w\x01omega')" ]
    same 'omega~1' 'news-7 other-6' "$SM" "$SMX" "$old"
    same 'gadafi~1' 'news-1 news-2' "$SM" "$SMX" "$old"
    same '?il' 'news-4' "$SM" "$SMX" "$old"
    same '"the *fire"' 'news-1 other-5' "$SM" "$SMX" "$old"
}

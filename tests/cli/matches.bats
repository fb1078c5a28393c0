#!/usr/bin/env bats
# Matches: kq hist's documents and occurrences per month and
# kq kwic's lines equal an independent count, tests/oracle/matches.py (a
# Python script over the JSON Lines, written apart from the engine, with
# its own query notation and no stemming), on the Reuters slice
# (tests/data/reuters/slice.jsonl.gz), for phrases, NEAR/n, ADJ/n,
# prefixes, title:, body:, =word, AND/OR/NOT and date: queries.
#
# For each case: `kq hist --by month --format=tsv` (the docs and
# occurrences of the months with documents) equals `matches.py --by
# month`; `kq kwic --all --format=tsv` (id, field, start, end, match; the
# contexts are not compared) equals `matches.py --kwic`, sorted; the
# occurrences kq hist sums equal kq kwic's lines.
#
# The oracle does not stem: each word of a query is written in the oracle
# as the forms of its Snowball stem class in the slice (OIL='oil|oils',
# ...; a prefix as every form of the stems of the words that start with
# it).  The test "slots" checks each of these against the Snowball
# stemmer (tests/oracle/slotcheck.py, libstemmer through ctypes), so a
# form that a new slice would add is reported there rather than as a
# count that differs.

bats_require_minimum_version 1.5.0
load helpers

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
RIDX="$BATS_FILE_TMPDIR/r"
ORACLE="$ROOT/tests/oracle/matches.py"

# The word slots: every form in the slice of the word's stem (checked by
# the test "slots" below).
OIL='oil|oils'
PRICE='price|priced|prices|pricing|pricings'
CRUDE='crude|crudes'
IRAN='iran'
IRAQ='iraq'
WAR='war|wars'
GULF='gulf'
OPEC='opec'
SAUDI='saudi|saudis'
NIL='nil'
YEN='yen'
# negotiat*: the words starting with negotiat in the slice are negotiate,
# negotiated, negotiating, negotiation(s), negotiator(s); their one stem,
# negoti, is also negotiable's.
NEGOTIAT='negotiable|negotiate|negotiated|negotiating|negotiation|negotiations|negotiator|negotiators'
# price*: price, priced, prices, pricing, pricings, all of the stem price.
PRICEX="$PRICE"
# *fire: the words ending in fire are backfire, ceasefire, fire; their stems
# backfir, ceasefir, fire are also those of backfires, fired, fires, firing.
FIREX='backfire|backfires|ceasefire|fire|fired|fires|firing'
SAID='said'   # (Snowball: said is its own stem, not say's)
# ir?n: iran, iron (no other forms of their stems in the slice).
IRX='iran|iron'
# opek~1: the words within one edit are opec, open, oper; every form of
# their stems.
OPEK1='opec|open|opened|opening|openings|openly|openness|opens|oper|operable|operate|operated|operates|operating|operation|operational|operationally|operations|operative|operator|operators'


setup_file() {
    [ -f "$SLICE" ] || return 0
    "$KQI" -q -d "$RIDX" "$SLICE" >/dev/null 2>"$BATS_FILE_TMPDIR/r.err" || {
        cat "$BATS_FILE_TMPDIR/r.err" >&2
        return 1
    }
}

setup() {
    [ -f "$SLICE" ] || skip "no $SLICE"
    cd "$ROOT"
}

# The columns NAMES (comma-separated) of a TSV with a header, by name.
cols() {
    awk -F'\t' -v want="$1" '
        NR == 1 { n = split(want, w, ","); for (i = 1; i <= NF; i++) at[$i] = i
                  for (j = 1; j <= n; j++) if (!(w[j] in at)) { print "no column " w[j] > "/dev/stderr"; exit 2 }
                  next }
        { line = $(at[w[1]]); for (j = 2; j <= n; j++) line = line "\t" $(at[w[j]]); print line }'
}

# check KQ_QUERY ORACLE_QUERY: kq hist and kwic against the oracle.
check() {
    local q=$1 oq=$2 want got wantk gotk sum lines
    want=$(python3 "$ORACLE" --by month "$SLICE" "$oq")
    [ -n "$want" ] || { echo "the oracle finds nothing for $oq" >&2; return 1; }
    run "$KQ" -d "$RIDX" hist --by month --format=tsv ${CHECK_OR:+--or} -- "$q"
    no_crash || return 1
    [ "$status" -eq 0 ] || { echo "kq hist '$q': status $status: $output" >&2; return 1; }
    # the months with documents (a month without any has an empty or 0 docs)
    got=$(printf '%s\n' "$output" | cols bucket,docs,occurrences |
        awk -F'\t' '$2 != "" && $2 > 0')
    if [ "$got" != "$want" ]; then
        echo "kq hist '$q' (month, docs, occurrences) differs from the oracle's $oq:" >&2
        diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed 's/^/  /' >&2
        return 1
    fi
    wantk=$(python3 "$ORACLE" --kwic "$SLICE" "$oq" | LC_ALL=C sort)
    run "$KQ" -d "$RIDX" kwic --all --format=tsv ${CHECK_OR:+--or} -- "$q"
    no_crash || return 1
    [ "$status" -eq 0 ] || { echo "kq kwic '$q': status $status: $output" >&2; return 1; }
    gotk=$(printf '%s\n' "$output" | cols id,field,start,end,match | LC_ALL=C sort)
    if [ "$gotk" != "$wantk" ]; then
        echo "kq kwic '$q' (id, field, start, end, match) differs from the oracle's $oq:" >&2
        diff <(printf '%s\n' "$wantk") <(printf '%s\n' "$gotk") | head -20 | sed 's/^/  /' >&2
        return 1
    fi
    sum=$(awk -F'\t' '{ n += $3 } END { print n + 0 }' <<<"$got")
    lines=$(printf '%s\n' "$gotk" | sed '/^$/d' | wc -l | tr -d ' ')
    [ "$sum" -eq "$lines" ] || { echo "kq: hist sums $sum occurrences, kwic has $lines lines" >&2; return 1; }
}

# case ID KQ_QUERY ORACLE_QUERY: check (the ID names the case in messages).
case_() {
    shift
    check "$@"
}

# ------------------------------------------------------------- the oracle

@test "oracle: answers known by construction" {
    f="$BATS_TEST_TMPDIR/k.jsonl"
    {
        echo '{"id":"a","date":"2020-01-02","title":"A a","body":"a a a. A-a x a"}'
        echo '{"id":"b","date":"2020-01-20","title":"iran x iraq","body":"iran x iraq y iran iraq iran"}'
        echo '{"id":"c","date":"2020-02-01","title":"b","body":"b c a b z c b a"}'
        echo '{"id":"d","date":"2021-03-01","title":"","body":"Caf\u00e9 \u00c9t\u00e9\n\tcafe  x"}'
        echo '{"id":"e","date":"2021-04","title":"","body":"q"}'
    } >"$f"
    o() { python3 "$ORACLE" "$@"; }
    # "a a" in "A a" (title) and in "a a a A a x a" (body): 1 + 2, not 1 + 3
    [ "$(o --kwic "$f" '(phrase a a)' | cut -f1-4)" = $'a\ttitle\t0\t3\na\tbody\t0\t3\na\tbody\t4\t8' ]
    [ "$(o --by year "$f" '(phrase a a)')" = $'2020\t1\t3' ]
    # NEAR/2: the window that ends first, then the next from after its end:
    # body iran(0) x iraq(2) y iran(4) iraq(5) iran(6): (0,2), (4,5); title (0,2)
    [ "$(o --kwic "$f" '(near 2 iran iraq)' | cut -f2-4)" = $'title\t0\t11\nbody\t0\t11\nbody\t14\t23' ]
    # ADJ/2: iraq then iran only: body (2,4), then (5,6); title none
    [ "$(o --kwic "$f" '(adj 2 iraq iran)' | cut -f2-5)" = $'body\t7\t18\tiraq y iran\nbody\t19\t28\tiraq iran' ]
    # NEAR/1 of 3 words (window of 3 positions): b c a (0-2), then from 3:
    # b z c no, c b a (5-7)
    [ "$(o --kwic "$f" '(body (near 1 a b c))' | cut -f3-5)" = $'0\t5\tb c a\n10\t15\tc b a' ]
    # OR: a part that does not match adds nothing (in c, c without zz;
    # in a, a without z)
    [ "$(o --by year "$f" '(or (and c zz) (and a z))')" = $'2020\t1\t3' ]
    [ "$(o --by year "$f" '(or (and c zz) (and a zz))')" = "" ]
    [ "$(o --by year "$f" '(and c (or z (title b)))')" = $'2020\t1\t4' ]
    # identical spans once, overlapping ones each; NOT and dates add none
    [ "$(o --by month "$f" '(or a a (phrase a a))')" = $'2020-01\t1\t11\n2020-02\t1\t2' ]
    [ "$(o --by month "$f" '(or iran (date 2020-02-01 2021-12-31))')" = $'2020-01\t1\t4\n2020-02\t1\t0\n2021-03\t1\t0\n2021-04\t1\t0' ]
    [ "$(o --by day "$f" '(and (not a) (all))')" = $'2020-01-20\t1\t0\n2021-03-01\t1\t0\nundated\t1\t0' ]
    # a date YYYY-MM is in a range that holds its whole month
    [ "$(o --by year "$f" '(and q (date 2021-04-01 2021-04-30))')" = $'2021\t1\t1' ]
    [ "$(o --by year "$f" '(and q (date 2021-04-02 2021-04-30))')" = "" ]
    # folding and byte offsets of UTF-8 text; white space collapsed
    [ "$(o --kwic "$f" '(phrase cafe ete cafe)' | cut -f3-5)" = $'0\t17\tCaf\u00e9 \u00c9t\u00e9 cafe' ]
    [ "$(o --words "$f" '(or (glob c?f*) (fuzzy iram 1))')" = $'(glob c?f*)\tcafe\n(fuzzy iram 1)\tiran\n(fuzzy iram 1)\tiraq' ]
}

@test "slots: each oracle word slot is the words of its Snowball stems in the slice" {
    python3 -c 'import ctypes, ctypes.util; ctypes.CDLL(ctypes.util.find_library("stemmer") or "libstemmer.so.0d")' ||
        skip "no libstemmer shared library for tests/oracle/slotcheck.py"
    sc() { python3 "$ROOT/tests/oracle/slotcheck.py" "$SLICE" "$1" "$2" >"$BATS_TEST_TMPDIR/sc" ||
        { echo "slot for $2:"; cat "$BATS_TEST_TMPDIR/sc"; return 1; }; }
    sc "$OIL" oil
    sc "$PRICE" prices
    sc "$CRUDE" crude
    sc "$IRAN" iran
    sc "$IRAQ" iraq
    sc "$WAR" war
    sc "$GULF" gulf
    sc "$OPEC" opec
    sc "$SAUDI" saudi
    sc "$NIL" nil
    sc "$YEN" yen
    sc "$NEGOTIAT" 'negotiat*'
    sc "$PRICEX" 'price*'
    sc "$FIREX" '*fire'
    sc "$IRX" 'ir?n'
    sc "$SAID" said
    sc "$OPEK1" '~1:opek'
    # and the check can fail: a form left out
    run -1 python3 "$ROOT/tests/oracle/slotcheck.py" "$SLICE" 'price|prices' prices
    [[ "$output" == *$'missing\tpricing'* ]]
}

# ------------------------------------------------------------- kq = oracle

@test "word: oil" {
    case_ word 'oil' "$OIL"
}

@test "=word: =prices" {
    case_ eqword '=prices' 'prices'
}

@test "phrase: \"oil prices\"" {
    case_ phrase '"oil prices"' "(phrase $OIL $PRICE)"
}

@test "phrase of 3 words: \"crude oil prices\"" {
    case_ phrase3 '"crude oil prices"' "(phrase $CRUDE $OIL $PRICE)"
}

@test "phrase with a repeated word: \"nil nil\" (a run of four nil is 2 matches)" {
    case_ phrase_rep '"nil nil"' "(phrase $NIL $NIL)"
}

@test "NEAR/5: iran NEAR/5 iraq" {
    case_ near 'iran NEAR/5 iraq' "(near 5 $IRAN $IRAQ)"
}

@test "\"a b\"~n: \"iran iraq\"~5 is iran NEAR/5 iraq" {
    case_ near_phrase '"iran iraq"~5' "(near 5 $IRAN $IRAQ)"
}

@test "ADJ/3: oil ADJ/3 prices" {
    case_ adj 'oil ADJ/3 prices' "(adj 3 $OIL $PRICE)"
}

@test "NEAR of 3 words: iran NEAR/10 iraq NEAR/10 war" {
    case_ near3 'iran NEAR/10 iraq NEAR/10 war' "(near 10 $IRAN $IRAQ $WAR)"
}

@test "prefix: negotiat* (negotiable too: the stem negoti)" {
    case_ prefix 'negotiat*' "$NEGOTIAT"
}

@test "prefix in a phrase: \"oil price*\"" {
    case_ phrase_prefix '"oil price*"' "(phrase $OIL $PRICEX)"
}

@test "pattern: *fire (a leading *; every form of the stems)" {
    case_ pattern_lead '*fire' "$FIREX"
}

@test "pattern and fuzzy: ir?n OR opek~1" {
    case_ pattern_fuzzy 'ir?n OR opek~1' "(or $IRX $OPEK1)"
}

@test "pattern in a phrase: \"ir?n said\"" {
    case_ pattern_phrase '"ir?n said"' "(phrase $IRX $SAID)"
}

@test "title: word" {
    case_ title_word 'title:oil' "(title $OIL)"
}

@test "title: phrase" {
    case_ title_phrase 'title:"oil prices"' "(title (phrase $OIL $PRICE))"
}

@test "body: word" {
    case_ body_word 'body:opec' "(body $OPEC)"
}

@test "AND, OR, NOT: an OR branch that does not match adds nothing" {
    case_ bool 'opec AND (saudi OR (gulf AND war)) NOT iraq' \
        "(and $OPEC (or $SAUDI (and $GULF $WAR)) (not $IRAQ))"
}

@test "date: \"oil prices\" AND date:1987-03-15..1987-04-15" {
    case_ date_phrase '"oil prices" AND date:1987-03-15..1987-04-15' \
        "(and (phrase $OIL $PRICE) (date 1987-03-15 1987-04-15))"
}

@test "date: yen OR date:1987-10-19 (documents with no matches)" {
    case_ date_or 'yen OR date:1987-10-19' "(or $YEN (date 1987-10-19 1987-10-19))"
}

@test "match-all: * NOT opec (documents, no matches)" {
    case_ all_not '* NOT opec' "(and (all) (not $OPEC))"
}

@test "--or, + and -: +opec saudi \"oil prices\" -iraq (opec's documents; saudi and the phrase count where they match)" {
    CHECK_OR=1 case_ maybe '+opec saudi "oil prices" -iraq' \
        "(maybe (and $OPEC (not $IRAQ)) $SAUDI (phrase $OIL $PRICE))"
}

@test "overlap: oil OR \"oil prices\" (oil and oil prices both count)" {
    case_ overlap 'oil OR "oil prices"' "(or $OIL (phrase $OIL $PRICE))"
}

# ------------------------------------------------------------- the cases

@test "the cases test what they say, and the comparison can fail" {
    o() { python3 "$ORACLE" --by year "$SLICE" "$1"; }
    # a run of three nil or more, where overlapping matches would count more
    [ -n "$(o "(phrase $NIL $NIL $NIL)")" ]
    # negotiable: a form negotiat* reaches only through its stem
    [ -n "$(o negotiable)" ]
    # opec documents with saudi and gulf but no war: gulf must not count
    [ -n "$(o "(and $OPEC $SAUDI $GULF (not $WAR) (not $IRAQ))")" ]
    # iran and iraq in both orders within 3 positions: NEAR is not ADJ
    [ -n "$(o "(adj 3 $IRAQ $IRAN)")" ]
    # the check fails when the oracle's answer differs: a form left out
    # (oils), a day too many (documents without matches)
    run check oil oil
    [ "$status" -eq 1 ]
    [[ "$output" == *"differs from the oracle"* ]]
    run check 'yen OR date:1987-10-19' "(or $YEN (date 1987-10-19 1987-10-20))"
    [ "$status" -eq 1 ]
    [[ "$output" == *"differs from the oracle"* ]]
}

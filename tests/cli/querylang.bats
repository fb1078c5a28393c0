#!/usr/bin/env bats
# The query language through kq: fields (title:, body:, source:, extra
# fields), dates, NEAR/ADJ, "a b"~n, =word, boosts, id:, their
# combinations, --parse and `kq parse`.
#
# Two indexes, built once in setup_file:
#   - $QL: tests/data/querylang/docs.jsonl (indexed with --field topic
#     --field author), 40 hand-made documents whose answers are known by
#     construction (see the comments at each test; positions count from 0
#     in each body, "x" is filler);
#   - $RT: the dated Reuters slice tests/data/reuters/slice.jsonl.gz, whose
#     expected answers are computed here with jq, without kq.  Words are
#     matched as whole tokens (runs of letters, digits and marks) case-
#     insensitively, listing the forms that share a stem (cocoas?, ...).

bats_require_minimum_version 1.5.0
load helpers

QL_SRC="$ROOT/tests/data/querylang/docs.jsonl"
RT_SRC="$ROOT/tests/data/reuters/slice.jsonl.gz"

setup_file() {
    QL="$BATS_FILE_TMPDIR/ql"
    RT="$BATS_FILE_TMPDIR/rt"
    export QL RT
    "$KQI" -q -d "$QL" --field topic --field author "$QL_SRC" || return 1
    if [ -f "$RT_SRC" ]; then
        "$KQI" -q -d "$RT" "$RT_SRC" || return 1
        gzip -dc "$RT_SRC" >"$BATS_FILE_TMPDIR/rt.jsonl" || return 1
    fi
}

# ids QUERY [INDEX]: the ids kq returns, sorted, on one line.
ids() {
    "$KQ" -d "${2:-$QL}" --all --format=ids "$1" | LC_ALL=C sort | tr '\n' ' ' |
        sed 's/ $//'
}

# expect IDX QUERY "ID ID ...": kq -c gives their number (status 0, or 1
# for none) and kq --all --format=ids exactly those ids.
expect() {
    local idx=$1 q=$2 want n got
    want=$(printf '%s\n' $3 | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    n=$(printf '%s\n' $3 | sed '/^$/d' | wc -l | tr -d ' ')
    run "$KQ" -d "$idx" -c "$q"
    no_crash
    if [ "$output" != "$n" ] || [ "$status" -ne $((n == 0)) ]; then
        echo "kq -c '$q': got '$output' (status $status), want $n" >&2
        return 1
    fi
    got=$(ids "$q" "$idx")
    if [ "$got" != "$want" ]; then
        echo "kq '$q': got ids [$got], want [$want]" >&2
        return 1
    fi
}

# pairs FILE: "N ID" lines as "N<TAB>ID ID ..." (ids sorted), one per N.
pairs() {
    LC_ALL=C sort -k1,1n -k2,2 -u "$1" |
        awk '$1 != n { if (NR > 1) print n "\t" l; n = $1; l = $2; next }
             { l = l " " $2 } END { if (NR) print n "\t" l }'
}

# batch_check INDEX T [NONEMPTY]: many queries in two runs of kq (batch is
# much faster than a kq per query).  $T.q holds "N<TAB>QUERY" lines,
# $T.want "N ID" pairs (the expected matches).  For every N, `kq batch
# --all` must return exactly those ids and `kq batch --counts` their
# number; with NONEMPTY=1 every query must expect something (an oracle
# that finds nothing proves little).
batch_check() {
    local idx=$1 T=$2 nonempty=${3:-0}
    "$KQ" -d "$idx" batch --all "$T.q" >"$T.trec" 2>"$T.err" ||
        { echo "kq batch: status $?: $(cat "$T.err")" >&2; return 1; }
    "$KQ" -d "$idx" batch --counts "$T.q" >"$T.cnt" 2>>"$T.err" ||
        { echo "kq batch --counts: status $?: $(cat "$T.err")" >&2; return 1; }
    awk '{ print $1, $3 }' "$T.trec" >"$T.got"
    pairs "$T.got" >"$T.gotl"
    pairs "$T.want" >"$T.wantl"
    awk -F'\t' -v nonempty="$nonempty" '
        FILENAME == ARGV[1] { q[$1] = $2; nq++; next }
        FILENAME == ARGV[2] { w[$1] = $2; nw[$1] = split($2, x, " "); next }
        FILENAME == ARGV[3] { g[$1] = $2; next }
        FILENAME == ARGV[4] { if (FNR > 1) c[$1] = $2; next }
        END {
            for (n = 1; n <= nq; n++) {
                if (w[n] != g[n]) {
                    print "query " n " (" q[n] "): kq [" g[n] "], want [" w[n] "]"
                    bad = 1
                }
                if (c[n] != nw[n] + 0) {
                    print "query " n " (" q[n] "): kq counts " c[n] ", want " nw[n] + 0
                    bad = 1
                }
                if (nonempty && nw[n] + 0 == 0) {
                    print "query " n " (" q[n] "): the oracle found nothing"
                    bad = 1
                }
            }
            if (nq == 0) { print "no queries"; bad = 1 }
            exit bad
        }' "$T.q" "$T.wantl" "$T.gotl" "$T.cnt" >&2
}

# qs [INDEX] <<EOF  QUERY|ID ID ... (one query a line; no ids: no match)
qs() {
    local T="$BATS_TEST_TMPDIR/qs$$_$RANDOM"
    awk -F'|' -v q="$T.q" -v w="$T.want" '
        { printf "%d\t%s\n", NR, $1 >q; n = split($2, a, " ")
          for (k = 1; k <= n; k++) print NR, a[k] >w }
        END { printf "" >w }' || return 1
    batch_check "${1:-$QL}" "$T"
}

# rts <<EOF  QUERY|JQ_FILTER: on the Reuters slice, each query's ids are
# those of the documents the jq filter (a boolean, . = the document)
# selects; one jq pass computes them all.  In filters, tok(RE) is true of
# a string holding RE as a whole token, case-insensitively, and near(A;
# B; N; ORDERED) of a document where tokens matching A and B lie at most
# N apart (B after A if ORDERED) in its title or in its body.
RT_JQ_DEFS='
def W: "[\\p{L}\\p{N}\\p{M}]";
def tok($re): test($re; "i") and test("(?<!" + W + ")(?i:" + $re + ")(?!" + W + ")");
def toks($s): [$s // "" | match("[\\p{L}\\p{N}\\p{M}]+"; "g") | .string | ascii_downcase];
def pos($t; $re): [range(0; $t | length) as $k | select($t[$k] | test("^(" + $re + ")$")) | $k];
def near($a; $b; $n; $ordered):
  def hit($t): pos($t; $a) as $pa | pos($t; $b) as $pb
    | any($pa[] as $x | $pb[] as $y
          | (if $ordered then $y - $x else ($y - $x | fabs) end) as $d
          | $d >= 1 and $d <= $n; .);
  ((.title + " " + .body) | tok($a) and tok($b))
  and (hit(toks(.title)) or hit(toks(.body)));
'
rts() {
    local T="$BATS_TEST_TMPDIR/rts$$_$RANDOM" prog
    awk -F'|' -v q="$T.q" -v p="$T.jq" '
        { printf "%d\t%s\n", NR, $1 >q
          f = $0; sub(/^[^|]*\|/, "", f)
          printf "%s(if (%s) then \"%d\" else empty end)", (NR > 1 ? ",\n" : ""), f, NR >p }' ||
        return 1
    prog="$RT_JQ_DEFS (.id | tostring) as \$id | ($(cat "$T.jq")) | . + \" \" + \$id"
    jq -r "$prog" "$BATS_FILE_TMPDIR/rt.jsonl" >"$T.want" ||
        { echo "jq failed" >&2; return 1; }
    batch_check "$RT" "$T" 1
}

need_rt() { [ -f "$RT_SRC" ] || skip "no $RT_SRC"; }

# same_scores FACTOR Q1 Q2: Q2 matches Q1's documents, each scoring FACTOR
# times as much (to the 8 digits kq prints).
same_scores() {
    local a b
    a=$("$KQ" -d "$QL" --all --format=tsv --fields id,score "$2" | sed 1d | LC_ALL=C sort)
    b=$("$KQ" -d "$QL" --all --format=tsv --fields id,score "$3" | sed 1d | LC_ALL=C sort)
    [ -n "$a" ] || { echo "'$2': no hits" >&2; return 1; }
    LC_ALL=C join -t "$(printf '\t')" <(printf '%s\n' "$a") <(printf '%s\n' "$b") |
        awk -F'\t' -v f="$1" -v na="$(printf '%s\n' "$a" | wc -l)" \
            -v nb="$(printf '%s\n' "$b" | wc -l)" '
            { n++; d = $3 - f * $2; if (d < 0) d = -d
              if (d > 2e-6 * $3 + 1e-7) { print "doc " $1 ": " $3 " is not " f " x " $2; bad = 1 } }
            END { if (n != na || n != nb) { print n " common, " na " and " nb " hits"; bad = 1 }
                  exit bad }' >&2
}

###########################################################################
# Fields.

@test "title:word, title:\"phrase\", title:(a OR b), title:prefix*" {
    # f1 "Peace talks resume", f2 "Peacekeepers arrive", e3 "Ceasefire talks",
    # f4 "Harvest news", f5 "Harvest", f6 "harvest harvest moon",
    # f7 "harvest harvest"; f3 has peace in its body only.
    qs <<'EOF'
title:peace|f1
title:Peace|f1
title:talks|e3 f1
title:"peace talks"|f1
title:"talks resume"|f1
title:"talks peace"|
title:"peace resume"|
title:(peace OR harvest)|f1 f4 f5 f6 f7
title:(peace talks)|f1
title:(harvest AND NOT moon)|f4 f5 f7
title:peace*|f1 f2
title:harv*|f4 f5 f6 f7
peace|f1 f3
peace*|f1 f2 f3
EOF
}

@test "body:word is the word outside the title" {
    # f4 harvest in title and body; f5 title only; f6 twice in the title,
    # not in the body; f7 twice in the title and once in the body.
    qs <<'EOF'
body:harvest|f4 f7
title:harvest|f4 f5 f6 f7
body:moon|f6
title:moon|f6
body:talks|
body:peace|f1 f3
body:peace*|f1 f3
body:arrive|f2
title:arrive|f2
body:harvest OR body:moon|f4 f6 f7
harvest -body:harvest|f5 f6
EOF
}

@test "source:word, and source words are not text" {
    qs <<'EOF'
source:courier|f1 f2
source:"daily courier"|f1
source:"courier daily"|
source:(morning OR evening)|f3 f4 f5 f6 f7
source:wire title:harvest|f4 f5 f6 f7
source:wire -source:evening|f3 f4
courier|
source:desk|d1 d2 d3 d4 d5 d6 d7 d8 d9 e1 e2 e3 e4 e5 u1 u2
source:word|e1 e2 e3 e4 e5
EOF
}

@test "extra fields NAME:value (kq-index --field) and --fields NAME" {
    qs <<'EOF'
topic:politics|f1 f2
topic:economy|f3 f5
topic:(farming OR economy) NOT title:harvest|f3
author:smith|f1 f2
author:"jane smith"|f1
author:jane|f1 f3
author:"smith jane"|
politics|
topic:politics title:peace*|f1 f2
EOF
    run "$KQ" -d "$QL" --format=tsv --fields id,topic,author 'topic:politics'
    no_crash
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf 'id\ttopic\tauthor\nf1\tpolitics\tJane Smith\nf2\tpolitics\tJohn Smith')" ]
}

@test "an unknown field is an error naming it (exit 2)" {
    run "$KQ" -d "$QL" -c 'peace nosuch:word'
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *nosuch* ]]
    # in a batch: reported with its line, the other queries still run
    run --separate-stderr "$KQ" batch -d "$QL" --counts - \
        < <(printf '1\tpeace\n2\tnosuch:x\n3\tpeace\n')
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"-:2: unknown field 'nosuch'"* ]]
    [ "$(printf '%s\n' "$output" | cut -f1 | tr '\n' ' ')" = "qid 1 2 3 " ]
    [[ "${lines[2]}" == $'2\t\tnosuch:x\tunknown field \'nosuch\''* ]]
    run "$KQ" -d "$QL" 'nosuch:(a OR b)'
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *nosuch* ]]
    # a field of another index
    need_rt
    run "$KQ" -d "$RT" -c 'topic:oil'
    no_crash
    [ "$status" -eq 2 ]
    [[ "$output" == *topic* ]]
}

@test "kq -c: exit status 0 with hits, 1 with none (fields, dates, NEAR)" {
    expect "$QL" 'title:peace' "f1"
    expect "$QL" 'body:talks' ""
    expect "$QL" 'alpha NEAR/1 gamma' ""
    expect "$QL" '=ceasefire title:talks' "e3"
}

###########################################################################
# Dates.  d1 1987-03-01, d2 1987-03-15, d3 1987-03-31, d4 1987-03 (month
# only), d5 1987 (year only), d6 1987-04-02, d7 1987-02-28, d8 1988-01-01,
# d9 1987-03-10T12:00:00Z; u1, u2 and the rest undated.

@test "date: ranges, months, years and open ranges" {
    qs <<'EOF'
date:1987-03-01..1987-03-31|d1 d2 d3 d4 d9
date:1987-03|d1 d2 d3 d4 d9
date:1987|d1 d2 d3 d4 d5 d6 d7 d9
date:1987..1988|d1 d2 d3 d4 d5 d6 d7 d8 d9
date:1988|d8
date:1986|
date:..1987-03-05|d1 d7
date:1987-04..|d6 d8
date:1987-03-31..|d3 d6 d8
date:..1987-02|d7
date:1987-02-28..1987-03-01|d1 d7
date:1987-03-31..1987-03-31|d3
date:1987-03-10|d9
date:1988-02-29|
EOF
}

@test "partial dates: a month is inside its month and year, not inside part of it" {
    qs <<'EOF'
date:1987-03-01..1987-03-15|d1 d2 d9
date:1987-03-01..1987-03-14|d1 d9
date:1987-03-02..1987-03-30|d2 d9
date:1987-03..1987-04|d1 d2 d3 d4 d6 d9
date:1987-01-01..1987-12-31|d1 d2 d3 d4 d5 d6 d7 d9
date:1987-01-01..1987-12-30|d1 d2 d3 d4 d6 d7 d9
date:..1987-03|d1 d2 d3 d4 d7 d9
date:..1987-03-30|d1 d2 d7 d9
date:1987-03-02..|d2 d3 d6 d8 d9
date:1987-02..|d1 d2 d3 d4 d6 d7 d8 d9
date:1987-12..1988-01|d8
date:1987-03-15..1987-04-02|d2 d3 d6
date:1987-02-15..1987-03-31|d1 d2 d3 d4 d7 d9
EOF
}

@test "bad dates are syntax errors (exit 2)" {
    for d in 1987-13 1987-00 1987-02-29 1987-04-31 87 1987-3 1987-03-1 \
        19870301 abc .. 1987-03-01..1987-02-01 1988..1987 1987-03-01T10:00; do
        run "$KQ" -d "$QL" -c "date:$d"
        no_crash
        if [ "$status" -ne 2 ] || [[ "$output" != *"syntax error"* ]]; then
            echo "date:$d: status $status: $output" >&2
            return 1
        fi
    done
}

@test "date: combined with words and fields" {
    # grain titles: d1 d3 d6 d9 u1; coal titles: d2 d7 u2; tally in every
    # body but d4's and d5's; wheat in d1 d3 d8 u2
    qs <<'EOF'
title:grain date:1987-03|d1 d3 d9
title:grain date:1987-03-01..1987-03-15|d1 d9
tally -date:1987|d8 u1 u2
tally NOT date:1900..2100|u1 u2
date:1987-03 OR date:1988|d1 d2 d3 d4 d8 d9
(title:coal OR title:grain) date:..1987-03-01|d1 d7
wheat date:1987-04..|d8
ledger date:1987|d1 d2 d4 d5 d7 d9
EOF
}

@test "--sort=date and --sort=-date: undated last, ties in index order" {
    run "$KQ" -d "$QL" --sort=date --all --format=ids tally
    no_crash
    [ "$(echo $output)" = "d7 d1 d9 d2 d3 d6 d8 u1 u2" ]
    run "$KQ" -d "$QL" --sort=-date --all --format=ids tally
    no_crash
    [ "$(echo $output)" = "d8 d6 d3 d2 d9 d1 d7 u1 u2" ]
    run "$KQ" -d "$QL" --sort=date -n 3 --offset 2 --format=ids tally
    [ "$(echo $output)" = "d9 d2 d3" ]
    run "$KQ" -d "$QL" --sort=date -c tally
    [ "$output" = 9 ]
}

###########################################################################
# Proximity.  Bodies: n01 "alpha beta", n02 "beta alpha", n03 alpha+3 beta,
# n04 beta+3 alpha, n05 alpha+4 beta, n06 beta+4 alpha, n07 alpha+2 beta,
# n08 alpha+10 beta, n09 beta(0) alpha(6) beta(9); n10 has beta last in its
# title and alpha first in its body.

@test "a NEAR/n b: at most n positions apart, in any order" {
    # (n10's title beta and body alpha are 9 positions apart: left out of
    # NEAR/10)
    qs <<'EOF'
alpha NEAR/1 beta|n01 n02
alpha NEAR/2 beta|n01 n02 n07
alpha NEAR/3 beta|n01 n02 n03 n04 n07 n09
beta NEAR/3 alpha|n01 n02 n03 n04 n07 n09
alpha NEAR/4 beta|n01 n02 n03 n04 n05 n06 n07 n09
alpha NEAR/8 beta|n01 n02 n03 n04 n05 n06 n07 n09
alpha NEAR/10 beta -id:n10|n01 n02 n03 n04 n05 n06 n07 n08 n09
alpha NEAR/3 beta title:x|
alpha NEAR/8 beta title:x|
alpha NEAR/3 beta OR alpha NEAR/3 gamma|n01 n02 n03 n04 n07 n09
EOF
}

@test "a ADJ/n b: b after a, at most n apart" {
    qs <<'EOF'
alpha ADJ/1 beta|n01
"alpha beta"|n01
alpha ADJ/2 beta|n01 n07
alpha ADJ/3 beta|n01 n03 n07 n09
beta ADJ/3 alpha|n02 n04
beta ADJ/6 alpha|n02 n04 n06 n09
beta ADJ/6 alpha NOT (alpha ADJ/3 beta)|n02 n04 n06
EOF
}

@test "NEAR/ADJ chains" {
    # c1 gamma(0) delta(2) epsilon(4); c2 0 6 12; c3 0 5 10; c4 0 7 8;
    # c5 epsilon(0) delta(2) gamma(5); c6 no epsilon; c7 0 3 6.
    # Three words NEAR/5: all in a window of 5 + 2 positions (positions.c).
    qs <<'EOF'
gamma NEAR/5 delta NEAR/5 epsilon|c1 c5 c7
epsilon NEAR/5 gamma NEAR/5 delta|c1 c5 c7
gamma NEAR/4 delta NEAR/4 epsilon|c1 c5
gamma NEAR/9 delta NEAR/9 epsilon|c1 c3 c4 c5 c7
gamma ADJ/5 delta ADJ/5 epsilon|c1 c7
epsilon ADJ/5 delta ADJ/5 gamma|c5
gamma ADJ/2 delta|c1 c6
"gamma delta epsilon"~5|c1 c5 c7
"gamma delta epsilon"~4|c1 c5
EOF
    run "$KQ" -d "$QL" -c 'gamma NEAR/5 delta ADJ/5 epsilon'
    no_crash
    [ "$status" -eq 2 ]
}

@test "\"a b\"~n is a NEAR/n b" {
    local T="$BATS_TEST_TMPDIR/tilde"
    : >"$T.q"
    for n in 1 2 3 4 9 10; do
        printf 'n%d\t"alpha beta"~%d\nm%d\talpha NEAR/%d beta\n' $n $n $n $n >>"$T.q"
    done
    "$KQ" -d "$QL" batch --all "$T.q" | awk '{ print $1, $3 }' | LC_ALL=C sort >"$T.out"
    [ "$(grep -c '^n' "$T.out")" -ge 30 ]
    [ "$(sed -n 's/^n//p' "$T.out")" = "$(sed -n 's/^m//p' "$T.out")" ]
    qs <<'EOF'
"alpha beta"~4|n01 n02 n03 n04 n05 n06 n07 n09
"beta alpha"~3|n01 n02 n03 n04 n07 n09
"alpha beta"~1|n01 n02
EOF
}

###########################################################################
# =word.  e1 "the ceasefire held", e2 "two ceasefires failed", e3 title
# "Ceasefire talks", e4 "ceasefire and ceasefires", e5 "CEASEFIRE announced".

@test "=word: the folded word as written, not other forms of its stem" {
    qs <<'EOF'
ceasefire|e1 e2 e3 e4 e5
ceasefires|e1 e2 e3 e4 e5
=ceasefire|e1 e3 e4 e5
=CeaseFire|e1 e3 e4 e5
=ceasefires|e2 e4
title:=ceasefire|e3
body:=ceasefire|e1 e4 e5
body:=ceasefires|e2 e4
=ceasefires -=ceasefire|e2
=ceasefire NOT title:ceasefire|e1 e4 e5
EOF
    run "$KQ" -d "$QL" -c 'source:=desk'
    [ "$status" -eq 2 ]
}

###########################################################################
# Boosts.

@test "word^2 doubles the score of a one-word query" {
    same_scores 2 'wheat' 'wheat^2'
    same_scores 3 'title:grain' 'title:grain^3'
    same_scores 0.5 'ceasefire' 'ceasefire^0.5'
    same_scores 2 '=ceasefire' '=ceasefire^2'
    # and it can fail: not 3 times
    ! same_scores 3 'wheat' 'wheat^2' 2>/dev/null
}

@test "\"a b\"^2 and \"a b\"~n^2 double a phrase's score" {
    same_scores 2 '"tally of"' '"tally of"^2'
    same_scores 2 '"alpha beta"~4' '"alpha beta"~4^2'
}

@test "(a OR b)^3 triples the group's score" {
    same_scores 3 'tally (wheat OR coal)' 'tally^3 (wheat OR coal)^3'
    same_scores 3 '(wheat OR coal)' '(wheat OR coal)^3'
}

@test "a boost changes the ranking" {
    # d2 has coal twice (title and body, 5 tokens); u2 coal once (title)
    # and wheat twice (6 tokens): coal alone ranks d2 above u2, wheat^0.1
    # cannot change that, coal^0.1 puts u2 first
    run "$KQ" -d "$QL" -n 1 --format=ids 'coal^0.1 OR wheat'
    [ "$output" = u2 ]
    run "$KQ" -d "$QL" -n 1 --format=ids 'coal OR wheat^0.1'
    [ "$output" = d2 ]
}

###########################################################################
# id:, combinations.

@test "id:ID" {
    qs <<'EOF'
id:f1|f1
id:d9|d9
id:nosuch|
id:f1 OR id:f2 OR id:zz|f1 f2
NOT id:f1 AND title:peace*|f2
id:f1 peace|f1
id:f1 harvest|
tally -id:d1 -id:d2 date:1987-03|d3 d9
EOF
}

@test "id:\"an id\" quoted, as the error for a bare id: advises" {
    run "$KQ" -d "$QL" -c 'id:'
    [ "$status" -eq 2 ]
    [[ "$output" == *'id:"'* ]] || skip "the error gives no quoting advice"
    run "$KQ" -d "$QL" -c 'id:"f1"'
    no_crash
    [ "$status" -eq 0 ] && [ "$output" = 1 ]
}

@test "combinations with AND, OR, NOT and parentheses" {
    qs <<'EOF'
(title:peace OR source:wire) AND NOT topic:farming|f1 f3 f6 f7
title:harvest OR alpha NEAR/1 beta|f4 f5 f6 f7 n01 n02
(alpha NEAR/1 beta OR =ceasefires) -id:e4|e2 n01 n02
title:grain date:1987-03 OR title:coal date:1987-02|d1 d3 d7 d9
(title:grain OR title:coal) (date:1987-03-01..1987-03-15 OR date:1988)|d1 d2 d9
body:harvest OR body:peace OR topic:economy|f1 f3 f4 f5 f7
NOT (source:desk OR source:lab OR source:wire)|f1 f2
source:lab NOT (alpha OR gamma)|
source:lab NOT alpha|c1 c2 c3 c4 c5 c6 c7
(gamma NEAR/2 delta OR author:doe) -source:lab|f3
EOF
}

@test "across segments, after deletions and replacements; accents and =word" {
    local idx="$BATS_TEST_TMPDIR/seg" d="$BATS_TEST_TMPDIR"
    head -n 20 "$QL_SRC" >"$d/a.jsonl"
    tail -n +21 "$QL_SRC" >"$d/b.jsonl"
    "$KQI" -q -d "$idx" --no-merge "$d/a.jsonl"
    "$KQI" -q -d "$idx" --no-merge --field topic --field author "$d/b.jsonl"
    qs "$idx" <<'EOF'
topic:politics|f1 f2
author:smith|f1 f2
date:1987-03|d1 d2 d3 d4 d9
alpha NEAR/3 beta|n01 n02 n03 n04 n07 n09
title:peace*|f1 f2
=ceasefire|e1 e3 e4 e5
id:n01 OR id:f1|f1 n01
EOF
    "$KQI" rm -d "$idx" f1 d1 >/dev/null
    # f2 replaced: new title, topic and date, no author; a1..a4 new
    cat >"$d/c.jsonl" <<'EOF'
{"id": "f2", "title": "Peace restored", "source": "Courier Weekly", "topic": "sport", "date": "1987-05-05", "body": "calm"}
{"id": "a1", "title": "accent one", "body": "Café society"}
{"id": "a2", "title": "accent two", "body": "the cafe"}
{"id": "a3", "title": "accent three", "body": "two cafés"}
{"id": "a4", "title": "CAFÉ", "body": "nothing"}
EOF
    "$KQI" -q -d "$idx" --no-merge --field topic "$d/c.jsonl"
    qs "$idx" <<'EOF'
topic:politics|
author:smith|
topic:sport|f2
title:peacekeepers|
title:restored|f2
title:peace*|f2
date:1987-03|d2 d3 d4 d9
date:1987-05|f2
id:f1|
id:f2 date:1987-05|f2
source:courier|f2
café|a1 a2 a3 a4
=café|a1 a2 a4
=CAFE|a1 a2 a4
=cafés|a3
title:=cafe|a4
body:=café|a1 a2
café NEAR/1 society|a1
caf*|a1 a2 a3 a4
EOF
    run "$KQ" -d "$idx" --sort=date --all --format=ids tally
    [ "$(echo $output)" = "d7 d9 d2 d3 d6 d8 u1 u2" ]
}

###########################################################################
# --parse and kq parse.

@test "--parse prints the query on one line" {
    while IFS='|' read -r query want; do
        run "$KQ" --parse "$query"
        no_crash
        if [ "$status" -ne 0 ] || [ "$output" != "$want" ]; then
            echo "--parse '$query': got '$output' (status $status), want '$want'" >&2
            return 1
        fi
    done <<'EOF'
title:(peace OR harvest)|OR(title:peac, title:harvest)
title:"peace talks"|title:"peac talk"
title:peace*|title:peace*
body:peace|body:peac
source:courier|source:courier
topic:politics|topic:polit
date:1987-03|date:1987-03-01..1987-03-31
date:1987|date:1987-01-01..1987-12-31
date:1987-03-01..1987-03-15|date:1987-03-01..1987-03-15
date:..1987-03-05|date:..1987-03-05
date:1987-04..|date:1987-04-01..
alpha NEAR/3 beta|NEAR/3(alpha, beta)
alpha ADJ/2 beta|ADJ/2(alpha, beta)
a NEAR/5 b NEAR/5 c|NEAR/5(a, b, c)
"alpha beta"~4|NEAR/4(alpha, beta)
=Ceasefire|=ceasefire
wheat^2|wheat^2
"tally of"^2|"talli of"^2
tally (wheat OR coal)^3|AND(talli, OR(wheat, coal)^3)
id:f1|id:"f1"
title:grain date:1987-03 -id:d1|AND(title:grain, date:1987-03-01..1987-03-31, NOT(id:"d1"))
a AND b OR c|OR(AND(a, b), c)
EOF
}

@test "kq parse warns about AND and OR mixed without parentheses" {
    run "$KQ" parse 'a AND b OR c'
    no_crash
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "$output" | grep -c '^warning:')" -ge 1 ]
    [ "$(printf '%s\n' "$output" | wc -l)" -ge 5 ]
    # on stderr too
    run bash -c '"$KQ" parse "a AND b OR c" 2>&1 >/dev/null'
    [[ "$output" == *warning* ]]
    for query in 'a AND (b OR c)' 'a OR b' '(a OR b) c'; do
        run "$KQ" parse "$query"
        [ "$status" -eq 0 ]
        [[ "$output" != *warning* ]] || { echo "'$query' warns" >&2; return 1; }
    done
}

@test "kq parse: no warning for (a AND b) OR c" {
    for query in '(a AND b) OR c' 'c OR (a AND b)' '(a b) OR c'; do
        run "$KQ" parse "$query"
        no_crash
        [ "$status" -eq 0 ]
        [[ "$output" != *warning* ]] || { echo "'$query' warns: $output" >&2; return 1; }
    done
}

###########################################################################
# The Reuters slice: expected ids from jq (see rts above).

@test "reuters: title:, body:, source: and =word agree with jq" {
    need_rt
    rts <<'EOF'
title:cocoa|.title | tok("cocoas?")
body:cocoa|.body | tok("cocoas?")
title:gold|.title | tok("golds?")
body:gold|.body | tok("golds?")
title:coffee|.title | tok("coffees?")
body:yen|.body | tok("yens?")
title:yen|.title | tok("yens?")
title:opec|.title | tok("opecs?")
title:crude|.title | tok("crudes?")
body:sugar|.body | tok("sugars?")
title:"crude oil"|.title | tok("crude[^\\p{L}\\p{N}\\p{M}]+oils?")
title:(cocoa OR coffee)|.title | tok("cocoas?|coffees?")
title:coff*|.title | tok("coff[a-z]*")
title:gold -body:gold|(.title | tok("golds?")) and (.body | tok("golds?") | not)
title:yen body:dollar|(.title | tok("yens?")) and (.body | tok("dollars?"))
source:000|.source == "reuters-21578/reut2-000.sgm"
source:"reut2 021"|.source == "reuters-21578/reut2-021.sgm"
source:(000 OR 001) oil|(.source | test("reut2-00[01]")) and ((.title + " " + .body) | tok("oils?"))
=tanker|(.title + " " + .body) | tok("tanker")
=tankers|(.title + " " + .body) | tok("tankers")
tanker|(.title + " " + .body) | tok("tankers?")
EOF
}

@test "reuters: date ranges agree with jq over the date field" {
    need_rt
    run "$KQ" -d "$RT" -c 'date:1987-03'
    [ "$output" = 1472 ]
    run "$KQ" -d "$RT" -c 'date:1987'
    [ "$output" = "$(wc -l <"$BATS_FILE_TMPDIR/rt.jsonl" | tr -d ' ')" ]
    rts <<'EOF'
date:1987-03-01..1987-03-31|.date >= "1987-03-01" and .date <= "1987-03-31"
date:1987-04-01..1987-04-15|.date >= "1987-04-01" and .date <= "1987-04-15"
date:1987-06..1987-10|.date >= "1987-06-01" and .date <= "1987-10-31"
date:1987-02-26|.date == "1987-02-26"
date:..1987-03-02|.date <= "1987-03-02"
date:1987-06..|.date >= "1987-06"
title:cocoa date:1987-03|(.date | startswith("1987-03")) and (.title | tok("cocoas?"))
title:oil date:1987-04-01..1987-04-30|(.date | startswith("1987-04")) and (.title | tok("oils?"))
yen -date:1987-03|(.date | startswith("1987-03") | not) and ((.title + " " + .body) | tok("yens?"))
EOF
}

@test "reuters: --sort=date and --sort=-date order agrees with jq" {
    need_rt
    local f="$BATS_FILE_TMPDIR/rt.jsonl"
    sel='select(.title | test("(?<![\\p{L}\\p{N}\\p{M}])(?i:cocoas?|coffees?)(?![\\p{L}\\p{N}\\p{M}])"))'
    want=$(jq -rs "[.[] | $sel] | sort_by(.date) | .[].id" "$f" | tr '\n' ' ')
    got=$("$KQ" -d "$RT" --sort=date --all --format=ids 'title:(cocoa OR coffee)' | tr '\n' ' ')
    [ -n "$want" ] && [ "$got" = "$want" ]
    # newest first; equal dates keep the index order
    want=$(jq -rs "[.[] | $sel] | sort_by(.date | explode | map(-.)) | .[].id" "$f" | tr '\n' ' ')
    got=$("$KQ" -d "$RT" --sort=-date --all --format=ids 'title:(cocoa OR coffee)' | tr '\n' ' ')
    [ "$got" = "$want" ]
}

@test "reuters: NEAR/ADJ and \"a b\"~n agree with a jq tokenizer" {
    need_rt
    rts <<'EOF'
crude NEAR/3 oil|near("crudes?"; "oils?"; 3; false)
"crude oil"~3|near("crudes?"; "oils?"; 3; false)
crude ADJ/1 oil|near("crudes?"; "oils?"; 1; true)
crude ADJ/2 oil|near("crudes?"; "oils?"; 2; true)
cocoa NEAR/4 prices|near("cocoas?"; "prices?|priced|pricing"; 4; false)
yen NEAR/2 dollar|near("yens?"; "dollars?"; 2; false)
EOF
    # oil ADJ/2 crude: as often as jq finds it (never)
    run "$KQ" -d "$RT" -c 'oil ADJ/2 crude'
    [ "$output" = "$(jq -r "$RT_JQ_DEFS"' select(near("oils?"; "crudes?"; 2; true)) | .id' "$BATS_FILE_TMPDIR/rt.jsonl" | wc -l | tr -d ' ')" ]
}

@test "per-document languages: --lang-field stems each document in its language; a query word in each language, kq --lang one" {
    local d="$BATS_TEST_TMPDIR/ml"
    printf '%s\n' '{"id":"f1","title":"Course","body":"Les chevaux courent","lang":"french"}' \
        '{"id":"e1","title":"Race","body":"The horses run","lang":"english"}' >"$d.jsonl"
    run "$KQI" -q -d "$d" --lang-field lang "$d.jsonl"
    [ "$status" -eq 0 ]
    # French stems "chevaux" to "cheval", English leaves it alone; a query
    # word is analysed in both languages of the index, --lang
    # narrows it to one
    run "$KQ" -d "$d" --format=ids chevaux
    [ "$status" -eq 0 ]
    [ "$output" = f1 ]
    run "$KQ" -d "$d" --lang english -c chevaux
    [ "$status" -eq 1 ]
    [ "$output" = 0 ]
    run "$KQ" -d "$d" --lang french --format=ids chevaux
    [ "$status" -eq 0 ]
    [ "$output" = f1 ]
    run "$KQ" -d "$d" --lang french --parse chevaux
    [ "$output" = cheval ]
    run "$KQ" -d "$d" --format=ids horse
    [ "$output" = e1 ]
    run "$KQ" -d "$d" --lang klingon x
    [ "$status" -eq 2 ]
    [[ "$output" == *"unknown language 'klingon'"* ]]
}

@test "a prefix inside a phrase is one slot of the phrase; a lone * in a phrase is a syntax error at the star" {
    # f1's title is "peace talks ..." (see title:"peace talks" above); no
    # document has peace before a word starting with keep.
    [ "$(ids '"peace tal*"')" = f1 ]
    [ "$(ids 'title:"peace tal*"')" = f1 ]
    run -1 "$KQ" -d "$QL" -c '"peace keep*"'
    [ "$output" = 0 ]
    # the star would match any word: an error, never punctuation dropped
    run -2 --separate-stderr "$KQ" -d "$QL" -c '"peace *"'
    [[ "$stderr" == *"syntax error at column 8: a lone * cannot be part of a phrase"* ]]
}

@test "* matches every document, empty ones included; * NOT x is the complement of x; on both backends" {
    local d="$BATS_TEST_TMPDIR"
    printf '%s\n' '{"id":"a","body":"opec oil"}' '{"id":"b","body":""}' \
        '{"id":"c","title":"gas"}' '{"id":"d","body":"opec"}' >"$d/all.jsonl"
    "$KQI" -q -d "$d/n" "$d/all.jsonl"
    local be
    for be in n x; do
        if [ $be = x ]; then
            "$KQI" -q --backend=xapian -d "$d/x" "$d/all.jsonl" || continue
        fi
        run -0 "$KQ" -d "$d/$be" -c '*'
        [ "$output" = 4 ]
        run -0 "$KQ" -d "$d/$be" -c '* NOT opec'
        [ "$output" = 2 ]
        run -0 "$KQ" -d "$d/$be" --format=ids '* NOT opec'
        [ "$(sort <<<"$output" | tr '\n' ' ')" = "b c " ]
        run -0 "$KQ" -d "$d/$be" -c '* OR opec'
        [ "$output" = 4 ]
    done
    run -0 "$KQ" -d "$d/n" parse '*'
    [ "$output" = "* (every document)" ]
    # not a prefix of nothing in a field
    run -2 "$KQ" -d "$d/n" -c 'title:*'
}


###########################################################################
# + and - with --or (kq(1): +a required, -a excluded; the other items only
# rank, as in Xapian's and Lucene's query languages).

# or_ids QUERY: the ids of kq --or --all, sorted, one line.
or_ids() {
    "$KQ" -d "$RT" --or --all --format=ids -- "$1" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
# jq_ids FILTER: the ids of the Reuters slice's documents FILTER selects.
jq_ids() {
    jq -r "$RT_JQ_DEFS select($1) | .id | tostring" "$BATS_FILE_TMPDIR/rt.jsonl" |
        LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

@test "--or: +a b c matches the documents with a (and with every + item), -a excludes" {
    need_rt
    local T='(.title + " " + .body)'
    while IFS='|' read -r q f; do
        want=$(jq_ids "$f")
        [ -n "$want" ] || { echo "'$q': the oracle found nothing" >&2; return 1; }
        got=$(or_ids "$q")
        [ "$got" = "$want" ] || { echo "kq --or '$q': [$got], want [$want]" >&2; return 1; }
        n=$("$KQ" -d "$RT" count --or -- "$q")
        [ "$n" -eq "$(printf '%s\n' $want | wc -l)" ]
    done <<EOF
+opec oil prices|$T | tok("opec")
+opec +saudi oil|$T | tok("opec") and tok("saudis?")
+opec oil -saudi|$T | tok("opec") and (tok("saudis?") | not)
oil gas -crude|$T | (tok("oils?") or tok("gas")) and (tok("crudes?") | not)
-crude -oil|$T | (tok("crudes?") or tok("oils?")) | not
+cocoa|$T | tok("cocoas?")
EOF
}

@test "--or: +a b c ranks a's documents by a, b and c together (the scores of a OR b OR c)" {
    need_rt
    # every document with opec scores as in opec OR oil OR prices
    a=$("$KQ" -d "$RT" --or --all --format=tsv --fields id,score -- "+opec oil prices" | sed 1d | LC_ALL=C sort)
    b=$("$KQ" -d "$RT" --or --all --format=tsv --fields id,score -- "opec oil prices" | sed 1d | LC_ALL=C sort)
    [ "$(printf '%s\n' "$a" | wc -l)" -eq "$("$KQ" -d "$RT" count opec)" ]
    [ -z "$(LC_ALL=C join -t "$(printf '\t')" -v 1 <(printf '%s\n' "$a") <(printf '%s\n' "$b"))" ]
    # the optional words change the order: not the ranking of opec alone
    top_maybe=$("$KQ" -d "$RT" --or -n 10 --format=ids -- "+opec oil prices")
    top_opec=$("$KQ" -d "$RT" -n 10 --format=ids -- opec)
    [ "$top_maybe" != "$top_opec" ]
    # --parse and kq parse name it
    [ "$("$KQ" -d "$RT" --or --parse -- "+opec oil -saudi")" = "MAYBE(AND(opec, NOT(saudi)), oil)" ]
    run "$KQ" -d "$RT" parse --or -- "+opec oil prices"
    [ "$status" -eq 0 ] && [[ "$output" == "MAYBE (the first, ranked by both)"* ]]
    # without --or, + and - keep their meaning: +a b is a AND b
    [ "$("$KQ" -d "$RT" count -- "+opec oil")" -eq "$("$KQ" -d "$RT" count -- "opec AND oil")" ]
    [ "$("$KQ" -d "$RT" count -- "opec -oil")" -eq "$("$KQ" -d "$RT" count -- "opec AND NOT oil")" ]
}

#!/usr/bin/env bats
# Result quality: a change that makes kq rank worse must fail `make check`.
#
# kq indexes the Cranfield collection (tests/data/cranfield: 1400 abstracts,
# 225 queries, graded relevance judgements), runs every query as an OR of
# its non-stopword words (top 1000, as the bench's `make eval` does) and
# scores the run with tests/eval/trec_eval.awk.  MAP, nDCG@10 and
# recall@1000 must stay at or above the floors below.
#
# The measuring tools are tested first on hand-made input whose answers are
# worked out in the comments, so a broken evaluator cannot pass the floors
# by accident.  Everything is sh + awk: no python3, no ../shared.
bats_require_minimum_version 1.5.0
load helpers

# The floors sit just under what the default configuration measures (the
# run is deterministic: the same index and queries give the same figures
# on every machine): a change that costs about 1% is a regression, one
# that gains should raise them.  Measured with the native backend
# (BM25F, title weight 3, k1 1.4, b 0.5), 2026-11-28:
# MAP 0.3181, nDCG@10 0.3843, recall@1000 0.9496 (P@10 0.2471).
MAP_FLOOR=0.3150
NDCG_FLOOR=0.3800
R_FLOOR=0.9450

CRAN="$ROOT/tests/data/cranfield"
EVAL="$ROOT/tests/eval"
CIDX="$BATS_FILE_TMPDIR/cran"

setup_file() {
    "$KQI" -q -d "$CIDX" "$CRAN/docs.jsonl.gz" 2>"$BATS_FILE_TMPDIR/cran.err" || {
        echo "kq-index of the Cranfield documents failed with status $?" >&2
        cat "$BATS_FILE_TMPDIR/cran.err" >&2
        return 1
    }
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# The evaluator, under LC_ALL=C as its header asks (docid ties are broken in
# byte order).
trec_eval() { LC_ALL=C awk -f "$EVAL/trec_eval.awk" "$@"; }

# measure NAME FILE: the value of the `NAME<TAB>all<TAB>value` line.
measure() { awk -F '\t' -v m="$1" '$1 == m && $2 == "all" { print $3 }' "$2"; }

# at_least VALUE FLOOR: true if VALUE >= FLOOR as numbers.
at_least() { awk -v v="$1" -v f="$2" 'BEGIN { exit !(v != "" && v + 0 >= f + 0) }'; }

@test "trec_eval.awk: hand-computed measures on a small qrels and run" {
    # q1: relevant d1 (2), d3 (1), d4 (3); d2 judged irrelevant.
    # q2: relevant 10 (1), 11 (2).
    # q3: only an irrelevant judgement: not a query of the means.
    # q4: relevant d8, but q4 is not in the run: it scores 0 everywhere.
    # q5: relevant r5, retrieved at rank 1001.
    cat >qrels <<'EOF'
q1 0 d1 2
q1 0 d2 0
q1 0 d3 1
q1 0 d4 3
q2 0 10 1
q2 0 11 2
q3 0 d7 0
q4 0 d8 1
q5 0 r5 1
EOF
    # The rank column is deliberately misleading: only the score counts.
    # q1: d1 and d2 tie at 5.0, so the greater docid, d2, ranks first; the
    #     second d1 (score 1.0) is a duplicate and is dropped.  Ranking:
    #     d2 d1 d9 d3 d4, relevant (gain) at 2 (2), 4 (1), 5 (3).
    # q2: 10 and 9 tie at 2.0; as strings "9" > "10", so 9 ranks first
    #     (a numeric comparison would put 10 first).  Ranking: 9 10 x1..x8
    #     11, relevant at 2 (gain 1) and 11 (gain 2).
    # q9: not in the qrels, ignored.
    cat >run <<'EOF'
q1 Q0 d1 1 5.0 t
q1 Q0 d2 2 5.0 t
q1 Q0 d9 3 4.0 t
q1 Q0 d3 4 3.0 t
q1 Q0 d1 5 1.0 t
q1 Q0 d4 6 0.5 t
q2 Q0 10 1 2.0 t
q2 Q0 9 2 2.0 t
q2 Q0 x1 3 1.8 t
q2 Q0 x2 4 1.7 t
q2 Q0 x3 5 1.6 t
q2 Q0 x4 6 1.5 t
q2 Q0 x5 7 1.4 t
q2 Q0 x6 8 1.3 t
q2 Q0 x7 9 1.2 t
q2 Q0 x8 10 1.1 t
q2 Q0 11 11 0.1 t
q3 Q0 d7 1 9.0 t
q9 Q0 d8 1 9.0 t
EOF
    # q5: 1000 unjudged documents (scores 1999..1000) before r5 (score 1).
    awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "q5 Q0 f%d %d %d t\n", i, i, 2000 - i
                 print "q5 Q0 r5 1001 1 t" }' >>run
    # By hand (L(n) = log2 n: L3 = 1.58496, L5 = 2.32193, L6 = 2.58496):
    #   AP      q1 (1/2 + 2/4 + 3/5) / 3 = 0.53333   q2 (1/2 + 2/11) / 2 = 0.34091
    #           q4 0                                q5 (1/1001) / 1 = 0.00100
    #           MAP = 0.87524 / 4 = 0.21881 -> 0.2188
    #   P@10    q1 3/10, q2 1/10 (11 is at rank 11), q4 0, q5 0
    #           -> 0.4 / 4 = 0.1000
    #   nDCG@10 q1 DCG  = 2/L3 + 1/L5 + 3/L6 = 1.26186 + 0.43068 + 1.16056 = 2.85310
    #              IDCG = 3/1 + 2/L3 + 1/L4 = 3 + 1.26186 + 0.5 = 4.76186
    #              -> 0.59916
    #           q2 DCG  = 1/L3 = 0.63093; IDCG = 2/1 + 1/L3 = 2.63093 -> 0.23981
    #           q4 0, q5 0 (r5 is not in the top 10)
    #           mean = 0.83897 / 4 = 0.20974 -> 0.2097
    #   R@1000  q1 3/3, q2 2/2, q4 0, q5 0 (r5 is at 1001) -> 2 / 4 = 0.5000
    #   num_q   4 (q1, q2, q4, q5)
    run -0 trec_eval qrels run
    [ "$output" = "$(printf 'map\tall\t0.2188\nP_10\tall\t0.1000\nndcg_cut_10\tall\t0.2097\nrecall_1000\tall\t0.5000\nnum_q\tall\t4')" ]

    # The 4-column run form (qid docid rank score) reads the same.
    awk '{ print $1, $3, $4, $5 }' run >run4
    run -0 trec_eval qrels run4
    [ "${lines[0]}" = "$(printf 'map\tall\t0.2188')" ]
    [ "${lines[4]}" = "$(printf 'num_q\tall\t4')" ]

    # A run with nothing in it scores 0 on every query of the qrels.
    : >empty
    run -0 trec_eval qrels empty
    [ "$output" = "$(printf 'map\tall\t0.0000\nP_10\tall\t0.0000\nndcg_cut_10\tall\t0.0000\nrecall_1000\tall\t0.0000\nnum_q\tall\t4')" ]

    run -2 trec_eval qrels
    [[ "$output" == *usage* ]]
}

@test "topics.sh: lower-case, split on non-alphanumerics, drop stopwords and empty topics" {
    printf '# a comment line\nthe\n  of  \nand\n' >stop
    # A header line; punctuation, an underscore and a hyphen between words;
    # a CRLF line end; a topic of stopwords only (dropped); a line without
    # a tab (skipped); more than two fields (the last is the text).
    printf '%s\n' 'query_id	text' \
        'Q1	The Flow-of AIR, over (wings)!' \
        'q2	Heat_transfer at Mach 2.5?' \
        'q3	the of AND' \
        'no tab here' \
        'q4	ignored	Boundary LAYER' >topics.in
    printf 'q5\tShock waves\r\n' >>topics.in
    run -0 --separate-stderr sh "$EVAL/topics.sh" stop topics.in
    [ "$output" = "$(printf 'Q1\tflow air over wings\nq2\theat transfer at mach 2 5\nq4\tboundary layer\nq5\tshock waves')" ]
    [ "$stderr" = "" ]

    # Only ASCII is cut exactly as the bench cuts it: other text is flagged.
    printf 'q6\tcaf\303\251 au lait\n' >topics.utf8
    run -0 --separate-stderr sh "$EVAL/topics.sh" stop topics.utf8
    [[ "$stderr" == *"topic q6: non-ASCII"* ]]

    run -2 sh "$EVAL/topics.sh" stop
}

@test "cranfield: MAP, nDCG@10 and recall@1000 of kq batch --or stay above the floors" {
    sh "$EVAL/topics.sh" "$CRAN/stopwords.txt" "$CRAN/queries.tsv" >topics.tsv
    [ "$(wc -l <topics.tsv)" -eq 225 ]

    "$KQ" batch -d "$CIDX" -n 1000 --or topics.tsv >run.trec 2>batch.err || {
        echo "kq batch failed with status $?" >&2
        cat batch.err >&2
        return 1
    }
    trec_eval "$CRAN/qrels.txt" run.trec >eval.txt
    map=$(measure map eval.txt)
    ndcg=$(measure ndcg_cut_10 eval.txt)
    rec=$(measure recall_1000 eval.txt)
    nq=$(measure num_q eval.txt)
    if ! at_least "$map" "$MAP_FLOOR" || ! at_least "$ndcg" "$NDCG_FLOOR" ||
        ! at_least "$rec" "$R_FLOOR" || [ "$nq" != 225 ]; then
        echo "Cranfield effectiveness below the floors:" >&2
        echo "  MAP         $map (floor $MAP_FLOOR)" >&2
        echo "  nDCG@10     $ndcg (floor $NDCG_FLOOR)" >&2
        echo "  recall@1000 $rec (floor $R_FLOOR)" >&2
        echo "  queries     $nq (want 225)" >&2
        echo "  P@10        $(measure P_10 eval.txt)" >&2
        return 1
    fi
}

# BM25F as kq stats and explain report it: a title token counts 3 times in
# the length, a title occurrence 3 times in the frequency.
@test "BM25F: title weight 3 in lengths (stats) and frequencies (explain), same on the Xapian backend" {
    printf '%s\n' \
        '{"id":"t","title":"Alpha beta","body":"gamma alpha"}' \
        '{"id":"b","title":"Delta","body":"alpha gamma gamma"}' >docs.jsonl
    "$KQI" -q -d idx docs.jsonl
    run -0 "$KQ" stats -d idx --format=json
    # lengths: t 4 tokens, 2 of the title: 4 + 2*2 = 8; b 4 + 2*1 = 6
    [ "$(jq -r '.title_weight' <<<"$output")" = 3 ]
    [ "$(jq -r '.length' <<<"$output")" = 14 ]
    run -0 "$KQ" explain -d idx --format=json alpha t
    [ "$(jq -r '.len' <<<"$output")" = 8 ]
    [ "$(jq -r '.terms[0].tf, .terms[0].tf_title' <<<"$output" | tr '\n' ' ')" = "2 1 " ]
    # score = idf * f * 2.4 / (f + 1.4 * (0.5 + 0.5 * 8 / 7)), f = 2 + 2 * 1
    want=$(jq -r '.terms[0].idf * 4 * 2.4 / (4 + 1.4 * (0.5 + 0.5 * 8 / 7))' <<<"$output")
    got=$(jq -r '.score' <<<"$output")
    awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(d < 1e-9 && d > -1e-9) }'
    # the title occurrence lifts t above b, whose alpha is in the body only
    run -0 "$KQ" -d idx --format=ids alpha
    [ "$output" = "$(printf 't\nb')" ]
    # the Xapian backend: the same order and scores
    "$KQI" -q --backend=xapian -d xidx docs.jsonl
    run -0 "$KQ" -d xidx --format=tsv --fields id,score alpha
    xs=$output
    run -0 "$KQ" -d idx --format=tsv --fields id,score alpha
    [ "$output" = "$xs" ]
    run -0 "$KQ" stats -d xidx --format=json
    [ "$(jq -r '.title_weight' <<<"$output")" = 3 ]
}

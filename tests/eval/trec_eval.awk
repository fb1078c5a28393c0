#!/usr/bin/awk -f
# trec_eval.awk -- retrieval effectiveness of a TREC run, in POSIX awk.
#
#   LC_ALL=C awk -f tests/eval/trec_eval.awk QRELS RUN
#   LC_ALL=C awk -v per_query=1 -f tests/eval/trec_eval.awk QRELS RUN
#
# QRELS: `qid iter docid rel` (whitespace separated; rel > 0 is relevant).
# RUN:   `qid Q0 docid rank score [tag]` (TREC), or `qid docid rank score`.
#
# Prints, like trec_eval, `name<TAB>all<TAB>value` for
#   map           average precision over the whole run
#   P_10          precision at 10
#   ndcg_cut_10   nDCG@10: linear gain = rel, log2(rank + 1) discount, the
#                 ideal ranking made of all the judged documents of the query
#   recall_1000   relevant documents in the top 1000 / relevant documents
#   num_q         the number of queries averaged over
# (with -v per_query=1, first `name<TAB>qid<TAB>value` for every query).
#
# It is the development bench's ../shared/bench/eval/trec_eval.py redone so
# that tests/cli/quality.bats needs neither python3 nor the bench, and gives
# the same figures to the last printed digit:
#   - documents are ordered by score, descending, ties by docid in
#     descending byte order (run it under LC_ALL=C); the rank column is
#     ignored; a docid listed twice for a query counts once, where it ranks
#     first;
#   - the means are over every query of QRELS with a relevant document (as
#     trec_eval -c): one missing from the run scores 0;
#   - sums are taken in the same order as the Python (queries in order of
#     first appearance in QRELS, documents in rank order), and log2 comes
#     from a table of Python's math.log2 values, because log(x)/log(2)
#     differs from it in the last bit for x = 3, 9, 10 and 11; so a mean
#     that lands on a rounding boundary rounds the same way.
#
# Works with mawk (Debian's awk) and gawk: no gawk extensions
# (no asort, no arrays of arrays); the sort is a heapsort written out.

BEGIN {
    if (ARGC != 3) {
        print "usage: awk -f trec_eval.awk QRELS RUN" | "cat 1>&2"
        bad = 1
        exit 2
    }
    # LOG2[n] = log2(n) exactly as math.log2 gives it (repr of the doubles).
    LOG2[2] = 1.0;  LOG2[3] = 1.584962500721156; LOG2[4] = 2.0
    LOG2[5] = 2.321928094887362;  LOG2[6] = 2.584962500721156
    LOG2[7] = 2.807354922057604;  LOG2[8] = 3.0
    LOG2[9] = 3.169925001442312;  LOG2[10] = 3.321928094887362
    LOG2[11] = 3.4594316186372973
    nq = 0          # queries of QRELS, in order of first appearance
    nrun = 0        # run lines kept
}

# QRELS (by name: an empty file has no records for NR == FNR to see).
FILENAME == ARGV[1] {
    if (NF < 4)
        next
    q = $1 ""
    if (!(q in seen_q)) {
        seen_q[q] = 1
        qorder[++nq] = q
    }
    d = $3 ""
    if (!((q, d) in judged))
        jdoc[q, ++jn[q]] = d
    # A later judgement of the same document replaces the earlier one.
    judged[q, d] = int($4 + 0)
    next
}

# RUN.
{
    if (NF >= 6 || (NF == 5 && $2 == "Q0")) {
        q = $1 ""; d = $3 ""; s = $5 + 0
    } else if (NF == 4) {
        q = $1 ""; d = $2 ""; s = $4 + 0
    } else
        next
    n = ++rn[q]
    rdoc[q, n] = d
    rscore[q, n] = s
}

# Document i ranks before document j: a higher score, or the same score and
# a greater docid.  Docids compare as strings, as in Python ("9" > "12"):
# both sides are made strings here (and were when read: `$3 ""`), since awk
# compares two numeric-looking field values as numbers.
function before(i, j) {
    if (S[i] != S[j])
        return S[i] > S[j]
    return (D[i] "") > (D[j] "")
}

function swap(i, j,    t) {
    t = S[i]; S[i] = S[j]; S[j] = t
    t = D[i]; D[i] = D[j]; D[j] = t
}

# Sift down in a heap whose root is the LAST document in rank order, so the
# sorted array comes out best first.
function sift(i, n,    c) {
    while ((c = 2 * i) <= n) {
        if (c < n && before(c, c + 1))
            c++
        if (!before(i, c))
            return
        swap(i, c)
        i = c
    }
}

# D[1..n], S[1..n] into rank order.  The order is total except between two
# copies of one docid with one score, which are interchangeable.
function rank_sort(n,    i) {
    for (i = int(n / 2); i >= 1; i--)
        sift(i, n)
    for (i = n; i > 1; i--) {
        swap(1, i)
        sift(1, i - 1)
    }
}

function out(name, who, v) {
    printf "%s\t%s\t%.4f\n", name, who, v
}

END {
    if (bad)
        exit 2
    nm = 0
    sum_map = sum_p10 = sum_ndcg = sum_rec = 0
    for (k = 1; k <= nq; k++) {
        q = qorder[k]
        # The judged documents of q: their number of relevant ones and the
        # gains of the ideal ranking.
        R = 0; ng = 0
        for (i = 1; i <= jn[q]; i++)
            if ((g = judged[q, jdoc[q, i]]) > 0) {
                R++
                G[++ng] = g
            }
        if (R == 0)
            continue
        nm++
        # Ideal gains, best first: a selection sort of the top 10 is enough.
        idcg = 0
        for (i = 1; i <= 10 && i <= ng; i++) {
            m = i
            for (j = i + 1; j <= ng; j++)
                if (G[j] > G[m])
                    m = j
            t = G[i]; G[i] = G[m]; G[m] = t
            idcg += G[i] / LOG2[i + 1]
        }

        n = rn[q] + 0
        for (i = 1; i <= n; i++) {
            D[i] = rdoc[q, i]
            S[i] = rscore[q, i]
        }
        rank_sort(n)

        split("", kept)
        r = 0; hits = 0; ap = 0; p10 = 0; dcg = 0; rec = 0
        for (i = 1; i <= n; i++) {
            d = D[i]
            if (d in kept)
                continue
            kept[d] = 1
            r++
            g = ((q, d) in judged) ? judged[q, d] : 0
            if (g > 0) {
                hits++
                ap += hits / r
                if (r <= 10)
                    p10++
                if (r <= 1000)
                    rec++
            }
            if (r <= 10 && g > 0)
                dcg += g / LOG2[r + 1]
        }
        v_map = ap / R
        v_p10 = p10 / 10.0
        v_ndcg = idcg ? dcg / idcg : 0.0
        v_rec = rec / R
        if (per_query) {
            out("map", q, v_map); out("P_10", q, v_p10)
            out("ndcg_cut_10", q, v_ndcg); out("recall_1000", q, v_rec)
        }
        sum_map += v_map; sum_p10 += v_p10
        sum_ndcg += v_ndcg; sum_rec += v_rec
    }
    out("map", "all", nm ? sum_map / nm : 0.0)
    out("P_10", "all", nm ? sum_p10 / nm : 0.0)
    out("ndcg_cut_10", "all", nm ? sum_ndcg / nm : 0.0)
    out("recall_1000", "all", nm ? sum_rec / nm : 0.0)
    printf "num_q\tall\t%d\n", nm
}

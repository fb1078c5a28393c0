#!/usr/bin/env bats
# --dedup on kq count, search, hist, facet, kwic, batch --counts and
# export, against an independent computation: tests/oracle/dedup.py
# (matches.py's matches, resemble.py's shingle sets, every pair of matches
# compared; not kq's code) gives each matching document the first member
# of its cluster, the one --dedup keeps (kq search keeps the
# highest-scored).  The corpus: the Reuters slice, edited copies of 40 of
# its documents (tests/oracle/plant-dups.py) and exact copies of 6
# documents about oil whose title says "oil" three times more (so that
# they score above their originals: kq search must keep them, the other
# verbs the originals).

bats_require_minimum_version 1.5.0
load helpers

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
ORACLE="$ROOT/tests/oracle/dedup.py"
P="$BATS_FILE_TMPDIR/planted.jsonl"
PIDX="$BATS_FILE_TMPDIR/p"
W="$BATS_FILE_TMPDIR/want"

setup_file() {
    python3 "$ROOT/tests/oracle/plant-dups.py" "$SLICE" "$P" "$BATS_FILE_TMPDIR/pairs" --n 40 &&
        python3 -c 'import json, re, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
with open(sys.argv[1], "a") as f:
    for d in [d for d in docs if re.search(r"\boil\b", d["body"], re.I)][:6]:
        c = dict(d, id=d["id"] + "-exact", title="Oil oil oil: " + d["title"])
        f.write(json.dumps(c) + "\n")' "$P" &&
        "$KQI" -q -d "$PIDX" "$P" >/dev/null 2>"$BATS_FILE_TMPDIR/err" || {
        cat "$BATS_FILE_TMPDIR/err" >&2
        return 1
    }
    # Per kq query: oil at the default 0.5, said at 0.7, gold (no
    # near-duplicates among its matches)
    python3 "$ORACLE" "$P" 'oil|oils' >"$W.oil" &&
        python3 "$ORACLE" "$P" said --threshold 0.7 >"$W.said" &&
        python3 "$ORACLE" "$P" gold >"$W.gold"
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# The oracle's kept documents (a cluster's first member) and folded count.
kept() { awk -F'\t' '$1 == $4' "$W.$1"; }
nkept() { kept "$1" | wc -l; }
nfolded() { awk -F'\t' '$1 != $4' "$W.$1" | wc -l; }
# q NAME: the kq query and its --threshold
thr() { case $1 in said) echo 0.7 ;; *) echo 0.5 ;; esac; }

@test "dedup: the planted copies give the test something to fold" {
    [ "$(nfolded oil)" -ge 6 ]                     # the exact copies at least
    [ "$(nfolded said)" -ge 20 ]                   # most planted copies at 0.7
    [ "$(grep -c -- '-copy' <(awk -F'\t' '$1 != $4' "$W.said"))" -ge 15 ]
    [ "$(nfolded gold)" -eq 0 ]
}

@test "count --dedup: the number of clusters among the matches; folded in text (stderr), json and jsonl" {
    for q in oil said; do
        run --separate-stderr "$KQ" -d "$PIDX" count --dedup --threshold "$(thr $q)" $q
        [ "$status" -eq 0 ]
        [ "$output" = "$(nkept $q)" ]
        [ "$stderr" = "kq count: (--dedup folded $(nfolded $q) near-duplicate documents)" ]
        run --separate-stderr "$KQ" -d "$PIDX" count --dedup --threshold "$(thr $q)" --format=json $q
        [ "$(jq .total <<<"$output")" = "$(nkept $q)" ]
        [ "$(jq .folded <<<"$output")" = "$(nfolded $q)" ]
        run --separate-stderr "$KQ" -d "$PIDX" count --dedup --threshold "$(thr $q)" --format=jsonl $q
        [ "$(jq -r '.type + " " + (.folded|tostring)' <<<"$output")" = "count $(nfolded $q)" ]
    done
    # without --dedup: every match
    [ "$("$KQ" -d "$PIDX" count oil)" = "$(wc -l <"$W.oil")" ]
}

@test "search --dedup: total = count --dedup, one hit per cluster, the highest-scored; folded in every format" {
    for q in oil said; do
        t=$(thr $q)
        run --separate-stderr "$KQ" -d "$PIDX" search --dedup --threshold $t --all --format=tsv --fields=id $q
        [ "$status" -eq 0 ]
        printf '%s\n' "${lines[@]:1}" >hits
        [ "$(wc -l <hits)" -eq "$(nkept $q)" ]
        # each hit's cluster (the oracle's first member), once each, all of them
        awk -F'\t' 'NR == FNR { rep[$1] = $4; next } { print rep[$1] }' "$W.$q" hits | sort >got
        kept $q | cut -f1 | sort >want
        diff want got
        # the hit kept is the member kq scores highest
        "$KQ" -d "$PIDX" search --all --format=tsv --fields=id,score $q | tail -n +2 >scores
        awk -F'\t' 'NR == FNR { rep[$1] = $4; next }
                    FILENAME == ARGV[2] { if (!(rep[$1] in best) || $2 > best[rep[$1]]) { best[rep[$1]] = $2; id[rep[$1]] = $1 } next }
                    { print ($1 == id[rep[$1]]) ? "ok" : "not best: " $1 }' "$W.$q" scores hits | sort -u >best
        [ "$(cat best)" = ok ]
        run --separate-stderr "$KQ" -d "$PIDX" search --dedup --threshold $t --format=json $q
        [ "$(jq .summary.total <<<"$output")" = "$(nkept $q)" ]
        [ "$(jq .summary.folded <<<"$output")" = "$(nfolded $q)" ]
        [ "$(jq '.hits | length' <<<"$output")" = 10 ]
        run --separate-stderr "$KQ" -d "$PIDX" search --dedup --threshold $t --format=jsonl $q
        [ "$(jq -r 'select(.type == "summary") | .folded' <<<"$output")" = "$(nfolded $q)" ]
        run --separate-stderr "$KQ" -d "$PIDX" search --dedup --threshold $t -n 2 --offset 3 $q
        [ "${lines[-1]}" = "-- 4-5 of $(nkept $q) matching documents (--dedup folded $(nfolded $q) near-duplicate documents)" ]
    done
    # the exact copies outscore their originals: search keeps the copies
    run --separate-stderr "$KQ" -d "$PIDX" search --dedup --all --format=tsv --fields=id oil
    [ "$(grep -c -- '-exact$' <<<"$output")" -eq 6 ]
}

@test "hist --dedup: per period, the kept members' dates (and --split); folded in text, json and jsonl" {
    for q in oil said; do
        t=$(thr $q)
        "$KQ" -d "$PIDX" hist --dedup --threshold $t --by month --format=tsv $q |
            awk -F'\t' 'NR > 1 && $3 > 0 { print $1 "\t" $3 }' >got
        kept $q | awk -F'\t' '{ n[substr($2, 1, 7)]++ } END { for (k in n) print k "\t" n[k] }' | sort >want
        diff want got
        run --separate-stderr "$KQ" -d "$PIDX" hist --dedup --threshold $t $q
        [ "${lines[-1]}" = "(--dedup folded $(nfolded $q) near-duplicate documents)" ]
        run --separate-stderr "$KQ" -d "$PIDX" hist --dedup --threshold $t --format=jsonl $q
        [ "$(jq -r 'select(.type == "summary") | .folded' <<<"$output")" = "$(nfolded $q)" ]
        run --separate-stderr "$KQ" -d "$PIDX" hist --dedup --threshold $t --format=json $q
        [ "$(jq .summary.folded <<<"$output")" = "$(nfolded $q)" ]
    done
    # two queries: the folded of both
    run --separate-stderr "$KQ" -d "$PIDX" hist --dedup --format=json oil gold
    [ "$(jq .summary.folded <<<"$output")" = "$(nfolded oil)" ]
    # --split source --top 0: every source's kept documents
    "$KQ" -d "$PIDX" hist --dedup --by year --split source --top 0 --format=tsv oil |
        awk -F'\t' 'NR > 1 && $3 > 0 { print $2 "\t" $3 }' | sort >got
    kept oil | cut -f3 | sort | uniq -c | awk '{ print $2 "\t" $1 }' >want
    diff want got
}

@test "facet --dedup: per value, the kept members' documents and occurrences; folded in text, json and jsonl" {
    for q in oil said; do
        t=$(thr $q)
        "$KQ" -d "$PIDX" facet source --dedup --threshold $t --format=tsv $q | tail -n +2 | cut -f1-3 | sort >got
        kept $q | awk -F'\t' '{ d[$3]++; o[$3] += $5 } END { for (k in d) print k "\t" d[k] "\t" o[k] }' | sort >want
        diff want got
        run --separate-stderr "$KQ" -d "$PIDX" facet source --dedup --threshold $t $q
        [[ "${lines[-1]}" == *", $(nkept $q) matching documents of "*" (--dedup folded $(nfolded $q) near-duplicate documents)" ]]
        run --separate-stderr "$KQ" -d "$PIDX" facet source --dedup --threshold $t --format=json $q
        [ "$(jq .summary.folded <<<"$output")" = "$(nfolded $q)" ]
        run --separate-stderr "$KQ" -d "$PIDX" facet source --dedup --threshold $t --format=jsonl $q
        [ "$(jq -r 'select(.type == "summary") | .folded' <<<"$output")" = "$(nfolded $q)" ]
    done
}

@test "kwic --dedup: the lines of the kept documents only, all of them; folded in text, json and jsonl" {
    for q in oil said; do
        t=$(thr $q)
        "$KQ" -d "$PIDX" kwic --dedup --threshold $t --all --format=tsv $q | tail -n +2 | cut -f1 | sort | uniq -c |
            awk '{ print $2 "\t" $1 }' >got
        kept $q | awk -F'\t' '{ print $1 "\t" $5 }' | sort >want
        diff want got
        run --separate-stderr "$KQ" -d "$PIDX" kwic --dedup --threshold $t -n 3 $q
        [ "${#lines[@]}" -eq 4 ]
        [ "${lines[-1]}" = "(--dedup folded $(nfolded $q) near-duplicate documents)" ]
        run --separate-stderr "$KQ" -d "$PIDX" kwic --dedup --threshold $t --format=jsonl $q
        [ "$(jq -r 'select(.type == "summary") | .folded' <<<"$output")" = "$(nfolded $q)" ]
        run --separate-stderr "$KQ" -d "$PIDX" kwic --dedup --threshold $t --format=json -n 1 $q
        [ "$(jq .summary.folded <<<"$output")" = "$(nfolded $q)" ]
    done
}

@test "export --dedup: the kept members, in docid order (also sampled); folded on stderr" {
    for q in oil said; do
        t=$(thr $q)
        run --separate-stderr "$KQ" -d "$PIDX" export --dedup --threshold $t $q
        [ "$status" -eq 0 ]
        [ "$(jq -r .id <<<"$output")" = "$(kept $q | cut -f1)" ]
        [[ "$stderr" == "kq export: $(nkept $q) documents (--dedup folded $(nfolded $q) near-duplicate documents) written to"* ]]
    done
    "$KQ" -d "$PIDX" export --dedup --sample 20 --seed 7 oil 2>/dev/null | jq -r .id >sample
    [ "$(wc -l <sample)" -eq 20 ]
    [ -z "$(comm -23 <(sort sample) <(kept oil | cut -f1 | sort))" ]
}

@test "batch --counts --dedup: each query's kept count and folded; the total folded in the json/jsonl summary" {
    printf 'o\toil\ng\tgold\n' >q
    run --separate-stderr "$KQ" -d "$PIDX" batch --counts --dedup q
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf 'qid\tcount\tfolded\tquery\terror\no\t%d\t%d\toil\t\ng\t%d\t0\tgold\t' \
        "$(nkept oil)" "$(nfolded oil)" "$(nkept gold)")" ]
    printf 's\tsaid\n' >q2
    [ "$("$KQ" -d "$PIDX" batch --counts --dedup --threshold 0.7 --format=csv q2 | tail -1)" = "s,$(nkept said),$(nfolded said),said," ]
    run --separate-stderr "$KQ" -d "$PIDX" batch --counts --dedup --format=jsonl q
    [ "$(jq -r 'select(.type == "summary") | .folded' <<<"$output")" = "$(nfolded oil)" ]
    run --separate-stderr "$KQ" -d "$PIDX" batch --counts --dedup --format=json q
    [ "$(jq .summary.folded <<<"$output")" = "$(nfolded oil)" ]
    [ "$(jq '.queries[0].count' <<<"$output")" = "$(nkept oil)" ]
    run --separate-stderr "$KQ" -d "$PIDX" batch --dedup q
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"--dedup needs --counts"* ]]
}

@test "dedup: without near-duplicates among the matches --dedup changes nothing but the note (folded 0)" {
    [ "$(nfolded gold)" -eq 0 ]
    [ "$("$KQ" -d "$PIDX" count --dedup gold 2>/dev/null)" = "$("$KQ" -d "$PIDX" count gold)" ]
    diff <("$KQ" -d "$PIDX" search --all --format=tsv gold) <("$KQ" -d "$PIDX" search --dedup --all --format=tsv gold)
    diff <("$KQ" -d "$PIDX" hist --format=tsv gold) <("$KQ" -d "$PIDX" hist --dedup --format=tsv gold)
    diff <("$KQ" -d "$PIDX" facet source --format=tsv gold) <("$KQ" -d "$PIDX" facet source --dedup --format=tsv gold)
    diff <("$KQ" -d "$PIDX" kwic --all --format=tsv gold) <("$KQ" -d "$PIDX" kwic --dedup --all --format=tsv gold)
    diff <("$KQ" -d "$PIDX" export gold 2>/dev/null) <("$KQ" -d "$PIDX" export --dedup gold 2>/dev/null)
    run --separate-stderr "$KQ" -d "$PIDX" search --dedup gold
    [[ "${lines[-1]}" == *" (--dedup folded 0 near-duplicate documents)" ]]
    run --separate-stderr "$KQ" -d "$PIDX" count --dedup --format=json gold
    [ "$(jq .folded <<<"$output")" = 0 ]
    # and without --dedup no note, no "folded"
    run --separate-stderr "$KQ" -d "$PIDX" count --format=json oil
    [ "$(jq .folded <<<"$output")" = null ]
}

@test "dedup --threshold: 0.3 and 1 taken (1 folds identical shingle sets only), out of range refused (exit 2), and only with --dedup" {
    python3 "$ORACLE" "$P" 'oil|oils' --threshold 1 | awk -F'\t' '$1 == $4' | wc -l >want
    run --separate-stderr "$KQ" -d "$PIDX" count --dedup --threshold 1 oil
    [ "$status" -eq 0 ]
    [ "$output" = "$(cat want)" ]
    run --separate-stderr "$KQ" -d "$PIDX" count --dedup --threshold 0.3 said
    [ "$status" -eq 0 ]
    [ "$output" = "$(python3 "$ORACLE" "$P" said --threshold 0.3 | awk -F'\t' '$1 == $4' | wc -l)" ]
    for bad in 0.29 1.01 x '' 0.9x; do
        for v in count search hist kwic export; do
            run --separate-stderr "$KQ" -d "$PIDX" $v --dedup --threshold "$bad" oil
            [ "$status" -eq 2 ]
            [[ "$stderr" == "kq"*": --threshold needs a number from 0.3 to 1, not \"$bad\"" ]]
        done
        run --separate-stderr "$KQ" -d "$PIDX" facet source --dedup --threshold "$bad" oil
        [ "$status" -eq 2 ]
    done
    run --separate-stderr "$KQ" -d "$PIDX" count --threshold 0.9 oil
    [ "$status" -eq 2 ]
    [ "$stderr" = "kq count: --threshold needs --dedup" ]
    run --separate-stderr "$KQ" -d "$PIDX" stats --dedup
    [ "$status" -eq 2 ]
}

@test "dedup on Xapian: count, search, kwic, export and batch --counts fold as on kq's own index (hist and facet: research-xapian.bats)" {
    "$KQI" --backend=xapian -q -d x "$P" 2>err || skip "no Xapian: $(cat err)"
    [ "$("$KQ" -d x count --dedup --threshold 0.7 said 2>/dev/null)" = "$(nkept said)" ]
    "$KQ" -d x search --dedup --all --format=tsv --fields=id oil | tail -n +2 | sort >got
    "$KQ" -d "$PIDX" search --dedup --all --format=tsv --fields=id oil | tail -n +2 | sort >want
    diff want got
    [ "$(grep -c -- '-exact$' got)" -eq 6 ]
    [ "$("$KQ" -d x export --dedup oil 2>/dev/null | jq -r .id)" = "$(kept oil | cut -f1)" ]
    "$KQ" -d x kwic --dedup --all --format=tsv oil | cut -f1 | sort -u >got
    { echo id; kept oil | cut -f1; } | sort -u >want
    diff want got
    printf 'o\toil\n' >q
    [ "$("$KQ" -d x batch --counts --dedup --format=csv q | tail -1)" = "o,$(nkept oil),$(nfolded oil),oil," ]
}

@test "dedup: 30001 matches whose shingles fit in memory are compared exactly (no pair limit)" {
    # (The 30001 bodies "wN xN yN": no near-duplicates, then one copy.)
    python3 -c 'import json
for i in range(30001):
    print(json.dumps({"id": str(i), "title": "", "body": "w%d x%d y%d" % (i, i, i)}))
print(json.dumps({"id": "c", "title": "", "body": "w7 x7 y7"}))' >many.jsonl
    "$KQI" -q -d idx many.jsonl
    run --separate-stderr "$KQ" -d idx count --dedup --threshold 0.3 '*'
    [ "$status" -eq 0 ]
    [ "$output" = 30001 ]
    [ "$stderr" = "kq count: (--dedup folded 1 near-duplicate document)" ]
}

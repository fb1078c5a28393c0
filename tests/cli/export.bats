#!/usr/bin/env bats
# kq export: the documents matching a query as JSON Lines that kq-index
# reads back.  The oracle is tests/oracle/export.py, over the ORIGINAL
# JSON Lines (not kq's output): the exported documents are exactly the
# matching ones (ids from tests/oracle/ids.sh or from the JSON), in docid
# order, each with the original's title, date, source, body, extra fields
# and language; the same holds after the export is indexed again, and
# kq count of queries on that index equals kq count 'QUERY AND (q)' on the
# original.  --sample: size, subset, reproducibility, the documented
# algorithm (export.py sample) and a loose uniformity check.  -o: gzip,
# atomic (a failed export leaves no file; failio.so injects the failure).

load helpers
bats_require_minimum_version 1.5.0

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
FIELDS="$ROOT/tests/data/export/fields.jsonl"
ORACLE="$ROOT/tests/oracle/export.py"
IDS="$ROOT/tests/oracle/ids.sh"
FAILIO=${KQ_FAILIO:-$ROOT/build/tests/failio.so}
R="$BATS_FILE_TMPDIR/r"   # the Reuters slice
F="$BATS_FILE_TMPDIR/f"   # fields.jsonl: extra fields and languages
FOPT=(--field section --field author --lang-field lang)

setup_file() {
    "$KQI" -q -d "$R" "$SLICE"
    "$KQI" -q -d "$F" "${FOPT[@]}" "$FIELDS" 2>/dev/null
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# The ids of fields.jsonl whose top-level key $1 equals the string $2.
fids() {
    python3 -c 'import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if sys.argv[2] == "*" or str(d.get(sys.argv[2])) == sys.argv[3]:
        print(d["id"])' "$FIELDS" "$1" "${2:-}"
}

# Run the kq-index command line that export's summary (in file $2) gives,
# with -d $1.
reindex_as_told() {
    local cmd
    cmd=$(sed -n 's/.*; kq-index\(.*\) indexes them$/\1/p' "$2")
    [ -n "$cmd" ] || { echo "no kq-index command in: $(cat "$2")" >&2; return 1; }
    # shellcheck disable=SC2086
    "$KQI" -q -d "$1" $cmd 2>/dev/null
}

@test "export: the matching documents in docid order, equal to the original's (slice)" {
    { "$IDS" "$SLICE" yen; "$IDS" "$SLICE" opec; } | sort -u >want.ids
    [ "$(wc -l <want.ids)" -gt 100 ]
    run --separate-stderr "$KQ" -d "$R" export 'yen OR opec' -o out.jsonl
    [ "$status" -eq 0 ]
    [[ "$stderr" == "kq export: $(wc -l <want.ids) documents written to out.jsonl;"* ]]
    run "$ORACLE" compare "$SLICE" out.jsonl want.ids
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "export: round trip of the slice: the re-indexed export has the same documents and counts" {
    "$KQ" -d "$R" export 'yen OR opec' -o part.jsonl.gz 2>err
    reindex_as_told part err
    { "$IDS" "$SLICE" yen; "$IDS" "$SLICE" opec; } | sort -u >want.ids
    "$KQ" -d part export '*' -o back.jsonl 2>/dev/null
    run "$ORACLE" compare "$SLICE" back.jsonl want.ids
    echo "$output"
    [ "$status" -eq 0 ]
    for q in '*' oil 'title:yen' 'date:1987-03' '"bank of japan"' \
        'dollar NEAR/5 yen' 'source:reut2' 'japan -yen' 'opec AND date:..1987-03-01' \
        'pric*'; do
        a=$("$KQ" -d part count "$q") || [ $? -eq 1 ]
        b=$("$KQ" -d "$R" count "(yen OR opec) AND ($q)") || [ $? -eq 1 ]
        echo "$q: re-indexed $a, original $b"
        [ "$a" = "$b" ]
    done
    [ "$("$KQ" -d part count '*')" -gt 100 ]
}

@test "export: extra fields, languages, controls and Unicode round-trip (fields.jsonl)" {
    fids '*' >all.ids
    run --separate-stderr "$KQ" -d "$F" export '*' -o one.jsonl
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"kq-index --field section --field author --lang-field lang one.jsonl indexes them" ]]
    run "$ORACLE" compare "$FIELDS" one.jsonl all.ids "${FOPT[@]}"
    echo "$output"
    [ "$status" -eq 0 ]
    echo "$stderr" >err
    reindex_as_told again err
    "$KQ" -d again export '*' -o two.jsonl 2>/dev/null
    run "$ORACLE" compare "$FIELDS" two.jsonl all.ids "${FOPT[@]}"
    echo "$output"
    [ "$status" -eq 0 ]
    # Each language's documents (fr, french: french; de, german: german;
    # the rest: the index's english), as kq stats counts them.
    want=$(python3 -c 'import json, sys, collections
m = {"fr": "french", "french": "french", "de": "german", "german": "german"}
c = collections.Counter(m.get(json.loads(l).get("lang"), "english")
                        for l in open(sys.argv[1]))
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))' "$FIELDS")
    got=$("$KQ" -d again stats --format=json |
        jq -r '[.languages[] | "\(.language)=\(.documents)"] | join(" ")')
    echo "languages: want $want, got $got"
    [ "$want" = "$got" ]
    # Controls and NUL travel as JSON escapes: no raw control byte (C0
    # but the newline ending each line, DEL, C1) is in the file.
    [ "$(LC_ALL=C grep -c $'[\x01-\x09\x0b-\x1f\x7f]' one.jsonl)" = 0 ]
    [ "$(LC_ALL=C grep -c $'\xc2[\x80-\x9f]' one.jsonl)" = 0 ]
    grep -q '\\u0000 \\u0001' one.jsonl
}

@test "export: a field query exports its documents; counts agree after re-indexing" {
    fids source wire >want.ids
    [ "$(wc -l <want.ids)" -eq 5 ]
    "$KQ" -d "$F" export 'source:wire' -o w.jsonl 2>/dev/null
    run "$ORACLE" compare "$FIELDS" w.jsonl want.ids "${FOPT[@]}"
    echo "$output"
    [ "$status" -eq 0 ]
    "$KQI" -q -d w "${FOPT[@]}" w.jsonl
    for q in '*' 'section:weather' 'author:lee' 'storm' 'date:2023-09' 'port*'; do
        a=$("$KQ" -d w count "$q") || [ $? -eq 1 ]
        b=$("$KQ" -d "$F" count "source:wire AND ($q)") || [ $? -eq 1 ]
        echo "$q: $a $b"
        [ "$a" = "$b" ]
    done
}

@test "export: an extra field named lang puts the language under _lang" {
    "$KQI" -q -d lf --field lang --lang-field lang "$FIELDS" 2>/dev/null
    fids '*' >all.ids
    run --separate-stderr "$KQ" -d lf export '*' -o l.jsonl
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"kq-index --field lang --lang-field _lang l.jsonl indexes them" ]]
    run "$ORACLE" compare "$FIELDS" l.jsonl all.ids --field lang --lang-field lang --lang-key _lang
    echo "$output"
    [ "$status" -eq 0 ]
    "$KQI" -q -d lf2 --field lang --lang-field _lang l.jsonl
    "$KQ" -d lf2 export '*' -o l2.jsonl 2>/dev/null
    cmp l.jsonl l2.jsonl
}

@test "export: a Xapian database exports (no extra fields or languages there) and round-trips" {
    "$KQI" -q --backend=xapian -d xdb "$FIELDS" 2>/dev/null
    fids '*' >all.ids
    "$KQ" -d xdb export '*' -o x.jsonl 2>/dev/null
    run "$ORACLE" compare "$FIELDS" x.jsonl all.ids --no-lang
    echo "$output"
    [ "$status" -eq 0 ]
    fids source wire >want.ids
    "$KQ" -d xdb export 'source:wire' -o xw.jsonl 2>/dev/null
    run "$ORACLE" compare "$FIELDS" xw.jsonl want.ids --no-lang
    [ "$status" -eq 0 ]
    "$KQI" -q --backend=xapian -d xdb2 x.jsonl
    "$KQ" -d xdb2 export '*' -o x2.jsonl 2>/dev/null
    cmp x.jsonl x2.jsonl
}

@test "export --sample: N documents of the matches, reproducible, by the documented algorithm" {
    "$KQ" -d "$R" export bundesbank -o all.jsonl 2>/dev/null
    jq -r .id all.jsonl >all.ids
    m=$(wc -l <all.ids)
    [ "$m" -gt 15 ]
    "$KQ" -d "$R" export bundesbank --sample 5 --seed 7 -o s7.jsonl 2>/dev/null
    [ "$(wc -l <s7.jsonl)" -eq 5 ]
    jq -r .id s7.jsonl >s7.ids
    # A subset of the matches, in docid order, whole documents.
    [ -z "$(LC_ALL=C comm -13 <(LC_ALL=C sort all.ids) <(LC_ALL=C sort s7.ids))" ]
    [ "$(grep -nxFf s7.ids all.ids | cut -d: -f1 | sort -n)" = "$(grep -nxFf s7.ids all.ids | cut -d: -f1)" ]
    [ -z "$(LC_ALL=C comm -13 <(LC_ALL=C sort all.jsonl) <(LC_ALL=C sort s7.jsonl))" ]
    # The same seed, the same sample; another seed, another one.
    "$KQ" -d "$R" export bundesbank --sample 5 --seed 7 -o again.jsonl 2>/dev/null
    cmp s7.jsonl again.jsonl
    "$KQ" -d "$R" export bundesbank --sample 5 --seed 8 -o s8.jsonl 2>/dev/null
    ! cmp -s s7.jsonl s8.jsonl
    # The algorithm of kq(1) EXPORT, computed apart.
    for args in "5 7" "5 0" "1 3" "12 18446744073709551615" "$((m - 1)) 42"; do
        set -- $args
        "$KQ" -d "$R" export bundesbank --sample "$1" --seed "$2" 2>/dev/null | jq -r .id >got.ids
        "$ORACLE" sample all.ids "$1" "$2" >want.ids
        diff want.ids got.ids
    done
    # No --seed: seed 0.
    "$KQ" -d "$R" export bundesbank --sample 5 2>/dev/null | jq -r .id >s0.ids
    "$ORACLE" sample all.ids 5 0 | diff - s0.ids
    # N at least the matches: all of them, in order.
    "$KQ" -d "$R" export bundesbank --sample "$m" --seed 1 -o m.jsonl 2>/dev/null
    cmp all.jsonl m.jsonl
    "$KQ" -d "$R" export bundesbank --sample 100000000 --seed 1 -o big.jsonl 2>/dev/null
    cmp all.jsonl big.jsonl
}

@test "export --sample: each match is drawn about N/M of the time over many seeds" {
    "$KQ" -d "$R" export bundesbank 2>/dev/null | jq -r .id >all.ids
    m=$(wc -l <all.ids)
    for s in $(seq 1 200); do
        "$KQ" -d "$R" export bundesbank --sample 5 --seed "$s" 2>/dev/null | jq -r .id
    done >drawn.ids
    [ "$(wc -l <drawn.ids)" -eq 1000 ]
    # Expected 1000/M each (about 45 for 22 matches; sd about 6): every
    # match within a generous bound, none outside the matches.
    run python3 -c 'import sys, collections
allids = [l.strip() for l in open(sys.argv[1])]
c = collections.Counter(l.strip() for l in open(sys.argv[2]))
e = 1000 / len(allids)
bad = [(i, c[i]) for i in allids if not 0.45 * e <= c[i] <= 1.55 * e]
bad += [(i, n) for i, n in c.items() if i not in allids]
print("expected %.1f each; outside: %s" % (e, bad))
sys.exit(1 if bad else 0)' all.ids drawn.ids
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "export --sample, --seed: the limits and bad values" {
    run --separate-stderr "$KQ" -d "$R" export yen --sample 0
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"--sample needs at least 1"* ]]
    run --separate-stderr "$KQ" -d "$R" export yen --sample 100000001
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"--sample needs a number from 0 to 100000000"* ]]
    run --separate-stderr "$KQ" -d "$R" export yen --sample 1 --seed 18446744073709551616
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"--seed needs a number from 0 to 18446744073709551615"* ]]
    run --separate-stderr "$KQ" -d "$R" export yen --sample 1 --seed -1
    [ "$status" -eq 2 ]
    run --separate-stderr "$KQ" -d "$R" export yen --seed 3
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"--seed goes with --sample"* ]]
    run --separate-stderr "$KQ" -d "$R" export yen --sample 1 --seed 18446744073709551615
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | wc -l)" -eq 1 ]
}

@test "export -o FILE.gz and --gzip: gzip whose content is the plain export" {
    "$KQ" -d "$R" export yen -o plain.jsonl 2>/dev/null
    "$KQ" -d "$R" export yen -o z.jsonl.gz 2>/dev/null
    gunzip -t z.jsonl.gz
    gunzip -c z.jsonl.gz | cmp - plain.jsonl
    "$KQ" -d "$R" export yen --gzip -o z2.out 2>/dev/null
    gunzip -c z2.out | cmp - plain.jsonl
    "$KQ" -d "$R" export yen --gzip 2>/dev/null >z3.gz
    gunzip -c z3.gz | cmp - plain.jsonl
    "$KQ" -d "$R" export yen 2>/dev/null | cmp - plain.jsonl
    # The file gets the mode of a new file (umask), not mkstemp's 0600.
    [ "$(umask 022; "$KQ" -d "$R" export yen -o mode.jsonl 2>/dev/null; stat -c %a mode.jsonl)" = 644 ]
}

@test "export --gzip to a terminal is refused" {
    command -v script >/dev/null || skip "no script(1)"
    run bash -c "script -qec \"'$KQ' -d '$R' export yen --gzip\" /dev/null </dev/null"
    [ "$status" -eq 2 ]
    [[ "$output" == *"not writing gzip to a terminal"* ]]
    [[ "$output" != *$'\x1f\x8b'* ]]
    # Plain JSON Lines to a terminal are fine.
    run bash -c "script -qec \"'$KQ' -d '$R' export yen --sample 1\" /dev/null </dev/null"
    [ "$status" -eq 0 ]
    [[ "$output" == *'"id":'* ]]
}

@test "export -o: a failed export leaves no file, and an existing FILE unchanged" {
    run --separate-stderr "$KQ" -d "$R" export yen -o nodir/x.jsonl
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"cannot write nodir/x.jsonl"* ]]
    [ ! -e nodir ]
    echo old >keep.jsonl
    run --separate-stderr "$KQ" -d "$R" export 'yen AND (' -o keep.jsonl
    [ "$status" -eq 2 ]
    [ "$(cat keep.jsonl)" = old ]
    [ "$(ls -A | grep -c kqtmp)" = 0 ]
    [ -f "$FAILIO" ] || { echo "missing $FAILIO (make unit-build)" >&2; return 1; }
    # (failio matches a write or fsync by the temporary file's name, a
    # rename by the new name)
    for op in write:kqtmp fsync:kqtmp rename:keep; do
        for out in keep.jsonl keep.jsonl.gz; do
            echo old >"$out"
            run --separate-stderr env LD_PRELOAD="$FAILIO" ASAN_OPTIONS=verify_asan_link_order=0 \
                KQ_FAIL_OP=${op%:*} KQ_FAIL_PATH=${op#*:} "$KQ" -d "$R" export yen -o "$out"
            echo "$op $out: $status $stderr"
            [ "$status" -eq 3 ]
            [[ "$stderr" == *"writing $out: No space left on device"* ]]
            [ "$(cat "$out")" = old ]
            [ "$(ls | grep -c kqtmp)" = 0 ]
            rm "$out"
        done
    done
    # A write failing after some were made (the whole slice is 2.6 MB,
    # 0.9 MB gzipped: several writes): nothing of it stays.
    for out in part.jsonl part.jsonl.gz; do
        run --separate-stderr env LD_PRELOAD="$FAILIO" ASAN_OPTIONS=verify_asan_link_order=0 \
            KQ_FAIL_OP=write KQ_FAIL_PATH=kqtmp KQ_FAIL_NTH=2 "$KQ" -d "$R" export '*' -o "$out"
        echo "$out: $status $stderr"
        [ "$status" -eq 3 ]
        [ ! -e "$out" ]
        [ "$(ls | grep -c kqtmp)" = 0 ]
    done
}

@test "export: nothing matched (exit 1, empty output), usage errors" {
    run --separate-stderr "$KQ" -d "$R" export zzyzx -o none.jsonl
    [ "$status" -eq 1 ]
    [ -f none.jsonl ] && [ ! -s none.jsonl ]
    [[ "$stderr" == "kq export: 0 documents written to none.jsonl;"* ]]
    run --separate-stderr "$KQ" -d "$R" export
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"no query given"* ]]
    run --separate-stderr "$KQ" -d "$R" export yen --format=tsv
    [ "$status" -eq 2 ]
    run --separate-stderr "$KQ" -d "$R" yen -o x.jsonl
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"-o does not apply"* ]]
    [ ! -e x.jsonl ]
    run "$KQ" export --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--sample N"* ]]
}

@test "export: ids, titles and sources with control characters (an old index) come out escaped, exact" {
    H="$ROOT/tests/data/hostile-ids"
    run --separate-stderr "$KQ" -d "$H/idx" export '*' -o h.jsonl
    [ "$status" -eq 0 ]
    [ "$(LC_ALL=C grep -c $'[\x01-\x09\x0b-\x1f\x7f]' h.jsonl)" = 0 ]
    [ "$(LC_ALL=C grep -c $'\xc2[\x80-\x9f]' h.jsonl)" = 0 ]
    python3 -c 'import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
key = lambda d: [d.get(k, "") for k in ("id", "title", "source", "body")]
assert [key(d) for d in want] == [key(d) for d in got], (want, got)' "$H/hostile.jsonl" h.jsonl
}

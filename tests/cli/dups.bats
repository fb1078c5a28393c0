#!/usr/bin/env bats
# kq dups and the near-duplicate signatures behind it, against
# independent computations (Python, their own tokens and hashes, not kq's
# code): tests/oracle/simhash.py gives every document's signature,
# tests/oracle/resemble.py the clusters (the shingles every pair shares,
# through an inverted list) with each member's resemblance to its first;
# tests/oracle/plant-dups.py plants edited copies (a new headline, a
# paragraph dropped, 2% of the words replaced) of 20 documents of the
# Reuters slice.

bats_require_minimum_version 1.5.0
load helpers

SLICE="$ROOT/tests/data/reuters/slice.jsonl.gz"
ORACLE="$ROOT/tests/oracle/simhash.py"
RESEMBLE="$ROOT/tests/oracle/resemble.py"
P="$BATS_FILE_TMPDIR/planted.jsonl"
PAIRS="$BATS_FILE_TMPDIR/pairs.tsv"
PIDX="$BATS_FILE_TMPDIR/p"

setup_file() {
    python3 "$ROOT/tests/oracle/plant-dups.py" "$SLICE" "$P" "$PAIRS" &&
        "$KQI" -q -d "$PIDX" "$P" >/dev/null 2>"$BATS_FILE_TMPDIR/err" || {
        cat "$BATS_FILE_TMPDIR/err" >&2
        return 1
    }
    for t in 0.3 0.5 0.8 1; do
        python3 "$RESEMBLE" "$P" --threshold $t >"$BATS_FILE_TMPDIR/want.$t" ||
            return 1
    done
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
}

# kq dups's members as resemble.py prints them: CLUSTER, ID and the
# resemblance to the first member (6 decimals), in docid order (= file
# order here).
members() {
    "$KQ" dups --format=tsv "$@" | awk -F'\t' 'NR > 1 { printf "%s\t%s\t%.6f\n", $1, $3, $7 }'
}
# One line per cluster, its ids tab-separated, from such members.
joined() {
    awk -F'\t' '{ if ($1 != c && NR > 1) print line; line = (($1 != c) ? $2 : line "\t" $2); c = $1 }
                END { if (NR > 0) print line }' "$@"
}

@test "dups: every document's signature is the oracle's (Reuters slice and planted copies)" {
    run --separate-stderr "$KQ" -d "$PIDX" dups --signatures --format=tsv
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = $'id\tsignature' ]
    printf '%s\n' "${lines[@]:1}" | LC_ALL=C sort >got
    python3 "$ORACLE" sigs "$P" | sed 's/\tnone$/\t/' | LC_ALL=C sort >want
    [ "$(wc -l <want)" -eq 2773 ]
    diff want got
}

@test "dups: members and resemblances equal the oracle's at 0.3, 0.5 (the default), 0.8 and 1" {
    for t in 0.3 0.5 0.8 1; do
        members -d "$PIDX" --threshold $t >got.$t
        diff "$BATS_FILE_TMPDIR/want.$t" got.$t
    done
    members -d "$PIDX" >got.default
    diff got.0.5 got.default
    [ "$(grep -c copy got.0.5)" -ge 15 ]
    # A lower threshold joins more documents.
    [ "$(wc -l <got.0.3)" -gt "$(wc -l <got.0.8)" ]
}

@test "dups: at the default every planted copy whose resemblance to its original is 0.5 or more is in its cluster, with nothing unrelated" {
    joined <(members -d "$PIDX") >got
    python3 -c 'import json, sys
sys.path.insert(0, sys.argv[1])
import resemble
docs = {d["id"]: d["body"] for d in map(json.loads, open(sys.argv[2]))}
for l in open(sys.argv[3]):
    c, o = l.split()
    a, b = resemble.shingles(docs[c]), resemble.shingles(docs[o])
    print(c, o, "%.6f" % (len(a & b) / len(a | b)))' \
        "$ROOT/tests/oracle" "$P" "$PAIRS" >res
    [ "$(awk '$3 >= 0.5' res | wc -l)" -ge 15 ] # (else the test tests little)
    while read -r copy orig r; do
        if awk -v r="$r" 'BEGIN { exit !(r >= 0.5) }'; then
            grep -qP "(^|\t)$orig\t(.*\t)?$copy(\t|$)" got || {
                echo "$copy not with $orig" >&2
                return 1
            }
        fi
    done <res
    # Every cluster holding a copy holds its original and that is all:
    # copies of different originals are never joined (on this data, where
    # the originals are not near-duplicates of each other).
    grep copy got | while IFS= read -r line; do
        [ "$(echo "$line" | tr '\t' '\n' | sed 's/-copy$//' | sort -u | wc -l)" -eq 1 ] || {
            echo "mixed cluster: $line" >&2
            return 1
        }
    done
}

@test "dups: text, tsv, csv, jsonl and json give the same members and summary" {
    run --separate-stderr "$KQ" -d "$PIDX" dups --format=tsv
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = $'cluster\tsize\tid\tdate\tsource\ttitle\tsimilarity' ]
    n=$((${#lines[@]} - 1))
    nc=$(printf '%s\n' "${lines[@]:1}" | cut -f1 | sort -u | wc -l)
    run --separate-stderr "$KQ" -d "$PIDX" dups --format=csv
    [ "$status" -eq 0 ]
    [ $((${#lines[@]} - 1)) -eq "$n" ]
    run --separate-stderr "$KQ" -d "$PIDX" dups --format=jsonl
    [ "$status" -eq 0 ]
    python3 -c 'import json, sys
rows = [json.loads(l) for l in sys.stdin]
s = rows[-1]
assert s["type"] == "summary", s
d = [r for r in rows if r["type"] == "duplicate"]
assert len(d) == int(sys.argv[1]) == s["documents_in_clusters"], (len(d), s)
assert len({r["cluster"] for r in d}) == int(sys.argv[2]) == s["clusters"]
assert s["max_distance"] == 26 and s["matching"] == 2773, s
assert s["method"] == "exact" and s["threshold"] == 0.5, s
for r in d:
    assert r["size"] == sum(1 for x in d if x["cluster"] == r["cluster"])
    assert 0 < r["similarity"] <= 1' "$n" "$nc" <<<"$output"
    run --separate-stderr "$KQ" -d "$PIDX" dups --format=json
    [ "$status" -eq 0 ]
    python3 -c 'import json, sys
o = json.load(sys.stdin)
assert len(o["documents"]) == int(sys.argv[1]) and o["summary"]["clusters"] == int(sys.argv[2])' "$n" "$nc" <<<"$output"
    run --separate-stderr "$KQ" -d "$PIDX" dups
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" == "$nc clusters, $n documents in them, of 2773 matching"*"; resemblance at least 0.5; every pair found, "*" compared" ]]
    [ "$(grep -c '^cluster ' <<<"$output")" -eq "$nc" ]
}

@test "dups QUERY: clusters only among the matching documents" {
    # The planted copies' originals, by id: each cluster is the original and
    # its copy when both match, none when only one does.
    orig=$(cut -f2 "$PAIRS" | head -3 | sed 's/^/id:/' | paste -sd' ' | sed 's/ / OR /g')
    run --separate-stderr "$KQ" -d "$PIDX" dups "$orig"
    [ "$status" -eq 1 ]
    [[ "${lines[-1]}" == "0 clusters, 0 documents in them, of 3 matching"* ]]
    copies=$(cut -f1 "$PAIRS" | head -3 | sed 's/^/id:/' | paste -sd' ' | sed 's/ / OR /g')
    run --separate-stderr "$KQ" -d "$PIDX" dups --format=tsv "$orig OR $copies"
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "${lines[@]:1}" | cut -f1 | sort -u | wc -l)" -eq 3 ]
    [ "${#lines[@]}" -eq 7 ]
}

@test "dups: signatures survive a second segment, deletes, merge and compact; a deleted member leaves its cluster" {
    head -n 2753 "$P" >orig.jsonl
    tail -n 20 "$P" >copies.jsonl
    "$KQI" -q -d idx orig.jsonl
    "$KQI" -q -d idx --no-merge copies.jsonl
    [ "$("$KQ" -d idx stats --format=json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["segments"]))')" -eq 2 ]
    members -d idx >got
    diff "$BATS_FILE_TMPDIR/want.0.5" got
    # Delete a copy that is in a cluster of two: the cluster goes.
    copy=$(joined got | grep -P '^[^\t]+\t[^\t]+-copy$' | head -1 | cut -f2)
    [ -n "$copy" ]
    "$KQI" rm -d idx "$copy"
    members -d idx >got2
    grep -v -P "^$copy\$" <(jq -r .id "$P") >kept.ids
    python3 "$RESEMBLE" "$P" --query-ids kept.ids >want2
    diff want2 got2
    "$KQI" merge -d idx
    members -d idx >got3
    diff want2 got3
    "$KQI" compact -d idx
    members -d idx >got4
    diff want2 got4
    run "$KQ" -d idx check
    [ "$status" -eq 0 ]
    "$KQ" -d idx dups --signatures --format=tsv | tail -n +2 | LC_ALL=C sort >sig.got
    python3 "$ORACLE" sigs "$P" | grep -v -P "^$copy\t" | sed 's/\tnone$/\t/' | LC_ALL=C sort >sig.want
    diff sig.want sig.got
}

@test "dups: a replaced document gets its new body's signature" {
    printf '%s\n' '{"id": "a", "title": "t", "body": "oil prices rose sharply on monday in vienna"}' >one.jsonl
    "$KQI" -q -d idx one.jsonl
    printf '%s\n' '{"id": "a", "title": "t", "body": "grain exports fell in march"}' >two.jsonl
    "$KQI" -q -d idx two.jsonl
    run --separate-stderr "$KQ" -d idx dups --signatures --format=tsv
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 2 ]
    [ "${lines[1]}" = "$(python3 "$ORACLE" sigs two.jsonl)" ]
    run "$KQ" -d idx check
    [ "$status" -eq 0 ]
}

@test "dups: a document without words has no signature and is never a duplicate" {
    printf '%s\n' '{"id": "e1", "title": "same", "body": ""}' '{"id": "e2", "title": "same", "body": "  ...  "}' \
        '{"id": "w1", "title": "x", "body": "one word"}' '{"id": "w2", "title": "y", "body": "one word"}' >e.jsonl
    "$KQI" -q -d idx e.jsonl
    run --separate-stderr "$KQ" -d idx dups --signatures --format=tsv
    [ "${lines[1]}" = $'e1\t' ]
    [ "${lines[2]}" = $'e2\t' ]
    run --separate-stderr "$KQ" -d idx dups --format=tsv --threshold 0.5
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "${lines[@]:1}" | cut -f3 | paste -sd,)" = "w1,w2" ]
}

@test "dups --threshold: 0.3 and 1 taken, 0.29, 1.01, 'x' and '' refused (exit 2)" {
    run --separate-stderr "$KQ" -d "$PIDX" dups --threshold 1 --format=jsonl
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" == *'"max_distance":0'* ]]
    run --separate-stderr "$KQ" -d "$PIDX" dups --threshold 0.3 --format=jsonl 'oil'
    [[ "${lines[-1]}" == *'"max_distance":32'* ]]
    for bad in 0.29 1.01 x '' 0.9x; do
        run --separate-stderr "$KQ" -d "$PIDX" dups --threshold "$bad"
        [ "$status" -eq 2 ]
        [[ "$stderr" == *"--threshold needs a number from 0.3 to 1"* ]]
    done
}

@test "dups: 30001 documents whose shingles fit in memory: every pair found (no pair limit), in text and json" {
    # (The 30001 bodies "wN xN yN": no near-duplicates; then a copy of one.)
    python3 -c 'import json
for i in range(30001):
    print(json.dumps({"id": str(i), "title": "", "body": "w%d x%d y%d" % (i, i, i)}))
print(json.dumps({"id": "c", "title": "", "body": "w7 x7 y7"}))' >many.jsonl
    "$KQI" -q -d idx many.jsonl
    run --separate-stderr "$KQ" -d idx dups --threshold 0.3 --format=tsv
    [ "$status" -eq 0 ]
    [ "$(printf '%s\n' "${lines[@]:1}" | cut -f1,3,7 | paste -sd' ')" = "$(printf '1\t7\t1 1\tc\t1')" ]
    run --separate-stderr "$KQ" -d idx dups --threshold 0.3 --format=jsonl
    [ "$(jq -r 'select(.type == "summary") | "\(.method) \(.pairs_compared)"' <<<"$output")" = "exact 1" ]
    # The signature method (no memory for the sets) compares every pair of
    # signatures below 0.978, for at most 30000 documents: 30002 refused...
    run --separate-stderr "$KQ" -d idx dups --threshold 0.9 --memory 1
    [ "$status" -eq 2 ]
    [ "$stderr" = "kq dups: 30002 documents: their shingles need more than the 1 bytes the exact method may take, and signatures 13 bits apart are found by comparing every pair, for at most 30000 documents: give it more memory, narrow the documents with a query, or raise the threshold to 0.98" ]
    # ... 30000 taken (at the limit), and 0.98 (7 bits: the block method)
    # has no such limit
    "$KQI" rm -d idx 0 1
    run --separate-stderr "$KQ" -d idx dups --threshold 0.9 --memory 1 --format=jsonl
    [ "$status" -eq 0 ]
    [ "$(jq -r 'select(.type == "summary") | "\(.method) \(.clusters)"' <<<"$output")" = "signatures 1" ]
    "$KQI" -q -d idx <(printf '{"id": "d", "body": "w8 x8 y8"}\n')
    run --separate-stderr "$KQ" -d idx dups --threshold 0.98 --memory 1 --format=jsonl
    [ "$status" -eq 0 ]
    [ "$(jq -r 'select(.type == "summary") | "\(.method) \(.max_distance) \(.clusters)"' <<<"$output")" = "signatures 7 1" ]
}

@test "check: a signature flipped in place is a checksum mismatch; a consistent wrong one is named" {
    "$KQI" -q -d idx "$SLICE"
    cp -r idx flip
    python3 - flip <<'PY'
import glob, struct, sys
p = glob.glob(sys.argv[1] + "/seg*.docs")[0]
b = bytearray(open(p, "rb").read())
t = len(b) - 44
ndoc, ilen = struct.unpack_from("<QQ", b, t)
b[ilen + 4 * ndoc + 8 * 5] ^= 0x10
open(p, "wb").write(b)
PY
    run --separate-stderr "$KQ" -d flip check
    [ "$status" -eq 4 ]
    [[ "$stderr" == *"checksum mismatch"* ]]
    # Document 5's signature changed in one bit, and every checksum over it
    # (the chunk's, the manifest's of the file) made to agree.
    python3 - idx <<'PY'
import glob, os, struct, sys, zlib
d = sys.argv[1]
p = glob.glob(d + "/seg*.docs")[0]
b = bytearray(open(p, "rb").read())
t = len(b) - 44
ndoc, ilen, ioffs, ichunk = struct.unpack_from("<QQQQ", b, t)
isig = ilen + 4 * ndoc
b[isig + 8 * 5] ^= 0x10
n = min(ndoc, 1024)
crc = zlib.crc32(bytes(b[ilen:ilen + 4 * n]))
crc = zlib.crc32(bytes(b[isig:isig + 8 * n]), crc)
crc = zlib.crc32(bytes(b[ioffs:ioffs + 8 * min(ndoc + 1, 1024)]), crc)
struct.pack_into("<I", b, ichunk, crc)
old = zlib.crc32(open(p, "rb").read())
open(p, "wb").write(b)
m = bytearray(open(d + "/kq.manifest", "rb").read())
i = m.find(struct.pack("<I", old))
assert i > 0 and m.find(struct.pack("<I", old), i + 1) < 0
struct.pack_into("<I", m, i, zlib.crc32(bytes(b)))
struct.pack_into("<I", m, len(m) - 4, zlib.crc32(bytes(m[:-4])))
open(d + "/kq.manifest", "wb").write(m)
PY
    run --separate-stderr "$KQ" -d idx check
    [ "$status" -eq 4 ]
    [[ "$stderr" == *"document 5: stored signature"*"its body gives"* ]]
}

@test "dups: an index of format 5 (before signatures) is refused: index again" {
    "$KQI" -q -d idx "$SLICE"
    # (the version this kq writes, read from the manifest's header)
    v=$(python3 - idx <<'PY'
import struct, sys, zlib
p = sys.argv[1] + "/kq.manifest"
m = bytearray(open(p, "rb").read())
v = struct.unpack_from("<I", m, 8)[0]
assert v > 6
struct.pack_into("<I", m, 8, 5)
struct.pack_into("<I", m, len(m) - 4, zlib.crc32(bytes(m[:-4])))
open(p, "wb").write(m)
print(v)
PY
)
    run --separate-stderr "$KQ" -d idx dups
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"format version 5 (this kq reads version $v)"* ]]
}

@test "dups on Xapian: the same signatures and clusters as kq's own index" {
    "$KQI" --backend=xapian -q -d x "$P" 2>err || skip "no Xapian: $(cat err)"
    "$KQ" -d x dups --signatures --format=tsv | tail -n +2 | LC_ALL=C sort >got
    python3 "$ORACLE" sigs "$P" | sed 's/\tnone$/\t/' | LC_ALL=C sort >want
    diff want got
    members -d x >got
    diff "$BATS_FILE_TMPDIR/want.0.5" got
    members -d x --threshold 0.8 >got
    diff "$BATS_FILE_TMPDIR/want.0.8" got
}

@test "dups: kq-index -j 2 stores the same signatures as -j 1" {
    "$KQI" -q -j 2 -d idx "$P"
    "$KQ" -d idx dups --signatures --format=tsv >got
    "$KQ" -d "$PIDX" dups --signatures --format=tsv >want
    diff want got
    [ "$(wc -l <got)" -eq 2774 ]
}

@test "dups --memory: within it the exact method, past it the signatures (same clusters here); bad sizes refused (exit 2)" {
    run --separate-stderr "$KQ" -d "$PIDX" dups --format=jsonl --memory 512M
    [ "$status" -eq 0 ]
    [ "$(jq -r 'select(.type == "summary") | .method' <<<"$output")" = exact ]
    # 1 byte: no set fits; the signatures put pairs forward, each verified
    run --separate-stderr "$KQ" -d "$PIDX" dups --format=jsonl --memory 1
    [ "$status" -eq 0 ]
    [ "$(jq -r 'select(.type == "summary") | "\(.method) \(.max_distance)"' <<<"$output")" = "signatures 26" ]
    "$KQ" -d "$PIDX" dups --memory 1 --format=tsv | awk -F'\t' 'NR > 1 { printf "%s\t%s\t%.6f\n", $1, $3, $7 }' >got
    # The planted copies here are within 26 bits of their originals, so
    # the signature method finds what the exact one does.
    diff "$BATS_FILE_TMPDIR/want.0.5" got
    for bad in 0 x 12Q '' -5; do
        run --separate-stderr "$KQ" -d "$PIDX" dups --memory "$bad"
        [ "$status" -eq 2 ]
        [[ "$stderr" == *"--memory needs a size (e.g. 512M, 4G)"* ]]
    done
    run --separate-stderr "$KQ" -d "$PIDX" count --memory 1G oil
    [ "$status" -eq 2 ]
    [ "$stderr" = "kq count: --memory needs --dedup" ]
    [ "$("$KQ" -d "$PIDX" count --dedup --memory 1 oil 2>/dev/null)" = "$("$KQ" -d "$PIDX" count --dedup oil 2>/dev/null)" ]
}

@test "dups: the signature method compares at most 1000000 candidate pairs: at the limit taken, one past refused (exit 2)" {
    # Groups of identical bodies: 1414, 45, 6, 3 and 2 documents give
    # 998991 + 990 + 15 + 3 + 1 = 1000000 pairs of equal signatures; at
    # 0.97 (8 bits) the groups' signatures are further apart (checked
    # with the oracle's signatures below).
    python3 -c 'import json
for g, n in enumerate((1414, 45, 6, 3, 2)):
    for i in range(n):
        print(json.dumps({"id": "g%d-%d" % (g, i), "body": "group %d words here and there %d" % (g, g)}))' >lim.jsonl
    python3 - "$ROOT/tests/oracle" lim.jsonl <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import simhash
sig = {}
for l in open(sys.argv[2]):
    d = json.loads(l)
    sig[d["id"].split("-")[0]] = simhash.signature(d["body"])
s = list(sig.values())
assert all(bin(a ^ b).count("1") > 8 for i, a in enumerate(s) for b in s[i + 1:]), s
PY
    "$KQI" -q -d idx lim.jsonl
    run --separate-stderr "$KQ" -d idx dups --threshold 0.97 --memory 1 --format=jsonl
    [ "$status" -eq 0 ]
    [ "$(jq -r 'select(.type == "summary") | "\(.method) \(.max_distance) \(.clusters) \(.documents_in_clusters)"' <<<"$output")" = "signatures 8 5 1470" ]
    printf '%s\n' '{"id": "p1", "body": "one more pair"}' '{"id": "p2", "body": "one more pair"}' >pair.jsonl
    "$KQI" -q -d idx pair.jsonl
    run --separate-stderr "$KQ" -d idx dups --threshold 0.97 --memory 1
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"signatures 8 bits apart put more than 1000000 pairs forward to compare"* ]]
    # The exact method has no such limit.
    run --separate-stderr "$KQ" -d idx dups --threshold 0.97 --format=jsonl
    [ "$status" -eq 0 ]
    [ "$(jq -r 'select(.type == "summary") | "\(.method) \(.clusters)"' <<<"$output")" = "exact 6" ]
}

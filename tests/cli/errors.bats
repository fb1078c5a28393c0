#!/usr/bin/env bats
# Exit codes and error messages of kq and kq-index; damaged indexes; bad
# input; adding a second batch to an index.
bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    index_corpus
}

setup() {
    cd "$ROOT"
}

# A private copy of the corpus index, to damage or extend.
copy_index() {
    D="$BATS_TEST_TMPDIR/copy"
    cp -r "$IDX" "$D"
}

# The segment file of type $1 (post, dict, ...) in the copy.
seg_file() {
    local f
    f=$(ls "$D"/seg*."$1" | head -n 1)
    [ -n "$f" ] || { echo "no seg*.$1 in $D: $(ls "$D")" >&2; return 1; }
    echo "$f"
}

# Queries on a damaged index may fail (exit 4) or answer, never crash.
queries_do_not_crash() {
    local q
    for q in oil "ceasefire AND peacekeepers" '"central bank"' 'peace*' \
             'oil NOT gulf' 'film OR profit'; do
        run "$KQ" -d "$D" "$q";          no_crash; [ "$status" -ne 2 ]
        run "$KQ" -d "$D" --json "$q";   no_crash; [ "$status" -ne 2 ]
        run "$KQ" -d "$D" -c "$q";       no_crash; [ "$status" -ne 2 ]
    done
}

# ---------------------------------------------------------------- kq exits

@test "kq: exit 0 with hits, 1 without" {
    # oil: 11 files; xyzzy: none (grep -rli)
    run -0 kq oil
    run -1 kq xyzzy
    run -1 kq --json xyzzy
    # the summary is still printed with --json
    tail -n 1 <<<"$output" | jq -e '.type == "summary" and .total == 0 and .returned == 0'
}

@test "kq: syntax error 'oil AND' names column 8, exit 2" {
    # 'oil AND' is 7 characters; the missing operand is at column 8.
    run -2 kq 'oil AND'
    echo "$output"
    [[ "$output" == *"kq: syntax error at column 8"* ]]
}

@test "kq: the syntax error column counts characters, not bytes" {
    # 'café AND' is 8 characters (9 bytes): the missing operand is at column 9.
    run -2 kq 'café AND'
    echo "$output"
    [[ "$output" == *"kq: syntax error at column 9"* ]]
    # 'oil OR OR gulf': the second OR, at column 8, has no left operand
    run -2 kq 'oil OR OR gulf'
    [[ "$output" == *"kq: syntax error at column 8"* ]]
}

@test "kq: syntax errors exit 2: unbalanced parentheses, empty, lone operators" {
    run -2 kq '(oil'
    [[ "$output" == *"syntax error at column"* ]]
    run -2 kq 'oil)'
    [[ "$output" == *"syntax error at column"* ]]
    run -2 kq 'OR oil'
    [[ "$output" == *"syntax error at column 1"* ]]
    run -2 kq '"central bank'
    [[ "$output" == *"syntax error at column"* ]]
    run -2 kq '()'
    no_crash
}

@test "kq: usage errors exit 2: unknown option, missing query, bad -n" {
    run -2 kq --bogus oil
    [ -n "$output" ]
    run -2 kq
    [ -n "$output" ]
    run -2 "$KQ" -d "$IDX"
    run -2 kq -n abc oil
    run -2 kq --color=sometimes oil
}

@test "kq: punctuation inside words is not an error" {
    # peace-keepers, U.S. are phrases of their parts
    run kq 'peace-keepers';   no_crash; [ "$status" -eq 0 ] || [ "$status" -eq 1 ]
    run kq 'U.S.';            no_crash; [ "$status" -eq 0 ] || [ "$status" -eq 1 ]
    run kq "Iran's";          no_crash; [ "$status" -eq 0 ] || [ "$status" -eq 1 ]
    run kq 'oil, gulf; dollar!'; no_crash; [ "$status" -eq 0 ] || [ "$status" -eq 1 ]
    # Nagorno-Karabakh occurs (6 times) in corpus/0000.txt only
    # (grep -il nagorno / karabakh corpus/*.txt)
    run -0 kq -c 'Nagorno-Karabakh'
    [ "$output" = 1 ]
    run -0 kq --json 'Nagorno-Karabakh'
    [ "$(head -n 1 <<<"$output" | jq -r .id)" = corpus/0000.txt ]
}

@test "kq: missing index: -d /nonexistent exits 3" {
    run -3 "$KQ" -d /nonexistent oil
    [ -n "$output" ]
    run -3 "$KQ" -d /nonexistent -c oil
    run -3 "$KQ" -d /nonexistent --check
}

@test "kq: \$KQ_INDEX pointing nowhere exits 3" {
    run -3 env KQ_INDEX=/nonexistent/kq-index-dir "$KQ" oil
    [ -n "$output" ]
}

@test "kq: a directory that is not an index exits 3" {
    # an empty directory, and a directory of text files
    mkdir "$BATS_TEST_TMPDIR/empty"
    run -3 "$KQ" -d "$BATS_TEST_TMPDIR/empty" oil
    run -3 "$KQ" -d "$ROOT/corpus" oil
}

# ---------------------------------------------------------- damaged index

@test "damage: truncated .post file: --check exits 4 naming it; queries do not crash" {
    copy_index
    f=$(seg_file post)
    truncate -s $(( $(stat -c %s "$f") / 2 )) "$f"
    run -4 "$KQ" -d "$D" --check
    echo "$output"
    [[ "$output" == *"$(basename "$f")"* ]]
    queries_do_not_crash
}

@test "damage: truncated .dict file: --check exits 4 naming it; queries do not crash" {
    copy_index
    f=$(seg_file dict)
    truncate -s $(( $(stat -c %s "$f") / 2 )) "$f"
    run -4 "$KQ" -d "$D" --check
    echo "$output"
    [[ "$output" == *"$(basename "$f")"* ]]
    queries_do_not_crash
}

@test "damage: truncated .docs, .pos, .store files: --check exits 4 naming each" {
    for ext in docs pos store; do
        rm -rf "$BATS_TEST_TMPDIR/copy"
        copy_index
        f=$(seg_file "$ext")
        truncate -s $(( $(stat -c %s "$f") / 2 )) "$f"
        run -4 "$KQ" -d "$D" --check
        echo "$ext: $output"
        [[ "$output" == *"$(basename "$f")"* ]]
        queries_do_not_crash
    done
}

@test "damage: a flipped byte in the middle of .post (same size): --check exits 4" {
    copy_index
    f=$(seg_file post)
    flip_byte "$f" $(( $(stat -c %s "$f") / 2 ))
    run -4 "$KQ" -d "$D" --check
    echo "$output"
    [[ "$output" == *"$(basename "$f")"* ]]
    queries_do_not_crash
}

@test "damage: flipped bytes in kq.manifest: exit 4 naming kq.manifest" {
    copy_index
    f="$D/kq.manifest"
    [ -f "$f" ]
    size=$(stat -c %s "$f")
    for off in $((size / 2)) $((size / 2 + 1)) $((size / 2 + 2)); do
        flip_byte "$f" "$off"
    done
    run -4 "$KQ" -d "$D" --check
    echo "$output"
    [[ "$output" == *kq.manifest* ]]
    run "$KQ" -d "$D" oil
    no_crash
    [ "$status" -eq 4 ]
    queries_do_not_crash
}

@test "damage: kq-index refuses to add to an index whose manifest is damaged: exit 4" {
    copy_index
    f="$D/kq.manifest"
    size=$(stat -c %s "$f")
    flip_byte "$f" $((size / 2))
    echo '{"id":"m1","title":"Quokka","body":"quokka"}' >"$BATS_TEST_TMPDIR/m.jsonl"
    run -4 "$KQI" -d "$D" "$BATS_TEST_TMPDIR/m.jsonl"
    echo "$output"
    [[ "$output" == *kq.manifest* ]]
}

@test "damage: an empty kq.manifest: exit 3 or 4, no crash" {
    copy_index
    : >"$D/kq.manifest"
    # damaged (4) or unreadable (3), but an error and no crash
    run "$KQ" -d "$D" --check
    no_crash
    [ "$status" -eq 4 ] || [ "$status" -eq 3 ]
    run "$KQ" -d "$D" oil
    no_crash
    [ "$status" -eq 4 ] || [ "$status" -eq 3 ]
}

@test "damage: a missing segment file: exit 4 naming it" {
    copy_index
    f=$(seg_file post)
    rm "$f"
    run -4 "$KQ" -d "$D" --check
    echo "$output"
    [[ "$output" == *"$(basename "$f")"* ]]
    queries_do_not_crash
}

# -------------------------------------------------------------- kq-index

@test "kq-index: a JSON Lines file with a bad line: exit 1 naming FILE:2, other lines indexed" {
    # quokka occurs nowhere in corpus/ (grep -rli quokka corpus/)
    j="$BATS_TEST_TMPDIR/bad.jsonl"
    {
        echo '{"id":"j1","title":"Quokka one","body":"the first quokka"}'
        echo '{"id":"j2","title":"broken", "body": '
        echo '{"id":"j3","title":"Quokka three","body":"the third quokka"}'
    } >"$j"
    run -1 --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/i" "$j"
    echo "stderr: $stderr"
    [[ "$stderr" == *"kq-index: $j:2: "* ]]
    # the summary counts the two good documents
    [[ "${lines[${#lines[@]}-1]}" == "kq-index: 2 documents,"* ]]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c quokka
    [ "$output" = 2 ]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" --json quokka
    [ "$(jq -r 'select(.type == "hit") | .id' <<<"$output" | sort | tr '\n' ' ')" = "j1 j3 " ]
}

@test "kq-index: a JSON line without an id or not an object: exit 1, rest indexed" {
    j="$BATS_TEST_TMPDIR/noid.jsonl"
    {
        echo '{"title":"no id","body":"quokka"}'
        echo '[1,2,3]'
        echo '{"id":"ok","title":"fine","body":"quokka here"}'
    } >"$j"
    run -1 --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/i" "$j"
    echo "stderr: $stderr"
    [[ "$stderr" == *"$j:1: "* ]]
    [[ "$stderr" == *"$j:2: "* ]]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c quokka
    [ "$output" = 1 ]
}

@test "kq-index: a corrupt .gz: exit 1 naming it, the other files indexed" {
    # a directory with one good .txt and one gzip file cut in half
    d="$BATS_TEST_TMPDIR/in"
    mkdir "$d"
    printf 'Wombat news\n\nA wombat was seen.\n' >"$d/good.txt"
    for i in $(seq 1 400); do
        echo "{\"id\":\"z$i\",\"title\":\"numbat $i\",\"body\":\"numbat number $i\"}"
    done | gzip -c >"$d/bad.jsonl.gz"
    truncate -s $(( $(stat -c %s "$d/bad.jsonl.gz") / 2 )) "$d/bad.jsonl.gz"
    run -1 --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/i" "$d"
    echo "stderr: $stderr"
    [[ "$stderr" == *"kq-index: $d/bad.jsonl.gz"* ]]
    # wombat occurs nowhere in corpus/ (grep -rli wombat corpus/)
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c wombat
    [ "$output" = 1 ]
}

@test "kq-index: gzip input that is fine is read (.jsonl.gz and .txt.gz)" {
    d="$BATS_TEST_TMPDIR/in"
    mkdir "$d"
    printf 'Wombat news\n\nA wombat was seen.\n' | gzip -c >"$d/a.txt.gz"
    echo '{"id":"g1","title":"Wombat two","body":"another wombat"}' | gzip -c >"$d/b.jsonl.gz"
    echo 'not a document' >"$d/ignored.dat"
    run -0 "$KQI" -d "$BATS_TEST_TMPDIR/i" "$d"
    [[ "${lines[${#lines[@]}-1]}" == "kq-index: 2 documents,"* ]]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c wombat
    [ "$output" = 2 ]
}

@test "kq-index: a missing input path: exit 1 naming it" {
    run -1 --separate-stderr "$KQI" -d "$BATS_TEST_TMPDIR/i" "$BATS_TEST_TMPDIR/nope.txt"
    [[ "$stderr" == *"kq-index: $BATS_TEST_TMPDIR/nope.txt: "* ]]
}

@test "kq index without paths is a usage error (exit 2)" {
    run -2 "$KQ" index -d "$BATS_TEST_TMPDIR/i"
    [ -n "$output" ]
}

@test "kq-index: usage errors exit 2" {
    run -2 "$KQI" -d "$BATS_TEST_TMPDIR/i"                       # no PATH
    [ -n "$output" ]
    run -2 "$KQI" -d "$BATS_TEST_TMPDIR/i" --memory lots corpus/  # bad --memory
    [ -n "$output" ]
    run -2 "$KQI" -d "$BATS_TEST_TMPDIR/i" --lang klingon corpus/ # unknown --lang
    [ -n "$output" ]
    run -2 "$KQI" -d "$BATS_TEST_TMPDIR/i" --bogus corpus/       # unknown option
    [ -n "$output" ]
    # nothing was created by the failed runs
    [ ! -e "$BATS_TEST_TMPDIR/i/kq.manifest" ]
}

@test "kq-index: options -q, --memory, --lang are accepted" {
    run -0 "$KQI" -q -d "$BATS_TEST_TMPDIR/i" --memory 1K --lang english corpus/
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/i" -c oil
    [ "$output" = 11 ]
    # a tiny --memory budget (spills and merges runs) gives the same results
    # as the default one
    # (the summaries name their index directories)
    a=$("$KQ" -d "$IDX" --json -n 100 'oil OR bank OR "central bank" OR peace*' | jq -c 'del(.index)')
    b=$("$KQ" -d "$BATS_TEST_TMPDIR/i" --json -n 100 'oil OR bank OR "central bank" OR peace*' | jq -c 'del(.index)')
    [ "$a" = "$b" ]
}

@test "kq-index: an index directory that cannot be created exits 3" {
    : >"$BATS_TEST_TMPDIR/file"
    run -3 "$KQI" -d "$BATS_TEST_TMPDIR/file/idx" corpus/
    [ -n "$output" ]
}

@test "kq-index: a second batch adds a segment; both batches are searchable" {
    copy_index
    j="$BATS_TEST_TMPDIR/more.jsonl"
    {
        echo '{"id":"m1","title":"Quokka oil","date":"2024-05-01","source":"test","body":"quokka sightings near the oil field"}'
        echo '{"id":"m2","title":"Quokka two","body":"another peaceful quokka"}'
    } >"$j"
    run -0 "$KQI" -d "$D" "$j"
    [[ "${lines[${#lines[@]}-1]}" == "kq-index: 2 documents,"* ]]
    [ "$(ls "$D"/seg*.post | wc -l)" -ge 2 ]
    # old batch: oil was in 11 corpus files, now also in m1
    run -0 "$KQ" -d "$D" -c oil
    [ "$output" = 12 ]
    run -0 "$KQ" -d "$D" -c quokka
    [ "$output" = 2 ]
    run -0 "$KQ" -d "$D" -c "quokka AND oil"
    [ "$output" = 1 ]
    run -0 "$KQ" -d "$D" -c "quokka OR ceasefire"
    [ "$output" = 8 ]
    # prefixes across segments: peace* is in 5 corpus files
    # (grep -liwE 'peace[a-z]*' corpus/*.txt) and in m2 (peaceful)
    run -0 "$KQ" -d "$D" -c 'peace*'
    [ "$output" = 6 ]
    run -0 "$KQ" -d "$D" -c 'quokk*'
    [ "$output" = 2 ]
    run -0 "$KQ" -d "$D" --json "quokka AND oil"
    head -n 1 <<<"$output" | jq -e '.id == "m1" and .title == "Quokka oil" and .date == "2024-05-01"'
    run -0 "$KQ" -d "$D" --check
    [[ "$output" == ok* ]]
    # the original index is unchanged
    run -0 "$KQ" -d "$IDX" -c oil
    [ "$output" = 11 ]
}

@test "kq-index: a new index only for input that can be read (a mistyped path leaves no empty index)" {
    local d="$BATS_TEST_TMPDIR"
    run -1 --separate-stderr "$KQI" -d "$d/new" "$d/nosuchfile" "$d/nosuchdir/"
    [[ "$stderr" == *"$d/nosuchfile: cannot open: No such file or directory"* ]]
    [[ "$stderr" == *"no input could be read; no index was created in $d/new"* ]]
    [ ! -e "$d/new" ]
    # one readable input among them: the index is made, the rest reported
    run -1 --separate-stderr "$KQI" -q -d "$d/new" "$d/nosuchfile" "$ROOT/corpus/0001.txt"
    [ -f "$d/new/kq.manifest" ]
    run -0 "$KQ" -d "$d/new" -c --all -- -zzzqqq
    [ "$output" = 1 ]
    # an existing index: the old behaviour (the run reports, the index stays)
    run -1 "$KQI" -q -d "$d/new" "$d/nosuchfile"
    run -0 "$KQ" -d "$d/new" check
}

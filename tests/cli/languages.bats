#!/usr/bin/env bats
# Documents in several languages: per-document languages
# (--lang-field) and detected ones (--detect-lang), kq stats per language,
# and query words analysed in every language of the index that writes
# their script.  The expected numbers come from jq over the corpus
# (tests/data/scripts/docs.jsonl, whose "lang" key holds the languages).
bats_require_minimum_version 1.5.0
load helpers

DOCS="$ROOT/tests/data/scripts/docs.jsonl"

setup_file() {
    index_corpus
    cd "$ROOT" || return 1
    "$KQI" -q -d "$BATS_FILE_TMPDIR/lf" --lang-field lang "$DOCS" || return 1
    "$KQI" -q -d "$BATS_FILE_TMPDIR/dl" --detect-lang "$DOCS" || return 1
    "$KQI" -q --backend=xapian -d "$BATS_FILE_TMPDIR/xlf" --lang-field lang "$DOCS" || return 1
    "$KQI" -q --backend=xapian -d "$BATS_FILE_TMPDIR/xdl" --detect-lang "$DOCS" || return 1
}

setup() {
    cd "$ROOT"
}

# "language count" lines, sorted, from kq stats --json of index $1.
stats_langs() {
    "$KQ" -d "$1" stats --json | jq -r '.languages[] | "\(.language) \(.documents)"' | sort
}

@test "languages: kq stats counts the documents of each --lang-field language (jq oracle), on both backends" {
    want=$(jq -r '.lang // "english"' "$DOCS" | sort | uniq -c | awk '{ print $2, $1 }' | sort)
    for d in lf xlf; do
        got=$(stats_langs "$BATS_FILE_TMPDIR/$d")
        [ "$got" = "$want" ] || { echo "$d got:"; echo "$got"; echo "want:"; echo "$want"; false; }
    done
    run "$KQ" -d "$BATS_FILE_TMPDIR/lf" stats
    [ "$status" -eq 0 ]
    [[ "$output" == *"languages   english "*"(documents)"* ]]
}

@test "languages: --detect-lang finds the language of every document that names one; the others get the index's (both backends)" {
    # The corpus's documents in Snowball languages carry "lang"; Hebrew
    # (no Snowball language) and the scripts no Snowball language writes
    # must not be given one: they stay english, the index's.
    want=$(jq -r '.lang // "english"' "$DOCS" | sort | uniq -c | awk '{ print $2, $1 }' | sort)
    for d in dl xdl; do
        got=$(stats_langs "$BATS_FILE_TMPDIR/$d")
        [ "$got" = "$want" ] || { echo "$d got:"; echo "$got"; echo "want:"; echo "$want"; false; }
    done
}

@test "languages: deleting a document lowers its language's count" {
    cp -r "$BATS_FILE_TMPDIR/lf" "$BATS_TEST_TMPDIR/x"
    "$KQI" rm -q -d "$BATS_TEST_TMPDIR/x" ru
    want=$(jq -r 'select(.id != "ru") | .lang // "english"' "$DOCS" | sort | uniq -c | awk '{ print $2, $1 }' | sort)
    got=$(stats_langs "$BATS_TEST_TMPDIR/x")
    [ "$got" = "$want" ]
}

@test "languages: a query word is also analysed in each index language writing its script, without --lang (both backends)" {
  for d in lf xlf; do
    # A Russian inflection that is not in the text but shares the Russian
    # stem of a word that is: found only through the Russian analysis.
    jq -r 'select(.id == "ru") | .body' "$DOCS" | grep -q перемирия
    ! grep -q перемирием "$DOCS"
    run -0 "$KQ" -d "$BATS_FILE_TMPDIR/$d" --format=ids перемирием
    [ "$output" = "ru" ]
    run -0 "$KQ" -d "$BATS_FILE_TMPDIR/$d" parse перемирием
    [[ "$output" == *"in russian"* ]]
    # --lang narrows to one language: the English analysis alone does not
    # stem Russian, so the inflection finds nothing.
    run "$KQ" -d "$BATS_FILE_TMPDIR/$d" --lang english -c перемирием
    [ "$output" = 0 ]
    run -0 "$KQ" -d "$BATS_FILE_TMPDIR/$d" --lang russian --format=ids перемирием
    [ "$output" = ru ]
    # NEAR and "phrase"~n too, each word stemmed in the same language
    run -0 "$KQ" -d "$BATS_FILE_TMPDIR/$d" --format=ids 'перемирием NEAR/5 миротворцев'
    [ "$output" = ru ]
    run -0 "$KQ" -d "$BATS_FILE_TMPDIR/$d" --format=ids '"соблюдения перемирием"~2'
    [ "$output" = ru ]
    # A Latin word is not analysed in Russian; a Cyrillic one not in French.
    run -0 "$KQ" -d "$BATS_FILE_TMPDIR/$d" parse ceasefires
    [[ "$output" != *"in russian"* ]]
    [[ "$output" != *"in greek"* ]]
    run -0 "$KQ" -d "$BATS_FILE_TMPDIR/$d" parse перемирием
    [[ "$output" != *"in french"* ]]
  done
}

@test "languages: an index of one language adds no forms" {
    run -0 "$KQ" -d "$IDX" parse ceasefires
    [[ "$output" != *" in "* ]]
    [[ "$output" != *"OR"* ]]
}

@test "languages: every query on the --lang-field corpus gives the same documents on both backends" {
    for q in перемирием ceasefires 'présidents' 'ελλάδα' 'भारत' '"停火"' 'election*'; do
        a=$("$KQ" -d "$BATS_FILE_TMPDIR/lf" --format=ids --all -- "$q" | sort)
        b=$("$KQ" -d "$BATS_FILE_TMPDIR/xlf" --format=ids --all -- "$q" | sort)
        [ "$a" = "$b" ] || { echo "$q: native '$a' xapian '$b'"; false; }
    done
}

@test "languages: =word finds the word in every language, whatever its stem there (count and hist agree)" {
    # "line" stems to line in English and lin in French: =line is looked
    # up through both stems (a French document holding "line" has only
    # lin), and kq hist (the matcher, which reads the text) agrees
    f="$BATS_TEST_TMPDIR/l.jsonl"
    printf '%s\n' \
        '{"id":"en1","lang":"english","date":"2020-01-01","body":"a line of text and more lines"}' \
        '{"id":"fr1","lang":"french","date":"2020-01-02","body":"une ligne, la line anglaise et le lin"}' \
        '{"id":"fr2","lang":"french","date":"2020-01-03","body":"le lin et les lins seulement"}' >"$f"
    "$KQI" -q -d "$BATS_TEST_TMPDIR/native" --lang-field lang "$f"
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/native" --format=ids =line
    [ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "en1 fr1 " ]
    [ "$("$KQ" -d "$BATS_TEST_TMPDIR/native" -c =line)" -eq 2 ]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/native" parse =line
    [[ "$output" == *'(term line, then'* ]] && [[ "$output" == *'(term lin, then'* ]]
    # + and - mark items of the query, not what they search for: each
    # language's form comes once
    [ "$("$KQ" -d "$BATS_TEST_TMPDIR/native" --or --parse -- '+line text')" = "MAYBE(OR(line, lin), text)" ]
    # (line, not =line: its French stem lin is in all three)
    [ "$("$KQ" -d "$BATS_TEST_TMPDIR/native" --or -c -- '+line text')" -eq 3 ]
    run -0 "$KQ" -d "$BATS_TEST_TMPDIR/native" hist --by day --format=tsv =line
    [ "$(printf '%s\n' "$output" | awk -F'\t' 'NR > 1 { d += $3; o += $4 } END { print d, o }')" = "2 2" ]
}

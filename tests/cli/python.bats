#!/usr/bin/env bats
# The README's way to install the Python package, as a user would: a venv
# of the python3 on the PATH (--system-site-packages: setuptools and pip
# offline), then `make python-install PYTHON=venv/bin/python`; then
# `import kq` from elsewhere answers the demo query as kq does, on kq's
# own index and (through the plugin installed as package data) on a
# Xapian database.  The package's own tests are tests/python (pytest).

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
    V="$BATS_FILE_TMPDIR/venv"
    python3 -m venv --system-site-packages "$V" >"$BATS_FILE_TMPDIR/log" 2>&1 &&
        make -s -C "$ROOT" python-install PYTHON="$V/bin/python" >>"$BATS_FILE_TMPDIR/log" 2>&1 || {
        cat "$BATS_FILE_TMPDIR/log" >&2
        return 1
    }
    "$KQI" -q -d "$BATS_FILE_TMPDIR/rt" "$ROOT/tests/data/reuters/slice.jsonl.gz"
}

setup() {
    cd "$BATS_TEST_TMPDIR" || return 1
    unset KQ_XAPIAN_PLUGIN
}

@test "python: the installed package answers the demo query as kq does" {
    q='ceasefire OR truce'
    run -0 "$BATS_FILE_TMPDIR/venv/bin/python" -c 'import kq, sys
ix = kq.open(sys.argv[1])
hits = ix.search(sys.argv[2], n=3)
print(hits.total)
for h in hits:
    print(h.id)
print(kq.__file__)' "$BATS_FILE_TMPDIR/rt" "$q"
    [ "${lines[0]}" = "$("$KQ" -d "$BATS_FILE_TMPDIR/rt" -c "$q")" ]
    [ "$(printf '%s\n' "${lines[@]:1:3}")" = "$("$KQ" -d "$BATS_FILE_TMPDIR/rt" search --format=tsv --fields=id -n 3 "$q" | tail -n +2)" ]
    # the installed copy, not the source tree's
    [[ "${lines[4]}" == "$BATS_FILE_TMPDIR/venv/"*"/site-packages/kq/__init__.py" ]]
}

@test "python: the installed package opens a Xapian database through its own plugin" {
    "$KQI" -q --backend=xapian -d x "$ROOT/tests/data/reuters/slice.jsonl.gz" 2>err || skip "no Xapian: $(cat err)"
    run -0 "$BATS_FILE_TMPDIR/venv/bin/python" -c 'import kq, sys
ix = kq.open(sys.argv[1])
print(ix.stats()["backend"], ix.count("oil"))' x
    [ "$output" = "xapian $("$KQ" -d x -c oil)" ]
}

"""kq's exception family: each class, its .code/.name, where it comes
from, and the CLI's exit status for the same case as the reference
(kq(1) EXIT STATUS: 2 usage or syntax, 3 index missing or unreadable,
4 index damaged)."""

import re
import shutil

import pytest

import kq
from conftest import Cli

FAMILY = {  # class -> (code, name, is a ValueError)
    kq.NotFound: (2, "KQ_NOTFOUND", False),
    kq.IndexIOError: (4, "KQ_IOERR", False),
    kq.IndexDamaged: (5, "KQ_CORRUPT", False),
    kq.FormatError: (6, "KQ_FORMAT", False),
    kq.QuerySyntaxError: (7, "KQ_SYNTAX", True),
    kq.Misuse: (8, "KQ_MISUSE", True),
    kq.IndexLocked: (9, "KQ_BUSY", False),
    kq.XapianError: (10, "KQ_XAPIAN", False),
}


def test_the_family():
    assert issubclass(kq.Error, Exception)
    for cls, (_code, _name, value_error) in FAMILY.items():
        assert issubclass(cls, kq.Error), cls
        assert issubclass(cls, ValueError) == value_error, cls
        assert cls.__name__ in kq.__all__
    assert len(set(FAMILY)) == 8


def check(e, cls):
    assert type(e) is cls, (type(e), e)
    code, name, _ = FAMILY[cls]
    assert (e.code, e.name) == (code, name)
    assert e.message == str(e) and e.message


# query, the CLI's column
SYNTAX = ["oil AND", "(oil", 'oil "price', "oil NEAR/x price", "AND oil",
          "title:", "oil)", 'Zürich "oil']


@pytest.mark.parametrize("q", SYNTAX)
def test_query_syntax_error_equals_cli(ix, cli, q):
    p = cli.run("count", "--", q, ok=(2,))
    m = re.search(r"syntax error at column (\d+): (.*)", p.stderr)
    assert m, p.stderr
    for call in (ix.count, ix.search, ix.parse, lambda q: list(ix.iter(q)),
                 lambda q: ix.count(q, occurrences=True),
                 lambda q: ix.explain(q, 0)):
        with pytest.raises(kq.QuerySyntaxError) as e:
            call(q)
        check(e.value, kq.QuerySyntaxError)
        assert isinstance(e.value, ValueError)
        assert isinstance(e.value, kq.Error)
        assert e.value.column == int(m.group(1))  # 1-based, characters
        assert e.value.message == m.group(2)


def test_syntax_error_column_is_in_characters(ix):
    with pytest.raises(kq.QuerySyntaxError) as e:
        ix.count('Zürich "oil')
    assert e.value.column == 'Zürich "oil'.index('"') + 1 == 8


def test_other_errors_have_no_column(tmp_path):
    with pytest.raises(kq.NotFound) as e:
        kq.open(tmp_path / "missing")
    assert e.value.column is None


def test_missing_directory_is_notfound(tmp_path):
    missing = tmp_path / "missing"
    assert Cli(missing).run("count", "oil", ok=(3,)).returncode == 3
    with pytest.raises(kq.NotFound) as e:
        kq.open(missing)
    check(e.value, kq.NotFound)
    assert str(missing) in str(e.value)


def test_a_directory_that_is_not_an_index_is_notfound(tmp_path):
    # a directory without kq.manifest: nothing to open (CLI: exit 3)
    (tmp_path / "notes.txt").write_text("hello\n")
    assert Cli(tmp_path).run("count", "oil", ok=(3,)).returncode == 3
    with pytest.raises(kq.NotFound) as e:
        kq.open(tmp_path)
    check(e.value, kq.NotFound)
    assert "kq.manifest" in str(e.value)


def test_a_file_given_for_the_directory_is_formaterror(native_dir):
    path = native_dir / "kq.manifest"
    assert Cli(path).run("count", "oil", ok=(3,)).returncode == 3
    with pytest.raises(kq.FormatError) as e:
        kq.open(path)
    check(e.value, kq.FormatError)
    assert "not an index directory" in str(e.value)


def test_a_garbage_manifest_is_damaged(tmp_path):
    (tmp_path / "kq.manifest").write_bytes(b"not a manifest at all " * 4)
    assert Cli(tmp_path).run("count", "oil", ok=(4,)).returncode == 4
    with pytest.raises(kq.IndexDamaged) as e:
        kq.open(tmp_path)
    check(e.value, kq.IndexDamaged)


def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0xFF]))


def damaged_copy(native_dir, tmp_path, name, offset):
    d = tmp_path / "damaged"
    shutil.copytree(native_dir, d)
    flip(d / name, offset)
    return d


def test_damaged_segment_header_on_open(native_dir, tmp_path):
    # the magic of the dictionary: refused at open
    d = damaged_copy(native_dir, tmp_path, "seg000001.dict", 0)
    p = Cli(d).run("count", "oil", ok=(4,))
    assert "seg000001.dict" in p.stderr
    with pytest.raises(kq.IndexDamaged) as e:
        kq.open(d)
    check(e.value, kq.IndexDamaged)
    assert "seg000001.dict" in str(e.value)


def test_damaged_stored_text_on_read(native_dir, tmp_path, corpus):
    # a byte of document 0's stored text: the index opens, searches that
    # do not read the text work, reading the text is IndexDamaged.  The
    # byte is the middle one of the first block's stored bytes (after the
    # 16-byte file header and the block's 13-byte header: u8 codec, u32
    # length, u32 CRC32, u32 stored length); its text may be in the
    # segment's dictionary and so take only a few bytes.
    raw = (native_dir / "seg000001.store").read_bytes()
    stored = int.from_bytes(raw[16 + 9:16 + 13], "little")
    assert 0 < stored < len(raw)
    d = damaged_copy(native_dir, tmp_path, "seg000001.store", 16 + 13 + stored // 2)
    first = corpus[0]["id"]
    p = Cli(d).run("show", first, ok=(4,))
    assert "seg000001.store" in p.stderr
    with kq.open(d) as ix:
        assert ix.count("oil") == Cli(native_dir).count("oil")
        with pytest.raises(kq.IndexDamaged) as e:
            ix.doc(first)
        check(e.value, kq.IndexDamaged)
        assert "seg000001.store" in str(e.value)


def test_damaged_document_record_on_search(native_dir, tmp_path, corpus):
    d = damaged_copy(native_dir, tmp_path, "seg000001.docs", 20)
    assert Cli(d).run("search", "cocoa", ok=(4,)).returncode == 4
    with kq.open(d) as ix:
        with pytest.raises(kq.IndexDamaged) as e:
            ix.search("cocoa", n=50)  # document 0 is among the hits
        check(e.value, kq.IndexDamaged)


def test_closed_index_is_misuse(native_dir):
    ix = kq.open(native_dir)
    ix.close()
    ix.close()  # twice is fine
    calls = [lambda: ix.count("oil"), lambda: ix.search("oil"),
             lambda: list(ix.iter("oil")), lambda: ix.doc("1"),
             lambda: ix.doc(0), lambda: ix.parse("oil"),
             lambda: ix.explain("oil", "1"), ix.stats,
             lambda: ix.find("1"), lambda: ix.count("oil", occurrences=True)]
    for call in calls:
        with pytest.raises(kq.Misuse) as e:
            call()
        check(e.value, kq.Misuse)


@pytest.mark.parametrize("kw", [dict(sort="relevance"), dict(sort="-date"),
                                dict(n=-1), dict(offset=-1)])
def test_bad_search_arguments_are_misuse(ix, kw):
    with pytest.raises(kq.Misuse) as e:
        ix.search("oil", **kw)
    check(e.value, kq.Misuse)
    assert isinstance(e.value, ValueError)


def test_unknown_language_is_misuse(native_dir):
    with pytest.raises(kq.Misuse):
        kq.open(native_dir, lang="klingon")


def test_unknown_document_is_notfound(ix):
    for call in (lambda: ix.doc("no-such-id"),
                 lambda: ix.explain("oil", "no-such-id")):
        with pytest.raises(kq.NotFound):
            call()


def test_errors_raised_by_the_python_layer_carry_code(ix):
    for cls, call in ((kq.NotFound, lambda: ix.doc("no-such-id")),
                      (kq.NotFound, lambda: ix.explain("oil", "no-such")),
                      (kq.Misuse, lambda: ix.hist("oil", by="fortnight"))):
        with pytest.raises(cls) as e:
            call()
        check(e.value, cls)


@pytest.mark.parametrize("call", [
    lambda ix: ix.count(5),
    lambda ix: ix.count(b"oil"),
    lambda ix: ix.search(None),
    lambda ix: ix.search("oil", n="10"),
    lambda ix: ix.search("oil", sort=1),
    lambda ix: ix.parse(["oil"]),
    lambda ix: list(ix.iter(3.5)),
    lambda ix: ix.doc(3.5),
    lambda ix: ix.doc(None),
    lambda ix: ix.find(7),
    lambda ix: ix.explain(7, "1"),
])
def test_wrong_argument_types_are_typeerror(ix, call):
    with pytest.raises(TypeError):
        call(ix)


def test_open_wrong_type_is_typeerror():
    with pytest.raises(TypeError):
        kq.open(42)


@pytest.mark.parametrize("kw", [dict(id=5), dict(id="x", title=1),
                                dict(id="x", body=b"bytes"),
                                dict(id="x", section=3)])
def test_writer_wrong_types_are_typeerror(tmp_path, kw):
    with kq.Writer(tmp_path / "ix") as w:
        with pytest.raises(TypeError):
            w.add(**kw)
        with pytest.raises(TypeError):
            w.delete(5)


def test_writer_document_without_id_is_misuse(tmp_path):
    with kq.Writer(tmp_path / "ix") as w:
        with pytest.raises(kq.Misuse) as e:
            w.add(id=None, body="x")
        check(e.value, kq.Misuse)
        with pytest.raises(kq.Misuse):
            w.add(id="", body="x")  # kq_id_check: 1 or more bytes


def test_index_locked(tmp_path):
    d = tmp_path / "ix"
    w = kq.Writer(d)
    try:
        with pytest.raises(kq.IndexLocked) as e:
            kq.Writer(d, wait=0.1)
        check(e.value, kq.IndexLocked)
        # readers never wait
        w.add(id="a", body="words")
        w.commit()
        with kq.open(d) as ix:
            assert ix.count("words") == 1
    finally:
        w.close()


def test_negative_docid_is_refused(ix):
    with pytest.raises(OverflowError):
        ix.doc(-1)



@pytest.mark.parametrize("docid", [2**32, 2**32 + 1, 2**40])
def test_docid_out_of_range_is_refused(ix, docid):
    # a docid that no document has (docids are 32-bit): an error, not
    # some other document
    with pytest.raises((kq.NotFound, OverflowError)):
        ix.doc(docid)


def test_explain_docid_out_of_range_is_refused(ix):
    with pytest.raises((kq.NotFound, OverflowError)):
        ix.explain("cocoa", 2**32)

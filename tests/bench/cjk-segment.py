#!/usr/bin/python3
"""cjk-segment.py -- dictionary word segmentation (ICU) vs character bigrams
(Lucene CJKBigramFilter / Xapian CJK_NGRAM) vs substring search, measured on
real Chinese, Japanese and Thai text (issue 17).  Run it through
cjk-segment.sh, which fetches the text and python3-icu into a cache dir:

    cjk-segment.py --cache DIR [--langs zh,ja,th] [--out DIR] [--examples 8]
                   [--kana-fold]

Text (all from Debian packages, see cjk-segment.sh; DIR/x is the extracted tree):
  zh: debian-reference.zh-cn.txt.gz, man pages of manpages-zh (zh_CN only),
      /usr/share/locale/zh_CN/LC_MESSAGES/*.mo (msgstr)
  ja: debian-reference.ja.txt.gz, man pages of manpages-ja,
      /usr/share/locale/ja/LC_MESSAGES/*.mo
  th: /usr/share/locale/th/LC_MESSAGES/*.mo and libreoffice-l10n-th's *.mo
A document is a paragraph (blank line, or a man-page paragraph macro) or one
msgstr; lines of a paragraph are joined (with nothing between two CJK
characters, a space otherwise).  Only documents with a character of the
language's script are kept.

Analyzers (same text, same folding: str.casefold() of each term):
  dict   ICU word BreakIterator (python3-icu, ICU's C++ API; ICU 72 on
         bookworm); a token is a segment with rule status >= 100
         (UBRK_WORD_NUMBER: numbers, letters, kana, ideographs) -- the design's
         analyzer applied to whole paragraphs.
  bigram runs of Han/Hiragana/Katakana (and the marks U+3005 etc., U+30FC) give
         overlapping bigrams, an isolated character a unigram (CJKBigramFilter
         with outputUnigrams=false); text between the runs is tokenized by
         the same ICU iterator (what StandardTokenizer would give).
  substr plain substring search in the (case-folded) document: the ground.

Queries per language: the 200 most frequent dict terms of 2+ characters of
the language's script, 50 random (random.Random(17)) dict terms of 2-4 such
characters (not among those), and the hand-picked news/compound words below.
For each query: documents found by dict (the query analysed by dict; several
tokens = a phrase, consecutive positions), by bigram (phrase of the query's
bigrams), by substr.  Every substring occurrence is classified by the dict
segmentation of its document:
  aligned  its ends are token boundaries and the boundaries inside are
           exactly the query's own (dict finds it);
  split    a token boundary falls inside the span where the query has none
           (bigram hit that a dictionary reader would call a different word,
           e.g. 京都 in 東京|都: the false-hit proxy);
  buried   no extra boundary inside, but an end falls inside a longer token
           (the query is part of a longer dictionary word: a hit dict misses,
           true or false depending on the word).
Also: "dict + *q*" recall, what kq's pattern *q* (every indexed word
containing q) would find with dict tokens (the aligned and buried
occurrences; for a query of several tokens, the phrase); the bigram postings
that straddle a dict word boundary; "content" rows for Japanese (queries with
a Han or Katakana character).  --kana-fold folds a final U+30FC of Katakana
dict terms of 4+ characters (Lucene's JapaneseKatakanaStemFilter); the
queries stay the same (drawn from unfolded tokens).
Output: OUT/cjk-segment.json (all figures), OUT/cjk-segment.tables.md (the
tables), OUT/examples-LANG.txt (examples of split and buried hits), and
OUT/corpus-LANG.txt (one document per line, for cjk-segment-speed).
examples-LANG.txt ends each class with its commonest (query, dict tokens over
the span) pairs; tests/bench/cjk-segment-judged.tsv labels the top 40 of them
by hand (see cjk-segment.md).
"""
import argparse
import collections
import glob
import gzip
import json
import os
import random
import re
import struct
import sys
import time

try:
    import icu
except ImportError:
    sys.exit("cjk-segment.py: needs python3-icu (PyICU); run it through "
             "tests/bench/cjk-segment.sh, which extracts it into the cache")

# Han (with 々 〇 〻 and the Suzhou numerals), Hiragana, Katakana (with ー and
# the half-width forms): the characters CJKBigramFilter joins (minus Hangul,
# which has spaces between words and is not measured here).
CJK_CHARS = ("\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf"
             "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
             "\u3041-\u309f\u30a0-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f")
CJK_RUN = re.compile("[" + CJK_CHARS + "]+")
CJK_ONE = re.compile("[" + CJK_CHARS + "]")
THAI_ONE = re.compile("[\u0e00-\u0e7f]")
SCRIPT = {"zh": CJK_ONE, "ja": CJK_ONE, "th": THAI_ONE,
          # the other scripts ICU segments by dictionary: only the
          # machine's message catalogs (small), --langs km,my,lo
          "km": re.compile("[\u1780-\u17ff]"), "my": re.compile("[\u1000-\u109f]"),
          "lo": re.compile("[\u0e80-\u0eff]")}
# "content" queries (Japanese): with a Han or Katakana character; the
# hiragana-only ones are grammatical endings and particles
KATAKANA = re.compile("[\u30a0-\u30ff]+$")
CONTENT = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u30a0-\u30ff]")

PICKED = {
    # news words (most absent from technical text: reported anyway) and
    # multi-word compounds of the corpus's own domain
    "zh": ["停火", "俄罗斯", "联合国", "选举", "政府", "和平", "国际", "北京",
           "上海", "新闻", "经济", "战争", "总统", "人口", "会议", "国会",
           "中国", "美国", "日本", "安全", "软件包管理", "网络配置",
           "系统管理员", "命令行参数", "文件系统", "配置文件", "环境变量",
           "操作系统", "安全更新", "用户名"],
    "ja": ["停戦", "東京", "京都", "大阪", "政府", "選挙", "日本", "国際",
           "国連", "ロシア", "戦争", "平和", "経済", "大統領", "会議", "国会",
           "外国人", "首相", "新聞", "社会", "パッケージ管理", "ネットワーク設定",
           "システム管理者", "コマンドライン引数", "ファイルシステム",
           "設定ファイル", "環境変数", "オペレーティングシステム",
           "セキュリティ更新", "ユーザー名"],
    "th": ["หยุดยิง", "รัฐบาล", "ประเทศไทย", "การเลือกตั้ง", "สันติภาพ", "ข่าว",
           "กรุงเทพ", "ภาษาไทย", "ระบบ", "แฟ้ม", "ไฟล์", "การตั้งค่า", "ผู้ใช้",
           "รหัสผ่าน", "เครือข่าย", "โปรแกรม", "หน้าต่าง", "ข้อความ", "เอกสาร",
           "คอมพิวเตอร์"],
}

# The sentences and the design's examples, shown segmented.
DEMO = ["亚美尼亚和阿塞拜疆宣布停火", "俄罗斯和联合国呼吁停火",
        "東京都で停戦が発表された", "京都大学の研究者", "和平台上的和平",
        "ประเทศไทยประกาศหยุดยิง"]


# ---------------------------------------------------------------- text

def decode(raw):
    for enc in ("utf-8", "gb18030", "euc-jp"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "replace")


def join_lines(lines):
    out = ""
    for ln in lines:
        ln = ln.strip()
        if not ln:
            continue
        if out and not (CJK_ONE.match(out[-1]) and CJK_ONE.match(ln[0])):
            out += " "
        out += ln
    return out


def paragraphs(text):
    block = []
    for ln in text.split("\n"):
        if ln.strip():
            block.append(ln)
        elif block:
            yield join_lines(block)
            block = []
    if block:
        yield join_lines(block)


ROFF_ESC = [
    (re.compile(r"\\f(\[[^]]*\]|\(..|.)"), ""),     # font changes
    (re.compile(r"\\s[-+]?\d"), ""),               # size changes
    (re.compile(r"\\\*?\(..|\\\[[^]]*\]"), ""),     # special characters
    (re.compile(r"\\[,/&:%|^]"), ""),              # spacing hints
    (re.compile(r"\\[-]"), "-"),
    (re.compile(r"\\e"), "\\\\"),
    (re.compile(r"\\ "), " "),
]
ROFF_BREAK = re.compile(r"^[.'](SH|SS|PP|P|LP|TP|IP|HP|sp|br|TH|RS|RE|nf|fi|"
                        r"Sh|Ss|Pp|It|Bl|El)\b")
ROFF_TEXT = re.compile(r"^[.'](B|I|SM|SB|BR|BI|IB|IR|RB|RI|Nm|Nd|Ar|Fl)\s+(.*)")


def roff_text(src):
    """Man page source -> paragraphs of running text (a plain stripper: enough
    to keep the translated sentences and drop the markup)."""
    out, block = [], []

    def flush():
        if block:
            out.append(join_lines(block))
            block.clear()
    for ln in src.split("\n"):
        if ln.startswith(('.\\"', "'\\\"", '.\\}')) or ln.startswith("\\\""):
            continue
        keep = None
        if ln.startswith((".", "'")):
            m = ROFF_TEXT.match(ln)
            if m:
                keep = m.group(2).replace('"', "")
                if m.group(1) in ("BR", "BI", "IB", "IR", "RB", "RI"):
                    keep = keep.replace(" ", "")
            elif ROFF_BREAK.match(ln):
                flush()
                m = re.match(r"^[.'](SH|SS|Sh|Ss)\s+(.*)", ln)
                if m:
                    block.append(m.group(2).replace('"', ""))
                    flush()
                continue
            else:
                continue
        else:
            keep = ln
        for rx, rep in ROFF_ESC:
            keep = rx.sub(rep, keep)
        if keep.strip():
            block.append(keep)
        else:
            flush()
    flush()
    return out


# keyboard accelerator marks of GTK (_), LibreOffice (~) and Qt (&): they sit
# inside words ("แ_บบ") and would split them
MO_ACCEL = re.compile(r"[_~&](?=\w)")


def mo_strings(path):
    """msgstr texts of a GNU .mo file (header entry skipped)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 20:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic == 0x950412de else ">"
    _, n, _, toff = struct.unpack(end + "4I", data[4:20])
    out = []
    for i in range(n):
        ln, off = struct.unpack(end + "2I", data[toff + 8 * i: toff + 8 * i + 8])
        s = data[off:off + ln]
        if not s or s.startswith(b"Project-Id-Version") or b"\nContent-Type:" in s:
            continue
        t = MO_ACCEL.sub("", decode(s))
        out.append(join_lines(t.replace("\0", "\n").split("\n")))
    return out


def load_corpus(lang, cache):
    x = os.path.join(cache, "x", "usr")
    docs, sources = [], collections.Counter()

    def add(src, texts):
        for t in texts:
            if SCRIPT[lang].search(t):
                docs.append(t)
                sources[src] += len(t.encode())
    dr = {"zh": "zh-cn", "ja": "ja"}.get(lang)
    if dr:
        p = os.path.join(x, "share/debian-reference/debian-reference.%s.txt.gz" % dr)
        with gzip.open(p, "rb") as f:
            add("debian-reference-" + dr, paragraphs(decode(f.read())))
        mandir = os.path.join(x, "share/man", {"zh": "zh_CN", "ja": "ja"}[lang])
        for p in sorted(glob.glob(mandir + "/man*/*")):
            with open(p, "rb") as f:
                raw = f.read()
            if p.endswith(".gz"):
                raw = gzip.decompress(raw)
            add("manpages-" + lang, roff_text(decode(raw)))
    loc = {"zh": "zh_CN"}.get(lang, lang)
    for p in sorted(glob.glob("/usr/share/locale/%s/LC_MESSAGES/*.mo" % loc)):
        add("locale-%s-mo" % loc, mo_strings(p))
    if lang == "th":
        for p in sorted(glob.glob(x + "/lib/libreoffice/program/resource/th/LC_MESSAGES/*.mo")):
            add("libreoffice-l10n-th", mo_strings(p))
    # one document per distinct text: .mo catalogs repeat strings a lot
    seen, uniq = set(), []
    for d in docs:
        if d not in seen:
            seen.add(d)
            uniq.append(d)
    return uniq, dict(sources)


# ---------------------------------------------------------------- analyzers

class Dict:
    """ICU word segmentation; tokens = (term, start, end), offsets in str
    characters (ICU's are UTF-16 units: mapped back when there are
    supplementary-plane characters)."""

    def __init__(self, lang, kana_fold=False):
        self.bi = icu.BreakIterator.createWordInstance(icu.Locale(lang))
        self.kana_fold = kana_fold

    def fold(self, term):
        term = term.casefold()
        # --kana-fold: a Katakana term of 4+ characters loses one final
        # prolonged sound mark (ユーザー -> ユーザ), as Lucene's
        # JapaneseKatakanaStemFilter does (minimum length 4)
        if self.kana_fold and len(term) >= 4 and term[-1] == "\u30fc" and KATAKANA.match(term):
            term = term[:-1]
        return term

    def tokens(self, text):
        bi = self.bi
        bi.setText(text)
        if max(text) < "\U00010000":
            idx = None
        else:
            idx, u = {}, 0
            for i, c in enumerate(text):
                idx[u] = i
                u += 2 if ord(c) > 0xFFFF else 1
            idx[u] = len(text)
        out, p = [], 0
        for b in bi:
            if bi.getRuleStatus() >= 100:
                s, e = (p, b) if idx is None else (idx[p], idx[b])
                out.append((self.fold(text[s:e]), s, e))
            p = b
        return out


class Bigram:
    """CJK runs -> overlapping bigrams (isolated character -> unigram); the
    other text -> the ICU tokens that contain no CJK character."""

    def __init__(self, dictseg):
        self.d = dictseg

    def tokens(self, text, dtoks=None):
        if dtoks is None:
            dtoks = self.d.tokens(text)
        out = [t for t in dtoks if not CJK_ONE.search(t[0])]
        for m in CJK_RUN.finditer(text):
            s, e = m.span()
            if e - s == 1:
                out.append((text[s].casefold(), s, e))
            for i in range(s, e - 1):
                out.append((text[i:i + 2].casefold(), i, i + 2))
        out.sort(key=lambda t: (t[1], t[2]))
        return out


class Index:
    def __init__(self):
        self.post = collections.defaultdict(lambda: collections.defaultdict(list))
        self.ntok = 0

    def add(self, doc, toks):
        for pos, (t, _, _) in enumerate(toks):
            self.post[t][doc].append(pos)
        self.ntok += len(toks)

    def phrase(self, terms):
        """docs where terms occur at consecutive positions"""
        if not terms:
            return set()
        lists = [self.post.get(t) for t in terms]
        if any(l is None for l in lists):
            return set()
        docs = set(lists[0])
        for l in lists[1:]:
            docs &= set(l)
        if len(terms) == 1:
            return docs
        hit = set()
        for d in docs:
            sets = [set(l[d]) for l in lists]
            if any(all(p + i in sets[i] for i in range(1, len(terms))) for p in lists[0][d]):
                hit.add(d)
        return hit


# ---------------------------------------------------------------- measure

def classify(qb, s, e, bounds, inner):
    """aligned / split / buried for a substring occurrence [s,e) of a query
    whose own inner boundaries are qb (relative); bounds = the document's
    token boundaries, inner = those strictly inside [s,e)."""
    extra = [b for b in inner if b - s not in qb]
    if extra:
        return "split"
    if s in bounds and e in bounds and len(inner) == len(qb):
        return "aligned"
    return "buried"


def context(text, s, e, toks, width=12):
    """the text around [s,e): the span in [], the dict token boundaries as |"""
    a, b = max(0, s - width), min(len(text), e + width)
    cuts = {x for t in toks for x in (t[1], t[2]) if a < x < b}
    res, p = "", a
    for c in sorted(cuts | {s, e, b}):
        res += text[p:c]
        if c == e:
            res += "]"
        if c in cuts:
            res += "|"
        if c == s:
            res += "["
        p = c
    return res.replace("\n", " ")


def run_lang(lang, cache, outdir, nex, done=(), kana_fold=False):
    t0 = time.time()
    docs, sources = load_corpus(lang, cache)
    nbytes = sum(len(d.encode()) for d in docs)
    script = SCRIPT[lang]
    nscript = sum(len(script.findall(d)) for d in docs)
    with open(os.path.join(outdir, "corpus-%s.txt" % lang), "w") as f:
        for d in docs:
            f.write(d.replace("\n", " ") + "\n")
    print("%s: %d documents, %.2f MB (%d %s characters), loaded in %.1fs"
          % (lang, len(docs), nbytes / 1e6, nscript, "CJK" if lang in ("zh", "ja") else lang + " script",
             time.time() - t0), file=sys.stderr)

    dseg = Dict(lang, kana_fold)
    bseg = Bigram(dseg)

    # speed (Python; includes the interpreter's overhead on both sides)
    t = time.perf_counter()
    dtoks = [dseg.tokens(d) for d in docs]
    t_dict = time.perf_counter() - t
    t = time.perf_counter()
    ws = re.compile(r"\w+")
    nb = 0
    for d in docs:                      # bigram analyzer alone: runs + \w+ between
        last = 0
        for m in CJK_RUN.finditer(d):
            s, e = m.span()
            nb += len(ws.findall(d, last, s))
            nb += max(1, e - s - 1)
            last = e
        nb += len(ws.findall(d, last))
    t_big = time.perf_counter() - t

    cjk = lang in ("zh", "ja")
    btoks = [bseg.tokens(d, dt) for d, dt in zip(docs, dtoks)] if cjk else None
    bounds0 = [set(x for t in tl for x in (t[1], t[2])) for tl in dtoks]

    res = {"lang": lang, "docs": len(docs), "bytes": nbytes, "script_chars": nscript,
           "sources": sources,
           "speed_py_MBps": {"dict": nbytes / 1e6 / t_dict,
                             "bigram": nbytes / 1e6 / t_big if cjk else None}}
    res["demo"] = {s: [t[0] for t in dseg.tokens(s)] for s in DEMO
                   if script.search(s) and not (lang == "ja" and "zh" in done)}

    def vocab(toklists):
        allt = collections.Counter()
        for tl in toklists:
            allt.update(t[0] for t in tl)
        sc = {t: c for t, c in allt.items() if script.search(t)}
        return allt, sc
    dall, dsc = vocab(dtoks)
    res["dict"] = {"terms": len(dall), "script_terms": len(dsc),
                   "postings": sum(dall.values()), "script_postings": sum(dsc.values()),
                   "postings_per_MB": sum(dall.values()) / (nbytes / 1e6),
                   "mean_script_token_chars": sum(len(t) * c for t, c in dsc.items()) / max(1, sum(dsc.values()))}
    if btoks:
        # bigram postings that straddle a dict word boundary (的文 in 的|文件):
        # not part of any word, noise for collocates and keywords
        cross = sum(1 for tl, bd in zip(btoks, bounds0)
                    for t in tl if len(t[0]) == 2 and CJK_ONE.match(t[0][0]) and t[1] + 1 in bd)
        ball, bsc = vocab(btoks)
        res["bigram"] = {"terms": len(ball), "script_terms": len(bsc),
                         "postings": sum(ball.values()), "script_postings": sum(bsc.values()),
                         "postings_per_MB": sum(ball.values()) / (nbytes / 1e6),
                         "cross_word_postings": cross}

    # queries
    def is_word(t):
        return len(t) >= 2 and all(script.match(c) for c in t)
    # drawn from the unfolded tokens (the source text's forms), so that
    # --kana-fold runs the same queries
    qsc = collections.Counter(d[t[1]:t[2]].casefold() for d, tl in zip(docs, dtoks) for t in tl)
    dsc = {t: c for t, c in qsc.items() if script.search(t)}
    top = [t for t, _ in sorted(dsc.items(), key=lambda kv: (-kv[1], kv[0])) if is_word(t)][:200]
    # random words: 2-4 characters for Han/Kana; Thai counts vowel and tone
    # marks as characters, so 3-8 there
    lo, hi = (2, 4) if lang in ("zh", "ja") else (3, 8)
    pool = sorted(t for t in dsc if is_word(t) and lo <= len(t) <= hi and t not in set(top))
    rnd = random.Random(17).sample(pool, min(50, len(pool)))
    queries = [("top", q) for q in top] + [("random", q) for q in rnd] + \
              [("picked", q) for q in PICKED.get(lang, []) if q not in set(top) | set(rnd)]

    dix = Index()
    for i, tl in enumerate(dtoks):
        dix.add(i, tl)
    bix = None
    if btoks:
        bix = Index()
        for i, tl in enumerate(btoks):
            bix.add(i, tl)
    bounds = bounds0
    low = [d.casefold() for d in docs]

    perq, examples = [], collections.defaultdict(list)
    for kind, q in queries:
        qt = dseg.tokens(q)
        qterms = [t[0] for t in qt]
        qb = set(x for t in qt for x in (t[1], t[2])) - {0, len(q)}
        ddocs = dix.phrase(qterms)
        bdocs = bix.phrase([t[0] for t in bseg.tokens(q)]) if bix else None
        sdocs, occ = set(), collections.Counter()
        docclass = {}       # doc -> its best occurrence: aligned > split > buried
        infix = 0           # docs with an aligned or buried occurrence
        for i, d in enumerate(low):
            s = d.find(q)
            if s < 0:
                continue
            sdocs.add(i)
            seen = set()
            while s >= 0:
                e = s + len(q)
                inner = [b for b in bounds[i] if s < b < e]
                c = classify(qb, s, e, bounds[i], inner)
                occ[c] += 1
                seen.add(c)
                if c != "aligned":
                    examples[c].append((q, i, s, e))
                s = d.find(q, s + 1)
            docclass[i] = next(c for c in ("aligned", "split", "buried") if c in seen)
            infix += "aligned" in seen or "buried" in seen
        dc = collections.Counter(docclass.values())
        # kq's pattern *q* (every indexed word containing q, ORed) finds the
        # documents with an aligned or buried occurrence; a pattern is one
        # word, so for a query of several tokens it is the phrase itself
        if len(qterms) != 1:
            infix = len(ddocs & sdocs)
        perq.append({"kind": kind, "q": q, "q_tokens": qterms,
                     "substr": len(sdocs), "dict": len(ddocs),
                     "dict_in_substr": len(ddocs & sdocs),
                     "infix_in_substr": infix,
                     "bigram": len(bdocs) if bdocs is not None else None,
                     "bigram_in_substr": len(bdocs & sdocs) if bdocs is not None else None,
                     "occ": dict(occ), "docs_by_class": dict(dc)})
    res["queries"] = perq

    def summary(rows):
        s = {"queries": len(rows), "with_hits": sum(1 for r in rows if r["substr"])}
        S = sum(r["substr"] for r in rows)
        s["substr_docs"] = S
        s["dict_docs"] = sum(r["dict"] for r in rows)
        s["dict_recall_micro"] = sum(r["dict_in_substr"] for r in rows) / S if S else None
        hr = [r for r in rows if r["substr"]]
        s["dict_recall_macro"] = sum(r["dict_in_substr"] / r["substr"] for r in hr) / len(hr) if hr else None
        s["dict_outside_substr"] = sum(r["dict"] - r["dict_in_substr"] for r in rows)
        s["infix_recall_micro"] = sum(r["infix_in_substr"] for r in rows) / S if S else None
        if rows and rows[0]["bigram"] is not None:
            s["bigram_docs"] = sum(r["bigram"] for r in rows)
            s["bigram_recall_micro"] = sum(r["bigram_in_substr"] for r in rows) / S if S else None
            s["bigram_outside_substr"] = sum(r["bigram"] - r["bigram_in_substr"] for r in rows)
        occ = collections.Counter()
        dcl = collections.Counter()
        for r in rows:
            occ.update(r["occ"])
            dcl.update(r["docs_by_class"])
        s["occ"] = dict(occ)
        s["docs_by_class"] = dict(dcl)
        n = sum(occ.values())
        s["occ_split_frac"] = occ["split"] / n if n else None
        s["occ_buried_frac"] = occ["buried"] / n if n else None
        nd = sum(dcl.values())
        s["doc_split_frac"] = dcl["split"] / nd if nd else None
        s["doc_buried_frac"] = dcl["buried"] / nd if nd else None
        return s
    res["summary"] = {k: summary([r for r in perq if k in ("all", r["kind"]) or
                                  (k == "content" and CONTENT.search(r["q"]))])
                      for k in ("top", "random", "picked", "all", "content")
                      if lang == "ja" or k != "content"}

    # examples: a few per class, spread over distinct queries, fixed seed;
    # the file also has a uniform sample of occurrences (to judge by hand)
    # and the commonest dict tokens that cover a buried/split span
    rng = random.Random(17)
    exs = {}
    with open(os.path.join(outdir, "examples-%s.txt" % lang), "w") as f:
        for c in ("split", "buried"):
            lst = examples[c]
            rng.shuffle(lst)
            seen, pick = set(), []
            for q, i, s, e in lst:
                if q in seen:
                    continue
                seen.add(q)
                pick.append((q, context(docs[i], s, e, dtoks[i])))
            exs[c] = pick[:nex]
            f.write("# %s: %d occurrences (%d queries); one per query:\n"
                    % (c, len(lst), len({x[0] for x in lst})))
            for q, ctx in pick[:60]:
                f.write("%s\t%s\n" % (q, ctx))
            f.write("# %s: uniform sample of 40 occurrences:\n" % c)
            for q, i, s, e in lst[:40]:
                f.write("%s\t%s\n" % (q, context(docs[i], s, e, dtoks[i])))
            for which in ("all", "content") if lang == "ja" else ("all",):
                cover = collections.Counter()
                for q, i, s, e in lst:
                    if which == "all" or CONTENT.search(q):
                        cover[(q, "|".join(t[0] for t in dtoks[i] if t[1] < e and t[2] > s))] += 1
                f.write("# %s: commonest (query, dict tokens over the span), %s queries, of %d:\n"
                        % (c, which, sum(cover.values())))
                for (q, toks), n in cover.most_common(40):
                    f.write("%s\t%s\t%d\n" % (q, toks, n))
    res["examples"] = exs
    # picked queries in full
    res["picked"] = [r for r in perq if r["kind"] == "picked"]
    print("%s: done in %.1fs" % (lang, time.time() - t0), file=sys.stderr)
    return res


def pct(x):
    return "-" if x is None else "%.1f%%" % (100 * x)


def tables(results):
    L = []
    L.append("### Corpus and analyzers\n")
    L.append("| | docs | MB | script chars | analyzer | distinct terms (all / script) | postings (all / script) | postings per MB | speed MB/s (Python) |")
    L.append("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for r in results:
        mb = r["bytes"] / 1e6
        for a in ("dict", "bigram"):
            if a not in r:
                continue
            x = r[a]
            L.append("| %s | %d | %.2f | %d | %s | %d / %d | %d / %d | %.0f | %.2f |" % (
                r["lang"], r["docs"], mb, r["script_chars"], a, x["terms"], x["script_terms"],
                x["postings"], x["script_postings"], x["postings_per_MB"], r["speed_py_MBps"][a]))
    L.append("")
    for r in results:
        if "bigram" in r:
            x = r["bigram"]
            L.append("- %s: %d of the %d bigram postings (%.1f%%) straddle a dict word boundary." % (
                r["lang"], x["cross_word_postings"], x["script_postings"],
                100 * x["cross_word_postings"] / x["script_postings"]))
    L.append("")
    L.append("### Query behaviour (documents = paragraphs; recall against substring)\n")
    L.append("| lang | queries | queries with hits | substr docs | dict recall (micro / macro) | dict + `*q*` recall | bigram recall | substr occurrences: aligned / split / buried | docs dict misses: split / buried |")
    L.append("|---|---|---:|---:|---|---:|---:|---|---|")
    for r in results:
        for k, s in r["summary"].items():
            o = s["occ"]
            n = sum(o.values()) or 1
            dcl = s["docs_by_class"]
            nd = sum(dcl.values()) or 1
            L.append("| %s | %s (%d) | %d | %d | %s / %s | %s | %s | %d / %d (%s) / %d (%s) | %d (%s) / %d (%s) |" % (
                r["lang"], k, s["queries"], s["with_hits"], s["substr_docs"],
                pct(s["dict_recall_micro"]), pct(s["dict_recall_macro"]),
                pct(s["infix_recall_micro"]),
                pct(s.get("bigram_recall_micro")),
                o.get("aligned", 0), o.get("split", 0), pct(o.get("split", 0) / n),
                o.get("buried", 0), pct(o.get("buried", 0) / n),
                dcl.get("split", 0), pct(dcl.get("split", 0) / nd),
                dcl.get("buried", 0), pct(dcl.get("buried", 0) / nd)))
    L.append("")
    for r in results:
        L.append("### Picked queries, %s (docs: substr / dict / bigram; dict tokens of the query)\n" % r["lang"])
        L.append("| query | dict tokens | substr | dict | bigram | occurrences aligned / split / buried |")
        L.append("|---|---|---:|---:|---:|---|")
        for q in r["picked"]:
            o = q["occ"]
            L.append("| %s | %s | %d | %d | %s | %d / %d / %d |" % (
                q["q"], " ".join(q["q_tokens"]), q["substr"], q["dict"],
                "-" if q["bigram"] is None else q["bigram"],
                o.get("aligned", 0), o.get("split", 0), o.get("buried", 0)))
        L.append("")
    for r in results:
        L.append("### Examples, %s (span in [], dict boundaries as |)\n" % r["lang"])
        for c in ("split", "buried"):
            for q, ctx in r["examples"].get(c, []):
                L.append("- %s `%s`: %s" % (c, q, ctx))
        L.append("")
    L.append("### The issue's sentences through ICU\n")
    for r in results:
        for s, toks in r["demo"].items():
            L.append("- %s -> %s" % (s, " | ".join(toks)))
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", required=True)
    ap.add_argument("--langs", default="zh,ja,th")
    ap.add_argument("--out", default=None)
    ap.add_argument("--examples", type=int, default=8)
    ap.add_argument("--kana-fold", action="store_true",
                    help="fold a final U+30FC of Katakana dict terms of 4+ characters")
    a = ap.parse_args()
    out = a.out or os.path.join(a.cache, "out")
    os.makedirs(out, exist_ok=True)
    results = []
    for l in a.langs.split(","):
        results.append(run_lang(l, a.cache, out, a.examples, [r["lang"] for r in results],
                                a.kana_fold))
    with open(os.path.join(out, "cjk-segment.json"), "w") as f:
        json.dump({"icu": icu.ICU_VERSION, "pyicu": icu.VERSION, "results": results},
                  f, ensure_ascii=False, indent=1)
    md = tables(results)
    with open(os.path.join(out, "cjk-segment.tables.md"), "w") as f:
        f.write(md)
    sys.stdout.write(md)


if __name__ == "__main__":
    main()

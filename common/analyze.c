/*
** analyze.c -- the one analysis chain for documents and queries:
**
**     UTF-8 text -> runs -> words (UAX #29) -> folding -> Snowball stem
**
** Runs.  A run starts with a letter or digit (general category L*, N*) and
** goes on through letters, digits, combining marks (M*) and the format
** characters that Unicode's word rules ignore inside a word (Word_Break
** Format, Extend, ZWJ: ZWNJ, ZWJ, soft hyphen, bidi marks).  Everything
** else, including bytes that are not valid UTF-8, separates runs.  So
** punctuation always separates: "peace-keepers" is two tokens, and so are
** "U.S." ("u" "s"), "l'homme" ("l" "homme") and "3.5"; the query parser
** turns such a query word into a phrase, so "U.S." still finds "U.S.".
** (UAX #29 would keep "l'homme" and "3.5" whole; kq splits them so that
** "homme" finds "l'homme", as Lucene's elision filter does for French.)
**
** Words.  A run of ASCII letters and digits is one token, with no library
** call (the common case).  So is a run whose characters all have
** Word_Break ALetter, Hebrew_Letter, Numeric, Extend, Format or ZWJ: by
** UAX #29 (rules WB4-WB10) nothing inside it is a word boundary.  That is
** every run of Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic,
** Hangul and the Indic scripts.  Any other run (Han, Hiragana, Katakana,
** Thai, Lao, Khmer, Myanmar, or a letter next to a symbol-like number) goes
** to ICU's word BreakIterator, which applies UAX #29 and, for Chinese,
** Japanese, Thai, Lao, Khmer and Burmese, ICU's dictionaries; its segments
** with a word status (number, letter, kana, ideograph) are the tokens.
** Dictionary words, not character bigrams: measured on real Chinese,
** Japanese and Thai text in tests/bench/cjk-segment.md.  A run longer
** than KQ_MAX_SEGMENT_RUN bytes is given to ICU in pieces of at most that
** size (split between characters), which bounds the dictionary engines'
** time and memory.
**
** Folding (fold_unicode(); ASCII is only lower-cased): compatibility
** decomposition (ligatures, full-width forms), case folding (ß -> ss),
** removal of default-ignorable characters (ZWJ, ZWNJ, soft hyphen), removal
** of the combining marks users think of as accents -- and only those (see
** is_accent()) -- then canonical recomposition.  Indic vowel signs,
** viramas and nuktas, Thai and Lao vowel and tone marks, kana voicing marks
** and all other marks stay: removing them changes the word (Hindi
** "bhaarat", India, would become "bharat", a name; Japanese "ga" "ka").
** A long Katakana word loses a final prolonged sound mark
** (katakana_stem()).
**
** Stemming uses libstemmer (Snowball); "none" disables it.  Tokens longer
** than KQI_MAX_TERM bytes after folding take a position but are not
** delivered; so do tokens longer than KQI_MAX_RAW_TERM bytes before
** folding, which are not folded at all.
*/
#include "kq_int.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include "icu.h"

#include <utf8proc.h>

struct kq_analyzer {
    struct sb_stemmer *pStem; /* NULL for "none" */
    char zLang[KQI_MAX_LANG];
    utf8proc_int32_t *aCp; /* folding scratch */
    size_t nCp;
    UBreakIterator *pBreak; /* ICU word breaks; opened when a run
                            ** first needs one (segment_run()) */
    kq_analyzer **apLang;   /* the other languages a query word is
                            ** analysed in (kqi_analyzer_lang_get()) */
    int nLang;
    char aTerm[KQI_MAX_TERM]; /* the folded token; never NUL-terminated:
                              ** fold_unicode() and term_of() check every
                              ** write against its size */
};

static const char *const zNone = "none";

const char **
kq_languages(void)
{
    return sb_stemmer_list();
}

/* ISO 639 codes that libstemmer accepts, and the canonical names we store
** (libstemmer does not tell which algorithm an alias stands for). */
static const char *const azAlias[][2] = {
    {"ar", "arabic"},      {"ara", "arabic"},    {"hy", "armenian"},
    {"hye", "armenian"},   {"arm", "armenian"},  {"eu", "basque"},
    {"eus", "basque"},     {"baq", "basque"},    {"ca", "catalan"},
    {"cat", "catalan"},    {"da", "danish"},     {"dan", "danish"},
    {"nl", "dutch"},       {"dut", "dutch"},     {"nld", "dutch"},
    {"en", "english"},     {"eng", "english"},   {"fi", "finnish"},
    {"fin", "finnish"},    {"fr", "french"},     {"fre", "french"},
    {"fra", "french"},     {"de", "german"},     {"ger", "german"},
    {"deu", "german"},     {"el", "greek"},      {"ell", "greek"},
    {"gre", "greek"},      {"hi", "hindi"},      {"hin", "hindi"},
    {"hu", "hungarian"},   {"hun", "hungarian"}, {"id", "indonesian"},
    {"ind", "indonesian"}, {"ga", "irish"},      {"gle", "irish"},
    {"it", "italian"},     {"ita", "italian"},   {"lt", "lithuanian"},
    {"lit", "lithuanian"}, {"ne", "nepali"},     {"nep", "nepali"},
    {"no", "norwegian"},   {"nor", "norwegian"}, {"pt", "portuguese"},
    {"por", "portuguese"}, {"ro", "romanian"},   {"ron", "romanian"},
    {"rum", "romanian"},   {"ru", "russian"},    {"rus", "russian"},
    {"sr", "serbian"},     {"srp", "serbian"},   {"es", "spanish"},
    {"spa", "spanish"},    {"sv", "swedish"},    {"swe", "swedish"},
    {"ta", "tamil"},       {"tam", "tamil"},     {"tr", "turkish"},
    {"tur", "turkish"},    {"yi", "yiddish"},    {"yid", "yiddish"},
};

int
kqi_lang_name(const char *z, size_t n, char aOut[KQI_MAX_LANG])
{
    if (n >= KQI_MAX_LANG || memchr(z, 0, n) != NULL) {
        return KQ_NOTFOUND;
    }
    memcpy(aOut, z, n);
    aOut[n] = 0;
    return KQ_OK;
}

int
kq_analyzer_new(const char *zLang, kq_analyzer **ppOut)
{
    char aName[KQI_MAX_LANG];
    *ppOut = NULL;
    if (zLang == NULL) {
        zLang = KQ_DEFAULT_LANG;
    }
    for (size_t i = 0; i < sizeof(azAlias) / sizeof(azAlias[0]); i++) {
        if (strcmp(zLang, azAlias[i][0]) == 0) {
            /* Only if this libstemmer has it. */
            for (const char **a = sb_stemmer_list(); *a; a++) {
                if (strcmp(*a, azAlias[i][1]) == 0) {
                    zLang = azAlias[i][1];
                    break;
                }
            }
            break;
        }
    }
    if (kqi_lang_name(zLang, strlen(zLang), aName) != KQ_OK) {
        return KQ_NOTFOUND;
    }
    kq_analyzer *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return KQ_NOMEM;
    }
    if (strcmp(zLang, zNone) != 0) {
        p->pStem = sb_stemmer_new(zLang, "UTF_8");
        if (p->pStem == NULL) {
            free(p);
            return KQ_NOTFOUND;
        }
    }
    memcpy(p->zLang, aName, sizeof(aName));
    *ppOut = p;
    return KQ_OK;
}

void
kq_analyzer_free(kq_analyzer *p)
{
    if (p) {
        if (p->pStem) {
            sb_stemmer_delete(p->pStem);
        }
        if (p->pBreak) {
            kqi_icu_load()->xBrkClose(p->pBreak); /* loaded: it made pBreak */
        }
        for (int i = 0; i < p->nLang; i++) {
            kq_analyzer_free(p->apLang[i]);
        }
        free(p->apLang);
        free(p->aCp);
        free(p);
    }
}

const char *
kq_analyzer_lang(const kq_analyzer *p)
{
    return p->zLang;
}

/* Kinds of character for the run scanner (char_at()). */
enum {
    CH_SEP,   /* separates runs */
    CH_START, /* a letter or digit: starts or continues a run */
    CH_CONT   /* a mark or ignorable format character: continues one */
};

/* May a code point start a run (a letter or a digit)? */
static int
is_start_cat(utf8proc_category_t k)
{
    switch (k) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return 1;
    default: return 0;
    }
}

static int
is_mark_cat(utf8proc_category_t k)
{
    return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_MC ||
           k == UTF8PROC_CATEGORY_ME;
}

/* Is the letter or digit c (category k) one of Latin, IPA, Greek or
** Cyrillic (below U+0530, and U+1E00-1FFF, but not a symbol-like number)?
** Such characters join words (is_joining_cp() below) without asking ICU,
** which spares European text loading it (icu.c); t_analyze.c checks that
** against ICU for every one of them. */
static int
is_european(utf8proc_int32_t c, utf8proc_category_t k)
{
    return (c < 0x0530 || (c >= 0x1E00 && c <= 0x1FFF)) &&
           k != UTF8PROC_CATEGORY_NO && k != UTF8PROC_CATEGORY_NL;
}

/* Is a word boundary inside a run impossible next to the letter or digit
** c?  True for the Word_Break values that UAX #29 never breaks between
** (rules WB4-WB10): a run of such characters is one word without asking
** ICU's word breaker. */
static int
is_joining_cp(utf8proc_int32_t c, const kqi_icu *pIcu)
{
    switch (pIcu->xIntProperty(c, UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER:
    case U_WB_HEBREW_LETTER:
    case U_WB_NUMERIC:
    case U_WB_EXTEND:
    case U_WB_FORMAT:
    case U_WB_ZWJ: return 1;
    default: return 0;
    }
}

/* Does the format character c (general category Cf) continue a word, as
** UAX #29 says (Word_Break Format, Extend or ZWJ: every Cf but ZERO WIDTH
** SPACE, which is Other)?  t_analyze.c checks this against ICU for every
** Cf character. */
static int
is_format_in_word(utf8proc_int32_t c)
{
    return c != 0x200B;
}

int
kqi_analyze_rule(int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    if (is_start_cat(k)) {
        return is_european(c, k) ? 1 : -1;
    }
    return k == UTF8PROC_CATEGORY_CF ? is_format_in_word(c) : -1;
}

static inline int
is_ascii_word(u8 c)
{
    return (u8)((c | 32) - 'a') < 26 || (u8)(c - '0') < 10;
}

/* The non-ASCII character at z[i] (i < n): its byte length; its kind
** (CH_*) in *pKind, and in *pbSeg whether the run holding it must be
** segmented by ICU.  A byte that does not start valid UTF-8 is a one-byte
** separator.  *ppIcu is ICU's table, fetched when first needed (NULL
** until then; on failure *pRc is set). */
static size_t
char_at(const u8 *z, size_t i, size_t n, int *pKind, int *pbSeg,
        const kqi_icu **ppIcu, int *pRc)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t l = utf8proc_iterate(z + i, (utf8proc_ssize_t)(n - i),
                                          &c);
    *pbSeg = 0;
    if (l < 0) {
        *pKind = CH_SEP;
        return 1;
    }
    utf8proc_category_t k = utf8proc_category(c);
    if (is_start_cat(k)) {
        *pKind = CH_START;
        if (!is_european(c, k)) {
            if (*ppIcu == NULL && (*ppIcu = kqi_icu_load()) == NULL) {
                *pRc = KQ_IOERR;
                return (size_t)l;
            }
            *pbSeg = !is_joining_cp(c, *ppIcu);
        }
    } else if (is_mark_cat(k)) {
        *pKind = CH_CONT; /* Word_Break Extend */
    } else {
        *pKind = k == UTF8PROC_CATEGORY_CF && is_format_in_word(c) ? CH_CONT
                                                                   : CH_SEP;
    }
    return (size_t)l;
}

/* Is c a combining mark users think of as an accent, which folding removes?
** The rule: the marks that Latin, Greek and Cyrillic write as
** diacritics, and the vowel points of Hebrew and Arabic -- what a reader
** of those languages leaves out when typing a query.  By block: Combining
** Diacritical Marks (0300-036F) and their Extended (1AB0-1AFF) and
** Supplement (1DC0-1DFF) blocks, Combining Marks for Symbols (20D0-20FF),
** Combining Half Marks (FE20-FE2F), the Cyrillic combining marks
** (0483-0489), the Hebrew points and cantillation marks (0591-05C7) and
** the Arabic harakat, Quranic annotation marks and superscript alef
** (0610-061A, 064B-065F, 0670, 06D6-06ED); only characters of category M*
** in those ranges (the Hebrew and Arabic ranges hold punctuation and
** letters too).  Every other mark is part of its letter: Indic vowel signs,
** viramas and nuktas, Thai, Lao, Tibetan, Myanmar and Khmer signs, kana
** voicing marks (U+3099, U+309A), Hangul tone marks. */
static int
is_accent(utf8proc_int32_t c, utf8proc_category_t k)
{
    static const utf8proc_int32_t aRange[][2] = {
        {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05C7}, {0x0610, 0x061A},
        {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06ED}, {0x1AB0, 0x1AFF},
        {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0xFE20, 0xFE2F},
    };
    for (size_t i = 0; i < sizeof(aRange) / sizeof(aRange[0]); i++) {
        if (c >= aRange[i][0] && c <= aRange[i][1]) {
            return is_mark_cat(k);
        }
    }
    return 0;
}

/* Katakana words of at least KATAKANA_STEM_MIN characters lose one final
** prolonged sound mark (U+30FC): loanwords are written both ways
** (konpyuutaa / konpyuuta, yuuzaa / yuuza), and Japanese users expect
** either to find both -- Lucene's JapaneseKatakanaStemFilter, with its
** minimum.  Shorter words keep it: there the mark tells words apart.
** Measured on Japanese text (tests/bench/cjk-segment.md): yuuza found 1457
** of 2878 documents with yuuzaa or yuuza, 2876 with this rule. */
#define KATAKANA_STEM_MIN 4

static utf8proc_ssize_t
katakana_stem(const utf8proc_int32_t *a, utf8proc_ssize_t n)
{
    if (n < KATAKANA_STEM_MIN || a[n - 1] != 0x30FC) {
        return n;
    }
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        if (a[i] < 0x30A1 || a[i] > 0x30FF) {
            return n; /* not all Katakana */
        }
    }
    return n - 1;
}

/* Fold the non-ASCII token z[0..n) into p->aTerm; returns the length (0 if
** nothing is left or it is longer than p->aTerm, i.e. KQI_MAX_TERM). */
static size_t
fold_unicode(kq_analyzer *p, const u8 *z, size_t n)
{
    const int opts = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                     UTF8PROC_IGNORE;
    for (;;) {
        utf8proc_ssize_t r = utf8proc_decompose(
            z, (utf8proc_ssize_t)n, p->aCp, (utf8proc_ssize_t)p->nCp, opts);
        if (r < 0) {
            return 0; /* cannot happen: the token was validated */
        }
        if ((size_t)r <= p->nCp) {
            /* Keep letters, digits and the marks that are not accents;
            ** compatibility decomposition can give others ("1/2"). */
            utf8proc_ssize_t k = 0;
            int bStart = 0;
            for (utf8proc_ssize_t i = 0; i < r; i++) {
                utf8proc_int32_t c = p->aCp[i];
                utf8proc_category_t cat = utf8proc_category(c);
                /* A mark before any letter is dropped: a halfwidth
                ** voicing mark, U+FF9E, is a letter that folds to the
                ** combining U+3099, and a term that began with it would
                ** not fold to itself (a word does not start with a mark,
                ** so the mark would be cut off). */
                if ((is_start_cat(cat) || (bStart && is_mark_cat(cat))) &&
                    !is_accent(c, cat)) {
                    p->aCp[k++] = c;
                    bStart |= is_start_cat(cat);
                }
            }
            if (!bStart) {
                /* Only marks: no term.  The token keeps its position, as
                ** a word too long does. */
                return 0;
            }
            r = utf8proc_normalize_utf32(p->aCp, k, UTF8PROC_COMPOSE);
            if (r < 0) {
                return 0;
            }
            r = katakana_stem(p->aCp, r);
            size_t nOut = 0;
            for (utf8proc_ssize_t i = 0; i < r; i++) {
                utf8proc_uint8_t a[4];
                size_t l = (size_t)utf8proc_encode_char(p->aCp[i], a);
                if (l > sizeof(p->aTerm) - nOut) {
                    return 0;
                }
                memcpy(p->aTerm + nOut, a, l);
                nOut += l;
            }
            return nOut;
        }
        size_t nNew = (size_t)r + 16;
        utf8proc_int32_t *a = realloc(p->aCp, nNew * sizeof(*a));
        if (a == NULL) {
            return 0;
        }
        p->aCp = a;
        p->nCp = nNew;
    }
}

/* Fold (and stem, unless bNoStem) the token z[0..n); bAscii if all bytes are
** ASCII.  Sets *pzOut and *pnOut; returns 0 if the token is not delivered. */
static int
term_of(kq_analyzer *p, const u8 *z, size_t n, int bAscii, int bNoStem,
        const char **pzOut, size_t *pnOut)
{
    if (n > KQI_MAX_RAW_TERM) {
        return 0;
    }
    size_t nTerm;
    if (bAscii) {
        /* ASCII folding keeps the length: check it before the copy. */
        if (n > sizeof(p->aTerm)) {
            return 0;
        }
        for (size_t i = 0; i < n; i++) {
            u8 c = z[i];
            p->aTerm[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        }
        nTerm = n;
    } else {
        nTerm = fold_unicode(p, z, n);
    }
    /* The folded word's length decides (both branches refuse one longer
    ** than KQI_MAX_TERM), so that the stemmed and unstemmed analyses deliver
    ** the same tokens. */
    if (nTerm == 0) {
        return 0;
    }
    if (bNoStem) {
        *pzOut = p->aTerm;
        *pnOut = nTerm;
        return 1;
    }
    return kq_stem(p, p->aTerm, nTerm, pzOut, pnOut) == KQ_OK;
}

int
kq_stem(kq_analyzer *p, const char *z, size_t n, const char **pzOut,
        size_t *pnOut)
{
    if (n == 0 || n > KQI_MAX_TERM) {
        return KQ_NOTFOUND;
    }
    *pzOut = z;
    *pnOut = n;
    if (p->pStem) {
        const sb_symbol *s = sb_stemmer_stem(p->pStem, (const sb_symbol *)z,
                                             (int)n);
        if (s) {
            *pzOut = (const char *)s;
            *pnOut = (size_t)sb_stemmer_length(p->pStem);
        }
    }
    return (*pnOut == 0 || *pnOut > KQI_MAX_TERM) ? KQ_NOTFOUND : KQ_OK;
}

/* The analysis in progress: kq_analyze()'s arguments and next position. */
typedef struct run_ctx {
    kq_analyzer *p;
    int flags;
    const u8 *z;
    u32 iPos;
    void *pCtx;
    kq_token_fn x;
    const kqi_icu *pIcu; /* ICU, once a character needed it */
} run_ctx;

/* Deliver the token z[iStart..iEnd) (bAscii: all its bytes are ASCII) and
** advance the position; a token that folds to nothing takes none. */
static int
emit(run_ctx *r, size_t iStart, size_t iEnd, int bAscii)
{
    const char *zTerm;
    size_t nTerm;
    int rc = 0;
    if (term_of(r->p, r->z + iStart, iEnd - iStart, bAscii,
                r->flags & KQ_ANALYZE_NOSTEM, &zTerm, &nTerm)) {
        rc = r->x(r->pCtx, zTerm, nTerm, r->iPos, iStart, iEnd);
    }
    if (r->iPos < 0xfffffff0u) {
        r->iPos++;
    }
    return rc;
}

/* The words ICU finds in z[iStart..iEnd), a piece of a run of at most
** KQ_MAX_SEGMENT_RUN bytes. */
static int
segment_piece(run_ctx *r, size_t iStart, size_t iEnd)
{
    kq_analyzer *p = r->p;
    const kqi_icu *u = r->pIcu;
    UErrorCode st = U_ZERO_ERROR;
    if (p->pBreak == NULL) {
        p->pBreak = u->xBrkOpen(UBRK_WORD, "", NULL, 0, &st);
        if (U_FAILURE(st)) {
            p->pBreak = NULL;
            return KQ_NOMEM;
        }
    }
    UText ut = UTEXT_INITIALIZER;
    u->xTextOpenUTF8(&ut, (const char *)r->z + iStart,
                     (int64_t)(iEnd - iStart), &st);
    u->xBrkSetUText(p->pBreak, &ut, &st);
    if (U_FAILURE(st)) {
        u->xTextClose(&ut);
        return KQ_NOMEM;
    }
    int rc = 0;
    int32_t s = u->xBrkFirst(p->pBreak);
    for (int32_t e = u->xBrkNext(p->pBreak); e != UBRK_DONE && rc == 0;
         s = e, e = u->xBrkNext(p->pBreak)) {
        if (u->xBrkRuleStatus(p->pBreak) < UBRK_WORD_NUMBER) {
            continue; /* not a word: a lone mark, a symbol-like number */
        }
        size_t i0 = iStart + (size_t)s, i1 = iStart + (size_t)e;
        int bAscii = 1;
        for (size_t i = i0; i < i1 && bAscii; i++) {
            bAscii = r->z[i] < 0x80;
        }
        rc = emit(r, i0, i1, bAscii);
    }
    /* Leave no pointer to this text behind. */
    u->xBrkSetText(p->pBreak, NULL, 0, &st);
    u->xTextClose(&ut);
    return rc;
}

/* ICU's words of the run z[iStart..iEnd), in pieces of at most
** KQ_MAX_SEGMENT_RUN bytes cut between characters. */
static int
segment_run(run_ctx *r, size_t iStart, size_t iEnd)
{
    int rc = 0;
    while (iStart < iEnd && rc == 0) {
        size_t i = iEnd;
        if (i - iStart > KQ_MAX_SEGMENT_RUN) {
            i = iStart + KQ_MAX_SEGMENT_RUN;
            while ((r->z[i] & 0xC0) == 0x80) {
                i--; /* not in the middle of a character */
            }
        }
        rc = segment_piece(r, iStart, i);
        iStart = i;
    }
    return rc;
}

int
kq_analyze(kq_analyzer *p, int flags, const char *zText, size_t n,
           uint32_t iPos0, uint32_t *piPosEnd, void *pCtx, kq_token_fn x)
{
    run_ctx r = {p, flags, (const u8 *)zText, iPos0, pCtx, x, NULL};
    const u8 *z = r.z;
    size_t i = 0;
    int rc = 0;
    while (i < n && rc == 0) {
        /* Skip separators; ASCII ones without decoding. */
        while (i < n && z[i] < 0x80 && !is_ascii_word(z[i])) {
            i++;
        }
        if (i >= n) {
            break;
        }
        size_t l = 1;
        int kind = CH_START, bSeg = 0;
        if (z[i] >= 0x80) {
            l = char_at(z, i, n, &kind, &bSeg, &r.pIcu, &rc);
            if (rc) {
                break;
            }
            if (kind != CH_START) {
                i += l;
                continue;
            }
        }
        /* Collect the run (z[i] is its first character, l bytes long). */
        size_t iStart = i;
        int bAscii = (z[i] < 0x80);
        int bSegRun = bSeg;
        for (;;) {
            i += l;
            if (i >= n) {
                break;
            }
            if (z[i] < 0x80) {
                if (!is_ascii_word(z[i])) {
                    break;
                }
                l = 1;
                continue;
            }
            bAscii = 0;
            l = char_at(z, i, n, &kind, &bSeg, &r.pIcu, &rc);
            if (kind == CH_SEP || rc) {
                break;
            }
            bSegRun |= bSeg;
        }
        if (rc == 0) {
            rc = bSegRun ? segment_run(&r, iStart, i)
                         : emit(&r, iStart, i, bAscii);
        }
    }
    if (piPosEnd) {
        *piPosEnd = r.iPos;
    }
    return rc;
}

struct fold_ctx {
    char *pOut;
    size_t nOut;
    size_t n;
    int nTok;
};

static int
fold_cb(void *pCtx, const char *zTerm, size_t nTerm, uint32_t iPos,
        size_t iStart, size_t iEnd)
{
    struct fold_ctx *c = pCtx;
    c->nTok++;
    if (c->nTok == 1 && nTerm < c->nOut) {
        memcpy(c->pOut, zTerm, nTerm);
        c->pOut[nTerm] = 0;
        c->n = nTerm;
    }
    return 0;
}

size_t
kq_fold_word(kq_analyzer *p, const char *z, size_t n, char *pOut, size_t nOut)
{
    struct fold_ctx c = {pOut, nOut, 0, 0};
    if (nOut == 0) {
        return 0;
    }
    pOut[0] = 0;
    kq_analyze(p, KQ_ANALYZE_NOSTEM, z, n, 0, NULL, &c, fold_cb);
    return c.n;
}

/**************************************************************************
** Queries over documents in several languages.  A query word is analysed
** in the index's language and in each other language of the index's
** documents that writes the word's script (query.c ORs the forms).  The
** scripts each Snowball language is written in; a language not listed is
** written in Latin.
*/
static const struct {
    const char *zLang;
    UScriptCode aScript[2];
} aLangScript[] = {
    {"arabic", {USCRIPT_ARABIC, USCRIPT_ARABIC}},
    {"armenian", {USCRIPT_ARMENIAN, USCRIPT_ARMENIAN}},
    {"greek", {USCRIPT_GREEK, USCRIPT_GREEK}},
    {"hindi", {USCRIPT_DEVANAGARI, USCRIPT_DEVANAGARI}},
    {"nepali", {USCRIPT_DEVANAGARI, USCRIPT_DEVANAGARI}},
    {"russian", {USCRIPT_CYRILLIC, USCRIPT_CYRILLIC}},
    {"serbian", {USCRIPT_CYRILLIC, USCRIPT_LATIN}},
    {"tamil", {USCRIPT_TAMIL, USCRIPT_TAMIL}},
    {"yiddish", {USCRIPT_HEBREW, USCRIPT_HEBREW}},
};

/* Does language zLang write script e? */
static int
lang_writes(const char *zLang, UScriptCode e)
{
    for (size_t i = 0; i < sizeof(aLangScript) / sizeof(aLangScript[0]); i++) {
        if (strcmp(zLang, aLangScript[i].zLang) == 0) {
            return aLangScript[i].aScript[0] == e ||
                   aLangScript[i].aScript[1] == e;
        }
    }
    return e == USCRIPT_LATIN;
}

/* The canonical name of language zLang (an alias resolved), if this
** libstemmer has it: a static string, or NULL. */
static const char *
canonical_lang(const char *zLang)
{
    for (size_t i = 0; i < sizeof(azAlias) / sizeof(azAlias[0]); i++) {
        if (strcmp(zLang, azAlias[i][0]) == 0) {
            zLang = azAlias[i][1];
            break;
        }
    }
    if (strcmp(zLang, zNone) == 0) {
        return zNone;
    }
    for (const char **a = sb_stemmer_list(); *a; a++) {
        if (strcmp(*a, zLang) == 0) {
            return *a;
        }
    }
    return NULL;
}

int
kqi_analyzer_lang_get(kq_analyzer *p, const char *zLang, size_t nLang,
                      kq_analyzer **ppOut)
{
    char aName[KQI_MAX_LANG];
    const char *zCanon;
    *ppOut = NULL;
    if (kqi_lang_name(zLang, nLang, aName) != KQ_OK ||
        (zCanon = canonical_lang(aName)) == NULL) {
        return KQ_NOTFOUND;
    }
    if (strcmp(zCanon, p->zLang) == 0) {
        *ppOut = p;
        return KQ_OK;
    }
    for (int i = 0; i < p->nLang; i++) {
        if (strcmp(zCanon, p->apLang[i]->zLang) == 0) {
            *ppOut = p->apLang[i];
            return KQ_OK;
        }
    }
    /* A new one: at most one per Snowball language, so the list is
    ** bounded. */
    kq_analyzer *pNew = NULL;
    int rc = kq_analyzer_new(zCanon, &pNew);
    if (rc) {
        return rc;
    }
    kq_analyzer **a = realloc(p->apLang, sizeof(*a) * (size_t)(p->nLang + 1));
    if (a == NULL) {
        kq_analyzer_free(pNew);
        return KQ_NOMEM;
    }
    p->apLang = a;
    p->apLang[p->nLang++] = pNew;
    *ppOut = pNew;
    return KQ_OK;
}

int
kqi_analyzer_langs_for(kq_analyzer *p, const char *z, size_t n,
                       kq_analyzer ***papOut)
{
    *papOut = p->apLang;
    if (p->nLang == 0) {
        return 0;
    }
    /* The script of the first letter (ICU: Common and Inherited for
    ** digits and marks, which no language is chosen by); Latin, Greek and
    ** Cyrillic without loading ICU. */
    UScriptCode e = USCRIPT_COMMON;
    for (size_t i = 0;
         i < n && (e == USCRIPT_COMMON || e == USCRIPT_INHERITED);) {
        utf8proc_int32_t c;
        utf8proc_ssize_t l = utf8proc_iterate((const u8 *)z + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        if (l <= 0) {
            i++;
            continue;
        }
        i += (size_t)l;
        utf8proc_category_t k = utf8proc_category(c);
        if (!is_start_cat(k) || k == UTF8PROC_CATEGORY_ND) {
            continue;
        }
        if (c < 0x0250 || (c >= 0x1E00 && c <= 0x1EFF)) {
            e = USCRIPT_LATIN;
        } else if ((c >= 0x0370 && c <= 0x03FF) ||
                   (c >= 0x1F00 && c <= 0x1FFF)) {
            e = USCRIPT_GREEK;
        } else if (c >= 0x0400 && c <= 0x052F) {
            e = USCRIPT_CYRILLIC;
        } else {
            const kqi_icu *u = kqi_icu_load();
            UErrorCode st = U_ZERO_ERROR;
            e = u ? u->xScript(c, &st) : USCRIPT_COMMON;
        }
    }
    if (e == USCRIPT_COMMON || e == USCRIPT_INHERITED) {
        return 0;
    }
    /* Move the languages writing e to the front of the array. */
    int k = 0;
    for (int i = 0; i < p->nLang; i++) {
        if (lang_writes(p->apLang[i]->zLang, e)) {
            kq_analyzer *t = p->apLang[k];
            p->apLang[k++] = p->apLang[i];
            p->apLang[i] = t;
        }
    }
    return k;
}

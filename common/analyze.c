/*
** analyze.c -- the one analysis chain for documents and queries:
**
**     UTF-8 text -> tokens -> case + accent folding -> Snowball stem
**
** Tokens are maximal runs of letters, digits and combining marks by Unicode
** general category (L*, N*, M*); everything else, including bytes that are
** not valid UTF-8, separates tokens.  So "peace-keepers" is two tokens and
** "U.S." is "u" "s": the query parser turns such words into phrases.
**
** Folding: ASCII is lower-cased in place (the common case, no library
** call).  Other tokens go through utf8proc: compatibility decomposition
** (ligatures, full-width forms), case folding (ß -> ss), removal of
** combining marks (é -> e), recomposition; code points that are not letters
** or digits after folding are dropped.
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
#include <utf8proc.h>

struct kq_analyzer {
    struct sb_stemmer *pStem;    /* NULL for "none" */
    char zLang[KQI_MAX_LANG];
    utf8proc_int32_t *aCp;       /* folding scratch */
    size_t nCp;
    char aTerm[KQI_MAX_TERM];    /* the folded token; never NUL-terminated:
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
    {"ar", "arabic"}, {"ara", "arabic"}, {"hy", "armenian"},
    {"hye", "armenian"}, {"arm", "armenian"}, {"eu", "basque"},
    {"eus", "basque"}, {"baq", "basque"}, {"ca", "catalan"},
    {"cat", "catalan"}, {"da", "danish"}, {"dan", "danish"},
    {"nl", "dutch"}, {"dut", "dutch"}, {"nld", "dutch"},
    {"en", "english"}, {"eng", "english"}, {"fi", "finnish"},
    {"fin", "finnish"}, {"fr", "french"}, {"fre", "french"},
    {"fra", "french"}, {"de", "german"}, {"ger", "german"},
    {"deu", "german"}, {"el", "greek"}, {"ell", "greek"}, {"gre", "greek"},
    {"hi", "hindi"}, {"hin", "hindi"}, {"hu", "hungarian"},
    {"hun", "hungarian"}, {"id", "indonesian"}, {"ind", "indonesian"},
    {"ga", "irish"}, {"gle", "irish"}, {"it", "italian"}, {"ita", "italian"},
    {"lt", "lithuanian"}, {"lit", "lithuanian"}, {"ne", "nepali"},
    {"nep", "nepali"}, {"no", "norwegian"}, {"nor", "norwegian"},
    {"pt", "portuguese"}, {"por", "portuguese"}, {"ro", "romanian"},
    {"ron", "romanian"}, {"rum", "romanian"}, {"ru", "russian"},
    {"rus", "russian"}, {"sr", "serbian"}, {"srp", "serbian"},
    {"es", "spanish"}, {"spa", "spanish"}, {"sv", "swedish"},
    {"swe", "swedish"}, {"ta", "tamil"}, {"tam", "tamil"},
    {"tr", "turkish"}, {"tur", "turkish"}, {"yi", "yiddish"},
    {"yid", "yiddish"},
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
        free(p->aCp);
        free(p);
    }
}

const char *
kq_analyzer_lang(const kq_analyzer *p)
{
    return p->zLang;
}

static int
is_word_cp(utf8proc_int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

static inline int
is_ascii_word(u8 c)
{
    return (u8)((c | 32) - 'a') < 26 || (u8)(c - '0') < 10;
}

/* The character at z[i] (i < n): its byte length, and in *pbWord whether it
** is a word character.  A byte that does not start valid UTF-8 is a
** one-byte separator. */
static size_t
char_at(const u8 *z, size_t i, size_t n, int *pbWord)
{
    if (z[i] < 0x80) {
        *pbWord = is_ascii_word(z[i]);
        return 1;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t l = utf8proc_iterate(z + i, (utf8proc_ssize_t)(n - i),
                                          &c);
    if (l < 0) {
        *pbWord = 0;
        return 1;
    }
    *pbWord = is_word_cp(c);
    return (size_t)l;
}

/* Fold the non-ASCII token z[0..n) into p->aTerm; returns the length (0 if
** nothing is left or it is longer than p->aTerm, i.e. KQI_MAX_TERM). */
static size_t
fold_unicode(kq_analyzer *p, const u8 *z, size_t n)
{
    const int opts = UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                     UTF8PROC_STRIPMARK;
    for (;;) {
        utf8proc_ssize_t r = utf8proc_decompose(
            z, (utf8proc_ssize_t)n, p->aCp, (utf8proc_ssize_t)p->nCp, opts);
        if (r < 0) {
            return 0;   /* cannot happen: the token was validated */
        }
        if ((size_t)r <= p->nCp) {
            r = utf8proc_normalize_utf32(p->aCp, r, opts);
            if (r < 0) {
                return 0;
            }
            size_t nOut = 0;
            for (utf8proc_ssize_t i = 0; i < r; i++) {
                utf8proc_int32_t c = p->aCp[i];
                if (!is_word_cp(c) || utf8proc_category(c) ==
                    UTF8PROC_CATEGORY_MN) {
                    continue;
                }
                utf8proc_uint8_t a[4];
                size_t l = (size_t)utf8proc_encode_char(c, a);
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

int
kq_analyze(kq_analyzer *p, int flags, const char *zText, size_t n,
           uint32_t iPos0, uint32_t *piPosEnd, void *pCtx, kq_token_fn x)
{
    const u8 *z = (const u8 *)zText;
    size_t i = 0;
    u32 iPos = iPos0;
    int rc = 0;
    while (i < n) {
        /* Skip separators; ASCII ones without decoding. */
        while (i < n && z[i] < 0x80 && !is_ascii_word(z[i])) {
            i++;
        }
        if (i >= n) {
            break;
        }
        size_t l = 1;
        int bWord = 1;
        if (z[i] >= 0x80) {
            l = char_at(z, i, n, &bWord);
            if (!bWord) {
                i += l;
                continue;
            }
        }
        /* Collect the word (z[i] is its first character, l bytes long). */
        size_t iStart = i;
        int bAscii = (z[i] < 0x80);
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
            l = char_at(z, i, n, &bWord);
            if (!bWord) {
                break;
            }
        }
        const char *zTerm;
        size_t nTerm;
        if (term_of(p, z + iStart, i - iStart, bAscii,
                    flags & KQ_ANALYZE_NOSTEM, &zTerm, &nTerm)) {
            rc = x(pCtx, zTerm, nTerm, iPos, iStart, i);
            if (rc) {
                break;
            }
        }
        if (iPos < 0xfffffff0u) {
            iPos++;
        }
    }
    if (piPosEnd) {
        *piPosEnd = iPos;
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

/*
** html.c -- HTML to plain text (html.h).
**
** Not a conforming HTML parser: a single forward scan that knows tags,
** comments, raw-text elements (script, style, ...), the title, and which
** elements break lines.  That is all a search index needs from a page,
** and a scan that only moves forward cannot loop or read out of bounds on
** the broken markup real crawls are full of.
*/
#include "html.h"
#include "textbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/**************************************************************************
** Character references.
*/
typedef struct entity {
    const char *zName;
    unsigned cp;
} entity;

/* The 252 entities of HTML 4, and &apos;, sorted by strcmp for bsearch
** (generated from Python's html.entities.name2codepoint). */
static const entity aEntity[] = {
    {"AElig", 198},    {"Aacute", 193},  {"Acirc", 194},    {"Agrave", 192},
    {"Alpha", 913},    {"Aring", 197},   {"Atilde", 195},   {"Auml", 196},
    {"Beta", 914},     {"Ccedil", 199},  {"Chi", 935},      {"Dagger", 8225},
    {"Delta", 916},    {"ETH", 208},     {"Eacute", 201},   {"Ecirc", 202},
    {"Egrave", 200},   {"Epsilon", 917}, {"Eta", 919},      {"Euml", 203},
    {"Gamma", 915},    {"Iacute", 205},  {"Icirc", 206},    {"Igrave", 204},
    {"Iota", 921},     {"Iuml", 207},    {"Kappa", 922},    {"Lambda", 923},
    {"Mu", 924},       {"Ntilde", 209},  {"Nu", 925},       {"OElig", 338},
    {"Oacute", 211},   {"Ocirc", 212},   {"Ograve", 210},   {"Omega", 937},
    {"Omicron", 927},  {"Oslash", 216},  {"Otilde", 213},   {"Ouml", 214},
    {"Phi", 934},      {"Pi", 928},      {"Prime", 8243},   {"Psi", 936},
    {"Rho", 929},      {"Scaron", 352},  {"Sigma", 931},    {"THORN", 222},
    {"Tau", 932},      {"Theta", 920},   {"Uacute", 218},   {"Ucirc", 219},
    {"Ugrave", 217},   {"Upsilon", 933}, {"Uuml", 220},     {"Xi", 926},
    {"Yacute", 221},   {"Yuml", 376},    {"Zeta", 918},     {"aacute", 225},
    {"acirc", 226},    {"acute", 180},   {"aelig", 230},    {"agrave", 224},
    {"alefsym", 8501}, {"alpha", 945},   {"amp", 38},       {"and", 8743},
    {"ang", 8736},     {"apos", 39},     {"aring", 229},    {"asymp", 8776},
    {"atilde", 227},   {"auml", 228},    {"bdquo", 8222},   {"beta", 946},
    {"brvbar", 166},   {"bull", 8226},   {"cap", 8745},     {"ccedil", 231},
    {"cedil", 184},    {"cent", 162},    {"chi", 967},      {"circ", 710},
    {"clubs", 9827},   {"cong", 8773},   {"copy", 169},     {"crarr", 8629},
    {"cup", 8746},     {"curren", 164},  {"dArr", 8659},    {"dagger", 8224},
    {"darr", 8595},    {"deg", 176},     {"delta", 948},    {"diams", 9830},
    {"divide", 247},   {"eacute", 233},  {"ecirc", 234},    {"egrave", 232},
    {"empty", 8709},   {"emsp", 8195},   {"ensp", 8194},    {"epsilon", 949},
    {"equiv", 8801},   {"eta", 951},     {"eth", 240},      {"euml", 235},
    {"euro", 8364},    {"exist", 8707},  {"fnof", 402},     {"forall", 8704},
    {"frac12", 189},   {"frac14", 188},  {"frac34", 190},   {"frasl", 8260},
    {"gamma", 947},    {"ge", 8805},     {"gt", 62},        {"hArr", 8660},
    {"harr", 8596},    {"hearts", 9829}, {"hellip", 8230},  {"iacute", 237},
    {"icirc", 238},    {"iexcl", 161},   {"igrave", 236},   {"image", 8465},
    {"infin", 8734},   {"int", 8747},    {"iota", 953},     {"iquest", 191},
    {"isin", 8712},    {"iuml", 239},    {"kappa", 954},    {"lArr", 8656},
    {"lambda", 955},   {"lang", 9001},   {"laquo", 171},    {"larr", 8592},
    {"lceil", 8968},   {"ldquo", 8220},  {"le", 8804},      {"lfloor", 8970},
    {"lowast", 8727},  {"loz", 9674},    {"lrm", 8206},     {"lsaquo", 8249},
    {"lsquo", 8216},   {"lt", 60},       {"macr", 175},     {"mdash", 8212},
    {"micro", 181},    {"middot", 183},  {"minus", 8722},   {"mu", 956},
    {"nabla", 8711},   {"nbsp", 160},    {"ndash", 8211},   {"ne", 8800},
    {"ni", 8715},      {"not", 172},     {"notin", 8713},   {"nsub", 8836},
    {"ntilde", 241},   {"nu", 957},      {"oacute", 243},   {"ocirc", 244},
    {"oelig", 339},    {"ograve", 242},  {"oline", 8254},   {"omega", 969},
    {"omicron", 959},  {"oplus", 8853},  {"or", 8744},      {"ordf", 170},
    {"ordm", 186},     {"oslash", 248},  {"otilde", 245},   {"otimes", 8855},
    {"ouml", 246},     {"para", 182},    {"part", 8706},    {"permil", 8240},
    {"perp", 8869},    {"phi", 966},     {"pi", 960},       {"piv", 982},
    {"plusmn", 177},   {"pound", 163},   {"prime", 8242},   {"prod", 8719},
    {"prop", 8733},    {"psi", 968},     {"quot", 34},      {"rArr", 8658},
    {"radic", 8730},   {"rang", 9002},   {"raquo", 187},    {"rarr", 8594},
    {"rceil", 8969},   {"rdquo", 8221},  {"real", 8476},    {"reg", 174},
    {"rfloor", 8971},  {"rho", 961},     {"rlm", 8207},     {"rsaquo", 8250},
    {"rsquo", 8217},   {"sbquo", 8218},  {"scaron", 353},   {"sdot", 8901},
    {"sect", 167},     {"shy", 173},     {"sigma", 963},    {"sigmaf", 962},
    {"sim", 8764},     {"spades", 9824}, {"sub", 8834},     {"sube", 8838},
    {"sum", 8721},     {"sup", 8835},    {"sup1", 185},     {"sup2", 178},
    {"sup3", 179},     {"supe", 8839},   {"szlig", 223},    {"tau", 964},
    {"there4", 8756},  {"theta", 952},   {"thetasym", 977}, {"thinsp", 8201},
    {"thorn", 254},    {"tilde", 732},   {"times", 215},    {"trade", 8482},
    {"uArr", 8657},    {"uacute", 250},  {"uarr", 8593},    {"ucirc", 251},
    {"ugrave", 249},   {"uml", 168},     {"upsih", 978},    {"upsilon", 965},
    {"uuml", 252},     {"weierp", 8472}, {"xi", 958},       {"yacute", 253},
    {"yen", 165},      {"yuml", 255},    {"zeta", 950},     {"zwj", 8205},
    {"zwnj", 8204},

};

/* What &#128; to &#159; mean: HTML takes them as windows-1252, since that
** is what the pages that use them were written in. */
static const unsigned short aCp1252[32] = {
    0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
    0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178};

static int
cmp_entity(const void *pKey, const void *pEnt)
{
    return strcmp((const char *)pKey, ((const entity *)pEnt)->zName);
}

static int
is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static int
hex_val(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* &#NN; or &#xHH; (the ';' may be missing, as browsers allow). */
static size_t
numeric_ref(const char *z, size_t n, kq_buf *pOut)
{
    size_t i = 2;
    int bHex = 0;
    unsigned long cp = 0;
    size_t nDigit = 0;
    if (i < n && (z[i] == 'x' || z[i] == 'X')) {
        bHex = 1;
        i++;
    }
    for (; i < n; i++) {
        int d = bHex                           ? hex_val(z[i])
                : (z[i] >= '0' && z[i] <= '9') ? z[i] - '0'
                                               : -1;
        if (d < 0) {
            break;
        }
        if (cp <= 0x10ffff) {
            cp = cp * (bHex ? 16 : 10) + (unsigned)d;
        }
        nDigit++;
    }
    if (nDigit == 0) {
        return 0;
    }
    if (i < n && z[i] == ';') {
        i++;
    }
    if (cp >= 0x80 && cp <= 0x9f) {
        cp = aCp1252[cp - 0x80];
    }
    textbuf_utf8(pOut, cp); /* (0, surrogates, too large: U+FFFD) */
    return i;
}

size_t
html_entity(const char *z, size_t n, kq_buf *pOut)
{
    /* Entities written without ';' that browsers still read. */
    static const char *const azBare[] = {"amp",  "lt",   "gt",  "quot",
                                         "nbsp", "copy", "reg", NULL};
    char zName[12];
    size_t i = 1;
    const entity *pE;
    if (n < 2 || z[0] != '&') {
        return 0;
    }
    if (z[1] == '#') {
        return numeric_ref(z, n, pOut);
    }
    while (i < n && i - 1 < sizeof(zName) - 1 && is_alnum(z[i])) {
        zName[i - 1] = z[i];
        i++;
    }
    zName[i - 1] = 0;
    if (i == 1) {
        return 0;
    }
    if (i < n && z[i] == ';') {
        i++;
    } else {
        int bOk = 0;
        if (i < n && is_alnum(z[i])) {
            return 0;
        }
        for (const char *const *a = azBare; *a; a++) {
            if (strcmp(*a, zName) == 0) {
                bOk = 1;
            }
        }
        if (!bOk) {
            return 0;
        }
    }
    pE = bsearch(zName, aEntity, sizeof(aEntity) / sizeof(aEntity[0]),
                 sizeof(aEntity[0]), cmp_entity);
    if (pE == NULL) {
        return 0;
    }
    textbuf_utf8(pOut, pE->cp);
    return i;
}

/**************************************************************************
** Output with white space collapsed: runs of spaces become one space, line
** breaks asked for by elements at most one blank line; nothing leads.
*/
typedef struct hout {
    kq_buf *p;
    int nNl; /* line breaks owed before the next text */
    int bSp; /* a space owed before the next text */
} hout;

static void
out_text(hout *o, const char *z, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = z[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            o->bSp = 1;
            continue;
        }
        if (o->p->n > 0) {
            if (o->nNl) {
                kq_buf_append(o->p, "\n\n", (size_t)(o->nNl > 1 ? 2 : 1));
            } else if (o->bSp) {
                kq_buf_putc(o->p, ' ');
            }
        }
        o->nNl = 0;
        o->bSp = 0;
        kq_buf_putc(o->p, c);
    }
}

static void
out_break(hout *o, int nNl)
{
    if (nNl > o->nNl) {
        o->nNl = nNl;
    }
}

/* Decoded text z[0..n) (entities resolved) to o. */
static void
out_decoded(hout *o, kq_buf *pTmp, const char *z, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *pAmp = memchr(z + i, '&', n - i);
        size_t iAmp = pAmp ? (size_t)(pAmp - z) : n;
        size_t k;
        out_text(o, z + i, iAmp - i);
        if (iAmp == n) {
            break;
        }
        textbuf_reset(pTmp);
        k = html_entity(z + iAmp, n - iAmp, pTmp);
        if (k == 0) {
            out_text(o, "&", 1);
            i = iAmp + 1;
        } else {
            out_text(o, textbuf_str(pTmp), pTmp->n);
            i = iAmp + k;
        }
    }
}

/**************************************************************************
** Tags.
*/

/* How an element separates text: 2 a paragraph, 1 a line, -1 a space. */
static int
break_of(const char *zName)
{
    static const char *const azPara[] = {
        "p",        "h1",         "h2",      "h3",     "h4",     "h5",
        "h6",       "blockquote", "pre",     "table",  "ul",     "ol",
        "dl",       "section",    "article", "header", "footer", "hr",
        "figure",   "form",       "main",    "aside",  "nav",    "address",
        "fieldset", "details",    "center",  NULL};
    static const char *const azLine[] = {
        "br",         "li",     "tr",      "dt",     "dd",   "div", "caption",
        "figcaption", "option", "summary", "legend", "body", NULL};
    for (const char *const *a = azPara; *a; a++) {
        if (strcmp(*a, zName) == 0) {
            return 2;
        }
    }
    for (const char *const *a = azLine; *a; a++) {
        if (strcmp(*a, zName) == 0) {
            return 1;
        }
    }
    if (strcmp(zName, "td") == 0 || strcmp(zName, "th") == 0) {
        return -1;
    }
    return 0;
}

/* Elements whose content is not text to index. */
static int
is_skipped(const char *zName)
{
    return strcmp(zName, "script") == 0 || strcmp(zName, "style") == 0 ||
           strcmp(zName, "noscript") == 0 || strcmp(zName, "template") == 0;
}

/* The first case-insensitive occurrence of zNeedle in z[i..n), or n. */
static size_t
find_ci(const char *z, size_t n, size_t i, const char *zNeedle)
{
    size_t k = strlen(zNeedle);
    for (; i + k <= n; i++) {
        if (strncasecmp(z + i, zNeedle, k) == 0) {
            return i;
        }
    }
    return n;
}

/* Just past the next '>' from i, or n. */
static size_t
past_gt(const char *z, size_t n, size_t i)
{
    const char *p = i < n ? memchr(z + i, '>', n - i) : NULL;
    return p ? (size_t)(p - z) + 1 : n;
}

/* The tag at z[i] == '<': its lower-case name (truncated: "" for names
** no element has) and whether it is an end tag; returns the index just
** past it, or 0 if this '<' does not start a tag (it is text).  Quotes
** only count after '=', so a stray apostrophe cannot swallow the page. */
static size_t
parse_tag(const char *z, size_t n, size_t i, char *zName, size_t nName,
          int *pbEnd)
{
    size_t j = i + 1;
    size_t k = 0;
    char q = 0;
    char cPrev = 0;
    *pbEnd = 0;
    if (j < n && z[j] == '/') {
        *pbEnd = 1;
        j++;
    }
    if (j >= n ||
        !((z[j] >= 'a' && z[j] <= 'z') || (z[j] >= 'A' && z[j] <= 'Z'))) {
        return 0;
    }
    while (j < n && (is_alnum(z[j]) || z[j] == '-' || z[j] == ':')) {
        if (k < nName - 1) {
            char c = z[j];
            zName[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else {
            k = nName; /* too long for any element we know */
        }
        j++;
    }
    if (k >= nName) {
        k = 0;
    }
    zName[k] = 0;
    for (; j < n; j++) {
        char c = z[j];
        if (q) {
            if (c == q) {
                q = 0;
            }
        } else if ((c == '"' || c == '\'') && cPrev == '=') {
            q = c;
        } else if (c == '>') {
            return j + 1;
        }
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            cPrev = c;
        }
    }
    return n;
}

typedef struct hstate {
    hout title, body;
    kq_buf tmp;
    int bHead;   /* inside <head>: text there is not the page's */
    int bTitled; /* a title was read */
} hstate;

/* <title>: its text, up to </title>, into the title (the first one only).
** Returns where to go on.  Without </title> the tag is ignored. */
static size_t
read_title(hstate *s, const char *z, size_t n, size_t i)
{
    size_t iEnd = find_ci(z, n, i, "</title");
    if (iEnd == n) {
        return i;
    }
    if (!s->bTitled) {
        out_decoded(&s->title, &s->tmp, z + i, iEnd - i);
        s->bTitled = 1;
    }
    return past_gt(z, n, iEnd);
}

/* Act on the tag at z[i]; returns where to go on (0: '<' is text). */
static size_t
do_tag(hstate *s, const char *z, size_t n, size_t i)
{
    char zName[16];
    int bEnd;
    int nBreak;
    size_t j;
    if (n - i >= 4 && memcmp(z + i, "<!--", 4) == 0) {
        j = find_ci(z, n, i + 4, "-->");
        return j == n ? n : j + 3;
    }
    if (n - i >= 2 && (z[i + 1] == '!' || z[i + 1] == '?')) {
        return past_gt(z, n, i);
    }
    j = parse_tag(z, n, i, zName, sizeof(zName), &bEnd);
    if (j == 0) {
        return 0;
    }
    if (!bEnd && is_skipped(zName)) {
        char zClose[24]; /* "</" + a name of is_skipped() */
        size_t iClose;
        zClose[0] = '<';
        zClose[1] = '/';
        memcpy(zClose + 2, zName, strlen(zName) + 1);
        iClose = find_ci(z, n, j, zClose);
        return iClose == n ? n : past_gt(z, n, iClose);
    }
    if (!bEnd && strcmp(zName, "title") == 0) {
        return read_title(s, z, n, j);
    }
    if (strcmp(zName, "head") == 0) {
        s->bHead = !bEnd;
    }
    if (!bEnd && strcmp(zName, "body") == 0) {
        s->bHead = 0;
    }
    nBreak = break_of(zName);
    if (nBreak > 0) {
        out_break(&s->body, nBreak);
    }
    if (nBreak < 0) {
        s->body.bSp = 1;
    }
    return j;
}

void
html_to_text(const char *z, size_t n, kq_buf *pTitle, kq_buf *pBody)
{
    hstate s;
    size_t i = 0;
    memset(&s, 0, sizeof(s));
    s.title.p = pTitle;
    s.body.p = pBody;
    while (i < n) {
        const char *pLt = memchr(z + i, '<', n - i);
        size_t iLt = pLt ? (size_t)(pLt - z) : n;
        size_t j;
        if (!s.bHead) {
            out_decoded(&s.body, &s.tmp, z + i, iLt - i);
        }
        if (iLt == n) {
            break;
        }
        j = do_tag(&s, z, n, iLt);
        if (j == 0) {
            if (!s.bHead) {
                out_text(&s.body, "<", 1);
            }
            j = iLt + 1;
        }
        i = j;
    }
    kq_buf_free(&s.tmp);
}

int
html_meta_charset(const char *z, size_t n, const char **pz, size_t *pn)
{
    size_t nScan = n < 1024 ? n : 1024;
    size_t i = 0;
    for (;;) {
        size_t j, iLt;
        i = find_ci(z, nScan, i, "charset");
        if (i == nScan) {
            return 0;
        }
        /* Only inside a <meta ...> tag. */
        for (iLt = i; iLt > 0 && z[iLt - 1] != '<' && z[iLt - 1] != '>';) {
            iLt--;
        }
        j = i + 7;
        i = j;
        if (iLt == 0 || z[iLt - 1] != '<' || nScan - iLt < 4 ||
            strncasecmp(z + iLt, "meta", 4) != 0) {
            continue;
        }
        while (j < nScan &&
               (z[j] == ' ' || z[j] == '=' || z[j] == '"' || z[j] == '\'')) {
            j++;
        }
        *pz = z + j;
        while (j < nScan && (is_alnum(z[j]) || strchr("-_.:", z[j])) && z[j]) {
            j++;
        }
        *pn = (size_t)(z + j - *pz);
        if (*pn) {
            return 1;
        }
    }
}

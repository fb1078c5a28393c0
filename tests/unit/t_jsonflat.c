/*
** t_jsonflat.c -- the JSON Lines fast path (indexer/jsonflat.c) checked
** against jansson, which is the reference:
**   - jf_parse() may answer JF_FALLBACK for anything, but when it answers
**     JF_OK, json_loadb(z, n, JSON_ALLOW_NUL) must accept the line, give an
**     object, and give the same value for every requested key (absent in
**     both, the same string bytes, or the same integer);
**   - cases where the fast path must fall back (nesting, a repeated key we
**     use, a real/true/false/null where kq wants a string or an id, ...) and
**     cases it must take (plain flat objects) are checked explicitly;
**   - every prefix of valid lines, a randomised differential run over
**     generated flat objects, and random byte mutations of them.
** Every input is handed to jf_parse() as an exactly-sized malloc()ed copy
** without a terminating NUL, so ASan reports any read past the line.
**
** The random run is deterministic: the seed defaults to a fixed value
** (override with KQ_TEST_SEED).  A failing input is printed in hex.
*/
#include "../../indexer/jsonflat.h"

#include "tharness.h"

#include <jansson.h>
#include <stdint.h>

#define DEFAULT_SEED "20240611"

static const char *const azKey[] = {"id", "title", "date", "source", "body"};
#define N_KEY 5

/**************************************************************************
** Reporting.
*/
static void print_input(const char *zWhat, const char *z, size_t n) {
    printf("# %s (%zu bytes)\n#   hex:", zWhat, n);
    for (size_t i = 0; i < n; i++) {
        if (i && i % 48 == 0) printf("\n#       ");
        printf(" %02x", (unsigned char)z[i]);
    }
    printf("\n#   text: ");
    for (size_t i = 0; i < n && i < 400; i++) {
        unsigned char c = (unsigned char)z[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') putchar(c);
        else if (c == '\\') printf("\\\\");
        else printf("\\x%02x", c);
    }
    if (n > 400) printf("...");
    printf("\n");
    fflush(stdout);
}

/**************************************************************************
** The differential check.
*/
enum { DR_FALLBACK = 0, DR_OK = 1, DR_BAD = -1 };

typedef struct diffres {
    int rc;            /* DR_OK, DR_FALLBACK or DR_BAD (mismatch, see zErr) */
    int bJanOk;        /* jansson accepted the line (as anything) */
    char zErr[256];
} diffres;

/* Run jf_parse() on an exact copy of z[0..n) and compare with jansson. */
static void diff_line(jf_state *pSt, const char *z, size_t n, diffres *r) {
    char *a = malloc(n ? n : 1);
    assert_non_null(a);
    if (n) memcpy(a, z, n);

    jf_value aV[N_KEY];
    for (int i = 0; i < N_KEY; i++) {   /* garbage: must be overwritten */
        aV[i].eType = JF_STRING + 7;
        aV[i].z = (const char *)0x1;
        aV[i].n = 12345;
        aV[i].nInt = 0x5a5a5a5a;
    }
    int rcJf = jf_parse(pSt, a, n, azKey, N_KEY, aV);

    json_error_t err;
    json_t *pObj = json_loadb(z, n, JSON_ALLOW_NUL, &err);
    r->bJanOk = pObj != NULL;
    r->zErr[0] = 0;
    r->rc = DR_FALLBACK;

    if (rcJf == JF_FALLBACK) goto out;
    if (rcJf != JF_OK) {
        snprintf(r->zErr, sizeof r->zErr, "jf_parse returned %d", rcJf);
        r->rc = DR_BAD;
        goto out;
    }
    if (pObj == NULL) {
        snprintf(r->zErr, sizeof r->zErr,
                 "JF_OK but jansson rejects the line: %s (column %d)",
                 err.text, err.column);
        r->rc = DR_BAD;
        goto out;
    }
    if (!json_is_object(pObj)) {
        snprintf(r->zErr, sizeof r->zErr, "JF_OK but not a JSON object");
        r->rc = DR_BAD;
        goto out;
    }
    for (int i = 0; i < N_KEY; i++) {
        json_t *pV = json_object_get(pObj, azKey[i]);
        const jf_value *v = &aV[i];
        switch (v->eType) {
        case JF_ABSENT:
            /* Callers copy z and n of absent keys as "no value". */
            if (v->z != NULL || v->n != 0) {
                snprintf(r->zErr, sizeof r->zErr,
                         "key \"%s\": JF_ABSENT but z/n not NULL/0", azKey[i]);
                r->rc = DR_BAD;
                goto out;
            }
            if (pV != NULL) {
                snprintf(r->zErr, sizeof r->zErr,
                         "key \"%s\": JF_ABSENT but jansson has a value",
                         azKey[i]);
                r->rc = DR_BAD;
                goto out;
            }
            break;
        case JF_STRING: {
            /* The bytes must lie in the line or in the scratch buffer. */
            const char *zS = v->z;
            int bInLine = zS >= a && v->n <= n && zS <= a + n - v->n;
            int bInScratch = pSt->aOut && zS >= pSt->aOut &&
                             v->n <= pSt->nOutAlloc &&
                             zS <= pSt->aOut + pSt->nOutAlloc - v->n;
            if (!bInLine && !bInScratch) {
                snprintf(r->zErr, sizeof r->zErr,
                         "key \"%s\": string (%zu bytes) points outside the "
                         "line and the scratch buffer", azKey[i], v->n);
                r->rc = DR_BAD;
                goto out;
            }
            if (pV == NULL || !json_is_string(pV)) {
                snprintf(r->zErr, sizeof r->zErr,
                         "key \"%s\": JF_STRING but jansson has %s", azKey[i],
                         pV == NULL ? "no value" : "a non-string");
                r->rc = DR_BAD;
                goto out;
            }
            size_t nJ = json_string_length(pV);
            if (nJ != v->n || (nJ && memcmp(json_string_value(pV), zS, nJ))) {
                snprintf(r->zErr, sizeof r->zErr,
                         "key \"%s\": string differs (jf %zu bytes, jansson "
                         "%zu bytes)", azKey[i], v->n, nJ);
                r->rc = DR_BAD;
                goto out;
            }
            break;
        }
        case JF_INTEGER:
            if (pV == NULL || !json_is_integer(pV)) {
                snprintf(r->zErr, sizeof r->zErr,
                         "key \"%s\": JF_INTEGER %lld but jansson has %s",
                         azKey[i], v->nInt,
                         pV == NULL ? "no value" : "a non-integer");
                r->rc = DR_BAD;
                goto out;
            }
            if ((long long)json_integer_value(pV) != v->nInt) {
                snprintf(r->zErr, sizeof r->zErr,
                         "key \"%s\": integer jf %lld, jansson %lld", azKey[i],
                         v->nInt, (long long)json_integer_value(pV));
                r->rc = DR_BAD;
                goto out;
            }
            break;
        default:
            snprintf(r->zErr, sizeof r->zErr, "key \"%s\": bad eType %d",
                     azKey[i], v->eType);
            r->rc = DR_BAD;
            goto out;
        }
    }
    r->rc = DR_OK;
out:
    json_decref(pObj);
    free(a);
}

/**************************************************************************
** Hand-written cases.
*/
enum { XP_ANY = 0, XP_FALLBACK, XP_OK };   /* what jf_parse must answer */
enum { J_ANY = -1, J_BAD = 0, J_GOOD = 1 }; /* what jansson says (table check) */

typedef struct jcase {
    const char *z;
    size_t n;
    int eExpect;
    int eJansson;
} jcase;

#define C(s, x, j) {s, sizeof(s) - 1, x, j}
#define OK(s) C(s, XP_OK, J_GOOD)            /* must take the fast path */
#define FB(s) C(s, XP_FALLBACK, J_BAD)       /* invalid JSON */
#define FBV(s) C(s, XP_FALLBACK, J_GOOD)     /* valid, but must fall back */
#define ANY(s) C(s, XP_ANY, J_GOOD)          /* valid: if OK, must match */

static const jcase aCase[] = {
    /* plain objects */
    OK("{\"id\":1,\"title\":\"Hello\",\"date\":\"2020-01-01\","
       "\"source\":\"s\",\"body\":\"b\"}"),
    OK("{\"title\":\"a\"}"),
    OK("{\"id\":\"doc-7\"}"),
    OK("{\"title\":1}"),
    OK("{\"x\":\"y\"}"),
    OK("{}"),
    OK("{ }"),
    OK(" {}"),
    OK("{}\n"),
    OK("\t{ \r\n}\r\n "),
    OK("{\"body\":\"b\",\"source\":\"s\",\"date\":\"d\",\"title\":\"t\","
       "\"id\":42}"),
    /* escapes */
    OK("{\"title\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}"),
    OK("{\"title\":\"\\\"\"}"),
    OK("{\"title\":\"\\\\\"}"),
    OK("{\"title\":\"\\\"\\\"\"}"),
    OK("{\"title\":\"\\\\\\\\\\\"\"}"),
    OK("{\"title\":\"x\\\\\",\"body\":\"y\"}"),
    OK("{\"title\":\"\\u00e9\"}"),
    OK("{\"title\":\"\\u00E9\"}"),
    OK("{\"title\":\"\\u20ac\"}"),
    OK("{\"title\":\"\\u20AC and \\u20aC\"}"),
    OK("{\"title\":\"\\ud83d\\ude00\"}"),
    OK("{\"title\":\"\\uD83D\\uDE00x\"}"),
    OK("{\"title\":\"\\ud800\\udc00\\udbff\\udfff\"}"),
    OK("{\"title\":\"x\\u0041y\"}"),
    OK("{\"title\":\"\\u0001\\u001f\\u0020\\u007f\"}"),
    OK("{\"body\":\"\\u0080\\u07ff\\u0800\\uffff\\ud7ff\\ue000\\ufffe\"}"),
    OK("{\"title\":\"\\u00e9\",\"body\":\"\\u00e8\",\"date\":\"\\n\","
       "\"source\":\"\\t\"}"),
    OK("{\"x\":\"\\u00e9\\n\",\"title\":\"t\\n\",\"y\":\"\\t\","
       "\"body\":\"\\r\"}"),
    /* lone or broken surrogates */
    FB("{\"title\":\"\\ud83d\"}"),
    FB("{\"title\":\"\\ude00\"}"),
    FB("{\"title\":\"\\udfff\"}"),
    FB("{\"title\":\"\\ud83dx\"}"),
    FB("{\"title\":\"\\ud83d\\u0041\"}"),
    FB("{\"title\":\"\\ud83d\\ud83d\"}"),
    FB("{\"title\":\"\\ude00\\ud83d\"}"),
    FB("{\"title\":\"\\ud83d\\n\"}"),
    FB("{\"title\":\"\\ud83d\\ude0\"}"),
    FB("{\"title\":\"\\ud83d\\ude0g\"}"),
    FB("{\"title\":\"\\ud83d\\"),
    FB("{\"title\":\"\\ud83d\\u"),
    FB("{\"x\":\"\\ud83d\",\"title\":\"t\"}"),
    FB("{\"\\ud83d\":1}"),
    /* bad escapes */
    FB("{\"title\":\"\\u12\"}"),
    FB("{\"title\":\"\\u12g4\"}"),
    FB("{\"title\":\"\\u 123\"}"),
    FB("{\"title\":\"\\U0041\"}"),
    FB("{\"title\":\"\\x41\"}"),
    FB("{\"title\":\"\\a\"}"),
    FB("{\"title\":\"\\'\"}"),
    FB("{\"title\":\"\\0\"}"),
    FB("{\"title\":\"\\"),
    FB("{\"title\":\"\\\"}"),
    FB("{\"x\":\"\\q\",\"title\":\"t\"}"),
    /* \u0000: jansson takes it with JSON_ALLOW_NUL, except in keys */
    ANY("{\"title\":\"a\\u0000b\"}"),
    ANY("{\"x\":\"\\u0000\",\"title\":\"t\"}"),
    FB("{\"\\u0000\":1}"),
    FB("{\"title\\u0000\":\"x\"}"),
    /* raw UTF-8 */
    OK("{\"title\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
       "\xf4\x8f\xbf\xbf \xef\xbf\xbf \xc2\x80 \xe0\xa0\x80 \xf0\x90\x80\x80"
       "\"}"),
    OK("{\"\xc3\xa9\":\"x\",\"title\":\"y\"}"),
    OK("{\"title\":\"\xed\x9f\xbf\xee\x80\x80\"}"),
    OK("{\"title\":\"\x7f\"}"),
    OK("{\"title\":\"caf\xc3\xa9\\n\xe2\x82\xac\"}"),
    /* invalid UTF-8, in values, keys, unused values and outside strings */
    FB("{\"title\":\"\xc0\x80\"}"),
    FB("{\"title\":\"\xc1\xbf\"}"),
    FB("{\"title\":\"\xed\xa0\x80\"}"),
    FB("{\"title\":\"\xed\xbf\xbf\"}"),
    FB("{\"title\":\"\xed\xa0\xbd\xed\xb8\x80\"}"),
    FB("{\"title\":\"\xe0\x80\x80\"}"),
    FB("{\"title\":\"\xe0\x9f\xbf\"}"),
    FB("{\"title\":\"\xf0\x80\x80\x80\"}"),
    FB("{\"title\":\"\xf0\x8f\xbf\xbf\"}"),
    FB("{\"title\":\"\xf4\x90\x80\x80\"}"),
    FB("{\"title\":\"\xf5\x80\x80\x80\"}"),
    FB("{\"title\":\"\xf7\xbf\xbf\xbf\"}"),
    FB("{\"title\":\"\xf8\x88\x80\x80\x80\"}"),
    FB("{\"title\":\"\xfc\x84\x80\x80\x80\x80\"}"),
    FB("{\"title\":\"\xfe\"}"),
    FB("{\"title\":\"\xff\"}"),
    FB("{\"title\":\"\x80\"}"),
    FB("{\"title\":\"\xbf\"}"),
    FB("{\"title\":\"a\x80" "b\"}"),
    FB("{\"title\":\"\xc3\"}"),
    FB("{\"title\":\"\xc3" "A\"}"),
    FB("{\"title\":\"\xe2\x82\"}"),
    FB("{\"title\":\"\xe2(\xa1\"}"),
    FB("{\"title\":\"\xf0\x9f\x98\"}"),
    FB("{\"title\":\"\xf0\x9f\x98" "a\"}"),
    FB("{\"title\":\"\xc3\xa9\xc3\"}"),
    FB("{\"title\":\"\xc3"),
    FB("{\"title\":\"\xe2\x82"),
    FB("{\"title\":\"\xf0\x9f\x98"),
    FB("{\"title\":\"\\n\xc0\x80\"}"),
    FB("{\"title\":\"\\n\xc3\"}"),
    FB("{\"title\":\"\\n\xed\xa0\x80\"}"),
    FB("{\"title\":\"\\n\xf4\x90\x80\x80\"}"),
    FB("{\"title\":\"\\n\xf0\x9f\x98"),
    FB("{\"x\":\"\xc0\x80\",\"title\":\"t\"}"),
    FB("{\"x\":\"\\t\xff\",\"title\":\"t\"}"),
    FB("{\"t\xc0\x80itle\":\"t\"}"),
    FB("{\"title\":\"t\"}\xc3\xa9"),
    FB("{\"title\":\"t\"\xc2\xa0}"),
    FB("\xef\xbb\xbf{\"title\":\"t\"}"),
    /* control characters inside strings */
    FB("{\"title\":\"a\x01" "b\"}"),
    FB("{\"title\":\"\x1f\"}"),
    FB("{\"title\":\"a\tb\"}"),
    FB("{\"title\":\"a\nb\"}"),
    FB("{\"title\":\"a\rb\"}"),
    FB("{\"title\":\"a\x00" "b\"}"),
    FB("{\"title\":\"\\n\x01\"}"),
    FB("{\"title\":\"\\n\x1f\"}"),
    FB("{\"title\":\"\\t\x00\"}"),
    FB("{\"x\":\"\\n\x1f\",\"id\":1}"),
    FB("{\"x\":\"\x00\",\"title\":\"t\"}"),
    FB("{\"ti\ttle\":\"t\"}"),
    /* nesting, anywhere */
    FBV("{\"x\":{}}"),
    FBV("{\"x\":[]}"),
    FBV("{\"title\":\"a\",\"x\":[1,2]}"),
    FBV("{\"x\":{\"title\":\"a\"},\"title\":\"b\"}"),
    FBV("{\"id\":{\"a\":1}}"),
    FBV("{\"title\":[\"a\"]}"),
    FBV("{\"x\":[{\"y\":1}],\"id\":1}"),
    FBV("{\"id\":1,\"x\":{}}"),
    FBV("[]"),
    FBV("[1]"),
    FBV("[{\"id\":1}]"),
    FB("{\"x\":{]}"),
    FB("{\"x\":[}"),
    OK("{\"title\":\"[{}]\",\"body\":\"{\\\"a\\\":[1]}\"}"),
    /* repeated keys */
    FBV("{\"title\":\"a\",\"title\":\"b\"}"),
    FBV("{\"id\":1,\"id\":2}"),
    FBV("{\"id\":1,\"id\":1}"),
    FBV("{\"id\":\"a\",\"id\":2}"),
    FBV("{\"title\":\"a\",\"t\\u0069tle\":\"b\"}"),
    FBV("{\"body\":\"\\n\",\"x\":1,\"body\":\"\\t\"}"),
    ANY("{\"x\":1,\"x\":2,\"title\":\"t\"}"),
    ANY("{\"x\":\"\\u00e9\",\"x\":\"\\n\",\"title\":\"\\t\",\"y\":\"a\","
        "\"y\":\"\\u20ac\"}"),
    ANY("{\"x\":true,\"x\":null,\"x\":1.5,\"id\":3}"),
    FBV("{\"x\":\"a\",\"title\":\"t\",\"x\":{}}"),
    /* integers */
    OK("{\"id\":0}"),
    OK("{\"id\":-0}"),
    OK("{\"id\":1}"),
    OK("{\"id\":-1}"),
    OK("{\"id\":9}"),
    OK("{\"id\":10}"),
    OK("{\"id\":123456789012345678}"),
    OK("{\"id\":999999999999999999}"),
    OK("{\"id\":-999999999999999999}"),
    OK("{\"id\":100000000000000000}"),
    OK("{\"date\":20200101,\"id\":-42}"),
    ANY("{\"id\":1234567890123456789}"),
    ANY("{\"id\":-1234567890123456789}"),
    ANY("{\"id\":9223372036854775807}"),
    ANY("{\"id\":-9223372036854775808}"),
    ANY("{\"id\":1000000000000000000}"),
    FB("{\"id\":9223372036854775808}"),
    FB("{\"id\":-9223372036854775809}"),
    FB("{\"id\":99999999999999999999}"),
    FB("{\"id\":-99999999999999999999}"),
    FB("{\"x\":99999999999999999999,\"id\":1}"),
    FB("{\"x\":9223372036854775808}"),
    FB("{\"id\":01}"),
    FB("{\"id\":-01}"),
    FB("{\"id\":00}"),
    FB("{\"id\":000}"),
    FB("{\"id\":0123456789}"),
    FB("{\"x\":01,\"id\":1}"),
    FB("{\"x\":-00}"),
    FB("{\"id\":-}"),
    FB("{\"id\":--1}"),
    FB("{\"id\":+1}"),
    FB("{\"id\":1.}"),
    FB("{\"id\":.5}"),
    FB("{\"id\":-.5}"),
    FB("{\"id\":1e}"),
    FB("{\"id\":1e+}"),
    FB("{\"id\":1e-}"),
    FB("{\"id\":1.e5}"),
    FB("{\"id\":0x10}"),
    FB("{\"id\":1 2}"),
    FB("{\"id\":1-2}"),
    FB("{\"id\":Infinity}"),
    FB("{\"id\":-Infinity}"),
    FB("{\"id\":NaN}"),
    FB("{\"x\":1.5e}"),
    FB("{\"x\":1.5.5}"),
    FB("{\"x\":1.}"),
    FB("{\"x\":1.e5}"),
    FB("{\"x\":-1.,\"id\":1}"),
    FB("{\"x\":1e,\"id\":1}"),
    FB("{\"x\":1E-}"),
    FB("{\"x\":01.5}"),
    FB("{\"id\":1a}"),
    /* reals, true, false, null: not for keys we use ... */
    FBV("{\"id\":1.5}"),
    FBV("{\"id\":1e5}"),
    FBV("{\"id\":1E+5}"),
    FBV("{\"id\":-0.0}"),
    FBV("{\"id\":0e0}"),
    FBV("{\"date\":0.1}"),
    FBV("{\"title\":true}"),
    FBV("{\"title\":false}"),
    FBV("{\"title\":null}"),
    FBV("{\"id\":null}"),
    FBV("{\"body\":\"b\",\"source\":null}"),
    FBV("{\"id\":12345678901234567890.5}"),
    /* ... but fine elsewhere */
    OK("{\"x\":1.5,\"title\":\"t\"}"),
    OK("{\"x\":-0.0e-0,\"id\":1}"),
    OK("{\"x\":1E+10,\"y\":2e-3,\"title\":\"t\"}"),
    OK("{\"x\":0.5,\"y\":-12.25e2}"),
    OK("{\"x\":true,\"y\":false,\"z\":null,\"title\":\"t\"}"),
    OK("{\"x\":true}"),
    OK("{\"x\":null,\"id\":1}"),
    OK("{\"x\":12345678901234567890.5,\"id\":2}"),
    OK("{\"x\":1.7e308,\"title\":\"t\"}"),
    OK("{\"x\":1e-400,\"title\":\"t\"}"),
    OK("{\"x\":0e99999}"),
    /* reals jansson refuses (overflow) */
    FB("{\"x\":1e400,\"title\":\"t\"}"),
    FB("{\"x\":-1e400,\"title\":\"t\"}"),
    FB("{\"x\":1.8e308,\"title\":\"t\"}"),
    FB("{\"x\":1e99999}"),
    /* broken literals */
    FB("{\"x\":tru}"),
    FB("{\"x\":truee}"),
    FB("{\"x\":True}"),
    FB("{\"x\":TRUE}"),
    FB("{\"x\":nul}"),
    FB("{\"x\":nulll}"),
    FB("{\"x\":null1}"),
    FB("{\"x\":true1}"),
    FB("{\"x\":falsefalse}"),
    FB("{\"x\":fals}"),
    FB("{\"x\":t}"),
    FB("{\"x\":undefined}"),
    FB("{\"x\":tr"),
    /* whitespace */
    OK("  {  \"id\"  :  1  ,  \"title\"  :  \"t\"  }  "),
    OK("\r\n\t{\n\"id\"\r:\t-5\n,\r\n\"title\"\t:\"t\"\n}\n\r\t"),
    OK("{\"id\":1}\n\n"),
    OK("{\"title\":\"t\"} "),
    FB("{\"id\":1}\v"),
    FB("{\"id\":1}\f"),
    FB("\f{\"id\":1}"),
    FB("{\"id\":\v1}"),
    FB("{\"id\":1}\x00"),
    FB("\x00{\"id\":1}"),
    C("{\"id\":1\x00}", XP_FALLBACK, J_ANY),
    FB("{\xc2\xa0\"id\":1}"),
    /* trailing garbage */
    FB("{\"id\":1}x"),
    FB("{\"id\":1}{}"),
    FB("{\"id\":1},"),
    FB("{\"id\":1}}"),
    FB("{\"id\":1} 1"),
    FB("{\"id\":1}\"\""),
    FB("{}[]"),
    FB("{} {}"),
    FB("{\"id\":1}\n{\"id\":2}"),
    /* missing or extra punctuation, other syntax errors */
    FB("{\"id\":1 \"title\":\"t\"}"),
    FB("{\"id\":1\"title\":\"t\"}"),
    FB("{\"id\" 1}"),
    FB("{\"id\"1}"),
    FB("{\"id\"::1}"),
    FB("{\"id\":1,,\"title\":\"t\"}"),
    FB("{,\"id\":1}"),
    FB("{,}"),
    FB("{\"id\":1,}"),
    FB("{\"id\":1 ,}"),
    FB("{\"id\":}"),
    FB("{\"id\":,\"title\":\"t\"}"),
    FB("{\"id\"}"),
    FB("{\"id\",\"title\"}"),
    FB("{id:1}"),
    FB("{'id':1}"),
    FB("{\"title\":'a'}"),
    FB("{\"id\":1"),
    FB("{\"id\":1,"),
    FB("{\"id\":1 "),
    FB("{\"id\":"),
    FB("{\"id\""),
    FB("{\"id"),
    FB("{\""),
    FB("{"),
    FB("}"),
    FB(""),
    FB("   "),
    FB("\n"),
    FB("\"id\""),
    FB("1"),
    FB("null"),
    FB("true"),
    FB("{\"id\":1]"),
    FB("{\"title\":\"a}"),
    FB("{\"title\":\"a\\\"}"),
    FB("{\"title\":\"a\"\"b\"}"),
    FB("{\"title\" \"a\"}"),
    FB("{1:\"a\"}"),
    FB("{null:\"a\"}"),
    FB("{\"a\":1:2}"),
    FB("{{}}"),
    /* empty strings */
    OK("{\"title\":\"\",\"body\":\"\",\"date\":\"\",\"source\":\"\"}"),
    OK("{\"id\":\"\"}"),
    OK("{\"\":\"\"}"),
    OK("{\"\":\"\",\"title\":\"x\"}"),
    OK("{\"\":1,\"\":2}"),
    /* keys with escapes, and keys that are almost ours */
    OK("{\"ti\\u0074le\":\"T\"}"),
    OK("{\"\\u0069\\u0064\":5}"),
    OK("{\"\\u0074itle\":\"a\",\"body\":\"b\"}"),
    OK("{\"titl\\u0065\":\"x\\u0041\"}"),
    OK("{\"b\\u006fdy\":\"\\n\",\"d\\u0061te\":\"d\"}"),
    OK("{\"tit\\/le\":\"x\"}"),
    OK("{\"\\/\":\"x\",\"title\":\"t\"}"),
    OK("{\"title \":\"x\"}"),
    OK("{\" title\":\"x\"}"),
    OK("{\"Title\":\"x\"}"),
    OK("{\"titlee\":\"x\",\"titl\":\"y\"}"),
    OK("{\"i\":\"x\",\"idd\":1,\"d\":2}"),
    OK("{\"\\u00e9\":\"x\",\"id\":1}"),
    OK("{\"x\\n\":\"\\n\",\"id\":1}"),
    OK("{\"\\ud83d\\ude00\":\"x\",\"title\":\"\\ud83d\\ude00\"}"),
};
#define N_CASE (sizeof aCase / sizeof aCase[0])

static const char *expect_name(int e) {
    return e == XP_OK ? "JF_OK" : e == XP_FALLBACK ? "JF_FALLBACK" : "either";
}

static void test_cases(void **state) {
    (void)state;
    jf_state st;
    memset(&st, 0, sizeof st);
    int nFail = 0;
    for (size_t i = 0; i < N_CASE; i++) {
        const jcase *c = &aCase[i];
        diffres r;
        diff_line(&st, c->z, c->n, &r);
        char zWhy[400];
        zWhy[0] = 0;
        if (r.rc == DR_BAD) {
            snprintf(zWhy, sizeof zWhy, "%s", r.zErr);
        } else if (c->eExpect == XP_OK && r.rc != DR_OK) {
            snprintf(zWhy, sizeof zWhy, "expected JF_OK, got JF_FALLBACK");
        } else if (c->eExpect == XP_FALLBACK && r.rc != DR_FALLBACK) {
            snprintf(zWhy, sizeof zWhy, "expected JF_FALLBACK, got JF_OK%s",
                     r.bJanOk ? "" : " (and jansson rejects the line)");
        } else if (c->eJansson != J_ANY && c->eJansson != r.bJanOk) {
            snprintf(zWhy, sizeof zWhy, "table error: jansson %s the line",
                     r.bJanOk ? "accepts" : "rejects");
        }
        if (zWhy[0]) {
            char zHead[512];
            snprintf(zHead, sizeof zHead, "case %zu (expect %s): %s", i,
                     expect_name(c->eExpect), zWhy);
            print_input(zHead, c->z, c->n);
            nFail++;
        }
    }
    jf_free(&st);
    if (nFail) fail_msg("%d of %zu hand-written cases failed", nFail, N_CASE);
}

/* Every prefix of valid lines: falls back unless itself valid, never reads
** past its end. */
static const char *const azWhole[] = {
    "{\"id\":123,\"title\":\"Caf\xc3\xa9 \\u00e9\\ud83d\\ude00 \\\"q\\\"\","
    "\"date\":\"2021-02-03\",\"x\":[1],\"source\":\"s\\/t\","
    "\"body\":\"a\\nb\xf0\x9f\x98\x80\xe2\x82\xac\"}",
    "{\"id\":-9876,\"x\":1.5e-3,\"y\":true,\"z\":false,\"w\":null,"
    "\"title\":\"t\",\"v\":0,\"u\":-0.0E+1}",
    "  {  \"ti\\u0074le\" : \"\\u20ac\" , \"id\" : 7 }  \n\t ",
    "{\"body\":\"\\\\\\\"\\/\\b\\f\\n\\r\\t\\u0041\\uD83D\\uDE00\"}\r\n",
    "{}  ",
    "{\"x\":nullx}",
};

static void test_prefixes(void **state) {
    (void)state;
    jf_state st;
    memset(&st, 0, sizeof st);
    int nFail = 0;
    for (size_t i = 0; i < sizeof azWhole / sizeof azWhole[0]; i++) {
        size_t n = strlen(azWhole[i]);
        for (size_t k = 0; k <= n; k++) {
            diffres r;
            diff_line(&st, azWhole[i], k, &r);
            if (r.rc == DR_BAD) {
                print_input(r.zErr, azWhole[i], k);
                nFail++;
            } else if (!r.bJanOk && r.rc != DR_FALLBACK) {
                print_input("JF_OK on a line jansson rejects", azWhole[i], k);
                nFail++;
            }
        }
    }
    jf_free(&st);
    if (nFail) fail_msg("%d truncated line(s) mishandled", nFail);
}

/* Long strings with escapes: the scratch buffer grows (and moves) after a
** decoded value was recorded, which must still come out right. */
static void test_long_strings(void **state) {
    (void)state;
    jf_state st;
    memset(&st, 0, sizeof st);
    int nFail = 0;
    static const size_t aLen[] = {1, 100, 4095, 4096, 5000, 20000, 100000};
    for (size_t iL = 0; iL < sizeof aLen / sizeof aLen[0]; iL++) {
        for (int eShape = 0; eShape < 4; eShape++) {
            size_t nRep = aLen[iL];
            size_t nCap = 200 + nRep * 12;
            char *z = malloc(nCap);
            assert_non_null(z);
            size_t n = 0;
            n += (size_t)sprintf(z + n, "{\"title\":\"t\\u00e9\\n\",");
            if (eShape & 1) {
                n += (size_t)sprintf(z + n, "\"x\":\"");
                for (size_t j = 0; j < nRep; j++)
                    n += (size_t)sprintf(z + n, "\\u20ac");
                n += (size_t)sprintf(z + n, "\",");
            }
            n += (size_t)sprintf(z + n, "\"body\":\"");
            for (size_t j = 0; j < nRep; j++) {
                const char *zP = (j % 3 == 0) ? "\\n"
                               : (j % 3 == 1) ? "\\ud83d\\ude00" : "a";
                if (eShape & 2) zP = (j % 2) ? "\xe2\x82\xac" : "\\\"";
                n += (size_t)sprintf(z + n, "%s", zP);
            }
            n += (size_t)sprintf(z + n, "\",\"date\":\"\\t\",\"id\":1}");
            assert_true(n < nCap);
            diffres r;
            diff_line(&st, z, n, &r);
            if (r.rc != DR_OK || !r.bJanOk) {
                char zHead[400];
                snprintf(zHead, sizeof zHead,
                         "long string %zu shape %d: %s", nRep, eShape,
                         r.rc == DR_BAD ? r.zErr : "not JF_OK");
                print_input(zHead, z, n < 200 ? n : 200);
                nFail++;
            }
            free(z);
        }
    }
    jf_free(&st);
    if (nFail) fail_msg("%d long-string case(s) failed", nFail);
}

/* More keys than JF_MAXKEY, or none at all. */
static void test_key_count(void **state) {
    (void)state;
    jf_state st;
    memset(&st, 0, sizeof st);
    static const char zLine[] = "{\"id\":1,\"title\":\"t\"}";
    size_t n = sizeof zLine - 1;
    char *a = malloc(n);
    assert_non_null(a);
    memcpy(a, zLine, n);
    jf_value aV[JF_MAXKEY + 1];
    assert_int_equal(jf_parse(&st, a, n, azKey, 0, aV), JF_OK);
    const char *az[JF_MAXKEY + 1];
    for (int i = 0; i <= JF_MAXKEY; i++) az[i] = (i == 0) ? "title" : "zz";
    int rc = jf_parse(&st, a, n, az, JF_MAXKEY, aV);
    assert_int_equal(rc, JF_OK);
    assert_int_equal(aV[0].eType, JF_STRING);
    assert_int_equal(aV[0].n, 1);
    assert_memory_equal(aV[0].z, "t", 1);
    for (int i = 1; i < JF_MAXKEY; i++)
        assert_int_equal(aV[i].eType, JF_ABSENT);
    /* too many keys: must not write past a JF_MAXKEY array's worth */
    rc = jf_parse(&st, a, n, az, JF_MAXKEY + 1, aV);
    assert_true(rc == JF_FALLBACK || rc == JF_OK);
    free(a);
    jf_free(&st);
}

/**************************************************************************
** Random flat objects.
*/
typedef struct sbuf {
    char *a;
    size_t n, nAlloc;
} sbuf;

static void sb_put(sbuf *b, const void *p, size_t n) {
    if (b->n + n > b->nAlloc) {
        size_t nNew = b->nAlloc ? b->nAlloc * 2 : 256;
        while (nNew < b->n + n) nNew *= 2;
        b->a = realloc(b->a, nNew);
        assert_non_null(b->a);
        b->nAlloc = nNew;
    }
    if (n) memcpy(b->a + b->n, p, n);
    b->n += n;
}
static void sb_c(sbuf *b, int c) {
    char ch = (char)c;
    sb_put(b, &ch, 1);
}
static void sb_s(sbuf *b, const char *z) { sb_put(b, z, strlen(z)); }

static size_t utf8_enc(uint32_t cp, char *o) {
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A random code point of 1..4 UTF-8 bytes (no surrogates, no NUL). */
static uint32_t rand_cp(th_rng *r) {
    switch (th_range(r, 0, 3)) {
    case 0: return (uint32_t)th_range(r, 1, 0x7f);
    case 1: return (uint32_t)th_range(r, 0x80, 0x7ff);
    case 2: {
        uint32_t cp;
        do cp = (uint32_t)th_range(r, 0x800, 0xffff);
        while (cp >= 0xd800 && cp <= 0xdfff);
        return cp;
    }
    default: return (uint32_t)th_range(r, 0x10000, 0x10ffff);
    }
}

typedef struct gen {
    th_rng *r;
    sbuf b;
    int bInvalid;      /* jansson must reject it */
    int bUnsure;       /* validity not predicted (e.g. huge reals) */
    int bNotSimple;    /* valid, but the fast path may fall back */
} gen;

static void gen_ws(gen *g) {
    if (th_range(g->r, 0, 2)) return;
    int k = (int)th_range(g->r, 1, 3);
    for (int i = 0; i < k; i++) {
        static const char az[] = " \t\r\n";
        if (th_range(g->r, 0, 400) == 0) {
            sb_c(&g->b, th_range(g->r, 0, 1) ? '\v' : '\f');
            g->bInvalid = 1;
        } else {
            sb_c(&g->b, az[th_range(g->r, 0, 3)]);
        }
    }
}

static void put_u_escape(gen *g, unsigned v) {
    static const char *const azHex[] = {"0123456789abcdef",
                                        "0123456789ABCDEF"};
    const char *zH = azHex[th_range(g->r, 0, 1)];
    char e[7] = {'\\', 'u', zH[(v >> 12) & 15], zH[(v >> 8) & 15],
                 zH[(v >> 4) & 15], zH[v & 15], 0};
    sb_s(&g->b, e);
}

/* A string token (with its quotes); its decoded bytes are appended to
** pDec when pDec is not NULL. */
static void gen_string(gen *g, sbuf *pDec, int nMax) {
    th_rng *r = g->r;
    sb_c(&g->b, '"');
    int nPiece = (int)th_range(r, 0, (uint64_t)nMax);
    int bEsc = th_range(r, 0, 2) == 0;   /* whether to use escapes */
    int bUtf = th_range(r, 0, 2) == 0;   /* whether to use raw UTF-8 */
    for (int i = 0; i < nPiece; i++) {
        uint64_t k = th_range(r, 0, 99);
        char o[4];
        if (k < 55 || (!bEsc && !bUtf && k < 99)) {
            /* plain ASCII */
            int c;
            do c = (int)th_range(r, 0x20, 0x7e);
            while (c == '"' || c == '\\');
            sb_c(&g->b, c);
            if (pDec) sb_c(pDec, c);
        } else if (k < 75 && bEsc) {
            static const char azE[] = "\"\\/bfnrt";
            static const char azD[] = "\"\\/\b\f\n\r\t";
            int j = (int)th_range(r, 0, 7);
            sb_c(&g->b, '\\');
            sb_c(&g->b, azE[j]);
            if (pDec) sb_c(pDec, azD[j]);
        } else if (k < 82 && bEsc) {
            uint32_t cp;
            do cp = rand_cp(r);
            while (cp > 0xffff);
            put_u_escape(g, cp);
            if (pDec) sb_put(pDec, o, utf8_enc(cp, o));
        } else if (k < 85 && bEsc) {
            uint32_t cp = (uint32_t)th_range(r, 0x10000, 0x10ffff);
            put_u_escape(g, 0xd800 + ((cp - 0x10000) >> 10));
            put_u_escape(g, 0xdc00 + ((cp - 0x10000) & 0x3ff));
            if (pDec) sb_put(pDec, o, utf8_enc(cp, o));
        } else if (k < 97 && bUtf) {
            uint32_t cp = rand_cp(r);
            while (cp < 0x20 || cp == '"' || cp == '\\') cp = rand_cp(r);
            size_t n = utf8_enc(cp, o);
            sb_put(&g->b, o, n);
            if (pDec) sb_put(pDec, o, n);
        } else if (k == 97) {
            /* \u0000: valid for jansson (JSON_ALLOW_NUL) */
            sb_s(&g->b, "\\u0000");
            if (pDec) sb_c(pDec, 0);
            g->bNotSimple = 1;
        } else if (k == 98 && th_range(r, 0, 3) == 0) {
            /* something invalid */
            static const char *const azBad[] = {
                "\xc0\x80", "\xc1\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",
                "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80",
                "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
                "\xf8\x88\x80\x80\x80", "\xfe", "\xff", "\x80", "\xbf",
                "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\x01", "\x1f", "\t",
                "\n", "\\x", "\\a", "\\u12", "\\u12G4", "\\ud83d",
                "\\ude00", "\\ud83d\\u0041", "\\ud83dx", "\\U0041", "\\'",
                "\\ud800\\ud800",
            };
            sb_s(&g->b, azBad[th_range(r, 0,
                                       sizeof azBad / sizeof azBad[0] - 1)]);
            sb_c(&g->b, ' ');   /* so the next piece cannot complete it */
            g->bInvalid = 1;
        } else {
            sb_c(&g->b, 'z');
            if (pDec) sb_c(pDec, 'z');
        }
    }
    sb_c(&g->b, '"');
}

/* An integer token; *pbInRange says whether it fits in a long long. */
static void gen_integer(gen *g, long long *pv, int *pbSimple) {
    th_rng *r = g->r;
    char z[32];
    size_t n = 0;
    int bNeg = th_range(r, 0, 3) == 0;
    if (bNeg) z[n++] = '-';
    uint64_t kind = th_range(r, 0, 99);
    int nDig;
    if (kind < 40) nDig = (int)th_range(r, 1, 3);
    else if (kind < 80) nDig = (int)th_range(r, 1, 18);
    else if (kind < 95) nDig = (int)th_range(r, 18, 20);
    else nDig = (int)th_range(r, 21, 25);
    if (kind < 10) {
        z[n++] = '0';      /* 0 or -0 */
        nDig = 1;
    } else {
        for (int i = 0; i < nDig; i++)
            z[n++] = (char)('0' + (i == 0 ? th_range(r, 1, 9)
                                          : th_range(r, 0, 9)));
        if (th_range(r, 0, 200) == 0) {   /* a leading zero */
            z[bNeg ? 1 : 0] = '0';
            if (nDig > 1) g->bInvalid = 1;
        }
    }
    z[n] = 0;
    errno = 0;
    char *zEnd;
    long long v = strtoll(z, &zEnd, 10);
    int bRange = errno != ERANGE;
    if (!bRange) g->bInvalid = 1;
    *pv = v;
    *pbSimple = bRange && nDig <= 18;
    sb_s(&g->b, z);
}

static void gen_real(gen *g) {
    th_rng *r = g->r;
    char z[64];
    size_t n = 0;
    if (th_range(r, 0, 3) == 0) z[n++] = '-';
    int nDig = (int)th_range(r, 1, 6);
    for (int i = 0; i < nDig; i++)
        z[n++] = (char)('0' + ((i == 0 && nDig > 1) ? th_range(r, 1, 9)
                                                    : th_range(r, 0, 9)));
    int bFrac = 0, bExp = 0;
    do {
        bFrac = (int)th_range(r, 0, 1);
        bExp = (int)th_range(r, 0, 1);
    } while (!bFrac && !bExp);
    if (bFrac) {
        z[n++] = '.';
        int k = (int)th_range(r, 1, 5);
        for (int i = 0; i < k; i++) z[n++] = (char)('0' + th_range(r, 0, 9));
    }
    if (bExp) {
        z[n++] = th_range(r, 0, 1) ? 'e' : 'E';
        uint64_t s = th_range(r, 0, 2);
        if (s == 1) z[n++] = '+';
        if (s == 2) z[n++] = '-';
        int e = th_range(r, 0, 20) == 0 ? (int)th_range(r, 290, 500)
                                        : (int)th_range(r, 0, 40);
        if (e >= 290) g->bUnsure = 1;   /* may overflow: jansson refuses */
        n += (size_t)sprintf(z + n, "%d", e);
    }
    z[n] = 0;
    sb_s(&g->b, z);
}

static const char *const azGenKey[] = {"id", "title", "date", "source",
                                       "body", "x", "y"};

/* A key token; returns the index in azGenKey. */
static int gen_key(gen *g) {
    th_rng *r = g->r;
    int iK = (int)th_range(r, 0, 6);
    const char *zK = azGenKey[iK];
    sb_c(&g->b, '"');
    int bEsc = th_range(r, 0, 9) == 0;
    for (const char *p = zK; *p; p++) {
        if (bEsc && th_range(r, 0, 1)) put_u_escape(g, (unsigned char)*p);
        else sb_c(&g->b, *p);
    }
    sb_c(&g->b, '"');
    return iK;
}

typedef struct expval {
    int eType;
    sbuf s;
    long long v;
} expval;

/* One random line into g->b; aExp[] gets the expected values of the
** requested keys (meaningful when the line is valid and simple). */
static void gen_line(gen *g, expval *aExp) {
    th_rng *r = g->r;
    g->b.n = 0;
    g->bInvalid = g->bUnsure = g->bNotSimple = 0;
    for (int i = 0; i < N_KEY; i++) {
        aExp[i].eType = JF_ABSENT;
        aExp[i].s.n = 0;
    }
    gen_ws(g);
    sb_c(&g->b, '{');
    int nMember = (int)th_range(r, 0, 7);
    for (int m = 0; m < nMember; m++) {
        gen_ws(g);
        if (m) {
            sb_c(&g->b, ',');
            gen_ws(g);
        }
        int iK = gen_key(g);
        int bUsed = iK < N_KEY;
        if (bUsed && aExp[iK].eType != JF_ABSENT) g->bNotSimple = 1; /* dup */
        gen_ws(g);
        sb_c(&g->b, ':');
        gen_ws(g);
        uint64_t t = th_range(r, 0, 99);
        if (t < 60) {
            sbuf *pDec = bUsed ? &aExp[iK].s : NULL;
            if (pDec) pDec->n = 0;
            gen_string(g, pDec, t < 5 ? 300 : 24);
            if (bUsed) aExp[iK].eType = JF_STRING;
        } else if (t < 80) {
            long long v;
            int bSimple;
            gen_integer(g, &v, &bSimple);
            if (!bSimple) g->bNotSimple = 1;
            if (bUsed) {
                aExp[iK].eType = JF_INTEGER;
                aExp[iK].v = v;
            }
        } else if (t < 96) {
            if (t < 88) {
                gen_real(g);
            } else {
                static const char *const az[] = {"true", "false", "null"};
                sb_s(&g->b, az[th_range(r, 0, 2)]);
            }
            if (bUsed) {
                g->bNotSimple = 1;
                aExp[iK].eType = JF_STRING + 100;   /* something else */
            }
        } else {
            static const char *const az[] = {
                "{}", "[]", "[1,\"a\"]", "{\"id\":1}", "[[]]",
                "{\"title\":[\"t\"]}", "[ ]", "{ }"};
            sb_s(&g->b, az[th_range(r, 0, sizeof az / sizeof az[0] - 1)]);
            g->bNotSimple = 1;
            if (bUsed) aExp[iK].eType = JF_STRING + 100;
        }
        gen_ws(g);
    }
    sb_c(&g->b, '}');
    gen_ws(g);
}

/* Random damage to a line. */
static void mutate(th_rng *r, sbuf *b) {
    static const char aSpecial[] = {'"', '\\', '{', '}', '[', ']', ',', ':',
                                    ' ', '\n', '0', '-', '.', 'e', 'u', 't',
                                    'n', '\0', (char)0x80, (char)0xc3,
                                    (char)0xe2, (char)0xf0, (char)0xff,
                                    (char)0xed, (char)0x7f, '\x01'};
    int nMut = (int)th_range(r, 1, 3);
    for (int i = 0; i < nMut; i++) {
        uint64_t op = th_range(r, 0, 5);
        size_t at = b->n ? th_range(r, 0, b->n - 1) : 0;
        char c = th_range(r, 0, 1)
                     ? aSpecial[th_range(r, 0, sizeof aSpecial - 1)]
                     : (char)th_range(r, 0, 255);
        if (op == 0 && b->n) {                 /* replace */
            b->a[at] = c;
        } else if (op == 1 && b->n) {          /* delete */
            memmove(b->a + at, b->a + at + 1, b->n - at - 1);
            b->n--;
        } else if (op == 2) {                  /* insert */
            sb_c(b, 0);
            memmove(b->a + at + 1, b->a + at, b->n - 1 - at);
            b->a[at] = c;
        } else if (op == 3 && b->n) {          /* truncate */
            b->n = at;
        } else if (op == 4 && b->n) {          /* flip one bit */
            b->a[at] ^= (char)(1u << th_range(r, 0, 7));
        } else if (b->n > 1) {                 /* duplicate a slice */
            size_t len = th_range(r, 1, b->n - at < 12 ? b->n - at : 12);
            char tmp[12];
            memcpy(tmp, b->a + at, len);
            size_t dst = th_range(r, 0, b->n);
            size_t nOld = b->n;
            sb_put(b, tmp, len);
            memmove(b->a + dst + len, b->a + dst, nOld - dst);
            memcpy(b->a + dst, tmp, len);
        }
    }
}

#define N_RANDOM 20000
#define MAX_REPORT 10

static void test_random(void **state) {
    (void)state;
    th_rng r = th_rng_for("jsonflat_random");
    jf_state st;
    memset(&st, 0, sizeof st);
    gen g;
    memset(&g, 0, sizeof g);
    g.r = &r;
    expval aExp[N_KEY];
    memset(aExp, 0, sizeof aExp);
    sbuf mut = {0};
    {
        /* Give the scratch buffer its first allocation, so that the run is
        ** about lines, not about a zeroed jf_state (test_fresh_state). */
        static const char zWarm[] = "{\"title\":\"a\\n\"}";
        diffres res;
        diff_line(&st, zWarm, sizeof zWarm - 1, &res);
        assert_int_equal(res.rc, DR_OK);
    }

    long nBad = 0, nGen = 0, nOk = 0, nSimple = 0, nSimpleOk = 0;
    long nInvalid = 0, nMut = 0, nMutOk = 0, nMutJanOk = 0;
    for (int iter = 0; iter < N_RANDOM; iter++) {
        gen_line(&g, aExp);
        nGen++;
        diffres res;
        diff_line(&st, g.b.a, g.b.n, &res);
        const char *zWhy = NULL;
        char zBuf[400];
        if (res.rc == DR_BAD) {
            zWhy = res.zErr;
        } else if (!g.bUnsure && g.bInvalid && res.bJanOk) {
            zWhy = "generator error: jansson accepts a line meant invalid";
        } else if (!g.bUnsure && !g.bInvalid && !res.bJanOk) {
            zWhy = "generator error: jansson rejects a line meant valid";
        }
        if (res.rc == DR_OK) nOk++;
        if (g.bInvalid) nInvalid++;
        if (!zWhy && !g.bInvalid && !g.bUnsure && !g.bNotSimple) {
            nSimple++;
            if (res.rc == DR_OK) {
                nSimpleOk++;
                /* the generator's own idea of the values, through jansson
                ** (diff_line already compared jf with jansson) */
                json_t *pObj =
                    json_loadb(g.b.a, g.b.n, JSON_ALLOW_NUL, NULL);
                for (int i = 0; i < N_KEY && pObj && !zWhy; i++) {
                    json_t *pV = json_object_get(pObj, azKey[i]);
                    int ok;
                    if (aExp[i].eType == JF_ABSENT) ok = pV == NULL;
                    else if (aExp[i].eType == JF_INTEGER)
                        ok = json_is_integer(pV) &&
                             json_integer_value(pV) == aExp[i].v;
                    else
                        ok = json_is_string(pV) &&
                             json_string_length(pV) == aExp[i].s.n &&
                             (aExp[i].s.n == 0 ||
                              memcmp(json_string_value(pV), aExp[i].s.a,
                                     aExp[i].s.n) == 0);
                    if (!ok) {
                        snprintf(zBuf, sizeof zBuf,
                                 "generator error: key \"%s\" decodes "
                                 "differently from what was generated",
                                 azKey[i]);
                        zWhy = zBuf;
                    }
                }
                json_decref(pObj);
            }
        }
        if (zWhy) {
            if (nBad < MAX_REPORT) {
                char zHead[512];
                snprintf(zHead, sizeof zHead, "random line %d: %s", iter,
                         zWhy);
                print_input(zHead, g.b.a, g.b.n);
            }
            nBad++;
        }

        /* and a damaged copy of it */
        mut.n = 0;
        sb_put(&mut, g.b.a, g.b.n);
        mutate(&r, &mut);
        nMut++;
        diff_line(&st, mut.a, mut.n, &res);
        if (res.rc == DR_OK) nMutOk++;
        if (res.bJanOk) nMutJanOk++;
        if (res.rc == DR_BAD) {
            if (nBad < MAX_REPORT) {
                snprintf(zBuf, sizeof zBuf, "mutated line %d: %s", iter,
                         res.zErr);
                print_input(zBuf, mut.a, mut.n);
            }
            nBad++;
        }
    }
    printf("# random: %ld lines (%ld meant invalid), %ld JF_OK; "
           "simple and valid: %ld, of which %ld JF_OK\n",
           nGen, nInvalid, nOk, nSimple, nSimpleOk);
    printf("# mutated: %ld lines, %ld accepted by jansson, %ld JF_OK\n", nMut,
           nMutJanOk, nMutOk);
    fflush(stdout);

    free(g.b.a);
    free(mut.a);
    for (int i = 0; i < N_KEY; i++) free(aExp[i].s.a);
    jf_free(&st);

    if (nBad)
        th_fail("%ld random/mutated line(s) failed (first %d printed)", nBad,
                MAX_REPORT);
    /* the generator must produce enough simple lines, and the fast path
    ** must take nearly all of them */
    th_check(nSimple >= N_RANDOM / 5, "only %ld simple lines generated",
             nSimple);
    th_check(nSimpleOk * 10 >= nSimple * 9,
             "fast path took only %ld of %ld simple valid lines", nSimpleOk,
             nSimple);
    th_check(nMutOk > 0 && nMutOk < nMut, "mutations: %ld of %ld JF_OK",
             nMutOk, nMut);
}

/* The first call on a zeroed jf_state (no scratch buffer yet), for lines
** whose first escaped string starts with its escape: each on a fresh state.
** Under UBSan this also checks that no NULL pointer reaches memcpy(). */
static void test_fresh_state(void **state) {
    (void)state;
    static const char *const azLine[] = {
        "{\"title\":\"\\n\"}",
        "{\"title\":\"\\u00e9x\",\"id\":1}",
        "{\"\\u0069d\":7,\"body\":\"\\\"q\\\"\"}",
        "{\"x\":\"\\t\",\"title\":\"t\"}",
        "{\"title\":\"a\\n\"}",
        "{\"id\":1}",
        "{}",
        "{\"title\":\"\\ud83d\"}",
        "{\"title\":\"\\",
    };
    int nFail = 0;
    for (size_t i = 0; i < sizeof azLine / sizeof azLine[0]; i++) {
        jf_state st;
        memset(&st, 0, sizeof st);
        diffres r;
        size_t n = strlen(azLine[i]);
        diff_line(&st, azLine[i], n, &r);
        if (r.rc == DR_BAD || (r.bJanOk && r.rc != DR_OK) ||
            (!r.bJanOk && r.rc != DR_FALLBACK)) {
            print_input(r.rc == DR_BAD ? r.zErr : "unexpected answer",
                        azLine[i], n);
            nFail++;
        }
        jf_free(&st);
        assert_null(st.aOut);
    }
    if (nFail) fail_msg("%d fresh-state case(s) failed", nFail);
}

int main(void) {
    setenv("KQ_TEST_SEED", DEFAULT_SEED, 0);   /* deterministic by default */
    th_seed_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_key_count),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_fresh_state),
    };
    return TH_RUN(tests);
}

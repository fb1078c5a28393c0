/*
** buf.c -- growable byte buffers, varints, little-endian integers, and the
** sizes users write (kq_parse_size()).
**
** Every on-disk integer is either a LEB128 varint (7 bits a byte, least
** significant group first, high bit = "more follows", at most 10 bytes) or a
** fixed-width little-endian u16/u32/u64.  Readers are bounded: they take an
** end pointer and report KQ_CORRUPT instead of reading past it.
*/
#include "kq_int.h"

#include <stdint.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
kq_grow(void *ppArray, size_t szElem, size_t *pnAlloc, size_t nNeed,
        size_t nFirst)
{
    if (nNeed <= *pnAlloc) {
        return KQ_OK;
    }
    size_t nNew = *pnAlloc ? *pnAlloc : nFirst;
    while (nNew < nNeed) {
        if (nNew > SIZE_MAX / 2) {
            return KQ_NOMEM;
        }
        nNew *= 2;
    }
    if (nNew > SIZE_MAX / szElem) {
        return KQ_NOMEM;
    }
    void *pOld;
    memcpy(&pOld, ppArray, sizeof(pOld));
    void *pNew = realloc(pOld, nNew * szElem);
    if (pNew == NULL) {
        return KQ_NOMEM;
    }
    memcpy(ppArray, &pNew, sizeof(pNew));
    *pnAlloc = nNew;
    return KQ_OK;
}

int
kqi_buf_reserve(kq_buf *b, size_t nMore)
{
    if (b->rc == KQ_OK && (nMore > SIZE_MAX - b->n ||
                           kq_grow(&b->a, 1, &b->nAlloc, b->n + nMore, 64))) {
        b->rc = KQ_NOMEM; /* (n + nMore bytes cannot be had) */
    }
    return b->rc;
}

void
kq_buf_append(kq_buf *b, const void *p, size_t n)
{
    if (n && kqi_buf_reserve(b, n) == 0) {
        memcpy(b->a + b->n, p, n);
        b->n += n;
    }
}

void
kq_buf_putc(kq_buf *b, u8 c)
{
    if (kqi_buf_reserve(b, 1) == 0) {
        b->a[b->n++] = c;
    }
}

void
kqi_buf_varint(kq_buf *b, u64 v)
{
    if (kqi_buf_reserve(b, KQI_VARINT_MAX) == 0) {
        b->n += kqi_varint_put(b->a + b->n, v);
    }
}

void
kqi_buf_u32(kq_buf *b, u32 v)
{
    if (kqi_buf_reserve(b, 4) == 0) {
        kqi_put_u32(b->a + b->n, v);
        b->n += 4;
    }
}

void
kqi_buf_u64(kq_buf *b, u64 v)
{
    if (kqi_buf_reserve(b, 8) == 0) {
        kqi_put_u64(b->a + b->n, v);
        b->n += 8;
    }
}

void
kq_buf_free(kq_buf *b)
{
    free(b->a);
    memset(b, 0, sizeof(*b));
}

int
kqi_varint_get_slow(const u8 **pp, const u8 *end, u64 *pv)
{
    const u8 *p = *pp;
    u64 v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (p >= end) {
            return KQ_CORRUPT;
        }
        u8 c = *p++;
        /* The tenth byte may only carry the top bit of a 64-bit value. */
        if (shift == 63 && c > 1) {
            return KQ_CORRUPT;
        }
        v |= (u64)(c & 0x7f) << shift;
        if ((c & 0x80) == 0) {
            *pp = p;
            *pv = v;
            return KQ_OK;
        }
    }
    return KQ_CORRUPT;
}

int
kqi_varint_get32_slow(const u8 **pp, const u8 *end, u32 *pv)
{
    const u8 *p = *pp;
    u64 v;
    int rc = kqi_varint_get_slow(&p, end, &v);
    if (rc || v > 0xffffffffu) {
        return KQ_CORRUPT;
    }
    *pv = (u32)v;
    *pp = p;
    return KQ_OK;
}

int
kqi_varint_skip(const u8 **pp, const u8 *end, u64 n)
{
    const u8 *p = *pp;
    /* A varint ends at each byte below 0x80: count those, eight bytes at a
    ** time while the count stays below n. */
    while (n >= 8 && end - p >= 8) {
        u64 w;
        memcpy(&w, p, 8);
        /* One bit per byte below 0x80, summed by a multiply (no popcnt
        ** instruction is assumed). */
        u64 nEnd = ((((~w) & 0x8080808080808080ull) >> 7) *
                    0x0101010101010101ull) >>
                   56;
        if (nEnd > n) {
            break;
        }
        n -= nEnd;
        p += 8;
    }
    while (n > 0) {
        if (p >= end) {
            return KQ_CORRUPT;
        }
        if (*p++ < 0x80) {
            n--;
        }
    }
    *pp = p;
    return KQ_OK;
}

void
kqi_put_u16(u8 *p, u16 v)
{
    p[0] = (u8)v;
    p[1] = (u8)(v >> 8);
}

void
kqi_put_u32(u8 *p, u32 v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (u8)(v >> (8 * i));
    }
}

void
kqi_put_u64(u8 *p, u64 v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (u8)(v >> (8 * i));
    }
}

u16
kqi_get_u16(const u8 *p)
{
    return (u16)(p[0] | (p[1] << 8));
}

/* A 64-bit hash, eight bytes a step (the mixing of MurmurHash64A).  Used
** for document ids and contents, where it must be fast on long bodies and
** collisions must be rare (they are resolved by comparing ids; contents
** are compared by hash only). */
u64
kqi_hash64(const void *pData, size_t n, u64 seed)
{
    const u64 m = 0xc6a4a7935bd1e995ULL;
    const int r = 47;
    const u8 *p = pData;
    u64 h = seed ^ (n * m);
    while (n >= 8) {
        u64 k;
        memcpy(&k, p, 8);
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        /* The last 1..7 bytes as a little-endian number (little-endian
        ** hosts only, like the format), in two loads that may overlap: a
        ** memcpy() of n bytes is a library call, and this function hashes
        ** every shingle of every body (simhash.c). */
        u64 k;
        if (n >= 4) {
            u32 lo, hi;
            memcpy(&lo, p, 4);
            memcpy(&hi, p + n - 4, 4);
            k = lo | ((u64)hi << (8 * (n - 4)));
        } else {
            k = p[0] | ((u64)p[n / 2] << (8 * (n / 2))) |
                ((u64)p[n - 1] << (8 * (n - 1)));
        }
        h ^= k;
        h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

u64
kqi_doc_hash(const kq_doc *d)
{
    /* Field lengths go into the seed chain, so moving bytes from one
    ** field to the next changes the hash. */
    u64 h = kqi_hash64(d->zTitle, d->nTitle, 0x6b71 ^ d->nTitle);
    h = kqi_hash64(d->zDate, d->nDate, h ^ d->nDate);
    h = kqi_hash64(d->zSource, d->nSource, h ^ d->nSource);
    h = kqi_hash64(d->zBody, d->nBody, h ^ d->nBody);
    /* Extra fields count too (and a document without any hashes as it did
    ** before they existed). */
    for (int i = 0; i < d->nField; i++) {
        const kq_field *f = &d->aField[i];
        h = kqi_hash64(f->zName, f->nName, h ^ f->nName);
        h = kqi_hash64(f->zValue, f->nValue, h ^ f->nValue);
    }
    return h;
}

void
kqi_fields_pack(kq_buf *b, const kq_field *a, int n)
{
    kqi_buf_varint(b, (u64)n);
    for (int i = 0; i < n; i++) {
        kqi_buf_varint(b, a[i].nName);
        kq_buf_append(b, a[i].zName, a[i].nName);
        kqi_buf_varint(b, a[i].nValue);
        kq_buf_append(b, a[i].zValue, a[i].nValue);
    }
}

static int
unpack_str(const u8 **pp, const u8 *end, const char **pz, size_t *pn)
{
    u64 n;
    if (kqi_varint_get(pp, end, &n) || n > (u64)(end - *pp)) {
        return KQ_CORRUPT;
    }
    *pz = (const char *)*pp;
    *pn = (size_t)n;
    *pp += n;
    return KQ_OK;
}

int
kqi_fields_count(const u8 *p, size_t n, int *pnField)
{
    u64 k = 0;
    const u8 *end = p + n;
    *pnField = 0;
    if (n == 0) {
        return KQ_OK;
    }
    if (kqi_varint_get(&p, end, &k) || k > KQ_MAX_FIELDS) {
        return KQ_CORRUPT;
    }
    *pnField = (int)k;
    return KQ_OK;
}

int
kqi_fields_get(const u8 *p, size_t n, int i, kq_field *pOut)
{
    const u8 *end = p + n;
    u64 k;
    if (kqi_varint_get(&p, end, &k) || i < 0 || (u64)i >= k) {
        return KQ_CORRUPT;
    }
    for (int j = 0; j <= i; j++) {
        if (unpack_str(&p, end, &pOut->zName, &pOut->nName) ||
            unpack_str(&p, end, &pOut->zValue, &pOut->nValue)) {
            return KQ_CORRUPT;
        }
    }
    return KQ_OK;
}

size_t
kq_parse_size(const char *z)
{
    char *zEnd;
    errno = 0;
    double v = strtod(z, &zEnd);
    if (errno || zEnd == z || v <= 0) {
        return 0;
    }
    switch (*zEnd) {
    case 'k':
    case 'K':
        v *= 1024.0;
        zEnd++;
        break;
    case 'm':
    case 'M':
        v *= 1024.0 * 1024;
        zEnd++;
        break;
    case 'g':
    case 'G':
        v *= 1024.0 * 1024 * 1024;
        zEnd++;
        break;
    default: break;
    }
    if (*zEnd == 'B' || *zEnd == 'b') {
        zEnd++;
    }
    if (*zEnd != 0 || v < 1 || v > 1e15) {
        return 0;
    }
    return (size_t)v;
}

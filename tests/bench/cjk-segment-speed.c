/*
** cjk-segment-speed.c -- segmentation speed of ICU's word BreakIterator
** (dictionary) and of CJK character bigrams, in C, the way kq would run them
** (issue 17; built and run by cjk-segment.sh):
**
**   cjk-segment-speed FILE [ROUNDS]
**
** FILE: UTF-8 text, one document per line (cjk-segment.py writes
** corpus-LANG.txt).  For every line:
**   dict    ubrk_setUText over the line's UTF-8 (utext_openUTF8, no copy),
**           ubrk_next to the end; a token is a segment with rule status
**           >= UBRK_WORD_NUMBER (what common/analyze.c keeps);
**   bigram  decode the UTF-8; a run of Han/Kana code points gives one bigram
**           per adjacent pair (a unigram if alone); a run of other letters
**           and digits (u_isalnum) gives one token (a stand-in for
**           StandardTokenizer, which the bigram filter sits behind).
** Both hash their tokens' bytes (FNV-1a) so that the work cannot be skipped.
** Prints, per analyzer, tokens and MB/s (best of ROUNDS, default 5; input MB
** = bytes of FILE).  Timing only: no test depends on it.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

static double now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t fnv(uint64_t h, const char *p, int32_t n){
  int32_t i;
  for(i = 0; i < n; i++){ h ^= (unsigned char)p[i]; h *= 1099511628211ULL; }
  return h;
}

/* Han (with U+3005 U+3007 U+3021-3029 U+3038-303B), Hiragana, Katakana (with
** U+30FC), half-width Katakana: the same set as cjk-segment.py's CJK_CHARS */
static int is_cjk(UChar32 c){
  return c == 0x3005 || c == 0x3007 || (c >= 0x3021 && c <= 0x3029)
      || (c >= 0x3038 && c <= 0x303B) || (c >= 0x3400 && c <= 0x4DBF)
      || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF)
      || (c >= 0x20000 && c <= 0x3134F) || (c >= 0x3041 && c <= 0x309F)
      || (c >= 0x30A0 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FF)
      || (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF66 && c <= 0xFF9F);
}

static long dict_pass(UBreakIterator *bi, char **line, int32_t *len, long n,
                      uint64_t *h){
  long i, ntok = 0;
  for(i = 0; i < n; i++){
    UErrorCode rc = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, line[i], len[i], &rc);
    int32_t p, q;
    ubrk_setUText(bi, ut, &rc);
    if( U_FAILURE(rc) ){ fprintf(stderr, "ICU: %s\n", u_errorName(rc)); exit(1); }
    for(p = ubrk_first(bi); (q = ubrk_next(bi)) != UBRK_DONE; p = q){
      if( ubrk_getRuleStatus(bi) >= UBRK_WORD_NUMBER ){
        *h = fnv(*h, line[i] + p, q - p);   /* UTF-8 text: offsets are bytes */
        ntok++;
      }
    }
    utext_close(ut);
  }
  return ntok;
}

static long bigram_pass(char **line, int32_t *len, long n, uint64_t *h){
  long i, ntok = 0;
  for(i = 0; i < n; i++){
    const char *s = line[i];
    int32_t k = 0, prev = -1, runlen = 0, wstart = -1, m = len[i];
    while( k < m ){
      int32_t at = k;
      UChar32 c;
      U8_NEXT(s, k, m, c);
      if( c >= 0 && is_cjk(c) ){
        if( wstart >= 0 ){ *h = fnv(*h, s + wstart, at - wstart); ntok++; wstart = -1; }
        if( runlen > 0 ){ *h = fnv(*h, s + prev, k - prev); ntok++; }
        prev = at;
        runlen++;
        continue;
      }
      if( runlen == 1 ){ *h = fnv(*h, s + prev, at - prev); ntok++; }
      runlen = 0;
      if( c >= 0 && u_isalnum(c) ){
        if( wstart < 0 ) wstart = at;
      }else if( wstart >= 0 ){
        *h = fnv(*h, s + wstart, at - wstart); ntok++; wstart = -1;
      }
    }
    if( runlen == 1 ){ *h = fnv(*h, s + prev, m - prev); ntok++; }
    if( wstart >= 0 ){ *h = fnv(*h, s + wstart, m - wstart); ntok++; }
  }
  return ntok;
}

int main(int argc, char **argv){
  FILE *f;
  char *buf, **line;
  int32_t *len;
  long size, n = 0, cap = 1024, i, ntok[2] = {0, 0};
  int rounds = argc > 2 ? atoi(argv[2]) : 5, r, a;
  double best[2] = {1e9, 1e9};
  uint64_t h = 14695981039346656037ULL;
  UErrorCode rc = U_ZERO_ERROR;
  UBreakIterator *bi;

  if( argc < 2 || rounds < 1 ){
    fprintf(stderr, "usage: %s FILE [ROUNDS]\n", argv[0]);
    return 2;
  }
  if( (f = fopen(argv[1], "rb")) == NULL ){ perror(argv[1]); return 1; }
  if( fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ){ perror(argv[1]); return 1; }
  rewind(f);
  buf = malloc(size + 1);
  line = malloc(cap * sizeof *line);
  len = malloc(cap * sizeof *len);
  if( !buf || !line || !len || fread(buf, 1, size, f) != (size_t)size ){
    fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 1;
  }
  fclose(f);
  buf[size] = '\n';
  for(i = 0; i < size; ){
    char *e = memchr(buf + i, '\n', size + 1 - i);
    if( n == cap ){
      cap *= 2;
      line = realloc(line, cap * sizeof *line);
      len = realloc(len, cap * sizeof *len);
      if( !line || !len ){ fprintf(stderr, "out of memory\n"); return 1; }
    }
    if( e - (buf + i) > INT32_MAX ){   /* ICU lengths are int32_t */
      fprintf(stderr, "%s: line at byte %ld is over 2 GB\n", argv[1], i);
      return 1;
    }
    line[n] = buf + i;
    len[n++] = (int32_t)(e - (buf + i));
    i = e - buf + 1;
  }
  bi = ubrk_open(UBRK_WORD, "", NULL, 0, &rc);
  if( U_FAILURE(rc) ){ fprintf(stderr, "ubrk_open: %s\n", u_errorName(rc)); return 1; }
  for(r = 0; r < rounds; r++){
    for(a = 0; a < 2; a++){
      double t = now();
      ntok[a] = a == 0 ? dict_pass(bi, line, len, n, &h) : bigram_pass(line, len, n, &h);
      t = now() - t;
      if( t < best[a] ) best[a] = t;
    }
  }
  printf("file\t%s\t%ld docs\t%.2f MB\tICU %s\n", argv[1], n, size / 1e6, U_ICU_VERSION);
  printf("dict\t%ld tokens\t%.1f MB/s\n", ntok[0], size / 1e6 / best[0]);
  printf("bigram\t%ld tokens\t%.1f MB/s\n", ntok[1], size / 1e6 / best[1]);
  printf("hash\t%016llx\n", (unsigned long long)h);
  ubrk_close(bi);
  free(buf); free(line); free(len);
  return 0;
}

/*
** inputopts.h -- the kq-index options that say how to read the input
** (--input-format, --map, --field, --lang-field), checked and gathered
** into a corpus_opts.
*/
#ifndef KQ_INPUTOPTS_H
#define KQ_INPUTOPTS_H

#include "corpus.h"

typedef struct inputopts {
    corpus_opts o; /* what corpus_read_ex() gets */
    corpus_map *aMap;
    int nMap;
    char **azField; /* owned copies */
    int nField;
    char **azOwned; /* FIELD parts of --map arguments */
    int nOwned;
} inputopts;

/* Each takes one option's argument.  0, or -1 after printing a usage
** message (kq-index exits 2). */
int inputopts_format(inputopts *p, const char *zArg);
int inputopts_map(inputopts *p, const char *zArg);   /* FIELD=KEY */
int inputopts_field(inputopts *p, const char *zArg); /* NAME */
int inputopts_lang(inputopts *p, const char *zArg);  /* KEY */

/* After the last option: an extra field named only by --map becomes a
** --field too.  0, or -1 after a message. */
int inputopts_finish(inputopts *p);

void inputopts_free(inputopts *p);

#endif

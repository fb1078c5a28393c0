/*
** langid_detect.c -- the driver of tests/bench/langid-accuracy.sh: reads
** lines "LABEL<TAB>TEXT" from stdin and writes "LABEL<TAB>LANG" for each,
** LANG being kq_lang_detect(TEXT) or "-" when it returns NULL.
*/
#include "kq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char *zLine = NULL;
    size_t nAlloc = 0;
    ssize_t n;
    while ((n = getline(&zLine, &nAlloc, stdin)) > 0) {
        if (zLine[n - 1] == '\n') zLine[--n] = 0;
        char *zTab = memchr(zLine, '\t', (size_t)n);
        if (zTab == NULL) continue;
        *zTab = 0;
        const char *zLang = kq_lang_detect(zTab + 1,
                                           (size_t)(n - (zTab + 1 - zLine)));
        printf("%s\t%s\n", zLine, zLang ? zLang : "-");
    }
    free(zLine);
    return 0;
}

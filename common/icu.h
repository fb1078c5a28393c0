/*
** icu.h -- the ICU functions kq uses, through the table icu.c fills when
** ICU is first needed (why it is not linked: icu.c).  Only analyze.c and
** icu.c include this (and the ICU headers with it).
*/
#ifndef KQ_ICU_H
#define KQ_ICU_H

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

/* Each member has the type of the ICU function it stands for. */
typedef struct kqi_icu {
    __typeof__(ubrk_open) *xBrkOpen;
    __typeof__(ubrk_close) *xBrkClose;
    __typeof__(ubrk_setUText) *xBrkSetUText;
    __typeof__(ubrk_setText) *xBrkSetText;
    __typeof__(ubrk_first) *xBrkFirst;
    __typeof__(ubrk_next) *xBrkNext;
    __typeof__(ubrk_getRuleStatus) *xBrkRuleStatus;
    __typeof__(utext_openUTF8) *xTextOpenUTF8;
    __typeof__(utext_close) *xTextClose;
    __typeof__(u_getIntPropertyValue) *xIntProperty;
    __typeof__(uscript_getScript) *xScript;
} kqi_icu;

/* The table, ICU loaded on the first call (thread-safe); NULL if it
** cannot be loaded, and then kqi_icu_error() (kq_int.h) says why. */
const kqi_icu *kqi_icu_load(void);

#endif

/*
** svg.c -- the chart of kq hist --plot: a plain SVG line chart meant to go
** into a paper as it is: axes with ticks at round numbers, period labels
** (thinned and slanted when they would collide), axis titles, a legend,
** one polyline per query in a colour-blind-safe palette (Okabe & Ito),
** and no script, no external font or stylesheet.
*/
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 800.0
#define H 450.0
#define FONT "Helvetica, Arial, sans-serif"

static const char *const azColor[] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7",
    "#E69F00", "#56B4E9", "#000000",
};
#define NCOLOR ((int)(sizeof(azColor) / sizeof(azColor[0])))

/* XML text: white space and control characters collapsed to one space,
** at most nMax columns, escaped (KQ_ESC_XML: entities, and what XML 1.0
** forbids, U+FFFE and U+FFFF among them, as U+FFFD). */
static void
put_xml(FILE *f, const char *z, size_t nMax)
{
    char *zClean = kq_utf8_clean(z, strlen(z), 1);
    if (zClean == NULL) {
        return;
    }
    size_t n = strlen(zClean), w;
    size_t nCut = kq_text_prefix(zClean, n, nMax, &w);
    esc_put(f, zClean, nCut, KQ_ESC_XML);
    if (nCut < n) {
        fputs("\xe2\x80\xa6", f); /* … */
    }
    free(zClean);
}

/* A round step (1, 2, 2.5 or 5 times a power of ten) for about n ticks up
** to vMax. */
static double
nice_step(double vMax, int n)
{
    double raw = vMax / n;
    double p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    double s = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
    return s * p;
}

int
svg_write(const char *zPath, const svg_chart *p, char **pzErr)
{
    FILE *f = fopen(zPath, "w");
    if (f == NULL) {
        *pzErr = kq_mprintf("%s: %s", zPath, strerror(errno));
        return KQ_IOERR;
    }
    /* The legend: entries laid out left to right, wrapping. */
    double xLeg = 70, yLeg = 22;
    int nLegRow = 1;
    for (int s = 0; s < p->nSeries; s++) {
        double w = 34 + 7.0 * (double)kq_text_width(p->azSeries[s],
                                                    strlen(p->azSeries[s]));
        w = w > 320 ? 320 : w;
        if (xLeg + w > W - 20 && xLeg > 70) {
            xLeg = 70;
            nLegRow++;
        }
        xLeg += w + 16;
    }
    double top = 20 + 18.0 * nLegRow + 8, left = 70, right = W - 24;
    int maxLabel = 0;
    for (int i = 0; i < p->nX; i++) {
        int l = (int)strlen(p->azX[i]);
        maxLabel = l > maxLabel ? l : maxLabel;
    }
    double plotW = right - left;
    double wLabel = 7.0 * maxLabel + 10;
    int bSlant = p->nX * wLabel > plotW;
    /* Slanted labels reach about 0.7 of their length below the axis;
    ** the axis title goes under them. */
    double bottom = H - (bSlant ? 44 + 5.0 * maxLabel : 52);
    double plotH = bottom - top;

    double vMax = 0;
    for (int i = 0; i < p->nSeries * p->nX; i++) {
        if (p->aY[i] > vMax) {
            vMax = p->aY[i];
        }
    }
    double step = vMax > 0 ? nice_step(vMax, 5) : 1;
    double yTop = vMax > 0 ? ceil(vMax / step - 1e-9) * step : 1;
    if (yTop <= 0) {
        yTop = step;
    }
#define XPOS(i) (left + ((i) + 0.5) * plotW / p->nX)
#define YPOS(v) (bottom - (v) / yTop * plotH)

    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" "
            "height=\"%g\" viewBox=\"0 0 %g %g\" font-family=\"%s\" "
            "font-size=\"12\">\n",
            W, H, W, H, FONT);
    fputs("<title>", f);
    for (int s = 0; s < p->nSeries; s++) {
        fputs(s ? ", " : "", f);
        put_xml(f, p->azSeries[s], 200);
    }
    fprintf(f, ": %s per %s</title>\n", p->zYLabel, p->zXLabel);
    fprintf(f,
            "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" "
            "fill=\"white\"/>\n",
            W, H);

    /* Horizontal grid and y ticks. */
    fputs("<g stroke=\"#dddddd\" stroke-width=\"1\">\n", f);
    for (double v = step; v <= yTop + step * 1e-6; v += step) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                left, YPOS(v), right, YPOS(v));
    }
    fputs("</g>\n<g text-anchor=\"end\" fill=\"#222222\">\n", f);
    for (double v = 0; v <= yTop + step * 1e-6; v += step) {
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%g</text>\n", left - 8,
                YPOS(v) + 4, fabs(v) < step * 1e-9 ? 0.0 : v);
    }
    fputs("</g>\n", f);

    /* Axes and x ticks, labels thinned to fit. */
    fprintf(f,
            "<g stroke=\"#222222\" stroke-width=\"1\">\n"
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
            left, top, left, bottom, left, bottom, right, bottom);
    int stride = 1;
    if (bSlant) {
        stride = (int)ceil(p->nX * 16.0 / plotW);
        stride = stride < 1 ? 1 : stride;
    }
    for (int i = 0; i < p->nX; i += stride) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                XPOS(i), bottom, XPOS(i), bottom + 5);
    }
    for (double v = 0; v <= yTop + step * 1e-6; v += step) {
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                left - 5, YPOS(v), left, YPOS(v));
    }
    fputs("</g>\n<g fill=\"#222222\">\n", f);
    for (int i = 0; i < p->nX; i += stride) {
        if (bSlant) {
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                    "transform=\"rotate(-45 %.1f %.1f)\">",
                    XPOS(i), bottom + 16, XPOS(i), bottom + 16);
        } else {
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                    XPOS(i), bottom + 18);
        }
        put_xml(f, p->azX[i], 40);
        fputs("</text>\n", f);
    }
    fputs("</g>\n", f);

    /* Axis titles. */
    fprintf(f,
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
            "font-size=\"13\">",
            (left + right) / 2, H - 10);
    put_xml(f, p->zXLabel, 60);
    fprintf(f,
            "</text>\n<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
            "font-size=\"13\" transform=\"rotate(-90 16 %.1f)\">",
            (top + bottom) / 2, (top + bottom) / 2);
    put_xml(f, p->zYLabel, 60);
    fputs("</text>\n", f);

    /* The series: a polyline for each run of periods with a value (a NaN,
    ** a period without data, is a gap, not a zero), then the points (a
    ** lone point between gaps has only its point, whatever nX). */
    for (int s = 0; s < p->nSeries; s++) {
        const char *zC = azColor[s % NCOLOR];
        const double *a = p->aY + (size_t)s * (size_t)p->nX;
        for (int i = 0; i < p->nX;) {
            if (isnan(a[i])) {
                i++;
                continue;
            }
            int j = i;
            while (j < p->nX && !isnan(a[j])) {
                j++;
            }
            if (j - i > 1) {
                fprintf(f,
                        "<polyline fill=\"none\" stroke=\"%s\" "
                        "stroke-width=\"2\" stroke-linejoin=\"round\" "
                        "points=\"",
                        zC);
                for (int k = i; k < j; k++) {
                    fprintf(f, "%s%.1f,%.1f", k > i ? " " : "", XPOS(k),
                            YPOS(a[k]));
                }
                fputs("\"/>\n", f);
            }
            i = j;
        }
        fprintf(f, "<g fill=\"%s\">\n", zC);
        for (int i = 0; i < p->nX; i++) {
            int bLone = (i == 0 || isnan(a[i - 1])) &&
                        (i + 1 == p->nX || isnan(a[i + 1]));
            if (!isnan(a[i]) && (p->nX <= 120 || bLone)) {
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>\n",
                        XPOS(i), YPOS(a[i]));
            }
        }
        fputs("</g>\n", f);
    }

    /* The legend. */
    xLeg = 70;
    yLeg = 22;
    fputs("<g>\n", f);
    for (int s = 0; s < p->nSeries; s++) {
        double w = 34 + 7.0 * (double)kq_text_width(p->azSeries[s],
                                                    strlen(p->azSeries[s]));
        w = w > 320 ? 320 : w;
        if (xLeg + w > W - 20 && xLeg > 70) {
            xLeg = 70;
            yLeg += 18;
        }
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\" stroke-width=\"3\"/>\n",
                xLeg, yLeg - 4, xLeg + 24, yLeg - 4, azColor[s % NCOLOR]);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", xLeg + 30, yLeg);
        put_xml(f, p->azSeries[s], 40);
        fputs("</text>\n", f);
        xLeg += w + 16;
    }
    fputs("</g>\n</svg>\n", f);
#undef XPOS
#undef YPOS
    int bErr = ferror(f);
    if (fclose(f) != 0 || bErr) {
        *pzErr = kq_mprintf("%s: cannot write: %s", zPath,
                            strerror(errno ? errno : EIO));
        return KQ_IOERR;
    }
    return KQ_OK;
}

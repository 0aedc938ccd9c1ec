/* bd-report.h: the supervisor's report from bd_stats_compute's object:
 * the four charts, the CSV and the PDF.  Shared by the desk and
 * borderdesk-admin; cairo and pango, no GTK, no database. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-chart.h"

G_BEGIN_DECLS

#define BD_REPORT_ERROR (bd_report_error_quark ())
GQuark bd_report_error_quark (void);

typedef enum {
  BD_REPORT_ERROR_FAILED,   /* cairo could not write the file (its status message) */
} BdReportError;

typedef enum {
  BD_REPORT_CHART_HOURS,          /* crossings per hour, by direction */
  BD_REPORT_CHART_DECISIONS,
  BD_REPORT_CHART_NATIONALITIES,  /* the ten most frequent, then the rest */
  BD_REPORT_CHART_SEX,            /* sex by direction */
  BD_REPORT_N_CHARTS
} BdReportChart;

/* One chart of @stats (bd_stats_compute's object).  Labels are translated. */
BdChart  *bd_report_chart      (JsonObject *stats, BdReportChart which);

/* "group,key,count" lines (CRLF, RFC 4180) for every member of @report's
 * "counts" (nested groups as "key/inner") and its other whole-number
 * members (alerts, overrides, ...) but "shift".  Works on bd_stats_compute's
 * object and on `shift report --json`'s. */
char     *bd_report_to_csv     (JsonObject *report);

/* Writes the A4 PDF report of @stats to @path: a header (post, desk, officer,
 * times, sign-off, or the range), the figures, the four charts, the tables of
 * every group, and "Page N of M" on each page.  @n_pages (out, nullable). */
gboolean  bd_report_write_pdf  (JsonObject *stats, const char *path, int *n_pages,
                                GError **error);

G_END_DECLS

/* bd-chart.h: bar charts drawn with cairo and pango, for the supervisor
 * page and the PDF report alike.  No GTK: the desk draws them into a
 * widget, borderdesk-admin onto PDF pages.
 *
 * A chart is a table: categories (rows) by series (columns) of counts.
 * The same table is the chart's text for screen readers
 * (bd_chart_describe) and the table printed beside it.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  BD_CHART_COLUMNS,   /* vertical bars, series stacked */
  BD_CHART_GROUPED,   /* vertical bars, series side by side */
  BD_CHART_BARS,      /* horizontal bars (long category names), one series */
} BdChartStyle;

typedef struct _BdChart BdChart;

/* @series: the names of the series (shown in the legend when more than one). */
BdChart    *bd_chart_new        (const char *title, BdChartStyle style,
                                 const char *const *series, guint n_series);
void        bd_chart_free       (BdChart *chart);
/* Appends a category with one value per series. */
void        bd_chart_add        (BdChart *chart, const char *category, const gint64 *values);

const char *bd_chart_get_title  (const BdChart *chart);
guint       bd_chart_n_categories (const BdChart *chart);
guint       bd_chart_n_series   (const BdChart *chart);
const char *bd_chart_category   (const BdChart *chart, guint i);
const char *bd_chart_series     (const BdChart *chart, guint j);
gint64      bd_chart_value      (const BdChart *chart, guint i, guint j);

/* Draws the chart in the rectangle (0, 0, @width, @height) of @cr: title,
 * legend, axis, bars and values.  @rtl: right to left (Arabic): the first
 * category at the right, horizontal bars growing leftwards, text aligned
 * to the right. */
void        bd_chart_draw       (const BdChart *chart, cairo_t *cr, double width, double height,
                                 gboolean rtl);

/* "TITLE: CATEGORY: SERIES N, SERIES N; CATEGORY: ..." (or "no data"):
 * every number the chart shows, for its accessible description. */
char       *bd_chart_describe   (const BdChart *chart);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdChart, bd_chart_free)

G_END_DECLS

/* bd-chart-view.h: one chart of the supervisor page, drawn with cairo by
 * the report library (the same drawing as the PDF).  Its numbers are its
 * accessible description: a drawing is invisible to a screen reader. */
#pragma once

#include <gtk/gtk.h>

#include "bd-chart.h"

G_BEGIN_DECLS

#define BD_TYPE_CHART_VIEW (bd_chart_view_get_type ())
G_DECLARE_FINAL_TYPE (BdChartView, bd_chart_view, BD, CHART_VIEW, GtkDrawingArea)

GtkWidget     *bd_chart_view_new        (void);
/* Takes @chart (nullable: nothing to show). */
void           bd_chart_view_set_chart  (BdChartView *self, BdChart *chart);
const BdChart *bd_chart_view_get_chart  (BdChartView *self);

G_END_DECLS

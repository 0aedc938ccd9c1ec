/* bd-chart-view.c: a chart in a widget (bd-chart-view.h).  No template:
 * the whole widget is its drawing. */
#include "config.h"

#include <glib/gi18n.h>

#include "bd-chart-view.h"

struct _BdChartView {
  GtkDrawingArea parent_instance;

  BdChart *chart;
};

G_DEFINE_FINAL_TYPE (BdChartView, bd_chart_view, GTK_TYPE_DRAWING_AREA)

static gboolean
bd_chart_view_draw (GtkWidget *widget, cairo_t *cr)
{
  BdChartView *self = BD_CHART_VIEW (widget);

  if (self->chart != NULL)
    bd_chart_draw (self->chart, cr, gtk_widget_get_allocated_width (widget),
                   gtk_widget_get_allocated_height (widget),
                   gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL);
  return FALSE;
}

static void
bd_chart_view_finalize (GObject *object)
{
  g_clear_pointer (&BD_CHART_VIEW (object)->chart, bd_chart_free);
  G_OBJECT_CLASS (bd_chart_view_parent_class)->finalize (object);
}

static void
bd_chart_view_class_init (BdChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = bd_chart_view_finalize;
  widget_class->draw = bd_chart_view_draw;
  gtk_widget_class_set_accessible_role (widget_class, ATK_ROLE_CHART);
}

static void
bd_chart_view_init (BdChartView *self)
{
  gtk_widget_set_size_request (GTK_WIDGET (self), 360, 220);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
bd_chart_view_new (void)
{
  return g_object_new (BD_TYPE_CHART_VIEW, NULL);
}

void
bd_chart_view_set_chart (BdChartView *self, BdChart *chart)
{
  AtkObject *accessible = gtk_widget_get_accessible (GTK_WIDGET (self));
  g_autofree char *description = NULL;

  g_clear_pointer (&self->chart, bd_chart_free);
  self->chart = chart;
  if (chart != NULL)
    {
      description = bd_chart_describe (chart);
      atk_object_set_name (accessible, bd_chart_get_title (chart));
      atk_object_set_description (accessible, description);
    }
  else
    atk_object_set_description (accessible, _("no data"));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const BdChart *
bd_chart_view_get_chart (BdChartView *self)
{
  return self->chart;
}

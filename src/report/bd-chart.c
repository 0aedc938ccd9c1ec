/* bd-chart.c: bar charts with cairo and pango (bd-chart.h). */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "bd-chart.h"

struct _BdChart {
  char *title;
  BdChartStyle style;
  GPtrArray *series;       /* of char * */
  GPtrArray *categories;   /* of char * */
  GArray *values;          /* gint64, categories x series, row by row */
};

#define PAD 8.0
#define FONT "Sans 8"
#define TITLE_FONT "Sans Bold 10"

/* Distinguishable in colour and in grey (print). */
static const double palette[][3] = {
  { 0.11, 0.44, 0.85 },   /* blue */
  { 0.90, 0.38, 0.00 },   /* orange */
  { 0.15, 0.64, 0.41 },   /* green */
  { 0.57, 0.25, 0.67 },   /* purple */
};

BdChart *
bd_chart_new (const char *title, BdChartStyle style, const char *const *series, guint n_series)
{
  BdChart *c = g_new0 (BdChart, 1);

  g_return_val_if_fail (n_series > 0, NULL);
  c->title = g_strdup (title);
  c->style = style;
  c->series = g_ptr_array_new_with_free_func (g_free);
  c->categories = g_ptr_array_new_with_free_func (g_free);
  c->values = g_array_new (FALSE, TRUE, sizeof (gint64));
  for (guint j = 0; j < n_series; j++)
    g_ptr_array_add (c->series, g_strdup (series[j]));
  return c;
}

void
bd_chart_free (BdChart *c)
{
  if (c == NULL)
    return;
  g_free (c->title);
  g_ptr_array_unref (c->series);
  g_ptr_array_unref (c->categories);
  g_array_unref (c->values);
  g_free (c);
}

void
bd_chart_add (BdChart *c, const char *category, const gint64 *values)
{
  g_ptr_array_add (c->categories, g_strdup (category));
  g_array_append_vals (c->values, values, c->series->len);
}

const char *
bd_chart_get_title (const BdChart *c)
{
  return c->title;
}

guint
bd_chart_n_categories (const BdChart *c)
{
  return c->categories->len;
}

guint
bd_chart_n_series (const BdChart *c)
{
  return c->series->len;
}

const char *
bd_chart_category (const BdChart *c, guint i)
{
  return c->categories->pdata[i];
}

const char *
bd_chart_series (const BdChart *c, guint j)
{
  return c->series->pdata[j];
}

gint64
bd_chart_value (const BdChart *c, guint i, guint j)
{
  return g_array_index (c->values, gint64, i * c->series->len + j);
}

/* Text */

static PangoLayout *
layout_new (cairo_t *cr, const char *font, const char *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
text_width (cairo_t *cr, const char *font, const char *text)
{
  g_autoptr(PangoLayout) layout = layout_new (cr, font, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

static double
text_height (cairo_t *cr, const char *font)
{
  g_autoptr(PangoLayout) layout = layout_new (cr, font, "0Ag");
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  return h;
}

/* Draws @text with its top at @y; @anchor 0 puts its left edge at @x, 0.5
 * its centre, 1 its right edge. */
static void
show_text (cairo_t *cr, const char *font, const char *text, double x, double y, double anchor)
{
  g_autoptr(PangoLayout) layout = layout_new (cr, font, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - anchor * w, y);
  pango_cairo_show_layout (cr, layout);
}

static void
set_series_colour (cairo_t *cr, guint j)
{
  const double *rgb = palette[j % G_N_ELEMENTS (palette)];

  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

/* The smallest of 1, 2, 5 times a power of ten that is >= @max (>= 1). */
static gint64
nice_ceiling (gint64 max)
{
  gint64 step = 1;

  if (max < 1)
    return 1;
  for (;;)
    {
      if (step >= max)
        return step;
      if (2 * step >= max)
        return 2 * step;
      if (5 * step >= max)
        return 5 * step;
      step *= 10;
    }
}

static gint64
category_total (const BdChart *c, guint i)
{
  gint64 sum = 0;

  for (guint j = 0; j < c->series->len; j++)
    sum += bd_chart_value (c, i, j);
  return sum;
}

/* Legend items from the start side; returns the height used. */
static double
draw_legend (const BdChart *c, cairo_t *cr, double width, double y, gboolean rtl)
{
  double x = PAD, line = text_height (cr, FONT);

  if (c->series->len < 2)
    return 0;
  for (guint j = 0; j < c->series->len; j++)
    {
      double w = text_width (cr, FONT, c->series->pdata[j]);
      double sx = rtl ? width - x - 10 : x;

      set_series_colour (cr, j);
      cairo_rectangle (cr, sx, y + (line - 10) / 2, 10, 10);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      show_text (cr, FONT, c->series->pdata[j], rtl ? sx - 4 : sx + 14, y, rtl ? 1 : 0);
      x += 14 + w + 2 * PAD;
    }
  return line + PAD / 2;
}

static void
draw_columns (const BdChart *c, cairo_t *cr, double width, double top, double height,
              gboolean rtl)
{
  guint n = c->categories->len, ns = c->series->len;
  gboolean stacked = c->style == BD_CHART_COLUMNS;
  double line = text_height (cr, FONT);
  gint64 max = 0, ceiling;
  g_autofree char *ceiling_text = NULL;
  double axis_w, x0, x1, y0, y1, slot, label_w = 0;
  guint step;

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < ns; j++)
      max = MAX (max, stacked ? category_total (c, i) : bd_chart_value (c, i, j));
  ceiling = nice_ceiling (max);
  ceiling_text = g_strdup_printf ("%" G_GINT64_FORMAT, ceiling);
  axis_w = text_width (cr, FONT, ceiling_text) + PAD;
  x0 = rtl ? PAD : PAD + axis_w;
  x1 = rtl ? width - PAD - axis_w : width - PAD;
  y0 = top + line;                  /* room for the top value */
  y1 = height - PAD - line - 2;     /* room for the category labels */
  if (x1 - x0 < 10 || y1 - y0 < 10)
    return;
  slot = (x1 - x0) / n;

  /* Grid and axis labels: four steps. */
  for (int k = 0; k <= 4; k++)
    {
      double y = y1 - (y1 - y0) * k / 4.0;
      g_autofree char *label = g_strdup_printf ("%" G_GINT64_FORMAT, ceiling * k / 4);

      if (k > 0 && ceiling * k % 4 != 0)
        continue;
      cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, x0, y + 0.5);
      cairo_line_to (cr, x1, y + 0.5);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
      show_text (cr, FONT, label, rtl ? x1 + PAD / 2 : x0 - PAD / 2, y - line / 2, rtl ? 0 : 1);
    }

  for (guint i = 0; i < n; i++)
    label_w = MAX (label_w, text_width (cr, FONT, c->categories->pdata[i]));
  step = (guint) ceil ((label_w + 4) / slot);
  step = MAX (step, 1);

  for (guint i = 0; i < n; i++)
    {
      guint p = rtl ? n - 1 - i : i;
      double sx = x0 + p * slot, bar = slot * (stacked ? 0.7 : 0.8), base = y1;
      double bx = sx + (slot - bar) / 2;
      g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                stacked ? category_total (c, i) : 0);

      for (guint j = 0; j < ns; j++)
        {
          /* Series side by side keep their order in reading direction. */
          guint q = rtl ? ns - 1 - j : j;
          double h = (y1 - y0) * bd_chart_value (c, i, j) / ceiling;
          double w = stacked ? bar : bar / ns;
          double x = stacked ? bx : bx + q * w;

          set_series_colour (cr, j);
          cairo_rectangle (cr, x, (stacked ? base : y1) - h, w, h);
          cairo_fill (cr);
          if (!stacked && bd_chart_value (c, i, j) > 0)
            {
              g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                    bd_chart_value (c, i, j));
              if (text_width (cr, FONT, v) <= w + 2)
                {
                  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
                  show_text (cr, FONT, v, x + w / 2, y1 - h - line, 0.5);
                }
            }
          if (stacked)
            base -= h;
        }
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      if (stacked && category_total (c, i) > 0 && text_width (cr, FONT, total) <= slot)
        show_text (cr, FONT, total, sx + slot / 2, base - line, 0.5);
      if (i % step == 0)
        show_text (cr, FONT, c->categories->pdata[i], sx + slot / 2, y1 + 2, 0.5);
    }
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_move_to (cr, x0, y1 + 0.5);
  cairo_line_to (cr, x1, y1 + 0.5);
  cairo_stroke (cr);
}

static void
draw_bars (const BdChart *c, cairo_t *cr, double width, double top, double height,
           gboolean rtl)
{
  guint n = c->categories->len;
  double label_w = 0, value_w, row, bar_x0, bar_x1;
  gint64 max = 0;
  g_autofree char *max_text = NULL;

  for (guint i = 0; i < n; i++)
    {
      label_w = MAX (label_w, text_width (cr, FONT, c->categories->pdata[i]));
      max = MAX (max, category_total (c, i));
    }
  label_w = MIN (label_w, width * 0.35);
  max_text = g_strdup_printf ("%" G_GINT64_FORMAT, max);
  value_w = text_width (cr, FONT, max_text) + PAD;
  row = (height - PAD - top) / n;
  bar_x0 = PAD + label_w + PAD;        /* distances from the start edge */
  bar_x1 = width - PAD - value_w;
  if (bar_x1 - bar_x0 < 10 || row < 4)
    return;
  for (guint i = 0; i < n; i++)
    {
      double y = top + i * row, len = max > 0 ? (bar_x1 - bar_x0) * category_total (c, i) / max
                                              : 0;
      double h = MIN (row * 0.75, 18), ty = y + (row - text_height (cr, FONT)) / 2;
      double start = rtl ? width - bar_x0 : bar_x0;
      g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, category_total (c, i));

      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      show_text (cr, FONT, c->categories->pdata[i], rtl ? width - PAD : PAD, ty, rtl ? 1 : 0);
      set_series_colour (cr, 0);
      cairo_rectangle (cr, rtl ? start - len : start, y + (row - h) / 2, len, h);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      show_text (cr, FONT, v, rtl ? start - len - PAD / 2 : start + len + PAD / 2, ty,
                 rtl ? 1 : 0);
    }
}

void
bd_chart_draw (const BdChart *c, cairo_t *cr, double width, double height, gboolean rtl)
{
  double top;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.8, 0.8, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  show_text (cr, TITLE_FONT, c->title, rtl ? width - PAD : PAD, PAD, rtl ? 1 : 0);
  top = PAD + text_height (cr, TITLE_FONT) + PAD / 2;
  top += draw_legend (c, cr, width, top, rtl);
  if (c->categories->len == 0)
    {
      cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
      show_text (cr, FONT, _("No crossings"), width / 2, (top + height) / 2, 0.5);
    }
  else if (c->style == BD_CHART_BARS)
    draw_bars (c, cr, width, top, height, rtl);
  else
    draw_columns (c, cr, width, top, height, rtl);
  cairo_restore (cr);
}

char *
bd_chart_describe (const BdChart *c)
{
  GString *s = g_string_new (c->title);

  g_string_append (s, ": ");
  if (c->categories->len == 0)
    g_string_append (s, _("no data"));
  for (guint i = 0; i < c->categories->len; i++)
    {
      g_string_append_printf (s, "%s%s:", i > 0 ? "; " : "", (char *) c->categories->pdata[i]);
      for (guint j = 0; j < c->series->len; j++)
        {
          if (c->series->len > 1)
            g_string_append_printf (s, "%s %s", j > 0 ? "," : "", (char *) c->series->pdata[j]);
          g_string_append_printf (s, " %" G_GINT64_FORMAT, bd_chart_value (c, i, j));
        }
    }
  g_string_append_c (s, '.');
  return g_string_free (s, FALSE);
}

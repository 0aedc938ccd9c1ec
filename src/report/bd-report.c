/* bd-report.c: charts, CSV and PDF of the supervisor's figures (bd-report.h). */
#include "config.h"

#include <string.h>
#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "bd-report.h"

G_DEFINE_QUARK (bd-report-error-quark, bd_report_error)

/* Charts */

static JsonObject *
counts_group (JsonObject *stats, const char *group)
{
  JsonObject *counts = json_object_get_object_member (stats, "counts");
  JsonNode *node = counts != NULL ? json_object_get_member (counts, group) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gint64
count_in (JsonObject *o, const char *key)
{
  return o != NULL ? json_object_get_int_member_with_default (o, key, 0) : 0;
}

static const char *
sex_label (const char *code)
{
  if (g_strcmp0 (code, "F") == 0)
    return _("Female");
  if (g_strcmp0 (code, "M") == 0)
    return _("Male");
  if (g_strcmp0 (code, "X") == 0)
    return _("Other (X)");
  return _("Not stated");
}

static const char *
decision_label (const char *decision)
{
  if (g_strcmp0 (decision, "admitted") == 0)
    return _("Admitted");
  if (g_strcmp0 (decision, "refused") == 0)
    return _("Refused");
  return _("Referred");
}

/* Both directions of each key of @group (a {"key": {"entry": N, "exit": N}} object). */
static void
add_by_direction (BdChart *chart, JsonObject *group, const char *key, const char *label)
{
  JsonObject *o = group != NULL && json_object_has_member (group, key)
                  ? json_object_get_object_member (group, key) : NULL;
  gint64 v[2] = { count_in (o, "entry"), count_in (o, "exit") };

  bd_chart_add (chart, label, v);
}

typedef struct {
  const char *key;
  gint64 n;
} Entry;

static int
by_count_desc (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;

  if (x->n != y->n)
    return x->n > y->n ? -1 : 1;
  return strcmp (x->key, y->key);
}

static BdChart *
nationalities_chart (JsonObject *stats)
{
  const char *const series[] = { _("Crossings") };
  BdChart *chart = bd_chart_new (_("Top nationalities"), BD_CHART_BARS, series, 1);
  JsonObject *o = counts_group (stats, "by_nationality");
  g_autoptr(GList) keys = o != NULL ? json_object_get_members (o) : NULL;
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  gint64 others = 0;

  for (GList *k = keys; k != NULL; k = k->next)
    {
      Entry e = { k->data, count_in (o, k->data) };
      g_array_append_val (entries, e);
    }
  g_array_sort (entries, by_count_desc);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = &g_array_index (entries, Entry, i);

      if (i < 10)
        bd_chart_add (chart, e->key, &e->n);
      else
        others += e->n;
    }
  if (others > 0)
    bd_chart_add (chart, _("Others"), &others);
  return chart;
}

BdChart *
bd_report_chart (JsonObject *stats, BdReportChart which)
{
  const char *const directions[] = { _("Entries"), _("Exits") };
  const char *const one[] = { _("Crossings") };
  static const char *const decisions[] = { "admitted", "refused", "referred" };
  BdChart *chart = NULL;
  JsonObject *group;

  switch (which)
    {
    case BD_REPORT_CHART_HOURS:
      {
        int first = 24, last = -1;

        chart = bd_chart_new (_("Crossings per hour (UTC)"), BD_CHART_COLUMNS, directions, 2);
        group = counts_group (stats, "by_hour_direction");
        for (int h = 0; h < 24; h++)
          {
            char key[3];

            g_snprintf (key, sizeof key, "%02d", h);
            if (group != NULL && json_object_has_member (group, key))
              {
                first = MIN (first, h);
                last = h;
              }
          }
        for (int h = first; h <= last; h++)
          {
            char key[3];

            g_snprintf (key, sizeof key, "%02d", h);
            add_by_direction (chart, group, key, key);
          }
        break;
      }
    case BD_REPORT_CHART_DECISIONS:
      chart = bd_chart_new (_("Decisions"), BD_CHART_GROUPED, one, 1);
      group = counts_group (stats, "by_decision");
      for (guint i = 0; i < G_N_ELEMENTS (decisions); i++)
        {
          gint64 v = count_in (group, decisions[i]);
          bd_chart_add (chart, decision_label (decisions[i]), &v);
        }
      break;
    case BD_REPORT_CHART_NATIONALITIES:
      chart = nationalities_chart (stats);
      break;
    case BD_REPORT_CHART_SEX:
    default:
      {
        g_autoptr(GList) keys = NULL;

        chart = bd_chart_new (_("Sex by direction"), BD_CHART_GROUPED, directions, 2);
        group = counts_group (stats, "by_sex_direction");
        keys = group != NULL ? json_object_get_members (group) : NULL;
        keys = g_list_sort (keys, (GCompareFunc) strcmp);
        for (GList *k = keys; k != NULL; k = k->next)
          add_by_direction (chart, group, k->data, sex_label (k->data));
        break;
      }
    }
  return chart;
}

/* CSV */

static void
csv_field (GString *csv, const char *text)
{
  g_string_append_c (csv, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static void
csv_row (GString *csv, const char *group, const char *key, gint64 n)
{
  g_string_append_printf (csv, "%s,", group);
  csv_field (csv, key);
  g_string_append_printf (csv, ",%" G_GINT64_FORMAT "\r\n", n);
}

static void
csv_group (GString *csv, const char *group, const char *prefix, JsonObject *o)
{
  g_autoptr(GList) keys = json_object_get_members (o);

  for (GList *k = keys; k != NULL; k = k->next)
    {
      JsonNode *n = json_object_get_member (o, k->data);
      g_autofree char *key = prefix != NULL ? g_strconcat (prefix, "/", k->data, NULL)
                                            : g_strdup (k->data);

      if (JSON_NODE_HOLDS_OBJECT (n))
        csv_group (csv, group, key, json_node_get_object (n));
      else if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
        csv_row (csv, group, key, json_node_get_int (n));
    }
}

char *
bd_report_to_csv (JsonObject *report)
{
  GString *csv = g_string_new ("group,key,count\r\n");
  JsonObject *counts = json_object_get_object_member (report, "counts");
  g_autoptr(GList) groups = counts != NULL ? json_object_get_members (counts) : NULL;
  g_autoptr(GList) members = json_object_get_members (report);

  for (GList *g = groups; g != NULL; g = g->next)
    {
      JsonNode *n = json_object_get_member (counts, g->data);

      if (JSON_NODE_HOLDS_OBJECT (n))
        csv_group (csv, g->data, NULL, json_node_get_object (n));
      else if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
        csv_row (csv, g->data, "", json_node_get_int (n));
    }
  for (GList *m = members; m != NULL; m = m->next)
    {
      JsonNode *n = json_object_get_member (report, m->data);

      if (strcmp (m->data, "shift") != 0 && JSON_NODE_HOLDS_VALUE (n) &&
          json_node_get_value_type (n) == G_TYPE_INT64)
        csv_row (csv, m->data, "", json_node_get_int (n));
    }
  return g_string_free (csv, FALSE);
}

/* PDF */

#define PAGE_W 595.276   /* A4 in points */
#define PAGE_H 841.890
#define MARGIN 50.0
#define CHART_H 230.0
#define BODY_FONT "Sans 10"
#define HEAD_FONT "Sans Bold 12"
#define TITLE_FONT "Sans Bold 16"

typedef struct {
  cairo_t *cr;
  int page;       /* from 1 */
  int pages;      /* 0 on the counting pass */
  double y;
} Pdf;

static double
pdf_text (Pdf *pdf, const char *font, const char *text, double x, double width, double anchor)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (pdf->cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  int w, h;

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (pdf->cr, anchor > 0 ? x - w : x, pdf->y);
  pango_cairo_show_layout (pdf->cr, layout);
  return h;
}

static void
pdf_footer (Pdf *pdf)
{
  g_autofree char *text = NULL;
  double y = pdf->y;

  /* Translators: page numbers of the PDF report. */
  text = pdf->pages > 0 ? g_strdup_printf (_("Page %d of %d"), pdf->page, pdf->pages)
                        : g_strdup_printf (_("Page %d of %d"), pdf->page, pdf->page);
  pdf->y = PAGE_H - MARGIN / 2 - 12;
  cairo_set_source_rgb (pdf->cr, 0.3, 0.3, 0.3);
  pdf_text (pdf, "Sans 8", text, PAGE_W - MARGIN, PAGE_W, 1);
  cairo_set_source_rgb (pdf->cr, 0, 0, 0);
  pdf->y = y;
}

static void
pdf_new_page (Pdf *pdf)
{
  pdf_footer (pdf);
  cairo_show_page (pdf->cr);
  pdf->page++;
  pdf->y = MARGIN;
}

/* Starts a new page unless @height more fits on this one. */
static void
pdf_need (Pdf *pdf, double height)
{
  if (pdf->y + height > PAGE_H - MARGIN)
    pdf_new_page (pdf);
}

static void
pdf_line (Pdf *pdf, const char *font, const char *text)
{
  pdf_need (pdf, 14);
  pdf->y += pdf_text (pdf, font, text, MARGIN, PAGE_W - 2 * MARGIN, 0) + 3;
}

static void
pdf_linef (Pdf *pdf, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
pdf_linef (Pdf *pdf, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  pdf_line (pdf, BODY_FONT, text);
}

static const char *
member_or (JsonObject *o, const char *key, const char *fallback)
{
  const char *s = o != NULL ? json_object_get_string_member_with_default (o, key, NULL) : NULL;

  return s != NULL && *s != '\0' ? s : fallback;
}

static void
pdf_header (Pdf *pdf, JsonObject *stats)
{
  JsonObject *shift = json_object_has_member (stats, "shift")
                      ? json_object_get_object_member (stats, "shift") : NULL;
  JsonObject *scope = json_object_get_object_member (stats, "scope");

  pdf->y += pdf_text (pdf, TITLE_FONT, shift != NULL ? _("Shift report") : _("Crossing statistics"),
                      MARGIN, PAGE_W - 2 * MARGIN, 0) + 8;
  pdf_linef (pdf, _("Post: %s (%s)"), member_or (stats, "post_name", ""),
             member_or (stats, "post", ""));
  if (shift != NULL)
    {
      pdf_linef (pdf, _("Shift: %lld"), (long long) json_object_get_int_member (shift, "id"));
      pdf_linef (pdf, _("Desk: %s"), member_or (shift, "desk", ""));
      pdf_linef (pdf, _("Officer: %s"), member_or (shift, "officer", ""));
      pdf_linef (pdf, _("Opened: %s"), member_or (shift, "opened", ""));
      pdf_linef (pdf, _("Closed: %s"), member_or (shift, "closed", _("still open")));
      if (member_or (shift, "signed_off_by", NULL) != NULL)
        {
          pdf_linef (pdf, _("Signed off by %s at %s"), member_or (shift, "signed_off_by", ""),
                     member_or (shift, "signed_off_at", ""));
          if (member_or (shift, "signoff_note", NULL) != NULL)
            pdf_linef (pdf, _("Sign-off note: %s"), member_or (shift, "signoff_note", ""));
        }
      else
        pdf_line (pdf, BODY_FONT, _("Not signed off"));
    }
  else
    {
      pdf_linef (pdf, _("Days: %s to %s (UTC)"), member_or (scope, "from", ""),
                 member_or (scope, "to", ""));
      pdf_linef (pdf, _("Desk: %s"), member_or (scope, "desk", _("all")));
      pdf_linef (pdf, _("Officer: %s"), member_or (scope, "officer", _("all")));
      pdf_linef (pdf, _("Shifts: %lld"),
                 (long long) json_object_get_int_member_with_default (stats, "shifts", 0));
    }
  pdf->y += 6;
  pdf_linef (pdf, _("Crossings: %lld   Alerts: %lld   Overrides: %lld   Not yet at HQ: %lld"),
             (long long) count_in (json_object_get_object_member (stats, "counts"), "total"),
             (long long) count_in (stats, "alerts"), (long long) count_in (stats, "overrides"),
             (long long) count_in (stats, "unsynced"));
  pdf->y += 10;
}

static void
pdf_chart (Pdf *pdf, JsonObject *stats, BdReportChart which)
{
  g_autoptr(BdChart) chart = bd_report_chart (stats, which);
  double h = which == BD_REPORT_CHART_NATIONALITIES ? CHART_H + 40 : CHART_H;

  pdf_need (pdf, h);
  cairo_save (pdf->cr);
  cairo_translate (pdf->cr, MARGIN, pdf->y);
  bd_chart_draw (chart, pdf->cr, PAGE_W - 2 * MARGIN, h, FALSE);
  cairo_restore (pdf->cr);
  cairo_set_source_rgb (pdf->cr, 0, 0, 0);
  pdf->y += h + 14;
}

static const struct {
  const char *group;
  const char *title;
} tables[] = {
  { "by_direction", N_("By direction") },
  { "by_decision", N_("By decision") },
  { "by_refusal_reason", N_("By refusal reason") },
  { "by_sex", N_("By sex") },
  { "by_sex_direction", N_("By sex and direction") },
  { "by_age_band", N_("By age band") },
  { "by_vulnerability", N_("By vulnerability flag") },
  { "by_nationality", N_("By nationality") },
  { "by_hour", N_("By hour (UTC)") },
  { "by_hour_direction", N_("By hour and direction") },
};

static void
pdf_table_rows (Pdf *pdf, const char *prefix, JsonObject *o)
{
  g_autoptr(GList) keys = json_object_get_members (o);

  for (GList *k = keys; k != NULL; k = k->next)
    {
      JsonNode *n = json_object_get_member (o, k->data);
      g_autofree char *key = prefix != NULL ? g_strdup_printf ("%s %s", prefix,
                                                               (char *) k->data)
                                            : g_strdup (k->data);

      if (JSON_NODE_HOLDS_OBJECT (n))
        {
          pdf_table_rows (pdf, key, json_node_get_object (n));
          continue;
        }
      {
        g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));

        pdf_need (pdf, 14);
        pdf_text (pdf, BODY_FONT, key, MARGIN + 12, 200, 0);
        pdf->y += pdf_text (pdf, BODY_FONT, count, MARGIN + 300, 80, 1) + 2;
      }
    }
}

static void
pdf_tables (Pdf *pdf, JsonObject *stats)
{
  pdf_need (pdf, 60);
  pdf_line (pdf, HEAD_FONT, _("Tables"));
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      JsonObject *o = counts_group (stats, tables[i].group);

      if (o == NULL)
        continue;
      pdf->y += 4;
      pdf_need (pdf, 32);
      pdf_line (pdf, "Sans Bold 10", _(tables[i].title));
      if (json_object_get_size (o) == 0)
        pdf_line (pdf, BODY_FONT, _("none"));
      pdf_table_rows (pdf, NULL, o);
    }
}

/* Lays the whole report out on @surface; returns the number of pages. */
static int
render (cairo_surface_t *surface, JsonObject *stats, int pages)
{
  Pdf pdf = { cairo_create (surface), 1, pages, MARGIN };

  cairo_set_source_rgb (pdf.cr, 0, 0, 0);
  pdf_header (&pdf, stats);
  for (int c = 0; c < BD_REPORT_N_CHARTS; c++)
    pdf_chart (&pdf, stats, c);
  pdf_tables (&pdf, stats);
  pdf_footer (&pdf);
  cairo_show_page (pdf.cr);
  cairo_destroy (pdf.cr);
  return pdf.page;
}

static cairo_status_t
append_cb (void *closure, const unsigned char *data, unsigned int length)
{
  if (closure != NULL)
    g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
bd_report_write_pdf (JsonObject *stats, const char *path, int *n_pages, GError **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  int pages;

  /* Two passes: the first, written nowhere, counts the pages for "of M". */
  surface = cairo_pdf_surface_create_for_stream (append_cb, NULL, PAGE_W, PAGE_H);
  pages = render (surface, stats, 0);
  cairo_surface_destroy (surface);

  surface = cairo_pdf_surface_create_for_stream (append_cb, bytes, PAGE_W, PAGE_H);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, _("Shift report"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "borderdesk");
  render (surface, stats, pages);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, BD_REPORT_ERROR, BD_REPORT_ERROR_FAILED, "writing the PDF: %s",
                   cairo_status_to_string (status));
      return FALSE;
    }
  /* Reports hold personal figures: private, and whole or not at all. */
  if (!g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  if (n_pages != NULL)
    *n_pages = pages;
  return TRUE;
}

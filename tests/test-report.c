/* test-report.c: the report library: charts (numbers, right to left), CSV
 * and PDF, from hand-made statistics objects (no database). */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "bd-report.h"

static JsonObject *
stats_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

#define STATS \
  "{\"scope\": {\"shift\": 7, \"from\": null, \"to\": null, \"desk\": null, \"officer\": null}," \
  " \"post\": \"UTO-ALP\", \"post_name\": \"Alpha Pass\"," \
  " \"shift\": {\"id\": 7, \"officer\": \"gina\", \"desk\": \"UTO-ALP/1\"," \
  "            \"opened\": \"2026-05-01T08:00:00Z\", \"closed\": \"2026-05-01T16:00:00Z\"," \
  "            \"signed_off_by\": \"sam\", \"signed_off_at\": \"2026-05-01T17:00:00Z\"," \
  "            \"signoff_note\": \"checked \\\"twice\\\"\"}," \
  " \"counts\": {\"total\": 9, \"by_direction\": {\"entry\": 6, \"exit\": 3}," \
  "   \"by_decision\": {\"admitted\": 7, \"refused\": 2}," \
  "   \"by_sex\": {\"F\": 5, \"M\": 4}, \"by_nationality\": {NATIONALITIES}," \
  "   \"by_hour\": {\"08\": 4, \"10\": 5}, \"by_refusal_reason\": {\"C\": 2}," \
  "   \"by_age_band\": {\"18-34\": 9}, \"by_vulnerability\": {}," \
  "   \"by_hour_direction\": {\"08\": {\"entry\": 4}, \"10\": {\"entry\": 2, \"exit\": 3}}," \
  "   \"by_sex_direction\": {\"F\": {\"entry\": 3, \"exit\": 2}," \
  "                        \"M\": {\"entry\": 3, \"exit\": 1}}}," \
  " \"alerts\": 1, \"overrides\": 1, \"unsynced\": 4, \"shifts\": 1}"

static JsonObject *
make_stats (guint n_nationalities)
{
  g_autoptr(GString) nat = g_string_new (NULL);
  g_autoptr(GString) text = g_string_new (STATS);

  for (guint i = 0; i < n_nationalities; i++)
    g_string_append_printf (nat, "%s\"N%02u\": %u", i > 0 ? ", " : "", i, i + 1);
  g_string_replace (text, "NATIONALITIES", nat->str, 1);
  return stats_from (text->str);
}

static void
test_charts_from_stats (void)
{
  g_autoptr(JsonObject) stats = make_stats (14);
  g_autoptr(BdChart) hours = bd_report_chart (stats, BD_REPORT_CHART_HOURS);
  g_autoptr(BdChart) nats = bd_report_chart (stats, BD_REPORT_CHART_NATIONALITIES);
  g_autoptr(BdChart) sex = bd_report_chart (stats, BD_REPORT_CHART_SEX);
  g_autoptr(BdChart) decisions = bd_report_chart (stats, BD_REPORT_CHART_DECISIONS);
  g_autofree char *text = bd_chart_describe (hours);

  /* Every hour from the first to the last, the empty one included. */
  g_assert_cmpuint (bd_chart_n_categories (hours), ==, 3);
  g_assert_cmpstr (bd_chart_category (hours, 1), ==, "09");
  g_assert_cmpint (bd_chart_value (hours, 2, 0), ==, 2);
  g_assert_cmpint (bd_chart_value (hours, 2, 1), ==, 3);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "10: Entries 2, Exits 3"));
  g_assert_nonnull (strstr (text, "09: Entries 0, Exits 0"));
  /* The ten most frequent (14 down to 5), then the other four (1+2+3+4). */
  g_assert_cmpuint (bd_chart_n_categories (nats), ==, 11);
  g_assert_cmpstr (bd_chart_category (nats, 0), ==, "N13");
  g_assert_cmpint (bd_chart_value (nats, 0, 0), ==, 14);
  g_assert_cmpint (bd_chart_value (nats, 10, 0), ==, 10);
  g_assert_cmpuint (bd_chart_n_categories (sex), ==, 2);
  g_assert_cmpint (bd_chart_value (sex, 1, 1), ==, 1);
  /* Decisions always show all three, zero or not. */
  g_assert_cmpuint (bd_chart_n_categories (decisions), ==, 3);
  g_assert_cmpint (bd_chart_value (decisions, 2, 0), ==, 0);
}

/* The x centre of the blue (first series) pixels of @chart drawn @rtl. */
static double
blue_centre (const BdChart *chart, gboolean rtl)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 200);
  cairo_t *cr = cairo_create (s);
  const guint32 *px;
  double sum = 0, n = 0;
  int stride;

  bd_chart_draw (chart, cr, 400, 200, rtl);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  px = (const guint32 *) cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s) / 4;
  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 400; x++)
      {
        guint32 p = px[y * stride + x];
        guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        if (b > 180 && r < 60 && g > 90 && g < 130)
          {
            sum += x;
            n++;
          }
      }
  cairo_surface_destroy (s);
  g_assert_cmpfloat (n, >, 50);
  return sum / n;
}

static void
test_chart_rtl (void)
{
  const char *const series[] = { "Entries", "Exits" };
  gint64 big[] = { 40, 0 }, none[] = { 0, 0 };
  g_autoptr(BdChart) columns = bd_chart_new ("Hours", BD_CHART_COLUMNS, series, 2);
  g_autoptr(BdChart) bars = bd_chart_new ("Top", BD_CHART_BARS, series, 1);
  gint64 one = 30, small = 1;

  /* The first category holds everything: at the left in LTR, at the right in RTL. */
  bd_chart_add (columns, "00", big);
  for (int i = 1; i < 6; i++)
    bd_chart_add (columns, "xx", none);
  g_assert_cmpfloat (blue_centre (columns, FALSE), <, 150);
  g_assert_cmpfloat (blue_centre (columns, TRUE), >, 250);
  /* Horizontal bars grow from the start edge. */
  bd_chart_add (bars, "DEU", &one);
  bd_chart_add (bars, "FRA", &small);
  g_assert_cmpfloat (blue_centre (bars, FALSE), <, 200);
  g_assert_cmpfloat (blue_centre (bars, TRUE), >, 200);
}

static void
test_chart_empty (void)
{
  const char *const series[] = { "Crossings" };
  g_autoptr(BdChart) chart = bd_chart_new ("Decisions", BD_CHART_GROUPED, series, 1);
  g_autofree char *text = bd_chart_describe (chart);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 50, 20);
  cairo_t *cr = cairo_create (s);

  g_assert_cmpstr (text, ==, "Decisions: no data.");
  /* Tiny and empty draw without complaint. */
  bd_chart_draw (chart, cr, 50, 20, FALSE);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
}

static void
test_csv (void)
{
  g_autoptr(JsonObject) stats = stats_from (
    "{\"shift\": 3, \"counts\": {\"total\": 2, \"by_nationality\": {\"A\\\"B\": 2},"
    " \"by_hour_direction\": {\"08\": {\"entry\": 1, \"exit\": 1}}},"
    " \"alerts\": 0, \"post\": \"UTO-ALP\"}");
  g_autofree char *csv = bd_report_to_csv (stats);

  g_assert_cmpstr (csv, ==,
                   "group,key,count\r\n"
                   "total,\"\",2\r\n"
                   "by_nationality,\"A\"\"B\",2\r\n"
                   "by_hour_direction,\"08/entry\",1\r\n"
                   "by_hour_direction,\"08/exit\",1\r\n"
                   "alerts,\"\",0\r\n");
}

static void
test_pdf (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-report-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "r.pdf", NULL);
  g_autoptr(JsonObject) small = make_stats (3);
  g_autoptr(JsonObject) large = make_stats (150);
  g_autofree char *data = NULL;
  gsize length;
  int pages_small = 0, pages_large = 0;
  GStatBuf st;

  g_assert_true (bd_report_write_pdf (small, path, &pages_small, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_true (g_str_has_prefix (data, "%PDF-"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* Charts and tables over several pages; 150 nationalities take more. */
  g_assert_cmpint (pages_small, >=, 2);
  g_assert_true (bd_report_write_pdf (large, path, &pages_large, &error));
  g_assert_cmpint (pages_large, >, pages_small + 2);
  g_assert_false (bd_report_write_pdf (small, "/nonexistent-dir/r.pdf", NULL, &error));
  g_assert_nonnull (error);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/charts-from-stats", test_charts_from_stats);
  g_test_add_func ("/report/chart-rtl", test_chart_rtl);
  g_test_add_func ("/report/chart-empty", test_chart_empty);
  g_test_add_func ("/report/csv", test_csv);
  g_test_add_func ("/report/pdf", test_pdf);
  return g_test_run ();
}

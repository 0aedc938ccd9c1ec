/* alerts and report: what HQ has seen. */
#include "config.h"

#include <stdio.h>

#include "bd-hq-commands.h"
#include "bd-hq-store.h"

/* The options both commands take (--json, --store), then the store.
 * Returns -1 to go on, else the exit status. */
static int
open_store (const char *dir, const char *name, const char *summary, int argc, char **argv,
            gboolean *json, BdHqStore **store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, "one JSON document", NULL },
    BD_HQ_STORE_OPTION (url),
    { NULL }
  };
  int status = bd_hq_options (name, "", summary, entries, &argc, &argv);

  if (status >= 0)
    return status;
  *store = bd_hq_store_open (dir, url, &error);
  return *store != NULL ? -1 : bd_hq_fail (BD_HQ_EXIT_FAILED, error);
}

int
bd_hq_cmd_alerts (const char *dir, int argc, char **argv)
{
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(BdHqRows) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean json = FALSE;
  static const char *const names[] = { "id", "time", "desk", "kind", "detail" };
  int status = open_store (dir, "alerts", "Lists HQ's alerts: conflicting batches, audit "
                           "chains going back, revoked desks calling (--json: an array).",
                           argc, argv, &json, &store);

  if (status >= 0)
    return status;
  rows = bd_hq_store_alert_list (store, &error);
  if (rows == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  if (!json)
    {
      for (guint i = 0; i < rows->rows->len; i++)
        printf ("%s %s %s %s: %s\n", bd_hq_rows_get (rows, i, 0), bd_hq_rows_get (rows, i, 1),
                bd_hq_rows_get (rows, i, 2), bd_hq_rows_get (rows, i, 3),
                bd_hq_rows_get (rows, i, 4));
      return BD_HQ_EXIT_OK;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->rows->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, names[0]);
      json_builder_add_int_value (b, g_ascii_strtoll (bd_hq_rows_get (rows, i, 0), NULL, 10));
      for (guint c = 1; c < G_N_ELEMENTS (names); c++)
        {
          json_builder_set_member_name (b, names[c]);
          json_builder_add_string_value (b, bd_hq_rows_get (rows, i, c));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  bd_hq_print_json (root);
  return BD_HQ_EXIT_OK;
}

static void
print_table (JsonObject *report)
{
  JsonArray *rows = json_object_get_array_member (report, "rows");

  printf ("%" G_GINT64_FORMAT " crossings in %" G_GINT64_FORMAT " batches\n\n",
          json_object_get_int_member (report, "crossings"),
          json_object_get_int_member (report, "batches"));
  printf ("%-12s %-16s %-10s %-9s %9s\n", "POST", "DESK", "DAY", "DIRECTION", "CROSSINGS");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *r = json_array_get_object_element (rows, i);

      printf ("%-12s %-16s %-10s %-9s %9" G_GINT64_FORMAT "\n",
              json_object_get_string_member (r, "post"), json_object_get_string_member (r, "desk"),
              json_object_get_string_member (r, "day"),
              json_object_get_string_member (r, "direction"),
              json_object_get_int_member (r, "crossings"));
    }
}

int
bd_hq_cmd_report (const char *dir, int argc, char **argv)
{
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  gboolean json = FALSE;
  int status = open_store (dir, "report", "Crossings by post, desk, day and direction; "
                           "--json: {\"crossings\", \"batches\", \"desks\", \"rows\"}.",
                           argc, argv, &json, &store);

  if (status >= 0)
    return status;
  report = bd_hq_store_report (store, &error);
  if (report == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  if (json)
    bd_hq_print_json (report);
  else
    print_table (json_node_get_object (report));
  return BD_HQ_EXIT_OK;
}

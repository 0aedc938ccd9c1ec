/* alerts and report: what HQ has seen. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bd-hq-commands.h"
#include "bd-hq-store.h"

/* The options both commands take (--json, --store), then the store.
 * Returns -1 to go on, else the exit status. */
static int
open_store (const char *dir, const char *name, const char *summary, int argc, char **argv,
            gboolean *json, char **from, char **to, BdHqStore **store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL, *unused_from = NULL, *unused_to = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, "one JSON document", NULL },
    BD_HQ_STORE_OPTION (url),
    /* report only: the days counted (alerts has no use for them) */
    { "from", 0, from != NULL ? 0 : G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING,
      from != NULL ? from : &unused_from, "first day counted", "YYYY-MM-DD" },
    { "to", 0, to != NULL ? 0 : G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING,
      to != NULL ? to : &unused_to, "last day counted", "YYYY-MM-DD" },
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
                           argc, argv, &json, NULL, NULL, &store);

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
print_counts (JsonObject *report)
{
  JsonObject *counts = json_object_get_object_member (report, "counts");
  g_autoptr(GList) groups = json_object_get_members (counts);

  printf ("\n%" G_GINT64_FORMAT " crossings counted, %" G_GINT64_FORMAT " alerts, %"
          G_GINT64_FORMAT " overrides\n", json_object_get_int_member (counts, "total"),
          json_object_get_int_member (report, "alerts"),
          json_object_get_int_member (report, "overrides"));
  /* get_members keeps the order the report wrote (sorted keys); an
   * iterator would not. */
  for (GList *g = groups; g != NULL; g = g->next)
    {
      JsonNode *node = json_object_get_member (counts, g->data);
      g_autoptr(GList) keys = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      printf ("\n%s\n", (const char *) g->data + 3);   /* "by_sex" -> "sex" */
      keys = json_object_get_members (json_node_get_object (node));
      for (GList *k = keys; k != NULL; k = k->next)
        printf ("  %-16s %9" G_GINT64_FORMAT "\n", (const char *) k->data,
                json_object_get_int_member (json_node_get_object (node), k->data));
    }
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
  print_counts (report);
}

static gboolean
valid_day (const char *day)
{
  g_autoptr(GDateTime) t = NULL;
  g_autofree char *iso = NULL;

  if (strlen (day) != 10)
    return FALSE;
  iso = g_strconcat (day, "T00:00:00Z", NULL);
  t = g_date_time_new_from_iso8601 (iso, NULL);
  return t != NULL;
}

int
bd_hq_cmd_report (const char *dir, int argc, char **argv)
{
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autofree char *from = NULL, *to = NULL;
  gboolean json = FALSE;
  int status = open_store (dir, "report", "Crossings by post, desk, day and direction, and "
                           "the supervisors' statistics across posts (by hour, direction, "
                           "decision, refusal reason, nationality, sex, age band, vulnerability "
                           "flag); --json: {\"crossings\", \"batches\", \"desks\", \"rows\", "
                           "\"counts\", \"alerts\", \"overrides\"}.",
                           argc, argv, &json, &from, &to, &store);

  if (status >= 0)
    return status;
  if ((from != NULL && !valid_day (from)) || (to != NULL && !valid_day (to)))
    {
      g_printerr ("borderdesk-hq: --from and --to take a day, YYYY-MM-DD\n");
      return BD_HQ_EXIT_USAGE;
    }
  report = bd_hq_store_report (store, from, to, &error);
  if (report == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  if (json)
    bd_hq_print_json (report);
  else
    print_table (json_node_get_object (report));
  return BD_HQ_EXIT_OK;
}

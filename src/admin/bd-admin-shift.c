/* bd-admin-shift.c: `borderdesk-admin shift list|report|stats|timeline|signoff|open|close`. */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-audit.h"
#include "bd-db.h"
#include "bd-report.h"
#include "bd-shift.h"
#include "bd-stats.h"
#include "bd-timeline.h"

static int
shift_list (BdAdmin *admin, int argc, char **argv)
{
  gboolean json = FALSE;
  gint64 limit = 0;
  g_autofree char *from = NULL, *to = NULL, *desk = NULL, *officer = NULL, *state = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, "At most N, newest first", "N" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "Opened on this day (UTC) or later", "DAY" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Opened on this day (UTC) or earlier", "DAY" },
    { "desk", 0, 0, G_OPTION_ARG_STRING, &desk, "Only this desk", "POST/N" },
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, "Only this officer's", "U" },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, "any, open, closed or signed-off", "STATE" },
    { NULL }
  };
  BdShiftFilter filter = { 0, };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- list shifts, newest first");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (state != NULL && !bd_shift_state_from_string (state, &filter.state))
    return bd_admin_usage ("--state: any, open, closed or signed-off");
  filter.from = from;
  filter.to = to;
  filter.desk = desk;
  filter.officer = officer;
  filter.limit = limit;
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  list = bd_shift_query (db, cli, &filter, &error);
  if (list == NULL)
    return bd_admin_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      JsonArray *a = json_array_new ();

      for (guint i = 0; i < list->len; i++)
        json_array_add_element (a, bd_shift_to_json (list->pdata[i]));
      json_node_take_array (node, a);
      bd_admin_print_json (node);
      return BD_EXIT_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      BdShift *s = list->pdata[i];
      g_print ("%6" G_GINT64_FORMAT "  %-12s %-16s %s .. %-20s %5" G_GINT64_FORMAT
               " crossings  %s%s\n",
               s->id, s->desk, s->officer, s->opened, s->closed ? s->closed : "(open)",
               s->crossings, s->signed_off_by ? "signed off by " : "",
               s->signed_off_by ? s->signed_off_by : "");
    }
  return BD_EXIT_OK;
}

/* Writes the exports asked for (CSV and PDF of @stats) and audits each:
 * exports leave the desk. */
static gboolean
write_exports (BdDb *db, JsonObject *stats, const BdStatsScope *scope, const char *csv_path,
               const char *pdf_path, GError **error)
{
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  const char *paths[] = { csv_path, pdf_path };
  const char *formats[] = { "csv", "pdf" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      if (paths[i] == NULL)
        continue;
      if (i == 0)
        {
          g_autofree char *csv = bd_report_to_csv (stats);

          if (!g_file_set_contents_full (paths[i], csv, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                         0600, error))
            return FALSE;
        }
      else if (!bd_report_write_pdf (stats, paths[i], NULL, error))
        return FALSE;
      if (!bd_stats_record_export (db, cli, scope, formats[i], error))
        return FALSE;
    }
  return TRUE;
}

/* Parses the options of a command on one shift (--shift required) and
 * opens the database; NULL with the exit code in *@status. */
static BdDb *
open_for_shift (BdAdmin *admin, GOptionContext *ctx, int *argc, char ***argv,
                const gint64 *shift, int *status)
{
  GError *error = NULL;
  BdDb *db;

  if (!bd_admin_parse (ctx, argc, argv))
    {
      *status = BD_EXIT_USAGE;
      return NULL;
    }
  if (*shift <= 0)
    {
      *status = bd_admin_usage ("--shift ID is required");
      return NULL;
    }
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    *status = bd_admin_fail (error);
  return db;
}

static int
shift_report (BdAdmin *admin, int argc, char **argv)
{
  gint64 shift = 0;
  gboolean json = FALSE;
  g_autofree char *csv_path = NULL, *pdf_path = NULL;
  GOptionEntry entries[] = {
    { "shift", 0, 0, G_OPTION_ARG_INT64, &shift, "The shift", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write the statistics as CSV", "FILE" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path, "Write the report as PDF", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- the figures of one shift");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(JsonNode) report = NULL;
  JsonObject *o, *counts;
  GError *error = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  db = open_for_shift (admin, ctx, &argc, &argv, &shift, &status);
  if (db == NULL)
    return status;
  report = bd_shift_report (db, cli, shift, &error);
  if (report == NULL)
    return bd_admin_fail (error);
  o = json_node_get_object (report);
  counts = json_object_get_object_member (o, "counts");

  if (csv_path != NULL || pdf_path != NULL)
    {
      BdStatsScope scope = { .shift = shift };
      g_autoptr(JsonNode) stats = bd_stats_compute (db, cli, &scope, &error);

      if (stats == NULL ||
          !write_exports (db, json_node_get_object (stats), &scope, csv_path, pdf_path, &error))
        return bd_admin_fail (error);
    }
  if (json)
    {
      bd_admin_print_json (report);
      return BD_EXIT_OK;
    }
  if (csv_path != NULL || pdf_path != NULL)
    return BD_EXIT_OK;
  g_print ("shift %" G_GINT64_FORMAT " at %s, %s, %s .. %s\n", shift,
           json_object_get_string_member (o, "desk"),
           json_object_get_string_member (o, "officer"),
           json_object_get_string_member (o, "opened"),
           json_object_get_string_member_with_default (o, "closed", "(open)"));
  g_print ("crossings %" G_GINT64_FORMAT ", alerts %" G_GINT64_FORMAT ", overrides %"
           G_GINT64_FORMAT "\n", json_object_get_int_member (counts, "total"),
           json_object_get_int_member (o, "alerts"), json_object_get_int_member (o, "overrides"));
  return BD_EXIT_OK;
}

static int
shift_stats (BdAdmin *admin, int argc, char **argv)
{
  gint64 shift = 0;
  gboolean json = FALSE;
  g_autofree char *day = NULL, *from = NULL, *to = NULL, *desk = NULL, *officer = NULL;
  g_autofree char *csv_path = NULL, *pdf_path = NULL;
  GOptionEntry entries[] = {
    { "shift", 0, 0, G_OPTION_ARG_INT64, &shift, "One shift", "ID" },
    { "day", 0, 0, G_OPTION_ARG_STRING, &day, "One day (UTC)", "YYYY-MM-DD" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "First day (UTC)", "YYYY-MM-DD" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Last day (UTC), included", "YYYY-MM-DD" },
    { "desk", 0, 0, G_OPTION_ARG_STRING, &desk, "Only this desk", "POST/N" },
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, "Only this officer", "U" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write them as CSV", "FILE" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path, "Write them as a PDF report", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("- statistics of a shift, a day or days (--from, --to)");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(JsonNode) stats = NULL;
  BdStatsScope scope = { 0, };
  JsonObject *o, *counts;
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if ((shift > 0) + (day != NULL) + (from != NULL || to != NULL) != 1 ||
      (day == NULL && shift <= 0 && (from == NULL || to == NULL)))
    return bd_admin_usage ("shift stats needs one of --shift ID, --day D, or --from D --to D");
  scope.shift = shift;
  scope.from = day != NULL ? day : from;
  scope.to = day != NULL ? day : to;
  scope.desk = desk;
  scope.officer = officer;
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  stats = bd_stats_compute (db, cli, &scope, &error);
  if (stats == NULL)
    return bd_admin_fail (error);
  o = json_node_get_object (stats);
  if (!write_exports (db, o, &scope, csv_path, pdf_path, &error))
    return bd_admin_fail (error);
  if (json)
    bd_admin_print_json (stats);
  else if (csv_path == NULL && pdf_path == NULL)
    {
      counts = json_object_get_object_member (o, "counts");
      g_print ("crossings %" G_GINT64_FORMAT ", alerts %" G_GINT64_FORMAT ", overrides %"
               G_GINT64_FORMAT ", not yet at HQ %" G_GINT64_FORMAT "\n",
               json_object_get_int_member (counts, "total"),
               json_object_get_int_member (o, "alerts"),
               json_object_get_int_member (o, "overrides"),
               json_object_get_int_member (o, "unsynced"));
    }
  return BD_EXIT_OK;
}

static int
shift_timeline (BdAdmin *admin, int argc, char **argv)
{
  gint64 shift = 0;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "shift", 0, 0, G_OPTION_ARG_INT64, &shift, "The shift", "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- what happened during a shift");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(GPtrArray) events = NULL;
  GError *error = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  db = open_for_shift (admin, ctx, &argc, &argv, &shift, &status);
  if (db == NULL)
    return status;
  events = bd_timeline_for_shift (db, cli, shift, &error);
  if (events == NULL)
    return bd_admin_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) node = bd_timeline_to_json (events);

      bd_admin_print_json (node);
      return BD_EXIT_OK;
    }
  for (guint i = 0; i < events->len; i++)
    {
      BdTimelineEvent *e = events->pdata[i];

      g_print ("%s  %-12s %-12s %s\n", e->time, bd_timeline_kind_to_string (e->kind), e->actor,
               e->detail);
    }
  return BD_EXIT_OK;
}

/* signoff, open and close act as an officer: password on stdin. */
static int
shift_as_officer (BdAdmin *admin, int argc, char **argv, const char *what)
{
  gint64 shift = 0;
  g_autofree char *username = NULL, *note = NULL, *lane = NULL;
  GOptionEntry entries[] = {
    { "shift", 0, 0, G_OPTION_ARG_INT64, &shift, "The shift (signoff, close)", "ID" },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "The officer acting", "U" },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, "A note (signoff, close)", "TEXT" },
    { "lane", 0, 0, G_OPTION_ARG_STRING, &lane, "Lane (open)", "LANE" },
    { NULL }
  };
  g_autofree char *summary = g_strdup_printf ("- %s a shift (password: first line of stdin)",
                                              what);
  g_autoptr(GOptionContext) ctx = g_option_context_new (summary);
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) officer = NULL;
  int status;
  GError *error = NULL;
  gboolean is_open = strcmp (what, "open") == 0;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (username == NULL || (!is_open && shift <= 0))
    {
      return bd_admin_usage ("shift %s needs --username%s", what,
                             is_open ? "" : " and --shift");
    }
  officer = bd_admin_officer_from_stdin (admin, username, &db, &status);
  if (officer == NULL)
    return status;

  if (is_open)
    {
      shift = bd_shift_open (db, officer, lane, &error);
      ok = shift != 0;
    }
  else if (strcmp (what, "close") == 0)
    ok = bd_shift_close (db, officer, shift, note, &error);
  else
    ok = bd_shift_sign_off (db, officer, shift, note, &error);
  if (!ok)
    return bd_admin_fail (error);
  g_print ("shift %" G_GINT64_FORMAT ": %s\n", shift,
           is_open ? "opened" : strcmp (what, "close") == 0 ? "closed" : "signed off");
  return BD_EXIT_OK;
}

#define SUBCOMMANDS "list|report|stats|timeline|signoff|open|close"

int
bd_admin_shift (BdAdmin *admin, int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : "";

  if (strcmp (sub, "list") == 0)
    {
      bd_admin_json_shape (BD_ADMIN_JSON_LIST);
      return shift_list (admin, argc - 1, argv + 1);
    }
  if (strcmp (sub, "report") == 0)
    return shift_report (admin, argc - 1, argv + 1);
  if (strcmp (sub, "stats") == 0)
    return shift_stats (admin, argc - 1, argv + 1);
  if (strcmp (sub, "timeline") == 0)
    {
      bd_admin_json_shape (BD_ADMIN_JSON_LIST);
      return shift_timeline (admin, argc - 1, argv + 1);
    }
  if (strcmp (sub, "signoff") == 0 || strcmp (sub, "open") == 0 || strcmp (sub, "close") == 0)
    return shift_as_officer (admin, argc - 1, argv + 1, sub);
  if (strcmp (sub, "--help") == 0)
    {
      g_print ("Usage: borderdesk-admin shift %s [--help]\n", SUBCOMMANDS);
      return BD_EXIT_OK;
    }
  return bd_admin_usage ("usage: borderdesk-admin shift %s [--help]", SUBCOMMANDS);
}

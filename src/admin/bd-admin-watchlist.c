/* bd-admin-watchlist.c: `borderdesk-admin watchlist import|status`.
 *
 * `watchlist import FILE` takes a CSV (CONTRACT.md, Watchlist CSV) as this
 * desk's local list, replacing the previous local list whole.  A signed
 * delta from HQ is recognised and refused with exit 2: verifying and
 * applying those is the sync feature's work.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "bd-admin.h"
#include "bd-db.h"
#include "bd-sync.h"
#include "bd-watchlist.h"

/* A list of two million rows (the most bd_watchlist_parse_csv takes) is
 * well under this. */
#define MAX_FILE (256 * 1024 * 1024)

static int
watchlist_import (BdAdmin *admin, int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "FILE - import HQ's signed watchlist file, or a CSV as this desk's local list");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autofree char *data = NULL;
  BdWatchlistImport result;
  GStatBuf st;
  gsize length = 0;
  GError *error = NULL;

  g_option_context_set_description (ctx,
    "Header row: list,surname,given_names,birth_date,nationality,document_number,\n"
    "issuing_state,action,reference.  list: persons or documents; action: deny, refer or\n"
    "notify (empty: refer for persons, deny for documents); birth_date: YYYY-MM-DD, YYYY-MM\n"
    "or YYYY.  A signed watchlist file from HQ (`borderdesk-hq watchlist export`) is\n"
    "verified against HQ's certificate and applied like the network delta.");
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2)
    return bd_admin_usage ("usage: borderdesk-admin watchlist import FILE.csv");
  if (g_stat (argv[1], &st) != 0)
    {
      int saved = errno;
      return bd_admin_usage ("%s: %s", argv[1], g_strerror (saved));
    }
  if (!S_ISREG (st.st_mode))
    return bd_admin_usage ("%s: not a regular file", argv[1]);
  if (st.st_size > MAX_FILE)
    return bd_admin_usage ("%s: larger than %d MiB", argv[1], MAX_FILE / (1024 * 1024));
  if (!g_file_get_contents (argv[1], &data, &length, &error))
    {
      g_autofree char *message = g_strdup (error->message);

      g_error_free (error);
      return bd_admin_usage ("%s", message);
    }
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  if (bd_watchlist_looks_signed (data, length))
    {
      gint64 version = 0;

      /* HQ's signed delta, verified exactly as the network delta is. */
      if (!bd_sync_apply_watchlist (db, cli, data, length, &version, &error))
        {
          g_printerr ("borderdesk-admin: %s: %s\n", argv[1], error->message);
          g_error_free (error);
          return BD_EXIT_NO;
        }
      g_print ("HQ watchlist now at version %" G_GINT64_FORMAT "\n", version);
      return BD_EXIT_OK;
    }
  if (!bd_watchlist_import_csv (db, cli, data, length, &result, &error))
    {
      /* A file that does not validate is bad input, whatever the row says. */
      if (error->domain == BD_WATCHLIST_ERROR)
        {
          g_autofree char *message = g_strdup_printf ("%s: %s", argv[1], error->message);

          g_error_free (error);
          return bd_admin_usage ("%s", message);
        }
      return bd_admin_fail (error);
    }
  g_print ("imported local watchlist version %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT
           " persons, %" G_GINT64_FORMAT " documents (replaced %" G_GINT64_FORMAT
           " entries of the previous local list)\n", result.version, result.persons,
           result.documents, result.replaced);
  return BD_EXIT_OK;
}

static int
watchlist_status (BdAdmin *admin, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "- the loaded watchlists: source, version, last update, counts");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(GPtrArray) status = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 1)
    return bd_admin_usage ("usage: borderdesk-admin watchlist status [--json]");
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  status = bd_watchlist_status (db, &error);
  if (status == NULL)
    return bd_admin_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      JsonArray *list = json_array_new ();

      for (guint i = 0; i < status->len; i++)
        {
          BdWatchlistStatus *s = status->pdata[i];
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "source", bd_watchlist_source_to_string (s->source));
          json_object_set_int_member (o, "version", s->version);
          json_object_set_string_member (o, "updated", s->updated);
          json_object_set_int_member (o, "persons", s->persons);
          json_object_set_int_member (o, "documents", s->documents);
          json_array_add_object_element (list, o);
        }
      json_node_take_array (node, list);
      bd_admin_print_json (node);
      return BD_EXIT_OK;
    }
  if (status->len == 0)
    g_print ("no watchlist loaded\n");
  for (guint i = 0; i < status->len; i++)
    {
      BdWatchlistStatus *s = status->pdata[i];

      g_print ("%-5s version %" G_GINT64_FORMAT ", updated %s: %" G_GINT64_FORMAT " persons, %"
               G_GINT64_FORMAT " documents\n", bd_watchlist_source_to_string (s->source),
               s->version, s->updated, s->persons, s->documents);
    }
  return BD_EXIT_OK;
}

int
bd_admin_watchlist (BdAdmin *admin, int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : "";

  if (strcmp (sub, "import") == 0)
    return watchlist_import (admin, argc - 1, argv + 1);
  if (strcmp (sub, "status") == 0)
    {
      bd_admin_json_shape (BD_ADMIN_JSON_LIST);
      return watchlist_status (admin, argc - 1, argv + 1);
    }
  if (strcmp (sub, "--help") == 0)
    {
      g_print ("Usage: borderdesk-admin watchlist import FILE.csv\n"
               "       borderdesk-admin watchlist status [--json]\n");
      return BD_EXIT_OK;
    }
  return bd_admin_usage ("usage: borderdesk-admin watchlist import|status [--help]");
}

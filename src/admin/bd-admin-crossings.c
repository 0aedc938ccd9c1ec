/* bd-admin-crossings.c: `borderdesk-admin crossings list|import|amend`. */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-amendment.h"
#include "bd-crossing.h"
#include "bd-db.h"

static int
crossings_list (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *document = NULL, *since = NULL;
  gboolean json = FALSE;
  gint64 limit = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "document", 0, 0, G_OPTION_ARG_STRING, &document, "Only this document number", "NUMBER" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, "Only from this time on", "ISO8601" },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, "At most N, newest first", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- list crossings, newest first");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(JsonArray) list = NULL;
  BdCrossingFilter filter = { 0, };
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  filter.document_number = document;
  filter.since = since;
  filter.limit = limit;
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  list = bd_crossing_list (db, cli, &filter, &error);
  if (list == NULL)
    return bd_admin_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      json_node_set_array (node, list);
      bd_admin_print_json (node);
      return BD_EXIT_OK;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *c = json_array_get_object_element (list, i);
      JsonObject *d = json_object_get_object_member (c, "document");
      JsonObject *t = json_object_get_object_member (c, "traveller");

      g_print ("%s  %-5s %-8s %s:%s  %s, %s\n",
               json_object_get_string_member (c, "time"),
               json_object_get_string_member (c, "direction"),
               json_object_get_string_member (c, "decision"),
               json_object_get_string_member (d, "issuing_state"),
               json_object_get_string_member (d, "number"),
               json_object_get_string_member (t, "surname"),
               json_object_get_string_member (t, "given_names"));
    }
  return BD_EXIT_OK;
}

static int
crossings_import (BdAdmin *admin, int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "FILE.jsonl - import history from a previous system (all lines or none)");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autofree char *data = NULL;
  gsize length = 0;
  gint64 n = 0;
  GError *error = NULL;

  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2)
    {
      return bd_admin_usage ("usage: borderdesk-admin crossings import FILE.jsonl");
    }
  if (!g_file_get_contents (argv[1], &data, &length, &error))
    {
      g_printerr ("borderdesk-admin: %s\n", error->message);
      g_error_free (error);
      return BD_EXIT_USAGE;
    }
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  if (!bd_crossing_import (db, cli, data, length, &n, &error))
    {
      /* A file that does not validate is bad input, whatever the line says. */
      if (g_error_matches (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID))
        {
          g_printerr ("borderdesk-admin: %s\n", error->message);
          g_error_free (error);
          return BD_EXIT_USAGE;
        }
      return bd_admin_fail (error);
    }
  g_print ("imported %" G_GINT64_FORMAT " crossings\n", n);
  return BD_EXIT_OK;
}

/* An amendment is an officer's act: password on stdin. */
static int
crossings_amend (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *uuid = NULL, *field = NULL, *value = NULL, *reason = NULL, *username = NULL;
  GOptionEntry entries[] = {
    { "crossing", 0, 0, G_OPTION_ARG_STRING, &uuid, "The crossing", "UUID" },
    { "field", 0, 0, G_OPTION_ARG_STRING, &field, "The field to correct", "FIELD" },
    { "value", 0, 0, G_OPTION_ARG_STRING, &value, "Its correct value", "TEXT" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, "Why (required)", "TEXT" },
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "The officer amending", "U" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("- correct a recorded crossing (password: first line of stdin)");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) officer = NULL;
  GError *error = NULL;
  int status;
  gint64 id;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (uuid == NULL || field == NULL || value == NULL || reason == NULL || username == NULL)
    return bd_admin_usage ("crossings amend needs --crossing, --field, --value, --reason "
                           "and --username");
  officer = bd_admin_officer_from_stdin (admin, username, &db, &status);
  if (officer == NULL)
    return status;
  id = bd_crossing_amend (db, officer, uuid, field, value, reason, &error);
  if (id == 0)
    return bd_admin_fail (error);
  g_print ("amendment %" G_GINT64_FORMAT " recorded\n", id);
  return BD_EXIT_OK;
}

int
bd_admin_crossings (BdAdmin *admin, int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : "";

  if (strcmp (sub, "list") == 0)
    {
      bd_admin_json_shape (BD_ADMIN_JSON_LIST);
      return crossings_list (admin, argc - 1, argv + 1);
    }
  if (strcmp (sub, "import") == 0)
    return crossings_import (admin, argc - 1, argv + 1);
  if (strcmp (sub, "amend") == 0)
    return crossings_amend (admin, argc - 1, argv + 1);
  if (strcmp (sub, "--help") == 0)
    {
      g_print ("Usage: borderdesk-admin crossings list|import|amend [--help]\n");
      return BD_EXIT_OK;
    }
  return bd_admin_usage ("usage: borderdesk-admin crossings list|import|amend [--help]");
}

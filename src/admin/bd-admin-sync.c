/* bd-admin-sync.c: `borderdesk-admin enroll-request | enroll-install |
 * sync [status] | batch export | receipt import` (CONTRACT.md), the
 * desk's side of the sync with HQ (docs/protocol.md). */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-db.h"
#include "bd-role.h"
#include "bd-sync.h"

/* Receipts are small; a certificate file is too. */
#define MAX_SMALL_FILE (1024 * 1024)

static char *
read_small_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  if (length > MAX_SMALL_FILE || memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a PEM or JWS text file",
                   path);
      return NULL;
    }
  return g_steal_pointer (&data);
}

int
bd_admin_enroll_request (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *out = NULL, *csr = NULL;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Where to write the request", "FILE.csr" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "- write a certificate request naming this desk, for HQ's `desk issue`");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (out == NULL || argc != 1)
    return bd_admin_usage ("usage: borderdesk-admin enroll-request --out FILE.csr");
  if ((db = bd_admin_open_db (admin, &error)) == NULL ||
      (csr = bd_sync_enroll_request (db, cli, &error)) == NULL ||
      !g_file_set_contents_full (out, csr, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    return bd_admin_fail (error);
  g_print ("certificate request written to %s: take it to HQ (`borderdesk-hq desk issue`)\n",
           out);
  return BD_EXIT_OK;
}

int
bd_admin_enroll_install (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *cert_path = NULL, *ca_path = NULL, *url = NULL;
  g_autofree char *cert = NULL, *ca = NULL;
  GOptionEntry entries[] = {
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_path, "The certificate HQ issued", "FILE" },
    { "hq-ca", 0, 0, G_OPTION_ARG_FILENAME, &ca_path, "HQ's ca.crt", "FILE" },
    { "hq-url", 0, 0, G_OPTION_ARG_STRING, &url, "HQ's address", "https://HOST:PORT" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "- install this desk's certificate, HQ's CA and HQ's address");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (cert_path == NULL || ca_path == NULL || url == NULL || argc != 1)
    return bd_admin_usage ("usage: borderdesk-admin enroll-install --cert FILE --hq-ca FILE "
                           "--hq-url URL");
  if ((cert = read_small_file (cert_path, &error)) == NULL ||
      (ca = read_small_file (ca_path, &error)) == NULL ||
      (db = bd_admin_open_db (admin, &error)) == NULL ||
      !bd_sync_enroll_install (db, cli, cert, ca, url, &error))
    return bd_admin_fail (error);
  g_print ("enrolled with HQ at %s\n", url);
  return BD_EXIT_OK;
}

static int
sync_status (BdAdmin *admin, gboolean json)
{
  g_autoptr(BdDb) db = NULL;
  g_autoptr(JsonObject) status = NULL;
  GError *error = NULL;

  if ((db = bd_admin_open_db (admin, &error)) == NULL ||
      (status = bd_sync_status (db, &error)) == NULL)
    return bd_admin_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, status);
      bd_admin_print_json (node);
      return BD_EXIT_OK;
    }
  g_print ("desk:             %s (epoch %" G_GINT64_FORMAT ")\n",
           json_object_get_string_member (status, "desk"),
           json_object_get_int_member (status, "epoch"));
  g_print ("HQ:               %s\n",
           json_object_get_boolean_member (status, "enrolled")
           ? json_object_get_string_member (status, "hq_url") : "not enrolled");
  g_print ("pending:          %" G_GINT64_FORMAT " records in %" G_GINT64_FORMAT
           " sent batches and the outbox%s\n",
           json_object_get_int_member (status, "pending_records"),
           json_object_get_int_member (status, "pending_batches"),
           json_object_get_boolean_member (status, "stale") ? " (WAITING TOO LONG)" : "");
  g_print ("last success:     %s\n",
           json_object_get_string_member_with_default (status, "last_success", NULL) ?: "never");
  if (!json_object_get_null_member (status, "last_error"))
    g_print ("last error:       %s\n", json_object_get_string_member (status, "last_error"));
  if (!json_object_get_null_member (status, "clock_skew"))
    g_print ("clock skew:       %+" G_GINT64_FORMAT " s%s\n",
             json_object_get_int_member (status, "clock_skew"),
             json_object_get_boolean_member (status, "clock_skew_warning")
             ? " (CHECK THE CLOCK)" : "");
  g_print ("watchlist:        version %" G_GINT64_FORMAT "\n",
           json_object_get_int_member (status, "watchlist_version"));
  return BD_EXIT_OK;
}

int
bd_admin_sync (BdAdmin *admin, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "[status] - send every pending batch to HQ now (0: nothing left pending), or show the state");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(JsonNode) purged = NULL;
  BdSyncRound round;
  GError *error = NULL;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc == 2 && strcmp (argv[1], "status") == 0)
    return sync_status (admin, json);
  if (argc != 1)
    return bd_admin_usage ("usage: borderdesk-admin sync [status] [--json]");
  if ((db = bd_admin_open_db (admin, &error)) == NULL)
    return bd_admin_fail (error);
  ok = bd_sync_run (db, cli, &round, &error);
  if (!json)
    g_print ("sent %" G_GINT64_FORMAT " batches (%" G_GINT64_FORMAT " records); %"
             G_GINT64_FORMAT " records pending; watchlist version %" G_GINT64_FORMAT "\n",
             round.sent, round.records, round.pending_records, round.watchlist_version);
  /* After a round HQ acknowledged in full, what it now holds need not stay
   * here past its retention period. */
  if (ok)
    purged = bd_admin_retention_after_sync (db, json);
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *o = json_object_new ();

      json_object_set_boolean_member (o, "complete", ok);
      json_object_set_int_member (o, "batches_sent", round.sent);
      json_object_set_int_member (o, "records_sent", round.records);
      json_object_set_int_member (o, "pending_records", round.pending_records);
      json_object_set_int_member (o, "watchlist_version", round.watchlist_version);
      json_object_set_member (o, "retention", purged != NULL ? g_steal_pointer (&purged)
                                                             : json_node_new (JSON_NODE_NULL));
      if (!ok)
        json_object_set_string_member (o, "error", error->message);
      json_node_take_object (node, o);
      bd_admin_print_json (node);
    }
  if (!ok)
    {
      g_printerr ("borderdesk-admin: %s\n", error->message);
      g_error_free (error);
      return BD_EXIT_NO;
    }
  return BD_EXIT_OK;
}

int
bd_admin_batch (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *out = NULL;
  GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Directory for the batch files", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "export - write every pending batch as a signed file, for HQ's `import`");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  GError *error = NULL;
  gint64 n = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2 || strcmp (argv[1], "export") != 0 || out == NULL)
    return bd_admin_usage ("usage: borderdesk-admin batch export --out DIR");
  if ((db = bd_admin_open_db (admin, &error)) == NULL ||
      !bd_sync_export (db, cli, out, &n, &error))
    return bd_admin_fail (error);
  g_print ("%" G_GINT64_FORMAT " batch files in %s; records stay pending until HQ's receipts "
           "come back (`borderdesk-admin receipt import`)\n", n, out);
  return BD_EXIT_OK;
}

int
bd_admin_receipt (BdAdmin *admin, int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "import FILE... - take the receipts HQ wrote for batches carried by hand");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(JsonNode) purged = NULL;
  int status = BD_EXIT_OK, accepted = 0;
  GError *error = NULL;

  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc < 3 || strcmp (argv[1], "import") != 0)
    return bd_admin_usage ("usage: borderdesk-admin receipt import FILE...");
  if ((db = bd_admin_open_db (admin, &error)) == NULL)
    return bd_admin_fail (error);
  /* Each receipt stands alone: a bad one is reported and the others are
   * still taken. */
  for (int i = 2; i < argc; i++)
    {
      g_autofree char *text = read_small_file (argv[i], &error);

      if (text == NULL || !bd_sync_import_receipt (db, text, strlen (text), NULL, &error))
        {
          g_printerr ("borderdesk-admin: %s: %s\n", argv[i], error->message);
          g_clear_error (&error);
          status = BD_EXIT_NO;
        }
      else
        {
          g_print ("%s: accepted\n", argv[i]);
          accepted++;
        }
    }
  /* Receipts carried by hand acknowledge records as a round does. */
  if (accepted > 0)
    purged = bd_admin_retention_after_sync (db, FALSE);
  return status;
}

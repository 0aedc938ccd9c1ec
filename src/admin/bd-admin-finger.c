/* bd-admin-finger.c: `borderdesk-admin reader` and `borderdesk-admin finger`:
 * the fingerprint service for field diagnostics and scripting.
 *
 * The service runs libfprint on its own thread; this command waits for it
 * on a main loop of its own, printing the reader's prompts on stderr.
 * GLib's default log writer stays in place, so with G_MESSAGES_DEBUG set
 * libfprint's debug log (which says when the reader awaits a finger)
 * reaches stderr as it always does.
 */
#include "config.h"

#include <openssl/crypto.h>

#include "bd-admin.h"
#include "bd-audit.h"
#include "bd-db.h"
#include "bd-fingerprint.h"
#include "bd-history.h"
#include "bd-role.h"
#include "bd-template.h"

typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
  const char *finger_label;
  int retries;
  int stages;
} Run;

static void
on_event_cb (const BdFingerEvent *event, gpointer data)
{
  Run *run = data;

  switch (event->kind)
    {
    case BD_FINGER_EVENT_PLACE:
      g_printerr ("Place the %s on the reader\n", run->finger_label);
      break;
    case BD_FINGER_EVENT_STAGE:
      run->stages = event->stage;
      g_printerr ("scan %d of %d taken\n", event->stage, event->n_stages);
      break;
    case BD_FINGER_EVENT_RETRY:
      run->retries++;
      g_printerr ("%s\n", bd_finger_event_prompt (event));
      break;
    case BD_FINGER_EVENT_LIFT:
    default:
      break;
    }
}

static void
on_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Run *run = data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static void
run_init (Run *run, int finger)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  run->finger_label = finger > 0 ? bd_finger_to_label (finger) : "finger";
}

static void
run_wait (Run *run)
{
  g_main_loop_run (run->loop);
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->result);
  g_clear_pointer (&run->loop, g_main_loop_unref);
}

/* The reader to use: --reader, else the first connected. */
static BdReader *
pick_reader (BdFingerprint *fp, const char *id, GError **error)
{
  g_autoptr(GPtrArray) readers = bd_fingerprint_list_readers (fp);

  for (guint i = 0; i < readers->len; i++)
    {
      BdReader *reader = readers->pdata[i];

      if (id == NULL || g_strcmp0 (reader->id, id) == 0)
        return g_ptr_array_steal_index (readers, i);
    }
  g_set_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_NO_READER,
               id != NULL ? "no reader %s is connected" : "no fingerprint reader is connected",
               id);
  return NULL;
}

int
bd_admin_reader (BdAdmin *admin, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("list - the fingerprint readers connected (libfprint)");
  g_autoptr(BdFingerprint) fp = NULL;
  g_autoptr(GPtrArray) readers = NULL;

  bd_admin_json_shape (BD_ADMIN_JSON_LIST);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2 || g_strcmp0 (argv[1], "list") != 0)
    return bd_admin_usage ("reader: the command is `reader list [--json]`");
  fp = bd_fingerprint_new ();
  readers = bd_fingerprint_list_readers (fp);
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      JsonArray *list = json_array_new ();

      for (guint i = 0; i < readers->len; i++)
        {
          BdReader *reader = readers->pdata[i];
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "id", reader->id);
          json_object_set_string_member (o, "driver", reader->driver);
          json_object_set_string_member (o, "name", reader->name);
          json_object_set_string_member (o, "kind", reader->on_chip ? "match-on-chip" : "image");
          json_object_set_int_member (o, "enroll_stages", reader->enroll_stages);
          json_object_set_boolean_member (o, "identify", reader->can_identify);
          json_array_add_object_element (list, o);
        }
      json_node_take_array (node, list);
      bd_admin_print_json (node);
      return BD_EXIT_OK;
    }
  if (readers->len == 0)
    g_print ("no fingerprint reader connected\n");
  for (guint i = 0; i < readers->len; i++)
    {
      BdReader *reader = readers->pdata[i];

      g_print ("%-24s %-16s %-14s %s\n", reader->id, reader->driver,
               reader->on_chip ? "match-on-chip" : "image", reader->name);
    }
  return BD_EXIT_OK;
}

typedef struct {
  char *document;
  char *finger_name;
  char *reader;
  char *kind;
  char *reason;
  gboolean consent;
  gboolean json;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->document);
  g_free (o->finger_name);
  g_free (o->reader);
  g_free (o->kind);
  g_free (o->reason);
}

static void
print_result (JsonObject *o)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, o);
  bd_admin_print_json (node);
}

static int
finger_enroll (BdDb *db, const Options *o, const char *issuer, const char *number, int finger)
{
  g_autoptr(BdFingerprint) fp = bd_fingerprint_new ();
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(GBytes) plain = NULL;
  g_autofree char *driver = NULL, *quality = NULL;
  guint8 key[BD_DATA_KEY_SIZE];
  gint64 traveller_id, document_id;
  GError *error = NULL;
  Run run = { 0, };
  gboolean ok;

  if (!bd_actor_require (cli, BD_PERM_FINGERPRINT, &error))
    return bd_admin_fail (error);
  run_init (&run, finger);
  bd_fingerprint_enroll_async (fp, o->reader, finger, NULL, on_event_cb, &run, on_done_cb, &run);
  run_wait (&run);
  plain = bd_fingerprint_enroll_finish (fp, run.result, &driver, &error);
  run_clear (&run);
  if (plain == NULL)
    return bd_admin_fail (error);
  quality = run.retries == 0 ? g_strdup ("clean") : g_strdup_printf ("retried %d", run.retries);

  if (!bd_data_key_load (bd_db_path (db), TRUE, key, &error))
    return bd_admin_fail (error);
  ok = bd_db_begin (db, &error);
  if (ok && bd_document_resolve (db, issuer, number, TRUE, &traveller_id, &document_id, &error))
    {
      BdTemplateRecord record = {
        .traveller_id = traveller_id,
        .document_id = document_id,
        .finger = bd_finger_to_string (finger),
        .plain = plain,
        .driver = driver,
        .quality = quality,
      };

      ok = bd_template_store (db, cli, key, &record, &error) && bd_db_commit (db, &error);
    }
  else if (ok)
    {
      bd_db_rollback (db);
      ok = FALSE;
    }
  OPENSSL_cleanse (key, sizeof key);
  if (!ok)
    return bd_admin_fail (error);
  if (o->json)
    {
      JsonObject *j = json_object_new ();

      json_object_set_string_member (j, "document", o->document);
      json_object_set_string_member (j, "finger", bd_finger_to_string (finger));
      json_object_set_string_member (j, "driver", driver);
      json_object_set_int_member (j, "stages", run.stages);
      json_object_set_int_member (j, "retries", run.retries);
      json_object_set_int_member (j, "template_bytes", g_bytes_get_size (plain));
      print_result (j);
    }
  else
    g_print ("enrolled the %s for %s (%s, %d scans, %s)\n", bd_finger_to_label (finger),
             o->document, driver, run.stages, quality);
  return BD_EXIT_OK;
}

/* The first finger on file for @traveller_id, for a verify without --finger. */
static int
first_finger_on_file (BdDb *db, gint64 traveller_id)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT finger FROM finger_templates WHERE traveller_id = ? "
                                       "ORDER BY id LIMIT 1", NULL);
  int finger = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, traveller_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    bd_finger_from_string ((const char *) sqlite3_column_text (stmt, 0), &finger);
  sqlite3_reset (stmt);
  return finger;
}

static gboolean
audit_search (BdDb *db, const char *action, gint64 traveller_id, const char *finger,
              gboolean match, GError **error)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *object = traveller_id > 0
                            ? g_strdup_printf ("traveller:%" G_GINT64_FORMAT, traveller_id)
                            : g_strdup ("");

  if (traveller_id > 0)
    json_object_set_int_member (details, "traveller", traveller_id);
  if (finger != NULL)
    json_object_set_string_member (details, "finger", finger);
  json_object_set_boolean_member (details, "match", match);
  return bd_audit_record (db, "cli", action, object, details, error);
}

static int
finger_verify (BdDb *db, const Options *o, const char *issuer, const char *number, int finger)
{
  g_autoptr(BdFingerprint) fp = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(GBytes) plain = NULL;
  g_autofree char *driver = NULL;
  guint8 key[BD_DATA_KEY_SIZE];
  gint64 traveller_id, document_id;
  gboolean match = FALSE;
  GError *error = NULL;
  Run run = { 0, };

  if (!bd_actor_require (cli, BD_PERM_FINGERPRINT, &error)
      || !bd_document_resolve (db, issuer, number, FALSE, &traveller_id, &document_id, &error))
    return bd_admin_fail (error);
  if (finger == 0)
    finger = first_finger_on_file (db, traveller_id);
  if (finger == 0)
    return bd_admin_fail (g_error_new (BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_NOT_FOUND,
                                       "no prints on file for %s", o->document));
  if (!bd_data_key_load (bd_db_path (db), FALSE, key, &error))
    return bd_admin_fail (error);
  plain = bd_template_load (db, key, traveller_id, bd_finger_to_string (finger), &driver, &error);
  OPENSSL_cleanse (key, sizeof key);
  if (plain == NULL)
    return bd_admin_fail (error);

  fp = bd_fingerprint_new ();
  run_init (&run, finger);
  bd_fingerprint_verify_async (fp, o->reader, plain, NULL, on_event_cb, &run, on_done_cb, &run);
  run_wait (&run);
  if (!bd_fingerprint_verify_finish (fp, run.result, &match, &error))
    {
      run_clear (&run);
      return bd_admin_fail (error);
    }
  run_clear (&run);
  if (!audit_search (db, "finger.verify", traveller_id, bd_finger_to_string (finger), match,
                     &error))
    return bd_admin_fail (error);
  if (o->json)
    {
      JsonObject *j = json_object_new ();

      json_object_set_boolean_member (j, "match", match);
      json_object_set_string_member (j, "document", o->document);
      json_object_set_string_member (j, "finger", bd_finger_to_string (finger));
      json_object_set_string_member (j, "driver", driver);
      print_result (j);
    }
  else
    g_print ("%s: the %s %s\n", o->document, bd_finger_to_label (finger),
             match ? "matches the prints on file" : "does NOT match the prints on file");
  return match ? BD_EXIT_OK : BD_EXIT_NO;
}

static int
finger_identify (BdDb *db, const Options *o)
{
  g_autoptr(BdFingerprint) fp = bd_fingerprint_new ();
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(BdReader) reader = NULL;
  g_autoptr(GPtrArray) gallery = NULL;
  g_autoptr(GPtrArray) prints = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint8 key[BD_DATA_KEY_SIZE];
  BdGalleryEntry *hit = NULL;
  GError *error = NULL;
  Run run = { 0, };
  int index = -1;

  if (!bd_actor_require (cli, BD_PERM_FINGERPRINT, &error))
    return bd_admin_fail (error);
  reader = pick_reader (fp, o->reader, &error);
  if (reader == NULL)
    return bd_admin_fail (error);
  if (!bd_data_key_load (bd_db_path (db), FALSE, key, &error))
    return bd_admin_fail (error);
  gallery = bd_template_gallery (db, key, reader->driver, &error);
  OPENSSL_cleanse (key, sizeof key);
  if (gallery == NULL)
    return bd_admin_fail (error);
  for (guint i = 0; i < gallery->len; i++)
    g_ptr_array_add (prints, g_bytes_ref (((BdGalleryEntry *) gallery->pdata[i])->plain));

  run_init (&run, 0);
  bd_fingerprint_identify_async (fp, reader->id, prints, NULL, on_event_cb, &run, on_done_cb,
                                 &run);
  run_wait (&run);
  if (!bd_fingerprint_identify_finish (fp, run.result, &index, &error))
    {
      run_clear (&run);
      return bd_admin_fail (error);
    }
  run_clear (&run);
  if (index >= 0)
    hit = gallery->pdata[index];
  if (!audit_search (db, "finger.identify", hit != NULL ? hit->traveller_id : 0,
                     hit != NULL ? hit->finger : NULL, hit != NULL, &error))
    return bd_admin_fail (error);
  if (o->json)
    {
      JsonObject *j = json_object_new ();

      json_object_set_boolean_member (j, "match", hit != NULL);
      if (hit != NULL)
        {
          json_object_set_string_member (j, "document", hit->document);
          json_object_set_string_member (j, "finger", hit->finger);
        }
      else
        {
          json_object_set_null_member (j, "document");
          json_object_set_null_member (j, "finger");
        }
      json_object_set_int_member (j, "gallery", gallery->len);
      print_result (j);
    }
  else if (hit != NULL)
    g_print ("match: %s, %s\n", hit->document, hit->finger);
  else
    g_print ("no match among %u templates\n", gallery->len);
  return hit != NULL ? BD_EXIT_OK : BD_EXIT_NO;
}

static int
finger_exempt (BdDb *db, const Options *o, const char *issuer, const char *number)
{
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  BdExemptKind kind;
  gint64 traveller_id, document_id;
  GError *error = NULL;

  if (o->kind == NULL || !bd_exempt_kind_from_string (o->kind, &kind))
    return bd_admin_usage ("--kind is under-12, missing, injured or temporary");
  if (!bd_db_begin (db, &error))
    return bd_admin_fail (error);
  if (!bd_document_resolve (db, issuer, number, TRUE, &traveller_id, &document_id, &error)
      || !bd_exemption_record (db, cli, traveller_id, kind, o->reason, o->consent, 0, &error)
      || !bd_db_commit (db, &error))
    {
      bd_db_rollback (db);
      return bd_admin_fail (error);
    }
  if (o->json)
    {
      JsonObject *j = json_object_new ();

      json_object_set_string_member (j, "document", o->document);
      json_object_set_string_member (j, "kind", o->kind);
      json_object_set_boolean_member (j, "consent", o->consent);
      print_result (j);
    }
  else
    g_print ("exemption (%s) recorded for %s\n", o->kind, o->document);
  return BD_EXIT_OK;
}

static int
finger_purge (BdDb *db, const Options *o)
{
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  GError *error = NULL;
  gint64 purged = bd_template_purge (db, cli, &error);

  if (purged < 0)
    return bd_admin_fail (error);
  if (o->json)
    {
      JsonObject *j = json_object_new ();

      json_object_set_int_member (j, "purged", purged);
      print_result (j);
    }
  else
    g_print ("%" G_GINT64_FORMAT " templates purged\n", purged);
  return BD_EXIT_OK;
}

int
bd_admin_finger (BdAdmin *admin, int argc, char **argv)
{
  Options o = { 0, };
  GOptionEntry entries[] = {
    { "document", 0, 0, G_OPTION_ARG_STRING, &o.document, "The document", "ISSUER:NUMBER" },
    { "finger", 0, 0, G_OPTION_ARG_STRING, &o.finger_name,
      "The finger (right-index-finger, left-thumb, ...)", "NAME" },
    { "reader", 0, 0, G_OPTION_ARG_STRING, &o.reader,
      "The reader (an id from `reader list`; default: the first)", "ID" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o.kind,
      "exempt: under-12, missing, injured or temporary", "KIND" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &o.reason, "exempt: why", "TEXT" },
    { "consent", 0, 0, G_OPTION_ARG_NONE, &o.consent,
      "exempt: the traveller consented to the record", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "enroll|verify|identify|exempt|purge - fingerprints at this desk");
  g_autoptr(BdDb) db = NULL;
  g_autofree char *issuer = NULL, *number = NULL;
  const char *command;
  GError *error = NULL;
  int finger = 0, status;

  bd_admin_json_shape (BD_ADMIN_JSON_OBJECT);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "  enroll   --document D --finger F   capture all stages and store (creates D if unknown)\n"
    "  verify   --document D [--finger F] 1:1 against the prints on file (exit 1: no match)\n"
    "  identify                           1:N against the desk gallery (exit 1: no match)\n"
    "  exempt   --document D --kind K --reason TEXT [--consent]\n"
    "  purge                              drop templates past retention that HQ has\n");
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2)
    return bd_admin_usage ("finger: one of enroll, verify, identify, exempt, purge");
  command = argv[1];
  if (o.finger_name != NULL && !bd_finger_from_string (o.finger_name, &finger))
    status = bd_admin_usage ("--finger: left-thumb, left-index-finger, ..., right-little-finger");
  else if (g_strcmp0 (command, "enroll") == 0 && finger == 0)
    status = bd_admin_usage ("finger enroll needs --finger");
  else if ((g_strcmp0 (command, "enroll") == 0 || g_strcmp0 (command, "verify") == 0
            || g_strcmp0 (command, "exempt") == 0)
           && (o.document == NULL || !bd_document_ref_parse (o.document, &issuer, &number)))
    status = bd_admin_usage ("--document ISSUER:NUMBER is required, such as UTO:L898902C3");
  else if ((db = bd_admin_open_db (admin, &error)) == NULL)
    status = bd_admin_fail (error);
  else if (g_strcmp0 (command, "enroll") == 0)
    status = finger_enroll (db, &o, issuer, number, finger);
  else if (g_strcmp0 (command, "verify") == 0)
    status = finger_verify (db, &o, issuer, number, finger);
  else if (g_strcmp0 (command, "identify") == 0)
    status = finger_identify (db, &o);
  else if (g_strcmp0 (command, "exempt") == 0)
    status = finger_exempt (db, &o, issuer, number);
  else if (g_strcmp0 (command, "purge") == 0)
    status = finger_purge (db, &o);
  else
    status = bd_admin_usage ("finger: unknown command %s", command);
  options_clear (&o);
  return status;
}

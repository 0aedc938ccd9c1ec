/* bd-history-remote.c: HQ's history answers and open-stays feed (see
 * bd-history-remote.h and docs/protocol.md). */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "bd-audit.h"
#include "bd-date.h"
#include "bd-history.h"
#include "bd-history-remote.h"
#include "bd-jws.h"
#include "bd-pki.h"

G_DEFINE_QUARK (bd-history-error-quark, bd_history_error)

#define BD_JWS_TYP_OPEN_STAYS "borderdesk-open-stays+jws"
/* A national open-stays feed for one day stays far below this. */
#define MAX_DOCUMENT (256 * 1024 * 1024)

BdRemoteCrossing *
bd_remote_crossing_new (const char *uuid, const char *issuing_state, const char *number,
                        const char *time, gboolean is_entry, const char *post, const char *desk)
{
  BdRemoteCrossing *c = g_new0 (BdRemoteCrossing, 1);

  c->uuid = g_strdup (uuid);
  c->issuing_state = g_strdup (issuing_state);
  c->number = g_strdup (number);
  c->time = g_strdup (time);
  c->is_entry = is_entry;
  c->post = g_strdup (post);
  c->desk = g_strdup (desk);
  return c;
}

void
bd_remote_crossing_free (BdRemoteCrossing *c)
{
  if (c == NULL)
    return;
  g_free (c->uuid);
  g_free (c->issuing_state);
  g_free (c->number);
  g_free (c->time);
  g_free (c->post);
  g_free (c->desk);
  g_free (c);
}

void
bd_history_answer_free (BdHistoryAnswer *a)
{
  if (a == NULL)
    return;
  g_free (a->issuing_state);
  g_free (a->number);
  g_free (a->as_of);
  g_clear_pointer (&a->crossings, g_ptr_array_unref);
  g_free (a);
}

void
bd_open_stays_delta_free (BdOpenStaysDelta *d)
{
  if (d == NULL)
    return;
  g_free (d->published);
  g_clear_pointer (&d->open, g_ptr_array_unref);
  g_clear_pointer (&d->closed, g_ptr_array_unref);
  g_free (d);
}

/* Making ------------------------------------------------------------------ */

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_crossing (JsonBuilder *b, const BdRemoteCrossing *c)
{
  g_autofree char *ref = g_strconcat (c->issuing_state, ":", c->number, NULL);

  json_builder_begin_object (b);
  add_string (b, "id", c->uuid);
  add_string (b, "document", ref);
  add_string (b, "time", c->time);
  add_string (b, "direction", c->is_entry ? "entry" : "exit");
  add_string (b, "post", c->post);
  add_string (b, "desk", c->desk);
  json_builder_end_object (b);
}

static char *
sign (JsonBuilder *b, const char *typ, EVP_PKEY *key, X509 *cert, GError **error)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  return bd_jws_sign_as_hq (root, typ, key, cert, error);
}

char *
bd_history_answer_make (const char *issuing_state, const char *number, const char *as_of,
                        GPtrArray *crossings, EVP_PKEY *key, X509 *cert, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *ref = g_strconcat (issuing_state, ":", number, NULL);

  json_builder_begin_object (b);
  add_string (b, "document", ref);
  add_string (b, "as_of", as_of);
  json_builder_set_member_name (b, "crossings");
  json_builder_begin_array (b);
  for (guint i = 0; crossings != NULL && i < crossings->len; i++)
    add_crossing (b, crossings->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return sign (b, BD_JWS_TYP_HISTORY, key, cert, error);
}

char *
bd_open_stays_delta_make (gint64 from, gint64 to, const char *published, GPtrArray *open,
                          const char *const *closed, EVP_PKEY *key, X509 *cert, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_int_value (b, from);
  json_builder_set_member_name (b, "to");
  json_builder_add_int_value (b, to);
  add_string (b, "published", published);
  json_builder_set_member_name (b, "open");
  json_builder_begin_array (b);
  for (guint i = 0; open != NULL && i < open->len; i++)
    add_crossing (b, open->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "closed");
  json_builder_begin_array (b);
  for (gsize i = 0; closed != NULL && closed[i] != NULL; i++)
    json_builder_add_string_value (b, closed[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return sign (b, BD_JWS_TYP_OPEN_STAYS, key, cert, error);
}

/* Verifying --------------------------------------------------------------- */

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, BD_HISTORY_ERROR, BD_HISTORY_ERROR_INVALID, "refused from HQ: %s", what);
  return FALSE;
}

static const char *
get_string (JsonObject *o, const char *name, gsize max)
{
  const char *s = bd_json_string_member (o, name);

  return s != NULL && strlen (s) <= max ? s : NULL;
}

/* Parses and verifies an HQ document of type @typ; returns its payload. */
static JsonNode *
verified_payload (const char *text, gsize length, const char *typ, X509 *ca, GError **error)
{
  g_autoptr(BdJws) jws = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *data;
  gsize size;

  if (length > MAX_DOCUMENT)
    return (invalid (error, "larger than 256 MiB"), NULL);
  jws = bd_jws_parse (text, length, typ, error);
  if (jws == NULL || !bd_jws_verify_signed_by_hq (jws, ca, error))
    return NULL;
  data = g_bytes_get_data (jws->payload, &size);
  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return (invalid (error, "the payload is not a JSON object"), NULL);
  return json_node_ref (json_parser_get_root (parser));
}

static BdRemoteCrossing *
crossing_from_json (JsonNode *node, GError **error)
{
  JsonObject *o;
  const char *id, *doc, *time, *dir, *post, *desk;
  g_autofree char *state = NULL, *number = NULL;
  gint64 t;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return (invalid (error, "a crossing is not an object"), NULL);
  o = json_node_get_object (node);
  id = get_string (o, "id", 36);
  doc = get_string (o, "document", 40);
  time = get_string (o, "time", 32);
  dir = get_string (o, "direction", 8);
  post = get_string (o, "post", 32);
  desk = get_string (o, "desk", 40);
  if (id == NULL || !g_uuid_string_is_valid (id) || doc == NULL ||
      !bd_document_ref_parse (doc, &state, &number) || time == NULL ||
      !bd_time_parse (time, &t) || dir == NULL ||
      (strcmp (dir, "entry") != 0 && strcmp (dir, "exit") != 0) || post == NULL ||
      desk == NULL)
    return (invalid (error, "a crossing lacks id, document, time, direction, post or desk"),
            NULL);
  return bd_remote_crossing_new (id, state, number, time, strcmp (dir, "entry") == 0, post,
                                 desk);
}

static gboolean
crossings_from_json (JsonObject *o, const char *name, GPtrArray *out, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_ARRAY (n))
    return invalid (error, "a list of crossings is missing");
  for (guint i = 0; i < json_array_get_length (json_node_get_array (n)); i++)
    {
      BdRemoteCrossing *c = crossing_from_json (json_array_get_element (json_node_get_array (n),
                                                                        i), error);
      if (c == NULL)
        return FALSE;
      g_ptr_array_add (out, c);
    }
  return TRUE;
}

BdHistoryAnswer *
bd_history_answer_verify (const char *text, gsize length, X509 *ca, const char *issuing_state,
                          const char *number, GError **error)
{
  g_autoptr(JsonNode) root = verified_payload (text, length, BD_JWS_TYP_HISTORY, ca, error);
  g_autoptr(BdHistoryAnswer) a = g_new0 (BdHistoryAnswer, 1);
  g_autofree char *asked = g_strconcat (issuing_state, ":", number, NULL);
  JsonObject *o;
  const char *doc, *as_of;
  gint64 t;

  if (root == NULL)
    return NULL;
  o = json_node_get_object (root);
  doc = get_string (o, "document", 40);
  as_of = get_string (o, "as_of", 32);
  if (doc == NULL || strcmp (doc, asked) != 0)
    return (invalid (error, "the answer is about another document"), NULL);
  if (as_of == NULL || !bd_time_parse (as_of, &t))
    return (invalid (error, "\"as_of\" is not a time"), NULL);
  a->issuing_state = g_strdup (issuing_state);
  a->number = g_strdup (number);
  a->as_of = g_strdup (as_of);
  a->crossings = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_remote_crossing_free);
  if (!crossings_from_json (o, "crossings", a->crossings, error))
    return NULL;
  return g_steal_pointer (&a);
}

BdOpenStaysDelta *
bd_open_stays_delta_verify (const char *text, gsize length, X509 *ca, GError **error)
{
  g_autoptr(JsonNode) root = verified_payload (text, length, BD_JWS_TYP_OPEN_STAYS, ca, error);
  g_autoptr(BdOpenStaysDelta) d = g_new0 (BdOpenStaysDelta, 1);
  JsonObject *o;
  JsonNode *closed;
  const char *published;
  gint64 t;

  if (root == NULL)
    return NULL;
  o = json_node_get_object (root);
  published = get_string (o, "published", 32);
  if (!bd_json_count_member (o, "from", &d->from) || !bd_json_count_member (o, "to", &d->to) ||
      d->to < d->from)
    return (invalid (error, "\"from\" and \"to\" must be versions, from <= to"), NULL);
  if (published == NULL || !bd_time_parse (published, &t))
    return (invalid (error, "\"published\" is not a time"), NULL);
  d->published = g_strdup (published);
  d->open = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_remote_crossing_free);
  d->closed = g_ptr_array_new_with_free_func (g_free);
  if (!crossings_from_json (o, "open", d->open, error))
    return NULL;
  for (guint i = 0; i < d->open->len; i++)
    if (!((BdRemoteCrossing *) d->open->pdata[i])->is_entry)
      return (invalid (error, "an open stay that is not an entry"), NULL);
  closed = json_object_get_member (o, "closed");
  if (closed == NULL || !JSON_NODE_HOLDS_ARRAY (closed))
    return (invalid (error, "\"closed\" must be an array"), NULL);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (closed)); i++)
    {
      JsonNode *n = json_array_get_element (json_node_get_array (closed), i);
      g_autofree char *state = NULL, *number = NULL;

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING ||
          !bd_document_ref_parse (json_node_get_string (n), &state, &number))
        return (invalid (error, "a closed stay is not ISSUER:NUMBER"), NULL);
      g_ptr_array_add (d->closed, g_strdup (json_node_get_string (n)));
    }
  return g_steal_pointer (&d);
}

/* Keeping ----------------------------------------------------------------- */

static gboolean
step_done (BdDb *db, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || bd_db_set_error (db, error, what);
}

static gboolean
insert_remote (BdDb *db, sqlite3_stmt *stmt, const BdRemoteCrossing *c, GError **error)
{
  gint64 t = 0;

  bd_time_parse (c->time, &t);
  sqlite3_bind_text (stmt, 1, c->uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, c->issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, c->number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, c->time, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, bd_day_from_unix (t));
  sqlite3_bind_text (stmt, 6, c->is_entry ? "entry" : "exit", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, c->post, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, c->desk, -1, SQLITE_STATIC);
  return step_done (db, stmt, "keeping HQ's history", error);
}

gboolean
bd_history_remote_store (BdDb *db, const BdHistoryAnswer *a, GError **error)
{
  sqlite3_stmt *stmt;

  if (!bd_db_begin (db, error))
    return FALSE;
  stmt = bd_db_stmt (db, "DELETE FROM remote_crossings WHERE issuing_state = ? AND number = ?",
                     error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, a->issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, a->number, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, "replacing HQ's history", error))
    goto fail;
  /* OR REPLACE: a crossing HQ reported under another document of the
   * same traveller moves to this one. */
  stmt = bd_db_stmt (db, "INSERT OR REPLACE INTO remote_crossings (uuid, issuing_state, number, "
                         "time, day, direction, post, desk) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < a->crossings->len; i++)
    if (!insert_remote (db, stmt, a->crossings->pdata[i], error))
      goto fail;
  stmt = bd_db_stmt (db, "INSERT OR REPLACE INTO remote_history (issuing_state, number, as_of) "
                         "VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, a->issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, a->number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, a->as_of, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, "keeping HQ's history", error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

gboolean
bd_open_stays_version (BdDb *db, gint64 *version, char **published, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT version, published FROM open_stays_meta "
                                       "WHERE id = 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *version = sqlite3_column_int64 (stmt, 0);
      if (published != NULL)
        *published = bd_db_column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || bd_db_set_error (db, error, "reading the open-stays version");
}

static gboolean
forget (BdDb *db, const char *sql, const char *state, const char *number, const char *uuid,
        GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_STATIC);
  if (uuid != NULL)
    sqlite3_bind_text (stmt, 3, uuid, -1, SQLITE_STATIC);
  return step_done (db, stmt, "updating the kept history", error);
}

/* A kept answer from HQ that predates what the feed now says is stale: it
 * lacks the crossings in between, and counting it would invent a stay
 * (an entry whose exit it never heard of).  It predates an open stay when
 * it does not hold that entry (@uuid), and a closed one when its last
 * crossing is an entry.  A stale answer is dropped; the desk asks HQ again
 * when it can, and meanwhile counts its own records and the feed. */
static gboolean
forget_answer (BdDb *db, const char *state, const char *number, const char *uuid,
               GError **error)
{
  const char *stale = uuid != NULL
    ? "NOT EXISTS (SELECT 1 FROM remote_crossings WHERE uuid = ?3)"
    : "(SELECT direction FROM remote_crossings WHERE issuing_state = ?1 AND number = ?2 "
      "ORDER BY time DESC LIMIT 1) = 'entry'";
  g_autofree char *answer = g_strdup_printf (
    "DELETE FROM remote_history WHERE issuing_state = ?1 AND number = ?2 AND %s", stale);
  g_autofree char *crossings = g_strdup_printf (
    "DELETE FROM remote_crossings WHERE issuing_state = ?1 AND number = ?2 AND %s", stale);

  /* The answer's row first: its test reads the crossings. */
  return forget (db, answer, state, number, uuid, error) &&
         forget (db, crossings, state, number, uuid, error);
}

gboolean
bd_open_stays_apply (BdDb *db, const BdActor *actor, const BdOpenStaysDelta *d, GError **error)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *now = bd_time_format (bd_clock_now ());
  sqlite3_stmt *stmt;
  gint64 version = 0;

  if (!bd_actor_require (actor, BD_PERM_SYNC, error) || !bd_db_begin (db, error))
    return FALSE;
  /* Read under the write lock: two appliers cannot both start here. */
  if (!bd_open_stays_version (db, &version, NULL, error))
    goto fail;
  if (d->from != version)
    {
      g_set_error (error, BD_HISTORY_ERROR, BD_HISTORY_ERROR_VERSION,
                   "open-stays delta from version %" G_GINT64_FORMAT ", but this desk is at %"
                   G_GINT64_FORMAT, d->from, version);
      goto fail;
    }
  for (guint i = 0; i < d->closed->len; i++)
    {
      g_autofree char *state = NULL, *number = NULL;

      bd_document_ref_parse (d->closed->pdata[i], &state, &number);
      if (!forget (db, "DELETE FROM open_stays WHERE issuing_state = ?1 AND number = ?2",
                   state, number, NULL, error) ||
          !forget_answer (db, state, number, NULL, error))
        goto fail;
    }
  for (guint i = 0; i < d->open->len; i++)
    {
      const BdRemoteCrossing *c = d->open->pdata[i];

      if (!forget_answer (db, c->issuing_state, c->number, c->uuid, error))
        goto fail;
    }
  /* An open stay is an entry: open_stays keeps no direction (?6 unused). */
  stmt = bd_db_stmt (db, "INSERT OR REPLACE INTO open_stays (crossing, issuing_state, number, "
                         "time, day, post, desk) VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?8)", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < d->open->len; i++)
    if (!insert_remote (db, stmt, d->open->pdata[i], error))
      goto fail;
  stmt = bd_db_stmt (db, "UPDATE open_stays_meta SET version = ?, published = ?, applied = ? "
                         "WHERE id = 1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, d->to);
  sqlite3_bind_text (stmt, 2, d->published, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, "recording the open-stays version", error))
    goto fail;
  json_object_set_int_member (details, "from", d->from);
  json_object_set_int_member (details, "to", d->to);
  json_object_set_int_member (details, "open", d->open->len);
  json_object_set_int_member (details, "closed", d->closed->len);
  if (!bd_audit_record (db, who, "history.open-stays", "", g_steal_pointer (&details), error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

JsonArray *
bd_history_remote_list (BdDb *db, const char *issuing_state, const char *number,
                        GError **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  sqlite3_stmt *stmt = bd_db_stmt (db,
    "WITH docs (state, num) AS ("
    "  SELECT d.issuing_state, d.number FROM documents d WHERE d.traveller_id = "
    "    (SELECT traveller_id FROM documents WHERE issuing_state = ?1 AND number = ?2) "
    "  UNION SELECT ?1, ?2) "
    "SELECT r.uuid, r.time, r.direction, r.post, r.desk FROM remote_crossings r "
    "JOIN docs ON docs.state = r.issuing_state AND docs.num = r.number "
    "WHERE NOT EXISTS (SELECT 1 FROM crossings WHERE uuid = r.uuid) "
    "ORDER BY r.time DESC", error);
  static const char *const names[] = { "id", "time", "direction", "post", "desk" };
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      for (int c = 0; c < (int) G_N_ELEMENTS (names); c++)
        json_object_set_string_member (o, names[c], (const char *) sqlite3_column_text (stmt, c));
      json_object_set_string_member (o, "decision", "admitted");
      json_object_set_boolean_member (o, "remote", TRUE);
      json_array_add_object_element (list, o);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading HQ's kept history");
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* bd-subject-access.c: everything held on one person (see
 * bd-subject-access.h). */
#include "config.h"

#include "bd-audit.h"
#include "bd-crossing.h"
#include "bd-subject-access.h"

G_DEFINE_QUARK (bd-subject-error-quark, bd_subject_error)

static void
set_text (JsonObject *o, const char *name, sqlite3_stmt *stmt, int col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    json_object_set_null_member (o, name);
  else
    json_object_set_string_member (o, name, (const char *) sqlite3_column_text (stmt, col));
}

static gint64
find_traveller (BdDb *db, const char *issuing_state, const char *number, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT traveller_id FROM documents "
                                       "WHERE issuing_state = ? AND number = ?", error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "finding the document");
      return -1;
    }
  if (id == 0)
    g_set_error (error, BD_SUBJECT_ERROR, BD_SUBJECT_ERROR_NOT_FOUND,
                 "this desk holds nothing on document %s:%s", issuing_state, number);
  return id;
}

static JsonObject *
traveller_details (BdDb *db, gint64 id, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT surname, given_names, nationality, birth_date, "
                                       "sex, created FROM travellers WHERE id = ?", error);
  JsonObject *o = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      o = json_object_new ();
      set_text (o, "surname", stmt, 0);
      set_text (o, "given_names", stmt, 1);
      set_text (o, "nationality", stmt, 2);
      set_text (o, "birth_date", stmt, 3);
      set_text (o, "sex", stmt, 4);
      set_text (o, "first_seen", stmt, 5);
    }
  else
    bd_db_set_error (db, error, "reading the traveller");
  sqlite3_reset (stmt);
  return o;
}

/* The rows of @sql (one bound parameter: the traveller id) as objects
 * named by @names, one per column. */
static JsonArray *
rows (BdDb *db, const char *sql, gint64 id, const char *const *names, GError **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  sqlite3_stmt *stmt = bd_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      for (int c = 0; names[c] != NULL; c++)
        if (sqlite3_column_type (stmt, c) == SQLITE_INTEGER)
          json_object_set_int_member (o, names[c], sqlite3_column_int64 (stmt, c));
        else
          set_text (o, names[c], stmt, c);
      json_array_add_object_element (list, o);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading a traveller's records");
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
count (BdDb *db, const char *sql, gint64 id, gint64 *n, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  *n = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW || bd_db_set_error (db, error, "counting");
}

JsonObject *
bd_subject_export (BdDb *db, const BdActor *actor, const char *issuing_state,
                   const char *number, GError **error)
{
  static const char *const doc_names[] = {
    "code", "issuing_state", "number", "expiry", NULL
  };
  static const char *const crossing_ids[] = { "id", NULL };
  static const char *const amendment_names[] = {
    "crossing", "time", "officer", "field", "old_value", "new_value", "reason", NULL
  };
  g_autoptr(JsonObject) out = json_object_new ();
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonArray) ids = NULL;
  JsonArray *documents, *crossings, *amendments;
  JsonObject *traveller, *sync;
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = NULL;
  gint64 id, at_hq = 0, pending = 0;

  if (!bd_actor_require (actor, BD_PERM_EXPORT_PERSONAL, error))
    return NULL;
  id = find_traveller (db, issuing_state, number, error);
  if (id <= 0 || (traveller = traveller_details (db, id, error)) == NULL)
    return NULL;
  json_object_set_object_member (out, "traveller", traveller);
  documents = rows (db, "SELECT code, issuing_state, number, expiry FROM documents "
                        "WHERE traveller_id = ? ORDER BY id", id, doc_names, error);
  if (documents == NULL)
    return NULL;
  json_object_set_array_member (out, "documents", documents);

  ids = rows (db, "SELECT id FROM crossings WHERE traveller_id = ? ORDER BY time, id", id,
              crossing_ids, error);
  if (ids == NULL)
    return NULL;
  crossings = json_array_new ();
  json_object_set_array_member (out, "crossings", crossings);
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      gint64 cid = json_object_get_int_member (json_array_get_object_element (ids, i), "id");
      JsonObject *c = bd_crossing_object (db, cid, error);

      if (c == NULL)
        return NULL;
      json_array_add_object_element (crossings, c);
    }
  amendments = rows (db, "SELECT c.uuid, a.time, o.username, a.field, a.old_value, "
                         "a.new_value, a.reason FROM amendments a "
                         "JOIN crossings c ON c.id = a.crossing_id "
                         "LEFT JOIN officers o ON o.id = a.officer_id "
                         "WHERE c.traveller_id = ? ORDER BY a.id", id, amendment_names, error);
  if (amendments == NULL)
    return NULL;
  json_object_set_array_member (out, "amendments", amendments);

  /* Where the records are: HQ holds what it acknowledged. */
  if (!count (db, "SELECT count(*) FROM crossings c JOIN outbox o "
                  "ON o.kind = 'crossing' AND o.ref_id = c.id "
                  "JOIN batches b ON b.epoch = o.batch_epoch AND b.seq = o.batch_seq "
                  "WHERE c.traveller_id = ? AND b.acknowledged IS NOT NULL", id, &at_hq, error) ||
      !count (db, "SELECT count(*) FROM crossings c JOIN outbox o "
                  "ON o.kind = 'crossing' AND o.ref_id = c.id "
                  "LEFT JOIN batches b ON b.epoch = o.batch_epoch AND b.seq = o.batch_seq "
                  "WHERE c.traveller_id = ? AND b.acknowledged IS NULL", id, &pending, error))
    return NULL;
  sync = json_object_new ();
  json_object_set_int_member (sync, "crossings_at_hq", at_hq);
  json_object_set_int_member (sync, "crossings_pending", pending);
  json_object_set_object_member (out, "sync", sync);

  json_object_set_int_member (details, "crossings", json_array_get_length (crossings));
  json_object_set_int_member (details, "documents", json_array_get_length (documents));
  object = g_strdup_printf ("traveller:%" G_GINT64_FORMAT, id);
  if (!bd_audit_record (db, who, "traveller.export", object, g_steal_pointer (&details), error))
    return NULL;
  return g_steal_pointer (&out);
}

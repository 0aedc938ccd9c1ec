/* bd-amendment.c: amendments and the supervisor's drill-down (bd-amendment.h). */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-amendment.h"
#include "bd-crossing.h"
#include "bd-date.h"

G_DEFINE_QUARK (bd-amendment-error-quark, bd_amendment_error)

/* The amendable fields, in the column order of CROSSING_FIELDS. */
static const char *const fields[] = {
  "surname", "given_names", "nationality", "birth_date", "sex", "transport", "vehicle",
  "purpose", "visa", "vulnerability", "note",
};

#define CROSSING_FIELDS \
  "SELECT c.id, c.officer_id, c.shift_id, s.signed_off_by IS NOT NULL, " \
  "       c.surname, c.given_names, c.nationality, c.birth_date, c.sex, c.transport, " \
  "       c.vehicle, c.purpose, c.visa, c.vulnerability, c.note " \
  "FROM crossings c LEFT JOIN shifts s ON s.id = c.shift_id WHERE c.uuid = ?"

static int
field_index (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (field, fields[i]) == 0)
      return (int) i;
  return -1;
}

static gboolean
plain_text (const char *text, gsize max)
{
  if (text == NULL || strlen (text) > max || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* A reason of blanks is no reason. */
static gboolean
blank (const char *text)
{
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gboolean
value_ok (const char *field, const char *value)
{
  if (!plain_text (value, 512))
    return FALSE;
  if (strcmp (field, "nationality") == 0)
    return strlen (value) == 3 && g_ascii_isupper (value[0]) && g_ascii_isupper (value[1]) &&
           g_ascii_isupper (value[2]);
  if (strcmp (field, "sex") == 0)
    return strcmp (value, "F") == 0 || strcmp (value, "M") == 0 || strcmp (value, "X") == 0 ||
           strcmp (value, "<") == 0;
  if (strcmp (field, "birth_date") == 0)
    return bd_partial_date_valid (value);
  if (strcmp (field, "surname") == 0)
    return *value != '\0';
  return TRUE;
}

/* The field's current value: its latest amendment, else the crossing's. */
static char *
current_value (BdDb *db, gint64 crossing_id, const char *field, sqlite3_stmt *row,
               GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT new_value FROM amendments WHERE crossing_id = ? "
                                       "AND field = ? ORDER BY id DESC LIMIT 1", error);
  char *value = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, crossing_id);
  sqlite3_bind_text (stmt, 2, field, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    value = bd_db_column_dup (stmt, 0);
  else if (rc == SQLITE_DONE)
    value = bd_db_column_dup (row, 4 + field_index (field));
  else
    bd_db_set_error (db, error, "reading amendments");
  sqlite3_reset (stmt);
  return value != NULL ? value : g_strdup ("");
}

gint64
bd_crossing_amend (BdDb *db, const BdActor *actor, const char *uuid, const char *field,
                   const char *value, const char *reason, GError **error)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = g_strdup_printf ("crossing:%s", uuid != NULL ? uuid : "");
  g_autofree char *old = NULL;
  sqlite3_stmt *row, *stmt;
  gint64 crossing_id, officer_id, shift_id, id = 0;
  gboolean signed_off;

  if (actor == NULL)
    {
      bd_actor_require (actor, BD_PERM_SIGN_OFF, error);
      return 0;
    }
  if (field_index (field) < 0)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) fields);
      g_set_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_INVALID,
                   "field: one of %s", list);
      return 0;
    }
  if (!value_ok (field, value))
    {
      g_set_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_INVALID,
                   "%s: not an acceptable value", field);
      return 0;
    }
  if (blank (reason) || !plain_text (reason, 1024))
    {
      g_set_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_INVALID,
                   "an amendment needs a reason (at most 1024 bytes, one line)");
      return 0;
    }
  if (!bd_db_begin (db, error))
    return 0;
  row = bd_db_stmt (db, CROSSING_FIELDS, error);
  if (row == NULL)
    goto fail;
  sqlite3_bind_text (row, 1, uuid, -1, SQLITE_STATIC);
  if (sqlite3_step (row) != SQLITE_ROW)
    {
      sqlite3_reset (row);
      g_set_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_NOT_FOUND,
                   "no crossing %s", uuid);
      goto fail;
    }
  crossing_id = sqlite3_column_int64 (row, 0);
  officer_id = sqlite3_column_int64 (row, 1);
  shift_id = sqlite3_column_int64 (row, 2);
  signed_off = sqlite3_column_int (row, 3);
  /* A signed-off shift is read-only to its officer; a supervisor's later
   * correction shows as an amendment with its reason. */
  if (!bd_role_allows (actor->role, BD_PERM_SIGN_OFF))
    {
      if (officer_id != actor->officer_id || !bd_role_allows (actor->role, BD_PERM_REGISTER))
        {
          sqlite3_reset (row);
          bd_actor_require (actor, BD_PERM_SIGN_OFF, error);
          goto fail;
        }
      if (signed_off)
        {
          sqlite3_reset (row);
          g_set_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_SIGNED_OFF,
                       "shift %" G_GINT64_FORMAT " is signed off: ask a supervisor to amend",
                       shift_id);
          goto fail;
        }
    }
  old = current_value (db, crossing_id, field, row, error);
  sqlite3_reset (row);
  if (error != NULL && *error != NULL)
    goto fail;
  stmt = bd_db_stmt (db, "INSERT INTO amendments (crossing_id, officer_id, time, field, "
                         "old_value, new_value, reason) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, crossing_id);
  if (actor->officer_id != 0)
    sqlite3_bind_int64 (stmt, 2, actor->officer_id);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, field, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, old, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, value, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, reason, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "recording an amendment");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (bd_db_handle (db));
  /* Ids and codes only: the values may be names. */
  json_object_set_int_member (details, "amendment", id);
  json_object_set_int_member (details, "shift", shift_id);
  json_object_set_string_member (details, "field", field);
  json_object_set_boolean_member (details, "signed_off", signed_off);
  if (!bd_audit_append (db, who, "crossing.amend", object, details, error))
    goto fail;
  if (!bd_db_commit (db, error))
    return 0;
  return id;

fail:
  bd_db_rollback (db);
  return 0;
}

JsonArray *
bd_crossing_amendments (BdDb *db, const BdActor *actor, const char *uuid, GError **error)
{
  g_autoptr(JsonArray) list = json_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  if (!bd_actor_require (actor, BD_PERM_REVIEW, error))
    return NULL;
  stmt = bd_db_stmt (db, "SELECT a.id, a.time, coalesce (o.username, 'cli'), a.field, "
                         "a.old_value, a.new_value, a.reason FROM amendments a "
                         "JOIN crossings c ON c.id = a.crossing_id "
                         "LEFT JOIN officers o ON o.id = a.officer_id "
                         "WHERE c.uuid = ? ORDER BY a.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();
      static const char *const keys[] = { "time", "officer", "field", "old", "new", "reason" };

      json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, (int) i + 1);
          json_object_set_string_member (o, keys[i], text != NULL ? text : "");
        }
      json_array_add_object_element (list, o);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading amendments");
      return NULL;
    }
  return g_steal_pointer (&list);
}

JsonObject *
bd_crossing_open_personal (BdDb *db, const BdActor *actor, const char *uuid, GError **error)
{
  BdCrossingFilter filter = { .uuid = uuid, .limit = 1 };
  g_autoptr(JsonArray) found = NULL;
  g_autoptr(JsonObject) crossing = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = NULL;
  JsonArray *amendments;

  if (!bd_actor_require (actor, BD_PERM_EXPORT_PERSONAL, error))
    return NULL;
  found = bd_crossing_list (db, actor, &filter, error);
  if (found == NULL)
    return NULL;
  if (json_array_get_length (found) == 0)
    {
      g_set_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_NOT_FOUND,
                   "no crossing %s", uuid);
      return NULL;
    }
  crossing = json_object_ref (json_array_get_object_element (found, 0));
  amendments = bd_crossing_amendments (db, actor, uuid, error);
  if (amendments == NULL)
    return NULL;
  json_object_set_array_member (crossing, "amendments", amendments);
  /* Looking is an act too: who saw whose data, and when. */
  object = g_strdup_printf ("crossing:%s", uuid);
  json_object_set_string_member (details, "purpose", "supervisor-review");
  if (!bd_audit_record (db, who, "crossing.view", object, details, error))
    return NULL;
  return g_steal_pointer (&crossing);
}

/* bd-officer.c: officer records and authentication (bd-officer.h). */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-date.h"
#include "bd-officer.h"
#include "bd-password.h"
#include "bd-post.h"

G_DEFINE_QUARK (bd-officer-error-quark, bd_officer_error)

#define OFFICER_COLUMNS "id, username, full_name, role, failed_logins, locked_until, created"

void
bd_officer_free (BdOfficer *officer)
{
  if (officer == NULL)
    return;
  g_free (officer->username);
  g_free (officer->full_name);
  g_free (officer->created);
  g_free (officer);
}

gboolean
bd_officer_username_valid (const char *username)
{
  gsize n = username != NULL ? strlen (username) : 0;

  if (n < 1 || n > 32 || !g_ascii_islower (username[0]))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      char c = username[i];
      if (!(g_ascii_islower (c) || g_ascii_isdigit (c) || c == '.' || c == '_' || c == '-'))
        return FALSE;
    }
  return TRUE;
}

static gboolean
full_name_valid (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 128 || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static BdOfficer *
officer_from_row (sqlite3_stmt *stmt)
{
  BdOfficer *o = g_new0 (BdOfficer, 1);
  g_autofree char *role = NULL;

  o->id = sqlite3_column_int64 (stmt, 0);
  o->username = bd_db_column_dup (stmt, 1);
  o->full_name = bd_db_column_dup (stmt, 2);
  role = bd_db_column_dup (stmt, 3);
  o->role = bd_role_from_string (role);
  o->failed_logins = sqlite3_column_int64 (stmt, 4);
  o->locked_until = sqlite3_column_int64 (stmt, 5);
  o->created = bd_db_column_dup (stmt, 6);
  return o;
}

static BdOfficer *
officer_query (BdDb *db, sqlite3_stmt *stmt, const char *what, GError **error)
{
  BdOfficer *o = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    o = officer_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_NOT_FOUND, "no officer %s", what);
  else
    bd_db_set_error (db, error, "reading officers");
  sqlite3_reset (stmt);
  return o;
}

BdOfficer *
bd_officer_lookup (BdDb *db, const char *username, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT " OFFICER_COLUMNS " FROM officers "
                                       "WHERE username = ?", error);
  g_autofree char *what = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  what = g_strdup_printf ("\"%s\"", username);
  return officer_query (db, stmt, what, error);
}

BdOfficer *
bd_officer_get (BdDb *db, gint64 id, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT " OFFICER_COLUMNS " FROM officers WHERE id = ?",
                                   error);
  g_autofree char *what = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  what = g_strdup_printf ("with id %" G_GINT64_FORMAT, id);
  return officer_query (db, stmt, what, error);
}

gboolean
bd_officer_add (BdDb *db, const BdActor *actor, const char *username, const char *full_name,
                BdRole role, const char *password, gint64 *id, GError **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  sqlite3_stmt *stmt;
  gint64 new_id;

  if (!bd_actor_require (actor, BD_PERM_MANAGE_OFFICERS, error))
    return FALSE;
  if (!bd_officer_username_valid (username))
    {
      g_set_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_INVALID,
                   "username \"%s\": 1 to 32 of a-z, 0-9, '.', '_', '-', starting with a letter",
                   username);
      return FALSE;
    }
  if (!full_name_valid (full_name))
    {
      g_set_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_INVALID,
                   "name: 1 to 128 bytes of UTF-8 without control characters");
      return FALSE;
    }
  if (role == BD_ROLE_NONE)
    {
      g_set_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_INVALID,
                   "role: guard, supervisor or admin");
      return FALSE;
    }
  /* Hash before taking the write lock: scrypt is slow on purpose. */
  hash = bd_password_hash (password, error);
  if (hash == NULL)
    return FALSE;

  if (!bd_db_begin (db, error))
    return FALSE;
  stmt = bd_db_stmt (db, "INSERT INTO officers (username, full_name, role, password_hash, created) "
                         "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, full_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, bd_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if ((sqlite3_extended_errcode (bd_db_handle (db)) & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_EXISTS,
                     "officer \"%s\" exists already", username);
      else
        bd_db_set_error (db, error, "adding an officer");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  new_id = sqlite3_last_insert_rowid (bd_db_handle (db));
  object = g_strdup_printf ("officer:%" G_GINT64_FORMAT, new_id);
  json_object_set_string_member (details, "role", bd_role_to_string (role));
  if (!bd_audit_append (db, who, "officer.add", object, details, error))
    goto fail;
  if (!bd_db_commit (db, error))
    return FALSE;
  if (id != NULL)
    *id = new_id;
  return TRUE;

fail:
  bd_db_rollback (db);
  return FALSE;
}

GPtrArray *
bd_officer_list (BdDb *db, const BdActor *actor, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_officer_free);
  sqlite3_stmt *stmt;
  int rc;

  if (!bd_actor_require (actor, BD_PERM_REVIEW, error))
    return NULL;
  stmt = bd_db_stmt (db, "SELECT " OFFICER_COLUMNS " FROM officers ORDER BY username", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, officer_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "listing officers");
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* Runs @sql (binding the username as ?1 and optionally a text as ?2) and
 * an audit event, in one transaction.  NOT_FOUND when no row changed. */
static gboolean
update_officer (BdDb *db, const BdActor *actor, const char *username, const char *sql,
                const char *text, const char *action, GError **error)
{
  g_autoptr(BdOfficer) officer = NULL;
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = NULL;
  sqlite3_stmt *stmt;

  if (!bd_db_begin (db, error))
    return FALSE;
  officer = bd_officer_lookup (db, username, error);
  if (officer == NULL)
    goto fail;
  stmt = bd_db_stmt (db, sql, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  if (text != NULL)
    sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "updating an officer");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  object = g_strdup_printf ("officer:%" G_GINT64_FORMAT, officer->id);
  if (!bd_audit_append (db, who, action, object, NULL, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

gboolean
bd_officer_unlock (BdDb *db, const BdActor *actor, const char *username, GError **error)
{
  if (!bd_actor_require (actor, BD_PERM_MANAGE_OFFICERS, error))
    return FALSE;
  return update_officer (db, actor, username,
                         "UPDATE officers SET failed_logins = 0, locked_until = 0 "
                         "WHERE username = ?1", NULL, "officer.unlock", error);
}

gboolean
bd_officer_set_password (BdDb *db, const BdActor *actor, const char *username,
                         const char *password, GError **error)
{
  g_autofree char *hash = NULL;

  if (!bd_actor_require (actor, BD_PERM_MANAGE_OFFICERS, error))
    return FALSE;
  hash = bd_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  return update_officer (db, actor, username,
                         "UPDATE officers SET password_hash = ?2, failed_logins = 0, "
                         "locked_until = 0 WHERE username = ?1", hash, "officer.passwd", error);
}

static char *
stored_hash (BdDb *db, const char *username, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT password_hash FROM officers WHERE username = ?",
                                   error);
  char *hash = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    hash = bd_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return hash;
}

/* A valid hash of a password nobody has, so an unknown username costs the
 * same scrypt run as a known one and timing tells nothing. */
static const char *
decoy_hash (void)
{
  static char *decoy;

  if (g_once_init_enter (&decoy))
    {
      char *h = bd_password_hash ("decoy password never used", NULL);
      g_once_init_leave (&decoy, h != NULL ? h : g_strdup ("x"));
    }
  return decoy;
}

BdActor *
bd_officer_authenticate (BdDb *db, const char *username, const char *password, GError **error)
{
  g_autoptr(BdOfficer) officer = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *object = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  gint64 now = bd_clock_now ();
  gint64 attempts = bd_setting_get_int (db, BD_SETTING_LOCKOUT_ATTEMPTS, 5);
  gint64 lock_seconds = bd_setting_get_int (db, BD_SETTING_LOCKOUT_SECONDS, 300);
  gboolean match = FALSE;
  sqlite3_stmt *stmt;
  GError *local = NULL;

  hash = bd_officer_username_valid (username) ? stored_hash (db, username, NULL) : NULL;
  if (!bd_password_check (password != NULL ? password : "",
                          hash != NULL ? hash : decoy_hash (), &match, &local))
    {
      /* A stored hash we cannot read is an error of the desk, not of the
       * officer: say so rather than count a failure. */
      g_propagate_error (error, local);
      return NULL;
    }
  if (hash == NULL)
    {
      json_object_set_string_member (details, "reason", "unknown-user");
      bd_audit_record (db, "nobody", "login.failed", "", details, NULL);
      g_set_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_BAD_CREDENTIALS,
                   "wrong username or password");
      return NULL;
    }

  if (!bd_db_begin (db, error))
    return NULL;
  officer = bd_officer_lookup (db, username, error);
  if (officer == NULL)
    goto fail;
  object = g_strdup_printf ("officer:%" G_GINT64_FORMAT, officer->id);

  if (officer->locked_until > now)
    {
      json_object_set_string_member (details, "reason", "locked");
      if (!bd_audit_append (db, object, "login.failed", object, details, error) ||
          !bd_db_commit (db, error))
        return NULL;
      g_set_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_LOCKED,
                   "account locked after repeated failures: try again in %" G_GINT64_FORMAT
                   " s or ask an administrator to unlock it", officer->locked_until - now);
      return NULL;
    }

  if (!match)
    {
      gint64 failures = officer->failed_logins + 1;
      gboolean lock = failures >= attempts;

      stmt = bd_db_stmt (db, "UPDATE officers SET failed_logins = ?, locked_until = ? "
                             "WHERE id = ?", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, lock ? 0 : failures);
      sqlite3_bind_int64 (stmt, 2, lock ? now + lock_seconds : 0);
      sqlite3_bind_int64 (stmt, 3, officer->id);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          bd_db_set_error (db, error, "recording a failed login");
          sqlite3_reset (stmt);
          goto fail;
        }
      sqlite3_reset (stmt);
      json_object_set_string_member (details, "reason", "password");
      json_object_set_int_member (details, "failures", failures);
      if (!bd_audit_append (db, object, "login.failed", object, details, error))
        goto fail;
      if (lock && !bd_audit_append (db, object, "officer.locked", object, NULL, error))
        goto fail;
      if (!bd_db_commit (db, error))
        return NULL;
      g_set_error (error, BD_OFFICER_ERROR,
                   lock ? BD_OFFICER_ERROR_LOCKED : BD_OFFICER_ERROR_BAD_CREDENTIALS,
                   lock ? "wrong username or password; the account is now locked"
                        : "wrong username or password");
      return NULL;
    }

  stmt = bd_db_stmt (db, "UPDATE officers SET failed_logins = 0, locked_until = 0 WHERE id = ?",
                     error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, officer->id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "recording a login");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  if (!bd_audit_append (db, object, "login", object, NULL, error) || !bd_db_commit (db, error))
    return NULL;
  return bd_actor_new (officer->id, officer->username, officer->role);

fail:
  bd_db_rollback (db);
  return NULL;
}

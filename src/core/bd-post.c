/* bd-post.c: post identity and settings. */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-date.h"
#include "bd-post.h"

G_DEFINE_QUARK (bd-post-error-quark, bd_post_error)

/* Post codes are short and printable: they end up in desk ids, certificate
 * names and file names. */
static gboolean
valid_post_code (const char *code)
{
  gsize n = code != NULL ? strlen (code) : 0;

  if (n < 2 || n > 16)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!(g_ascii_isupper (code[i]) || g_ascii_isdigit (code[i]) || code[i] == '-'))
      return FALSE;
  return TRUE;
}

static gboolean
valid_country (const char *c)
{
  gsize n = c != NULL ? strlen (c) : 0;

  if (n < 1 || n > 3)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isupper (c[i]))
      return FALSE;
  return TRUE;
}

gboolean
bd_post_init (BdDb          *db,
              const BdActor *actor,
              const char    *code,
              const char    *name,
              int            desk,
              const char    *country,
              GError       **error)
{
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autoptr(JsonObject) details = json_object_new ();
  sqlite3_stmt *stmt;

  if (!bd_actor_require (actor, BD_PERM_MANAGE_OFFICERS, error))
    return FALSE;
  if (!valid_post_code (code))
    {
      g_set_error (error, BD_POST_ERROR, BD_POST_ERROR_INVALID,
                   "post code \"%s\": 2 to 16 characters of A-Z, 0-9 and -", code);
      return FALSE;
    }
  if (name == NULL || *name == '\0' || strlen (name) > 128 || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, BD_POST_ERROR, BD_POST_ERROR_INVALID,
                   "post name: 1 to 128 bytes of UTF-8");
      return FALSE;
    }
  if (desk < 1 || desk > 9999)
    {
      g_set_error (error, BD_POST_ERROR, BD_POST_ERROR_INVALID, "desk: a number from 1 to 9999");
      return FALSE;
    }
  if (!valid_country (country))
    {
      g_set_error (error, BD_POST_ERROR, BD_POST_ERROR_INVALID,
                   "country \"%s\": a three-letter code such as UTO", country);
      return FALSE;
    }

  if (!bd_db_begin (db, error))
    return FALSE;
  stmt = bd_db_stmt (db, "INSERT INTO post (id, code, name, country, desk, created) "
                         "VALUES (1, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, country, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, desk);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if ((sqlite3_extended_errcode (bd_db_handle (db)) & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, BD_POST_ERROR, BD_POST_ERROR_ALREADY,
                     "%s is already set up for a post", bd_db_path (db));
      else
        bd_db_set_error (db, error, "writing the post");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  json_object_set_string_member (details, "post", code);
  json_object_set_int_member (details, "desk", desk);
  if (!bd_audit_append (db, who, "post.init", "post", details, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

BdPost *
bd_post_load (BdDb *db, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT code, name, country, desk, stay_days, stay_window "
                                       "FROM post WHERE id = 1", error);
  BdPost *post;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, BD_DB_ERROR, BD_DB_ERROR_NOT_INITIALISED,
                     "%s has no post yet: run `borderdesk-admin init` first", bd_db_path (db));
      else
        bd_db_set_error (db, error, "reading the post");
      sqlite3_reset (stmt);
      return NULL;
    }
  post = g_new0 (BdPost, 1);
  post->code = bd_db_column_dup (stmt, 0);
  post->name = bd_db_column_dup (stmt, 1);
  post->country = bd_db_column_dup (stmt, 2);
  post->desk = sqlite3_column_int (stmt, 3);
  post->stay.days = sqlite3_column_int (stmt, 4);
  post->stay.window = sqlite3_column_int (stmt, 5);
  post->desk_id = g_strdup_printf ("%s/%d", post->code, post->desk);
  sqlite3_reset (stmt);
  return post;
}

void
bd_post_free (BdPost *post)
{
  if (post == NULL)
    return;
  g_free (post->code);
  g_free (post->name);
  g_free (post->country);
  g_free (post->desk_id);
  g_free (post);
}

char *
bd_setting_get (BdDb *db, const char *key, const char *fallback)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT value FROM settings WHERE key = ?", NULL);
  char *value = NULL;

  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = bd_db_column_dup (stmt, 0);
      sqlite3_reset (stmt);
    }
  return value != NULL ? value : g_strdup (fallback);
}

gint64
bd_setting_get_int (BdDb *db, const char *key, gint64 fallback)
{
  g_autofree char *text = bd_setting_get (db, key, NULL);
  gint64 v;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &v, NULL))
    return fallback;
  return v;
}

gboolean
bd_setting_set (BdDb *db, const BdActor *actor, const char *key, const char *value,
                GError **error)
{
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autoptr(JsonObject) details = json_object_new ();
  sqlite3_stmt *stmt;

  if (!bd_actor_require (actor, BD_PERM_MANAGE_OFFICERS, error))
    return FALSE;
  if (!bd_db_begin (db, error))
    return FALSE;
  stmt = bd_db_stmt (db, "INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "writing a setting");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  json_object_set_string_member (details, "key", key);
  if (!bd_audit_append (db, who, "setting.set", "settings", details, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

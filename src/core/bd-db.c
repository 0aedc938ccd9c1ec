/* bd-db.c: opening, migrating and transacting on the desk database. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "bd-cleanup.h"
#include "bd-db.h"

#define MIGRATIONS_PATH "/org/borderdesk/core/migrations"

struct _BdDb {
  sqlite3 *handle;
  char *path;
  GHashTable *stmts;   /* const char *sql (by address) -> sqlite3_stmt* */
  guint depth;         /* open bd_db_begin levels */
};

G_DEFINE_QUARK (bd-db-error-quark, bd_db_error)

gboolean
bd_db_set_error (BdDb *db, GError **error, const char *what)
{
  int code = sqlite3_extended_errcode (db->handle) & 0xff;
  BdDbError e = BD_DB_ERROR_SQLITE;

  if (code == SQLITE_FULL)
    e = BD_DB_ERROR_FULL;
  else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    e = BD_DB_ERROR_BUSY;
  if (e == BD_DB_ERROR_FULL)
    g_set_error (error, BD_DB_ERROR, e, "the disk holding %s is full (%s): nothing was "
                 "recorded; free some space and try again", db->path, what);
  else
    g_set_error (error, BD_DB_ERROR, e, "%s: %s", what, sqlite3_errmsg (db->handle));
  return FALSE;
}

sqlite3 *
bd_db_handle (BdDb *db)
{
  return db->handle;
}

const char *
bd_db_path (BdDb *db)
{
  return db->path;
}

sqlite3_stmt *
bd_db_stmt (BdDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->stmts, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      bd_db_set_error (db, error, "preparing a statement");
      return NULL;
    }
  g_hash_table_insert (db->stmts, (gpointer) sql, stmt);
  return stmt;
}

gboolean
bd_db_exec (BdDb *db, const char *sql, GError **error)
{
  if (sqlite3_exec (db->handle, sql, NULL, NULL, NULL) != SQLITE_OK)
    return bd_db_set_error (db, error, "executing");
  return TRUE;
}

/* Transaction control statements run on every registration: cached like
 * any other statement rather than re-parsed by sqlite3_exec. */
static gboolean
exec_cached (BdDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return bd_db_set_error (db, error, sql);
  return TRUE;
}

gboolean
bd_db_begin (BdDb *db, GError **error)
{
  const char *sql = db->depth == 0 && sqlite3_get_autocommit (db->handle)
                    ? "BEGIN IMMEDIATE" : "SAVEPOINT bd";

  if (db->depth == 0 && !sqlite3_get_autocommit (db->handle))
    db->depth = 1;  /* the caller opened one by hand; nest inside it */
  if (!exec_cached (db, sql, error))
    return FALSE;
  db->depth++;
  return TRUE;
}

gboolean
bd_db_commit (BdDb *db, GError **error)
{
  const char *sql;

  g_return_val_if_fail (db->depth > 0, FALSE);
  sql = db->depth == 1 ? "COMMIT" : "RELEASE bd";
  if (!exec_cached (db, sql, error))
    {
      bd_db_rollback (db);
      return FALSE;
    }
  db->depth--;
  return TRUE;
}

void
bd_db_rollback (BdDb *db)
{
  g_return_if_fail (db->depth > 0);
  if (db->depth == 1)
    {
      /* Failure of ROLLBACK means the transaction is already gone (SQLite
       * rolls back by itself on some errors, such as a full disk). */
      if (!sqlite3_get_autocommit (db->handle))
        sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
    }
  else
    {
      sqlite3_exec (db->handle, "ROLLBACK TO bd", NULL, NULL, NULL);
      sqlite3_exec (db->handle, "RELEASE bd", NULL, NULL, NULL);
    }
  db->depth--;
}

char *
bd_db_column_dup (sqlite3_stmt *stmt, int column)
{
  const unsigned char *text;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  text = sqlite3_column_text (stmt, column);
  return g_strdup (text != NULL ? (const char *) text : "");
}

char *
bd_db_default_path (void)
{
  const char *env = g_getenv ("BORDERDESK_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "borderdesk", "desk.db", NULL);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Migrations are resources named NNN-what.sql; version NNN. */
static char **
list_migrations (void)
{
  g_auto(GStrv) names = g_resources_enumerate_children (MIGRATIONS_PATH,
                                                        G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  GPtrArray *sorted = g_ptr_array_new ();

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    g_ptr_array_add (sorted, g_strdup (names[i]));
  g_ptr_array_sort (sorted, compare_names);
  g_ptr_array_add (sorted, NULL);
  return (char **) g_ptr_array_free (sorted, FALSE);
}

int
bd_db_latest_version (void)
{
  g_auto(GStrv) names = list_migrations ();

  return names[0] == NULL ? 0 : (int) g_strv_length (names);
}

int
bd_db_schema_version (BdDb *db)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "PRAGMA user_version", NULL);
  int v = 0;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int (stmt, 0);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return v;
}

static gboolean
migrate (BdDb *db, GError **error)
{
  g_auto(GStrv) names = list_migrations ();
  int current = bd_db_schema_version (db);
  int latest = (int) g_strv_length (names);

  if (current > latest)
    {
      g_set_error (error, BD_DB_ERROR, BD_DB_ERROR_TOO_NEW,
                   "%s has schema version %d, but this borderdesk knows only up to %d: "
                   "use a newer borderdesk", db->path, current, latest);
      return FALSE;
    }

  for (int v = current + 1; v <= latest; v++)
    {
      g_autofree char *path = g_strconcat (MIGRATIONS_PATH "/", names[v - 1], NULL);
      g_autoptr(GBytes) sql = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d", v);
      g_autofree char *text = NULL;

      if (sql == NULL)
        return FALSE;
      if (g_ascii_strtoll (names[v - 1], NULL, 10) != v)
        {
          g_set_error (error, BD_DB_ERROR, BD_DB_ERROR_SQLITE,
                       "migration %s is out of sequence", names[v - 1]);
          return FALSE;
        }
      text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
      if (!bd_db_begin (db, error))
        return FALSE;
      /* The version is re-read inside the write lock: two processes opening
       * a new database at once must not both apply a migration. */
      if (bd_db_schema_version (db) >= v)
        {
          if (!bd_db_commit (db, error))
            return FALSE;
          continue;
        }
      if (!bd_db_exec (db, text, error) || !bd_db_exec (db, pragma, error))
        {
          g_prefix_error (error, "migration %s: ", names[v - 1]);
          bd_db_rollback (db);
          return FALSE;
        }
      if (!bd_db_commit (db, error))
        return FALSE;
    }
  return TRUE;
}

/* Create the file ourselves with 0600: SQLite would use 0644 minus umask,
 * and its -wal and -shm files take the main file's mode. */
static gboolean
create_private_file (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, BD_DB_ERROR, BD_DB_ERROR_IO, "cannot create %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, BD_DB_ERROR, BD_DB_ERROR_IO, "cannot create %s: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

BdDb *
bd_db_open (const char *path, BdDbOpenFlags flags, GError **error)
{
  g_autoptr(BdDb) db = NULL;
  int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

  if ((flags & BD_DB_OPEN_CREATE) != 0)
    {
      if (!create_private_file (path, error))
        return NULL;
    }
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BD_DB_ERROR, BD_DB_ERROR_NOT_INITIALISED,
                   "no desk database at %s: run `borderdesk-admin init` first", path);
      return NULL;
    }

  db = g_new0 (BdDb, 1);
  db->path = g_strdup (path);
  db->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                     (GDestroyNotify) sqlite3_finalize);
  if (sqlite3_open_v2 (path, &db->handle, oflags, NULL) != SQLITE_OK)
    {
      g_set_error (error, BD_DB_ERROR, BD_DB_ERROR_IO, "cannot open %s: %s", path,
                   db->handle ? sqlite3_errmsg (db->handle) : "out of memory");
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, 10000);

  /* journal_mode answers with a row; WAL is persistent once set. */
  if (!bd_db_exec (db, "PRAGMA journal_mode = WAL", error) ||
      !bd_db_exec (db, "PRAGMA synchronous = FULL", error) ||
      !bd_db_exec (db, "PRAGMA foreign_keys = ON", error) ||
      /* 32 MiB of page cache: the indexes' inner pages at ten million
       * crossings stay in memory. */
      !bd_db_exec (db, "PRAGMA cache_size = -32768", error) ||
      !bd_db_exec (db, "PRAGMA trusted_schema = OFF", error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  if (!migrate (db, error))
    return NULL;
  return g_steal_pointer (&db);
}

void
bd_db_close (BdDb *db)
{
  if (db == NULL)
    return;
  while (db->depth > 0)
    bd_db_rollback (db);
  g_clear_pointer (&db->stmts, g_hash_table_unref);
  if (db->handle != NULL)
    sqlite3_close (db->handle);
  g_free (db->path);
  g_free (db);
}

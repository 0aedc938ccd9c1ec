/* bd-hq-store-sqlite.c: HQ's embedded store, one SQLite file in WAL mode
 * so that `report` and `import` run while `serve` writes. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sqlite3.h>

#include "bd-cleanup.h"
#include "bd-hq-store.h"

typedef struct {
  BdHqStore parent;
  sqlite3 *db;
  GHashTable *stmts;     /* SQL text -> Prepared, prepared once */
} BdHqStoreSqlite;

/* A statement and, for each of its parameters, the N of its name $N
 * (looking names up costs a scan of them all, per parameter). */
typedef struct {
  sqlite3_stmt *stmt;
  int count;
  guint *numbers;
} Prepared;

static void
prepared_free (Prepared *p)
{
  sqlite3_finalize (p->stmt);
  g_free (p->numbers);
  g_free (p);
}

static gboolean
fail (BdHqStoreSqlite *self, int rc, const char *what, GError **error)
{
  int code = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ?
             BD_HQ_STORE_ERROR_RETRY : BD_HQ_STORE_ERROR_FAILED;

  /* A full disk shows as SQLITE_FULL, or as an I/O error whose errno is
   * ENOSPC (a write to the WAL or its index).  Either way SQLite rolled
   * the statement or the transaction back: the caller may say "full,
   * try later" rather than "broken". */
  if ((rc & 0xff) == SQLITE_FULL ||
      ((rc & 0xff) == SQLITE_IOERR && sqlite3_system_errno (self->db) == ENOSPC))
    code = BD_HQ_STORE_ERROR_FULL;
  g_set_error (error, BD_HQ_STORE_ERROR, code, "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec_plain (BdHqStoreSqlite *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || fail (self, rc, sql, error);
}

static gboolean
sqlite_exec (BdHqStore *store, const char *sql, guint n_params, const char *const *params,
             BdHqRows **rows, GError **error)
{
  BdHqStoreSqlite *self = (BdHqStoreSqlite *) store;
  g_autoptr(BdHqRows) out = NULL;
  Prepared *prep = g_hash_table_lookup (self->stmts, sql);
  sqlite3_stmt *stmt;
  int rc;

  if (prep == NULL)
    {
      rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        return fail (self, rc, "preparing a statement", error);
      prep = g_new0 (Prepared, 1);
      prep->stmt = stmt;
      prep->count = sqlite3_bind_parameter_count (stmt);
      prep->numbers = g_new0 (guint, prep->count + 1);
      /* $N by name: the same text as PostgreSQL's, parameters in any
       * order and used more than once. */
      for (int idx = 1; idx <= prep->count; idx++)
        {
          const char *name = sqlite3_bind_parameter_name (stmt, idx);
          guint64 number = 0;

          if (name == NULL || name[0] != '$' ||
              !g_ascii_string_to_unsigned (name + 1, 10, 1, G_MAXUINT, &number, NULL))
            number = 0;
          prep->numbers[idx] = (guint) number;
        }
      g_hash_table_insert (self->stmts, g_strdup (sql), prep);
    }
  stmt = prep->stmt;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  for (int idx = 1; idx <= prep->count; idx++)
    {
      guint i = prep->numbers[idx];

      if (i == 0 || i > n_params)
        {
          g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FAILED,
                       "a statement names a parameter it was not given: %s", sql);
          return FALSE;
        }
      rc = params[i - 1] != NULL ?
           sqlite3_bind_text (stmt, idx, params[i - 1], -1, SQLITE_STATIC) :
           sqlite3_bind_null (stmt, idx);
      if (rc != SQLITE_OK)
        return fail (self, rc, "binding a parameter", error);
    }
  out = g_new0 (BdHqRows, 1);
  out->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  out->n_columns = sqlite3_column_count (stmt);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char **row = g_new0 (char *, out->n_columns + 1);

      for (guint c = 0; c < out->n_columns; c++)
        row[c] = g_strdup ((const char *) sqlite3_column_text (stmt, c));
      g_ptr_array_add (out->rows, row);
    }
  if (rc != SQLITE_DONE)
    {
      fail (self, rc, "running a statement", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  if (rows != NULL)
    *rows = g_steal_pointer (&out);
  return TRUE;
}

static gboolean
sqlite_begin_write (BdHqStore *store, GError **error)
{
  /* IMMEDIATE: the write lock up front, so two writers never deadlock
   * upgrading read locks; busy_timeout waits for the other. */
  return exec_plain ((BdHqStoreSqlite *) store, "BEGIN IMMEDIATE", error);
}

static gboolean
sqlite_commit (BdHqStore *store, GError **error)
{
  return exec_plain ((BdHqStoreSqlite *) store, "COMMIT", error);
}

static void
sqlite_rollback (BdHqStore *store)
{
  BdHqStoreSqlite *self = (BdHqStoreSqlite *) store;

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
sqlite_close (BdHqStore *store)
{
  BdHqStoreSqlite *self = (BdHqStoreSqlite *) store;

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  sqlite3_close (self->db);
  g_free (self);
}

static const BdHqStoreClass sqlite_class = {
  .name = "sqlite",
  .id_column = "INTEGER PRIMARY KEY",
  .lock_suffix = "",
  .group_commit = TRUE,
  .begin_write = sqlite_begin_write,
  .commit = sqlite_commit,
  .rollback = sqlite_rollback,
  .exec = sqlite_exec,
  .close = sqlite_close,
};

BdHqStore *
bd_hq_store_sqlite_open (const char *path, GError **error)
{
  BdHqStoreSqlite *self = g_new0 (BdHqStoreSqlite, 1);
  g_autoptr(BdHqStore) store = &self->parent;
  int rc;

  self->parent.klass = &sqlite_class;
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) prepared_free);
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FAILED, "%s: %s", path,
                   self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 30000);
  /* synchronous=FULL: a receipt HQ signed is for a batch that survives
   * power loss. */
  if (!exec_plain (self, "PRAGMA journal_mode=WAL", error) ||
      !exec_plain (self, "PRAGMA synchronous=FULL", error) ||
      !exec_plain (self, "PRAGMA foreign_keys=ON", error) ||
      !sqlite_begin_write (store, error) ||
      !bd_hq_store_create_schema (store, error) ||
      !sqlite_commit (store, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&store);
}

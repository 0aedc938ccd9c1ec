/* bd-hq-store-pg.c: HQ's shared store on PostgreSQL through libpq, for
 * several `serve` nodes behind a load balancer.  The desk row's
 * SELECT ... FOR UPDATE serializes two nodes offering the same desk's
 * batches; the primary key (desk, epoch, seq) is the last line. */
#include "config.h"

#include <string.h>
#include <libpq-fe.h>

#include "bd-hq-store.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* Any fixed number: the lock that keeps two nodes' first starts from
 * creating the schema at once. */
#define SCHEMA_LOCK "4242001"

typedef struct {
  BdHqStore parent;
  PGconn *conn;
} BdHqStorePg;

static gboolean
fail (BdHqStorePg *self, const PGresult *res, const char *what, GError **error)
{
  const char *state = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  /* 40001 serialization failure, 40P01 deadlock: the transaction may
   * simply run again. */
  int code = state != NULL && (strcmp (state, "40001") == 0 || strcmp (state, "40P01") == 0) ?
             BD_HQ_STORE_ERROR_RETRY : BD_HQ_STORE_ERROR_FAILED;
  g_autofree char *msg = g_strdup (res != NULL ? PQresultErrorMessage (res)
                                               : PQerrorMessage (self->conn));

  g_set_error (error, BD_HQ_STORE_ERROR, code, "%s: %s", what, g_strstrip (msg));
  return FALSE;
}

static gboolean
pg_exec (BdHqStore *store, const char *sql, guint n_params, const char *const *params,
         BdHqRows **rows, GError **error)
{
  BdHqStorePg *self = (BdHqStorePg *) store;
  g_autoptr(PGresult) res = PQexecParams (self->conn, sql, (int) n_params, NULL, params, NULL,
                                          NULL, 0);
  ExecStatusType st = res != NULL ? PQresultStatus (res) : PGRES_FATAL_ERROR;
  BdHqRows *out;
  int n_rows;

  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    return fail (self, res, "running a statement", error);
  if (rows == NULL)
    return TRUE;
  out = g_new0 (BdHqRows, 1);
  out->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  out->n_columns = PQnfields (res);
  n_rows = PQntuples (res);
  for (int r = 0; r < n_rows; r++)
    {
      char **row = g_new0 (char *, out->n_columns + 1);

      for (guint c = 0; c < out->n_columns; c++)
        row[c] = PQgetisnull (res, r, c) ? NULL : g_strdup (PQgetvalue (res, r, c));
      g_ptr_array_add (out->rows, row);
    }
  *rows = out;
  return TRUE;
}

static gboolean
pg_plain (BdHqStore *store, const char *sql, GError **error)
{
  return pg_exec (store, sql, 0, NULL, NULL, error);
}

static gboolean
pg_begin_write (BdHqStore *store, GError **error)
{
  return pg_plain (store, "BEGIN", error);
}

static gboolean
pg_commit (BdHqStore *store, GError **error)
{
  return pg_plain (store, "COMMIT", error);
}

static void
pg_rollback (BdHqStore *store)
{
  BdHqStorePg *self = (BdHqStorePg *) store;

  if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    PQclear (PQexec (self->conn, "ROLLBACK"));
}

static void
pg_close (BdHqStore *store)
{
  BdHqStorePg *self = (BdHqStorePg *) store;

  PQfinish (self->conn);
  g_free (self);
}

static const BdHqStoreClass pg_class = {
  .name = "postgresql",
  .id_column = "BIGSERIAL PRIMARY KEY",
  .lock_suffix = " FOR UPDATE",
  .begin_write = pg_begin_write,
  .commit = pg_commit,
  .rollback = pg_rollback,
  .exec = pg_exec,
  .close = pg_close,
};

BdHqStore *
bd_hq_store_pg_open (const char *conninfo, GError **error)
{
  BdHqStorePg *self = g_new0 (BdHqStorePg, 1);
  g_autoptr(BdHqStore) store = &self->parent;

  self->parent.klass = &pg_class;
  self->conn = PQconnectdb (conninfo);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *msg = g_strdup (PQerrorMessage (self->conn));

      g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FAILED, "PostgreSQL: %s",
                   g_strstrip (msg));
      return NULL;
    }
  if (!pg_plain (store, "SET client_min_messages = warning", error) ||
      !pg_begin_write (store, error) ||
      !pg_plain (store, "SELECT pg_advisory_xact_lock (" SCHEMA_LOCK ")", error) ||
      !bd_hq_store_create_schema (store, error) ||
      !pg_commit (store, error))
    {
      pg_rollback (store);
      g_prefix_error (error, "PostgreSQL: ");
      return NULL;
    }
  return g_steal_pointer (&store);
}

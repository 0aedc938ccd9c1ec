/* bd-hq-store-pg.c: HQ's shared store on PostgreSQL through libpq, for
 * several `serve` nodes behind a load balancer.  The desk row's
 * SELECT ... FOR UPDATE serializes two nodes offering the same desk's
 * batches; the primary key (desk, epoch, seq) is the last line.
 *
 * The server may restart under a running HQ (an upgrade, a failover).  A
 * connection that breaks inside a write transaction fails that
 * transaction with BD_HQ_STORE_ERROR_UNAVAILABLE (the server rolled it
 * back, or committed it whole: the seq rules make the retry a replay);
 * the next statement outside a transaction reconnects, at most once per
 * backoff interval while the server stays away. */
#include "config.h"

#include <string.h>
#include <libpq-fe.h>

#include "bd-hq-store.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* Any fixed number: the lock that keeps two nodes' first starts from
 * creating the schema at once. */
#define SCHEMA_LOCK "4242001"

/* Reconnection attempts while the server stays away: the first at once,
 * then twice as far apart each time, up to this. */
#define BACKOFF_MIN (100 * G_TIME_SPAN_MILLISECOND)
#define BACKOFF_MAX (5 * G_TIME_SPAN_SECOND)
/* Seconds, unless the URL says otherwise. */
#define CONNECT_TIMEOUT "5"

typedef struct {
  BdHqStore parent;
  PGconn *conn;
  gboolean in_write;     /* between begin_write and commit or rollback */
  gint64 next_connect;   /* monotonic time before which no reconnection is tried */
  gint64 backoff;
} BdHqStorePg;

/* libpq's messages run over several lines: one line for a log and a reason. */
static char *
one_line (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\r\n", -1);
  GString *line = g_string_new (NULL);

  for (char **w = words; *w != NULL; w++)
    if (**w != '\0')
      g_string_append_printf (line, "%s%s", line->len > 0 ? " " : "", *w);
  return g_string_free (line, FALSE);
}

/* The connection is gone, or the server is going away (class 08
 * connection exception; 57P01..57P03 shutdown, crash, not yet started). */
static gboolean
connection_lost (BdHqStorePg *self, const char *state)
{
  return PQstatus (self->conn) != CONNECTION_OK ||
         (state != NULL && (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P0")));
}

static gboolean
fail (BdHqStorePg *self, const PGresult *res, const char *what, GError **error)
{
  const char *state = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  /* 40001 serialization failure, 40P01 deadlock: the transaction may
   * simply run again. */
  int code = state != NULL && (strcmp (state, "40001") == 0 || strcmp (state, "40P01") == 0) ?
             BD_HQ_STORE_ERROR_RETRY : BD_HQ_STORE_ERROR_FAILED;
  g_autofree char *msg = one_line (res != NULL ? PQresultErrorMessage (res)
                                               : PQerrorMessage (self->conn));

  if (connection_lost (self, state))
    code = BD_HQ_STORE_ERROR_UNAVAILABLE;
  g_set_error (error, BD_HQ_STORE_ERROR, code, "%s: %s", what, msg);
  return FALSE;
}

/* Outside a transaction: a connection that broke is made again, unless
 * the last attempt failed less than a backoff interval ago. */
static gboolean
reconnect (BdHqStorePg *self, GError **error)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *msg = NULL;

  if (now < self->next_connect)
    {
      g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_UNAVAILABLE,
                   "PostgreSQL unreachable; next attempt in %" G_GINT64_FORMAT " ms",
                   (self->next_connect - now) / G_TIME_SPAN_MILLISECOND);
      return FALSE;
    }
  PQreset (self->conn);
  if (PQstatus (self->conn) == CONNECTION_OK)
    {
      self->backoff = 0;
      self->next_connect = 0;
      /* Notices only: a failure here shows on the next statement. */
      PQclear (PQexec (self->conn, "SET client_min_messages = warning"));
      return TRUE;
    }
  self->backoff = CLAMP (self->backoff * 2, BACKOFF_MIN, BACKOFF_MAX);
  self->next_connect = now + self->backoff;
  msg = one_line (PQerrorMessage (self->conn));
  g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_UNAVAILABLE, "PostgreSQL: %s", msg);
  return FALSE;
}

static PGresult *
run (BdHqStorePg *self, const char *sql, guint n_params, const char *const *params)
{
  return PQexecParams (self->conn, sql, (int) n_params, NULL, params, NULL, NULL, 0);
}

static gboolean
succeeded (const PGresult *res)
{
  ExecStatusType st = res != NULL ? PQresultStatus (res) : PGRES_FATAL_ERROR;

  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static gboolean
pg_exec (BdHqStore *store, const char *sql, guint n_params, const char *const *params,
         BdHqRows **rows, GError **error)
{
  BdHqStorePg *self = (BdHqStorePg *) store;
  g_autoptr(PGresult) res = NULL;
  BdHqRows *out;
  int n_rows;

  if (!self->in_write && PQstatus (self->conn) != CONNECTION_OK && !reconnect (self, error))
    return FALSE;
  res = run (self, sql, n_params, params);
  /* A connection that idled through a server restart fails its next
   * statement: outside a transaction, that one runs again on a new
   * connection.  Such statements in HQ are reads, BEGIN, or writes that
   * come out the same when repeated (revoking, staging a watchlist
   * change); at worst a revoked desk's alert is raised twice. */
  if (!self->in_write && !succeeded (res) &&
      connection_lost (self, res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL) &&
      reconnect (self, NULL))
    {
      PQclear (res);
      res = run (self, sql, n_params, params);
    }
  if (!succeeded (res))
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
  BdHqStorePg *self = (BdHqStorePg *) store;

  if (!pg_plain (store, "BEGIN", error))
    return FALSE;
  /* From here a broken connection fails the transaction: reconnecting
   * would run the rest of it outside one. */
  self->in_write = TRUE;
  return TRUE;
}

static gboolean
pg_commit (BdHqStore *store, GError **error)
{
  BdHqStorePg *self = (BdHqStorePg *) store;
  gboolean ok = pg_plain (store, "COMMIT", error);

  /* A failed COMMIT leaves the transaction for rollback to end. */
  if (ok)
    self->in_write = FALSE;
  return ok;
}

static void
pg_rollback (BdHqStore *store)
{
  BdHqStorePg *self = (BdHqStorePg *) store;

  self->in_write = FALSE;
  if (PQstatus (self->conn) == CONNECTION_OK && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
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
  /* A bound on each (re)connection, which may run on a worker's event
   * loop; a connect_timeout in @conninfo, later in the list, wins. */
  self->conn = PQconnectdbParams ((const char *const[]) { "connect_timeout", "dbname", NULL },
                                  (const char *const[]) { CONNECT_TIMEOUT, conninfo, NULL }, 1);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *msg = one_line (PQerrorMessage (self->conn));

      /* Unavailable: serve's verifiers open their connections on first
       * use, and the server may be restarting just then. */
      g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_UNAVAILABLE, "PostgreSQL: %s",
                   msg);
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

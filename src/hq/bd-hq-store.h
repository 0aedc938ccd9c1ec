/* bd-hq-store.h: HQ's store, one table of functions over two backends.
 *
 * A backend (SQLite, bd-hq-store-sqlite.c; PostgreSQL, bd-hq-store-pg.c)
 * supplies a connection that runs one SQL statement with text parameters
 * ($1, $2, ... in both dialects) and returns text rows, plus its schema
 * and the way it opens a write transaction.  Everything HQ decides (the
 * seq/prev rules, alerts, reports, watchlist versions) is written once,
 * in bd-hq-store.c, over that table.
 *
 * One BdHqStore per thread: neither a sqlite3 handle in our use nor a
 * PGconn is shared between threads.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-batch.h"

G_BEGIN_DECLS

#define BD_HQ_STORE_ERROR (bd_hq_store_error_quark ())
GQuark bd_hq_store_error_quark (void);

typedef enum {
  BD_HQ_STORE_ERROR_FAILED,     /* the database said no; the message is its own */
  BD_HQ_STORE_ERROR_URL,        /* a --store URL that names no backend */
  BD_HQ_STORE_ERROR_NOT_FOUND,  /* no such desk, reference or version */
  BD_HQ_STORE_ERROR_RETRY,      /* a serialization failure or deadlock: run it again */
  BD_HQ_STORE_ERROR_NONE_PUBLISHED,  /* no watchlist version yet */
  /* The two a client may simply try again later (docs/protocol.md, 4):
   * nothing of the write was kept. */
  BD_HQ_STORE_ERROR_FULL,       /* the disk holding the store is full */
  BD_HQ_STORE_ERROR_UNAVAILABLE,  /* the database server is unreachable or restarting */
} BdHqStoreError;

typedef struct _BdHqStore BdHqStore;

/* The rows of one statement, as text. */
typedef struct {
  GPtrArray *rows;      /* char ** each, n_columns long, NULL for SQL NULL */
  guint n_columns;
} BdHqRows;

void bd_hq_rows_free (BdHqRows *rows);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdHqRows, bd_hq_rows_free)

static inline const char *
bd_hq_rows_get (const BdHqRows *rows, guint row, guint column)
{
  return ((char **) g_ptr_array_index (rows->rows, row))[column];
}

/* The table of functions a backend fills. */
typedef struct {
  const char *name;                  /* "sqlite" or "postgresql" */
  const char *id_column;             /* the DDL of an auto-numbered primary key */
  const char *lock_suffix;           /* appended to the desk row's SELECT in a write */
  gboolean group_commit;             /* one writer at a time: serve commits in groups */
  gboolean  (*begin_write) (BdHqStore *store, GError **error);
  gboolean  (*commit)      (BdHqStore *store, GError **error);
  void      (*rollback)    (BdHqStore *store);
  /* Runs @sql with @n_params text parameters (NULL: SQL NULL).  @rows
   * (nullable out): the result rows. */
  gboolean  (*exec)        (BdHqStore *store, const char *sql, guint n_params,
                            const char *const *params, BdHqRows **rows, GError **error);
  void      (*close)       (BdHqStore *store);
} BdHqStoreClass;

struct _BdHqStore {
  const BdHqStoreClass *klass;
};

/* Backends. */
BdHqStore *bd_hq_store_sqlite_open (const char *path, GError **error);
BdHqStore *bd_hq_store_pg_open     (const char *conninfo, GError **error);

/* Opens @url: NULL or "" for DIR/hq.db, "sqlite:PATH", or
 * "postgresql://..." / "postgres://...".  Creates the schema. */
BdHqStore *bd_hq_store_open        (const char *dir, const char *url, GError **error);
void       bd_hq_store_close       (BdHqStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdHqStore, bd_hq_store_close)

/* Creates every table that does not exist yet; backends call it once
 * they are connected (PostgreSQL under an advisory lock). */
gboolean   bd_hq_store_create_schema (BdHqStore *store, GError **error);

/* Desks. */
typedef struct {
  char *id;
  gint64 epoch;
  char *key_pem;        /* the registered public key (SubjectPublicKeyInfo PEM) */
  gboolean revoked;
  gint64 last_seq;      /* in the current epoch; 0 before the first batch */
  char *last_hash;
  gint64 audit_seq;     /* the last audit head anchored, -1 before any */
  char *issued;
} BdHqDesk;

void       bd_hq_desk_free         (BdHqDesk *desk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdHqDesk, bd_hq_desk_free)

/* Registers @id with @key_pem: a new desk at epoch 1, or an existing one
 * at its next epoch (its old chain closed where it stands).  Un-revokes.
 * @epoch (out, nullable). */
gboolean   bd_hq_store_desk_register (BdHqStore *store, const char *id, const char *key_pem,
                                      const char *now, gint64 *epoch, GError **error);
gboolean   bd_hq_store_desk_revoke   (BdHqStore *store, const char *id, GError **error);
/* NULL with BD_HQ_STORE_ERROR_NOT_FOUND for an unknown desk. */
BdHqDesk  *bd_hq_store_desk_get      (BdHqStore *store, const char *id, GError **error);
GPtrArray *bd_hq_store_desk_list     (BdHqStore *store, GError **error);

/* What bd_hq_store_submit decided. */
typedef enum {
  BD_HQ_SUBMIT_STORED,      /* stored now; @receipt is the one given */
  BD_HQ_SUBMIT_REPLAY,      /* stored before with the same hash; @receipt is the stored one */
  BD_HQ_SUBMIT_CONFLICT,    /* this seq holds another batch; an alert was raised */
  BD_HQ_SUBMIT_GAP,         /* seq does not follow; @expected_seq says what does */
  BD_HQ_SUBMIT_PREV,        /* seq follows but prev is not the last batch's hash */
  BD_HQ_SUBMIT_EPOCH,       /* not the desk's current epoch */
  BD_HQ_SUBMIT_REVOKED,     /* the desk is revoked; an alert was raised */
  BD_HQ_SUBMIT_UNKNOWN,     /* no such desk */
  BD_HQ_SUBMIT_FAILED,      /* in a group: this batch's statements failed; @failure says why */
} BdHqSubmit;

typedef struct {
  BdHqSubmit status;
  char *failure;
  char *receipt;
  gint64 expected_seq;
  gboolean audit_backwards;  /* stored, but the desk's audit head went back: alert raised */
} BdHqSubmitResult;

void       bd_hq_submit_result_clear (BdHqSubmitResult *result);

/* Applies the sequence rules to @batch (signature already verified) and,
 * when it follows, stores it whole in one transaction with its records,
 * its audit anchor and @receipt.  Retries serialization failures. */
gboolean   bd_hq_store_submit        (BdHqStore *store, const BdBatch *batch,
                                      const char *receipt, const char *now,
                                      BdHqSubmitResult *result, GError **error);

/* Group commit: applies bd_hq_store_submit's rules to @n batches in one
 * transaction, each under its own savepoint, so that one fsync covers
 * them all and a batch that fails leaves the others alone.  FALSE when
 * the transaction itself failed: then nothing was stored. */
gboolean   bd_hq_store_submit_group  (BdHqStore *store, guint n, const BdBatch *const *batches,
                                      const char *const *receipts, const char *const *nows,
                                      BdHqSubmitResult *results, GError **error);

/* Alerts: kind is "conflict", "audit-backwards", "revoked-desk", ... */
gboolean   bd_hq_store_alert_add     (BdHqStore *store, const char *now, const char *desk,
                                      const char *kind, const char *detail, GError **error);
/* Each row: id, time, desk, kind, detail. */
BdHqRows  *bd_hq_store_alert_list    (BdHqStore *store, GError **error);

/* The report: {"crossings", "batches", "records", "desks": [{"desk", "post", "epoch",
 * "batches", "crossings"}], "rows": [{"post", "desk", "day", "direction", "crossings"}],
 * "counts": {...}, "alerts", "overrides"} (bd-hq-stats.h).  "rows" and the counts cover the
 * days @from .. @to (YYYY-MM-DD, inclusive; NULL: open); the totals cover everything. */
JsonNode  *bd_hq_store_report        (BdHqStore *store, const char *from, const char *to,
                                      GError **error);

/* Watchlist: changes are staged, then published as one new version. */
gboolean   bd_hq_store_watchlist_stage_add    (BdHqStore *store, GPtrArray *entries,
                                               GError **error);
gboolean   bd_hq_store_watchlist_stage_remove (BdHqStore *store, const char *reference,
                                               GError **error);
/* Publishes the staged changes; @version (out): the new version (the
 * current one when nothing was staged). */
gboolean   bd_hq_store_watchlist_publish      (BdHqStore *store, const char *now,
                                               gint64 *version, GError **error);
/* The changes from @since to the current version: @added (BdWatchlistEntry *),
 * @removed (references), @to and @published. */
gboolean   bd_hq_store_watchlist_delta        (BdHqStore *store, gint64 since, gint64 *to,
                                               char **published, GPtrArray **added,
                                               GStrv *removed, GError **error);

/* History (docs/protocol.md, 8): the admitted crossings of @document
 * ("ISSUER:NUMBER") from every desk, oldest first (BdRemoteCrossing *). */
GPtrArray *bd_hq_store_history        (BdHqStore *store, const char *document, GError **error);

/* The open-stays feed (docs/protocol.md, 9) from @since to the current
 * version @to: @open (BdRemoteCrossing *, the entries of documents in the
 * country) and @closed ("ISSUER:NUMBER" of those who left).
 * BD_HQ_STORE_ERROR_NOT_FOUND when @since is ahead of HQ. */
gboolean   bd_hq_store_open_stays     (BdHqStore *store, gint64 since, gint64 *to,
                                       GPtrArray **open, GStrv *closed, GError **error);

G_END_DECLS

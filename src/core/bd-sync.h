/* bd-sync.h: the desk's side of sync protocol version 1 (docs/protocol.md).
 *
 * Records enter the outbox by trigger (migration 003).  bd_sync_cut()
 * turns the oldest pending ones into signed batches stored in the
 * database; bd_sync_run() sends every unacknowledged batch in seq order
 * and takes HQ's receipts, then fetches the watchlist delta.  A record is
 * synced only once a receipt HQ signed has been verified, whether it came
 * over the network or on removable media (bd_sync_import_receipt).
 *
 * Files beside the database, all 0600 (CONTRACT.md, Paths): desk.key (the
 * Ed25519 key: batch signatures and the TLS client), desk.crt (issued by
 * HQ), hq-ca.crt (HQ's root, the only trust anchor sync uses).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_SYNC_ERROR (bd_sync_error_quark ())
GQuark bd_sync_error_quark (void);

typedef enum {
  BD_SYNC_ERROR_NOT_ENROLLED,  /* no certificate or HQ URL yet */
  BD_SYNC_ERROR_ENROLMENT,     /* a certificate that is not this desk's */
  BD_SYNC_ERROR_NETWORK,       /* HQ unreachable, TLS failure, timeout */
  BD_SYNC_ERROR_REFUSED,       /* HQ answered with an error status */
  BD_SYNC_ERROR_RECEIPT,       /* a receipt that does not verify or match */
  BD_SYNC_ERROR_PENDING,       /* the round went well, but records written meanwhile wait */
} BdSyncError;

#define BD_SYNC_SETTING_STALE_HOURS "sync.stale_hours"   /* 24 */
#define BD_SYNC_SETTING_PROXY       "sync.proxy"         /* '' : libcurl's environment */
#define BD_SYNC_SKEW_WARNING        120                  /* seconds */

/* Path of @name in the database's directory. */
char     *bd_sync_file_path       (BdDb *db, const char *name);

/* The start-up check of the desk's secrets (DESIGN.md, security notes):
 * FALSE with BD_PKI_ERROR_PERMISSIONS when a key file beside the database
 * at @db_path (desk.key, data.key) can be read by group or others. */
gboolean  bd_sync_check_key_files (const char *db_path, GError **error);

/* Creates desk.key when it does not exist (init does this). */
gboolean  bd_sync_ensure_key      (BdDb *db, GError **error);

/* `enroll-request`: a PEM CSR naming the desk (CN "POST/N", O "POST"),
 * signed by desk.key.  Audited. */
char     *bd_sync_enroll_request  (BdDb *db, const BdActor *actor, GError **error);

/* `enroll-install`: checks that @cert_pem chains to @ca_pem, is a desk
 * (clientAuth) certificate for this desk and this desk.key, then stores
 * desk.crt, hq-ca.crt and @url, and the epoch the certificate names.
 * Audited. */
gboolean  bd_sync_enroll_install  (BdDb *db, const BdActor *actor, const char *cert_pem,
                                   const char *ca_pem, const char *url, GError **error);

/* Cuts every pending outbox record into signed batches of at most 500
 * records and 4 MiB, each in its own transaction.  @n_batches (out,
 * nullable): batches made. */
gboolean  bd_sync_cut             (BdDb *db, gint64 *n_batches, GError **error);

/* `batch export`: cuts, then writes every unacknowledged batch into @dir,
 * one file each, named so that names sort in (epoch, seq) order.
 * Audited.  @n_files (out). */
gboolean  bd_sync_export          (BdDb *db, const BdActor *actor, const char *dir,
                                   gint64 *n_files, GError **error);

/* Verifies a receipt (from HQ's answer or a file) against hq-ca.crt and
 * the stored batch, and marks the batch acknowledged.  An already
 * acknowledged batch is fine.  @clock_skew (out, nullable): HQ's time minus
 * ours, in seconds (meaningful only for a receipt just received). */
gboolean  bd_sync_import_receipt  (BdDb *db, const char *text, gsize length,
                                   gint64 *clock_skew, GError **error);

/* `watchlist import` of a signed file, and the network delta: verifies
 * @text against hq-ca.crt (HQ's document-signing certificate), then
 * applies it in one transaction only when it starts at the desk's version
 * (bd_watchlist_apply).  @version (out, nullable): the desk's version
 * after. */
gboolean  bd_sync_apply_watchlist (BdDb *db, const BdActor *actor, const char *text,
                                   gsize length, gint64 *version, GError **error);

typedef struct {
  gint64 sent;            /* batches acknowledged in this round */
  gint64 records;         /* records they carried */
  gint64 pending_records; /* still waiting for a receipt */
  gboolean watchlist_updated;
  gint64 watchlist_version;
} BdSyncRound;

/* One round: cut, send every unacknowledged batch in order (stopping at
 * the first failure), fetch the watchlist delta and the open-stays feed.  Bounded in time (a
 * connect timeout of 10 s and a transfer timeout of 60 s per request).
 * Records the outcome in the sync state, success or not.  Returns TRUE
 * when nothing is left pending. */
gboolean  bd_sync_run             (BdDb *db, const BdActor *actor, BdSyncRound *round,
                                   GError **error);

/* Asks HQ for the document's history from every post (at most
 * @timeout_ms, connecting included), verifies the signed answer and keeps
 * it (bd-history-remote.h).  FALSE with BD_SYNC_ERROR_NOT_ENROLLED or
 * _NETWORK when HQ cannot be asked: the caller falls back to what the
 * desk has and says so. */
gboolean  bd_sync_fetch_history   (BdDb *db, const char *issuing_state, const char *number,
                                   guint timeout_ms, GError **error);

/* `sync status --json`: {"desk", "epoch", "enrolled", "hq_url",
 * "pending_records", "pending_batches", "oldest_pending", "stale",
 * "last_attempt", "last_success", "last_error", "clock_skew",
 * "clock_skew_warning", "watchlist_version"}. */
JsonObject *bd_sync_status        (BdDb *db, GError **error);

G_END_DECLS

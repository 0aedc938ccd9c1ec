/* bd-hq-ingest.h: the one verification a batch goes through, whether it
 * arrives over HTTPS (bd-hq-handler.c) or on removable media (`import`).
 *
 * Order: parse (JWS rules, typ, payload and record schema, kid = desk);
 * the TLS peer's desk is the kid; the desk is registered and its
 * certificate's key is the registered one; the signature verifies with
 * that key; then the store applies epoch/seq/prev and keeps the batch
 * whole or not at all.
 */
#pragma once

#include <glib.h>
#include <openssl/x509.h>

#include "bd-hq-committer.h"
#include "bd-hq-dir.h"
#include "bd-hq-store.h"

G_BEGIN_DECLS

typedef struct {
  guint status;          /* HTTP status: 200, 400, 403, 409, 500, 503, 507 (docs/protocol.md, 4) */
  const char *error;     /* a short reason code ("gap", "conflict", ...); NULL on 200 */
  char *reason;          /* a sentence for people; NULL on 200 */
  char *receipt;         /* on 200 */
  char *desk;            /* when the batch parsed, for logs */
  gint64 epoch;
  gint64 seq;
  gint64 expected_seq;   /* on "gap" and "prev" */
  guint records;
  gboolean stored;       /* new (FALSE on a replay) */
  guint retry_after;     /* seconds, for a Retry-After header; 0: none */
} BdHqVerdict;

void bd_hq_verdict_clear (BdHqVerdict *verdict);

/* Fills @verdict for a store that failed with @error: 507 when its disk
 * is full, 503 while its database server is unreachable (both with
 * retry_after: nothing was kept, and the same request may come again),
 * 500 otherwise.  The first failure of a run of full-disk or unreachable
 * answers is logged in one line, and so is the next success
 * (bd_hq_ingest). */
void bd_hq_verdict_store_failed (BdHqVerdict *verdict, const GError *error);

/* Verifies and stores @body, through @committer (nullable) when serve
 * commits in groups, else on @store.  @peer (nullable): the TLS client's
 * certificate, already chained to the CA by the handshake; NULL for
 * batch files.  Always fills @verdict. */
void bd_hq_ingest (BdHqStore *store, BdHqCommitter *committer, const BdHqDir *dir,
                   const char *body, gsize length, X509 *peer, BdHqVerdict *verdict);

/* The verdict as the JSON error body {"error", "reason"[, "expected_seq"]}. */
char *bd_hq_verdict_error_json (const BdHqVerdict *verdict);

G_END_DECLS

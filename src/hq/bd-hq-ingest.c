#include "config.h"

#include <string.h>

#include "bd-batch.h"
#include "bd-cleanup.h"
#include "bd-hq-ingest.h"
#include "bd-hq-pki.h"
#include "bd-hq-server.h"
#include "bd-pki.h"

/* Seconds a desk should wait before offering a batch again: a full disk
 * needs an operator, a restarting database server only a moment. */
#define RETRY_AFTER_FULL 60
#define RETRY_AFTER_UNAVAILABLE 2

/* The store's trouble being answered now (BdHqStoreError, 0: none), so
 * that a run of refusals logs one line, not one a batch. */
static gint store_trouble;

void
bd_hq_verdict_clear (BdHqVerdict *verdict)
{
  g_clear_pointer (&verdict->reason, g_free);
  g_clear_pointer (&verdict->receipt, g_free);
  g_clear_pointer (&verdict->desk, g_free);
}

static void
refuse (BdHqVerdict *v, guint status, const char *error, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
refuse (BdHqVerdict *v, guint status, const char *error, const char *fmt, ...)
{
  va_list ap;

  v->status = status;
  v->error = error;
  va_start (ap, fmt);
  v->reason = g_strdup_vprintf (fmt, ap);
  va_end (ap);
}

void
bd_hq_verdict_store_failed (BdHqVerdict *v, const GError *error)
{
  gboolean full = g_error_matches (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FULL);
  gboolean gone = g_error_matches (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_UNAVAILABLE);

  if (!full && !gone)
    return refuse (v, 500, "store", "%s", error->message);
  if (g_atomic_int_exchange (&store_trouble, error->code) != error->code)
    bd_hq_log ("store", "state=%s retry_after=%u detail=\"%s\"", full ? "full" : "unavailable",
               full ? RETRY_AFTER_FULL : RETRY_AFTER_UNAVAILABLE, error->message);
  v->retry_after = full ? RETRY_AFTER_FULL : RETRY_AFTER_UNAVAILABLE;
  if (full)
    refuse (v, 507, "store-full", "HQ's store is full: nothing of this request was stored; "
            "try again later");
  else
    refuse (v, 503, "store-unavailable", "HQ's database is unavailable (%s): nothing of this "
            "request was stored; try again later", error->message);
}

/* After the parse: who may send it, and with which key. */
static gboolean
check_sender (BdHqStore *store, const BdBatch *batch, X509 *peer, BdHqVerdict *v)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqDesk) desk = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autofree char *cn = peer != NULL ? bd_pki_common_name (peer) : NULL;

  if (peer != NULL && g_strcmp0 (cn, batch->jws->kid) != 0)
    return (refuse (v, 403, "kid", "the certificate is for %s, the batch is signed as %s",
                    cn != NULL ? cn : "nobody", batch->jws->kid), FALSE);
  desk = bd_hq_store_desk_get (store, batch->desk, &error);
  if (desk == NULL && g_error_matches (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND))
    return (refuse (v, 403, "unknown-desk", "%s is not a registered desk", batch->desk), FALSE);
  if (desk == NULL)
    return (bd_hq_verdict_store_failed (v, error), FALSE);
  key = bd_hq_public_key (desk->key_pem);
  if (key == NULL)
    return (refuse (v, 500, "store", "the registered key of %s does not load", desk->id), FALSE);
  /* A re-issued desk's old certificate still chains to the CA: only the
   * registered key's certificate speaks for the desk. */
  if (peer != NULL && !bd_pki_same_key (key, X509_get0_pubkey (peer)))
    return (refuse (v, 403, "superseded-certificate",
                    "the certificate of %s has been superseded", desk->id), FALSE);
  if (!bd_jws_verify (batch->jws, key, &error))
    return (refuse (v, 403, "signature", "%s", error->message), FALSE);
  return TRUE;
}

static void
apply_submit (const BdHqSubmitResult *r, BdHqVerdict *v)
{
  switch (r->status)
    {
    case BD_HQ_SUBMIT_STORED:
    case BD_HQ_SUBMIT_REPLAY:
      v->status = 200;
      v->stored = r->status == BD_HQ_SUBMIT_STORED;
      v->receipt = g_strdup (r->receipt);
      break;
    case BD_HQ_SUBMIT_CONFLICT:
      refuse (v, 409, "conflict", "seq %" G_GINT64_FORMAT " holds another batch", v->seq);
      break;
    case BD_HQ_SUBMIT_GAP:
      v->expected_seq = r->expected_seq;
      refuse (v, 409, "gap", "expected seq %" G_GINT64_FORMAT, r->expected_seq);
      break;
    case BD_HQ_SUBMIT_PREV:
      v->expected_seq = r->expected_seq;
      refuse (v, 409, "prev", "prev is not the hash of seq %" G_GINT64_FORMAT,
              r->expected_seq - 1);
      break;
    case BD_HQ_SUBMIT_EPOCH:
      refuse (v, 409, "epoch", "epoch closed; the desk's epoch is %" G_GINT64_FORMAT,
              r->expected_seq);
      break;
    case BD_HQ_SUBMIT_REVOKED:
      refuse (v, 403, "revoked", "the desk is revoked");
      break;
    case BD_HQ_SUBMIT_UNKNOWN:
    default:
      refuse (v, 403, "unknown-desk", "not a registered desk");
      break;
    }
}

void
bd_hq_ingest (BdHqStore *store, BdHqCommitter *committer, const BdHqDir *dir, const char *body,
              gsize length, X509 *peer, BdHqVerdict *v)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdBatch) batch = NULL;
  g_autofree char *now = bd_hq_now ();
  g_autofree char *receipt = NULL;
  BdHqSubmitResult result = { 0 };

  memset (v, 0, sizeof *v);
  batch = bd_batch_parse (body, length, &error);
  if (batch == NULL)
    {
      refuse (v, 400, error->domain == BD_JWS_ERROR ? "malformed" : "invalid", "%s",
              error->message);
      return;
    }
  v->desk = g_strdup (batch->desk);
  v->epoch = batch->epoch;
  v->seq = batch->seq;
  v->records = json_array_get_length (batch->records);
  if (!check_sender (store, batch, peer, v))
    return;
  /* The receipt depends on the batch and HQ's time only: signed before
   * the transaction, kept only if the batch is. */
  receipt = bd_receipt_make (batch, now, dir->sign_key, dir->sign_cert, &error);
  if (receipt == NULL)
    return refuse (v, 500, "signing", "%s", error->message);
  if (committer != NULL ?
      !bd_hq_committer_submit (committer, batch, receipt, now, &result, &error) :
      !bd_hq_store_submit (store, batch, receipt, now, &result, &error))
    return bd_hq_verdict_store_failed (v, error);
  if (g_atomic_int_exchange (&store_trouble, 0) != 0)
    bd_hq_log ("store", "state=ok");
  apply_submit (&result, v);
  bd_hq_submit_result_clear (&result);
}

char *
bd_hq_verdict_error_json (const BdHqVerdict *v)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, v->error != NULL ? v->error : "error");
  json_builder_set_member_name (b, "reason");
  json_builder_add_string_value (b, v->reason != NULL ? v->reason : "");
  if (v->expected_seq > 0)
    {
      json_builder_set_member_name (b, "expected_seq");
      json_builder_add_int_value (b, v->expected_seq);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

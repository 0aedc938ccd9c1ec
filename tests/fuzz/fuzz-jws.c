/* fuzz-jws.c: everything that reads a signed document from the network or
 * from removable media: batches (HQ's side), receipts and watchlist deltas
 * (the desk's side), and base64url.
 *
 * One input goes through all four, so a mutation of a batch seed also
 * probes the receipt and delta readers' header checks.  The CA is made once
 * from the fixed keys of fuzz-util.h; the signed seeds in corpus/fuzz-jws
 * verify against it, so mutations start from a document that is accepted.
 *
 * A mutation inside a signed envelope breaks its signature (and base64url
 * hides the JSON from the mutator), so the same input is also taken as a
 * payload: signed here as a batch by the desk key, or as a receipt or a
 * watchlist delta by HQ's key, then read back.  That reaches the payload
 * schemas (the corpus has the decoded payloads of the signed seeds).
 * Whatever is accepted must be what the protocol allows. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "bd-batch.h"
#include "bd-cleanup.h"
#include "bd-jws.h"
#include "bd-watchlist-delta.h"
#include "fuzz-util.h"

static FuzzPki pki;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_glib_init ();
  fuzz_pki_init (&pki);
  return 0;
}

static void
fuzz_batch (const char *text, gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdBatch) batch = bd_batch_parse (text, size, &error);

  if (batch == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (batch->jws->typ, ==, BD_JWS_TYP_BATCH);
  g_assert_cmpstr (batch->jws->kid, ==, batch->desk);
  g_assert_cmpint (batch->seq, >=, 1);
  g_assert_cmpuint (strlen (batch->sha256), ==, 64);
  g_assert_cmpuint (strlen (batch->prev), ==, 64);
  g_assert_cmpuint (json_array_get_length (batch->records), <=, BD_BATCH_MAX_RECORDS);
  /* Not signed by the desk key's owner unless the seed was: either answer
   * is fine, neither may crash. */
  {
    g_autoptr(GError) local = NULL;
    g_autoptr(EVP_PKEY) pub = NULL;
    guint8 raw[32];
    size_t n = sizeof raw;

    g_assert_true (EVP_PKEY_get_raw_public_key (pki.desk_key, raw, &n) == 1);
    pub = EVP_PKEY_new_raw_public_key (EVP_PKEY_ED25519, NULL, raw, n);
    if (!bd_jws_verify (batch->jws, pub, &local))
      g_assert_nonnull (local);
  }
}

static void
fuzz_receipt (const char *text, gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdReceipt) receipt = bd_receipt_verify (text, size, pki.ca, &error);

  if (receipt == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (receipt->desk);
  g_assert_nonnull (receipt->sha256);
  g_assert_nonnull (receipt->received);
}

static void
fuzz_delta (const char *text, gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdWatchlistDelta) delta = bd_watchlist_delta_verify (text, size, pki.ca, &error);

  if (delta == NULL)
    {
      g_assert_nonnull (error);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (delta->added);
  g_assert_nonnull (delta->removed);
  for (guint i = 0; i < delta->added->len; i++)
    {
      const BdWatchlistEntry *e = delta->added->pdata[i];
      g_assert_true (e->reference != NULL && e->reference[0] != '\0');
    }
}

static void
fuzz_base64url (const char *text, gsize size)
{
  g_autoptr(GBytes) bytes = bd_base64url_decode (text, size);
  g_autofree char *again = NULL;
  gsize n;
  const guint8 *p;

  if (bytes == NULL)
    return;
  /* Canonical: decoding then encoding gives back the input exactly (no
   * padding, no stray bits). */
  p = g_bytes_get_data (bytes, &n);
  again = bd_base64url_encode (p, n);
  g_assert_cmpuint (strlen (again), ==, size);
  g_assert_true (memcmp (again, text, size) == 0);
}

static char *
sign_payload (EVP_PKEY *key, const char *kid, const char *typ, gboolean x5c,
              const char *data, gsize size)
{
  g_autoptr(GBytes) payload = g_bytes_new (data, size);
  g_autoptr(GPtrArray) certs = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char *jws;

  if (x5c)
    g_ptr_array_add (certs, pki.hq_cert);
  jws = bd_jws_sign (key, kid, typ, x5c ? certs : NULL, payload, &error);
  g_assert_no_error (error);
  return jws;
}

/* Signing and verifying cost more than the parsing they guard, so each
 * input is signed as one kind of document only, chosen by a hash of its
 * bytes (deterministic, so a crash reproduces). */
static void
fuzz_payload (const char *data, gsize size)
{
  g_autofree char *jws = NULL;
  guint32 h = 2166136261u;

  if (size > 64 * 1024)
    return;
  for (gsize i = 0; i < size; i++)
    h = (h ^ (guint8) data[i]) * 16777619u;
  switch (h % 3)
    {
    case 0:
      jws = sign_payload (pki.desk_key, FUZZ_DESK_ID, BD_JWS_TYP_BATCH, FALSE, data, size);
      fuzz_batch (jws, strlen (jws));
      break;
    case 1:
      jws = sign_payload (pki.hq_key, "hq", BD_JWS_TYP_RECEIPT, TRUE, data, size);
      fuzz_receipt (jws, strlen (jws));
      break;
    default:
      jws = sign_payload (pki.hq_key, "hq", BD_JWS_TYP_WATCHLIST, TRUE, data, size);
      fuzz_delta (jws, strlen (jws));
      break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* A heap copy of exactly @size bytes, no terminator: the readers take a
   * length and must not read past it (ASan sees it if they do). */
  g_autofree char *text = g_memdup2 (data, size);
  const char *p = text != NULL ? text : "";

  fuzz_batch (p, size);
  fuzz_receipt (p, size);
  fuzz_delta (p, size);
  fuzz_base64url (p, size);
  fuzz_payload (p, size);
  return 0;
}

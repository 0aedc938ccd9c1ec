/* bd-batch.h: the batch and receipt documents of sync protocol version 1
 * (docs/protocol.md), shared by the desk, which writes batches and checks
 * receipts, and HQ, which checks batches and writes receipts.
 *
 * Parsing here validates everything that does not need a store: the JWS
 * rules, the payload's shape, every record's schema, lengths, dates and
 * codes.  The sequence rules (seq, prev, epoch) need the store and belong
 * to HQ.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "bd-jws.h"

G_BEGIN_DECLS

#define BD_BATCH_ERROR (bd_batch_error_quark ())
GQuark bd_batch_error_quark (void);

typedef enum {
  BD_BATCH_ERROR_INVALID,    /* payload or a record breaks the schema */
  BD_BATCH_ERROR_KID,        /* the JWS kid is not the payload's desk */
} BdBatchError;

#define BD_BATCH_MAX_RECORDS 500
#define BD_BATCH_MAX_BYTES   (4 * 1024 * 1024)
/* HQ refuses request bodies above this (a 4 MiB payload in base64url plus
 * the envelope stays well under it). */
#define BD_BATCH_MAX_BODY    (8 * 1024 * 1024)

#define BD_SHA256_ZERO "0000000000000000000000000000000000000000000000000000000000000000"

/* A parsed, schema-checked batch.  Signature not yet verified. */
typedef struct {
  BdJws *jws;
  char *desk;            /* "POST/N" */
  gint64 epoch;
  gint64 seq;
  char *prev;            /* hex SHA-256 of the previous payload, or BD_SHA256_ZERO */
  char *created;         /* UTC ISO 8601 */
  gint64 audit_seq;      /* the desk's audit head at cut time */
  char *audit_hash;
  char *sha256;          /* hex SHA-256 of the decoded payload bytes */
  JsonArray *records;    /* each validated, see docs/protocol.md */
  JsonNode *root;        /* owns records */
} BdBatch;

void     bd_batch_free  (BdBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdBatch, bd_batch_free)

/* Parses a batch file or request body: JWS rules, `typ`, payload schema,
 * every record, and that `kid` equals the payload's `desk`. */
BdBatch *bd_batch_parse (const char *text, gsize length, GError **error);

/* Validates one record object (crossing, amendment or shift event). */
gboolean bd_batch_validate_record (JsonObject *record, GError **error);

/* A receipt for @batch, signed by HQ's document-signing key @key with
 * @cert (and nothing else) in x5c.  @received: HQ's time, UTC ISO 8601. */
char    *bd_receipt_make (const BdBatch *batch, const char *received,
                          EVP_PKEY *key, X509 *cert, GError **error);

typedef struct {
  char *desk;
  gint64 epoch;
  gint64 seq;
  char *sha256;
  char *received;
  gint64 records;
} BdReceipt;

void       bd_receipt_free  (BdReceipt *receipt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdReceipt, bd_receipt_free)

/* Parses a receipt and verifies it was signed by HQ's document-signing
 * certificate under @ca. */
BdReceipt *bd_receipt_verify (const char *text, gsize length, X509 *ca, GError **error);

G_END_DECLS

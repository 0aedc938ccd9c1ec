/* bd-sync-private.h: what bd-sync.c and bd-sync-http.c share. */
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "bd-sync.h"

G_BEGIN_DECLS

#define BD_SYNC_KEY_FILE  "desk.key"
#define BD_SYNC_CERT_FILE "desk.crt"
#define BD_SYNC_CA_FILE   "hq-ca.crt"

typedef struct {
  gint64 epoch;
  gint64 seq;
  char *sha256;
  char *jws;
  gint64 records;
} BdSyncBatch;

void        bd_sync_batch_free       (BdSyncBatch *batch);
GPtrArray  *bd_sync_pending_batches  (BdDb *db, GError **error);
EVP_PKEY   *bd_sync_load_key         (BdDb *db, GError **error);
X509       *bd_sync_load_ca          (BdDb *db, GError **error);
gint64      bd_sync_epoch            (BdDb *db, GError **error);
char       *bd_sync_outbox_time      (BdDb *db, gint64 outbox_id);
/* An audit event of @actor with no object. */
gboolean    bd_sync_audit            (BdDb *db, const BdActor *actor, const char *action,
                                      JsonObject *details, GError **error);

G_END_DECLS

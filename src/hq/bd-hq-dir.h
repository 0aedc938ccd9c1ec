/* bd-hq-dir.h: the HQ directory (--dir, else $BORDERDESK_HQ_DIR) and the
 * keys a command loads from it.
 *
 *   ca.key ca.crt          the root: ca.key belongs on the admin machine
 *                          only (docs/operations.md), not on serve nodes
 *   sign.key sign.crt      HQ's document-signing key (receipts, watchlists)
 *   tls.key tls.crt        the TLS server key (P-256) and certificate
 *   hq.db                  the SQLite store
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

typedef struct {
  char *path;
  X509 *ca;
  EVP_PKEY *sign_key;
  X509 *sign_cert;
} BdHqDir;

void     bd_hq_dir_free (BdHqDir *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdHqDir, bd_hq_dir_free)

/* Resolves @dir_option (nullable) against $BORDERDESK_HQ_DIR; NULL with
 * @error when neither names one. */
char    *bd_hq_dir_resolve (const char *dir_option, GError **error);

/* The file @name inside @dir. */
char    *bd_hq_dir_file (const BdHqDir *dir, const char *name);

/* Loads ca.crt and the signing key and certificate. */
BdHqDir *bd_hq_dir_open (const char *path, GError **error);

/* HQ's clock as the protocol writes it: UTC, YYYY-MM-DDTHH:MM:SSZ. */
char    *bd_hq_now (void);

G_END_DECLS

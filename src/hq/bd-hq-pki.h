/* bd-hq-pki.h: HQ's helpers around the core's certificates. */
#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

/* A random positive 63-bit serial number. */
guint64  bd_hq_serial        (void);

/* Writes DIR/NAME.key (0600) and DIR/NAME.crt. */
gboolean bd_hq_save_pair     (const char *dir, const char *name, EVP_PKEY *key, X509 *cert,
                              GError **error);

/* Whether @id is a desk id, POST/N. */
gboolean bd_hq_desk_id_valid (const char *id);

/* The public key as SubjectPublicKeyInfo PEM. */
char    *bd_hq_public_pem    (EVP_PKEY *key);

/* The key in @pem (SubjectPublicKeyInfo), a reference of the caller's,
 * or NULL.  Decoded once and cached: OpenSSL 3's decoders cost more than
 * the signature check they serve, and every request names its desk's key.
 * Thread-safe. */
EVP_PKEY *bd_hq_public_key   (const char *pem);

G_END_DECLS

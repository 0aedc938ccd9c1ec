/* bd-pki.h: keys and certificates of the desk and HQ.
 *
 * One Ed25519 key per desk (desk.key) signs its batches and authenticates
 * its TLS connections; its certificate (desk.crt) comes from HQ's CA.
 * Certificates have one purpose each (DESIGN.md, Trust): the checks here
 * are what lets a desk refuse a receipt signed by anything but HQ's
 * document-signing certificate.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

#define BD_PKI_ERROR (bd_pki_error_quark ())
GQuark bd_pki_error_quark (void);

typedef enum {
  BD_PKI_ERROR_FAILED,       /* OpenSSL refused; the message says why */
  BD_PKI_ERROR_PERMISSIONS,  /* a key file readable by group or others */
  BD_PKI_ERROR_UNTRUSTED,    /* a certificate that does not chain, or wrong purpose */
} BdPkiError;

/* RFC 9336 id-kp-documentSigning. */
#define BD_OID_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_REQ, X509_REQ_free)

EVP_PKEY *bd_pki_generate_ed25519 (GError **error);
EVP_PKEY *bd_pki_generate_p256    (GError **error);

/* Writes @key as PKCS#8 PEM with mode 0600, atomically. */
gboolean  bd_pki_save_key  (EVP_PKEY *key, const char *path, GError **error);
/* Loads a private key, refusing a file that group or others can read. */
EVP_PKEY *bd_pki_load_key  (const char *path, GError **error);

X509     *bd_pki_cert_from_pem  (const char *pem, gssize length, GError **error);
X509     *bd_pki_load_cert      (const char *path, GError **error);
char     *bd_pki_cert_to_pem    (X509 *cert);
gboolean  bd_pki_save_cert      (X509 *cert, const char *path, GError **error);

/* The subject's commonName, or NULL. */
char     *bd_pki_common_name    (X509 *cert);
/* Whether @cert's extendedKeyUsage names @oid (dotted text). */
gboolean  bd_pki_has_eku        (X509 *cert, const char *oid);

/* Verifies that @cert chains to @ca (with @intermediates, nullable) at the
 * current time, and, when @eku_oid is not NULL, carries that purpose. */
gboolean  bd_pki_verify_cert    (X509 *cert, GPtrArray *intermediates, X509 *ca,
                                 const char *eku_oid, GError **error);

/* A PEM certificate request with commonName @cn, signed by @key. */
char     *bd_pki_make_csr       (EVP_PKEY *key, const char *cn, const char *organisation,
                                 GError **error);

/* What a certificate is for: each carries exactly one extended key usage
 * (the CA none, being a CA). */
typedef enum {
  BD_CERT_CA,
  BD_CERT_DESK,           /* clientAuth */
  BD_CERT_TLS_SERVER,     /* serverAuth, with @dns_name as subjectAltName */
  BD_CERT_DOC_SIGNING,    /* id-kp-documentSigning: receipts, watchlists, history */
} BdCertPurpose;

/* Issues a certificate for @subject_key with commonName @cn, signed by
 * @issuer_key under @issuer (NULL for a self-signed CA).  Nothing is taken
 * from a request but its key and name: HQ never copies extensions from a
 * CSR.  @serial: unique per CA. */
X509     *bd_pki_issue          (EVP_PKEY *subject_key, const char *cn, BdCertPurpose purpose,
                                 const char *dns_name, X509 *issuer, EVP_PKEY *issuer_key,
                                 guint64 serial, int days, GError **error);

/* A desk certificate: commonName @desk_id and the subject attribute
 * serialNumber = @epoch (docs/protocol.md, Epochs), clientAuth only. */
X509     *bd_pki_issue_desk     (EVP_PKEY *subject_key, const char *desk_id, gint64 epoch,
                                 X509 *issuer, EVP_PKEY *issuer_key, guint64 serial, int days,
                                 GError **error);
/* The epoch a desk certificate names: 1 when it names none, 0 when what
 * it names is not an epoch. */
gint64    bd_pki_desk_epoch     (X509 *cert);

/* Parses a PEM request and checks its self-signature.  @cn (out): its
 * commonName.  Returns its public key. */
EVP_PKEY *bd_pki_csr_key        (const char *pem, gssize length, char **cn, GError **error);

/* Whether the public keys of @a and @b are the same key. */
gboolean  bd_pki_same_key       (EVP_PKEY *a, EVP_PKEY *b);

G_END_DECLS

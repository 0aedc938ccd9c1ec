/* bd-pki.c: keys and certificates (see bd-pki.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "bd-cleanup.h"
#include "bd-pki.h"

G_DEFINE_QUARK (bd-pki-error-quark, bd_pki_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_STORE, X509_STORE_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_STORE_CTX, X509_STORE_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_NAME, X509_NAME_free)

static gboolean
ssl_fail (GError **error, const char *what)
{
  unsigned long e = ERR_get_error ();
  char buf[256] = "";

  if (e != 0)
    ERR_error_string_n (e, buf, sizeof buf);
  ERR_clear_error ();
  g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_FAILED, "%s%s%s", what, *buf ? ": " : "", buf);
  return FALSE;
}

static EVP_PKEY *
generate (const char *type, const char *param, GError **error)
{
  EVP_PKEY *key = param != NULL ? EVP_PKEY_Q_keygen (NULL, NULL, type, param)
                                : EVP_PKEY_Q_keygen (NULL, NULL, type);

  if (key == NULL)
    ssl_fail (error, "generating a key");
  return key;
}

EVP_PKEY *
bd_pki_generate_ed25519 (GError **error)
{
  return generate ("ED25519", NULL, error);
}

EVP_PKEY *
bd_pki_generate_p256 (GError **error)
{
  return generate ("EC", "P-256", error);
}

static gboolean
save_pem (const char *path, BIO *mem, GError **error)
{
  char *data = NULL;
  long n = BIO_get_mem_data (mem, &data);
  gboolean ok;

  ok = g_file_set_contents_full (path, data, n, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
  OPENSSL_cleanse (data, (size_t) n);
  return ok;
}

gboolean
bd_pki_save_key (EVP_PKEY *key, const char *path, GError **error)
{
  g_autoptr(BIO) mem = BIO_new (BIO_s_secmem ());

  if (mem == NULL || PEM_write_bio_PrivateKey (mem, key, NULL, NULL, 0, NULL, NULL) != 1)
    return ssl_fail (error, "encoding the key");
  return save_pem (path, mem, error);
}

EVP_PKEY *
bd_pki_load_key (const char *path, GError **error)
{
  GStatBuf st;
  g_autoptr(BIO) in = NULL;
  EVP_PKEY *key;

  if (g_stat (path, &st) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", path,
                   g_strerror (e));
      return NULL;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_PERMISSIONS,
                   "%s is readable by group or others (mode %03o); run chmod 600 on it",
                   path, (unsigned) (st.st_mode & 0777));
      return NULL;
    }
  in = BIO_new_file (path, "r");
  key = in != NULL ? PEM_read_bio_PrivateKey (in, NULL, NULL, NULL) : NULL;
  if (key == NULL)
    {
      g_autofree char *what = g_strdup_printf ("reading the key %s", path);
      ssl_fail (error, what);
    }
  return key;
}

X509 *
bd_pki_cert_from_pem (const char *pem, gssize length, GError **error)
{
  g_autoptr(BIO) in = BIO_new_mem_buf (pem, length < 0 ? -1 : (int) length);
  X509 *cert = in != NULL ? PEM_read_bio_X509 (in, NULL, NULL, NULL) : NULL;

  if (cert == NULL)
    ssl_fail (error, "not a PEM certificate");
  return cert;
}

X509 *
bd_pki_load_cert (const char *path, GError **error)
{
  g_autofree char *pem = NULL;
  gsize length;
  X509 *cert;

  if (!g_file_get_contents (path, &pem, &length, error))
    return NULL;
  if (length > 1024 * 1024)
    {
      g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_FAILED, "%s: too large for a certificate",
                   path);
      return NULL;
    }
  cert = bd_pki_cert_from_pem (pem, (gssize) length, error);
  if (cert == NULL)
    g_prefix_error (error, "%s: ", path);
  return cert;
}

char *
bd_pki_cert_to_pem (X509 *cert)
{
  g_autoptr(BIO) mem = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long n;

  if (mem == NULL || PEM_write_bio_X509 (mem, cert) != 1)
    return NULL;
  n = BIO_get_mem_data (mem, &data);
  return g_strndup (data, (gsize) n);
}

gboolean
bd_pki_save_cert (X509 *cert, const char *path, GError **error)
{
  g_autofree char *pem = bd_pki_cert_to_pem (cert);

  if (pem == NULL)
    return ssl_fail (error, "encoding the certificate");
  return g_file_set_contents_full (path, pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

char *
bd_pki_common_name (X509 *cert)
{
  X509_NAME *name = X509_get_subject_name (cert);
  int i = X509_NAME_get_index_by_NID (name, NID_commonName, -1);
  ASN1_STRING *value;
  unsigned char *utf8 = NULL;
  int n;
  char *cn;

  if (i < 0)
    return NULL;
  value = X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, i));
  n = ASN1_STRING_to_UTF8 (&utf8, value);
  if (n < 0)
    return NULL;
  cn = g_strndup ((const char *) utf8, (gsize) n);
  OPENSSL_free (utf8);
  if (strlen (cn) != (gsize) n)
    g_clear_pointer (&cn, g_free);   /* an embedded NUL: not a name we issued */
  return cn;
}

gboolean
bd_pki_has_eku (X509 *cert, const char *oid)
{
  EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i (cert, NID_ext_key_usage, NULL, NULL);
  ASN1_OBJECT *want = OBJ_txt2obj (oid, 1);
  gboolean found = FALSE;

  for (int i = 0; eku != NULL && want != NULL && i < sk_ASN1_OBJECT_num (eku); i++)
    if (OBJ_cmp (sk_ASN1_OBJECT_value (eku, i), want) == 0)
      found = TRUE;
  ASN1_OBJECT_free (want);
  EXTENDED_KEY_USAGE_free (eku);
  return found;
}

gboolean
bd_pki_verify_cert (X509 *cert, GPtrArray *intermediates, X509 *ca, const char *eku_oid,
                    GError **error)
{
  g_autoptr(X509_STORE) store = X509_STORE_new ();
  g_autoptr(X509_STORE_CTX) ctx = X509_STORE_CTX_new ();
  STACK_OF (X509) *untrusted = sk_X509_new_null ();
  int rc;

  for (guint i = 0; intermediates != NULL && i < intermediates->len; i++)
    sk_X509_push (untrusted, g_ptr_array_index (intermediates, i));
  if (store == NULL || ctx == NULL || X509_STORE_add_cert (store, ca) != 1 ||
      X509_STORE_CTX_init (ctx, store, cert, untrusted) != 1)
    {
      sk_X509_free (untrusted);
      return ssl_fail (error, "preparing certificate verification");
    }
  rc = X509_verify_cert (ctx);
  sk_X509_free (untrusted);
  if (rc != 1)
    {
      int err = X509_STORE_CTX_get_error (ctx);
      ERR_clear_error ();
      g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_UNTRUSTED, "certificate not trusted: %s",
                   X509_verify_cert_error_string (err));
      return FALSE;
    }
  if (eku_oid != NULL && !bd_pki_has_eku (cert, eku_oid))
    {
      g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_UNTRUSTED,
                   "certificate lacks the extended key usage %s", eku_oid);
      return FALSE;
    }
  return TRUE;
}

char *
bd_pki_make_csr (EVP_PKEY *key, const char *cn, const char *organisation, GError **error)
{
  g_autoptr(X509_REQ) req = X509_REQ_new ();
  g_autoptr(BIO) mem = BIO_new (BIO_s_mem ());
  X509_NAME *name;
  char *data = NULL;
  long n;

  if (req == NULL || mem == NULL)
    return (ssl_fail (error, "allocating a request"), NULL);
  name = X509_REQ_get_subject_name (req);
  if (X509_REQ_set_version (req, 0) != 1 ||
      X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guint8 *) cn, -1, -1,
                                  0) != 1 ||
      (organisation != NULL &&
       X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const guint8 *) organisation,
                                   -1, -1, 0) != 1) ||
      X509_REQ_set_pubkey (req, key) != 1 ||
      X509_REQ_sign (req, key, NULL) <= 0 ||
      PEM_write_bio_X509_REQ (mem, req) != 1)
    return (ssl_fail (error, "making the certificate request"), NULL);
  n = BIO_get_mem_data (mem, &data);
  return g_strndup (data, (gsize) n);
}

gboolean
bd_pki_same_key (EVP_PKEY *a, EVP_PKEY *b)
{
  return a != NULL && b != NULL && EVP_PKEY_eq (a, b) == 1;
}

static gboolean
add_ext (X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX v3;
  X509_EXTENSION *ext;
  int ok;

  X509V3_set_ctx_nodb (&v3);
  X509V3_set_ctx (&v3, issuer, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &v3, nid, value);
  if (ext == NULL)
    return FALSE;
  ok = X509_add_ext (cert, ext, -1);
  X509_EXTENSION_free (ext);
  return ok == 1;
}

static X509 *
issue (EVP_PKEY *subject_key, const char *cn, gint64 epoch, BdCertPurpose purpose,
       const char *dns_name, X509 *issuer, EVP_PKEY *issuer_key, guint64 serial, int days,
       GError **error)
{
  char epoch_text[24];
  g_autoptr(X509) cert = X509_new ();
  X509 *signer_cert;
  X509_NAME *name;
  gboolean ok;
  const EVP_MD *md;

  if (cert == NULL)
    return (ssl_fail (error, "allocating a certificate"), NULL);
  name = X509_get_subject_name (cert);
  ok = X509_set_version (cert, 2) == 1 &&
       ASN1_INTEGER_set_uint64 (X509_get_serialNumber (cert), serial) == 1 &&
       X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const guint8 *) cn, -1, -1,
                                   0) == 1 &&
       (epoch <= 0 ||
        (g_snprintf (epoch_text, sizeof epoch_text, "%" G_GINT64_FORMAT, epoch) > 0 &&
         X509_NAME_add_entry_by_txt (name, "serialNumber", MBSTRING_UTF8,
                                     (const guint8 *) epoch_text, -1, -1, 0) == 1)) &&
       X509_set_issuer_name (cert, issuer != NULL ? X509_get_subject_name (issuer) : name) == 1 &&
       /* An hour back: a desk whose clock runs slightly behind HQ's must
        * still accept a certificate issued just now. */
       X509_gmtime_adj (X509_getm_notBefore (cert), -3600) != NULL &&
       X509_gmtime_adj (X509_getm_notAfter (cert), (long) days * 86400) != NULL &&
       X509_set_pubkey (cert, subject_key) == 1;
  signer_cert = issuer != NULL ? issuer : cert;
  if (ok)
    ok = add_ext (cert, signer_cert, NID_subject_key_identifier, "hash") &&
         add_ext (cert, signer_cert, NID_authority_key_identifier, "keyid:always");
  if (ok)
    switch (purpose)
      {
      case BD_CERT_CA:
        ok = add_ext (cert, signer_cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
             add_ext (cert, signer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
        break;
      case BD_CERT_DESK:
        ok = add_ext (cert, signer_cert, NID_basic_constraints, "critical,CA:FALSE") &&
             add_ext (cert, signer_cert, NID_key_usage, "critical,digitalSignature") &&
             add_ext (cert, signer_cert, NID_ext_key_usage, "clientAuth");
        break;
      case BD_CERT_TLS_SERVER:
        {
          g_autofree char *san = NULL;
          gboolean is_ip = dns_name != NULL && g_hostname_is_ip_address (dns_name);
          san = g_strdup_printf ("%s:%s", is_ip ? "IP" : "DNS", dns_name != NULL ? dns_name : cn);
          ok = add_ext (cert, signer_cert, NID_basic_constraints, "critical,CA:FALSE") &&
               add_ext (cert, signer_cert, NID_key_usage,
                        "critical,digitalSignature,keyEncipherment") &&
               add_ext (cert, signer_cert, NID_ext_key_usage, "serverAuth") &&
               add_ext (cert, signer_cert, NID_subject_alt_name, san);
        }
        break;
      case BD_CERT_DOC_SIGNING:
        ok = add_ext (cert, signer_cert, NID_basic_constraints, "critical,CA:FALSE") &&
             add_ext (cert, signer_cert, NID_key_usage, "critical,digitalSignature") &&
             add_ext (cert, signer_cert, NID_ext_key_usage, BD_OID_DOCUMENT_SIGNING);
        break;
      default:
        g_assert_not_reached ();
      }
  /* Ed25519 signs without a digest; EC and RSA CAs with SHA-256. */
  md = EVP_PKEY_get_id (issuer_key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256 ();
  if (!ok || X509_sign (cert, issuer_key, md) <= 0)
    return (ssl_fail (error, "issuing the certificate"), NULL);
  return g_steal_pointer (&cert);
}

X509 *
bd_pki_issue (EVP_PKEY *subject_key, const char *cn, BdCertPurpose purpose,
              const char *dns_name, X509 *issuer, EVP_PKEY *issuer_key, guint64 serial,
              int days, GError **error)
{
  return issue (subject_key, cn, 0, purpose, dns_name, issuer, issuer_key, serial, days, error);
}

X509 *
bd_pki_issue_desk (EVP_PKEY *subject_key, const char *desk_id, gint64 epoch, X509 *issuer,
                   EVP_PKEY *issuer_key, guint64 serial, int days, GError **error)
{
  g_return_val_if_fail (epoch > 0, NULL);
  return issue (subject_key, desk_id, epoch, BD_CERT_DESK, NULL, issuer, issuer_key, serial,
                days, error);
}

gint64
bd_pki_desk_epoch (X509 *cert)
{
  X509_NAME *name = X509_get_subject_name (cert);
  int i = X509_NAME_get_index_by_NID (name, NID_serialNumber, -1);
  const ASN1_STRING *value;
  g_autofree char *text = NULL;
  guint64 epoch;

  if (i < 0)
    return 1;
  value = X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, i));
  text = g_strndup ((const char *) ASN1_STRING_get0_data (value),
                    (gsize) ASN1_STRING_length (value));
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT32, &epoch, NULL))
    return 0;
  return (gint64) epoch;
}

EVP_PKEY *
bd_pki_csr_key (const char *pem, gssize length, char **cn, GError **error)
{
  g_autoptr(BIO) in = BIO_new_mem_buf (pem, length < 0 ? -1 : (int) length);
  g_autoptr(X509_REQ) req = in != NULL ? PEM_read_bio_X509_REQ (in, NULL, NULL, NULL) : NULL;
  EVP_PKEY *key;
  X509_NAME *name;
  int i;

  if (req == NULL)
    return (ssl_fail (error, "not a PEM certificate request"), NULL);
  key = X509_REQ_get0_pubkey (req);
  if (key == NULL || X509_REQ_verify (req, key) != 1)
    return (ssl_fail (error, "the request's signature does not verify"), NULL);
  name = X509_REQ_get_subject_name (req);
  i = X509_NAME_get_index_by_NID (name, NID_commonName, -1);
  if (i < 0)
    {
      g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_FAILED, "the request names no desk (CN)");
      return NULL;
    }
  if (cn != NULL)
    {
      unsigned char *utf8 = NULL;
      int n = ASN1_STRING_to_UTF8 (&utf8, X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name,
                                                                                        i)));
      if (n < 0)
        return (ssl_fail (error, "the request's name"), NULL);
      *cn = g_strndup ((const char *) utf8, (gsize) n);
      OPENSSL_free (utf8);
    }
  return EVP_PKEY_dup (key);
}

/* init: HQ's CA, document-signing key, TLS server key, ca.crt and store. */
#include "config.h"

#include <string.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "bd-cleanup.h"
#include "bd-hq-commands.h"
#include "bd-hq-dir.h"
#include "bd-hq-pki.h"
#include "bd-hq-store.h"
#include "bd-pki.h"

#define CA_DAYS   (20 * 365)
#define CERT_DAYS (2 * 365)

/* A name for the loopback as well when HQ runs on this machine: tests
 * and a reverse proxy on the same host connect to 127.0.0.1. */
static gboolean
add_loopback_names (X509 *cert, const char *host, X509 *ca, EVP_PKEY *ca_key, GError **error)
{
  g_autofree char *san = NULL;
  X509V3_CTX v3;
  X509_EXTENSION *ext;
  int at = X509_get_ext_by_NID (cert, NID_subject_alt_name, -1);
  gboolean ok, extra_ip;

  if (strcmp (host, "localhost") != 0 && !g_hostname_is_ip_address (host))
    return TRUE;
  extra_ip = g_hostname_is_ip_address (host) && strcmp (host, "127.0.0.1") != 0 &&
             strcmp (host, "::1") != 0;
  san = g_strdup_printf ("DNS:localhost,IP:127.0.0.1,IP:::1%s%s", extra_ip ? ",IP:" : "",
                         extra_ip ? host : "");
  if (at >= 0)
    X509_EXTENSION_free (X509_delete_ext (cert, at));
  X509V3_set_ctx (&v3, ca, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &v3, NID_subject_alt_name, san);
  ok = ext != NULL && X509_add_ext (cert, ext, -1) == 1 &&
       X509_sign (cert, ca_key, EVP_sha256 ()) > 0;
  X509_EXTENSION_free (ext);
  if (!ok)
    g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_FAILED, "naming the loopback in the TLS "
                 "certificate failed");
  return ok;
}

static gboolean
make_dir (const char *path, GError **error)
{
  g_autofree char *ca = g_build_filename (path, "ca.crt", NULL);

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  if (g_file_test (ca, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   "%s already holds an HQ (ca.crt exists)", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
init (const char *path, const char *name, const char *host, GError **error)
{
  g_autoptr(EVP_PKEY) ca_key = NULL;
  g_autoptr(EVP_PKEY) sign_key = NULL;
  g_autoptr(EVP_PKEY) tls_key = NULL;
  g_autoptr(X509) ca = NULL;
  g_autoptr(X509) sign = NULL;
  g_autoptr(X509) tls = NULL;
  g_autoptr(BdHqStore) store = NULL;
  g_autofree char *ca_cn = g_strdup_printf ("%s root", name);
  g_autofree char *sign_cn = g_strdup_printf ("%s HQ", name);

  if (!make_dir (path, error))
    return FALSE;
  /* P-256 for the CA and TLS: what any TLS client verifies; Ed25519 for
   * the documents, as the protocol requires. */
  ca_key = bd_pki_generate_p256 (error);
  if (ca_key == NULL)
    return FALSE;
  ca = bd_pki_issue (ca_key, ca_cn, BD_CERT_CA, NULL, NULL, ca_key, bd_hq_serial (),
                     CA_DAYS, error);
  if (ca == NULL || (sign_key = bd_pki_generate_ed25519 (error)) == NULL)
    return FALSE;
  sign = bd_pki_issue (sign_key, sign_cn, BD_CERT_DOC_SIGNING, NULL, ca, ca_key,
                       bd_hq_serial (), CERT_DAYS, error);
  if (sign == NULL || (tls_key = bd_pki_generate_p256 (error)) == NULL)
    return FALSE;
  tls = bd_pki_issue (tls_key, host, BD_CERT_TLS_SERVER, host, ca, ca_key, bd_hq_serial (),
                      CERT_DAYS, error);
  if (tls == NULL || !add_loopback_names (tls, host, ca, ca_key, error))
    return FALSE;
  if (!bd_hq_save_pair (path, "ca", ca_key, ca, error) ||
      !bd_hq_save_pair (path, "sign", sign_key, sign, error) ||
      !bd_hq_save_pair (path, "tls", tls_key, tls, error))
    return FALSE;
  store = bd_hq_store_open (path, NULL, error);
  return store != NULL;
}

int
bd_hq_cmd_init (const char *dir, int argc, char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "HQ's name, in its certificates", "NAME" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "the host name desks connect to", "HOSTNAME" },
    { NULL }
  };
  int status = bd_hq_options ("init", "", "Creates an HQ in DIR: ca.key/ca.crt (the root; keep "
                              "ca.key off the serve nodes), sign.key/sign.crt, tls.key/tls.crt "
                              "and the SQLite store hq.db.", entries, &argc, &argv);

  if (status >= 0)
    return status;
  if (name == NULL || host == NULL || argc != 1)
    {
      g_printerr ("borderdesk-hq init: --name NAME and --host HOSTNAME are required\n");
      return BD_HQ_EXIT_USAGE;
    }
  if (!init (dir, name, host, &error))
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  printf ("HQ %s created in %s; give desks %s/ca.crt\n", name, dir, dir);
  return BD_HQ_EXIT_OK;
}

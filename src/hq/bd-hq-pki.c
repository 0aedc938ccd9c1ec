#include "config.h"

#include <string.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "bd-cleanup.h"
#include "bd-hq-pki.h"
#include "bd-pki.h"

guint64
bd_hq_serial (void)
{
  guint64 serial = 0;

  if (RAND_bytes ((unsigned char *) &serial, sizeof serial) != 1)
    g_error ("the random number generator failed");
  serial &= G_GUINT64_CONSTANT (0x7fffffffffffffff);
  return serial != 0 ? serial : 1;
}

gboolean
bd_hq_save_pair (const char *dir, const char *name, EVP_PKEY *key, X509 *cert, GError **error)
{
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);
  g_autofree char *cert_name = g_strconcat (name, ".crt", NULL);
  g_autofree char *key_path = g_build_filename (dir, key_name, NULL);
  g_autofree char *cert_path = g_build_filename (dir, cert_name, NULL);

  return bd_pki_save_key (key, key_path, error) && bd_pki_save_cert (cert, cert_path, error);
}

gboolean
bd_hq_desk_id_valid (const char *id)
{
  const char *slash = strchr (id, '/');
  guint64 n;

  if (slash == NULL || slash == id || slash - id > 24)
    return FALSE;
  for (const char *p = id; p < slash; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return g_ascii_string_to_unsigned (slash + 1, 10, 1, 9999, &n, NULL);
}

char *
bd_hq_public_pem (EVP_PKEY *key)
{
  g_autoptr(BIO) out = BIO_new (BIO_s_mem ());
  char *data;
  long n;

  if (out == NULL || PEM_write_bio_PUBKEY (out, key) != 1)
    return NULL;
  n = BIO_get_mem_data (out, &data);
  return g_strndup (data, n);
}

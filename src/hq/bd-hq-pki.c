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

/* Registered keys: a few thousand desks at most; emptied when it grows
 * past that (re-issued desks leave their old keys behind). */
#define MAX_CACHED_KEYS 20000

static GMutex key_lock;
static GHashTable *key_cache;   /* PEM -> EVP_PKEY */

EVP_PKEY *
bd_hq_public_key (const char *pem)
{
  g_autoptr(BIO) in = NULL;
  EVP_PKEY *key;

  g_mutex_lock (&key_lock);
  if (key_cache == NULL)
    key_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) EVP_PKEY_free);
  key = g_hash_table_lookup (key_cache, pem);
  if (key != NULL)
    EVP_PKEY_up_ref (key);
  g_mutex_unlock (&key_lock);
  if (key != NULL)
    return key;
  in = BIO_new_mem_buf (pem, -1);
  key = in != NULL ? PEM_read_bio_PUBKEY (in, NULL, NULL, NULL) : NULL;
  if (key == NULL)
    return NULL;
  g_mutex_lock (&key_lock);
  if (g_hash_table_size (key_cache) >= MAX_CACHED_KEYS)
    g_hash_table_remove_all (key_cache);
  EVP_PKEY_up_ref (key);
  g_hash_table_replace (key_cache, g_strdup (pem), key);
  g_mutex_unlock (&key_lock);
  return key;
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

#include "config.h"

#include "bd-cleanup.h"
#include "bd-date.h"
#include "bd-hq-dir.h"
#include "bd-pki.h"

void
bd_hq_dir_free (BdHqDir *dir)
{
  if (dir == NULL)
    return;
  g_free (dir->path);
  g_clear_pointer (&dir->ca, X509_free);
  g_clear_pointer (&dir->sign_key, EVP_PKEY_free);
  g_clear_pointer (&dir->sign_cert, X509_free);
  g_free (dir);
}

char *
bd_hq_dir_resolve (const char *dir_option, GError **error)
{
  const char *env = g_getenv ("BORDERDESK_HQ_DIR");

  if (dir_option != NULL && *dir_option != '\0')
    return g_strdup (dir_option);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "no HQ directory: give --dir DIR or set BORDERDESK_HQ_DIR");
  return NULL;
}

char *
bd_hq_dir_file (const BdHqDir *dir, const char *name)
{
  return g_build_filename (dir->path, name, NULL);
}

BdHqDir *
bd_hq_dir_open (const char *path, GError **error)
{
  g_autoptr(BdHqDir) dir = g_new0 (BdHqDir, 1);
  g_autofree char *ca = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cert = NULL;

  dir->path = g_strdup (path);
  ca = bd_hq_dir_file (dir, "ca.crt");
  key = bd_hq_dir_file (dir, "sign.key");
  cert = bd_hq_dir_file (dir, "sign.crt");
  dir->ca = bd_pki_load_cert (ca, error);
  if (dir->ca == NULL)
    return NULL;
  dir->sign_key = bd_pki_load_key (key, error);
  if (dir->sign_key == NULL)
    return NULL;
  dir->sign_cert = bd_pki_load_cert (cert, error);
  if (dir->sign_cert == NULL)
    return NULL;
  return g_steal_pointer (&dir);
}

char *
bd_hq_now (void)
{
  return bd_time_format (g_get_real_time () / G_USEC_PER_SEC);
}

/* bd-sync-enrol.c: the desk's keys and certificates for sync: desk.key,
 * the start-up check of the key files, the certificate request and the
 * installation of what HQ issued (see bd-sync.h). */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bd-cleanup.h"
#include "bd-pki.h"
#include "bd-post.h"
#include "bd-sync-private.h"

char *
bd_sync_file_path (BdDb *db, const char *name)
{
  g_autofree char *dir = g_path_get_dirname (bd_db_path (db));

  return g_build_filename (dir, name, NULL);
}

gboolean
bd_sync_check_key_files (const char *db_path, GError **error)
{
  static const char *const names[] = { BD_SYNC_KEY_FILE, "data.key" };
  g_autofree char *dir = g_path_get_dirname (db_path);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
        {
          g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_PERMISSIONS,
                       "%s is readable by group or others (mode %03o): refusing to start; "
                       "run chmod 600 on it", path, (unsigned) (st.st_mode & 0777));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
bd_sync_ensure_key (BdDb *db, GError **error)
{
  g_autofree char *path = bd_sync_file_path (db, BD_SYNC_KEY_FILE);
  g_autoptr(EVP_PKEY) key = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  key = bd_pki_generate_ed25519 (error);
  return key != NULL && bd_pki_save_key (key, path, error);
}

EVP_PKEY *
bd_sync_load_key (BdDb *db, GError **error)
{
  g_autofree char *path = bd_sync_file_path (db, BD_SYNC_KEY_FILE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_NOT_ENROLLED,
                   "no desk key (%s): run `borderdesk-admin enroll-request`", path);
      return NULL;
    }
  return bd_pki_load_key (path, error);
}

char *
bd_sync_enroll_request (BdDb *db, const BdActor *actor, GError **error)
{
  g_autoptr(BdPost) post = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *csr = NULL;

  if (!bd_actor_require (actor, BD_PERM_SYNC, error) ||
      (post = bd_post_load (db, error)) == NULL ||
      !bd_sync_ensure_key (db, error) ||
      (key = bd_sync_load_key (db, error)) == NULL ||
      (csr = bd_pki_make_csr (key, post->desk_id, post->code, error)) == NULL)
    return NULL;
  json_object_set_string_member (details, "desk", post->desk_id);
  if (!bd_sync_audit (db, actor, "sync.enroll-request", g_steal_pointer (&details), error))
    return NULL;
  return g_steal_pointer (&csr);
}

static gboolean
enrolment_error (GError **error, const char *what)
{
  g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_ENROLMENT, "certificate refused: %s", what);
  return FALSE;
}

gboolean
bd_sync_enroll_install (BdDb *db, const BdActor *actor, const char *cert_pem,
                        const char *ca_pem, const char *url, GError **error)
{
  g_autoptr(BdPost) post = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) cert = NULL, ca = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *cn = NULL, *cert_path = NULL, *ca_path = NULL;
  g_autoptr(GError) local = NULL;
  sqlite3_stmt *stmt;
  gint64 epoch;

  if (!bd_actor_require (actor, BD_PERM_SYNC, error) ||
      (post = bd_post_load (db, error)) == NULL ||
      (key = bd_sync_load_key (db, error)) == NULL ||
      (cert = bd_pki_cert_from_pem (cert_pem, -1, error)) == NULL ||
      (ca = bd_pki_cert_from_pem (ca_pem, -1, error)) == NULL)
    return FALSE;
  if (!g_str_has_prefix (url, "https://") || strlen (url) > 512)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_ENROLMENT,
                   "the HQ URL must start with https://");
      return FALSE;
    }
  if (!bd_pki_verify_cert (cert, NULL, ca, "1.3.6.1.5.5.7.3.2", &local))
    return enrolment_error (error, local->message);
  cn = bd_pki_common_name (cert);
  if (g_strcmp0 (cn, post->desk_id) != 0)
    return enrolment_error (error, "it names another desk");
  if (!bd_pki_same_key (X509_get0_pubkey (cert), key))
    return enrolment_error (error, "it is not for this desk's key (desk.key)");
  epoch = bd_pki_desk_epoch (cert);
  if (epoch <= 0)
    return enrolment_error (error, "its epoch (subject serialNumber) is not a number");

  cert_path = bd_sync_file_path (db, BD_SYNC_CERT_FILE);
  ca_path = bd_sync_file_path (db, BD_SYNC_CA_FILE);
  if (!bd_db_begin (db, error))
    return FALSE;
  stmt = bd_db_stmt (db, "UPDATE sync_state SET hq_url = ?, epoch = ? WHERE id = 1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, url, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, epoch);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      bd_db_set_error (db, error, "storing the HQ URL");
      goto fail;
    }
  sqlite3_reset (stmt);
  json_object_set_string_member (details, "desk", post->desk_id);
  json_object_set_int_member (details, "epoch", epoch);
  json_object_set_string_member (details, "hq_url", url);
  if (!bd_sync_audit (db, actor, "sync.enroll-install", g_steal_pointer (&details), error))
    goto fail;
  /* The files last, just before the commit: a failed write leaves the
   * database as it was. */
  if (!bd_pki_save_cert (cert, cert_path, error) || !bd_pki_save_cert (ca, ca_path, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

X509 *
bd_sync_load_ca (BdDb *db, GError **error)
{
  g_autofree char *path = bd_sync_file_path (db, BD_SYNC_CA_FILE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_NOT_ENROLLED,
                   "no HQ CA (%s): run `borderdesk-admin enroll-install`", path);
      return NULL;
    }
  return bd_pki_load_cert (path, error);
}

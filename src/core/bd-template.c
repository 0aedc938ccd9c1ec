/* bd-template.c: fingerprint templates and exemptions at rest (bd-template.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "bd-audit.h"
#include "bd-cleanup.h"
#include "bd-date.h"
#include "bd-fingerprint.h"
#include "bd-post.h"
#include "bd-template.h"

G_DEFINE_QUARK (bd-template-error-quark, bd_template_error)

#define NONCE_SIZE 12
#define TAG_SIZE 16
#define MAX_TEMPLATE (1024 * 1024)
#define DEFAULT_RETENTION_DAYS 180
#define DEFAULT_GALLERY_MAX 1000

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_CIPHER_CTX, EVP_CIPHER_CTX_free)

static gboolean
crypto_error (GError **error, const char *what)
{
  char text[256];

  ERR_error_string_n (ERR_get_error (), text, sizeof text);
  ERR_clear_error ();
  g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_CRYPTO, "%s: %s", what, text);
  return FALSE;
}

gboolean
bd_data_key_load (const char *db_path, gboolean create, guint8 key[BD_DATA_KEY_SIZE],
                  GError **error)
{
  g_autofree char *dir = g_path_get_dirname (db_path);
  g_autofree char *path = g_build_filename (dir, "data.key", NULL);
  g_autofree char *data = NULL;
  gsize length = 0;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      if (saved != ENOENT || !create)
        {
          g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_KEY, "%s: %s", path,
                       g_strerror (saved));
          return FALSE;
        }
      if (RAND_bytes (key, BD_DATA_KEY_SIZE) != 1)
        return crypto_error (error, "making the data key");
      /* Atomic and 0600 from the start. */
      if (!g_file_set_contents_full (path, (const char *) key, BD_DATA_KEY_SIZE,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
        {
          OPENSSL_cleanse (key, BD_DATA_KEY_SIZE);
          return FALSE;
        }
      return TRUE;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_KEY,
                   "%s is readable by others (mode %03o): refusing to use it; chmod 600 it",
                   path, (unsigned) (st.st_mode & 0777));
      return FALSE;
    }
  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;
  if (length != BD_DATA_KEY_SIZE)
    {
      OPENSSL_cleanse (data, length);
      g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_KEY,
                   "%s: a data key is %d bytes, not %" G_GSIZE_FORMAT, path, BD_DATA_KEY_SIZE,
                   length);
      return FALSE;
    }
  memcpy (key, data, BD_DATA_KEY_SIZE);
  OPENSSL_cleanse (data, length);
  return TRUE;
}

/* "borderdesk-template-1" NUL traveller-id NUL finger */
static char *
associated_data (gint64 traveller_id, const char *finger, gsize *length)
{
  GString *ad = g_string_new ("borderdesk-template-1");

  g_string_append_c (ad, '\0');
  g_string_append_printf (ad, "%" G_GINT64_FORMAT, traveller_id);
  g_string_append_c (ad, '\0');
  g_string_append (ad, finger);
  *length = ad->len;
  return g_string_free (ad, FALSE);
}

GBytes *
bd_template_seal (const guint8 *key, gint64 traveller_id, const char *finger, GBytes *plain,
                  GError **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize ad_length, length;
  g_autofree char *ad = associated_data (traveller_id, finger, &ad_length);
  const guint8 *in = g_bytes_get_data (plain, &length);
  g_autofree guint8 *out = NULL;
  int n = 0, tail = 0;

  if (length == 0 || length > MAX_TEMPLATE)
    {
      g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_INVALID,
                   "a template is 1 byte to 1 MiB, not %" G_GSIZE_FORMAT, length);
      return NULL;
    }
  out = g_malloc (NONCE_SIZE + length + TAG_SIZE);
  if (ctx == NULL || RAND_bytes (out, NONCE_SIZE) != 1
      || EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, out) != 1
      || EVP_EncryptUpdate (ctx, NULL, &n, (const guint8 *) ad, (int) ad_length) != 1
      || EVP_EncryptUpdate (ctx, out + NONCE_SIZE, &n, in, (int) length) != 1
      || EVP_EncryptFinal_ex (ctx, out + NONCE_SIZE + n, &tail) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, TAG_SIZE,
                              out + NONCE_SIZE + n + tail) != 1)
    {
      crypto_error (error, "sealing a template");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&out), NONCE_SIZE + n + tail + TAG_SIZE);
}

GBytes *
bd_template_open (const guint8 *key, gint64 traveller_id, const char *finger, GBytes *sealed,
                  GError **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize ad_length, length;
  g_autofree char *ad = associated_data (traveller_id, finger, &ad_length);
  const guint8 *in = g_bytes_get_data (sealed, &length);
  guint8 *out;
  GBytes *plain;
  int n = 0, tail = 0;

  if (length <= NONCE_SIZE + TAG_SIZE || length > MAX_TEMPLATE + NONCE_SIZE + TAG_SIZE)
    {
      g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_CRYPTO,
                   "a sealed template of %" G_GSIZE_FORMAT " bytes", length);
      return NULL;
    }
  out = g_malloc (length);
  if (ctx == NULL
      || EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, in) != 1
      || EVP_DecryptUpdate (ctx, NULL, &n, (const guint8 *) ad, (int) ad_length) != 1
      || EVP_DecryptUpdate (ctx, out, &n, in + NONCE_SIZE,
                            (int) (length - NONCE_SIZE - TAG_SIZE)) != 1
      || EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, TAG_SIZE,
                              (void *) (in + length - TAG_SIZE)) != 1
      || EVP_DecryptFinal_ex (ctx, out + n, &tail) != 1)
    {
      OPENSSL_cleanse (out, length);
      g_free (out);
      ERR_clear_error ();
      /* GCM says only "no": another key, traveller, finger, or tampering. */
      g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_CRYPTO,
                   "a stored template does not open under this desk's data key for this "
                   "traveller and finger");
      return NULL;
    }
  plain = bd_secret_bytes_new (out, n + tail);
  OPENSSL_cleanse (out, length);
  g_free (out);
  return plain;
}

static gboolean
step_done (BdDb *db, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || bd_db_set_error (db, error, what);
}

gboolean
bd_document_resolve (BdDb *db, const char *issuer, const char *number, gboolean create,
                     gint64 *traveller_id, gint64 *document_id, GError **error)
{
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = bd_db_stmt (db, "SELECT id, traveller_id FROM documents "
                         "WHERE issuing_state = ? AND number = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, issuer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *document_id = sqlite3_column_int64 (stmt, 0);
      *traveller_id = sqlite3_column_int64 (stmt, 1);
      sqlite3_reset (stmt);
      return TRUE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading documents");
  if (!create)
    {
      g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_NOT_FOUND,
                   "no document %s:%s on this desk", issuer, number);
      return FALSE;
    }
  /* A record with what is known: the document.  The first registration
   * of a crossing fills in the traveller's details. */
  now = bd_time_format (bd_clock_now ());
  stmt = bd_db_stmt (db, "INSERT INTO travellers (surname, given_names, nationality, birth_date, "
                         "sex, created) VALUES ('', '', '', '', '<', ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, "adding a traveller", error))
    return FALSE;
  *traveller_id = sqlite3_last_insert_rowid (bd_db_handle (db));
  stmt = bd_db_stmt (db, "INSERT INTO documents (traveller_id, code, issuing_state, number, "
                         "expiry) VALUES (?, '', ?, ?, '')", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, *traveller_id);
  sqlite3_bind_text (stmt, 2, issuer, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, number, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, "adding a document", error))
    return FALSE;
  *document_id = sqlite3_last_insert_rowid (bd_db_handle (db));
  return TRUE;
}

gboolean
bd_template_store (BdDb *db, const BdActor *actor, const guint8 *key,
                   const BdTemplateRecord *record, GError **error)
{
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = g_strdup_printf ("traveller:%" G_GINT64_FORMAT, record->traveller_id);
  sqlite3_stmt *stmt;
  gsize length;
  gconstpointer data;

  if (!bd_actor_require (actor, BD_PERM_FINGERPRINT, error))
    return FALSE;
  sealed = bd_template_seal (key, record->traveller_id, record->finger, record->plain, error);
  if (sealed == NULL)
    return FALSE;
  data = g_bytes_get_data (sealed, &length);
  if (!bd_db_begin (db, error))
    return FALSE;
  stmt = bd_db_stmt (db, "INSERT OR REPLACE INTO finger_templates (traveller_id, document_id, "
                         "finger, sealed, driver, quality, captured, crossing_id) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, record->traveller_id);
  if (record->document_id > 0)
    sqlite3_bind_int64 (stmt, 2, record->document_id);
  sqlite3_bind_text (stmt, 3, record->finger, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, data, (int) length, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, record->driver, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, record->quality != NULL ? record->quality : "clean", -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, now, -1, SQLITE_STATIC);
  if (record->crossing_id > 0)
    sqlite3_bind_int64 (stmt, 8, record->crossing_id);
  if (!step_done (db, stmt, "storing a template", error))
    goto fail;
  json_object_set_int_member (details, "traveller", record->traveller_id);
  json_object_set_string_member (details, "finger", record->finger);
  json_object_set_string_member (details, "driver", record->driver);
  if (!bd_audit_append (db, who, "finger.enroll", object, details, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

GBytes *
bd_template_load (BdDb *db, const guint8 *key, gint64 traveller_id, const char *finger,
                  char **driver, GError **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GBytes) sealed = NULL;
  int rc;

  stmt = bd_db_stmt (db, "SELECT sealed, driver FROM finger_templates "
                         "WHERE traveller_id = ? AND finger = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, traveller_id);
  sqlite3_bind_text (stmt, 2, finger, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        bd_db_set_error (db, error, "reading templates");
      else
        g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_NOT_FOUND,
                     "no %s on file for this traveller", finger);
      return NULL;
    }
  sealed = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  if (driver != NULL)
    *driver = bd_db_column_dup (stmt, 1);
  sqlite3_reset (stmt);
  return bd_template_open (key, traveller_id, finger, sealed, error);
}

gboolean
bd_template_exists (BdDb *db, gint64 traveller_id, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT 1 FROM finger_templates WHERE traveller_id = ?",
                                   error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, traveller_id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading templates");
  return rc == SQLITE_ROW;
}

void
bd_gallery_entry_free (BdGalleryEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->document);
  g_free (entry->finger);
  g_clear_pointer (&entry->plain, g_bytes_unref);
  g_free (entry);
}

GPtrArray *
bd_template_gallery (BdDb *db, const guint8 *key, const char *driver, GError **error)
{
  g_autoptr(GPtrArray) gallery =
    g_ptr_array_new_with_free_func ((GDestroyNotify) bd_gallery_entry_free);
  gint64 limit = bd_setting_get_int (db, BD_SETTING_FINGER_GALLERY_MAX, DEFAULT_GALLERY_MAX);
  sqlite3_stmt *stmt;
  int rc;

  stmt = bd_db_stmt (db, "SELECT t.traveller_id, d.issuing_state || ':' || d.number, t.finger, "
                         "t.sealed FROM finger_templates t "
                         "LEFT JOIN documents d ON d.id = t.document_id "
                         "WHERE t.driver = ? ORDER BY t.captured DESC, t.id DESC LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, driver, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(BdGalleryEntry) entry = g_new0 (BdGalleryEntry, 1);
      g_autoptr(GBytes) sealed = g_bytes_new (sqlite3_column_blob (stmt, 3),
                                              sqlite3_column_bytes (stmt, 3));

      entry->traveller_id = sqlite3_column_int64 (stmt, 0);
      entry->document = bd_db_column_dup (stmt, 1);
      entry->finger = bd_db_column_dup (stmt, 2);
      entry->plain = bd_template_open (key, entry->traveller_id, entry->finger, sealed, error);
      if (entry->plain == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_ptr_array_add (gallery, g_steal_pointer (&entry));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading the gallery");
      return NULL;
    }
  return g_steal_pointer (&gallery);
}

static const char *const exempt_kinds[] = { "under-12", "missing", "injured", "temporary" };

const char *
bd_exempt_kind_to_string (BdExemptKind kind)
{
  return (guint) kind < G_N_ELEMENTS (exempt_kinds) ? exempt_kinds[kind] : "temporary";
}

gboolean
bd_exempt_kind_from_string (const char *text, BdExemptKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (exempt_kinds); i++)
    if (g_strcmp0 (text, exempt_kinds[i]) == 0)
      {
        *kind = (BdExemptKind) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
bd_exemption_record (BdDb *db, const BdActor *actor, gint64 traveller_id, BdExemptKind kind,
                     const char *reason, gboolean consent, gint64 crossing_id, GError **error)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = g_strdup_printf ("traveller:%" G_GINT64_FORMAT, traveller_id);
  sqlite3_stmt *stmt;

  if (!bd_actor_require (actor, BD_PERM_FINGERPRINT, error))
    return FALSE;
  if (reason == NULL || *reason == '\0' || strlen (reason) > 512
      || !g_utf8_validate (reason, -1, NULL))
    {
      g_set_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_INVALID,
                   "an exemption needs a reason (at most 512 bytes of UTF-8)");
      return FALSE;
    }
  if (!bd_db_begin (db, error))
    return FALSE;
  stmt = bd_db_stmt (db, "INSERT INTO finger_exemptions (traveller_id, kind, reason, consent, "
                         "crossing_id, recorded) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, traveller_id);
  sqlite3_bind_text (stmt, 2, bd_exempt_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, consent ? 1 : 0);
  if (crossing_id > 0)
    sqlite3_bind_int64 (stmt, 5, crossing_id);
  sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, "recording an exemption", error))
    goto fail;
  json_object_set_int_member (details, "traveller", traveller_id);
  json_object_set_string_member (details, "kind", bd_exempt_kind_to_string (kind));
  json_object_set_boolean_member (details, "consent", consent);
  if (!bd_audit_append (db, who, "finger.exempt", object, details, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

gint64
bd_template_purge (BdDb *db, const BdActor *actor, GError **error)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *who = bd_actor_audit_name (actor);
  gint64 days = bd_setting_get_int (db, BD_SETTING_FINGER_RETENTION_DAYS,
                                    DEFAULT_RETENTION_DAYS);
  gint64 cutoff = bd_today () - days;
  sqlite3_stmt *stmt;
  gint64 purged;

  if (!bd_actor_require (actor, BD_PERM_FINGERPRINT, error))
    return -1;
  if (!bd_db_begin (db, error))
    return -1;
  /* Acknowledged (migration 003): the carrying crossing's outbox row is in
   * a batch HQ has receipted, or the retention purge has since deleted
   * that crossing and said so (migration 006).  Last seen: the traveller's
   * newest crossing at this desk, so a returning traveller keeps being
   * verifiable; a traveller with no crossing left is not seen at all. */
  stmt = bd_db_stmt (db,
                     "DELETE FROM finger_templates WHERE id IN ("
                     " SELECT t.id FROM finger_templates t"
                     " WHERE (t.acknowledged = 1 OR EXISTS (SELECT 1 FROM outbox o"
                     "   JOIN batches b ON b.epoch = o.batch_epoch AND b.seq = o.batch_seq"
                     "   WHERE o.kind = 'crossing' AND o.ref_id = t.crossing_id"
                     "   AND b.acknowledged IS NOT NULL))"
                     "   AND coalesce ((SELECT max (c.day) FROM crossings c"
                     "        WHERE c.traveller_id = t.traveller_id), 0) < ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, cutoff);
  if (!step_done (db, stmt, "purging templates", error))
    goto fail;
  purged = sqlite3_changes (bd_db_handle (db));
  json_object_set_int_member (details, "templates", purged);
  json_object_set_int_member (details, "retention_days", days);
  if (!bd_audit_append (db, who, "finger.purge", "", details, error))
    goto fail;
  if (!bd_db_commit (db, error))
    return -1;
  return purged;

fail:
  bd_db_rollback (db);
  return -1;
}

/* bd-audit.c: appending to and verifying the audit chain (bd-audit.h). */
#include "config.h"

#include <string.h>
#include <openssl/evp.h>

#include "bd-audit.h"
#include "bd-cleanup.h"
#include "bd-date.h"

static const char genesis[BD_AUDIT_HASH_LEN + 1] =
  "0000000000000000000000000000000000000000000000000000000000000000";

static void
update_field (EVP_MD_CTX *md, const char *value)
{
  guint64 len = value != NULL ? strlen (value) : 0;
  guint8 prefix[8];

  for (int i = 7; i >= 0; i--)
    {
      prefix[i] = len & 0xff;
      len >>= 8;
    }
  EVP_DigestUpdate (md, prefix, sizeof prefix);
  if (value != NULL)
    EVP_DigestUpdate (md, value, strlen (value));
}

void
bd_audit_compute_hash (gint64      seq,
                       const char *time,
                       const char *actor,
                       const char *action,
                       const char *object,
                       const char *details,
                       const char *prev,
                       char        out[BD_AUDIT_HASH_LEN + 1])
{
  g_autoptr(EVP_MD_CTX) md = EVP_MD_CTX_new ();
  char seq_text[24];
  guint8 digest[32];
  unsigned int len = 0;

  g_snprintf (seq_text, sizeof seq_text, "%" G_GINT64_FORMAT, seq);
  /* SHA-256 cannot fail short of memory exhaustion, which GLib aborts on too. */
  if (md == NULL || !EVP_DigestInit_ex (md, EVP_sha256 (), NULL))
    g_error ("SHA-256 unavailable");
  update_field (md, seq_text);
  update_field (md, time);
  update_field (md, actor);
  update_field (md, action);
  update_field (md, object);
  update_field (md, details);
  update_field (md, prev);
  EVP_DigestFinal_ex (md, digest, &len);
  for (guint i = 0; i < 32; i++)
    g_snprintf (out + 2 * i, 3, "%02x", digest[i]);
}

gboolean
bd_audit_head (BdDb *db, gint64 *seq, char hash[BD_AUDIT_HASH_LEN + 1], GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                                   error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      g_strlcpy (hash, (const char *) sqlite3_column_text (stmt, 1), BD_AUDIT_HASH_LEN + 1);
    }
  else if (rc == SQLITE_DONE)
    {
      *seq = 0;
      memcpy (hash, genesis, sizeof genesis);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the audit head");
  return TRUE;
}

gboolean
bd_audit_append (BdDb        *db,
                 const char  *actor,
                 const char  *action,
                 const char  *object,
                 JsonObject  *details,
                 GError     **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *details_text = NULL;
  g_autofree char *now = bd_time_format (bd_clock_now ());
  char prev[BD_AUDIT_HASH_LEN + 1];
  char hash[BD_AUDIT_HASH_LEN + 1];
  sqlite3_stmt *stmt;
  gint64 seq;

  g_return_val_if_fail (!sqlite3_get_autocommit (bd_db_handle (db)), FALSE);

  if (details != NULL)
    json_node_set_object (node, details);
  else
    json_node_take_object (node, json_object_new ());
  details_text = json_to_string (node, FALSE);
  if (object == NULL)
    object = "";

  if (!bd_audit_head (db, &seq, prev, error))
    return FALSE;
  seq++;
  bd_audit_compute_hash (seq, now, actor, action, object, details_text, prev, hash);

  stmt = bd_db_stmt (db,
                     "INSERT INTO audit (seq, time, actor, action, object, details, prev, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, object, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, details_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, prev, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, hash, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "writing the audit log");
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
bd_audit_record (BdDb        *db,
                 const char  *actor,
                 const char  *action,
                 const char  *object,
                 JsonObject  *details,
                 GError     **error)
{
  if (!bd_db_begin (db, error))
    return FALSE;
  if (!bd_audit_append (db, actor, action, object, details, error))
    {
      bd_db_rollback (db);
      return FALSE;
    }
  return bd_db_commit (db, error);
}

static const char *
column_text (sqlite3_stmt *stmt, int i)
{
  const char *t = (const char *) sqlite3_column_text (stmt, i);
  return t != NULL ? t : "";
}

gboolean
bd_audit_verify (BdDb *db, BdAuditReport *report, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char expected_prev[BD_AUDIT_HASH_LEN + 1];
  gint64 expected_seq = 1;
  int rc;

  memset (report, 0, sizeof *report);
  memcpy (expected_prev, genesis, sizeof genesis);
  /* Not cached: a long read that must not hold a shared statement. */
  if (sqlite3_prepare_v2 (bd_db_handle (db),
                          "SELECT seq, time, actor, action, object, details, prev, hash "
                          "FROM audit ORDER BY seq", -1, &stmt, NULL) != SQLITE_OK)
    return bd_db_set_error (db, error, "reading the audit log");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      const char *prev = column_text (stmt, 6);
      const char *stored = column_text (stmt, 7);
      char hash[BD_AUDIT_HASH_LEN + 1];

      report->n_events++;
      if (seq != expected_seq)
        {
          report->first_bad = seq;
          report->reason = g_strdup_printf ("event %" G_GINT64_FORMAT " follows event %"
                                            G_GINT64_FORMAT ": events are missing",
                                            seq, expected_seq - 1);
          return TRUE;
        }
      if (strcmp (prev, expected_prev) != 0)
        {
          report->first_bad = seq;
          report->reason = g_strdup_printf ("event %" G_GINT64_FORMAT " does not chain to its "
                                            "predecessor: events were removed or reordered", seq);
          return TRUE;
        }
      bd_audit_compute_hash (seq, column_text (stmt, 1), column_text (stmt, 2),
                             column_text (stmt, 3), column_text (stmt, 4),
                             column_text (stmt, 5), prev, hash);
      if (strcmp (hash, stored) != 0)
        {
          report->first_bad = seq;
          report->reason = g_strdup_printf ("event %" G_GINT64_FORMAT " was altered: its hash "
                                            "does not match its contents", seq);
          return TRUE;
        }
      memcpy (expected_prev, stored, sizeof expected_prev);
      expected_seq++;
    }
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the audit log");
  return TRUE;
}

void
bd_audit_report_clear (BdAuditReport *report)
{
  g_clear_pointer (&report->reason, g_free);
}

/* bd-sync.c: outbox to signed batches, receipts, export and status (see
 * bd-sync.h).  Keys and enrolment are bd-sync-enrol.c; the network round
 * is bd-sync-http.c. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bd-audit.h"
#include "bd-batch.h"
#include "bd-cleanup.h"
#include "bd-crossing.h"
#include "bd-date.h"
#include "bd-jws.h"
#include "bd-pki.h"
#include "bd-post.h"
#include "bd-sync-private.h"
#include "bd-watchlist-delta.h"

G_DEFINE_QUARK (bd-sync-error-quark, bd_sync_error)

gboolean
bd_sync_audit (BdDb *db, const BdActor *actor, const char *action, JsonObject *details,
               GError **error)
{
  g_autofree char *who = bd_actor_audit_name (actor);

  return bd_audit_record (db, who, action, "", details, error);
}

/* Records ---------------------------------------------------------------- */

static void
set_column (JsonObject *o, const char *name, sqlite3_stmt *stmt, int col)
{
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    json_object_set_null_member (o, name);
  else
    json_object_set_string_member (o, name, (const char *) sqlite3_column_text (stmt, col));
}

/* One row of @sql (its one parameter: @id) as a record of @type, a member
 * per column named by @names: integers as numbers, NULL as null. */
static JsonObject *
row_record (BdDb *db, const char *sql, gint64 id, const char *type,
            const char *const *names, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, sql, error);
  JsonObject *r = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      r = json_object_new ();
      json_object_set_string_member (r, "type", type);
      for (int c = 0; names[c] != NULL; c++)
        if (sqlite3_column_type (stmt, c) == SQLITE_INTEGER)
          json_object_set_int_member (r, names[c], sqlite3_column_int64 (stmt, c));
        else
          set_column (r, names[c], stmt, c);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED, "no %s %" G_GINT64_FORMAT
                 " for the outbox", type, id);
  else
    bd_db_set_error (db, error, "reading a record for the outbox");
  sqlite3_reset (stmt);
  return r;
}

static JsonObject *
amendment_record (BdDb *db, gint64 id, GError **error)
{
  static const char *const names[] = {
    "id", "crossing", "time", "officer", "field", "old_value", "new_value", "reason", NULL
  };

  return row_record (db,
    "SELECT a.id, c.uuid, a.time, o.username, a.field, a.old_value, a.new_value, a.reason "
    "FROM amendments a JOIN crossings c ON c.id = a.crossing_id "
    "LEFT JOIN officers o ON o.id = a.officer_id WHERE a.id = ?", id, "amendment", names, error);
}

/* The shift as it is now may be further along than the event: an "opened"
 * event cut after the close shows the close too.  HQ keys shift events by
 * (desk, shift, event). */
static JsonObject *
shift_record (BdDb *db, gint64 id, const char *event, GError **error)
{
  static const char *const names[] = {
    "shift", "officer", "desk", "opened", "closed", "signed_off_by", "signed_off_at", NULL
  };
  JsonObject *r = row_record (db,
    "SELECT s.id, o.username, s.desk, s.opened, s.closed, so.username, s.signed_off_at "
    "FROM shifts s JOIN officers o ON o.id = s.officer_id "
    "LEFT JOIN officers so ON so.id = s.signed_off_by WHERE s.id = ?", id, "shift", names, error);

  if (r != NULL)
    json_object_set_string_member (r, "event", event);
  return r;
}

static JsonObject *
outbox_record (BdDb *db, const char *kind, gint64 ref_id, const char *event, GError **error)
{
  if (strcmp (kind, "crossing") == 0)
    {
      JsonObject *o = bd_crossing_object (db, ref_id, error);
      if (o != NULL)
        json_object_set_string_member (o, "type", "crossing");
      return o;
    }
  if (strcmp (kind, "amendment") == 0)
    return amendment_record (db, ref_id, error);
  return shift_record (db, ref_id, event, error);
}

/* Cutting ---------------------------------------------------------------- */

static gboolean
last_batch (BdDb *db, gint64 epoch, gint64 *seq, char prev[65], GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT seq, sha256 FROM batches WHERE epoch = ? "
                                       "ORDER BY seq DESC LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, epoch);
  rc = sqlite3_step (stmt);
  *seq = 0;
  g_strlcpy (prev, BD_SHA256_ZERO, 65);
  if (rc == SQLITE_ROW)
    {
      *seq = sqlite3_column_int64 (stmt, 0);
      g_strlcpy (prev, (const char *) sqlite3_column_text (stmt, 1), 65);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the last batch");
  return TRUE;
}

gint64
bd_sync_epoch (BdDb *db, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT epoch FROM sync_state WHERE id = 1", error);
  gint64 epoch = 0;

  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    epoch = sqlite3_column_int64 (stmt, 0);
  else
    bd_db_set_error (db, error, "reading the sync state");
  sqlite3_reset (stmt);
  return epoch;
}

static char *
payload_text (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* Cuts one batch from the oldest pending records.  *@made: whether there
 * was anything to cut. */
static gboolean
cut_one (BdDb *db, EVP_PKEY *key, const char *desk, gboolean *made, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                 json_object_unref);
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *payload = NULL, *now = NULL, *jws = NULL, *sha = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char prev[65], audit_hash[BD_AUDIT_HASH_LEN + 1];
  gint64 epoch, seq, audit_seq;
  gsize size = 0;
  sqlite3_stmt *stmt;
  int rc;

  *made = FALSE;
  if (!bd_db_begin (db, error))
    return FALSE;
  epoch = bd_sync_epoch (db, error);
  if (epoch <= 0 || !last_batch (db, epoch, &seq, prev, error))
    goto fail;
  stmt = bd_db_stmt (db, "SELECT id, kind, ref_id, event FROM outbox "
                         "WHERE batch_seq IS NULL ORDER BY id LIMIT ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, BD_BATCH_MAX_RECORDS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_autofree char *kind = bd_db_column_dup (stmt, 1);
      g_autofree char *event = bd_db_column_dup (stmt, 3);
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autofree char *text = NULL;
      JsonObject *r = outbox_record (db, kind, sqlite3_column_int64 (stmt, 2), event, error);

      if (r == NULL)
        {
          sqlite3_reset (stmt);
          goto fail;
        }
      json_node_take_object (node, r);
      text = json_to_string (node, FALSE);
      /* Room for the envelope fields: a batch stays under 4 MiB. */
      if (size + strlen (text) + 1 > BD_BATCH_MAX_BYTES - 4096)
        break;
      size += strlen (text) + 1;
      g_array_append_val (ids, id);
      g_ptr_array_add (records, json_object_ref (r));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading the outbox");
      goto fail;
    }
  if (ids->len == 0)
    {
      bd_db_rollback (db);
      return TRUE;
    }
  if (!bd_audit_head (db, &audit_seq, audit_hash, error))
    goto fail;

  seq++;
  now = bd_time_format (bd_clock_now ());
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "desk");
  json_builder_add_string_value (b, desk);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, epoch);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, seq);
  json_builder_set_member_name (b, "prev");
  json_builder_add_string_value (b, prev);
  json_builder_set_member_name (b, "created");
  json_builder_add_string_value (b, now);
  json_builder_set_member_name (b, "audit_head");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, audit_seq);
  json_builder_set_member_name (b, "hash");
  json_builder_add_string_value (b, audit_hash);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "records");
  json_builder_begin_array (b);
  for (guint i = 0; i < records->len; i++)
    {
      JsonNode *n = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (n, records->pdata[i]);
      json_builder_add_value (b, n);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  payload = payload_text (b);
  sha = bd_sha256_hex (payload, strlen (payload));
  bytes = g_bytes_new_static (payload, strlen (payload));
  jws = bd_jws_sign (key, desk, BD_JWS_TYP_BATCH, NULL, bytes, error);
  if (jws == NULL)
    goto fail;

  stmt = bd_db_stmt (db, "INSERT INTO batches (epoch, seq, created, records, sha256, jws) "
                         "VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, epoch);
  sqlite3_bind_int64 (stmt, 2, seq);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, (int) ids->len);
  sqlite3_bind_text (stmt, 5, sha, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, jws, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "storing a batch");
      goto fail;
    }
  stmt = bd_db_stmt (db, "UPDATE outbox SET batch_epoch = ?, batch_seq = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, epoch);
      sqlite3_bind_int64 (stmt, 2, seq);
      sqlite3_bind_int64 (stmt, 3, g_array_index (ids, gint64, i));
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          bd_db_set_error (db, error, "queueing a record");
          goto fail;
        }
    }
  if (!bd_db_commit (db, error))
    return FALSE;
  *made = TRUE;
  return TRUE;

fail:
  bd_db_rollback (db);
  return FALSE;
}

gboolean
bd_sync_cut (BdDb *db, gint64 *n_batches, GError **error)
{
  g_autoptr(BdPost) post = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  gboolean made = TRUE;
  gint64 n = 0;

  if ((post = bd_post_load (db, error)) == NULL || (key = bd_sync_load_key (db, error)) == NULL)
    return FALSE;
  while (made)
    {
      if (!cut_one (db, key, post->desk_id, &made, error))
        return FALSE;
      n += made ? 1 : 0;
    }
  if (n_batches != NULL)
    *n_batches = n;
  return TRUE;
}

GPtrArray *
bd_sync_pending_batches (BdDb *db, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                              bd_sync_batch_free);
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT epoch, seq, sha256, jws, records FROM batches "
                                       "WHERE receipt IS NULL ORDER BY epoch, seq", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdSyncBatch *b = g_new0 (BdSyncBatch, 1);

      b->epoch = sqlite3_column_int64 (stmt, 0);
      b->seq = sqlite3_column_int64 (stmt, 1);
      b->sha256 = bd_db_column_dup (stmt, 2);
      b->jws = bd_db_column_dup (stmt, 3);
      b->records = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (list, b);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading the pending batches");
      return NULL;
    }
  return g_steal_pointer (&list);
}

void
bd_sync_batch_free (BdSyncBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->sha256);
  g_free (batch->jws);
  g_free (batch);
}

gboolean
bd_sync_export (BdDb *db, const BdActor *actor, const char *dir, gint64 *n_files,
                GError **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(BdPost) post = NULL;
  g_autofree char *prefix = NULL;

  if (!bd_actor_require (actor, BD_PERM_SYNC, error) ||
      (post = bd_post_load (db, error)) == NULL ||
      !bd_sync_cut (db, NULL, error) ||
      (pending = bd_sync_pending_batches (db, error)) == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "%s: %s", dir,
                   g_strerror (e));
      return FALSE;
    }
  /* "UTO-ALP/1" -> "UTO-ALP-1": a desk id has no characters a file name
   * cannot hold but the slash. */
  prefix = g_strdelimit (g_strdup (post->desk_id), "/", '-');
  for (guint i = 0; i < pending->len; i++)
    {
      BdSyncBatch *b = pending->pdata[i];
      g_autofree char *name = g_strdup_printf ("%s-e%04" G_GINT64_FORMAT "-s%09" G_GINT64_FORMAT
                                               ".jws", prefix, b->epoch, b->seq);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!g_file_set_contents_full (path, b->jws, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                     error))
        return FALSE;
    }
  json_object_set_int_member (details, "batches", pending->len);
  if (!bd_sync_audit (db, actor, "sync.export", g_steal_pointer (&details), error))
    return FALSE;
  if (n_files != NULL)
    *n_files = pending->len;
  return TRUE;
}

gboolean
bd_sync_import_receipt (BdDb *db, const char *text, gsize length, gint64 *clock_skew,
                        GError **error)
{
  g_autoptr(X509) ca = NULL;
  g_autoptr(BdReceipt) receipt = NULL;
  g_autoptr(BdPost) post = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *sha = NULL, *stored = NULL;
  sqlite3_stmt *stmt;
  gint64 received;
  int rc;

  if ((post = bd_post_load (db, error)) == NULL || (ca = bd_sync_load_ca (db, error)) == NULL)
    return FALSE;
  receipt = bd_receipt_verify (text, length, ca, &local);
  if (receipt == NULL)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_RECEIPT, "receipt refused: %s",
                   local->message);
      return FALSE;
    }
  if (strcmp (receipt->desk, post->desk_id) != 0)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_RECEIPT,
                   "receipt refused: it is for desk %s", receipt->desk);
      return FALSE;
    }
  if (!bd_db_begin (db, error))
    return FALSE;
  stmt = bd_db_stmt (db, "SELECT sha256, receipt FROM batches WHERE epoch = ? AND seq = ?",
                     error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, receipt->epoch);
  sqlite3_bind_int64 (stmt, 2, receipt->seq);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      sha = bd_db_column_dup (stmt, 0);
      stored = bd_db_column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_RECEIPT,
                   "receipt refused: this desk has no batch %" G_GINT64_FORMAT "/%"
                   G_GINT64_FORMAT, receipt->epoch, receipt->seq);
      goto fail;
    }
  if (strcmp (sha, receipt->sha256) != 0)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_RECEIPT,
                   "receipt refused: it acknowledges other contents for batch %"
                   G_GINT64_FORMAT, receipt->seq);
      goto fail;
    }
  if (clock_skew != NULL)
    *clock_skew = bd_time_parse (receipt->received, &received) ? received - bd_clock_now () : 0;
  if (stored != NULL)
    {
      bd_db_rollback (db);
      return TRUE;
    }
  stmt = bd_db_stmt (db, "UPDATE batches SET receipt = ?, acknowledged = ? "
                         "WHERE epoch = ? AND seq = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, text, (int) length, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, receipt->received, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, receipt->epoch);
  sqlite3_bind_int64 (stmt, 4, receipt->seq);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "storing a receipt");
      goto fail;
    }
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

gboolean
bd_sync_apply_watchlist (BdDb *db, const BdActor *actor, const char *text, gsize length,
                         gint64 *version, GError **error)
{
  g_autoptr(X509) ca = NULL;
  g_autoptr(BdWatchlistDelta) delta = NULL;

  /* The role first: a refused actor learns nothing, not even whether the
   * file verifies. */
  if (!bd_actor_require (actor, BD_PERM_IMPORT, error) ||
      (ca = bd_sync_load_ca (db, error)) == NULL ||
      (delta = bd_watchlist_delta_verify (text, length, ca, error)) == NULL)
    return FALSE;
  /* Nothing new (HQ answers from = to when the desk is current). */
  if (delta->from == delta->to && delta->added->len == 0 && delta->removed[0] == NULL)
    {
      if (version != NULL)
        *version = delta->to;
      return TRUE;
    }
  if (!bd_watchlist_apply (db, actor, delta->from, delta->to, delta->added,
                           (const char *const *) delta->removed, delta->sha256, error))
    return FALSE;
  if (version != NULL)
    *version = delta->to;
  return TRUE;
}

/* Status ------------------------------------------------------------------ */

JsonObject *
bd_sync_status (BdDb *db, GError **error)
{
  g_autoptr(JsonObject) o = json_object_new ();
  g_autoptr(BdPost) post = bd_post_load (db, error);
  g_autofree char *cert = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  sqlite3_stmt *stmt;
  gint64 stale_hours, oldest = 0, wl_version = 0;

  if (post == NULL)
    return NULL;
  cert = bd_sync_file_path (db, BD_SYNC_CERT_FILE);
  json_object_set_string_member (o, "desk", post->desk_id);
  stmt = bd_db_stmt (db, "SELECT epoch, hq_url, last_attempt, last_success, last_error, "
                         "clock_skew FROM sync_state WHERE id = 1", error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    {
      if (stmt != NULL)
        sqlite3_reset (stmt);
      bd_db_set_error (db, error, "reading the sync state");
      return NULL;
    }
  json_object_set_int_member (o, "epoch", sqlite3_column_int64 (stmt, 0));
  json_object_set_boolean_member (o, "enrolled",
                                  sqlite3_column_type (stmt, 1) != SQLITE_NULL &&
                                  g_file_test (cert, G_FILE_TEST_EXISTS));
  set_column (o, "hq_url", stmt, 1);
  set_column (o, "last_attempt", stmt, 2);
  set_column (o, "last_success", stmt, 3);
  set_column (o, "last_error", stmt, 4);
  if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
    {
      json_object_set_null_member (o, "clock_skew");
      json_object_set_boolean_member (o, "clock_skew_warning", FALSE);
    }
  else
    {
      gint64 skew = sqlite3_column_int64 (stmt, 5);
      json_object_set_int_member (o, "clock_skew", skew);
      json_object_set_boolean_member (o, "clock_skew_warning",
                                      ABS (skew) > BD_SYNC_SKEW_WARNING);
    }
  sqlite3_reset (stmt);

  /* Pending: queued and not yet in a batch, or in a batch without a
   * verified receipt. */
  stmt = bd_db_stmt (db, "SELECT count(*), min(o.id) FROM outbox o LEFT JOIN batches b "
                         "ON b.epoch = o.batch_epoch AND b.seq = o.batch_seq "
                         "WHERE o.batch_seq IS NULL OR b.receipt IS NULL", error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return (bd_db_set_error (db, error, "counting pending records"), NULL);
  json_object_set_int_member (o, "pending_records", sqlite3_column_int64 (stmt, 0));
  oldest = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);
  stmt = bd_db_stmt (db, "SELECT count(*) FROM batches WHERE receipt IS NULL", error);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return (bd_db_set_error (db, error, "counting pending batches"), NULL);
  json_object_set_int_member (o, "pending_batches", sqlite3_column_int64 (stmt, 0));
  sqlite3_reset (stmt);

  json_object_set_null_member (o, "oldest_pending");
  json_object_set_boolean_member (o, "stale", FALSE);
  if (oldest > 0)
    {
      g_autofree char *when = bd_sync_outbox_time (db, oldest);
      gint64 t;

      stale_hours = bd_setting_get_int (db, BD_SYNC_SETTING_STALE_HOURS, 24);
      if (when != NULL)
        {
          json_object_set_string_member (o, "oldest_pending", when);
          json_object_set_boolean_member (o, "stale",
                                          bd_time_parse (when, &t) &&
                                          bd_clock_now () - t > stale_hours * 3600);
        }
    }
  lists = bd_watchlist_status (db, NULL);
  for (guint i = 0; lists != NULL && i < lists->len; i++)
    {
      BdWatchlistStatus *s = lists->pdata[i];
      if (s->source == BD_WATCHLIST_HQ)
        wl_version = s->version;
    }
  json_object_set_int_member (o, "watchlist_version", wl_version);
  return g_steal_pointer (&o);
}

/* When an outbox record was written: the time of what it names. */
char *
bd_sync_outbox_time (BdDb *db, gint64 outbox_id)
{
  sqlite3_stmt *stmt = bd_db_stmt (db,
    "SELECT CASE o.kind "
    "  WHEN 'crossing' THEN (SELECT time FROM crossings WHERE id = o.ref_id) "
    "  WHEN 'amendment' THEN (SELECT time FROM amendments WHERE id = o.ref_id) "
    "  ELSE (SELECT CASE o.event WHEN 'opened' THEN opened WHEN 'closed' THEN closed "
    "        ELSE signed_off_at END FROM shifts WHERE id = o.ref_id) END "
    "FROM outbox o WHERE o.id = ?", NULL);
  char *when = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, outbox_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    when = bd_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return when;
}

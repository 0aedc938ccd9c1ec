/* bd-hq-store.c: what HQ's store decides, written once over the table of
 * functions of bd-hq-store.h: desks, alerts, batches, reports (the
 * watchlist, history and open-stays feeds are bd-hq-store-feeds.c).  SQL
 * here is the dialect SQLite and PostgreSQL share: $N parameters, ON
 * CONFLICT, COALESCE. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "bd-hq-config.h"
#include "bd-hq-stats.h"
#include "bd-hq-store.h"
#include "bd-hq-store-private.h"

G_DEFINE_QUARK (bd-hq-store-error-quark, bd_hq_store_error)

#define MAX_PARAMS 16
#define SUBMIT_TRIES 5

/* %ID% becomes the backend's auto-numbered primary key. */
static const char *const schema[] = {
  "CREATE TABLE IF NOT EXISTS desks ("
  " id TEXT PRIMARY KEY, epoch BIGINT NOT NULL, key TEXT NOT NULL,"
  " revoked INTEGER NOT NULL DEFAULT 0, last_seq BIGINT NOT NULL DEFAULT 0,"
  " last_hash TEXT NOT NULL, audit_seq BIGINT NOT NULL DEFAULT -1, audit_hash TEXT,"
  " issued TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS batches ("
  " desk TEXT NOT NULL REFERENCES desks (id), epoch BIGINT NOT NULL, seq BIGINT NOT NULL,"
  " sha256 TEXT NOT NULL, prev TEXT NOT NULL, created TEXT NOT NULL, received TEXT NOT NULL,"
  " records BIGINT NOT NULL, body TEXT NOT NULL, receipt TEXT NOT NULL,"
  " PRIMARY KEY (desk, epoch, seq))",
  "CREATE TABLE IF NOT EXISTS crossings ("
  " id TEXT PRIMARY KEY, desk TEXT NOT NULL, epoch BIGINT NOT NULL, seq BIGINT NOT NULL,"
  " post TEXT NOT NULL, day TEXT NOT NULL, direction TEXT NOT NULL, decision TEXT NOT NULL,"
  " time TEXT NOT NULL, document TEXT NOT NULL, record TEXT NOT NULL)",
  "CREATE INDEX IF NOT EXISTS crossings_document ON crossings (document, time)",
  /* The open-stays feed (docs/protocol.md, 9): each document's newest
   * admitted crossing, with the feed version that last changed it. */
  "CREATE TABLE IF NOT EXISTS open_stays ("
  " document TEXT PRIMARY KEY, id TEXT NOT NULL, time TEXT NOT NULL,"
  " direction TEXT NOT NULL, post TEXT NOT NULL, desk TEXT NOT NULL,"
  " version BIGINT NOT NULL)",
  "CREATE INDEX IF NOT EXISTS open_stays_version ON open_stays (version)",
  "CREATE TABLE IF NOT EXISTS feeds (name TEXT PRIMARY KEY, version BIGINT NOT NULL)",
  "INSERT INTO feeds (name, version) VALUES ('open-stays', 0) ON CONFLICT (name) DO NOTHING",
  "CREATE TABLE IF NOT EXISTS events ("
  " desk TEXT NOT NULL, epoch BIGINT NOT NULL, seq BIGINT NOT NULL, idx BIGINT NOT NULL,"
  " type TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (desk, epoch, seq, idx))",
  "CREATE TABLE IF NOT EXISTS audit_anchors ("
  " desk TEXT NOT NULL, epoch BIGINT NOT NULL, seq BIGINT NOT NULL,"
  " audit_seq BIGINT NOT NULL, audit_hash TEXT NOT NULL, PRIMARY KEY (desk, epoch, seq))",
  "CREATE TABLE IF NOT EXISTS alerts ("
  " id %ID%, time TEXT NOT NULL, desk TEXT NOT NULL, kind TEXT NOT NULL,"
  " detail TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS watchlist_versions ("
  " version BIGINT PRIMARY KEY, published TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS watchlist_entries ("
  " id %ID%, reference TEXT NOT NULL, list TEXT NOT NULL, action TEXT NOT NULL,"
  " surname TEXT NOT NULL, given_names TEXT NOT NULL, birth_date TEXT NOT NULL,"
  " nationality TEXT NOT NULL, document_number TEXT NOT NULL, issuing_state TEXT NOT NULL,"
  " added BIGINT NOT NULL, removed BIGINT)",
  "CREATE INDEX IF NOT EXISTS watchlist_entries_reference ON watchlist_entries (reference)",
  "CREATE TABLE IF NOT EXISTS watchlist_staged ("
  " reference TEXT PRIMARY KEY, op TEXT NOT NULL, list TEXT, action TEXT, surname TEXT,"
  " given_names TEXT, birth_date TEXT, nationality TEXT, document_number TEXT,"
  " issuing_state TEXT)",
  "CREATE INDEX IF NOT EXISTS crossings_desk ON crossings (desk)",
};


void
bd_hq_rows_free (BdHqRows *rows)
{
  if (rows == NULL)
    return;
  g_ptr_array_unref (rows->rows);
  g_free (rows);
}

void
bd_hq_desk_free (BdHqDesk *desk)
{
  if (desk == NULL)
    return;
  g_free (desk->id);
  g_free (desk->key_pem);
  g_free (desk->last_hash);
  g_free (desk->issued);
  g_free (desk);
}

void
bd_hq_submit_result_clear (BdHqSubmitResult *result)
{
  g_clear_pointer (&result->receipt, g_free);
  g_clear_pointer (&result->failure, g_free);
}

/* Runs @sql with @n text parameters from the variable arguments. */
gboolean
bd_hq_run (BdHqStore *store, BdHqRows **rows, GError **error, const char *sql, guint n, ...)
{
  const char *params[MAX_PARAMS];
  va_list ap;

  g_assert (n <= MAX_PARAMS);
  va_start (ap, n);
  for (guint i = 0; i < n; i++)
    params[i] = va_arg (ap, const char *);
  va_end (ap);
  return store->klass->exec (store, sql, n, params, rows, error);
}

gint64
bd_hq_to_i64 (const char *text)
{
  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

/* A number as a parameter: @buf must hold 24 bytes. */
const char *
bd_hq_num (char *buf, gint64 value)
{
  g_snprintf (buf, 24, "%" G_GINT64_FORMAT, value);
  return buf;
}

/* One integer from a one-row, one-column query. */
gboolean
bd_hq_scalar (BdHqStore *store, gint64 *value, GError **error, const char *sql)
{
  g_autoptr(BdHqRows) rows = NULL;

  if (!bd_hq_run (store, &rows, error, sql, 0))
    return FALSE;
  *value = rows->rows->len > 0 ? bd_hq_to_i64 (bd_hq_rows_get (rows, 0, 0)) : 0;
  return TRUE;
}

gboolean
bd_hq_not_found (GError **error, const char *what, const char *name)
{
  g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND, "no %s %s", what, name);
  return FALSE;
}

gboolean
bd_hq_store_create_schema (BdHqStore *store, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (schema); i++)
    {
      g_auto(GStrv) parts = g_strsplit (schema[i], "%ID%", -1);
      g_autofree char *sql = g_strjoinv (store->klass->id_column, parts);

      if (!bd_hq_run (store, NULL, error, sql, 0))
        return FALSE;
    }
  return TRUE;
}

BdHqStore *
bd_hq_store_open (const char *dir, const char *url, GError **error)
{
  g_autofree char *path = NULL;

  if (url == NULL || *url == '\0')
    {
      path = g_build_filename (dir, "hq.db", NULL);
      return bd_hq_store_sqlite_open (path, error);
    }
  if (g_str_has_prefix (url, "sqlite:"))
    return bd_hq_store_sqlite_open (url + strlen ("sqlite:"), error);
  if (g_str_has_prefix (url, "postgresql://") || g_str_has_prefix (url, "postgres://"))
    {
#if BD_HQ_HAVE_PG
      return bd_hq_store_pg_open (url, error);
#else
      g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_URL,
                   "this borderdesk-hq was built without PostgreSQL");
      return NULL;
#endif
    }
  g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_URL,
               "%s: not sqlite:PATH or postgresql://...", url);
  return NULL;
}

void
bd_hq_store_close (BdHqStore *store)
{
  if (store != NULL)
    store->klass->close (store);
}

/* Desks. */

static BdHqDesk *
desk_from_row (const BdHqRows *rows, guint i)
{
  BdHqDesk *desk = g_new0 (BdHqDesk, 1);

  desk->id = g_strdup (bd_hq_rows_get (rows, i, 0));
  desk->epoch = bd_hq_to_i64 (bd_hq_rows_get (rows, i, 1));
  desk->key_pem = g_strdup (bd_hq_rows_get (rows, i, 2));
  desk->revoked = bd_hq_to_i64 (bd_hq_rows_get (rows, i, 3)) != 0;
  desk->last_seq = bd_hq_to_i64 (bd_hq_rows_get (rows, i, 4));
  desk->last_hash = g_strdup (bd_hq_rows_get (rows, i, 5));
  desk->audit_seq = bd_hq_to_i64 (bd_hq_rows_get (rows, i, 6));
  desk->issued = g_strdup (bd_hq_rows_get (rows, i, 7));
  return desk;
}

#define DESK_COLUMNS "id, epoch, key, revoked, last_seq, last_hash, audit_seq, issued"

/* The desk row, locked for the rest of the transaction where the
 * backend can lock rows.  NULL without @error when there is none. */
static BdHqDesk *
desk_lock (BdHqStore *store, const char *id, GError **error)
{
  g_autofree char *sql = g_strconcat ("SELECT " DESK_COLUMNS " FROM desks WHERE id = $1",
                                      store->klass->lock_suffix, NULL);
  g_autoptr(BdHqRows) rows = NULL;

  if (!bd_hq_run (store, &rows, error, sql, 1, id) || rows->rows->len == 0)
    return NULL;
  return desk_from_row (rows, 0);
}

gboolean
bd_hq_store_desk_register (BdHqStore *store, const char *id, const char *key_pem,
                           const char *now, gint64 *epoch, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(BdHqDesk) desk = NULL;
  gboolean ok;

  if (!store->klass->begin_write (store, error))
    return FALSE;
  desk = desk_lock (store, id, &local);
  if (local != NULL)
    ok = FALSE;
  else if (desk == NULL)
    ok = bd_hq_run (store, NULL, &local,
              "INSERT INTO desks (id, epoch, key, last_hash, issued) VALUES ($1, 1, $2, $3, $4)",
              4, id, key_pem, BD_SHA256_ZERO, now);
  else
    ok = bd_hq_run (store, NULL, &local,
              "UPDATE desks SET epoch = epoch + 1, key = $2, revoked = 0, last_seq = 0,"
              " last_hash = $3, audit_seq = -1, audit_hash = NULL, issued = $4 WHERE id = $1",
              4, id, key_pem, BD_SHA256_ZERO, now);
  if (!ok || !store->klass->commit (store, &local))
    {
      store->klass->rollback (store);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (epoch != NULL)
    *epoch = desk != NULL ? desk->epoch + 1 : 1;
  return TRUE;
}

gboolean
bd_hq_store_desk_revoke (BdHqStore *store, const char *id, GError **error)
{
  g_autoptr(BdHqRows) rows = NULL;

  if (!bd_hq_run (store, &rows, error, "UPDATE desks SET revoked = 1 WHERE id = $1 RETURNING id",
            1, id))
    return FALSE;
  if (rows->rows->len == 0)
    return bd_hq_not_found (error, "desk", id);
  return TRUE;
}

BdHqDesk *
bd_hq_store_desk_get (BdHqStore *store, const char *id, GError **error)
{
  g_autoptr(BdHqRows) rows = NULL;

  if (!bd_hq_run (store, &rows, error, "SELECT " DESK_COLUMNS " FROM desks WHERE id = $1", 1, id))
    return NULL;
  if (rows->rows->len == 0)
    return (bd_hq_not_found (error, "desk", id), NULL);
  return desk_from_row (rows, 0);
}

GPtrArray *
bd_hq_store_desk_list (BdHqStore *store, GError **error)
{
  g_autoptr(BdHqRows) rows = NULL;
  GPtrArray *desks;

  if (!bd_hq_run (store, &rows, error, "SELECT " DESK_COLUMNS " FROM desks ORDER BY id", 0))
    return NULL;
  desks = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_hq_desk_free);
  for (guint i = 0; i < rows->rows->len; i++)
    g_ptr_array_add (desks, desk_from_row (rows, i));
  return desks;
}

/* Alerts. */

gboolean
bd_hq_store_alert_add (BdHqStore *store, const char *now, const char *desk, const char *kind,
                       const char *detail, GError **error)
{
  return bd_hq_run (store, NULL, error,
              "INSERT INTO alerts (time, desk, kind, detail) VALUES ($1, $2, $3, $4)",
              4, now, desk, kind, detail);
}

BdHqRows *
bd_hq_store_alert_list (BdHqStore *store, GError **error)
{
  BdHqRows *rows = NULL;

  if (!bd_hq_run (store, &rows, error,
                  "SELECT id, time, desk, kind, detail FROM alerts ORDER BY id", 0))
    return NULL;
  return rows;
}

/* Batches. */

typedef struct {
  gsize start;
  gsize length;
} Span;

/* Where each element of the payload's top-level "records" array lies in
 * the bytes the desk signed, so that HQ keeps each record exactly as it
 * was signed (and skips serializing it again).  The payload has been
 * parsed already; a payload this scan does not follow (an escaped member
 * name, say) yields a count that does not match, and the caller falls
 * back to json-glib's text. */
static GArray *
record_spans (const char *p, gsize n)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (Span));
  int depth = 0, array_depth = -1;
  gboolean key_is_records = FALSE, in_array = FALSE;
  gsize start = 0;
  Span span;

  for (gsize i = 0; i < n; i++)
    {
      char c = p[i];

      if (c == '"')
        {
          gsize j = i + 1;

          while (j < n && p[j] != '"')
            j += p[j] == '\\' ? 2 : 1;
          if (depth == 1 && !in_array)
            key_is_records = j - i - 1 == strlen ("records") &&
                             memcmp (p + i + 1, "records", j - i - 1) == 0;
          i = j;
          continue;
        }
      if (c == '{' || c == '[')
        {
          depth++;
          if (c == '[' && depth == 2 && key_is_records && array_depth < 0)
            {
              in_array = TRUE;
              array_depth = depth;
              start = i + 1;
            }
        }
      else if (c == '}' || c == ']' || c == ',')
        {
          if (in_array && depth == array_depth && (c == ',' || c == ']'))
            {
              span.start = start;
              span.length = i - start;
              while (span.length > 0 && g_ascii_isspace (p[span.start]))
                span.start++, span.length--;
              while (span.length > 0 && g_ascii_isspace (p[span.start + span.length - 1]))
                span.length--;
              if (span.length > 0)
                g_array_append_val (spans, span);
              start = i + 1;
              in_array = c == ',';
            }
          if (c != ',')
            depth--;
        }
    }
  return spans;
}

#define ROWS_PER_INSERT 100

/* Inserts rows of @n_columns parameters each (flattened in @params),
 * ROWS_PER_INSERT to a statement: a round trip per hundred records, not
 * per record, on PostgreSQL. */
static gboolean
insert_rows (BdHqStore *store, const char *head, const char *tail, guint n_columns,
             GPtrArray *params, GError **error)
{
  guint n_rows = params->len / n_columns;

  for (guint first = 0; first < n_rows; first += ROWS_PER_INSERT)
    {
      guint k = MIN (ROWS_PER_INSERT, n_rows - first);
      g_autoptr(GString) sql = g_string_new (head);

      for (guint r = 0; r < k; r++)
        {
          g_string_append (sql, r > 0 ? ", (" : " (");
          for (guint c = 0; c < n_columns; c++)
            g_string_append_printf (sql, "%s$%u", c > 0 ? ", " : "", r * n_columns + c + 1);
          g_string_append_c (sql, ')');
        }
      g_string_append (sql, tail);
      if (!store->klass->exec (store, sql->str, k * n_columns,
                               (const char *const *) params->pdata + first * n_columns, NULL,
                               error))
        return FALSE;
    }
  return TRUE;
}

#define CROSSING_COLUMNS 11

/* The open-stays feed follows each admitted crossing that is newer than
 * the one kept for its document (batches from several desks arrive in
 * any order: an older one changes nothing).  A batch with admitted
 * crossings takes one new feed version; taking it locks the feed's row
 * until commit, so versions commit in order.  @crossings: the rows just
 * inserted, CROSSING_COLUMNS each:
 * id, desk, epoch, seq, post, day, direction, decision, time, document, record. */
static gboolean
update_open_stays (BdHqStore *store, GPtrArray *crossings, GError **error)
{
  g_autoptr(GHashTable) newest = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(BdHqRows) v = NULL;
  GHashTableIter iter;
  gpointer value;

  /* One row a document: one statement cannot update a row twice. */
  for (guint i = 0; i < crossings->len; i += CROSSING_COLUMNS)
    {
      const char *const *c = (const char *const *) crossings->pdata + i;
      const char *const *kept;

      if (strcmp (c[7], "admitted") != 0)
        continue;
      kept = g_hash_table_lookup (newest, c[9]);
      if (kept == NULL || strcmp (c[8], kept[8]) > 0 ||
          (strcmp (c[8], kept[8]) == 0 && strcmp (c[0], kept[0]) > 0))
        g_hash_table_insert (newest, (gpointer) c[9], (gpointer) c);
    }
  if (g_hash_table_size (newest) == 0)
    return TRUE;
  if (!bd_hq_run (store, &v, error, "UPDATE feeds SET version = version + 1"
            " WHERE name = 'open-stays' RETURNING version", 0))
    return FALSE;
  g_hash_table_iter_init (&iter, newest);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const char *const *c = value;
      const char *row[] = { c[9], c[0], c[8], c[6], c[4], c[1], bd_hq_rows_get (v, 0, 0) };

      for (gsize k = 0; k < G_N_ELEMENTS (row); k++)
        g_ptr_array_add (rows, (gpointer) row[k]);
    }
  return insert_rows (store, "INSERT INTO open_stays (document, id, time, direction, post, desk,"
                      " version) VALUES",
                      " ON CONFLICT (document) DO UPDATE SET id = excluded.id,"
                      " time = excluded.time, direction = excluded.direction,"
                      " post = excluded.post, desk = excluded.desk, version = excluded.version"
                      " WHERE excluded.time > open_stays.time OR (excluded.time = open_stays.time"
                      " AND excluded.id > open_stays.id)", 7, rows, error);
}

/* Every record of @batch: crossings by their UUID (one crossing whatever
 * batch carries it, stored once), the others by their place in it. */
static gboolean
store_records (BdHqStore *store, const BdBatch *batch, const char *epoch, const char *seq,
               GError **error)
{
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) crossings = g_ptr_array_new ();
  g_autoptr(GPtrArray) events = g_ptr_array_new ();
  g_autoptr(GArray) spans = NULL;
  const char *payload = g_bytes_get_data (batch->jws->payload, NULL);
  guint n = json_array_get_length (batch->records);

  spans = record_spans (payload, g_bytes_get_size (batch->jws->payload));
  for (guint idx = 0; idx < n; idx++)
    {
      JsonNode *node = json_array_get_element (batch->records, idx);
      JsonObject *r = json_node_get_object (node);
      const char *type = json_object_get_string_member (r, "type");
      char *text = spans->len == n ?
        g_strndup (payload + g_array_index (spans, Span, idx).start,
                   g_array_index (spans, Span, idx).length) :
        json_to_string (node, FALSE);

      g_ptr_array_add (owned, text);
      if (strcmp (type, "crossing") == 0)
        {
          const char *time = json_object_get_string_member (r, "time");
          JsonObject *doc = json_object_get_object_member (r, "document");
          char *day = g_strndup (time, 10);
          char *document = g_strdup_printf ("%s:%s",
                                            json_object_get_string_member (doc, "issuing_state"),
                                            json_object_get_string_member (doc, "number"));
          const char *row[] = {
            json_object_get_string_member (r, "id"), batch->desk, epoch, seq,
            json_object_get_string_member (r, "post"), day,
            json_object_get_string_member (r, "direction"),
            json_object_get_string_member (r, "decision"), time, document, text
          };

          g_ptr_array_add (owned, day);
          g_ptr_array_add (owned, document);
          for (gsize c = 0; c < G_N_ELEMENTS (row); c++)
            g_ptr_array_add (crossings, (gpointer) row[c]);
        }
      else
        {
          char *i = g_strdup_printf ("%u", idx);
          const char *row[] = { batch->desk, epoch, seq, i, type, text };

          g_ptr_array_add (owned, i);
          for (gsize c = 0; c < G_N_ELEMENTS (row); c++)
            g_ptr_array_add (events, (gpointer) row[c]);
        }
    }
  return insert_rows (store, "INSERT INTO crossings (id, desk, epoch, seq, post, day, direction,"
                      " decision, time, document, record) VALUES", " ON CONFLICT (id) DO NOTHING",
                      11, crossings, error) &&
         insert_rows (store, "INSERT INTO events (desk, epoch, seq, idx, type, record) VALUES",
                      "", 6, events, error) &&
         update_open_stays (store, crossings, error);
}

/* Inside the write transaction, with the desk row locked. */
static gboolean
submit_locked (BdHqStore *store, const BdBatch *batch, const char *receipt, const char *now,
               BdHqSubmitResult *result, GError **error)
{
  g_autoptr(BdHqDesk) desk = NULL;
  g_autoptr(BdHqRows) rows = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *body = NULL;
  g_autofree char *sig64 = NULL;
  char e[24], s[24], n[24], a[24];
  GError *local = NULL;

  desk = desk_lock (store, batch->desk, &local);
  if (local != NULL)
    return (g_propagate_error (error, local), FALSE);
  if (desk == NULL)
    return (result->status = BD_HQ_SUBMIT_UNKNOWN, TRUE);
  if (desk->revoked)
    {
      result->status = BD_HQ_SUBMIT_REVOKED;
      detail = g_strdup_printf ("a batch from a revoked desk (epoch %" G_GINT64_FORMAT
                                ", seq %" G_GINT64_FORMAT ")", batch->epoch, batch->seq);
      return bd_hq_store_alert_add (store, now, batch->desk, "revoked-desk", detail, error);
    }
  bd_hq_num (e, batch->epoch);
  bd_hq_num (s, batch->seq);
  if (!bd_hq_run (store, &rows, error,
            "SELECT sha256, receipt FROM batches WHERE desk = $1 AND epoch = $2 AND seq = $3",
            3, batch->desk, e, s))
    return FALSE;
  if (rows->rows->len > 0)
    {
      if (strcmp (bd_hq_rows_get (rows, 0, 0), batch->sha256) == 0)
        {
          result->status = BD_HQ_SUBMIT_REPLAY;
          result->receipt = g_strdup (bd_hq_rows_get (rows, 0, 1));
          return TRUE;
        }
      result->status = BD_HQ_SUBMIT_CONFLICT;
      detail = g_strdup_printf ("epoch %" G_GINT64_FORMAT " seq %" G_GINT64_FORMAT
                                ": stored sha256 %s, offered %s", batch->epoch, batch->seq,
                                bd_hq_rows_get (rows, 0, 0), batch->sha256);
      return bd_hq_store_alert_add (store, now, batch->desk, "conflict", detail, error);
    }
  if (batch->epoch != desk->epoch)
    return (result->status = BD_HQ_SUBMIT_EPOCH, result->expected_seq = desk->epoch, TRUE);
  result->expected_seq = desk->last_seq + 1;
  if (batch->seq != desk->last_seq + 1)
    return (result->status = BD_HQ_SUBMIT_GAP, TRUE);
  if (strcmp (batch->prev, desk->last_hash) != 0)
    return (result->status = BD_HQ_SUBMIT_PREV, TRUE);

  /* Kept in the compact serialization: what a later audit re-verifies. */
  sig64 = bd_base64url_encode (g_bytes_get_data (batch->jws->signature, NULL),
                               g_bytes_get_size (batch->jws->signature));
  body = g_strconcat (batch->jws->signing_input, ".", sig64, NULL);
  if (!bd_hq_run (store, NULL, error,
            "INSERT INTO batches (desk, epoch, seq, sha256, prev, created, received, records,"
            " body, receipt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            10, batch->desk, e, s, batch->sha256, batch->prev, batch->created, now,
            bd_hq_num (n, json_array_get_length (batch->records)), body, receipt))
    return FALSE;
  if (!store_records (store, batch, e, s, error))
    return FALSE;
  if (!bd_hq_run (store, NULL, error,
            "INSERT INTO audit_anchors (desk, epoch, seq, audit_seq, audit_hash)"
            " VALUES ($1, $2, $3, $4, $5)",
            5, batch->desk, e, s, bd_hq_num (a, batch->audit_seq), batch->audit_hash) ||
      !bd_hq_run (store, NULL, error,
            "UPDATE desks SET last_seq = $2, last_hash = $3, audit_seq = $4, audit_hash = $5"
            " WHERE id = $1",
            5, batch->desk, s, batch->sha256, a, batch->audit_hash))
    return FALSE;
  if (batch->audit_seq < desk->audit_seq)
    {
      result->audit_backwards = TRUE;
      g_clear_pointer (&detail, g_free);
      detail = g_strdup_printf ("seq %" G_GINT64_FORMAT ": audit head %" G_GINT64_FORMAT
                                " after %" G_GINT64_FORMAT, batch->seq, batch->audit_seq,
                                desk->audit_seq);
      if (!bd_hq_store_alert_add (store, now, batch->desk, "audit-backwards", detail, error))
        return FALSE;
    }
  result->status = BD_HQ_SUBMIT_STORED;
  result->receipt = g_strdup (receipt);
  return TRUE;
}

/* Refusals that raised no alert leave nothing to keep. */
static gboolean
keeps (const BdHqSubmitResult *result)
{
  return result->status == BD_HQ_SUBMIT_STORED || result->status == BD_HQ_SUBMIT_CONFLICT ||
         result->status == BD_HQ_SUBMIT_REVOKED;
}

gboolean
bd_hq_store_submit (BdHqStore *store, const BdBatch *batch, const char *receipt,
                    const char *now, BdHqSubmitResult *result, GError **error)
{
  for (int attempt = 1;; attempt++)
    {
      g_autoptr(GError) local = NULL;

      memset (result, 0, sizeof *result);
      if (!store->klass->begin_write (store, &local))
        ;
      else if (submit_locked (store, batch, receipt, now, result, &local))
        {
          if (!keeps (result))
            {
              store->klass->rollback (store);
              return TRUE;
            }
          if (store->klass->commit (store, &local))
            return TRUE;
        }
      store->klass->rollback (store);
      bd_hq_submit_result_clear (result);
      /* A lost connection too: the retry starts on a new one, and finds
       * the batch stored if the lost COMMIT had gone through. */
      if (attempt >= SUBMIT_TRIES ||
          !(g_error_matches (local, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_RETRY) ||
            g_error_matches (local, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_UNAVAILABLE)))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_usleep (g_random_int_range (1000, 20000) * attempt);
    }
}

gboolean
bd_hq_store_submit_group (BdHqStore *store, guint n, const BdBatch *const *batches,
                          const char *const *receipts, const char *const *nows,
                          BdHqSubmitResult *results, GError **error)
{
  gboolean ok = store->klass->begin_write (store, error);

  /* All of them: a group that stops early clears them all. */
  memset (results, 0, n * sizeof *results);
  for (guint i = 0; ok && i < n; i++)
    {
      g_autoptr(GError) local = NULL;
      BdHqSubmitResult *r = &results[i];

      if (!bd_hq_run (store, NULL, error, "SAVEPOINT batch", 0))
        ok = FALSE;
      else if (!submit_locked (store, batches[i], receipts[i], nows[i], r, &local))
        {
          bd_hq_submit_result_clear (r);
          /* A full disk or a lost server is the store's failure, not the
           * batch's (and SQLite may have rolled the whole transaction
           * back): the group fails with it. */
          if (g_error_matches (local, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FULL) ||
              g_error_matches (local, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_UNAVAILABLE))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              ok = FALSE;
              break;
            }
          r->status = BD_HQ_SUBMIT_FAILED;
          r->failure = g_strdup (local->message);
        }
      if (ok && !keeps (r))
        ok = bd_hq_run (store, NULL, error, "ROLLBACK TO SAVEPOINT batch", 0);
      ok = ok && bd_hq_run (store, NULL, error, "RELEASE SAVEPOINT batch", 0);
    }
  if (ok && store->klass->commit (store, error))
    return TRUE;
  store->klass->rollback (store);
  for (guint i = 0; i < n; i++)
    bd_hq_submit_result_clear (&results[i]);
  return FALSE;
}

/* Reports. */

JsonNode *
bd_hq_store_report (BdHqStore *store, const char *from, const char *to, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(BdHqRows) desks = NULL;
  g_autoptr(BdHqRows) rows = NULL;
  gint64 crossings, batches, records;

  if (!bd_hq_scalar (store, &crossings, error, "SELECT COUNT(*) FROM crossings") ||
      !bd_hq_scalar (store, &batches, error, "SELECT COUNT(*) FROM batches") ||
      !bd_hq_scalar (store, &records, error, "SELECT COALESCE(SUM(records), 0) FROM batches") ||
      !bd_hq_run (store, &desks, error,
            "SELECT d.id, d.epoch, d.revoked,"
            " (SELECT COUNT(*) FROM batches b WHERE b.desk = d.id),"
            " (SELECT COUNT(*) FROM crossings c WHERE c.desk = d.id)"
            " FROM desks d ORDER BY d.id", 0) ||
      !bd_hq_run (store, &rows, error,
            "SELECT post, desk, day, direction, COUNT(*) FROM crossings"
            " WHERE day >= $1 AND day <= $2"
            " GROUP BY post, desk, day, direction ORDER BY post, desk, day, direction", 2,
            from != NULL ? from : "0000-00-00", to != NULL ? to : "9999-99-99"))
    return NULL;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "crossings");
  json_builder_add_int_value (b, crossings);
  json_builder_set_member_name (b, "batches");
  json_builder_add_int_value (b, batches);
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, records);
  json_builder_set_member_name (b, "desks");
  json_builder_begin_array (b);
  for (guint i = 0; i < desks->rows->len; i++)
    {
      const char *id = bd_hq_rows_get (desks, i, 0);
      g_autofree char *post = g_strndup (id, strcspn (id, "/"));

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "desk");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "post");
      json_builder_add_string_value (b, post);
      json_builder_set_member_name (b, "epoch");
      json_builder_add_int_value (b, bd_hq_to_i64 (bd_hq_rows_get (desks, i, 1)));
      json_builder_set_member_name (b, "revoked");
      json_builder_add_boolean_value (b, bd_hq_to_i64 (bd_hq_rows_get (desks, i, 2)) != 0);
      json_builder_set_member_name (b, "batches");
      json_builder_add_int_value (b, bd_hq_to_i64 (bd_hq_rows_get (desks, i, 3)));
      json_builder_set_member_name (b, "crossings");
      json_builder_add_int_value (b, bd_hq_to_i64 (bd_hq_rows_get (desks, i, 4)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->rows->len; i++)
    {
      static const char *const names[] = { "post", "desk", "day", "direction" };

      json_builder_begin_object (b);
      for (guint c = 0; c < G_N_ELEMENTS (names); c++)
        {
          json_builder_set_member_name (b, names[c]);
          json_builder_add_string_value (b, bd_hq_rows_get (rows, i, c));
        }
      json_builder_set_member_name (b, "crossings");
      json_builder_add_int_value (b, bd_hq_to_i64 (bd_hq_rows_get (rows, i, 4)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (!bd_hq_stats_add (store, from, to, b, error))
    return NULL;
  json_builder_end_object (b);
  return json_builder_get_root (b);
}


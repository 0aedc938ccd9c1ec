/* bd-watchlist.c: storing watchlist entries and their index (bd-watchlist.h).
 *
 * Every change is one transaction: entries, index rows, the source's
 * version and the audit event are written together or not at all, so a
 * screen never sees half a list.  Index rows are found again by
 * recomputing an entry's keys from its stored fields (the key functions
 * are deterministic for one BD_WATCHLIST_INDEX_VERSION).
 */
#include "config.h"

#include <string.h>
#include <openssl/evp.h>

#include "bd-audit.h"
#include "bd-date.h"
#include "bd-watchlist-private.h"

G_DEFINE_QUARK (bd-watchlist-error-quark, bd_watchlist_error)

/* Index rows waiting to be written.  They are sorted by key first, so a
 * large change walks the index B-trees in order rather than at random
 * (a 10 000-entry delta on a million-entry list: several times faster). */
typedef struct {
  gint64 key;
  gint64 id;
  gint64 birth;
} NamePosting;

typedef struct {
  char *key;
  gint64 id;
} DocPosting;

typedef struct {
  GArray *names;   /* NamePosting */
  GArray *docs;    /* DocPosting */
} Postings;

static void
doc_posting_clear (DocPosting *p)
{
  g_free (p->key);
}

static void
postings_init (Postings *p)
{
  p->names = g_array_new (FALSE, FALSE, sizeof (NamePosting));
  p->docs = g_array_new (FALSE, FALSE, sizeof (DocPosting));
  g_array_set_clear_func (p->docs, (GDestroyNotify) doc_posting_clear);
}

static void
postings_clear (Postings *p)
{
  g_clear_pointer (&p->names, g_array_unref);
  g_clear_pointer (&p->docs, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Postings, postings_clear)

/* The index rows of one entry, from its stored fields. */
static void
collect_postings (Postings *p, gint64 id, BdWatchlistList list, const char *surname,
                  const char *given, const char *birth_date, const char *number,
                  const char *state)
{
  if (list == BD_WATCHLIST_PERSONS && (*surname != '\0' || *given != '\0'))
    {
      g_autoptr(BdName) name = bd_name_new (surname, given);
      g_autoptr(GPtrArray) texts = bd_watchlist_name_key_texts (name, NULL);
      g_autoptr(GPtrArray) pairs = bd_watchlist_name_pair_texts (name, NULL);
      guint year = bd_watchlist_year_code (birth_date);
      gint64 birth = bd_watchlist_birth_number (birth_date);

      g_ptr_array_extend_and_steal (texts, g_steal_pointer (&pairs));
      for (guint i = 0; i < texts->len; i++)
        {
          NamePosting n = { bd_watchlist_name_key (texts->pdata[i], year), id, birth };
          g_array_append_val (p->names, n);
        }
    }
  if (*number != '\0')
    {
      DocPosting d = { bd_watchlist_document_key (number, state), id };
      g_array_append_val (p->docs, d);
    }
}

static int
compare_name_postings (gconstpointer pa, gconstpointer pb)
{
  const NamePosting *a = pa, *b = pb;

  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

static int
compare_doc_postings (gconstpointer pa, gconstpointer pb)
{
  const DocPosting *a = pa, *b = pb;
  int c = strcmp (a->key, b->key);

  return c != 0 ? c : a->id < b->id ? -1 : a->id > b->id;
}

/* Writes (or with @remove deletes) the collected rows, and empties @p. */
static gboolean
write_postings (BdDb *db, Postings *p, gboolean remove, GError **error)
{
  sqlite3_stmt *stmt;

  g_array_sort (p->names, compare_name_postings);
  g_array_sort (p->docs, compare_doc_postings);
  for (guint i = 0; i < p->names->len; i++)
    {
      NamePosting *n = &g_array_index (p->names, NamePosting, i);
      int rc;

      stmt = remove ? bd_db_stmt (db, "DELETE FROM watchlist_name_keys WHERE key = ? "
                                      "AND entry_id = ?", error)
                    : bd_db_stmt (db, "INSERT OR IGNORE INTO watchlist_name_keys "
                                      "(key, entry_id, birth) VALUES (?, ?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, n->key);
      sqlite3_bind_int64 (stmt, 2, n->id);
      if (!remove)
        sqlite3_bind_int64 (stmt, 3, n->birth);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return bd_db_set_error (db, error, "indexing watchlist names");
    }
  for (guint i = 0; i < p->docs->len; i++)
    {
      DocPosting *d = &g_array_index (p->docs, DocPosting, i);
      int rc;

      stmt = remove ? bd_db_stmt (db, "DELETE FROM watchlist_document_keys WHERE key = ? "
                                      "AND entry_id = ?", error)
                    : bd_db_stmt (db, "INSERT OR IGNORE INTO watchlist_document_keys "
                                      "(key, entry_id) VALUES (?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, d->key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, d->id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return bd_db_set_error (db, error, "indexing watchlist documents");
    }
  g_array_set_size (p->names, 0);
  g_array_set_size (p->docs, 0);
  return TRUE;
}

/* Stores @e; its index rows go to @postings, for the caller to write. */
static gboolean
insert_entry (BdDb *db, BdWatchlistSource source, const BdWatchlistEntry *e, const char *now,
              gint64 version, Postings *postings, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "INSERT INTO watchlist_entries (list, source, surname, "
                                       "given_names, birth_date, nationality, document_number, "
                                       "issuing_state, action, reference, imported, version) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, bd_watchlist_list_to_string (e->list), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, bd_watchlist_source_to_string (source), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, e->surname, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, e->given_names, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, e->birth_date, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, e->nationality, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, e->document_number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, e->issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, bd_watchlist_action_to_string (e->action), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, e->reference, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 12, version);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc == SQLITE_CONSTRAINT_UNIQUE)
    {
      g_set_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_REFERENCE,
                   "reference %s is already on the %s list", e->reference,
                   bd_watchlist_source_to_string (source));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "storing a watchlist entry");
  collect_postings (postings, sqlite3_last_insert_rowid (bd_db_handle (db)), e->list, e->surname,
                    e->given_names, e->birth_date, e->document_number, e->issuing_state);
  return TRUE;
}

typedef struct {
  gint64 id;
  char *list, *surname, *given, *birth, *number, *state;
} StoredRow;

static void
stored_row_free (StoredRow *r)
{
  g_free (r->list);
  g_free (r->surname);
  g_free (r->given);
  g_free (r->birth);
  g_free (r->number);
  g_free (r->state);
  g_free (r);
}

/* Collects the rows first: the statement is not stepped while its table changes. */
static GPtrArray *
stored_rows (BdDb *db, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_row_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      StoredRow *r = g_new0 (StoredRow, 1);

      r->id = sqlite3_column_int64 (stmt, 0);
      r->list = bd_db_column_dup (stmt, 1);
      r->surname = bd_db_column_dup (stmt, 2);
      r->given = bd_db_column_dup (stmt, 3);
      r->birth = bd_db_column_dup (stmt, 4);
      r->number = bd_db_column_dup (stmt, 5);
      r->state = bd_db_column_dup (stmt, 6);
      g_ptr_array_add (rows, r);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading watchlist entries");
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/* Deletes the entries of @rows with their index rows. */
static gboolean
delete_rows (BdDb *db, GPtrArray *rows, GError **error)
{
  g_auto(Postings) postings = { NULL, };

  postings_init (&postings);
  for (guint i = 0; i < rows->len; i++)
    {
      StoredRow *r = rows->pdata[i];
      BdWatchlistList list = BD_WATCHLIST_PERSONS;

      bd_watchlist_list_from_string (r->list, &list);
      collect_postings (&postings, r->id, list, r->surname, r->given, r->birth, r->number,
                        r->state);
    }
  if (!write_postings (db, &postings, TRUE, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      sqlite3_stmt *stmt = bd_db_stmt (db, "DELETE FROM watchlist_entries WHERE id = ?", error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, ((StoredRow *) rows->pdata[i])->id);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return bd_db_set_error (db, error, "removing a watchlist entry");
    }
  return TRUE;
}

#define REINDEX_BATCH 500000

static gboolean
reindex_locked (BdDb *db, GError **error)
{
  g_auto(Postings) postings = { NULL, };
  sqlite3_stmt *stmt;
  int rc;

  if (!bd_db_exec (db, "DELETE FROM watchlist_name_keys", error) ||
      !bd_db_exec (db, "DELETE FROM watchlist_document_keys", error))
    return FALSE;
  stmt = bd_db_stmt (db, "SELECT id, list, surname, given_names, birth_date, document_number, "
                         "issuing_state FROM watchlist_entries", error);
  if (stmt == NULL)
    return FALSE;
  /* Inserting into the key tables while stepping over the entries is
   * safe: the statement reads another table.  Rows go out in sorted
   * batches of bounded size. */
  postings_init (&postings);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdWatchlistList list = BD_WATCHLIST_PERSONS;

      bd_watchlist_list_from_string ((const char *) sqlite3_column_text (stmt, 1), &list);
      collect_postings (&postings, sqlite3_column_int64 (stmt, 0), list,
                        (const char *) sqlite3_column_text (stmt, 2),
                        (const char *) sqlite3_column_text (stmt, 3),
                        (const char *) sqlite3_column_text (stmt, 4),
                        (const char *) sqlite3_column_text (stmt, 5),
                        (const char *) sqlite3_column_text (stmt, 6));
      if (postings.names->len >= REINDEX_BATCH && !write_postings (db, &postings, FALSE, error))
        {
          sqlite3_reset (stmt);
          return FALSE;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading watchlist entries");
  if (!write_postings (db, &postings, FALSE, error))
    return FALSE;
  stmt = bd_db_stmt (db, "INSERT INTO watchlist_index (id, version) VALUES (1, ?) "
                         "ON CONFLICT (id) DO UPDATE SET version = excluded.version", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, BD_WATCHLIST_INDEX_VERSION);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "recording the watchlist index version");
  return TRUE;
}

static gboolean
index_current (BdDb *db, gboolean *current, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT version FROM watchlist_index WHERE id = 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  *current = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) == BD_WATCHLIST_INDEX_VERSION;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the watchlist index version");
  return TRUE;
}

gboolean
bd_watchlist_reindex (BdDb *db, GError **error)
{
  if (!bd_db_begin (db, error))
    return FALSE;
  if (!reindex_locked (db, error))
    {
      bd_db_rollback (db);
      return FALSE;
    }
  return bd_db_commit (db, error);
}

gboolean
bd_watchlist_ensure_index (BdDb *db, GError **error)
{
  gboolean current = FALSE;

  if (!index_current (db, &current, error))
    return FALSE;
  if (current)
    return TRUE;
  if (!bd_db_begin (db, error))
    return FALSE;
  /* Re-read under the write lock: another process may have rebuilt it. */
  if (!index_current (db, &current, error) || (!current && !reindex_locked (db, error)))
    {
      bd_db_rollback (db);
      return FALSE;
    }
  return bd_db_commit (db, error);
}

static gboolean
read_meta (BdDb *db, BdWatchlistSource source, gint64 *version, gint64 *persons,
           gint64 *documents, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT version, persons, documents FROM watchlist_meta "
                                       "WHERE source = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  *version = *persons = *documents = 0;
  sqlite3_bind_text (stmt, 1, bd_watchlist_source_to_string (source), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *version = sqlite3_column_int64 (stmt, 0);
      *persons = sqlite3_column_int64 (stmt, 1);
      *documents = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the watchlist version");
  return TRUE;
}

static gboolean
write_meta (BdDb *db, BdWatchlistSource source, gint64 version, const char *now, gint64 persons,
            gint64 documents, const char *sha256, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "INSERT INTO watchlist_meta (source, version, updated, "
                                       "persons, documents, sha256) VALUES (?, ?, ?, ?, ?, ?) "
                                       "ON CONFLICT (source) DO UPDATE SET "
                                       "version = excluded.version, updated = excluded.updated, "
                                       "persons = excluded.persons, "
                                       "documents = excluded.documents, "
                                       "sha256 = excluded.sha256", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, bd_watchlist_source_to_string (source), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, persons);
  sqlite3_bind_int64 (stmt, 5, documents);
  sqlite3_bind_text (stmt, 6, sha256 != NULL ? sha256 : "", -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "recording the watchlist version");
  return TRUE;
}

static void
sha256_hex (const char *data, gsize length, char out[65])
{
  guint8 digest[32];
  unsigned int n = 0;

  EVP_Digest (data, length, digest, &n, EVP_sha256 (), NULL);
  for (guint i = 0; i < 32; i++)
    g_snprintf (out + 2 * i, 3, "%02x", digest[i]);
}

gboolean
bd_watchlist_import_csv (BdDb *db, const BdActor *actor, const char *data, gsize length,
                         BdWatchlistImport *result, GError **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *now = bd_time_format (bd_clock_now ());
  BdWatchlistImport r = { 0, };
  g_auto(Postings) postings = { NULL, };
  gint64 unused;
  sqlite3_stmt *stmt;

  if (!bd_actor_require (actor, BD_PERM_IMPORT, error))
    return FALSE;
  if (bd_watchlist_looks_signed (data, length))
    {
      g_set_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_SIGNED,
                   "this is a signed watchlist delta from HQ, not a CSV: signed deltas are "
                   "verified and applied by the sync feature, which this desk does not have "
                   "yet; a post without links imports the list as CSV");
      return FALSE;
    }
  entries = bd_watchlist_parse_csv (data, length, error);
  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      BdWatchlistEntry *e = entries->pdata[i];
      if (e->list == BD_WATCHLIST_PERSONS)
        r.persons++;
      else
        r.documents++;
    }
  sha256_hex (data, length, r.sha256);

  if (!bd_watchlist_ensure_index (db, error) || !bd_db_begin (db, error))
    return FALSE;
  if (!read_meta (db, BD_WATCHLIST_LOCAL, &r.version, &unused, &unused, error))
    goto fail;
  r.version++;
  stmt = bd_db_stmt (db, "SELECT id, list, surname, given_names, birth_date, document_number, "
                         "issuing_state FROM watchlist_entries WHERE source = 'local'", error);
  if (stmt == NULL || (old = stored_rows (db, stmt, error)) == NULL ||
      !delete_rows (db, old, error))
    goto fail;
  r.replaced = old->len;
  postings_init (&postings);
  for (guint i = 0; i < entries->len; i++)
    if (!insert_entry (db, BD_WATCHLIST_LOCAL, entries->pdata[i], now, r.version, &postings,
                       error))
      goto fail;
  if (!write_postings (db, &postings, FALSE, error))
    goto fail;
  if (!write_meta (db, BD_WATCHLIST_LOCAL, r.version, now, r.persons, r.documents, r.sha256,
                   error))
    goto fail;
  json_object_set_string_member (details, "source", "local");
  json_object_set_int_member (details, "version", r.version);
  json_object_set_int_member (details, "persons", r.persons);
  json_object_set_int_member (details, "documents", r.documents);
  json_object_set_int_member (details, "replaced", r.replaced);
  json_object_set_string_member (details, "sha256", r.sha256);
  if (!bd_audit_append (db, who, "watchlist.import", "watchlist:local", details, error))
    goto fail;
  if (!bd_db_commit (db, error))
    return FALSE;
  if (result != NULL)
    *result = r;
  return TRUE;

fail:
  bd_db_rollback (db);
  return FALSE;
}

gboolean
bd_watchlist_apply (BdDb *db, const BdActor *actor, gint64 from_version, gint64 to_version,
                    GPtrArray *added, const char *const *removed, const char *sha256,
                    GError **error)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *now = bd_time_format (bd_clock_now ());
  gint64 version, persons, documents, n_removed = 0;
  g_auto(Postings) postings = { NULL, };
  g_autoptr(GPtrArray) doomed = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_row_free);
  g_autoptr(GHashTable) gone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!bd_actor_require (actor, BD_PERM_IMPORT, error))
    return FALSE;
  for (guint i = 0; added != NULL && i < added->len; i++)
    {
      g_autoptr(GError) local = NULL;
      BdWatchlistEntry *e = added->pdata[i];

      if (!bd_watchlist_entry_validate (e, &local))
        {
          g_set_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_INVALID,
                       "addition %u (%s): %s", i + 1, e->reference, local->message);
          return FALSE;
        }
    }
  if (!bd_watchlist_ensure_index (db, error) || !bd_db_begin (db, error))
    return FALSE;
  /* The version is read under the write lock: two appliers cannot both
   * start from the same version. */
  if (!read_meta (db, BD_WATCHLIST_HQ, &version, &persons, &documents, error))
    goto fail;
  if (from_version != version || to_version <= from_version)
    {
      g_set_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_VERSION,
                   "the delta goes from version %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                   ", but this desk is at version %" G_GINT64_FORMAT, from_version, to_version,
                   version);
      goto fail;
    }
  for (guint i = 0; removed != NULL && removed[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) rows = NULL;
      sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT id, list, surname, given_names, birth_date, "
                                           "document_number, issuing_state FROM "
                                           "watchlist_entries WHERE source = 'hq' "
                                           "AND reference = ?", error);

      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, removed[i], -1, SQLITE_STATIC);
      if ((rows = stored_rows (db, stmt, error)) == NULL)
        goto fail;
      if (rows->len == 0 || !g_hash_table_add (gone, g_strdup (removed[i])))
        {
          g_set_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_REFERENCE,
                       rows->len == 0 ? "the delta removes %s, which is not on this desk's HQ "
                                        "list" : "the delta removes %s twice", removed[i]);
          goto fail;
        }
      if (strcmp (((StoredRow *) rows->pdata[0])->list, "persons") == 0)
        persons--;
      else
        documents--;
      g_ptr_array_extend_and_steal (doomed, g_steal_pointer (&rows));
      n_removed++;
    }
  if (!delete_rows (db, doomed, error))
    goto fail;
  postings_init (&postings);
  for (guint i = 0; added != NULL && i < added->len; i++)
    {
      BdWatchlistEntry *e = added->pdata[i];

      if (!insert_entry (db, BD_WATCHLIST_HQ, e, now, to_version, &postings, error))
        goto fail;
      if (e->list == BD_WATCHLIST_PERSONS)
        persons++;
      else
        documents++;
    }
  if (!write_postings (db, &postings, FALSE, error))
    goto fail;
  if (!write_meta (db, BD_WATCHLIST_HQ, to_version, now, persons, documents, sha256, error))
    goto fail;
  json_object_set_string_member (details, "source", "hq");
  json_object_set_int_member (details, "from", from_version);
  json_object_set_int_member (details, "to", to_version);
  json_object_set_int_member (details, "added", added != NULL ? added->len : 0);
  json_object_set_int_member (details, "removed", n_removed);
  json_object_set_string_member (details, "sha256", sha256 != NULL ? sha256 : "");
  if (!bd_audit_append (db, who, "watchlist.apply", "watchlist:hq", details, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

static void
status_free (BdWatchlistStatus *s)
{
  g_free (s->updated);
  g_free (s);
}

GPtrArray *
bd_watchlist_status (BdDb *db, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) status_free);
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT source, version, updated, persons, documents "
                                       "FROM watchlist_meta ORDER BY source = 'hq', source",
                                   error);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdWatchlistStatus *s = g_new0 (BdWatchlistStatus, 1);

      s->source = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "hq") == 0
                  ? BD_WATCHLIST_HQ : BD_WATCHLIST_LOCAL;
      s->version = sqlite3_column_int64 (stmt, 1);
      s->updated = bd_db_column_dup (stmt, 2);
      s->persons = sqlite3_column_int64 (stmt, 3);
      s->documents = sqlite3_column_int64 (stmt, 4);
      if (!bd_time_parse (s->updated, &s->updated_unix))
        s->updated_unix = 0;
      g_ptr_array_add (out, s);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading the watchlist status");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* bd-hq-store-feeds.c: what HQ gives the desks back, over the store's
 * table of functions: watchlist versions and deltas, a document's
 * history, and the open-stays feed (docs/protocol.md 5, 8, 9). */
#include "config.h"

#include <string.h>

#include "bd-history-remote.h"
#include "bd-hq-store.h"
#include "bd-hq-store-private.h"
#include "bd-watchlist.h"
#include "bd-watchlist-private.h"

#define ENTRY_COLUMNS "list, action, surname, given_names, birth_date, nationality," \
                      " document_number, issuing_state, reference"

/* Watchlist. */

static gboolean
in_transaction (BdHqStore *store, gboolean ok, GError **error)
{
  if (ok && store->klass->commit (store, error))
    return TRUE;
  store->klass->rollback (store);
  return FALSE;
}

gboolean
bd_hq_store_watchlist_stage_add (BdHqStore *store, GPtrArray *entries, GError **error)
{
  gboolean ok;

  if (!store->klass->begin_write (store, error))
    return FALSE;
  ok = TRUE;
  for (guint i = 0; ok && i < entries->len; i++)
    {
      BdWatchlistEntry *w = g_ptr_array_index (entries, i);

      ok = bd_hq_run (store, NULL, error,
                "INSERT INTO watchlist_staged (op, " ENTRY_COLUMNS ")"
                " VALUES ('add', $1, $2, $3, $4, $5, $6, $7, $8, $9)"
                " ON CONFLICT (reference) DO UPDATE SET op = 'add', list = excluded.list,"
                " action = excluded.action, surname = excluded.surname,"
                " given_names = excluded.given_names, birth_date = excluded.birth_date,"
                " nationality = excluded.nationality,"
                " document_number = excluded.document_number,"
                " issuing_state = excluded.issuing_state",
                9, bd_watchlist_list_to_string (w->list),
                bd_watchlist_action_to_string (w->action), w->surname, w->given_names,
                w->birth_date, w->nationality, w->document_number, w->issuing_state,
                w->reference);
    }
  return in_transaction (store, ok, error);
}

gboolean
bd_hq_store_watchlist_stage_remove (BdHqStore *store, const char *reference, GError **error)
{
  g_autoptr(BdHqRows) live = NULL;
  g_autoptr(BdHqRows) staged = NULL;
  gboolean ok;

  if (!store->klass->begin_write (store, error))
    return FALSE;
  ok = bd_hq_run (store, &live, error,
            "SELECT id FROM watchlist_entries WHERE reference = $1 AND removed IS NULL",
            1, reference) &&
       bd_hq_run (store, &staged, error,
            "DELETE FROM watchlist_staged WHERE reference = $1 RETURNING op", 1, reference);
  if (ok && live->rows->len == 0 && staged->rows->len == 0)
    ok = bd_hq_not_found (error, "watchlist entry", reference);
  else if (ok && live->rows->len > 0)
    ok = bd_hq_run (store, NULL, error,
              "INSERT INTO watchlist_staged (reference, op) VALUES ($1, 'remove')", 1, reference);
  return in_transaction (store, ok, error);
}

gboolean
bd_hq_store_watchlist_publish (BdHqStore *store, const char *now, gint64 *version,
                               GError **error)
{
  g_autoptr(BdHqRows) staged = NULL;
  gint64 current = 0;
  char v[24];
  gboolean ok;

  if (!store->klass->begin_write (store, error))
    return FALSE;
  ok = bd_hq_scalar (store, &current, error,
               "SELECT COALESCE(MAX(version), 0) FROM watchlist_versions") &&
       bd_hq_run (store, &staged, error,
            "SELECT op, " ENTRY_COLUMNS " FROM watchlist_staged ORDER BY reference", 0);
  *version = current;
  if (ok && staged->rows->len == 0)
    return in_transaction (store, TRUE, error);
  bd_hq_num (v, current + 1);
  for (guint i = 0; ok && i < staged->rows->len; i++)
    {
      const char *ref = bd_hq_rows_get (staged, i, 9);

      ok = bd_hq_run (store, NULL, error,
                "UPDATE watchlist_entries SET removed = $2 WHERE reference = $1"
                " AND removed IS NULL", 2, ref, v);
      if (ok && strcmp (bd_hq_rows_get (staged, i, 0), "add") == 0)
        ok = bd_hq_run (store, NULL, error,
                  "INSERT INTO watchlist_entries (added, " ENTRY_COLUMNS ")"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                  10, v, bd_hq_rows_get (staged, i, 1), bd_hq_rows_get (staged, i, 2),
                  bd_hq_rows_get (staged, i, 3), bd_hq_rows_get (staged, i, 4),
                  bd_hq_rows_get (staged, i, 5), bd_hq_rows_get (staged, i, 6),
                  bd_hq_rows_get (staged, i, 7), bd_hq_rows_get (staged, i, 8), ref);
    }
  ok = ok && bd_hq_run (store, NULL, error, "DELETE FROM watchlist_staged", 0) &&
       bd_hq_run (store, NULL, error,
            "INSERT INTO watchlist_versions (version, published) VALUES ($1, $2)", 2, v, now);
  if (ok)
    *version = current + 1;
  return in_transaction (store, ok, error);
}

gboolean
bd_hq_store_watchlist_delta (BdHqStore *store, gint64 since, gint64 *to, char **published,
                             GPtrArray **added, GStrv *removed, GError **error)
{
  g_autoptr(BdHqRows) ver = NULL;
  g_autoptr(BdHqRows) add = NULL;
  g_autoptr(BdHqRows) rem = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GStrvBuilder) refs = g_strv_builder_new ();
  char s[24];

  if (!bd_hq_run (store, &ver, error,
            "SELECT version, published FROM watchlist_versions ORDER BY version DESC LIMIT 1", 0))
    return FALSE;
  *to = ver->rows->len > 0 ? bd_hq_to_i64 (bd_hq_rows_get (ver, 0, 0)) : 0;
  if (since < 0 || since > *to)
    {
      g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND,
                   "no watchlist version %" G_GINT64_FORMAT " (the latest is %" G_GINT64_FORMAT
                   ")", since, *to);
      return FALSE;
    }
  bd_hq_num (s, since);
  if (!bd_hq_run (store, &add, error,
            "SELECT " ENTRY_COLUMNS " FROM watchlist_entries WHERE added > $1 AND removed IS NULL"
            " ORDER BY id", 1, s) ||
      !bd_hq_run (store, &rem, error,
            "SELECT reference FROM watchlist_entries WHERE added <= $1 AND removed > $1"
            " ORDER BY id", 1, s))
    return FALSE;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_watchlist_entry_free);
  for (guint i = 0; i < add->rows->len; i++)
    {
      BdWatchlistEntry *w = bd_watchlist_entry_new ();

      g_ptr_array_add (entries, w);
      if (!bd_watchlist_list_from_string (bd_hq_rows_get (add, i, 0), &w->list) ||
          !bd_watchlist_action_from_string (bd_hq_rows_get (add, i, 1), &w->action))
        {
          g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FAILED,
                       "watchlist entry %s: list or action unknown", bd_hq_rows_get (add, i, 8));
          return FALSE;
        }
#define TAKE(field, col) (g_free (w->field), w->field = g_strdup (bd_hq_rows_get (add, i, col)))
      TAKE (surname, 2);
      TAKE (given_names, 3);
      TAKE (birth_date, 4);
      TAKE (nationality, 5);
      TAKE (document_number, 6);
      TAKE (issuing_state, 7);
      TAKE (reference, 8);
#undef TAKE
    }
  for (guint i = 0; i < rem->rows->len; i++)
    g_strv_builder_add (refs, bd_hq_rows_get (rem, i, 0));
  *published = g_strdup (ver->rows->len > 0 ? bd_hq_rows_get (ver, 0, 1) : "");
  *added = g_steal_pointer (&entries);
  *removed = g_strv_builder_end (refs);
  return TRUE;
}

/* History and the open-stays feed. */

static GPtrArray *
remote_crossings (const BdHqRows *rows)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_remote_crossing_free);

  /* document, id, time, direction, post, desk */
  for (guint i = 0; i < rows->rows->len; i++)
    {
      const char *document = bd_hq_rows_get (rows, i, 0);
      const char *colon = strchr (document, ':');
      g_autofree char *issuer = g_strndup (document, colon != NULL ? colon - document : 0);

      g_ptr_array_add (out, bd_remote_crossing_new (bd_hq_rows_get (rows, i, 1), issuer,
                                                    colon != NULL ? colon + 1 : document,
                                                    bd_hq_rows_get (rows, i, 2),
                                                    strcmp (bd_hq_rows_get (rows, i, 3),
                                                            "entry") == 0,
                                                    bd_hq_rows_get (rows, i, 4),
                                                    bd_hq_rows_get (rows, i, 5)));
    }
  return out;
}

GPtrArray *
bd_hq_store_history (BdHqStore *store, const char *document, GError **error)
{
  g_autoptr(BdHqRows) rows = NULL;

  if (!bd_hq_run (store, &rows, error,
            "SELECT document, id, time, direction, post, desk FROM crossings"
            " WHERE document = $1 AND decision = 'admitted' ORDER BY time, id", 1, document))
    return NULL;
  return remote_crossings (rows);
}

gboolean
bd_hq_store_open_stays (BdHqStore *store, gint64 since, gint64 *to, GPtrArray **open,
                        GStrv *closed, GError **error)
{
  g_autoptr(BdHqRows) rows = NULL;
  g_autoptr(GStrvBuilder) gone = g_strv_builder_new ();
  char s[24], w[24];

  /* W first: rows of versions above it are left for the next delta. */
  if (!bd_hq_scalar (store, to, error, "SELECT version FROM feeds WHERE name = 'open-stays'"))
    return FALSE;
  if (since < 0 || since > *to)
    {
      g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND,
                   "no open-stays version %" G_GINT64_FORMAT " (the latest is %" G_GINT64_FORMAT
                   ")", since, *to);
      return FALSE;
    }
  if (!bd_hq_run (store, &rows, error,
            "SELECT document, id, time, direction, post, desk FROM open_stays"
            " WHERE version > $1 AND version <= $2 AND direction = 'entry' ORDER BY document",
            2, bd_hq_num (s, since), bd_hq_num (w, *to)))
    return FALSE;
  *open = remote_crossings (rows);
  g_clear_pointer (&rows, bd_hq_rows_free);
  if (!bd_hq_run (store, &rows, error,
            "SELECT document FROM open_stays WHERE version > $1 AND version <= $2"
            " AND direction <> 'entry' ORDER BY document", 2, s, w))
    {
      g_clear_pointer (open, g_ptr_array_unref);
      return FALSE;
    }
  for (guint i = 0; i < rows->rows->len; i++)
    g_strv_builder_add (gone, bd_hq_rows_get (rows, i, 0));
  *closed = g_strv_builder_end (gone);
  return TRUE;
}

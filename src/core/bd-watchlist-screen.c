/* bd-watchlist-screen.c: matching one traveller against the lists (bd-watchlist.h).
 *
 * Documents: one index lookup on the number with its OCR-confusable
 * characters folded, for the traveller's issuing state and for entries
 * that name none.
 *
 * Persons: for each key text of the traveller's name (each unit's
 * skeleton and its first letters), one range of the name index over the
 * birth years that can match (the year and the years either side) and
 * one lookup of the entries without a birth date.  Postings whose birth
 * date contradicts the traveller's are dropped before any entry is read:
 * such an entry stays under GATE_DATE.  Candidates without a date on
 * either side are narrowed as match_names says.  Each remaining entry is
 * read, its surname compared first (an entry whose surname matches no
 * token stays under GATE_SURNAME), then scored whole.  The work grows
 * with the number of similar names and birth years, not with the list.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bd-date.h"
#include "bd-post.h"
#include "bd-watchlist-private.h"

#define W_SURNAME 0.45
#define W_GIVEN 0.25
#define W_DATE 0.20
#define W_NATIONALITY 0.10
#define GATE_SURNAME 0.6
#define GATE_GIVEN 0.75
/* The most a contradicting birth date leaves of a score: under
 * MIN_THRESHOLD, which is what lets the index skip such entries. */
#define GATE_DATE 0.7
#define MIN_THRESHOLD 71
#define DEFAULT_THRESHOLD 80
#define WEAK_BUDGET 100
/* Marks a candidate without a birth date among its token bits.  It
 * shares bit 31 with a 16th given name, which then only counts for one
 * token less when candidates are narrowed (never a wrong hit). */
#define UNDATED (1u << 31)

typedef enum {
  DATE_UNKNOWN,
  DATE_EXACT,
  DATE_SWAPPED,
  DATE_PARTIAL_MONTH,
  DATE_PARTIAL_YEAR,
  DATE_CLOSE_DAY,
  DATE_CLOSE_MONTH,
  DATE_CLOSE_YEAR,
  DATE_CONTRADICTS,
} DateRule;

static const struct {
  double score;
  const char *reason;
} date_rules[] = {
  [DATE_UNKNOWN] = { 0.4, "no birth date to compare" },
  [DATE_EXACT] = { 1.0, "birth date exact" },
  [DATE_SWAPPED] = { 0.9, "birth date with day and month swapped" },
  [DATE_PARTIAL_MONTH] = { 0.85, "birth date partial: year and month match" },
  [DATE_PARTIAL_YEAR] = { 0.75, "birth date partial: year matches" },
  [DATE_CLOSE_DAY] = { 0.6, "birth date one digit apart in the day" },
  [DATE_CLOSE_MONTH] = { 0.6, "birth date one digit apart in the month" },
  [DATE_CLOSE_YEAR] = { 0.6, "birth year one apart, day and month exact" },
  [DATE_CONTRADICTS] = { 0.0, "birth dates differ" },
};

typedef struct {
  gint64 id;
  char *list, *source, *action, *reference, *surname, *given, *birth, *nationality, *number,
       *state;
} Row;

static void
row_clear (Row *r)
{
  g_free (r->list);
  g_free (r->source);
  g_free (r->action);
  g_free (r->reference);
  g_free (r->surname);
  g_free (r->given);
  g_free (r->birth);
  g_free (r->nationality);
  g_free (r->number);
  g_free (r->state);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

void
bd_watchlist_hit_free (BdWatchlistHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->reference);
  g_ptr_array_unref (hit->reasons);
  g_free (hit);
}

double
bd_watchlist_threshold (BdDb *db)
{
  gint64 percent = bd_setting_get_int (db, BD_WATCHLIST_SETTING_THRESHOLD, DEFAULT_THRESHOLD);

  return CLAMP (percent, MIN_THRESHOLD, 100) / 100.0;
}

static gboolean
one_digit_apart (gint64 a, gint64 b)
{
  return a != b && (a / 10 == b / 10 || a % 10 == b % 10);
}

/* @a, @b: YYYYMMDD with 00 for unknown parts, 0 for none. */
static DateRule
compare_dates (gint64 a, gint64 b)
{
  gint64 ya = a / 10000, ma = a / 100 % 100, da = a % 100;
  gint64 yb = b / 10000, mb = b / 100 % 100, db = b % 100;
  gboolean full = ma != 0 && da != 0 && mb != 0 && db != 0;

  if (a == 0 || b == 0)
    return DATE_UNKNOWN;
  if (ya == yb)
    {
      if (full)
        {
          if (ma == mb && da == db)
            return DATE_EXACT;
          if (ma == db && da == mb)
            return DATE_SWAPPED;
          if (ma == mb && one_digit_apart (da, db))
            return DATE_CLOSE_DAY;
          if (da == db && one_digit_apart (ma, mb))
            return DATE_CLOSE_MONTH;
          return DATE_CONTRADICTS;
        }
      if (ma != 0 && mb != 0)
        return ma == mb ? DATE_PARTIAL_MONTH : DATE_CONTRADICTS;
      return DATE_PARTIAL_YEAR;
    }
  if (full && (ya - yb == 1 || yb - ya == 1) && ma == mb && da == db)
    return DATE_CLOSE_YEAR;
  return DATE_CONTRADICTS;
}

static gboolean
read_row (BdDb *db, gint64 id, Row *r, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT list, source, action, reference, surname, "
                                       "given_names, birth_date, nationality, document_number, "
                                       "issuing_state FROM watchlist_entries WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      r->id = id;
      r->list = bd_db_column_dup (stmt, 0);
      r->source = bd_db_column_dup (stmt, 1);
      r->action = bd_db_column_dup (stmt, 2);
      r->reference = bd_db_column_dup (stmt, 3);
      r->surname = bd_db_column_dup (stmt, 4);
      r->given = bd_db_column_dup (stmt, 5);
      r->birth = bd_db_column_dup (stmt, 6);
      r->nationality = bd_db_column_dup (stmt, 7);
      r->number = bd_db_column_dup (stmt, 8);
      r->state = bd_db_column_dup (stmt, 9);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      /* An index row without its entry is a broken index, not "no hit". */
      if (rc == SQLITE_DONE)
        g_set_error (error, BD_DB_ERROR, BD_DB_ERROR_SQLITE,
                     "the watchlist index names entry %" G_GINT64_FORMAT ", which is missing", id);
      else
        bd_db_set_error (db, error, "reading a watchlist entry");
      return FALSE;
    }
  return TRUE;
}

/* The hit for @r in @hits, created on first use. */
static BdWatchlistHit *
hit_for (GHashTable *hits, const Row *r)
{
  BdWatchlistHit *hit = g_hash_table_lookup (hits, &r->id);

  if (hit != NULL)
    return hit;
  hit = g_new0 (BdWatchlistHit, 1);
  hit->entry_id = r->id;
  bd_watchlist_list_from_string (r->list, &hit->list);
  bd_watchlist_action_from_string (r->action, &hit->action);
  hit->source = g_strcmp0 (r->source, "hq") == 0 ? BD_WATCHLIST_HQ : BD_WATCHLIST_LOCAL;
  hit->reference = g_strdup (r->reference);
  hit->reasons = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_insert (hits, &hit->entry_id, hit);
  return hit;
}

/* Pairs of characters the number differs in ("B/8, O/0"). */
static char *
confusions (const char *query, const char *listed)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; query[i] != '\0' && listed[i] != '\0'; i++)
    if (query[i] != listed[i])
      {
        char pair[8];

        g_snprintf (pair, sizeof pair, "%c/%c", MIN (query[i], listed[i]),
                    MAX (query[i], listed[i]));
        if (strstr (out->str, pair) == NULL)
          g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", pair);
      }
  return g_string_free (out, FALSE);
}

static gboolean
collect_document_ids (BdDb *db, const char *key, gboolean prefix, GArray *ids, GError **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *upper = NULL;
  int rc;

  if (prefix)
    {
      /* Every state: the range [NUMBER:, NUMBER;) (';' follows ':'). */
      upper = g_strdup (key);
      upper[strlen (upper) - 1] = ';';
      stmt = bd_db_stmt (db, "SELECT entry_id FROM watchlist_document_keys "
                             "WHERE key >= ? AND key < ?", error);
    }
  else
    stmt = bd_db_stmt (db, "SELECT entry_id FROM watchlist_document_keys WHERE key = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (prefix)
    sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the document index");
  return TRUE;
}

static gboolean
match_documents (BdDb *db, const BdWatchlistQuery *q, GHashTable *hits, GError **error)
{
  g_autofree char *clean = bd_watchlist_document_clean (q->document_number);
  g_autofree char *any_state = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *state = q->issuing_state != NULL ? q->issuing_state : "";

  if (*clean == '\0')
    return TRUE;
  any_state = bd_watchlist_document_key (clean, "");
  if (*state != '\0')
    {
      g_autofree char *key = bd_watchlist_document_key (clean, state);

      if (!collect_document_ids (db, key, FALSE, ids, error) ||
          !collect_document_ids (db, any_state, FALSE, ids, error))
        return FALSE;
    }
  else if (!collect_document_ids (db, any_state, TRUE, ids, error))
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      g_auto(Row) r = { 0, };
      BdWatchlistHit *hit;
      gboolean exact;

      if (!read_row (db, g_array_index (ids, gint64, i), &r, error))
        return FALSE;
      exact = strcmp (clean, r.number) == 0;
      hit = hit_for (hits, &r);
      hit->score = MAX (hit->score, exact ? 1.0 : 0.95);
      if (exact)
        g_ptr_array_add (hit->reasons, g_strdup_printf ("document number %s exact", r.number));
      else
        {
          g_autofree char *pairs = confusions (clean, r.number);
          g_ptr_array_add (hit->reasons,
                           g_strdup_printf ("document number %s ~ %s (OCR confusion %s)", clean,
                                            r.number, pairs));
        }
      g_ptr_array_add (hit->reasons,
                       *r.state != '\0' ? g_strdup_printf ("issuing state %s", r.state)
                                        : g_strdup ("issuing state not listed"));
    }
  return TRUE;
}

static char *
describe_pair (const BdNamePair *p)
{
  const char *label = p->entry->field == BD_NAME_SURNAME ? "surname" : "given name";
  const char *swapped = p->query->field != p->entry->field
                        ? "surname and given names swapped" : NULL;

  if (p->rule == BD_NAME_RULE_EXACT)
    return swapped != NULL ? g_strdup_printf ("%s %s exact (%s)", label, p->entry->raw, swapped)
                           : g_strdup_printf ("%s %s exact", label, p->entry->raw);
  return g_strdup_printf ("%s %s ~ %s (%s%s%s)", label, p->query->raw, p->entry->raw,
                          bd_name_rule_to_string (p->rule), swapped != NULL ? ", " : "",
                          swapped != NULL ? swapped : "");
}

/* Scores one listed person against the traveller; reasons go to @reasons. */
static double
score_person (const BdWatchlistQuery *q, const BdName *qname, gint64 q_birth, const Row *r,
              double threshold, GPtrArray *reasons)
{
  g_autoptr(BdName) ename = NULL;
  BdNameMatch m;
  DateRule date;
  double sum = 0, weights = 0, score;
  guint32 matched = 0;

  /* Most candidates share only a given name: without a token like the
   * listed surname the score stays under any threshold (GATE_SURNAME),
   * which the surname alone tells, before the given names are read. */
  if (*r->surname != '\0' && threshold > GATE_SURNAME)
    {
      g_autoptr(BdName) surname = bd_name_new (r->surname, NULL);
      gboolean close = FALSE;

      for (guint e = 0; e < surname->units->len && !close; e++)
        for (guint k = 0; k < qname->units->len && !close; k++)
          {
            BdNameRule rule;
            close = bd_name_unit_similarity (qname->units->pdata[k], surname->units->pdata[e],
                                             &rule) >= BD_NAME_MATCH_MIN;
          }
      if (!close)
        return 0.0;
    }
  ename = bd_name_new (r->surname, r->given);
  bd_name_compare (qname, ename, &m);
  if (m.n_pairs == 0)
    return 0.0;
  if (m.surname >= 0)
    {
      sum += W_SURNAME * m.surname;
      weights += W_SURNAME;
    }
  if (m.given >= 0)
    {
      sum += W_GIVEN * m.given;
      weights += W_GIVEN;
    }
  /* A missing birth date counts a little under half: a name alone scores
   * below the same name with a matching date, and an exact name with
   * another nationality and no date stays under the default threshold. */
  date = compare_dates (q_birth, bd_watchlist_birth_number (r->birth));
  sum += W_DATE * date_rules[date].score;
  weights += W_DATE;
  if (q->nationality != NULL && *q->nationality != '\0' && *r->nationality != '\0')
    {
      sum += W_NATIONALITY * (strcmp (q->nationality, r->nationality) == 0);
      weights += W_NATIONALITY;
    }
  score = sum / weights;
  if (m.surname >= 0 && m.surname < BD_NAME_MATCH_MIN)
    score *= GATE_SURNAME;
  if (m.given >= 0 && m.given < BD_NAME_MATCH_MIN)
    score *= GATE_GIVEN;
  if (date == DATE_CONTRADICTS)
    score *= GATE_DATE;

  /* Reasons: the surname's tokens first, then the given names. */
  for (int field = BD_NAME_SURNAME; field <= BD_NAME_GIVEN; field++)
    for (guint i = 0; i < m.n_pairs; i++)
      if ((int) m.pairs[i].entry->field == field)
        {
          g_ptr_array_add (reasons, describe_pair (&m.pairs[i]));
          matched |= m.pairs[i].entry->covers;
        }
  for (guint i = 0; i < ename->units->len; i++)
    {
      const BdNameUnit *u = ename->units->pdata[i];

      if (u->kind == BD_NAME_UNIT_TOKEN && (u->covers & matched) == 0)
        g_ptr_array_add (reasons, g_strdup_printf ("%s %s not matched",
                                                   u->field == BD_NAME_SURNAME ? "surname"
                                                                               : "given name",
                                                   u->raw));
    }
  g_ptr_array_add (reasons, g_strdup (date_rules[date].reason));
  if (q->nationality != NULL && *q->nationality != '\0' && *r->nationality != '\0')
    g_ptr_array_add (reasons, strcmp (q->nationality, r->nationality) == 0
                              ? g_strdup_printf ("nationality %s", r->nationality)
                              : g_strdup_printf ("nationality differs (%s listed)",
                                                 r->nationality));
  return score;
}

/* Adds the postings of keys [@low, @high] to @found (entry id -> the
 * query tokens whose keys reached it, with UNDATED set for an entry
 * without a birth date), except entries whose birth date contradicts the
 * traveller's when @prune.  With @limit > 0, a range of more postings
 * than that adds nothing. */
static gboolean
collect_name_range (BdDb *db, gint64 low, gint64 high, gint64 q_birth, gboolean prune,
                    guint32 tokens, guint limit, GHashTable *found, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT entry_id, birth FROM watchlist_name_keys "
                                       "WHERE key BETWEEN ? AND ? LIMIT ?", error);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, low);
  sqlite3_bind_int64 (stmt, 2, high);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit + 1 : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pair[2] = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      if (prune && compare_dates (q_birth, pair[1]) == DATE_CONTRADICTS)
        continue;
      g_array_append_vals (rows, pair, 2);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the name index");
  if (limit > 0 && rows->len / 2 > limit)
    return TRUE;
  for (guint i = 0; i < rows->len; i += 2)
    {
      gint64 id = g_array_index (rows, gint64, i);
      guint32 mask = tokens | (g_array_index (rows, gint64, i + 1) == 0 ? UNDATED : 0);

      /* On an existing id the table keeps its key and frees this copy. */
      mask |= GPOINTER_TO_UINT (g_hash_table_lookup (found, &id));
      g_hash_table_insert (found, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (mask));
    }
  return TRUE;
}

static guint
count_bits (guint32 v)
{
  guint n = 0;

  for (; v != 0; v &= v - 1)
    n++;
  return n;
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Without a birth date on either side nothing narrows the postings of
 * common names.  Such a candidate is read when it shares keys with two of
 * the traveller's name tokens (one when the name has one); the others,
 * reached through one token only, are read while they are at most
 * WEAK_BUDGET, else those reached through the traveller's surname if they
 * are, else none.  Entries sharing two tokens are found through the pair
 * keys; a single token's postings without a birth date (for a traveller
 * without one, all of its postings) are read only when there are at most
 * WEAK_BUDGET of them.  So the cost stays bounded for the commonest
 * names, and only there can a name with errors in all but one common
 * token be missed. */
static gboolean
match_names (BdDb *db, const BdWatchlistQuery *q, double threshold, GHashTable *hits,
             GError **error)
{
  g_autoptr(BdName) qname = bd_name_new (q->surname, q->given_names);
  g_autoptr(GArray) key_tokens = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) pair_tokens = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GPtrArray) texts = bd_watchlist_name_key_texts (qname, key_tokens);
  g_autoptr(GPtrArray) pairs = bd_watchlist_name_pair_texts (qname, pair_tokens);
  g_autoptr(GHashTable) found = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) weak = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) weak_by_surname = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *birth = q->birth_date != NULL && bd_partial_date_valid (q->birth_date)
                      ? q->birth_date : "";
  gint64 q_birth = bd_watchlist_birth_number (birth);
  guint year = bd_watchlist_year_code (birth);
  gboolean prune = threshold > GATE_DATE;
  guint need = MIN (count_bits (qname->surname_mask | qname->given_mask), 2u);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < texts->len; i++)
    {
      gint64 base = bd_watchlist_name_key (texts->pdata[i], 0);
      guint32 tokens = g_array_index (key_tokens, guint32, i);
      gboolean ok;

      if (year != 0)
        ok = collect_name_range (db, base | MAX (year - 1, 1u), base | MIN (year + 1, 255u),
                                 q_birth, prune, tokens, 0, found, error) &&
             collect_name_range (db, base, base, q_birth, prune, tokens,
                                 need > 1 ? WEAK_BUDGET : 0, found, error);
      else
        ok = collect_name_range (db, base, base | 255, q_birth, FALSE, tokens,
                                 need > 1 ? WEAK_BUDGET : 0, found, error);
      if (!ok)
        return FALSE;
    }
  /* Entries sharing two tokens: every year without a birth date, else
   * those without one (the dated ones came through the ranges above). */
  for (guint i = 0; i < pairs->len; i++)
    {
      gint64 base = bd_watchlist_name_key (pairs->pdata[i], 0);

      if (!collect_name_range (db, base, year == 0 ? base | 255 : base, q_birth, FALSE,
                               g_array_index (pair_tokens, guint32, i), 0, found, error))
        return FALSE;
    }
  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint32 mask = GPOINTER_TO_UINT (value);

      if ((year != 0 && (mask & UNDATED) == 0) || count_bits (mask & ~UNDATED) >= need)
        g_array_append_val (candidates, *(gint64 *) key);
      else
        {
          g_array_append_val (weak, *(gint64 *) key);
          if ((mask & qname->surname_mask) != 0)
            g_array_append_val (weak_by_surname, *(gint64 *) key);
        }
    }
  if (weak->len <= WEAK_BUDGET)
    g_array_append_vals (candidates, weak->data, weak->len);
  else if (weak_by_surname->len <= WEAK_BUDGET)
    g_array_append_vals (candidates, weak_by_surname->data, weak_by_surname->len);
  g_array_sort (candidates, compare_ids);
  for (guint i = 0; i < candidates->len; i++)
    {
      g_auto(Row) r = { 0, };
      g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
      double score;

      if (!read_row (db, g_array_index (candidates, gint64, i), &r, error))
        return FALSE;
      if (strcmp (r.list, "persons") != 0)
        continue;
      score = score_person (q, qname, q_birth, &r, threshold, reasons);
      if (score >= threshold)
        {
          BdWatchlistHit *hit = hit_for (hits, &r);

          hit->score = MAX (hit->score, score);
          for (guint k = 0; k < reasons->len; k++)
            g_ptr_array_add (hit->reasons, g_strdup (reasons->pdata[k]));
        }
    }
  return TRUE;
}

static int
compare_hits (gconstpointer pa, gconstpointer pb)
{
  const BdWatchlistHit *a = *(BdWatchlistHit *const *) pa, *b = *(BdWatchlistHit *const *) pb;

  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  if (a->action != b->action)
    return a->action < b->action ? -1 : 1;  /* deny first */
  return strcmp (a->reference, b->reference);
}

static gboolean
step_once (BdDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, sql);
  return TRUE;
}

/* One read transaction over index and entries, so an import committing
 * meanwhile cannot show index rows whose entries it removed.  Inside a
 * caller's transaction, that one already gives the snapshot. */
static gboolean
match_all (BdDb *db, const BdWatchlistQuery *query, double threshold, GHashTable *hits,
           GError **error)
{
  gboolean own = sqlite3_get_autocommit (bd_db_handle (db));
  gboolean ok;

  if (own && !step_once (db, "BEGIN DEFERRED", error))
    return FALSE;
  ok = match_documents (db, query, hits, error) && match_names (db, query, threshold, hits, error);
  if (own)
    {
      if (ok)
        ok = step_once (db, "COMMIT", error);
      if (!ok && !sqlite3_get_autocommit (bd_db_handle (db)))
        sqlite3_exec (bd_db_handle (db), "ROLLBACK", NULL, NULL, NULL);
    }
  return ok;
}

GPtrArray *
bd_watchlist_match (BdDb *db, const BdWatchlistQuery *query, double threshold, GError **error)
{
  g_autoptr(GHashTable) hits = g_hash_table_new (g_int64_hash, g_int64_equal);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_watchlist_hit_free);
  GHashTableIter iter;
  gpointer value;

  if (!bd_watchlist_ensure_index (db, error) || !match_all (db, query, threshold, hits, error))
    {
      g_hash_table_iter_init (&iter, hits);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        bd_watchlist_hit_free (value);
      g_ptr_array_unref (out);
      return NULL;
    }
  g_hash_table_iter_init (&iter, hits);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (out, value);
  g_ptr_array_sort (out, compare_hits);
  return out;
}

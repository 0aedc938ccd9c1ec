/* bd-bench-screening.c: `bench/run screening`, watchlist screening at scale.
 *
 * Prints JSON lines {"bench": "screening", "metric", "value", "unit",
 * "baseline"?, "ratio"?} on stdout and a readable summary on stderr.
 *
 *  - latency: bd_watchlist_match (the checks' call) against a list of
 *    BD_BENCH_WATCHLIST_SIZE (default 1 000 000) synthetic persons, over
 *    the recall and near-miss queries below; baseline: one plain scan of
 *    the entries (what a screen without the index would at least cost);
 *  - the time to import a 10 000-row CSV as the local list, and to apply a
 *    10 000-entry HQ delta onto the big list (then one removing it again);
 *    baseline: the same rows inserted into an unindexed table;
 *  - recall on generated name variants of listed persons (bd-bench-people.c),
 *    birth date matching, by kind of variant; and with a typing error in
 *    every name token, beyond what the index is built to retrieve;
 *  - false hits on near misses: same surname, another given name (not
 *    alike), another birth date or the same one.  Counted on the listed
 *    person the query was made from; hits on any entry are printed too,
 *    since with common names a near miss of one person is often the
 *    namesake of another listed without a full birth date.
 *
 * The list is generated from a fixed seed, applied through
 * bd_watchlist_apply (the HQ path) in deltas of 100 000, and kept in
 * BD_BENCH_DIR (default /var/tmp/borderdesk-bench) for the next run (the
 * delta measured is removed again; the 10 000-row local list stays, the
 * same each run).  BD_BENCH_VERBOSE=1 prints every
 * miss, false hit and query slower than 5 ms on stderr; BD_BENCH_MMAP=1
 * maps the database file (an option bd_db_open does not take today).
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib/gstdio.h>

#include "bd-bench-util.h"
#include "bd-date.h"
#include "bd-db.h"
#include "bd-name.h"
#include "bd-post.h"
#include "bd-watchlist.h"

#include "bd-bench-people.h"

#define SEED 20260501
#define N_RECALL 3000
#define N_NEAR 2000
#define DELTA 10000

static void
die (GError *error)
{
  g_printerr ("bd-bench-screening: %s\n", error->message);
  exit (3);
}

static char *
list_path (guint n)
{
  const char *dir = g_getenv ("BD_BENCH_DIR");
  g_autofree char *base = g_strdup (dir != NULL ? dir : "/var/tmp/borderdesk-bench");
  g_autofree char *name = g_strdup_printf ("watchlist-%u.db", n);

  g_mkdir_with_parents (base, 0700);
  return g_build_filename (base, name, NULL);
}

/* The big list, through the HQ path in chunks of one delta each. */
static void
fill (const char *path, guint n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdDb) db = bd_db_open (path, BD_DB_OPEN_CREATE, &error);
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  const guint chunk = 100000;
  double t0 = bd_bench_now_ms ();

  if (db == NULL || !bd_post_init (db, cli, "UTO-ALP", "Bench", 1, "UTO", &error))
    die (error);
  bd_db_exec (db, "PRAGMA cache_size = -1048576", NULL);
  for (guint from = 0, v = 0; from < n; from += chunk, v++)
    {
      g_autoptr(GPtrArray) people = bd_bench_make_people (from, MIN (chunk, n - from), SEED + v);

      if (!bd_watchlist_apply (db, cli, v, v + 1, people, NULL, "bench", &error))
        die (error);
      g_printerr ("\rfilling %s: %u entries", path, from + people->len);
    }
  bd_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  g_printerr ("\rfilled %s: %u entries in %.0f s\n", path, n, (bd_bench_now_ms () - t0) / 1000);
}

/* BD_BENCH_VERBOSE=1: every hit of a query that should have none, and
 * every miss of one that should hit, on stderr. */
static void
show (const char *what, const BdBenchQuery *q, GPtrArray *hits)
{
  g_autofree char *s = bd_bench_joined (q->surname), *g = bd_bench_joined (q->given);

  g_printerr ("%s: %s / %s / %s / %s\n", what, s, g, q->birth, q->nationality);
  for (guint i = 0; hits != NULL && i < hits->len; i++)
    {
      BdWatchlistHit *hit = hits->pdata[i];

      g_printerr ("  %s %.3f:", hit->reference, hit->score);
      for (guint k = 0; k < hit->reasons->len; k++)
        g_printerr (" %s;", (const char *) hit->reasons->pdata[k]);
      g_printerr ("\n");
    }
}

static gboolean verbose;

static double
time_query (BdDb *db, const BdBenchQuery *q, gboolean with_date, gboolean *hit_ref, const char *ref,
            guint *n_hits)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *surname = bd_bench_joined (q->surname), *given = bd_bench_joined (q->given);
  BdWatchlistQuery bq = { surname, given, with_date ? q->birth : NULL, q->nationality, NULL,
                          NULL };
  double t0 = bd_bench_now_ms (), t;
  g_autoptr(GPtrArray) hits = bd_watchlist_match (db, &bq, 0.80, &error);

  t = bd_bench_now_ms () - t0;
  if (hits == NULL)
    die (g_steal_pointer (&error));
  if (hit_ref != NULL)
    {
      *hit_ref = FALSE;
      for (guint i = 0; i < hits->len; i++)
        if (strcmp (((BdWatchlistHit *) hits->pdata[i])->reference, ref) == 0)
          *hit_ref = TRUE;
    }
  if (n_hits != NULL)
    *n_hits = hits->len;
  if (verbose && t > 5.0)
    {
      g_autofree char *what = g_strdup_printf ("slow (%.1f ms, %u hits)", t, hits->len);
      show (what, q, NULL);
    }
  if (verbose && hit_ref != NULL && n_hits == NULL && !*hit_ref && with_date)
    {
      g_autofree char *what = g_strdup_printf ("missed %s", ref);
      show (what, q, hits);
    }
  else if (verbose && n_hits != NULL && hits->len > 0 && (hit_ref == NULL || *hit_ref))
    show ("false hit", q, hits);
  return t;
}

/* Reads listed person @ref and turns it into the traveller's MRZ form. */
static gboolean
load_person (BdDb *db, const char *ref, GRand *r, BdBenchQuery *q, char **raw_surname)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  sqlite3_prepare_v2 (bd_db_handle (db), "SELECT surname, given_names, birth_date, nationality "
                                         "FROM watchlist_entries WHERE source = 'hq' AND "
                                         "reference = ?", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *birth = (const char *) sqlite3_column_text (stmt, 2);
      g_autofree char *s = bd_name_transliterate ((const char *) sqlite3_column_text (stmt, 0),
                                                  FALSE);
      g_autofree char *g = bd_name_transliterate ((const char *) sqlite3_column_text (stmt, 1),
                                                  FALSE);

      q->surname = g_strsplit (s, " ", -1);
      q->given = g_strsplit (g, " ", -1);
      /* A traveller's document has a full date; it agrees with a partial one. */
      q->birth = strlen (birth) == 10 ? g_strdup (birth)
                 : strlen (birth) == 7 ? g_strdup_printf ("%s-%02d", birth,
                                                          g_rand_int_range (r, 1, 29))
                 : strlen (birth) == 4 ? g_strdup_printf ("%s-%02d-%02d", birth,
                                                          g_rand_int_range (r, 1, 13),
                                                          g_rand_int_range (r, 1, 29))
                 : bd_bench_random_date (r, 1940, 2008);
      q->nationality = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      *raw_surname = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static char *
random_ref (GRand *r, guint n)
{
  return g_strdup_printf ("B%07u", (guint) g_rand_int_range (r, 0, (gint32) n));
}

static void
measure_quality_and_latency (BdDb *db, guint n)
{
  g_autoptr(GRand) r = g_rand_new_with_seed (SEED + 7);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) nodate = g_array_new (FALSE, FALSE, sizeof (double));
  guint tried[BD_BENCH_N_KINDS] = { 0, }, found[BD_BENCH_N_KINDS] = { 0, };
  guint total = 0, total_found = 0, every = 0, every_found = 0;
  guint near = 0, near_hits = 0, near_any = 0, same_date = 0, same_date_hits = 0;
  guint same_date_any = 0, randoms = 0, random_hits = 0;
  double scan, t0;
  char label[64];

  /* Warm the cache as a desk in service has it. */
  for (guint i = 0; i < 200; i++)
    {
      BdBenchQuery q = { 0, };
      g_autofree char *ref = random_ref (r, n), *raw = NULL;

      if (load_person (db, ref, r, &q, &raw))
        time_query (db, &q, TRUE, NULL, NULL, NULL);
      bd_bench_query_clear (&q);
    }

  for (guint i = 0; i < N_RECALL; i++)
    {
      BdBenchQuery q = { 0, };
      g_autofree char *ref = NULL, *raw = NULL;
      BdBenchKind kind = (BdBenchKind) (i % BD_BENCH_N_KINDS);
      gboolean hit, applied = FALSE;
      double t;

      /* Each kind in turn, on the next listed person it applies to. */
      for (int tries = 0; tries < 1000 && !applied; tries++)
        {
          bd_bench_query_clear (&q);
          memset (&q, 0, sizeof q);
          g_clear_pointer (&ref, g_free);
          g_clear_pointer (&raw, g_free);
          ref = random_ref (r, n);
          applied = load_person (db, ref, r, &q, &raw) && bd_bench_apply_kind (kind, &q, raw, r);
        }
      if (!applied)
        {
          bd_bench_query_clear (&q);
          continue;
        }
      t = time_query (db, &q, TRUE, &hit, ref, NULL);
      g_array_append_val (times, t);
      tried[kind]++;
      found[kind] += hit;
      total++;
      total_found += hit;
      if (i < 300)
        {
          t = time_query (db, &q, FALSE, NULL, NULL, NULL);
          g_array_append_val (nodate, t);
        }
      bd_bench_query_clear (&q);
    }

  /* A typing error in every name token: beyond what the index retrieves. */
  for (guint i = 0; i < 500; i++)
    {
      BdBenchQuery q = { 0, };
      g_autofree char *ref = random_ref (r, n), *raw = NULL;
      gboolean hit;

      if (!load_person (db, ref, r, &q, &raw))
        continue;
      bd_bench_typo_everywhere (&q, r);
      time_query (db, &q, TRUE, &hit, ref, NULL);
      every++;
      every_found += hit;
      bd_bench_query_clear (&q);
    }

  /* Near misses: same surname, another given name (not alike), another
   * birth date; and the same with the listed birth date kept. */
  for (guint i = 0; i < N_NEAR; i++)
    {
      BdBenchQuery q = { 0, };
      g_autofree char *ref = random_ref (r, n), *raw = NULL, *other = NULL;
      guint hits;
      double t;
      gboolean alike, on_entry;

      if (!load_person (db, ref, r, &q, &raw))
        continue;
      do
        {
          g_free (other);
          other = bd_bench_given_name (r);
          alike = FALSE;
          for (guint k = 0; q.given[k] != NULL; k++)
            alike |= other[0] == q.given[k][0] || bd_name_jaro_winkler (other, q.given[k]) > 0.8;
        }
      while (alike);
      g_strfreev (q.given);
      q.given = g_new0 (char *, 2);
      q.given[0] = g_strdup (other);
      t = time_query (db, &q, TRUE, &on_entry, ref, &hits);   /* same date */
      g_array_append_val (times, t);
      same_date++;
      same_date_hits += on_entry;
      same_date_any += hits > 0;
      {
        int year = (int) g_ascii_strtoll (q.birth, NULL, 10);
        int other_year = year + (g_rand_boolean (r) ? 1 : -1) * g_rand_int_range (r, 2, 30);

        g_free (q.birth);
        q.birth = bd_bench_random_date (r, other_year, other_year);
      }
      t = time_query (db, &q, TRUE, &on_entry, ref, &hits);
      g_array_append_val (times, t);
      near++;
      near_hits += on_entry;
      near_any += hits > 0;
      bd_bench_query_clear (&q);
    }

  /* Travellers drawn from the same name pools, not on the list. */
  {
    g_autoptr(GPtrArray) people = bd_bench_make_people (n, 2000, SEED + 99);

    for (guint i = 0; i < people->len; i++)
      {
        BdWatchlistEntry *e = people->pdata[i];
        g_autofree char *s = bd_name_transliterate (e->surname, FALSE);
        g_autofree char *g = bd_name_transliterate (e->given_names, FALSE);
        BdBenchQuery q = { g_strsplit (s, " ", -1), g_strsplit (g, " ", -1),
                    strlen (e->birth_date) == 10 ? g_strdup (e->birth_date)
                                                 : bd_bench_random_date (r, 1940, 2008),
                    g_strdup (e->nationality) };
        guint hits;
        double t = time_query (db, &q, TRUE, NULL, NULL, &hits);

        g_array_append_val (times, t);
        randoms++;
        random_hits += hits > 0;
        bd_bench_query_clear (&q);
      }
  }

  /* The floor of a screen without the index: reading every entry once. */
  {
    sqlite3_stmt *stmt = NULL;
    gint64 rows = 0;

    sqlite3_prepare_v2 (bd_db_handle (db), "SELECT surname, given_names, birth_date "
                                           "FROM watchlist_entries", -1, &stmt, NULL);
    t0 = bd_bench_now_ms ();
    while (sqlite3_step (stmt) == SQLITE_ROW)
      rows += sqlite3_column_bytes (stmt, 0) > 0;
    scan = bd_bench_now_ms () - t0;
    sqlite3_finalize (stmt);
  }

  g_printerr ("screening %u queries: p90 %.3f ms, p99.9 %.3f ms, max %.3f ms\n", times->len,
              bd_bench_percentile (times, 0.9), bd_bench_percentile (times, 0.999),
              bd_bench_percentile (times, 1.0));
  g_snprintf (label, sizeof label, "screen_p50_%uk_entries", n / 1000);
  bd_bench_emit ("screening", label, bd_bench_percentile (times, 0.5), "ms", scan);
  g_snprintf (label, sizeof label, "screen_p99_%uk_entries", n / 1000);
  bd_bench_emit ("screening", label, bd_bench_percentile (times, 0.99), "ms", scan);
  g_snprintf (label, sizeof label, "screen_p99_no_birth_date_%uk", n / 1000);
  bd_bench_emit ("screening", label, bd_bench_percentile (nodate, 0.99), "ms", scan);
  for (guint k = 0; k < BD_BENCH_N_KINDS; k++)
    g_printerr ("  recall %-34s %5u/%-5u %6.2f %%\n", bd_bench_kind_name (k), found[k], tried[k],
                tried[k] > 0 ? 100.0 * found[k] / tried[k] : 0.0);
  bd_bench_emit ("screening", "recall_variants_birth_date_matching",
                 100.0 * total_found / MAX (total, 1), "%", 0);
  bd_bench_emit ("screening", "recall_typo_in_every_token", 100.0 * every_found / MAX (every, 1),
                 "%", 0);
  bd_bench_emit ("screening", "false_hits_same_surname_other_person",
                 100.0 * near_hits / MAX (near, 1), "%", 0);
  bd_bench_emit ("screening", "false_hits_same_surname_and_birth_date",
                 100.0 * same_date_hits / MAX (same_date, 1), "%", 0);
  /* Hits on any entry: with common names, the near miss of one listed
   * person may be the namesake of another. */
  bd_bench_emit ("screening", "any_hit_same_surname_other_person",
                 100.0 * near_any / MAX (near, 1), "%", 0);
  bd_bench_emit ("screening", "any_hit_same_surname_and_birth_date",
                 100.0 * same_date_any / MAX (same_date, 1), "%", 0);
  bd_bench_emit ("screening", "hits_unlisted_travellers_same_name_pools",
                 100.0 * random_hits / MAX (randoms, 1), "%", 0);
}

/* Inserting @people into an unindexed table: the raw floor for an import. */
static double
raw_insert (BdDb *db, GPtrArray *people)
{
  sqlite3_stmt *stmt = NULL;
  double t0;

  bd_db_exec (db, "CREATE TABLE IF NOT EXISTS bench_raw (list TEXT, surname TEXT, "
                  "given_names TEXT, birth_date TEXT, nationality TEXT, reference TEXT)", NULL);
  sqlite3_prepare_v2 (bd_db_handle (db), "INSERT INTO bench_raw VALUES ('persons', ?, ?, ?, ?, ?)",
                      -1, &stmt, NULL);
  t0 = bd_bench_now_ms ();
  bd_db_exec (db, "BEGIN IMMEDIATE", NULL);
  for (guint i = 0; i < people->len; i++)
    {
      BdWatchlistEntry *e = people->pdata[i];

      sqlite3_bind_text (stmt, 1, e->surname, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, e->given_names, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, e->birth_date, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, e->nationality, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, e->reference, -1, SQLITE_STATIC);
      sqlite3_step (stmt);
      sqlite3_reset (stmt);
    }
  bd_db_exec (db, "COMMIT", NULL);
  t0 = bd_bench_now_ms () - t0;
  sqlite3_finalize (stmt);
  bd_db_exec (db, "DROP TABLE bench_raw", NULL);
  return t0;
}

static void
measure_updates (BdDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(GPtrArray) people = bd_bench_make_people (0, DELTA, SEED + 1000);
  g_autoptr(GPtrArray) status = bd_watchlist_status (db, &error);
  g_autoptr(GString) csv = g_string_new ("list,surname,given_names,birth_date,nationality,"
                                         "document_number,issuing_state,action,reference\n");
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  gint64 version = 0;
  double raw, t0, import_ms, apply_ms, remove_ms;

  for (guint i = 0; status != NULL && i < status->len; i++)
    if (((BdWatchlistStatus *) status->pdata[i])->source == BD_WATCHLIST_HQ)
      version = ((BdWatchlistStatus *) status->pdata[i])->version;
  for (guint i = 0; i < people->len; i++)
    {
      BdWatchlistEntry *e = people->pdata[i];

      g_string_append_printf (csv, "persons,%s,%s,%s,%s,,,%s,L%u\n", e->surname, e->given_names,
                              e->birth_date, e->nationality,
                              bd_watchlist_action_to_string (e->action), i);
      g_free (e->reference);
      e->reference = g_strdup_printf ("V%" G_GINT64_FORMAT "-%u", version + 1, i);
      g_ptr_array_add (removed, g_strdup (e->reference));
    }
  g_ptr_array_add (removed, NULL);
  raw = raw_insert (db, people);

  /* Twice: the second replaces a 10 000-entry local list with another. */
  for (int round = 0; round < 2; round++)
    {
      t0 = bd_bench_now_ms ();
      if (!bd_watchlist_import_csv (db, cli, csv->str, csv->len, NULL, &error))
        die (g_steal_pointer (&error));
      import_ms = bd_bench_now_ms () - t0;
    }
  t0 = bd_bench_now_ms ();
  if (!bd_watchlist_apply (db, cli, version, version + 1, people, NULL, "bench", &error))
    die (g_steal_pointer (&error));
  apply_ms = bd_bench_now_ms () - t0;
  t0 = bd_bench_now_ms ();
  if (!bd_watchlist_apply (db, cli, version + 1, version + 2, NULL,
                           (const char *const *) removed->pdata, "bench", &error))
    die (g_steal_pointer (&error));
  remove_ms = bd_bench_now_ms () - t0;
  bd_bench_emit ("screening", "import_csv_10k_replacing_10k", import_ms / 1000, "s", raw / 1000);
  bd_bench_emit ("screening", "apply_delta_add_10k", apply_ms / 1000, "s", raw / 1000);
  bd_bench_emit ("screening", "apply_delta_remove_10k", remove_ms / 1000, "s", raw / 1000);
}

static gint64
count_rows (BdDb *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 v = 0;

  sqlite3_prepare_v2 (bd_db_handle (db), sql, -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

static void
run_all (BdDb *db, guint n)
{
  gint64 keys = count_rows (db, "SELECT count(*) FROM watchlist_name_keys");
  gint64 entries = count_rows (db, "SELECT count(*) FROM watchlist_entries");
  GStatBuf st;

  bd_bench_emit ("screening", "name_index_rows_per_entry", (double) keys / MAX (entries, 1),
                 "rows", 0);
  if (g_stat (bd_db_path (db), &st) == 0)
    bd_bench_emit ("screening", "database_size", st.st_size / 1048576.0, "MiB", 0);
  measure_quality_and_latency (db, n);
  measure_updates (db);
}

int
main (int argc, char **argv)
{
  const char *size_env = g_getenv ("BD_BENCH_WATCHLIST_SIZE");
  guint n = size_env != NULL ? (guint) g_ascii_strtoull (size_env, NULL, 10) : 1000000;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdDb) db = NULL;

  bd_bench_people_init ();
  setlocale (LC_ALL, "");
  bd_clock_set_override (0);
  verbose = g_strcmp0 (g_getenv ("BD_BENCH_VERBOSE"), "1") == 0;
  path = list_path (n);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    fill (path, n);
  db = bd_db_open (path, BD_DB_OPEN_DEFAULT, &error);
  if (db == NULL || !bd_watchlist_ensure_index (db, &error))
    die (g_steal_pointer (&error));
  /* BD_BENCH_MMAP=1: the same with the file memory-mapped (an option for
   * bd_db_open, measured here; the desk does not map its database). */
  if (g_strcmp0 (g_getenv ("BD_BENCH_MMAP"), "1") == 0)
    bd_db_exec (db, "PRAGMA mmap_size = 1073741824", NULL);
  run_all (db, n);
  return 0;
}

/* bd-bench.c: the benchmarks of bench/run.
 *
 * Each prints JSON lines {"bench", "metric", "value", "unit", "baseline",
 * "ratio"} on stdout, and a readable line on stderr.  Baselines are
 * measured in the same run on the same database, so the ratios hold on a
 * noisy machine where the absolute figures do not.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib/gstdio.h>

#include "bd-bench-util.h"
#include "bd-crossing.h"
#include "bd-date.h"
#include "bd-db.h"
#include "bd-demo.h"
#include "bd-history.h"
#include "bd-mrz.h"
#include "bd-officer.h"
#include "bd-post.h"
#include "bd-shift.h"

static void
die (GError *error)
{
  g_printerr ("bd-bench: %s\n", error->message);
  exit (3);
}

/* Fills a new database with @n crossings of n/10 travellers, by bulk SQL
 * (the core's own path is what we measure, not what we fill with).  The
 * rows look like the desk's: alternating entries and exits over years. */
static void
fill (const char *path, gint64 n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdDb) db = bd_db_open (path, BD_DB_OPEN_CREATE, &error);
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  gint64 travellers = MAX (n / 10, 1);
  sqlite3 *h;
  sqlite3_stmt *tr, *doc, *cr;
  gint64 start = 1600000000;
  double t0 = bd_bench_now_ms ();

  if (db == NULL)
    die (error);
  if (!bd_post_init (db, cli, "UTO-ALP", "Bench", 1, "UTO", &error))
    die (error);
  h = bd_db_handle (db);
  bd_db_exec (db, "PRAGMA synchronous = OFF", NULL);
  bd_db_exec (db, "BEGIN", NULL);
  sqlite3_prepare_v2 (h, "INSERT INTO travellers (id, surname, given_names, nationality, "
                         "birth_date, sex, created) VALUES (?, 'BENCH', 'TRAVELLER', 'DEU', "
                         "'1980-01-01', 'F', '2020-01-01T00:00:00Z')", -1, &tr, NULL);
  sqlite3_prepare_v2 (h, "INSERT INTO documents (id, traveller_id, code, issuing_state, number, "
                         "expiry) VALUES (?, ?, 'P', 'DEU', ?, '2035-01-01')", -1, &doc, NULL);
  sqlite3_prepare_v2 (h, "INSERT INTO crossings (uuid, document_id, traveller_id, post, desk, "
                         "time, day, direction, decision, source, doc_code, doc_expiry, surname, "
                         "given_names, nationality, birth_date, sex) VALUES (?, ?, ?, "
                         "'UTO-ALP', 'UTO-ALP/1', ?, ?, ?, 'admitted', 'imported', 'P', "
                         "'2035-01-01', 'BENCH', 'TRAVELLER', 'DEU', '1980-01-01', 'F')",
                         -1, &cr, NULL);
  for (gint64 i = 1; i <= travellers; i++)
    {
      char number[16];

      g_snprintf (number, sizeof number, "B%08" G_GINT64_FORMAT, i);
      sqlite3_bind_int64 (tr, 1, i);
      sqlite3_step (tr);
      sqlite3_reset (tr);
      sqlite3_bind_int64 (doc, 1, i);
      sqlite3_bind_int64 (doc, 2, i);
      sqlite3_bind_text (doc, 3, number, -1, SQLITE_TRANSIENT);
      sqlite3_step (doc);
      sqlite3_reset (doc);
    }
  for (gint64 i = 0; i < n; i++)
    {
      gint64 who = 1 + (i % travellers);
      gint64 round = i / travellers;
      gint64 when = start + round * 86400 * 3 + (who % 86400);
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *time_text = bd_time_format (when);

      sqlite3_bind_text (cr, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (cr, 2, who);
      sqlite3_bind_int64 (cr, 3, who);
      sqlite3_bind_text (cr, 4, time_text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (cr, 5, bd_day_from_unix (when));
      sqlite3_bind_text (cr, 6, round % 2 == 0 ? "entry" : "exit", -1, SQLITE_STATIC);
      if (sqlite3_step (cr) != SQLITE_DONE)
        {
          g_printerr ("bd-bench: fill: %s\n", sqlite3_errmsg (h));
          exit (3);
        }
      sqlite3_reset (cr);
      if (i % 500000 == 499999)
        {
          bd_db_exec (db, "COMMIT", NULL);
          bd_db_exec (db, "BEGIN", NULL);
          g_printerr ("\rfilling %s: %" G_GINT64_FORMAT " crossings", path, i + 1);
        }
    }
  bd_db_exec (db, "COMMIT", NULL);
  sqlite3_finalize (tr);
  sqlite3_finalize (doc);
  sqlite3_finalize (cr);
  bd_db_exec (db, "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, payload TEXT)",
              NULL);
  bd_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  g_printerr ("\rfilled %s: %" G_GINT64_FORMAT " crossings in %.0f s\n", path, n,
              (bd_bench_now_ms () - t0) / 1000);
}

static char *
bench_db (gint64 n)
{
  const char *dir = g_getenv ("BD_BENCH_DIR");
  g_autofree char *base = g_strdup (dir != NULL ? dir : "/var/tmp/borderdesk-bench");
  g_autofree char *name = g_strdup_printf ("desk-%" G_GINT64_FORMAT ".db", n);
  char *path;

  g_mkdir_with_parents (base, 0700);
  path = g_build_filename (base, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    fill (path, n);
  return path;
}

static const char *size_label (gint64 n, char buf[16])
{
  if (n % 1000000 == 0)
    g_snprintf (buf, 16, "%" G_GINT64_FORMAT "M", n / 1000000);
  else
    g_snprintf (buf, 16, "%" G_GINT64_FORMAT, n);
  return buf;
}

#define REGISTER_SAMPLES 400

/* One registration, as the app makes it: MRZ parsed, checks, one
 * durable transaction with the audit event. */
static void
bench_register (gint64 n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = bench_db (n);
  g_autoptr(BdDb) db = bd_db_open (path, BD_DB_OPEN_DEFAULT, &error);
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(BdActor) guard = NULL;
  g_autoptr(GArray) reg = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3_stmt *ins;
  char label[16], metric[64];
  double med_reg, med_raw, p99_reg, p99_raw;

  if (db == NULL)
    die (error);
  guard = bd_officer_authenticate (db, "bench", "bench-password", NULL);
  if (guard == NULL)
    {
      if (!bd_officer_add (db, cli, "bench", "Bench Guard", BD_ROLE_GUARD, "bench-password",
                           NULL, &error))
        die (error);
      guard = bd_officer_authenticate (db, "bench", "bench-password", &error);
      if (guard == NULL)
        die (error);
    }
  if (bd_shift_current (db, guard->officer_id, NULL) == 0 &&
      bd_shift_open (db, guard, "1", &error) == 0)
    die (error);
  ins = bd_db_stmt (db, "INSERT INTO bench_raw (payload) VALUES (?)", &error);
  if (ins == NULL)
    die (error);

  /* Interleaved, so both see the same disk and cache weather. */
  for (int i = 0; i < REGISTER_SAMPLES; i++)
    {
      char number[16];
      g_autofree char *mrz_text = NULL;
      g_autofree char *uuid = NULL;
      g_autoptr(BdMrz) mrz = NULL;
      BdCrossingRequest req = { 0, };
      double t0, t1;

      /* Travellers that exist, with their history: the realistic case. */
      g_snprintf (number, sizeof number, "B%08d", 1 + g_random_int_range (0, MAX (n / 10, 1)));
      t0 = bd_bench_now_ms ();
      mrz_text = bd_demo_make_td3 ("DEU", "BENCH", "TRAVELLER", number, "DEU", "800101", 'F',
                                   "350101");
      mrz = bd_mrz_parse (mrz_text);
      bd_identity_from_mrz (&req.identity, mrz, bd_today ());
      req.mrz = mrz;
      req.direction = BD_DIRECTION_ENTRY;
      req.decision = BD_DECISION_REFERRED;   /* never blocked, whatever the history */
      req.source = BD_SOURCE_MRZ_READER;
      uuid = bd_crossing_register (db, guard, NULL, &req, NULL, &error);
      t1 = bd_bench_now_ms ();
      bd_identity_clear (&req.identity);
      if (uuid == NULL)
        die (error);
      t1 -= t0;
      g_array_append_val (reg, t1);

      t0 = bd_bench_now_ms ();
      sqlite3_reset (ins);
      sqlite3_bind_text (ins, 1, number, -1, SQLITE_STATIC);
      if (sqlite3_step (ins) != SQLITE_DONE)
        {
          g_printerr ("bd-bench: raw insert: %s\n", sqlite3_errmsg (bd_db_handle (db)));
          exit (3);
        }
      t1 = bd_bench_now_ms () - t0;
      g_array_append_val (raw, t1);
    }
  med_reg = bd_bench_percentile (reg, 0.5);
  p99_reg = bd_bench_percentile (reg, 0.99);
  med_raw = bd_bench_percentile (raw, 0.5);
  p99_raw = bd_bench_percentile (raw, 0.99);
  size_label (n, label);
  g_snprintf (metric, sizeof metric, "median_at_%s", label);
  bd_bench_emit ("register", metric, med_reg, "ms", med_raw);
  g_snprintf (metric, sizeof metric, "p99_at_%s", label);
  bd_bench_emit ("register", metric, p99_reg, "ms", p99_raw);
}

#define HISTORY_SAMPLES 20000

static void
bench_history (gint64 n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = bench_db (n);
  g_autoptr(BdDb) db = bd_db_open (path, BD_DB_OPEN_DEFAULT, &error);
  g_autoptr(GArray) hist = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));
  sqlite3_stmt *pk;
  gint64 travellers = MAX (n / 10, 1);
  char label[16], metric[64];
  gint64 rows = 0;

  if (db == NULL)
    die (error);
  pk = bd_db_stmt (db, "SELECT time FROM crossings WHERE id = ?", &error);
  if (pk == NULL)
    die (error);
  for (int i = 0; i < HISTORY_SAMPLES; i++)
    {
      char number[16];
      g_autoptr(GArray) events = NULL;
      double t0, t1;

      g_snprintf (number, sizeof number, "B%08d", 1 + g_random_int_range (0, travellers));
      t0 = bd_bench_now_ms ();
      events = bd_history_stay_events (db, "DEU", number, &error);
      t1 = bd_bench_now_ms () - t0;
      if (events == NULL)
        die (error);
      rows += events->len;
      g_array_append_val (hist, t1);

      /* Baseline: one row by primary key, the cheapest read there is. */
      t0 = bd_bench_now_ms ();
      sqlite3_reset (pk);
      sqlite3_bind_int64 (pk, 1, 1 + g_random_int_range (0, (gint32) MIN (n, G_MAXINT32)));
      sqlite3_step (pk);
      t1 = bd_bench_now_ms () - t0;
      g_array_append_val (raw, t1);
    }
  sqlite3_reset (pk);
  size_label (n, label);
  g_snprintf (metric, sizeof metric, "p99_at_%s", label);
  bd_bench_emit ("history", metric, bd_bench_percentile (hist, 0.99), "ms",
                 bd_bench_percentile (raw, 0.99));
  g_snprintf (metric, sizeof metric, "median_at_%s", label);
  bd_bench_emit ("history", metric, bd_bench_percentile (hist, 0.5), "ms",
                 bd_bench_percentile (raw, 0.5));
  g_snprintf (metric, sizeof metric, "crossings_per_lookup_at_%s", label);
  bd_bench_emit ("history", metric, (double) rows / HISTORY_SAMPLES, "rows", 0);
}

static void
bench_mrz (void)
{
  static const char *const samples[] = {
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n"
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<11",
  };
  const char *names[] = { "td3_valid", "td1_valid", "td3_bad_composite" };

  for (guint s = 0; s < G_N_ELEMENTS (samples); s++)
    {
      g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
      char metric[64];

      /* Nine rounds of a fixed count; the median rate. */
      for (int round = 0; round < 9; round++)
        {
          const int count = 20000;
          double t0 = bd_bench_now_ms (), rate;

          for (int i = 0; i < count; i++)
            bd_mrz_free (bd_mrz_parse (samples[s]));
          rate = count / ((bd_bench_now_ms () - t0) / 1000.0);
          g_array_append_val (rates, rate);
        }
      g_snprintf (metric, sizeof metric, "parses_per_second_%s", names[s]);
      bd_bench_emit ("mrz", metric, bd_bench_percentile (rates, 0.5), "1/s", 0);
    }
}

static GArray *
sizes (void)
{
  const char *env = g_getenv ("BD_BENCH_SIZES");
  g_auto(GStrv) parts = g_strsplit (env != NULL ? env : "1000000 10000000", " ", -1);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 v = g_ascii_strtoll (parts[i], NULL, 10);
      if (v > 0)
        g_array_append_val (out, v);
    }
  return out;
}

int
main (int argc, char **argv)
{
  g_autoptr(GArray) ns = sizes ();
  gboolean all = argc < 2;

  for (int a = all ? 0 : 1; a < (all ? 1 : argc); a++)
    {
      const char *name = all ? NULL : argv[a];

      if (name == NULL || strcmp (name, "mrz") == 0)
        bench_mrz ();
      if (name == NULL || strcmp (name, "register") == 0)
        for (guint i = 0; i < ns->len; i++)
          bench_register (g_array_index (ns, gint64, i));
      if (name == NULL || strcmp (name, "history") == 0)
        for (guint i = 0; i < ns->len; i++)
          bench_history (g_array_index (ns, gint64, i));
      if (name != NULL && strcmp (name, "mrz") != 0 && strcmp (name, "register") != 0 &&
          strcmp (name, "history") != 0)
        {
          g_printerr ("bd-bench: unknown benchmark %s (mrz, register, history)\n", name);
          return 2;
        }
    }
  return 0;
}

/* bd-bench-history-remote.c: `bench/run history-remote` (issue 9).
 *
 * - The history query at HQ against a store holding N crossings
 *   (BD_BENCH_HQ_HISTORY, default 10 000 000; 5 per document), p50 and p99
 *   of the signed answer (bd_hq_history_signed) beside the raw indexed
 *   SELECT measured in the same run.
 * - The open-stays delta of one day at a post with 20 000 crossings a day
 *   (10 000 documents changed): its size, HQ's time to make and sign it,
 *   and a desk's time to verify and apply it.
 * The filled store is kept in BD_BENCH_DIR (default /var/tmp/borderdesk-
 * bench) for the next run.  HQ's ingest, which keeps the open-stays feed,
 * is `bench/run ingest`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "bd-bench-util.h"
#include "bd-cleanup.h"
#include "bd-date.h"
#include "bd-db.h"
#include "bd-history-remote.h"
#include "bd-hq-commands.h"
#include "bd-hq-store.h"
#include "bd-pki.h"
#include "bd-post.h"
#include "bd-uuid.h"

#define SAMPLES 2000

static void
die (const char *what, GError *error)
{
  g_printerr ("bd-bench-history-remote: %s: %s\n", what, error != NULL ? error->message : "");
  exit (3);
}

static char *
doc_number (gint64 i)
{
  return g_strdup_printf ("H%08" G_GINT64_FORMAT, i);
}

/* Raw inserts into HQ's crossings table (the schema HQ made): what we
 * measure is the query, not the fill. */
static void
fill (const char *path, gint64 n)
{
  sqlite3 *db;
  sqlite3_stmt *ins;
  gint64 docs = MAX (n / 5, 1);
  double t0 = bd_bench_now_ms ();

  if (sqlite3_open (path, &db) != SQLITE_OK)
    die ("opening the store", NULL);
  sqlite3_exec (db, "PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF; BEGIN", NULL, NULL,
                NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO crossings (id, desk, epoch, seq, post, day, direction, "
                          "decision, time, document, record) VALUES (?1, 'UTO-ALP/1', 1, 1, "
                          "'UTO-ALP', substr (?3, 1, 10), ?4, 'admitted', ?3, 'DEU:' || ?2, "
                          "'{}')", -1, &ins, NULL);
  for (gint64 i = 0; i < n; i++)
    {
      gint64 d = i % docs, k = i / docs;
      g_autofree char *uuid = bd_uuid_v7_new (1600000000000 + i);
      g_autofree char *number = doc_number (d);
      g_autofree char *time = bd_time_format (1600000000 + k * 20 * 86400 + d % 86400);

      sqlite3_bind_text (ins, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 2, number, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 3, time, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 4, k % 2 == 0 ? "entry" : "exit", -1, SQLITE_STATIC);
      sqlite3_step (ins);
      sqlite3_reset (ins);
      if (i % 1000000 == 999999)
        g_printerr ("  filled %" G_GINT64_FORMAT " M crossings (%.0f s)\n", (i + 1) / 1000000,
                    (bd_bench_now_ms () - t0) / 1000);
    }
  sqlite3_finalize (ins);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
}

/* A throwaway signing identity, as HQ's directory holds one. */
static BdHqDir *
signer (void)
{
  g_autoptr(GError) error = NULL;
  BdHqDir *dir = g_new0 (BdHqDir, 1);
  g_autoptr(EVP_PKEY) ca_key = bd_pki_generate_ed25519 (&error);

  dir->ca = bd_pki_issue (ca_key, "Bench CA", BD_CERT_CA, NULL, NULL, ca_key, 1, 2, &error);
  dir->sign_key = bd_pki_generate_ed25519 (&error);
  dir->sign_cert = bd_pki_issue (dir->sign_key, "Bench HQ", BD_CERT_DOC_SIGNING, NULL, dir->ca,
                                 ca_key, 2, 2, &error);
  if (dir->sign_cert == NULL)
    die ("making a signer", error);
  return dir;
}

static void
bench_query (const char *dir, gint64 n, BdHqDir *hq)
{
  g_autofree char *path = g_strdup_printf ("%s/hq-history-%" G_GINT64_FORMAT ".db", dir, n);
  g_autofree char *url = g_strconcat ("sqlite:", path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) signed_ = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean fresh = !g_file_test (path, G_FILE_TEST_EXISTS);
  gint64 docs = MAX (n / 5, 1);
  GRand *rand = g_rand_new_with_seed (7);
  sqlite3 *db;
  sqlite3_stmt *sel;
  g_autofree char *metric = NULL;
  gsize bytes = 0;

  store = bd_hq_store_open (dir, url, &error);
  if (store == NULL)
    die ("opening the store", error);
  if (fresh)
    {
      g_printerr ("history-remote: filling an HQ store with %" G_GINT64_FORMAT
                  " crossings (once; kept in %s)\n", n, path);
      fill (path, n);
    }
  sqlite3_open (path, &db);
  sqlite3_prepare_v2 (db, "SELECT document, id, time, direction, post, desk FROM crossings "
                          "WHERE document = 'DEU:' || ? AND decision = 'admitted' "
                          "ORDER BY time, id", -1, &sel, NULL);
  for (int i = 0; i < SAMPLES; i++)
    {
      g_autofree char *number = doc_number (g_rand_int_range (rand, 0, (gint32) docs));
      g_autofree char *text = NULL;
      double t0 = bd_bench_now_ms (), t1;

      sqlite3_bind_text (sel, 1, number, -1, SQLITE_STATIC);
      while (sqlite3_step (sel) == SQLITE_ROW)
        ;
      sqlite3_reset (sel);
      t1 = bd_bench_now_ms () - t0;
      g_array_append_val (raw, t1);

      t0 = bd_bench_now_ms ();
      g_autofree char *document = g_strconcat ("DEU:", number, NULL);

      text = bd_hq_history_signed (store, hq, document, &error);
      if (text == NULL)
        die ("answering", error);
      t1 = bd_bench_now_ms () - t0;
      g_array_append_val (signed_, t1);
      bytes += strlen (text);
    }
  sqlite3_finalize (sel);
  sqlite3_close (db);
  g_rand_free (rand);
  metric = g_strdup_printf ("hq_answer_p50_at_%" G_GINT64_FORMAT, n);
  bd_bench_emit ("history-remote", metric, bd_bench_percentile (signed_, 0.5), "ms",
                 bd_bench_percentile (raw, 0.5));
  g_free (metric);
  metric = g_strdup_printf ("hq_answer_p99_at_%" G_GINT64_FORMAT, n);
  bd_bench_emit ("history-remote", metric, bd_bench_percentile (signed_, 0.99), "ms",
                 bd_bench_percentile (raw, 0.99));
  bd_bench_emit ("history-remote", "answer_size_mean", (double) bytes / SAMPLES, "bytes", 0);
}

/* A day at a busy post: 20 000 admitted crossings of 10 000 travellers
 * (all came in, seven in ten left again) leave 10 000 documents changed
 * in HQ's open-stays feed since the day began; their rows are written as
 * HQ's ingest leaves them, then the day's delta is made, signed, verified
 * and applied on a desk. */
static void
bench_open_stays (const char *dir, BdHqDir *hq)
{
  g_autofree char *path = g_strdup_printf ("%s/hq-open-stays.db", dir);
  g_autofree char *url = g_strconcat ("sqlite:", path, NULL);
  g_autofree char *desk_dir = g_strdup_printf ("%s/desk-open-stays", dir);
  g_autofree char *desk_path = g_build_filename (desk_dir, "desk.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(BdDb) desk = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(BdOpenStaysDelta) delta = NULL;
  g_autofree char *text = NULL;
  sqlite3 *db;
  sqlite3_stmt *ins;
  double t0, made, applied;

  g_unlink (path);
  store = bd_hq_store_open (dir, url, &error);
  if (store == NULL)
    die ("opening the store", error);
  sqlite3_open (path, &db);
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO open_stays (document, id, time, direction, post, desk, "
                          "version) VALUES ('DEU:' || ?1, ?2, ?3, ?4, 'UTO-ALP', 'UTO-ALP/1', "
                          "?5)", -1, &ins, NULL);
  for (int i = 0; i < 10000; i++)
    {
      g_autofree char *uuid = bd_uuid_v7_new (1790000000000 + i);
      g_autofree char *number = doc_number (i);
      g_autofree char *time = bd_time_format (1790000000 + i);

      sqlite3_bind_text (ins, 1, number, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 2, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 3, time, -1, SQLITE_STATIC);
      sqlite3_bind_text (ins, 4, i % 10 < 7 ? "exit" : "entry", -1, SQLITE_STATIC);
      sqlite3_bind_int (ins, 5, 1 + i / 500);
      sqlite3_step (ins);
      sqlite3_reset (ins);
    }
  sqlite3_finalize (ins);
  sqlite3_exec (db, "UPDATE feeds SET version = 20 WHERE name = 'open-stays'; COMMIT", NULL,
                NULL, NULL);
  sqlite3_close (db);

  t0 = bd_bench_now_ms ();
  text = bd_hq_open_stays_signed (store, hq, 0, &error);
  made = bd_bench_now_ms () - t0;
  if (text == NULL)
    die ("making the delta", error);
  g_mkdir_with_parents (desk_dir, 0700);
  g_unlink (desk_path);
  desk = bd_db_open (desk_path, BD_DB_OPEN_CREATE, &error);
  if (desk == NULL || !bd_post_init (desk, cli, "UTO-BET", "Bench", 1, "UTO", &error))
    die ("a desk", error);
  t0 = bd_bench_now_ms ();
  delta = bd_open_stays_delta_verify (text, strlen (text), hq->ca, &error);
  if (delta == NULL || !bd_open_stays_apply (desk, cli, delta, &error))
    die ("applying the delta", error);
  applied = bd_bench_now_ms () - t0;
  bd_bench_emit ("history-remote", "open_stays_day_documents",
                 (double) delta->open->len + delta->closed->len, "documents", 0);
  bd_bench_emit ("history-remote", "open_stays_day_bytes", (double) strlen (text), "bytes", 0);
  bd_bench_emit ("history-remote", "open_stays_day_make", made, "ms", 0);
  bd_bench_emit ("history-remote", "open_stays_day_apply", applied, "ms", 0);
}

int
main (int argc, char **argv)
{
  const char *dir = g_getenv ("BD_BENCH_DIR");
  const char *size = g_getenv ("BD_BENCH_HQ_HISTORY");
  gint64 n = size != NULL ? g_ascii_strtoll (size, NULL, 10) : 10000000;
  BdHqDir *hq = signer ();

  if (dir == NULL)
    dir = "/var/tmp/borderdesk-bench";
  g_mkdir_with_parents (dir, 0700);
  bench_query (dir, n, hq);
  bench_open_stays (dir, hq);
  bd_hq_dir_free (hq);
  return 0;
}

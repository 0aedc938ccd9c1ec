/* fuzz-make-seeds: writes the signed seeds of corpus/fuzz-jws with the
 * fixed keys of fuzz-util.h, through the same core calls as the desk and
 * HQ: a demo desk's real batch (bd_demo_seed, bd_sync_cut), HQ's receipt
 * for it, and two watchlist deltas (the whole demo list, then a removal).
 *
 *   fuzz-make-seeds OUTDIR WATCHLIST.csv
 *
 * Built only with -Dfuzzing=true; the output is committed, so run it again
 * only when the documents' format changes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bd-batch.h"
#include "bd-db.h"
#include "bd-demo.h"
#include "bd-post.h"
#include "bd-sync.h"
#include "bd-watchlist-delta.h"
#include "fuzz-util.h"

static void
write_seed (const char *outdir, const char *name, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (outdir, name, NULL);

  if (!g_file_set_contents_full (file, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    g_error ("%s", error->message);
  g_print ("%s\n", file);
}

/* The decoded payload of @jws_text, as a seed of its own. */
static void
write_payload (const char *outdir, const char *name, const char *jws_text, const char *typ)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdJws) jws = bd_jws_parse (jws_text, strlen (jws_text), typ, &error);
  g_autofree char *text = NULL;
  gsize n;
  const char *p;

  g_assert_no_error (error);
  p = g_bytes_get_data (jws->payload, &n);
  text = g_strndup (p, n);
  write_seed (outdir, name, text);
}

static char *
demo_batch (FuzzPki *pki)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-fuzz-seeds-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  BdDemoOptions opt = { .crossings = 3, .travellers = 3, .seed = 7, .per_shift = 2 };
  sqlite3_stmt *stmt = NULL;
  char *jws;
  BdDb *db;

  g_assert_no_error (error);
  path = g_build_filename (dir, "desk.db", NULL);
  key_path = g_build_filename (dir, "desk.key", NULL);
  db = bd_db_open (path, BD_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (bd_post_init (db, cli, "UTO-ALP", "Alpine", 1, "UTO", &error));
  g_assert_true (bd_pki_save_key (pki->desk_key, key_path, &error));
  g_assert_true (bd_demo_seed (db, cli, &opt, &error));
  g_assert_true (bd_sync_cut (db, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (db),
                                       "SELECT jws FROM batches ORDER BY seq LIMIT 1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  jws = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  bd_db_close (db);
  {
    const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *f = g_strconcat (path, suffixes[i], NULL);
        g_unlink (f);
      }
  }
  g_unlink (key_path);
  g_rmdir (dir);
  return jws;
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *batch_text = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *delta = NULL;
  g_autofree char *delta2 = NULL;
  g_autoptr(BdBatch) batch = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  const char *removed[] = { "DEMO-P-0002", NULL };
  const char *outdir;
  FuzzPki pki;
  gsize length;

  if (argc != 3)
    {
      g_printerr ("usage: fuzz-make-seeds OUTDIR WATCHLIST.csv\n");
      return 2;
    }
  outdir = argv[1];
  g_mkdir_with_parents (outdir, 0755);
  fuzz_pki_init (&pki);

  batch_text = demo_batch (&pki);
  write_seed (outdir, "batch.jws", batch_text);
  batch = bd_batch_parse (batch_text, strlen (batch_text), &error);
  g_assert_no_error (error);
  receipt = bd_receipt_make (batch, "2026-11-28T12:00:00Z", pki.hq_key, pki.hq_cert, &error);
  g_assert_no_error (error);
  write_seed (outdir, "receipt.jws", receipt);

  if (!g_file_get_contents (argv[2], &csv, &length, &error))
    g_error ("%s", error->message);
  entries = bd_watchlist_parse_csv (csv, length, &error);
  g_assert_no_error (error);
  delta = bd_watchlist_delta_make (0, 1, "2026-11-28T12:00:00Z", entries, NULL, pki.hq_key,
                                   pki.hq_cert, &error);
  g_assert_no_error (error);
  write_seed (outdir, "watchlist-delta-full.jws", delta);
  delta2 = bd_watchlist_delta_make (1, 2, "2026-11-28T13:00:00Z", none, removed, pki.hq_key,
                                    pki.hq_cert, &error);
  g_assert_no_error (error);
  write_seed (outdir, "watchlist-delta-remove.jws", delta2);
  write_payload (outdir, "batch-payload.json", batch_text, BD_JWS_TYP_BATCH);
  write_payload (outdir, "receipt-payload.json", receipt, BD_JWS_TYP_RECEIPT);
  write_payload (outdir, "watchlist-delta-full-payload.json", delta, BD_JWS_TYP_WATCHLIST);

  /* The verifiers must accept what was just written. */
  {
    g_autoptr(BdReceipt) r = bd_receipt_verify (receipt, strlen (receipt), pki.ca, &error);
    g_autoptr(BdWatchlistDelta) d = NULL;

    g_assert_no_error (error);
    d = bd_watchlist_delta_verify (delta, strlen (delta), pki.ca, &error);
    g_assert_no_error (error);
    g_assert_nonnull (r);
    g_assert_nonnull (d);
  }
  return 0;
}

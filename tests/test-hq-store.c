/* test-hq-store.c: HQ's store through its table of functions: the
 * sequence rules, alerts, reports and watchlist versions.  Runs on a
 * temporary SQLite file, or on $BD_HQ_TEST_STORE (a postgresql:// URL:
 * tests/integration/test_hq.py --postgresql passes one), so both
 * backends pass the same suite. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bd-batch.h"
#include "bd-cleanup.h"
#include "bd-hq-pki.h"
#include "bd-hq-store.h"
#include "bd-jws.h"
#include "bd-pki.h"
#include "bd-watchlist.h"

#define NOW "2026-05-01T12:00:00Z"

typedef struct {
  char *tmp;
  BdHqStore *store;
  EVP_PKEY *key;
  char *desk;
  gint64 epoch;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  const char *url = g_getenv ("BD_HQ_TEST_STORE");

  f->tmp = g_dir_make_tmp ("bd-hq-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = bd_hq_store_open (f->tmp, url, &error);
  g_assert_no_error (error);
  f->key = bd_pki_generate_ed25519 (&error);
  g_assert_no_error (error);
  /* A desk of its own per test: the PostgreSQL database is shared. */
  f->desk = g_strdup_printf ("T%08X/%u", g_random_int (), g_random_int_range (1, 9999));
  pem = bd_hq_public_pem (f->key);
  g_assert_true (bd_hq_store_desk_register (f->store, f->desk, pem, NOW, &f->epoch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->epoch, ==, 1);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->tmp, "hq.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  bd_hq_store_close (f->store);
  EVP_PKEY_free (f->key);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->tmp);
  g_free (f->tmp);
  g_free (f->desk);
}

static char *
crossing (const char *desk, guint n)
{
  g_autofree char *post = g_strndup (desk, strcspn (desk, "/"));
  g_autofree char *id = g_uuid_string_random ();

  return g_strdup_printf (
    "{\"type\":\"crossing\",\"id\":\"%s\",\"time\":\"2026-05-0%uT10:00:00Z\","
    "\"direction\":\"%s\",\"decision\":\"admitted\",\"shift\":1,\"officer\":\"g1\","
    "\"post\":\"%s\",\"desk\":\"%s\",\"document\":{\"code\":\"P\",\"issuing_state\":\"UTO\","
    "\"number\":\"L%07u\",\"expiry\":\"2030-01-01\"},\"traveller\":{\"surname\":\"DOE\","
    "\"given_names\":\"JANE\",\"nationality\":\"UTO\",\"birth_date\":\"1980-01-01\","
    "\"sex\":\"F\"},\"refusal_reasons\":[],\"source\":\"manual\",\"vulnerability\":\"\","
    "\"override_by\":null}", id, 1 + n % 2, n % 2 ? "exit" : "entry", post, desk, n);
}

/* A signed, parsed batch of @n crossings (or @records when given). */
static BdBatch *
make_batch (Fixture *f, gint64 epoch, gint64 seq, const char *prev, guint n, gint64 audit,
            const char *records)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) recs = g_string_new (NULL);
  g_autofree char *payload = NULL;
  g_autofree char *jws = NULL;
  g_autoptr(GBytes) bytes = NULL;
  BdBatch *batch;

  for (guint i = 0; records == NULL && i < n; i++)
    {
      g_autofree char *c = crossing (f->desk, i);

      g_string_append_printf (recs, "%s%s", i ? "," : "", c);
    }
  payload = g_strdup_printf ("{\"desk\":\"%s\",\"epoch\":%" G_GINT64_FORMAT ",\"seq\":%"
                             G_GINT64_FORMAT ",\"prev\":\"%s\",\"created\":\"" NOW "\","
                             "\"audit_head\":{\"seq\":%" G_GINT64_FORMAT ",\"hash\":\"%s\"},"
                             "\"records\":[%s]}", f->desk, epoch, seq, prev, audit,
                             BD_SHA256_ZERO, records != NULL ? records : recs->str);
  bytes = g_bytes_new (payload, strlen (payload));
  jws = bd_jws_sign (f->key, f->desk, BD_JWS_TYP_BATCH, NULL, bytes, &error);
  g_assert_no_error (error);
  batch = bd_batch_parse (jws, strlen (jws), &error);
  g_assert_no_error (error);
  return batch;
}

static BdHqSubmit
submit (Fixture *f, const BdBatch *batch, char **receipt)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *mine = g_strdup_printf ("receipt-%s-%" G_GINT64_FORMAT, batch->sha256,
                                           batch->seq);
  BdHqSubmitResult r;

  g_assert_true (bd_hq_store_submit (f->store, batch, mine, NOW, &r, &error));
  g_assert_no_error (error);
  if (receipt != NULL)
    *receipt = g_steal_pointer (&r.receipt);
  bd_hq_submit_result_clear (&r);
  return r.status;
}

static gint64
desk_crossings (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = bd_hq_store_report (f->store, NULL, NULL, &error);
  JsonArray *desks;

  g_assert_no_error (error);
  desks = json_object_get_array_member (json_node_get_object (report), "desks");
  for (guint i = 0; i < json_array_get_length (desks); i++)
    {
      JsonObject *d = json_array_get_object_element (desks, i);

      if (g_strcmp0 (json_object_get_string_member (d, "desk"), f->desk) == 0)
        return json_object_get_int_member (d, "crossings");
    }
  g_assert_not_reached ();
}

static guint
alerts_of (Fixture *f, const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqRows) rows = bd_hq_store_alert_list (f->store, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < rows->rows->len; i++)
    n += g_strcmp0 (bd_hq_rows_get (rows, i, 2), f->desk) == 0 &&
         g_strcmp0 (bd_hq_rows_get (rows, i, 3), kind) == 0;
  return n;
}

static void
test_sequence (Fixture *f, gconstpointer data)
{
  g_autoptr(BdBatch) b1 = make_batch (f, 1, 1, BD_SHA256_ZERO, 3, 3, NULL);
  g_autoptr(BdBatch) b2 = NULL;
  g_autoptr(BdBatch) gap = NULL;
  g_autoptr(BdBatch) bad_prev = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;

  g_assert_cmpint (submit (f, b1, &first), ==, BD_HQ_SUBMIT_STORED);
  g_assert_cmpint (submit (f, b1, &again), ==, BD_HQ_SUBMIT_REPLAY);
  g_assert_cmpstr (first, ==, again);
  g_assert_cmpint (desk_crossings (f), ==, 3);

  gap = make_batch (f, 1, 3, b1->sha256, 1, 4, NULL);
  g_assert_cmpint (submit (f, gap, NULL), ==, BD_HQ_SUBMIT_GAP);
  bad_prev = make_batch (f, 1, 2, BD_SHA256_ZERO, 1, 4, NULL);
  g_assert_cmpint (submit (f, bad_prev, NULL), ==, BD_HQ_SUBMIT_PREV);
  b2 = make_batch (f, 1, 2, b1->sha256, 2, 5, NULL);
  g_assert_cmpint (submit (f, b2, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_cmpint (desk_crossings (f), ==, 5);
}

static void
test_conflict_alert (Fixture *f, gconstpointer data)
{
  g_autoptr(BdBatch) b1 = make_batch (f, 1, 1, BD_SHA256_ZERO, 2, 2, NULL);
  g_autoptr(BdBatch) other = make_batch (f, 1, 1, BD_SHA256_ZERO, 2, 2, NULL);

  g_assert_cmpint (submit (f, b1, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_cmpint (submit (f, other, NULL), ==, BD_HQ_SUBMIT_CONFLICT);
  g_assert_cmpuint (alerts_of (f, "conflict"), ==, 1);
  g_assert_cmpint (desk_crossings (f), ==, 2);
}

static void
test_audit_backwards (Fixture *f, gconstpointer data)
{
  g_autoptr(BdBatch) b1 = make_batch (f, 1, 1, BD_SHA256_ZERO, 1, 10, NULL);
  g_autoptr(BdBatch) b2 = make_batch (f, 1, 2, b1->sha256, 1, 4, NULL);

  g_assert_cmpint (submit (f, b1, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_cmpint (submit (f, b2, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_cmpuint (alerts_of (f, "audit-backwards"), ==, 1);
}

static void
test_epochs_and_revocation (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdBatch) b1 = make_batch (f, 1, 1, BD_SHA256_ZERO, 1, 1, NULL);
  g_autoptr(BdBatch) old = NULL;
  g_autoptr(BdBatch) e2 = NULL;
  g_autoptr(BdHqDesk) desk = NULL;
  g_autofree char *pem = bd_hq_public_pem (f->key);
  gint64 epoch;

  g_assert_cmpint (submit (f, b1, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_true (bd_hq_store_desk_register (f->store, f->desk, pem, NOW, &epoch, &error));
  g_assert_cmpint (epoch, ==, 2);
  old = make_batch (f, 1, 2, b1->sha256, 1, 2, NULL);
  g_assert_cmpint (submit (f, old, NULL), ==, BD_HQ_SUBMIT_EPOCH);
  /* The closed epoch's stored batch is still answered. */
  g_assert_cmpint (submit (f, b1, NULL), ==, BD_HQ_SUBMIT_REPLAY);
  e2 = make_batch (f, 2, 1, BD_SHA256_ZERO, 1, 1, NULL);
  g_assert_cmpint (submit (f, e2, NULL), ==, BD_HQ_SUBMIT_STORED);

  g_assert_true (bd_hq_store_desk_revoke (f->store, f->desk, &error));
  desk = bd_hq_store_desk_get (f->store, f->desk, &error);
  g_assert_no_error (error);
  g_assert_true (desk->revoked);
  g_assert_cmpint (desk->last_seq, ==, 1);
  g_clear_pointer (&old, bd_batch_free);
  old = make_batch (f, 2, 2, e2->sha256, 1, 2, NULL);
  g_assert_cmpint (submit (f, old, NULL), ==, BD_HQ_SUBMIT_REVOKED);
  g_assert_cmpuint (alerts_of (f, "revoked-desk"), ==, 1);
  g_assert_false (bd_hq_store_desk_revoke (f->store, "NOPE/1", &error));
  g_assert_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND);
}

static void
test_crossing_once (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqRows) rows = NULL;
  g_autofree char *c = crossing (f->desk, 0);
  g_autofree char *compact = crossing (f->desk, 1);
  /* Spaced as json-glib would never write it. */
  g_auto(GStrv) parts = g_strsplit (compact, "\":", -1);
  g_autofree char *c2 = g_strjoinv ("\" :  ", parts);
  g_autofree char *spaced = g_strdup_printf (" \n%s ,\n\t%s\n", c2, c);
  g_autoptr(BdBatch) b1 = make_batch (f, 1, 1, BD_SHA256_ZERO, 0, 1, spaced);
  g_autoptr(BdBatch) b2 = make_batch (f, 1, 2, b1->sha256, 0, 2, c);
  g_autoptr(BdBatch) shift = make_batch (f, 1, 3, b2->sha256, 0, 3,
                                         "{\"type\":\"shift\",\"event\":\"opened\",\"shift\":1,"
                                         "\"officer\":\"g1\",\"desk\":\"X/1\",\"opened\":\""
                                         NOW "\",\"closed\":null,\"signed_off_by\":null,"
                                         "\"signed_off_at\":null}");

  /* The same crossing carried twice (a desk re-sending after a restore)
   * is one crossing. */
  g_assert_cmpint (submit (f, b1, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_cmpint (submit (f, b2, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_cmpint (desk_crossings (f), ==, 2);
  /* Each record kept as the desk signed it, byte for byte. */
  g_assert_true (f->store->klass->exec (f->store, "SELECT record FROM crossings WHERE desk = $1"
                                        " ORDER BY record = $2", 2,
                                        (const char *[]) { f->desk, c }, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->rows->len, ==, 2);
  g_assert_cmpstr (bd_hq_rows_get (rows, 0, 0), ==, c2);
  g_assert_cmpstr (bd_hq_rows_get (rows, 1, 0), ==, c);
  g_assert_cmpint (submit (f, shift, NULL), ==, BD_HQ_SUBMIT_STORED);
}

static void
test_group_commit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdBatch) b1 = make_batch (f, 1, 1, BD_SHA256_ZERO, 2, 2, NULL);
  g_autoptr(BdBatch) b2 = make_batch (f, 1, 2, b1->sha256, 3, 5, NULL);
  g_autoptr(BdBatch) gap = make_batch (f, 1, 5, b1->sha256, 1, 6, NULL);
  g_autoptr(BdBatch) other = make_batch (f, 1, 1, BD_SHA256_ZERO, 1, 1, NULL);
  const BdBatch *batches[] = { b1, b2, gap, other };
  const char *receipts[] = { "r1", "r2", "r3", "r4" };
  const char *nows[] = { NOW, NOW, NOW, NOW };
  BdHqSubmitResult results[4];
  BdHqSubmit expected[] = {
    BD_HQ_SUBMIT_STORED, BD_HQ_SUBMIT_STORED, BD_HQ_SUBMIT_GAP, BD_HQ_SUBMIT_CONFLICT
  };

  /* One transaction; each batch sees those before it, and the refused
   * ones leave nothing but their alerts. */
  g_assert_true (bd_hq_store_submit_group (f->store, 4, batches, receipts, nows, results,
                                           &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpint (results[i].status, ==, expected[i]);
      bd_hq_submit_result_clear (&results[i]);
    }
  g_assert_cmpint (results[2].expected_seq, ==, 3);
  g_assert_cmpint (desk_crossings (f), ==, 5);
  g_assert_cmpuint (alerts_of (f, "conflict"), ==, 1);
}

/* Caps the SQLite file at what it holds now plus @extra pages: what a
 * full disk looks like to SQLite (SQLITE_FULL), without a disk. */
static void
cap_pages (Fixture *f, gint64 extra)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqRows) rows = NULL;
  g_autofree char *sql = NULL;

  g_assert_true (f->store->klass->exec (f->store, "PRAGMA page_count", 0, NULL, &rows, &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         g_ascii_strtoll (bd_hq_rows_get (rows, 0, 0), NULL, 10) + extra);
  g_assert_true (f->store->klass->exec (f->store, sql, 0, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* A full store refuses a batch as BD_HQ_STORE_ERROR_FULL, alone or in a
 * group (whose batches the committer then offers one by one), and keeps
 * nothing of it; a batch that fits still goes in, and once the store
 * may grow, the refused one does too. */
static void
test_full (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdBatch) small = make_batch (f, 1, 1, BD_SHA256_ZERO, 1, 1, NULL);
  g_autoptr(BdBatch) big = make_batch (f, 1, 2, small->sha256, 400, 2, NULL);
  const BdBatch *batches[] = { small, big };
  const char *receipts[] = { "r1", "r2" };
  const char *nows[] = { NOW, NOW };
  BdHqSubmitResult results[2], r;

  if (strcmp (f->store->klass->name, "sqlite") != 0)
    {
      g_test_skip ("max_page_count is SQLite's");
      return;
    }
  cap_pages (f, 8);
  g_assert_false (bd_hq_store_submit_group (f->store, 2, batches, receipts, nows, results,
                                            &error));
  g_assert_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpint (desk_crossings (f), ==, 0);
  g_assert_cmpint (submit (f, small, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_false (bd_hq_store_submit (f->store, big, "r2", NOW, &r, &error));
  g_assert_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_cmpint (desk_crossings (f), ==, 1);
  cap_pages (f, 100000);
  g_assert_cmpint (submit (f, big, NULL), ==, BD_HQ_SUBMIT_STORED);
  g_assert_cmpint (desk_crossings (f), ==, 401);
}

static BdWatchlistEntry *
entry (const char *reference, const char *surname)
{
  BdWatchlistEntry *e = bd_watchlist_entry_new ();

  e->list = BD_WATCHLIST_PERSONS;
  e->action = BD_WATCHLIST_REFER;
  g_free (e->surname);
  e->surname = g_strdup (surname);
  g_free (e->reference);
  e->reference = g_strdup (reference);
  return e;
}

static gint64
current_version (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_auto(GStrv) removed = NULL;
  g_autofree char *published = NULL;
  gint64 to;

  g_assert_true (bd_hq_store_watchlist_delta (f->store, 0, &to, &published, &added, &removed,
                                              &error));
  return to;
}

static void
test_watchlist (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (
    (GDestroyNotify) bd_watchlist_entry_free);
  g_autoptr(GPtrArray) added = NULL;
  g_auto(GStrv) removed = NULL;
  g_autofree char *published = NULL;
  g_autofree char *ref_a = g_strdup_printf ("%s-A", f->desk);
  g_autofree char *ref_b = g_strdup_printf ("%s-B", f->desk);
  gint64 base = current_version (f), v, to;

  g_ptr_array_add (entries, entry (ref_a, "ALPHA"));
  g_ptr_array_add (entries, entry (ref_b, "BRAVO"));
  g_assert_true (bd_hq_store_watchlist_stage_add (f->store, entries, &error));
  g_assert_true (bd_hq_store_watchlist_publish (f->store, NOW, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpint (v, ==, base + 1);
  /* Nothing staged: no new version. */
  g_assert_true (bd_hq_store_watchlist_publish (f->store, NOW, &v, &error));
  g_assert_cmpint (v, ==, base + 1);

  g_assert_true (bd_hq_store_watchlist_stage_remove (f->store, ref_a, &error));
  g_assert_true (bd_hq_store_watchlist_publish (f->store, NOW, &v, &error));
  g_assert_cmpint (v, ==, base + 2);
  g_assert_true (bd_hq_store_watchlist_delta (f->store, base + 1, &to, &published, &added,
                                              &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (to, ==, base + 2);
  g_assert_cmpuint (added->len, ==, 0);
  g_assert_cmpuint (g_strv_length (removed), ==, 1);
  g_assert_cmpstr (removed[0], ==, ref_a);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&removed, g_strfreev);
  g_clear_pointer (&published, g_free);
  g_assert_true (bd_hq_store_watchlist_delta (f->store, base, &to, &published, &added,
                                              &removed, &error));
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_cmpstr (((BdWatchlistEntry *) g_ptr_array_index (added, 0))->surname, ==, "BRAVO");
  g_assert_cmpuint (g_strv_length (removed), ==, 0);

  g_assert_false (bd_hq_store_watchlist_stage_remove (f->store, "nothing-here", &error));
  g_assert_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&added, g_ptr_array_unref);
  g_clear_pointer (&removed, g_strfreev);
  g_clear_pointer (&published, g_free);
  g_assert_false (bd_hq_store_watchlist_delta (f->store, base + 9, &to, &published, &added,
                                               &removed, &error));
  g_assert_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)
  ADD ("/hq-store/sequence", test_sequence);
  ADD ("/hq-store/conflict-alert", test_conflict_alert);
  ADD ("/hq-store/audit-backwards", test_audit_backwards);
  ADD ("/hq-store/epochs-and-revocation", test_epochs_and_revocation);
  ADD ("/hq-store/crossing-once", test_crossing_once);
  ADD ("/hq-store/group-commit", test_group_commit);
  ADD ("/hq-store/full", test_full);
  ADD ("/hq-store/watchlist", test_watchlist);
#undef ADD
  return g_test_run ();
}

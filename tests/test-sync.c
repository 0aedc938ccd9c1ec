/* test-sync.c: the desk's side of the sync, without a network: batches
 * cut from the outbox, their chain, receipts (genuine, forged, for other
 * contents), enrolment checks, export files and signed watchlist files.
 * The network round against the real HQ is tests/integration/test_sync.py. */
#include "config.h"

#include <string.h>

#include "bd-batch.h"
#include "bd-cleanup.h"
#include "bd-demo.h"
#include "bd-pki.h"
#include "bd-sync.h"
#include "bd-test-util.h"
#include "bd-watchlist-delta.h"

typedef struct {
  BdTestDesk desk;
  EVP_PKEY *ca_key, *hq_key;
  X509 *ca, *hq_cert;
} Fixture;

static void
unlink_in (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_unlink (path);
}

/* A desk enrolled with a throwaway HQ PKI, with demo crossings. */
static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) desk_pub = NULL;
  g_autofree char *csr = NULL, *cn = NULL, *cert_pem = NULL, *ca_pem = NULL;
  g_autoptr(X509) cert = NULL;
  BdDemoOptions demo = { .crossings = GPOINTER_TO_INT (data), .travellers = 40, .seed = 7,
                         .batch = 100 };

  bd_test_desk_setup (&f->desk, NULL);
  f->ca_key = bd_pki_generate_ed25519 (&error);
  f->hq_key = bd_pki_generate_ed25519 (&error);
  f->ca = bd_pki_issue (f->ca_key, "HQ CA", BD_CERT_CA, NULL, NULL, f->ca_key, 1, 10, &error);
  f->hq_cert = bd_pki_issue (f->hq_key, "HQ signing", BD_CERT_DOC_SIGNING, NULL, f->ca,
                             f->ca_key, 2, 10, &error);
  g_assert_no_error (error);

  csr = bd_sync_enroll_request (f->desk.db, f->desk.cli, &error);
  g_assert_no_error (error);
  desk_pub = bd_pki_csr_key (csr, -1, &cn, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cn, ==, "UTO-ALP/1");
  cert = bd_pki_issue_desk (desk_pub, cn, 1, f->ca, f->ca_key, 3, 10, &error);
  g_assert_no_error (error);
  cert_pem = bd_pki_cert_to_pem (cert);
  ca_pem = bd_pki_cert_to_pem (f->ca);
  g_assert_true (bd_sync_enroll_install (f->desk.db, f->desk.cli, cert_pem, ca_pem,
                                         "https://127.0.0.1:1", &error));
  g_assert_no_error (error);
  if (demo.crossings > 0)
    g_assert_true (bd_demo_seed (f->desk.db, f->desk.cli, &demo, &error));
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  const char *files[] = { "desk.key", "desk.crt", "hq-ca.crt" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    unlink_in (f->desk.dir, files[i]);
  EVP_PKEY_free (f->ca_key);
  EVP_PKEY_free (f->hq_key);
  X509_free (f->ca);
  X509_free (f->hq_cert);
  bd_test_desk_teardown (&f->desk, NULL);
}

static gint64
status_int (Fixture *f, const char *member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = bd_sync_status (f->desk.db, &error);

  g_assert_no_error (error);
  return json_object_get_int_member (status, member);
}

static gint64
count (Fixture *f, const char *sql)
{
  sqlite3_stmt *stmt = bd_db_stmt (f->desk.db, sql, NULL);
  gint64 n;

  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

/* Every batch as HQ would read it, in seq order. */
static GPtrArray *
parsed_batches (Fixture *f)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_batch_free);
  sqlite3_stmt *stmt = bd_db_stmt (f->desk.db, "SELECT jws FROM batches ORDER BY seq", NULL);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GError) error = NULL;
      const char *text = (const char *) sqlite3_column_text (stmt, 0);
      BdBatch *b = bd_batch_parse (text, strlen (text), &error);

      g_assert_no_error (error);
      g_ptr_array_add (list, b);
    }
  sqlite3_reset (stmt);
  return list;
}

static void
test_cut_chain (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(X509) desk_cert = NULL;
  g_autofree char *cert_path = bd_sync_file_path (f->desk.db, "desk.crt");
  gint64 outbox = count (f, "SELECT count(*) FROM outbox");
  gint64 made = 0, total = 0;
  const char *prev = BD_SHA256_ZERO;

  /* 1 200 crossings plus shift events: three batches of at most 500. */
  g_assert_cmpint (outbox, >, 1200);
  g_assert_cmpint (status_int (f, "pending_records"), ==, outbox);
  g_assert_true (bd_sync_cut (f->desk.db, &made, &error));
  g_assert_no_error (error);
  g_assert_cmpint (made, ==, (outbox + 499) / 500);
  desk_cert = bd_pki_load_cert (cert_path, &error);
  batches = parsed_batches (f);
  g_assert_cmpint (batches->len, ==, made);
  for (guint i = 0; i < batches->len; i++)
    {
      BdBatch *b = batches->pdata[i];

      g_assert_cmpint (b->seq, ==, i + 1);
      g_assert_cmpint (b->epoch, ==, 1);
      g_assert_cmpstr (b->prev, ==, prev);
      g_assert_cmpstr (b->desk, ==, "UTO-ALP/1");
      g_assert_cmpint (json_array_get_length (b->records), <=, 500);
      g_assert_true (bd_jws_verify (b->jws, X509_get0_pubkey (desk_cert), &error));
      g_assert_no_error (error);
      prev = b->sha256;
      total += json_array_get_length (b->records);
    }
  /* Every record exactly once, oldest first; nothing left to cut. */
  g_assert_cmpint (total, ==, outbox);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox WHERE batch_seq IS NULL"), ==, 0);
  g_assert_true (bd_sync_cut (f->desk.db, &made, &error));
  g_assert_cmpint (made, ==, 0);
  /* Cut is not sent: still pending until receipts. */
  g_assert_cmpint (status_int (f, "pending_records"), ==, outbox);
  g_assert_cmpint (status_int (f, "pending_batches"), ==, batches->len);
}

static char *
receipt_for (Fixture *f, BdBatch *b, EVP_PKEY *key, X509 *cert)
{
  g_autoptr(GError) error = NULL;
  char *r = bd_receipt_make (b, "2026-11-28T12:00:00Z", key, cert, &error);

  g_assert_no_error (error);
  return r;
}

static void
test_receipts (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(X509) desk_cert = NULL;
  g_autoptr(EVP_PKEY) desk_key = NULL;
  g_autofree char *cert_path = bd_sync_file_path (f->desk.db, "desk.crt");
  g_autofree char *key_path = bd_sync_file_path (f->desk.db, "desk.key");
  g_autofree char *genuine = NULL, *forged = NULL;
  gint64 skew = 0;

  g_assert_true (bd_sync_cut (f->desk.db, NULL, &error));
  batches = parsed_batches (f);
  g_assert_cmpuint (batches->len, ==, 1);

  /* Signed by the desk's own key and certificate: not HQ's. */
  desk_cert = bd_pki_load_cert (cert_path, &error);
  desk_key = bd_pki_load_key (key_path, &error);
  forged = receipt_for (f, batches->pdata[0], desk_key, desk_cert);
  g_assert_false (bd_sync_import_receipt (f->desk.db, forged, strlen (forged), NULL, &error));
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_RECEIPT);
  g_clear_error (&error);
  g_assert_cmpint (status_int (f, "pending_batches"), ==, 1);

  /* A genuine receipt for other contents (another sha256). */
  {
    BdBatch *b = batches->pdata[0];
    g_autofree char *real = b->sha256;
    g_autofree char *other = NULL;

    b->sha256 = g_strdup (BD_SHA256_ZERO);
    other = receipt_for (f, b, f->hq_key, f->hq_cert);
    g_free (b->sha256);
    b->sha256 = g_steal_pointer (&real);
    g_assert_false (bd_sync_import_receipt (f->desk.db, other, strlen (other), NULL, &error));
    g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_RECEIPT);
    g_clear_error (&error);
  }

  genuine = receipt_for (f, batches->pdata[0], f->hq_key, f->hq_cert);
  g_assert_true (bd_sync_import_receipt (f->desk.db, genuine, strlen (genuine), &skew, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status_int (f, "pending_records"), ==, 0);
  g_assert_cmpint (status_int (f, "pending_batches"), ==, 0);
  /* Twice is harmless. */
  g_assert_true (bd_sync_import_receipt (f->desk.db, genuine, strlen (genuine), NULL, &error));
  g_assert_no_error (error);
}

static void
test_enrol_refusals (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) stranger = bd_pki_generate_ed25519 (&error);
  g_autoptr(X509) wrong_key = bd_pki_issue_desk (stranger, "UTO-ALP/1", 1, f->ca, f->ca_key, 9,
                                                 10, &error);
  g_autofree char *desk_pub_pem = NULL;
  g_autofree char *ca_pem = bd_pki_cert_to_pem (f->ca);
  g_autofree char *pem = bd_pki_cert_to_pem (wrong_key);
  g_autofree char *hq_pem = bd_pki_cert_to_pem (f->hq_cert);
  g_autoptr(BdActor) guard = bd_test_officer (&f->desk, "gina", BD_ROLE_GUARD);

  g_assert_false (bd_sync_enroll_install (f->desk.db, f->desk.cli, pem, ca_pem,
                                          "https://hq.example:8443", &error));
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_ENROLMENT);
  g_clear_error (&error);
  /* HQ's signing certificate is not a desk certificate. */
  g_assert_false (bd_sync_enroll_install (f->desk.db, f->desk.cli, hq_pem, ca_pem,
                                          "https://hq.example:8443", &error));
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_ENROLMENT);
  g_clear_error (&error);
  /* Plain HTTP is not a sync address. */
  g_assert_false (bd_sync_enroll_install (f->desk.db, f->desk.cli, pem, ca_pem,
                                          "http://hq.example", &error));
  g_assert_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_ENROLMENT);
  g_clear_error (&error);
  /* A guard cannot touch the desk's enrolment. */
  g_assert_null (bd_sync_enroll_request (f->desk.db, guard, &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char **) a, *(char **) b);
}

static void
test_export (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->desk.dir, "usb", NULL);
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  gint64 n = 0;

  g_assert_true (bd_sync_export (f->desk.db, f->desk.cli, dir, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  d = g_dir_open (dir, 0, &error);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, ==, 2);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      g_autofree char *text = NULL;
      g_autoptr(BdBatch) b = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &text, &length, &error));
      b = bd_batch_parse (text, length, &error);
      g_assert_no_error (error);
      g_assert_cmpint (b->seq, ==, i + 1);   /* names sort in seq order */
      g_unlink (path);
    }
  g_rmdir (dir);
}

static char *
delta (Fixture *f, gint64 from, gint64 to, const char *surname, const char *reference)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               bd_watchlist_entry_free);
  BdWatchlistEntry *e = bd_watchlist_entry_new ();
  char *text;

  e->list = BD_WATCHLIST_PERSONS;
  e->action = BD_WATCHLIST_DENY;
  g_free (e->surname);
  e->surname = g_strdup (surname);
  g_free (e->reference);
  e->reference = g_strdup (reference);
  g_ptr_array_add (added, e);
  text = bd_watchlist_delta_make (from, to, "2026-11-28T10:00:00Z", added, NULL, f->hq_key,
                                  f->hq_cert, &error);
  g_assert_no_error (error);
  return text;
}

static void
test_signed_watchlist (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *v1 = delta (f, 0, 1, "KOVALENKO", "HQ-1");
  g_autofree char *v2 = delta (f, 1, 2, "PETRENKO", "HQ-2");
  g_autoptr(GString) tampered = g_string_new (v2);
  gint64 version = 0;

  /* Tampered: the payload changed after signing. */
  g_string_replace (tampered, "\"payload\":\"ey", "\"payload\":\"ez", 1);
  g_assert_false (bd_sync_apply_watchlist (f->desk.db, f->desk.cli, tampered->str,
                                           tampered->len, &version, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* Out of order: v2 does not start at the desk's version 0. */
  g_assert_false (bd_sync_apply_watchlist (f->desk.db, f->desk.cli, v2, strlen (v2), &version,
                                           &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_VERSION);
  g_clear_error (&error);
  g_assert_cmpint (status_int (f, "watchlist_version"), ==, 0);

  g_assert_true (bd_sync_apply_watchlist (f->desk.db, f->desk.cli, v1, strlen (v1), &version,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 1);
  g_assert_true (bd_sync_apply_watchlist (f->desk.db, f->desk.cli, v2, strlen (v2), &version,
                                          &error));
  g_assert_cmpint (version, ==, 2);
  /* An old delta cannot be replayed. */
  g_assert_false (bd_sync_apply_watchlist (f->desk.db, f->desk.cli, v1, strlen (v1), &version,
                                           &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_VERSION);
  g_assert_cmpint (status_int (f, "watchlist_version"), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/sync/cut-chain", Fixture, GINT_TO_POINTER (1200), setup, test_cut_chain,
              teardown);
  g_test_add ("/sync/receipts", Fixture, GINT_TO_POINTER (20), setup, test_receipts, teardown);
  g_test_add ("/sync/enrol-refusals", Fixture, GINT_TO_POINTER (0), setup, test_enrol_refusals,
              teardown);
  g_test_add ("/sync/export", Fixture, GINT_TO_POINTER (600), setup, test_export, teardown);
  g_test_add ("/sync/signed-watchlist", Fixture, GINT_TO_POINTER (0), setup,
              test_signed_watchlist, teardown);
  return g_test_run ();
}

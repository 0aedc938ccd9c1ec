/* test-template.c: templates at rest (sealing, the data key, storage,
 * gallery, purge) and the fingerprint outcome as a check row of a
 * registered crossing. */
#define _GNU_SOURCE
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "bd-audit.h"
#include "bd-crossing.h"
#include "bd-demo.h"
#include "bd-fingerprint.h"
#include "bd-shift.h"
#include "bd-template.h"
#include "bd-test-util.h"

/* 2026-05-01T10:00:00Z */
#define NOW 1777629600
#define DAY 86400

static const char print_text[] = "a serialised print: minutiae 17 42 113 ...";

static void
test_data_key (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (t->dir, "data.key", NULL);
  guint8 a[BD_DATA_KEY_SIZE], b[BD_DATA_KEY_SIZE];
  GStatBuf st;

  g_assert_false (bd_data_key_load (t->path, FALSE, a, &error));
  g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_KEY);
  g_clear_error (&error);
  g_assert_true (bd_data_key_load (t->path, TRUE, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (bd_data_key_load (t->path, TRUE, b, &error));
  g_assert_cmpmem (a, sizeof a, b, sizeof b);

  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_assert_false (bd_data_key_load (t->path, FALSE, b, &error));
  g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_KEY);
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (g_file_set_contents_full (path, "short", 5, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                           NULL));
  g_assert_false (bd_data_key_load (t->path, FALSE, b, &error));
  g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_KEY);
  g_unlink (path);
}

static void
test_seal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = g_bytes_new_static (print_text, sizeof print_text);
  g_autoptr(GBytes) sealed = NULL, opened = NULL, other = NULL;
  guint8 key[BD_DATA_KEY_SIZE], key2[BD_DATA_KEY_SIZE];
  gsize length;
  const guint8 *p;

  memset (key, 7, sizeof key);
  memset (key2, 8, sizeof key2);
  sealed = bd_template_seal (key, 42, "right-index-finger", plain, &error);
  g_assert_no_error (error);
  p = g_bytes_get_data (sealed, &length);
  g_assert_cmpuint (length, ==, sizeof print_text + 12 + 16);
  g_assert_null (memmem (p, length, "minutiae", 8));

  opened = bd_template_open (key, 42, "right-index-finger", sealed, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, plain));

  /* Another traveller, finger or key: the template does not open. */
  g_assert_null (bd_template_open (key, 43, "right-index-finger", sealed, &error));
  g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_CRYPTO);
  g_clear_error (&error);
  g_assert_null (bd_template_open (key, 42, "left-index-finger", sealed, &error));
  g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_CRYPTO);
  g_clear_error (&error);
  g_assert_null (bd_template_open (key2, 42, "right-index-finger", sealed, &error));
  g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_CRYPTO);
  g_clear_error (&error);
  /* A flipped bit anywhere is refused. */
  {
    g_autofree guint8 *copy = g_memdup2 (p, length);
    g_autoptr(GBytes) tampered = NULL;

    copy[length / 2] ^= 1;
    tampered = g_bytes_new (copy, length);
    g_assert_null (bd_template_open (key, 42, "right-index-finger", tampered, &error));
    g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_CRYPTO);
  }
}

static void
test_store_gallery (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = g_bytes_new_static (print_text, sizeof print_text);
  g_autoptr(GBytes) loaded = NULL;
  g_autoptr(GPtrArray) gallery = NULL, none = NULL;
  g_autofree char *driver = NULL;
  guint8 key[BD_DATA_KEY_SIZE];
  gint64 traveller, document, again, doc_again;
  BdTemplateRecord record = { 0, };

  g_assert_true (bd_data_key_load (t->path, TRUE, key, &error));
  g_assert_false (bd_document_resolve (t->db, "UTO", "A1234567", FALSE, &traveller, &document,
                                       &error));
  g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (bd_document_resolve (t->db, "UTO", "A1234567", TRUE, &traveller, &document,
                                      &error));
  g_assert_true (bd_document_resolve (t->db, "UTO", "A1234567", FALSE, &again, &doc_again,
                                      &error));
  g_assert_cmpint (again, ==, traveller);
  g_assert_cmpint (doc_again, ==, document);

  record.traveller_id = traveller;
  record.document_id = document;
  record.finger = "right-index-finger";
  record.plain = plain;
  record.driver = "virtual_image";
  g_assert_true (bd_template_store (t->db, t->cli, key, &record, &error));
  g_assert_no_error (error);
  g_assert_true (bd_template_exists (t->db, traveller, &error));
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM audit "
                                     "WHERE action = 'finger.enroll'"), ==, 1);

  loaded = bd_template_load (t->db, key, traveller, "right-index-finger", &driver, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (loaded, plain));
  g_assert_cmpstr (driver, ==, "virtual_image");
  g_assert_null (bd_template_load (t->db, key, traveller, "left-thumb", NULL, &error));
  g_assert_error (error, BD_TEMPLATE_ERROR, BD_TEMPLATE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  gallery = bd_template_gallery (t->db, key, "virtual_image", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gallery->len, ==, 1);
  g_assert_cmpstr (((BdGalleryEntry *) gallery->pdata[0])->document, ==, "UTO:A1234567");
  g_assert_true (g_bytes_equal (((BdGalleryEntry *) gallery->pdata[0])->plain, plain));
  /* Prints are tied to their driver. */
  none = bd_template_gallery (t->db, key, "elanmoc", &error);
  g_assert_cmpuint (none->len, ==, 0);

  /* A guard may; nobody may not. */
  g_assert_false (bd_template_store (t->db, NULL, key, &record, &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
}

static char *
register_with (BdTestDesk *t, const BdActor *guard, const BdActor *over, const char *number,
               const BdFingerOutcome *finger, GPtrArray **checks, GError **error)
{
  g_autofree char *text = bd_demo_make_td3 ("UTO", "MUSTER", "ERIKA", number, "UTO", "800101",
                                            'F', "300101");
  g_autoptr(BdMrz) mrz = bd_mrz_parse (text);
  BdCrossingRequest req = { 0, };
  char *uuid;

  bd_identity_from_mrz (&req.identity, mrz, bd_today ());
  req.mrz = mrz;
  req.direction = BD_DIRECTION_ENTRY;
  req.decision = BD_DECISION_ADMITTED;
  req.source = BD_SOURCE_MRZ_READER;
  req.override_reason = "checked by hand";
  req.finger = finger;
  uuid = bd_crossing_register (t->db, guard, over, &req, checks, error);
  bd_identity_clear (&req.identity);
  return uuid;
}

static const BdCheck *
finger_row (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    if (g_strcmp0 (((BdCheck *) checks->pdata[i])->name, "fingerprint") == 0)
      return checks->pdata[i];
  g_assert_not_reached ();
}

static void
test_register_outcomes (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = bd_test_officer (t, "gina", BD_ROLE_GUARD);
  g_autoptr(BdActor) sup = bd_test_officer (t, "sam", BD_ROLE_SUPERVISOR);
  g_autoptr(GBytes) plain = g_bytes_new_static (print_text, sizeof print_text);
  g_autoptr(GError) error = NULL;
  BdFingerOutcome enrolled = { BD_FINGER_ENROLLED, "right-index-finger", .template = plain,
                               .driver = "virtual_image", .quality = "clean" };
  BdFingerOutcome mismatch = { BD_FINGER_MISMATCH, "right-index-finger", .score = -1 };
  BdFingerOutcome other = { BD_FINGER_OTHER_IDENTITY, "right-index-finger",
                            .other_document = "UTO:B7654321" };
  BdFingerOutcome exempt = { BD_FINGER_EXEMPT, NULL, "six years old", BD_EXEMPT_UNDER_12, TRUE };
  BdFingerOutcome temporary = { BD_FINGER_EXEMPT, NULL, "bandaged hand", BD_EXEMPT_TEMPORARY,
                                TRUE };

  g_assert_cmpint (bd_shift_open (t->db, guard, "1", NULL), >, 0);
  bd_clock_set_override (NOW);

  /* No reader: a warning, never a block. */
  {
    g_autoptr(GPtrArray) checks = NULL;
    g_autofree char *uuid = register_with (t, guard, NULL, "A0000001", NULL, &checks, &error);

    g_assert_no_error (error);
    g_assert_nonnull (uuid);
    g_assert_cmpint (finger_row (checks)->state, ==, BD_CHECK_WARNING);
    g_assert_cmpstr (finger_row (checks)->reason, ==, "not captured: no reader");
  }
  /* Enrolled with the crossing: the template is stored, sealed, with the
   * crossing that will carry it to HQ. */
  {
    g_autoptr(GPtrArray) checks = NULL;
    g_autofree char *uuid = register_with (t, guard, NULL, "A0000002", &enrolled, &checks,
                                           &error);

    g_assert_no_error (error);
    g_assert_cmpint (finger_row (checks)->state, ==, BD_CHECK_OK);
    g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM finger_templates t JOIN crossings c "
                               "ON c.id = t.crossing_id AND c.traveller_id = t.traveller_id"),
                     ==, 1);
  }
  /* A mismatch and a second identity block; a supervisor may override. */
  {
    g_autoptr(GPtrArray) checks = NULL;
    g_autofree char *uuid = register_with (t, guard, NULL, "A0000002", &mismatch, &checks,
                                           &error);

    g_assert_null (uuid);
    g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_BLOCKED);
    g_assert_cmpint (finger_row (checks)->state, ==, BD_CHECK_BLOCK);
    g_clear_error (&error);
  }
  {
    g_autoptr(GPtrArray) checks = NULL;
    g_autofree char *uuid = register_with (t, guard, NULL, "A0000003", &other, &checks, &error);

    g_assert_null (uuid);
    g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_BLOCKED);
    g_assert_nonnull (strstr (finger_row (checks)->reason, "one person, two identities"));
    g_assert_nonnull (strstr (finger_row (checks)->reason, "UTO:B7654321"));
    g_clear_error (&error);
  }
  {
    g_autofree char *uuid = register_with (t, guard, sup, "A0000003", &other, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (uuid);
  }
  /* Exemptions: recorded with the crossing; under 12 passes, a temporary
   * impossibility warns. */
  {
    g_autoptr(GPtrArray) checks = NULL;
    g_autofree char *uuid = register_with (t, guard, NULL, "A0000004", &exempt, &checks, &error);

    g_assert_no_error (error);
    g_assert_cmpint (finger_row (checks)->state, ==, BD_CHECK_OK);
  }
  {
    g_autoptr(GPtrArray) checks = NULL;
    g_autofree char *uuid = register_with (t, guard, NULL, "A0000005", &temporary, &checks,
                                           &error);

    g_assert_no_error (error);
    g_assert_cmpint (finger_row (checks)->state, ==, BD_CHECK_WARNING);
  }
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM finger_exemptions WHERE consent = 1 AND "
                             "crossing_id IS NOT NULL"), ==, 2);
  {
    BdAuditReport report = { 0, };

    g_assert_true (bd_audit_verify (t->db, &report, &error));
    g_assert_null (report.reason);
    bd_audit_report_clear (&report);
  }
}

static void
test_purge (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = bd_test_officer (t, "gina", BD_ROLE_GUARD);
  g_autoptr(GBytes) plain = g_bytes_new_static (print_text, sizeof print_text);
  g_autoptr(GError) error = NULL;
  BdFingerOutcome enrolled = { BD_FINGER_ENROLLED, "right-index-finger", .template = plain,
                               .driver = "virtual_image", .quality = "clean" };
  g_autofree char *a = NULL, *b = NULL;

  g_assert_cmpint (bd_shift_open (t->db, guard, "1", NULL), >, 0);
  bd_clock_set_override (NOW);
  a = register_with (t, guard, NULL, "A0000001", &enrolled, NULL, &error);
  b = register_with (t, guard, NULL, "A0000002", &enrolled, NULL, &error);
  g_assert_no_error (error);

  /* HQ acknowledges the batch carrying A's crossing only. */
  g_assert_true (bd_db_exec (t->db,
    "INSERT INTO batches (epoch, seq, created, records, sha256, jws, receipt, acknowledged) "
    "VALUES (1, 1, '2026-05-01T10:00:00Z', 1, 'x', 'x', 'r', '2026-05-01T10:05:00Z');"
    "UPDATE outbox SET batch_epoch = 1, batch_seq = 1 WHERE kind = 'crossing' AND ref_id = "
    " (SELECT c.id FROM crossings c JOIN documents d ON d.id = c.document_id "
    "  WHERE d.number = 'A0000001');", &error));
  g_assert_no_error (error);

  /* Within the retention period (default: 180 days): nothing goes. */
  bd_clock_set_override (NOW + 179 * DAY);
  g_assert_cmpint (bd_template_purge (t->db, t->cli, &error), ==, 0);
  g_assert_no_error (error);
  /* A shorter period set by the post: the acknowledged one goes, the
   * unacknowledged one stays. */
  g_assert_true (bd_setting_set (t->db, t->cli, BD_SETTING_FINGER_RETENTION_DAYS, "30", &error));
  g_assert_cmpint (bd_template_purge (t->db, t->cli, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM finger_templates"), ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM audit WHERE action = 'finger.purge' AND "
                             "details LIKE '%\"templates\":1%'"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/template/seal", test_seal);
  BD_TEST_ADD ("/template/data-key", test_data_key);
  BD_TEST_ADD ("/template/store-gallery", test_store_gallery);
  BD_TEST_ADD ("/template/register-outcomes", test_register_outcomes);
  BD_TEST_ADD ("/template/purge", test_purge);
  return g_test_run ();
}

/* test-desk-finger.c: the registration page's fingerprint panel, in
 * process, against libfprint's virtual_device driver (deterministic
 * flows: "SCAN id" matches the prints enrolled with the same id).
 *
 * Run under Xvfb like test-desk-widgets.c (bd-desk-test.h has the
 * fixture), each test in its own child process, with the service isolated
 * as the desk has it: libfprint in borderdesk-fingerprint-helper
 * ($BORDERDESK_FINGERPRINT_HELPER), a fresh one per test.
 */
#include "config.h"

#include <locale.h>
#include <fprint.h>
#include <sqlite3.h>

#include "bd-desk-finger.h"
#include "bd-desk-test.h"
#include "bd-fingergen.h"
#include "bd-finger-panel.h"
#include "bd-template.h"

/* DEU and FRA passports (tests/integration/test_cli.py's builder). */
#define MRZ_DEU \
  "P<DEUMUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\n" \
  "C01X00T478DEU6408125F3001318<<<<<<<<<<<<<<06"
#define MRZ_FRA \
  "P<FRADUPONT<<JEAN<<<<<<<<<<<<<<<<<<<<<<<<<<<\n" \
  "F123456789FRA7503038M3412318<<<<<<<<<<<<<<00"
/* virtual_device's enrolment takes this many scans. */
#define STAGES 5

typedef struct {
  BdFingerprint *fp;
  char *dir;
  char *socket;
} Reader;

/* A virtual_device reader for the desk, then a guard on shift and the
 * registration page: the plain reader verifies only; with @storage it
 * also searches 1:N. */
static GtkWidget *
page_with_reader (Fx *f, Reader *r, gboolean storage)
{
  g_autoptr(GError) error = NULL;

  r->dir = g_dir_make_tmp ("bd-desk-fp-XXXXXX", NULL);
  r->socket = g_build_filename (r->dir, "virtual-device.socket", NULL);
  g_setenv (storage ? "FP_VIRTUAL_DEVICE_STORAGE" : "FP_VIRTUAL_DEVICE", r->socket, TRUE);
  g_setenv ("FP_DRIVERS_WHITELIST", storage ? "virtual_device_storage" : "virtual_device", TRUE);
  /* The desk's own arrangement: libfprint in the helper process. */
  r->fp = bd_fingerprint_new_isolated (NULL, &error);
  g_assert_no_error (error);
  bd_desk_context_set_fingerprint (f->ctx, r->fp, NULL, FP_FINGER_RIGHT_INDEX);
  login_with_shift (f, "g1");
  return show_registration_page (f);
}

/* The page goes first: its pending capture is cancelled and called back
 * before the service stops. */
static void
reader_teardown (Fx *f, Reader *r)
{
  gtk_widget_destroy (f->window);
  f->window = NULL;
  flush_events ();
  bd_desk_context_set_fingerprint (f->ctx, NULL, NULL, 0);
  bd_fingerprint_free (r->fp);
  g_unlink (r->socket);
  g_rmdir (r->dir);
  g_free (r->socket);
  g_free (r->dir);
}

static void
command (Reader *r, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bd_fingergen_command (r->socket, text, &error));
  g_assert_no_error (error);
}

#define PANEL(page, name) child (panel_of (page), BD_TYPE_FINGER_PANEL, name)

static GtkWidget *
panel_of (GtkWidget *page)
{
  GtkWidget *slot = REG (page, "finger_slot");
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (slot));

  g_assert_nonnull (children);
  g_assert_true (BD_IS_FINGER_PANEL (children->data));
  return children->data;
}

static const char *
prompt (GtkWidget *page)
{
  return label_text (PANEL (page, "prompt"));
}

/* Whether the checks panel shows the fingerprint row in @state with
 * @words in its reason. */
static gboolean
finger_row_is (GtkWidget *page, const char *state, const char *words)
{
  g_autofree char *row = check_row (page, "fingerprint");

  return row != NULL && check_row_is (page, "fingerprint", state) && strstr (row, words) != NULL;
}

/* The fingerprint check recorded with crossing @i (newest first). */
static char *
recorded_finger_check (Fx *f, guint i)
{
  g_autoptr(JsonArray) list = db_crossings (f);
  JsonArray *checks = json_object_get_array_member (json_array_get_object_element (list, i),
                                                    "checks");

  for (guint k = 0; k < json_array_get_length (checks); k++)
    {
      JsonObject *c = json_array_get_object_element (checks, k);

      if (g_strcmp0 (json_object_get_string_member (c, "name"), "fingerprint") == 0)
        return g_strdup_printf ("%s: %s", json_object_get_string_member (c, "state"),
                                json_object_get_string_member (c, "reason"));
    }
  return NULL;
}

static gint64
count (Fx *f, const char *sql)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = bd_db_stmt (f->t.db, sql, &error);
  gint64 n;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static void
admit_and_wait (GtkWidget *page)
{
  gtk_button_clicked (GTK_BUTTON (REG (page, "admit_button")));
  WAIT_UNTIL (status_is_recorded (page));
  flush_events ();
}

/* Enrols @id for the traveller of @mrz through the page, and admits. */
static void
enrol_through_page (Fx *f, Reader *r, GtkWidget *page, const char *mrz, const char *id)
{
  g_autofree char *scan = g_strconcat ("SCAN ", id, NULL);

  set_mrz_and_wait (page, mrz);
  WAIT_UNTIL (gtk_widget_get_visible (PANEL (page, "progress")));
  for (int i = 0; i < STAGES; i++)
    command (r, scan);
  WAIT_UNTIL (finger_row_is (page, "OK", "enrolled"));
  g_assert_nonnull (strstr (prompt (page), "Enrolled"));
  admit_and_wait (page);
}

static void
test_enrol_then_verify (Fx *f, gconstpointer data)
{
  Reader r = { 0, };
  GtkWidget *page;
  g_autofree char *first = NULL, *second = NULL;

  page = page_with_reader (f, &r, FALSE);
  g_assert_nonnull (strstr (label_text (PANEL (page, "reader_label")), "Reader: "));

  /* A first-time traveller: no prints on file, an empty gallery: the
   * panel enrols, showing each scan. */
  set_mrz_and_wait (page, MRZ_DEU);
  WAIT_UNTIL (gtk_widget_get_visible (PANEL (page, "progress")));
  /* Until the capture ends, the crossing would carry "not captured". */
  WAIT_UNTIL (finger_row_is (page, "Warning", "capture not finished"));
  command (&r, "SCAN anna");
  WAIT_UNTIL (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (PANEL (page, "progress"))) > 0);
  g_assert_cmpstr (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (PANEL (page, "progress"))), ==,
                   "Scan 1 of 5");
  for (int i = 1; i < STAGES; i++)
    command (&r, "SCAN anna");
  WAIT_UNTIL (finger_row_is (page, "OK", "right-index-finger enrolled"));
  admit_and_wait (page);
  first = recorded_finger_check (f, 0);
  g_assert_cmpstr (first, ==, "ok: right-index-finger enrolled (first prints on file)");
  g_assert_cmpint (count (f, "SELECT count(*) FROM finger_templates"), ==, 1);

  /* The page is clear, and so is the panel. */
  g_assert_null (check_row (page, "fingerprint"));

  /* Back again: verified against the print on file, no new enrolment. */
  set_mrz_and_wait (page, MRZ_DEU);
  WAIT_UNTIL (strstr (prompt (page), "Prints on file") != NULL);
  g_assert_false (gtk_widget_get_visible (PANEL (page, "progress")));
  command (&r, "SCAN anna");
  WAIT_UNTIL (finger_row_is (page, "OK", "right-index-finger verified"));
  g_assert_nonnull (strstr (prompt (page), "Verified"));
  admit_and_wait (page);
  second = recorded_finger_check (f, 0);
  g_assert_cmpstr (second, ==, "ok: right-index-finger verified");
  g_assert_cmpint (count (f, "SELECT count(*) FROM finger_templates"), ==, 1);
  assert_audit_intact (f);
  reader_teardown (f, &r);
}

static void
test_mismatch_blocks (Fx *f, gconstpointer data)
{
  OverrideAnswer answer = { "s1", "pw-s1", NULL };
  Reader r = { 0, };
  DialogHandler h;
  GtkWidget *page;
  g_autofree char *recorded = NULL;

  page = page_with_reader (f, &r, FALSE);
  enrol_through_page (f, &r, page, MRZ_DEU, "anna");

  /* Someone else's finger on Anna's passport: a blocking check. */
  set_mrz_and_wait (page, MRZ_DEU);
  WAIT_UNTIL (strstr (prompt (page), "Prints on file") != NULL);
  command (&r, "SCAN boris");
  WAIT_UNTIL (finger_row_is (page, "Block", "does not match the prints on file"));
  g_assert_nonnull (strstr (prompt (page), "No match"));

  /* Admit needs a supervisor: cancelled, nothing is recorded. */
  dialog_handler_start (&h, BD_TYPE_OVERRIDE_DIALOG, cancel_dialog, NULL);
  gtk_button_clicked (GTK_BUTTON (REG (page, "admit_button")));
  WAIT_UNTIL (h.handled && g_str_has_prefix (label_text (REG (page, "status")), "Not recorded"));
  dialog_handler_stop (&h);
  g_assert_cmpint (count (f, "SELECT count(*) FROM crossings"), ==, 1);

  /* The supervisor overrides: recorded with the mismatch on it. */
  dialog_handler_start (&h, BD_TYPE_OVERRIDE_DIALOG, answer_override, &answer);
  gtk_button_clicked (GTK_BUTTON (REG (page, "admit_button")));
  WAIT_UNTIL (h.handled && status_is_recorded (page));
  dialog_handler_stop (&h);
  g_assert_nonnull (strstr (answer.explanation, "fingerprint"));
  recorded = recorded_finger_check (f, 0);
  g_assert_nonnull (strstr (recorded, "block: right-index-finger does not match"));
  g_free (answer.explanation);
  reader_teardown (f, &r);
}

static void
test_other_identity_blocks (Fx *f, gconstpointer data)
{
  Reader r = { 0, };
  GtkWidget *page;
  g_autofree char *row = NULL;

  page = page_with_reader (f, &r, TRUE);
  enrol_through_page (f, &r, page, MRZ_DEU, "anna");

  /* The same finger on a French passport: one person, two identities.
   * The search comes first, so nothing is enrolled under the second. */
  set_mrz_and_wait (page, MRZ_FRA);
  command (&r, "SCAN anna");
  WAIT_UNTIL (finger_row_is (page, "Block", "one person, two identities"));
  row = check_row (page, "fingerprint");
  g_assert_nonnull (strstr (row, "DEU:C01X00T47"));
  g_assert_nonnull (strstr (prompt (page), "DEU:C01X00T47"));
  g_assert_false (gtk_widget_get_visible (PANEL (page, "progress")));
  g_assert_cmpint (count (f, "SELECT count(*) FROM finger_templates"), ==, 1);

  /* A different finger on the French passport: searched, then enrolled. */
  gtk_button_clicked (GTK_BUTTON (PANEL (page, "retry_button")));
  command (&r, "SCAN jean");
  WAIT_UNTIL (gtk_widget_get_visible (PANEL (page, "progress")));
  for (int i = 0; i < STAGES; i++)
    command (&r, "SCAN jean");
  WAIT_UNTIL (finger_row_is (page, "OK", "enrolled"));
  admit_and_wait (page);
  g_assert_cmpint (count (f, "SELECT count(*) FROM finger_templates"), ==, 2);
  reader_teardown (f, &r);
}

static void
test_exemption (Fx *f, gconstpointer data)
{
  Reader r = { 0, };
  GtkWidget *page;
  g_autofree char *recorded = NULL;

  page = page_with_reader (f, &r, FALSE);
  set_mrz_and_wait (page, MRZ_FRA);
  WAIT_UNTIL (gtk_widget_get_visible (PANEL (page, "progress")));

  /* An exemption needs a reason; then it replaces the capture. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (PANEL (page, "exempt_button")), TRUE);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (PANEL (page, "exempt_revealer"))));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (PANEL (page, "exempt_kind")), "injured");
  gtk_button_clicked (GTK_BUTTON (PANEL (page, "exempt_record")));
  g_assert_nonnull (strstr (prompt (page), "Say why"));
  gtk_entry_set_text (GTK_ENTRY (PANEL (page, "exempt_reason")), "bandaged right hand");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (PANEL (page, "exempt_consent")), TRUE);
  gtk_button_clicked (GTK_BUTTON (PANEL (page, "exempt_record")));
  WAIT_UNTIL (finger_row_is (page, "OK", "exempt (finger injured): bandaged right hand"));
  g_assert_false (gtk_widget_get_visible (PANEL (page, "progress")));
  admit_and_wait (page);
  recorded = recorded_finger_check (f, 0);
  g_assert_cmpstr (recorded, ==, "ok: exempt (finger injured): bandaged right hand");
  g_assert_cmpint (count (f, "SELECT count(*) FROM finger_exemptions WHERE kind = 'injured' "
                             "AND consent = 1"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM finger_templates"), ==, 0);
  reader_teardown (f, &r);
}

static void
test_no_reader (Fx *f, gconstpointer data)
{
  GtkWidget *page;
  g_autofree char *recorded = NULL;

  /* No service at all: a warning, never a block. */
  login_with_shift (f, "g1");
  page = show_registration_page (f);
  g_assert_cmpstr (label_text (PANEL (page, "reader_label")), ==, "No fingerprint reader");
  set_mrz_and_wait (page, MRZ_FRA);
  g_assert_true (finger_row_is (page, "Warning", "not captured: no reader"));
  g_assert_false (gtk_widget_get_sensitive (PANEL (page, "retry_button")));
  admit_and_wait (page);
  recorded = recorded_finger_check (f, 0);
  g_assert_cmpstr (recorded, ==, "warning: not captured: no reader");
}

static void
test_admit_while_capturing (Fx *f, gconstpointer data)
{
  Reader r = { 0, };
  GtkWidget *page;
  g_autofree char *recorded = NULL;

  page = page_with_reader (f, &r, FALSE);
  set_mrz_and_wait (page, MRZ_FRA);
  WAIT_UNTIL (gtk_widget_get_visible (PANEL (page, "progress")));

  /* The reader waits for a finger; the guard types on, and admits. */
  gtk_entry_set_text (GTK_ENTRY (REG (page, "vehicle")), "UT-123-AB");
  flush_events ();
  g_assert_cmpstr (entry_text (page, "vehicle"), ==, "UT-123-AB");
  admit_and_wait (page);
  recorded = recorded_finger_check (f, 0);
  g_assert_cmpstr (recorded, ==, "warning: not captured: capture not finished");
  g_assert_cmpint (count (f, "SELECT count(*) FROM finger_templates"), ==, 0);

  /* The cancelled enrolment let the reader go: the next traveller is
   * enrolled normally. */
  enrol_through_page (f, &r, page, MRZ_DEU, "anna");
  g_assert_cmpint (count (f, "SELECT count(*) FROM finger_templates"), ==, 1);
  reader_teardown (f, &r);
}

static void
test_too_hot (Fx *f, gconstpointer data)
{
  Reader r = { 0, };
  GtkWidget *page;
  g_autofree char *hot = g_strdup_printf ("ERROR %d", FP_DEVICE_ERROR_TOO_HOT);

  page = page_with_reader (f, &r, FALSE);
  enrol_through_page (f, &r, page, MRZ_DEU, "anna");

  /* The reader stops itself: a clear message, a warning, and "Capture
   * again" works once it answers again. */
  set_mrz_and_wait (page, MRZ_DEU);
  WAIT_UNTIL (strstr (prompt (page), "Prints on file") != NULL);
  command (&r, hot);
  WAIT_UNTIL (finger_row_is (page, "Warning", "not captured: reader too hot"));
  g_assert_nonnull (strstr (prompt (page), "too hot"));
  g_assert_true (gtk_widget_get_sensitive (PANEL (page, "retry_button")));
  gtk_button_clicked (GTK_BUTTON (PANEL (page, "retry_button")));
  WAIT_UNTIL (strstr (prompt (page), "Prints on file") != NULL);
  command (&r, "SCAN anna");
  WAIT_UNTIL (finger_row_is (page, "OK", "verified"));
  reader_teardown (f, &r);
}

int
main (int argc, char **argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  setlocale (LC_CTYPE, "");
  gtk_test_init (&argc, &argv, NULL);
  if (!g_test_subprocess ())
    g_test_set_nonfatal_assertions ();

  FX_ADD ("/desk/finger/enrol-then-verify", test_enrol_then_verify);
  FX_ADD ("/desk/finger/mismatch-blocks", test_mismatch_blocks);
  FX_ADD ("/desk/finger/other-identity-blocks", test_other_identity_blocks);
  FX_ADD ("/desk/finger/exemption", test_exemption);
  FX_ADD ("/desk/finger/no-reader", test_no_reader);
  FX_ADD ("/desk/finger/admit-while-capturing", test_admit_while_capturing);
  FX_ADD ("/desk/finger/too-hot", test_too_hot);
  return g_test_run ();
}

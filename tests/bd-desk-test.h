/* bd-desk-test.h: the fixture and helpers of the desk's in-process widget
 * tests (test-desk-widgets.c, test-desk-finger.c); see
 * test-desk-widgets.c for how they run.
 *
 * Every test gets a fresh desk database (bd-test-util.h), officers "g1"
 * (guard) and "s1" (supervisor) with passwords "pw-g1" and "pw-s1", a
 * BdDeskContext on that database and a toplevel window holding the widget
 * under test, with the app's style sheet loaded.  The clock is pinned to
 * 2026-05-01T10:00:00Z.  Tests wait, with a deadline, for the context's
 * workers; they never sleep blindly.
 */
#pragma once

#include <string.h>
#include <gtk/gtk.h>

#include "bd-audit.h"
#include "bd-crossing.h"
#include "bd-desk-context.h"
#include "bd-override-dialog.h"
#include "bd-registration-page.h"
#include "bd-test-util.h"

/* 2026-05-01T10:00:00Z */
#define NOW 1777629600
#define DAY 86400
#define WAIT_SECONDS 20

/* DEU passport, valid until 2030-01-31: the stay rule applies. */
#define MRZ_DEU \
  "P<DEUMUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\n" \
  "C01X00T478DEU6408125F3001318<<<<<<<<<<<<<<06"
/* The same with the birth-date check digit read as 'S' (an OCR confusion
 * for 5): check digits fail and the OCR rules suggest S -> 5. */
#define MRZ_DEU_BAD_DIGIT \
  "P<DEUMUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\n" \
  "C01X00T478DEU640812SF3001318<<<<<<<<<<<<<<06"
/* FRA passport, valid until 2034-12-31. */
#define MRZ_FRA \
  "P<FRADUPONT<<JEAN<<<<<<<<<<<<<<<<<<<<<<<<<<<\n" \
  "F123456789FRA7503038M3412318<<<<<<<<<<<<<<00"
/* DEU passport that expired on 2025-01-31. */
#define MRZ_EXPIRED \
  "P<DEUSCHMIDT<<HANS<<<<<<<<<<<<<<<<<<<<<<<<<<\n" \
  "D987654327DEU8001014M2501316<<<<<<<<<<<<<<00"
/* A national of the post's own state (UTO): the stay rule does not apply. */
#define MRZ_UTO \
  "P<UTOCITIZEN<<ALEX<<<<<<<<<<<<<<<<<<<<<<<<<<\n" \
  "U112233444UTO9002029X3206308<<<<<<<<<<<<<<08"

typedef struct {
  BdTestDesk t;
  BdDeskContext *ctx;
  GtkWidget *window;
  guint session_changes;
  char *username_at_change;   /* the context's officer when "session-changed" last fired */
  gint64 shift_at_change;
} Fx;

/* Waiting */

static inline gboolean
keep_awake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the main context until @cond holds; fails the test after
 * WAIT_SECONDS.  A 20 ms timer keeps the loop waking up. */
#define WAIT_UNTIL(cond) \
  G_STMT_START { \
    gint64 _deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC; \
    guint _tick = g_timeout_add (20, keep_awake_cb, NULL); \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > _deadline) \
          g_error ("%s:%d: timed out after %d s waiting for: %s", \
                   __FILE__, __LINE__, WAIT_SECONDS, #cond); \
        g_main_context_iteration (NULL, TRUE); \
      } \
    g_source_remove (_tick); \
  } G_STMT_END

/* Dispatches whatever is ready now, without waiting. */
static inline void
flush_events (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Fixture */

static inline void
on_session_changed_cb (Fx *f)
{
  f->session_changes++;
  g_free (f->username_at_change);
  f->username_at_change = g_strdup (bd_desk_context_get_username (f->ctx));
  f->shift_at_change = bd_desk_context_get_shift (f->ctx);
}

static inline void
add_officer (Fx *f, const char *username, BdRole role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pw = g_strconcat ("pw-", username, NULL);

  g_assert_true (bd_officer_add (f->t.db, f->t.cli, username, "Test Officer", role, pw, NULL,
                                 &error));
  g_assert_no_error (error);
}

/* The app's style sheet, as BdApplication loads it: sizes depend on it. */
static inline void
load_app_css (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/org/borderdesk/Desk/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static inline void
fx_setup (Fx *f, gconstpointer data)
{
  if (!g_test_subprocess ())
    return;
  bd_test_desk_setup (&f->t, data);
  bd_clock_set_override (NOW);
  load_app_css ();
  add_officer (f, "g1", BD_ROLE_GUARD);
  add_officer (f, "s1", BD_ROLE_SUPERVISOR);
  f->ctx = bd_desk_context_new (f->t.path);
  g_signal_connect_swapped (f->ctx, "session-changed", G_CALLBACK (on_session_changed_cb), f);
  f->window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
}

static inline void
fx_teardown (Fx *f, gconstpointer data)
{
  if (!g_test_subprocess ())
    return;
  if (f->window != NULL)
    gtk_widget_destroy (f->window);
  /* Every GTask holds the context: wait for the workers (cancelled
   * previews included) to hand back before closing the database. */
  WAIT_UNTIL (G_OBJECT (f->ctx)->ref_count == 1);
  flush_events ();
  g_object_unref (f->ctx);
  g_free (f->username_at_change);
  bd_test_desk_teardown (&f->t, data);
}

/* Each test runs in a child process (g_test_trap_subprocess): a failed
 * assertion, a GTK critical or a hang fails that test alone, and the
 * others still run and report. */
#define TEST_TIMEOUT_SECONDS 60

typedef void (*FxFunc) (Fx *f, gconstpointer data);

static inline void
fx_run (Fx *f, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      ((FxFunc) data) (f, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, TEST_TIMEOUT_SECONDS * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT |
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

#define FX_ADD(path, func) \
  g_test_add (path, Fx, (gconstpointer) (FxFunc) func, fx_setup, fx_run, fx_teardown)

/* Session helpers, through the context as the pages use it. */

typedef struct {
  gboolean done;
  gboolean ok;
  GError *error;
} Op;

static inline void
login_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;

  op->ok = bd_desk_context_login_finish (BD_DESK_CONTEXT (source), result, &op->error);
  op->done = TRUE;
}

static inline void
open_shift_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;

  op->ok = bd_desk_context_open_shift_finish (BD_DESK_CONTEXT (source), result, &op->error);
  op->done = TRUE;
}

static inline void
login (Fx *f, const char *username)
{
  g_autofree char *pw = g_strconcat ("pw-", username, NULL);
  Op op = { 0, };

  bd_desk_context_login_async (f->ctx, username, pw, NULL, login_done_cb, &op);
  WAIT_UNTIL (op.done);
  g_assert_no_error (op.error);
  g_assert_true (op.ok);
}

static inline void
login_with_shift (Fx *f, const char *username)
{
  Op op = { 0, };

  login (f, username);
  bd_desk_context_open_shift_async (f->ctx, "1", NULL, open_shift_done_cb, &op);
  WAIT_UNTIL (op.done);
  g_assert_no_error (op.error);
  g_assert_true (op.ok);
  g_assert_cmpint (bd_desk_context_get_shift (f->ctx), >, 0);
}

/* Widget helpers */

static inline GtkWidget *
child (GtkWidget *widget, GType type, const char *name)
{
  GObject *o = gtk_widget_get_template_child (widget, type, name);

  if (o == NULL)
    g_error ("no template child %s in %s", name, g_type_name (type));
  return GTK_WIDGET (o);
}

#define REG(page, name) child (page, BD_TYPE_REGISTRATION_PAGE, name)

static inline const char *
entry_text (GtkWidget *page, const char *name)
{
  return gtk_entry_get_text (GTK_ENTRY (REG (page, name)));
}

static inline const char *
label_text (GtkWidget *widget)
{
  return gtk_label_get_text (GTK_LABEL (widget));
}

static inline char *
mrz_buffer_text (GtkWidget *page)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (REG (page, "mrz")));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The text of every row of a list box of labels (checks, history). */
static inline GPtrArray *
list_rows (GtkWidget *list)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (list));

  for (GList *l = children; l != NULL; l = l->next)
    {
      GtkWidget *w = l->data;

      if (GTK_IS_BIN (w))
        w = gtk_bin_get_child (GTK_BIN (w));
      g_assert_true (GTK_IS_LABEL (w));
      g_ptr_array_add (rows, g_strdup (gtk_label_get_text (GTK_LABEL (w))));
    }
  return rows;
}

static inline guint
n_check_rows (GtkWidget *page)
{
  g_autoptr(GPtrArray) rows = list_rows (REG (page, "checks"));

  return rows->len;
}

/* The checks panel's row for check @name ("STATE  name: reason"), or NULL. */
static inline char *
check_row (GtkWidget *page, const char *name)
{
  g_autoptr(GPtrArray) rows = list_rows (REG (page, "checks"));
  g_autofree char *needle = g_strdup_printf ("  %s: ", name);

  for (guint i = 0; i < rows->len; i++)
    if (strstr (rows->pdata[i], needle) != NULL)
      return g_strdup (rows->pdata[i]);
  return NULL;
}

static inline gboolean
check_row_is (GtkWidget *page, const char *name, const char *state)
{
  g_autofree char *row = check_row (page, name);

  return row != NULL && g_str_has_prefix (row, state) && row[strlen (state)] == ' ';
}

static inline char *
all_check_rows (GtkWidget *page)
{
  g_autoptr(GPtrArray) rows = list_rows (REG (page, "checks"));

  g_ptr_array_add (rows, NULL);
  return g_strjoinv ("\n", (char **) rows->pdata);
}

static inline GtkWidget *
show_registration_page (Fx *f)
{
  GtkWidget *page = bd_registration_page_new (f->ctx);

  gtk_container_add (GTK_CONTAINER (f->window), page);
  gtk_widget_show (f->window);
  bd_registration_page_reset (BD_REGISTRATION_PAGE (page));
  return page;
}

/* Sets the MRZ and waits for the checks panel to fill. */
static inline void
set_mrz_and_wait (GtkWidget *page, const char *mrz)
{
  bd_registration_page_set_mrz (BD_REGISTRATION_PAGE (page), mrz);
  WAIT_UNTIL (check_row (page, "stay-rule") != NULL);
  flush_events ();
}

static inline gboolean
status_is_recorded (GtkWidget *page)
{
  return g_str_has_prefix (label_text (REG (page, "status")), "Recorded: ");
}

/* "Recorded: entry, admitted" (the wording may change; the words not). */
static inline void
assert_recorded_as (GtkWidget *page, const char *direction, const char *decision)
{
  const char *status = label_text (REG (page, "status"));

  g_test_message ("status: %s", status);
  g_assert_true (g_str_has_prefix (status, "Recorded: "));
  g_assert_nonnull (strstr (status, direction));
  g_assert_nonnull (strstr (status, decision));
}

static inline JsonArray *
db_crossings (Fx *f)
{
  g_autoptr(GError) error = NULL;
  BdCrossingFilter filter = { 0, };
  JsonArray *list = bd_crossing_list (f->t.db, f->t.cli, &filter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static inline void
assert_audit_intact (Fx *f)
{
  g_autoptr(GError) error = NULL;
  BdAuditReport report = { 0, };

  g_assert_true (bd_audit_verify (f->t.db, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpint (report.first_bad, ==, 0);
  g_assert_null (report.reason);
  bd_audit_report_clear (&report);
}

static inline char *
date_plus (gint64 unix_seconds, int days)
{
  return bd_date_format (bd_day_from_unix (unix_seconds) + days);
}

/* Answers the first visible dialog of @type: polled from whatever main
 * loop runs (the test's own spin, or a nested gtk_dialog_run's). */
typedef struct {
  GType type;
  void (*handle) (GtkWidget *dialog, gpointer data);
  gpointer data;
  gboolean handled;
  guint source;
} DialogHandler;

static inline gboolean
dialog_poll_cb (gpointer user_data)
{
  DialogHandler *h = user_data;
  GList *tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, h->type) && gtk_widget_get_visible (l->data))
      {
        GtkWidget *dialog = l->data;

        h->handled = TRUE;
        h->source = 0;
        g_list_free (tops);
        h->handle (dialog, h->data);
        return G_SOURCE_REMOVE;
      }
  g_list_free (tops);
  return G_SOURCE_CONTINUE;
}

static inline void
dialog_handler_start (DialogHandler *h, GType type, void (*handle) (GtkWidget *, gpointer),
                      gpointer data)
{
  h->type = type;
  h->handle = handle;
  h->data = data;
  h->handled = FALSE;
  h->source = g_timeout_add (20, dialog_poll_cb, h);
}

static inline void
dialog_handler_stop (DialogHandler *h)
{
  if (h->source != 0)
    g_source_remove (h->source);
  h->source = 0;
}

/* Dialog answers for dialog_handler_start. */

static inline void
cancel_dialog (GtkWidget *dialog, gpointer data)
{
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
}

typedef struct {
  const char *username;
  const char *password;
  char *explanation;
} OverrideAnswer;

static inline void
answer_override (GtkWidget *dialog, gpointer data)
{
  OverrideAnswer *a = data;

  a->explanation = g_strdup (label_text (child (dialog, BD_TYPE_OVERRIDE_DIALOG,
                                                "explanation")));
  gtk_entry_set_text (GTK_ENTRY (child (dialog, BD_TYPE_OVERRIDE_DIALOG, "username")),
                      a->username);
  gtk_entry_set_text (GTK_ENTRY (child (dialog, BD_TYPE_OVERRIDE_DIALOG, "password")),
                      a->password);
  gtk_entry_set_text (GTK_ENTRY (child (dialog, BD_TYPE_OVERRIDE_DIALOG, "reason")),
                      "humanitarian grounds");
  gtk_button_clicked (GTK_BUTTON (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                     GTK_RESPONSE_ACCEPT)));
}

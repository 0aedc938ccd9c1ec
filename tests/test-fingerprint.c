/* test-fingerprint.c: the fingerprint service against libfprint's
 * virtual_image driver, fed with synthetic fingerprints only when the
 * reader asks for a finger (the driver drops early images). */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <fprint.h>
#include <glib/gstdio.h>

#include "bd-fingergen.h"
#include "bd-fingerprint.h"

typedef struct {
  BdFingerprint *fp;
  char *dir;
  char *socket;
  int fd;
  /* What to send at each "place the finger" event: finger seeds and
   * impressions, consumed in order; commands when seed is 0. */
  GArray *script;
  guint next;
  GPtrArray *events;     /* of char*: "place", "stage 1/5", "retry too-short" */
  GAsyncResult *result;
} Fixture;

typedef struct {
  guint32 seed;   /* 0: send the command instead */
  guint impression;
  int command, arg;
} Step;

static void
on_event_cb (const BdFingerEvent *event, gpointer data)
{
  Fixture *f = data;
  g_autoptr(GError) error = NULL;

  switch (event->kind)
    {
    case BD_FINGER_EVENT_PLACE:
      g_ptr_array_add (f->events, g_strdup ("place"));
      if (f->next < f->script->len)
        {
          Step *step = &g_array_index (f->script, Step, f->next++);
          g_autofree guint8 *pixels = NULL;

          if (step->seed != 0)
            {
              g_autoptr(BdFingergen) finger = bd_fingergen_new (step->seed);
              pixels = bd_fingergen_impression (finger, step->impression);
            }
          /* A retry is reported for a finger that is on the reader. */
          if (step->command == -1)
            g_assert_true (bd_fingergen_send (f->fd, NULL, -4, 1, &error));
          g_assert_true (bd_fingergen_send (f->fd, pixels, step->command, step->arg, &error));
          if (step->command == -1)
            g_assert_true (bd_fingergen_send (f->fd, NULL, -4, 0, &error));
          g_assert_no_error (error);
        }
      break;
    case BD_FINGER_EVENT_STAGE:
      g_ptr_array_add (f->events, g_strdup_printf ("stage %d/%d", event->stage,
                                                   event->n_stages));
      break;
    case BD_FINGER_EVENT_RETRY:
      g_ptr_array_add (f->events, g_strdup (bd_finger_event_prompt (event)));
      break;
    case BD_FINGER_EVENT_LIFT:
    default:
      break;
    }
}

static void
on_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Fixture *f = data;

  f->result = g_object_ref (result);
}

static void
wait_result (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (f->result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (f->result);
}

static void
script (Fixture *f, guint32 seed, guint impression)
{
  Step step = { seed, impression, 0, 0 };

  g_array_append_val (f->script, step);
}

static void
script_command (Fixture *f, int command, int arg)
{
  Step step = { 0, 0, command, arg };

  g_array_append_val (f->script, step);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) readers = NULL;

  f->dir = g_dir_make_tmp ("bd-fp-XXXXXX", &error);
  g_assert_no_error (error);
  f->socket = g_build_filename (f->dir, "virtual-image.socket", NULL);
  g_setenv ("FP_VIRTUAL_IMAGE", f->socket, TRUE);
  g_setenv ("FP_DRIVERS_WHITELIST", "virtual_image", TRUE);
  f->fp = bd_fingerprint_new ();
  readers = bd_fingerprint_list_readers (f->fp);
  g_assert_cmpuint (readers->len, ==, 1);
  g_assert_cmpstr (((BdReader *) readers->pdata[0])->driver, ==, "virtual_image");
  g_assert_false (((BdReader *) readers->pdata[0])->on_chip);
  f->script = g_array_new (FALSE, TRUE, sizeof (Step));
  f->events = g_ptr_array_new_with_free_func (g_free);
  f->fd = -1;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  bd_fingerprint_free (f->fp);
  if (f->fd >= 0)
    close (f->fd);
  g_clear_object (&f->result);
  g_array_unref (f->script);
  g_ptr_array_unref (f->events);
  g_unlink (f->socket);
  g_rmdir (f->dir);
  g_free (f->socket);
  g_free (f->dir);
}

/* The socket exists once the device is open, which the first operation
 * does: connect once it appears. */
static void
connect_reader (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  if (f->fd >= 0)
    return;
  /* Not iterating the main context here: a "place" event must find the
   * connection made.  The socket file exists a moment before it listens. */
  while ((f->fd = bd_fingergen_connect (f->socket, &error)) < 0
         && g_get_monotonic_time () < deadline)
    {
      g_clear_error (&error);
      g_usleep (10000);
    }
  g_assert_no_error (error);
}

static GBytes *
enroll (Fixture *f, guint32 seed, guint first_impression)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *driver = NULL;
  GBytes *template;

  for (guint i = 0; i < 5; i++)
    script (f, seed, first_impression + i);
  bd_fingerprint_enroll_async (f->fp, NULL, 7, NULL, on_event_cb, f, on_done_cb, f);
  connect_reader (f);
  wait_result (f);
  template = bd_fingerprint_enroll_finish (f->fp, f->result, &driver, &error);
  g_assert_no_error (error);
  g_assert_nonnull (template);
  g_assert_cmpstr (driver, ==, "virtual_image");
  g_clear_object (&f->result);
  return template;
}

static gboolean
verify (Fixture *f, GBytes *template, guint32 seed, guint impression)
{
  g_autoptr(GError) error = NULL;
  gboolean match = FALSE;

  script (f, seed, impression);
  bd_fingerprint_verify_async (f->fp, NULL, template, NULL, on_event_cb, f, on_done_cb, f);
  wait_result (f);
  g_assert_true (bd_fingerprint_verify_finish (f->fp, f->result, &match, &error));
  g_assert_no_error (error);
  g_clear_object (&f->result);
  return match;
}

static void
test_enroll_verify (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) template = enroll (f, 11, 0);
  guint stages = 0;

  for (guint i = 0; i < f->events->len; i++)
    if (g_str_has_prefix (f->events->pdata[i], "stage "))
      stages++;
  g_assert_cmpuint (stages, ==, 5);
  g_assert_cmpstr (f->events->pdata[0], ==, "place");

  g_assert_true (verify (f, template, 11, 6));
  g_assert_false (verify (f, template, 12, 6));
}

static void
test_open_close (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  /* Opening ahead of use starts the reader (its socket appears); closing
   * stops it; an operation afterwards opens it again. */
  bd_fingerprint_open_async (f->fp, NULL, NULL, on_done_cb, f);
  wait_result (f);
  g_assert_true (bd_fingerprint_open_finish (f->fp, f->result, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->socket, G_FILE_TEST_EXISTS));
  g_clear_object (&f->result);
  bd_fingerprint_close_async (f->fp, NULL, NULL, on_done_cb, f);
  wait_result (f);
  g_assert_true (bd_fingerprint_open_finish (f->fp, f->result, &error));
  g_clear_object (&f->result);
  g_unlink (f->socket);
  {
    g_autoptr(GBytes) template = enroll (f, 51, 0);

    g_assert_true (verify (f, template, 51, 7));
  }
}

static void
test_retry_reasons (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) template = NULL;
  gboolean too_short = FALSE, centre = FALSE;

  /* A swipe too short and an off-centre finger are retries, not failures:
   * the enrolment goes on and completes. */
  script_command (f, -1, 1);
  script_command (f, -1, 2);
  template = enroll (f, 21, 0);
  for (guint i = 0; i < f->events->len; i++)
    {
      too_short |= g_strcmp0 (f->events->pdata[i], "Swipe again: too short") == 0;
      centre |= g_strcmp0 (f->events->pdata[i], "Centre the finger on the reader and retry") == 0;
    }
  g_assert_true (too_short);
  g_assert_true (centre);
}

static void
test_identify (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) gallery = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  int index = -2;

  for (guint32 seed = 31; seed < 34; seed++)
    g_ptr_array_add (gallery, enroll (f, seed, 0));

  script (f, 32, 6);
  bd_fingerprint_identify_async (f->fp, NULL, gallery, NULL, on_event_cb, f, on_done_cb, f);
  wait_result (f);
  g_assert_true (bd_fingerprint_identify_finish (f->fp, f->result, &index, &error));
  g_assert_no_error (error);
  g_assert_cmpint (index, ==, 1);
  g_clear_object (&f->result);

  script (f, 35, 6);
  bd_fingerprint_identify_async (f->fp, NULL, gallery, NULL, on_event_cb, f, on_done_cb, f);
  wait_result (f);
  g_assert_true (bd_fingerprint_identify_finish (f->fp, f->result, &index, &error));
  g_assert_cmpint (index, ==, -1);
}

static void
test_cancel_and_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  /* Nobody touches the reader: the guard cancels. */
  bd_fingerprint_enroll_async (f->fp, NULL, 7, cancellable, NULL, NULL, on_done_cb, f);
  connect_reader (f);
  g_cancellable_cancel (cancellable);
  wait_result (f);
  g_assert_null (bd_fingerprint_enroll_finish (f->fp, f->result, NULL, &error));
  g_assert_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&f->result);

  /* Nobody touches the reader: the time runs out. */
  bd_fingerprint_set_timeout (f->fp, 1);
  bd_fingerprint_enroll_async (f->fp, NULL, 7, NULL, NULL, NULL, on_done_cb, f);
  wait_result (f);
  g_assert_null (bd_fingerprint_enroll_finish (f->fp, f->result, NULL, &error));
  g_assert_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_TIMEOUT);
}

static void
test_device_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) template = NULL;

  /* A protocol error mid-enrolment fails the operation; the next one
   * reopens the reader and works. */
  script_command (f, -2, 5);
  bd_fingerprint_enroll_async (f->fp, NULL, 7, NULL, on_event_cb, f, on_done_cb, f);
  connect_reader (f);
  wait_result (f);
  g_assert_null (bd_fingerprint_enroll_finish (f->fp, f->result, NULL, &error));
  g_assert_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_DEVICE);
  g_clear_object (&f->result);
  close (f->fd);
  f->fd = -1;
  g_unlink (f->socket);
  template = enroll (f, 41, 0);
  g_assert_nonnull (template);
}

static void
test_no_reader (void)
{
  g_autoptr(BdFingerprint) fp = NULL;
  g_autoptr(GPtrArray) readers = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Fixture f = { 0, };

  g_unsetenv ("FP_VIRTUAL_IMAGE");
  g_setenv ("FP_DRIVERS_WHITELIST", "virtual_image", TRUE);
  fp = bd_fingerprint_new ();
  readers = bd_fingerprint_list_readers (fp);
  g_assert_cmpuint (readers->len, ==, 0);
  bd_fingerprint_enroll_async (fp, NULL, 7, NULL, NULL, NULL, on_done_cb, &f);
  wait_result (&f);
  g_assert_null (bd_fingerprint_enroll_finish (fp, f.result, NULL, &error));
  g_assert_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_NO_READER);
  g_object_unref (f.result);
}

static void
test_finger_names (void)
{
  int finger = 0;

  g_assert_true (bd_finger_from_string ("right-index-finger", &finger));
  g_assert_cmpint (finger, ==, 7);
  g_assert_cmpstr (bd_finger_to_string (finger), ==, "right-index-finger");
  g_assert_false (bd_finger_from_string ("right-nose", &finger));
}

/* ---- virtual_device: deterministic flows driven by text commands ---- */

typedef struct {
  BdFingerprint *fp;
  char *dir;
  char *socket;
  GPtrArray *events;
  GAsyncResult *result;
} Chip;

static void
on_chip_event_cb (const BdFingerEvent *event, gpointer data)
{
  Chip *c = data;

  if (event->kind == BD_FINGER_EVENT_RETRY)
    g_ptr_array_add (c->events, g_strdup (bd_finger_event_prompt (event)));
}

static void
on_chip_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  ((Chip *) data)->result = g_object_ref (result);
}

static void
command (Chip *c, const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bd_fingergen_command (c->socket, text, &error));
  g_assert_no_error (error);
}

static void
chip_wait (Chip *c)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (c->result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (c->result);
}

static void
chip_set_up (Chip *c, gconstpointer data)
{
  g_autoptr(GPtrArray) readers = NULL;

  c->dir = g_dir_make_tmp ("bd-fp-chip-XXXXXX", NULL);
  c->socket = g_build_filename (c->dir, "virtual-device.socket", NULL);
  g_unsetenv ("FP_VIRTUAL_IMAGE");
  g_setenv ("FP_VIRTUAL_DEVICE", c->socket, TRUE);
  g_setenv ("FP_DRIVERS_WHITELIST", "virtual_device", TRUE);
  c->fp = bd_fingerprint_new ();
  readers = bd_fingerprint_list_readers (c->fp);
  g_assert_cmpuint (readers->len, ==, 1);
  g_assert_cmpstr (((BdReader *) readers->pdata[0])->driver, ==, "virtual_device");
  g_assert_true (((BdReader *) readers->pdata[0])->on_chip);
  c->events = g_ptr_array_new_with_free_func (g_free);
}

static void
chip_tear_down (Chip *c, gconstpointer data)
{
  bd_fingerprint_free (c->fp);
  g_clear_object (&c->result);
  g_ptr_array_unref (c->events);
  g_unsetenv ("FP_VIRTUAL_DEVICE");
  g_unlink (c->socket);
  g_rmdir (c->dir);
  g_free (c->socket);
  g_free (c->dir);
}

static GBytes *
chip_enroll (Chip *c, const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *scan = g_strconcat ("SCAN ", id, NULL);
  GBytes *template;

  bd_fingerprint_enroll_async (c->fp, NULL, 7, NULL, on_chip_event_cb, c, on_chip_done_cb, c);
  for (int i = 0; i < 5; i++)
    command (c, scan);
  chip_wait (c);
  template = bd_fingerprint_enroll_finish (c->fp, c->result, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&c->result);
  return template;
}

/* Verifies @template with the commands @first and @second (nullable). */
static gboolean
chip_verify (Chip *c, GBytes *template, const char *first, const char *second, GError **error)
{
  gboolean match = FALSE;
  gboolean ok;

  bd_fingerprint_verify_async (c->fp, NULL, template, NULL, on_chip_event_cb, c,
                               on_chip_done_cb, c);
  command (c, first);
  if (second != NULL)
    command (c, second);
  chip_wait (c);
  ok = bd_fingerprint_verify_finish (c->fp, c->result, &match, error);
  g_clear_object (&c->result);
  return ok && match;
}

static void
test_chip_flow (Chip *c, gconstpointer data)
{
  g_autoptr(GBytes) template = chip_enroll (c, "anna");
  g_autoptr(GError) error = NULL;

  g_assert_true (chip_verify (c, template, "SCAN anna", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (chip_verify (c, template, "SCAN boris", NULL, &error));
  g_assert_no_error (error);
  /* A retry is a prompt, then the scan goes on. */
  g_assert_true (chip_verify (c, template, "RETRY 1", "SCAN anna", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->events->len, ==, 1);
  g_assert_cmpstr (c->events->pdata[0], ==, "Swipe again: too short");
}

static void
test_chip_too_hot (Chip *c, gconstpointer data)
{
  g_autoptr(GBytes) template = chip_enroll (c, "anna");
  g_autoptr(GError) error = NULL;
  g_autofree char *hot = g_strdup_printf ("ERROR %d", FP_DEVICE_ERROR_TOO_HOT);

  /* The reader reports itself too hot: a clear message; once it answers
   * again the next verification works. */
  g_assert_false (chip_verify (c, template, hot, NULL, &error));
  g_assert_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_TOO_HOT);
  g_assert_nonnull (strstr (error->message, "too hot"));
  g_clear_error (&error);
  g_assert_true (chip_verify (c, template, "SCAN anna", NULL, &error));
  g_assert_no_error (error);
}

static void
test_chip_unplug (Chip *c, gconstpointer data)
{
  g_autoptr(GBytes) template = chip_enroll (c, "anna");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) readers = NULL;

  /* Unplugged: the reader leaves the list, and a verification gets a
   * clear answer, not a hang. */
  command (c, "UNPLUG");
  readers = bd_fingerprint_list_readers (c->fp);
  g_assert_cmpuint (readers->len, ==, 0);
  bd_fingerprint_verify_async (c->fp, NULL, template, NULL, NULL, NULL, on_chip_done_cb, c);
  chip_wait (c);
  g_assert_false (bd_fingerprint_verify_finish (c->fp, c->result, NULL, &error));
  g_assert_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_NO_READER);
}

/* libfprint 1.94's virtual_device driver arms its command timers with
 * g_timeout_add, on the global default context rather than the service's,
 * and leaves them behind when the device goes: each flow runs in a
 * process of its own so one test's stale timer cannot fire in the next. */
static void
in_subprocess (gconstpointer data)
{
  void (*body) (Chip *, gconstpointer) = data;

  if (g_test_subprocess ())
    {
      Chip c = { 0, };

      chip_set_up (&c, NULL);
      body (&c, NULL);
      chip_tear_down (&c, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fingerprint/names", test_finger_names);
  g_test_add_func ("/fingerprint/no-reader", test_no_reader);
  g_test_add ("/fingerprint/enroll-verify", Fixture, NULL, fixture_set_up, test_enroll_verify,
              fixture_tear_down);
  g_test_add ("/fingerprint/open-close", Fixture, NULL, fixture_set_up, test_open_close,
              fixture_tear_down);
  g_test_add ("/fingerprint/retry-reasons", Fixture, NULL, fixture_set_up, test_retry_reasons,
              fixture_tear_down);
  g_test_add ("/fingerprint/identify", Fixture, NULL, fixture_set_up, test_identify,
              fixture_tear_down);
  g_test_add ("/fingerprint/cancel-timeout", Fixture, NULL, fixture_set_up,
              test_cancel_and_timeout, fixture_tear_down);
  g_test_add ("/fingerprint/device-error", Fixture, NULL, fixture_set_up, test_device_error,
              fixture_tear_down);
  g_test_add_data_func ("/fingerprint/chip/flow", test_chip_flow, in_subprocess);
  g_test_add_data_func ("/fingerprint/chip/too-hot", test_chip_too_hot, in_subprocess);
  g_test_add_data_func ("/fingerprint/chip/unplug", test_chip_unplug, in_subprocess);
  return g_test_run ();
}

/* bd-fingerprint.c: the fingerprint service (bd-fingerprint.h).
 *
 * The local service runs libfprint on the calling thread, which must be
 * the one running the global default main context: libfprint 1.94
 * attaches its timeouts and idles there whatever the thread-default
 * context is, so it cannot safely live on a thread of its own.  An
 * operation is a Job (bd-fingerprint-job.c): a GTask, run as a chain of
 * libfprint async calls (open if needed, then enrol, verify or identify)
 * and returned with g_task_return_*.  The isolated service forwards the
 * same operations to a helper process running the local service
 * (bd-fingerprint-remote.c), so a window never waits on a reader.
 */
#include "config.h"

#include <string.h>

#include <fprint.h>
#include <fp-image-device.h>
#include <openssl/crypto.h>

#include "bd-fingerprint.h"

/* The codes cross the helper's D-Bus connection by these names. */
static const GDBusErrorEntry error_entries[] = {
  { BD_FINGERPRINT_ERROR_NO_READER, "org.borderdesk.Fingerprint.Error.NoReader" },
  { BD_FINGERPRINT_ERROR_TOO_HOT, "org.borderdesk.Fingerprint.Error.TooHot" },
  { BD_FINGERPRINT_ERROR_TIMEOUT, "org.borderdesk.Fingerprint.Error.Timeout" },
  { BD_FINGERPRINT_ERROR_CANCELLED, "org.borderdesk.Fingerprint.Error.Cancelled" },
  { BD_FINGERPRINT_ERROR_REMOVED, "org.borderdesk.Fingerprint.Error.Removed" },
  { BD_FINGERPRINT_ERROR_WRONG_DRIVER, "org.borderdesk.Fingerprint.Error.WrongDriver" },
  { BD_FINGERPRINT_ERROR_INVALID, "org.borderdesk.Fingerprint.Error.Invalid" },
  { BD_FINGERPRINT_ERROR_DEVICE, "org.borderdesk.Fingerprint.Error.Device" },
};

GQuark
bd_fingerprint_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("bd-fingerprint-error-quark", &quark, error_entries,
                                      G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}

#define DEFAULT_TIMEOUT_S 60

#include "bd-fingerprint-private.h"

/* Names in FpFinger order (index 0 is FP_FINGER_UNKNOWN). */
static const char *const finger_names[] = {
  NULL, "left-thumb", "left-index-finger", "left-middle-finger", "left-ring-finger",
  "left-little-finger", "right-thumb", "right-index-finger", "right-middle-finger",
  "right-ring-finger", "right-little-finger",
};
static const char *const finger_labels[] = {
  "unknown finger", "left thumb", "left index finger", "left middle finger",
  "left ring finger", "left little finger", "right thumb", "right index finger",
  "right middle finger", "right ring finger", "right little finger",
};

void
bd_reader_free (BdReader *reader)
{
  if (reader == NULL)
    return;
  g_free (reader->id);
  g_free (reader->driver);
  g_free (reader->name);
  g_free (reader);
}

static void
secret_free (gpointer data)
{
  GBytes *bytes = data;
  gsize length;
  gconstpointer p = g_bytes_get_data (bytes, &length);

  OPENSSL_cleanse ((void *) p, length);
  g_bytes_unref (bytes);
}

GBytes *
bd_secret_bytes_new (const void *data, gsize length)
{
  /* The outer GBytes owns an inner one whose buffer it wipes on release. */
  GBytes *inner = g_bytes_new (data, length);
  gsize n;
  gconstpointer p = g_bytes_get_data (inner, &n);

  return g_bytes_new_with_free_func (p, n, secret_free, inner);
}

gboolean
bd_finger_from_string (const char *name, int *finger)
{
  for (int i = FP_FINGER_FIRST; i <= FP_FINGER_LAST; i++)
    if (g_strcmp0 (name, finger_names[i]) == 0)
      {
        *finger = i;
        return TRUE;
      }
  return FALSE;
}

const char *
bd_finger_to_string (int finger)
{
  return FP_FINGER_IS_VALID (finger) ? finger_names[finger] : "unknown";
}

const char *
bd_finger_to_label (int finger)
{
  return finger_labels[FP_FINGER_IS_VALID (finger) ? finger : 0];
}

const char *
bd_finger_event_prompt (const BdFingerEvent *event)
{
  switch (event->kind)
    {
    case BD_FINGER_EVENT_PLACE: return "Place the finger on the reader";
    case BD_FINGER_EVENT_LIFT: return "Lift the finger";
    case BD_FINGER_EVENT_STAGE: return "Scan taken: again, please";
    case BD_FINGER_EVENT_RETRY:
    default:
      break;
    }
  switch (event->retry)
    {
    case BD_FINGER_RETRY_TOO_SHORT: return "Swipe again: too short";
    case BD_FINGER_RETRY_CENTER: return "Centre the finger on the reader and retry";
    case BD_FINGER_RETRY_REMOVE: return "Remove the finger and retry";
    case BD_FINGER_RETRY_GENERAL:
    default: return "Scan not usable: retry";
    }
}

/* ---- the service, on the caller's thread ---- */

BdFingerprint *
bd_fingerprint_new_isolated (const char *helper, GError **error)
{
  BdFingerprint *fp = g_new0 (BdFingerprint, 1);

  if (!bd_fp_remote_spawn (fp, helper, error))
    {
      g_free (fp);
      return NULL;
    }
  return fp;
}

static void
on_closed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  guint *pending = data;

  /* A close that fails leaves nothing more to do at shutdown. */
  fp_device_close_finish (FP_DEVICE (source), result, NULL);
  (*pending)--;
}

BdFingerprint *
bd_fingerprint_new (void)
{
  BdFingerprint *fp = g_new0 (BdFingerprint, 1);

  g_mutex_init (&fp->lock);
  fp->timeout_s = DEFAULT_TIMEOUT_S;
  /* libfprint 1.94 attaches its device timeouts and its cancel and
   * completion idles to the global default context, whoever calls it: it
   * runs where that context runs, and nowhere else. */
  fp->context = g_main_context_ref (g_main_context_default ());
  fp->shutdown = g_cancellable_new ();
  fp->fp_context = fp_context_new ();
  fp_context_enumerate (fp->fp_context);
  return fp;
}

void
bd_fingerprint_free (BdFingerprint *fp)
{
  if (fp == NULL)
    return;
  if (fp->remote != NULL)
    {
      bd_fp_remote_free (fp);
      g_free (fp);
      return;
    }
  g_cancellable_cancel (fp->shutdown);
  /* Cancelled jobs finish, then what is open closes, before the FpContext
   * goes (not with fp_device_close_sync, which would nest a loop). */
  {
    GPtrArray *devices = fp_context_get_devices (fp->fp_context);
    guint pending = 0;

    while (fp->running > 0)
      g_main_context_iteration (fp->context, TRUE);
    for (guint i = 0; i < devices->len; i++)
      if (fp_device_is_open (devices->pdata[i]))
        {
          pending++;
          fp_device_close (devices->pdata[i], NULL, on_closed_cb, &pending);
        }
    while (pending > 0)
      g_main_context_iteration (fp->context, TRUE);
  }
  g_clear_object (&fp->fp_context);
  while (g_main_context_iteration (fp->context, FALSE))
    ;
  g_main_context_unref (fp->context);
  g_object_unref (fp->shutdown);
  g_mutex_clear (&fp->lock);
  g_free (fp);
}

void
bd_fingerprint_set_timeout (BdFingerprint *fp, guint seconds)
{
  if (fp->remote != NULL)
    return bd_fp_remote_set_timeout (fp, seconds);
  g_mutex_lock (&fp->lock);
  fp->timeout_s = seconds;
  g_mutex_unlock (&fp->lock);
}

static gboolean
on_chip (FpDevice *device)
{
  /* A reader that stores prints itself matches on the chip; an image
   * reader hands images to libfprint's NBIS matcher. */
  return !FP_IS_IMAGE_DEVICE (device);
}

/* An unplugged reader stays in libfprint's list until it is closed. */
gboolean
bd_fp_is_removed (FpDevice *device)
{
  gboolean removed = FALSE;

  g_object_get (device, "removed", &removed, NULL);
  return removed;
}

GPtrArray *
bd_fingerprint_list_readers (BdFingerprint *fp)
{
  GPtrArray *readers = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_reader_free);
  GPtrArray *devices;

  if (fp->remote != NULL)
    return bd_fp_remote_list_readers (fp, readers);
  devices = fp_context_get_devices (fp->fp_context);
  for (guint i = 0; i < devices->len; i++)
    {
      FpDevice *device = devices->pdata[i];
      BdReader *reader;

      if (bd_fp_is_removed (device))
        continue;
      reader = g_new0 (BdReader, 1);
      reader->id = g_strdup (fp_device_get_device_id (device));
      reader->driver = g_strdup (fp_device_get_driver (device));
      reader->name = g_strdup (fp_device_get_name (device));
      reader->on_chip = on_chip (device);
      reader->enroll_stages = fp_device_get_nr_enroll_stages (device);
      reader->can_identify = fp_device_has_feature (device, FP_DEVICE_FEATURE_IDENTIFY);
      g_ptr_array_add (readers, reader);
    }
  return readers;
}

/* Every operation starts here: forwarded to the helper, or made a local
 * Job with its operands. */
static void
start_operation (BdFingerprint *fp, JobKind kind, const char *reader_id, int finger,
                 GBytes *template, GPtrArray *gallery, GCancellable *cancellable,
                 BdFingerEventFunc event_func, gpointer event_data,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  Job *job;
  GTask *task;

  if (fp->remote != NULL)
    {
      bd_fp_remote_start (fp, kind, reader_id, finger, template, gallery, cancellable,
                          event_func, event_data, callback, user_data);
      return;
    }
  task = bd_fp_job_new (fp, kind, reader_id, cancellable, event_func, event_data, callback,
                        user_data, &job);
  job->finger = finger;
  job->template = template != NULL ? g_bytes_ref (template) : NULL;
  job->gallery = gallery != NULL ? g_ptr_array_ref (gallery) : NULL;
  bd_fp_job_start (fp, task);
}

void
bd_fingerprint_enroll_async (BdFingerprint *fp, const char *reader_id, int finger,
                             GCancellable *cancellable, BdFingerEventFunc event_func,
                             gpointer event_data, GAsyncReadyCallback callback, gpointer user_data)
{
  start_operation (fp, JOB_ENROLL, reader_id, finger, NULL, NULL, cancellable, event_func,
                   event_data, callback, user_data);
}

GBytes *
bd_fingerprint_enroll_finish (BdFingerprint *fp, GAsyncResult *result, char **driver,
                              GError **error)
{
  GBytes *bytes = g_task_propagate_pointer (G_TASK (result), error);

  if (bytes != NULL && driver != NULL)
    *driver = g_strdup (g_object_get_data (G_OBJECT (result), "driver"));
  return bytes;
}

void
bd_fingerprint_verify_async (BdFingerprint *fp, const char *reader_id, GBytes *template,
                             GCancellable *cancellable, BdFingerEventFunc event_func,
                             gpointer event_data, GAsyncReadyCallback callback, gpointer user_data)
{
  start_operation (fp, JOB_VERIFY, reader_id, 0, template, NULL, cancellable, event_func,
                   event_data, callback, user_data);
}

gboolean
bd_fingerprint_verify_finish (BdFingerprint *fp, GAsyncResult *result, gboolean *match,
                              GError **error)
{
  gssize value = g_task_propagate_int (G_TASK (result), error);

  if (value < 0)
    return FALSE;
  *match = value == 1;
  return TRUE;
}

void
bd_fingerprint_identify_async (BdFingerprint *fp, const char *reader_id, GPtrArray *gallery,
                               GCancellable *cancellable, BdFingerEventFunc event_func,
                               gpointer event_data, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  start_operation (fp, JOB_IDENTIFY, reader_id, 0, NULL, gallery, cancellable, event_func,
                   event_data, callback, user_data);
}

gboolean
bd_fingerprint_identify_finish (BdFingerprint *fp, GAsyncResult *result, int *index,
                                GError **error)
{
  g_autoptr(GError) local = NULL;
  gssize value = g_task_propagate_int (G_TASK (result), &local);

  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  *index = (int) value;
  return TRUE;
}

void
bd_fingerprint_open_async (BdFingerprint *fp, const char *reader_id, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  start_operation (fp, JOB_OPEN, reader_id, 0, NULL, NULL, cancellable, NULL, NULL, callback,
                   user_data);
}

void
bd_fingerprint_close_async (BdFingerprint *fp, const char *reader_id, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  start_operation (fp, JOB_CLOSE, reader_id, 0, NULL, NULL, cancellable, NULL, NULL, callback,
                   user_data);
}

gboolean
bd_fingerprint_open_finish (BdFingerprint *fp, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

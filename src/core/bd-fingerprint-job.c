/* bd-fingerprint-job.c: one operation of the fingerprint service (open,
 * close, enrol, verify, identify) as a chain of libfprint async calls on
 * the service thread, with its events, retries, timeout, cancellation and
 * errors (bd-fingerprint.c has the thread, bd-fingerprint.h the
 * contract). */
#include "config.h"

#include <string.h>

#include <fprint.h>
#include <fp-image-device.h>
#include <openssl/crypto.h>

#include "bd-fingerprint.h"
#include "bd-fingerprint-private.h"


/* The job's data outlives the service when the caller keeps the result:
 * everything tied to the service was released on its thread already
 * (release_on_thread). */
void
bd_fp_job_free (Job *job)
{
  g_clear_object (&job->caller_cancellable);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->template, g_bytes_unref);
  g_clear_pointer (&job->gallery, g_ptr_array_unref);
  g_clear_pointer (&job->prints, g_ptr_array_unref);
  g_clear_pointer (&job->caller_context, g_main_context_unref);
  g_free (job->reader_id);
  g_free (job);
}

static gboolean
emit_on_caller (gpointer data)
{
  EventCall *call = data;

  call->func (&call->event, call->data);
  return G_SOURCE_REMOVE;
}

static void
emit (Job *job, BdFingerEventKind kind, int stage, BdFingerRetry retry)
{
  EventCall *call;

  if (job->event_func == NULL)
    return;
  call = g_new0 (EventCall, 1);
  call->event.kind = kind;
  call->event.stage = stage;
  call->event.n_stages = job->stages;
  call->event.retry = retry;
  call->func = job->event_func;
  call->data = job->event_data;
  g_main_context_invoke_full (job->caller_context, G_PRIORITY_DEFAULT, emit_on_caller, call,
                              g_free);
}

static void
emit_retry (Job *job, const GError *error)
{
  BdFingerRetry retry = BD_FINGER_RETRY_GENERAL;

  switch (error->code)
    {
    case FP_DEVICE_RETRY_TOO_SHORT: retry = BD_FINGER_RETRY_TOO_SHORT; break;
    case FP_DEVICE_RETRY_CENTER_FINGER: retry = BD_FINGER_RETRY_CENTER; break;
    case FP_DEVICE_RETRY_REMOVE_FINGER: retry = BD_FINGER_RETRY_REMOVE; break;
    default: break;
    }
  emit (job, BD_FINGER_EVENT_RETRY, 0, retry);
}

static void
on_device_finger_status_cb (FpDevice *device, GParamSpec *pspec, gpointer data)
{
  Job *job = data;
  FpFingerStatusFlags status = fp_device_get_finger_status (device);

  /* One prompt per change: "needed" goes on while the finger lands
   * (NEEDED | PRESENT), which is no new request. */
  if (status & FP_FINGER_STATUS_PRESENT)
    {
      if (!job->finger_on)
        emit (job, BD_FINGER_EVENT_LIFT, 0, 0);
      job->finger_on = TRUE;
    }
  else
    {
      if (status & FP_FINGER_STATUS_NEEDED)
        emit (job, BD_FINGER_EVENT_PLACE, 0, 0);
      job->finger_on = FALSE;
    }
}

/* Turns a libfprint error into ours, with libfprint's message. */
static GError *
convert_error (Job *job, GError *error)
{
  BdFingerprintError code = BD_FINGERPRINT_ERROR_DEVICE;
  const char *what = error->message;
  GError *out;

  if (job->timed_out)
    {
      code = BD_FINGERPRINT_ERROR_TIMEOUT;
      what = "no finger within the time allowed";
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    code = BD_FINGERPRINT_ERROR_CANCELLED;
  else if (g_error_matches (error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_TOO_HOT))
    {
      code = BD_FINGERPRINT_ERROR_TOO_HOT;
      what = "the reader is too hot and has stopped itself: leave it idle for a few minutes, "
             "then try again";
    }
  else if (g_error_matches (error, FP_DEVICE_ERROR, FP_DEVICE_ERROR_REMOVED))
    {
      code = BD_FINGERPRINT_ERROR_REMOVED;
      what = "the reader was unplugged";
    }
  out = g_error_new (BD_FINGERPRINT_ERROR, code, "%s", what);
  g_error_free (error);
  return out;
}

/* Drops what the job holds on the service thread, before its result goes
 * back to the caller. */
static void
release_on_thread (Job *job)
{
  if (!job->released)
    job->fp->running--;
  job->released = TRUE;
  if (job->caller_handler != 0)
    g_cancellable_disconnect (job->caller_cancellable, job->caller_handler);
  job->caller_handler = 0;
  if (job->shutdown_handler != 0)
    g_cancellable_disconnect (job->fp->shutdown, job->shutdown_handler);
  job->shutdown_handler = 0;
  g_clear_pointer (&job->prints, g_ptr_array_unref);
  if (job->timeout != NULL)
    {
      g_source_destroy (job->timeout);
      g_clear_pointer (&job->timeout, g_source_unref);
    }
  if (job->status_handler != 0)
    g_clear_signal_handler (&job->status_handler, job->device);
  g_clear_object (&job->device);
}

static void
on_failed_closed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  GError *error = g_object_steal_data (G_OBJECT (task), "error");

  /* The close's own failure adds nothing to the error being reported. */
  fp_device_close_finish (FP_DEVICE (source), result, NULL);
  release_on_thread (g_task_get_task_data (task));
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
job_fail (GTask *task, GError *error)
{
  Job *job = g_task_get_task_data (task);
  GError *converted = convert_error (job, error);

  /* A reader in trouble is closed, so that the next operation starts
   * from a fresh open (a protocol error, or an unplug followed by a
   * replug); the error is returned once it is.  A hot reader is not in
   * trouble: it cools while idle, open or not, and refuses until then. */
  if (job->device != NULL && fp_device_is_open (job->device)
      && converted->code != BD_FINGERPRINT_ERROR_CANCELLED
      && converted->code != BD_FINGERPRINT_ERROR_TIMEOUT
      && converted->code != BD_FINGERPRINT_ERROR_TOO_HOT)
    {
      g_object_set_data (G_OBJECT (task), "error", converted);
      fp_device_close (job->device, NULL, on_failed_closed_cb, task);
      return;
    }
  release_on_thread (job);
  g_task_return_error (task, converted);
  g_object_unref (task);
}

static gboolean
on_job_timeout_cb (gpointer data)
{
  Job *job = data;

  job->timed_out = TRUE;
  g_cancellable_cancel (job->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
cancel_on_thread (gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
  return G_SOURCE_REMOVE;
}

/* What a cancel handler needs, owned by its connection: the job may be
 * gone by the time the caller cancels. */
typedef struct {
  GMainContext *context;     /* the service thread's */
  GCancellable *cancellable; /* the job's */
} CancelLink;

static void
cancel_link_free (gpointer data)
{
  CancelLink *link = data;

  g_main_context_unref (link->context);
  g_object_unref (link->cancellable);
  g_free (link);
}

static CancelLink *
cancel_link_new (Job *job)
{
  CancelLink *link = g_new0 (CancelLink, 1);

  link->context = g_main_context_ref (job->fp->context);
  link->cancellable = g_object_ref (job->cancellable);
  return link;
}

/* Runs on whichever thread cancelled.  libfprint's handler on the job's
 * cancellable sets up its cancel state in the device without a lock,
 * racing the device's completion on the service thread: the job's
 * cancellable is only ever cancelled there. */
static void
on_cancel_cb (GCancellable *source, gpointer data)
{
  CancelLink *link = data;

  g_main_context_invoke_full (link->context, G_PRIORITY_DEFAULT, cancel_on_thread,
                              g_object_ref (link->cancellable), g_object_unref);
}

static void
on_enroll_progress_cb (FpDevice *device, gint completed, FpPrint *print, gpointer data,
                       GError *error)
{
  Job *job = data;

  if (error != NULL)
    emit_retry (job, error);
  else
    emit (job, BD_FINGER_EVENT_STAGE, completed, 0);
}

static void
on_match_cb (FpDevice *device, FpPrint *match, FpPrint *print, gpointer data, GError *error)
{
  if (error != NULL)
    emit_retry (data, error);
}

static void
on_enroll_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  GError *error = NULL;
  g_autoptr(FpPrint) print = fp_device_enroll_finish (FP_DEVICE (source), result, &error);
  g_autofree guchar *bytes = NULL;
  gsize length = 0;

  if (print == NULL)
    return job_fail (task, error);
  if (!fp_print_serialize (print, &bytes, &length, &error))
    return job_fail (task, error);
  release_on_thread (g_task_get_task_data (task));
  g_object_set_data_full (G_OBJECT (task), "driver", g_strdup (fp_print_get_driver (print)),
                          g_free);
  g_task_return_pointer (task, bd_secret_bytes_new (bytes, length),
                         (GDestroyNotify) g_bytes_unref);
  OPENSSL_cleanse (bytes, length);
  g_object_unref (task);
}

static void on_verify_done_cb (GObject *source, GAsyncResult *result, gpointer data);
static void on_identify_done_cb (GObject *source, GAsyncResult *result, gpointer data);

/* One scan for a verification or a search (again after a retry). */
static void
capture (GTask *task)
{
  Job *job = g_task_get_task_data (task);

  if (job->kind == JOB_VERIFY)
    fp_device_verify (job->device, job->prints->pdata[0], job->cancellable, on_match_cb, job,
                      NULL, on_verify_done_cb, task);
  else
    fp_device_identify (job->device, job->prints, job->cancellable, on_match_cb, job, NULL,
                        on_identify_done_cb, task);
}

/* A verification or search that ended on a retry (swipe too short, finger
 * off centre) scans again, up to MAX_RETRIES times: the match callback has
 * already told the caller why.  Takes @error when it does. */
static gboolean
retried (GTask *task, GError *error)
{
  Job *job = g_task_get_task_data (task);

  if (error->domain != FP_DEVICE_RETRY || job->retries >= MAX_RETRIES
      || g_cancellable_is_cancelled (job->cancellable))
    return FALSE;
  job->retries++;
  g_error_free (error);
  capture (task);
  return TRUE;
}

static void
on_verify_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  GError *error = NULL;
  gboolean match = FALSE;

  if (!fp_device_verify_finish (FP_DEVICE (source), result, &match, NULL, &error))
    {
      if (!retried (task, error))
        job_fail (task, error);
      return;
    }
  release_on_thread (g_task_get_task_data (task));
  g_task_return_int (task, match ? 1 : 0);
  g_object_unref (task);
}

static void
on_identify_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(FpPrint) match = NULL;
  gssize index = -1;

  if (!fp_device_identify_finish (FP_DEVICE (source), result, &match, NULL, &error))
    {
      if (!retried (task, error))
        job_fail (task, error);
      return;
    }
  for (guint i = 0; match != NULL && i < job->prints->len; i++)
    if (fp_print_equal (job->prints->pdata[i], match))
      {
        index = i;
        break;
      }
  release_on_thread (job);
  g_task_return_int (task, index);
  g_object_unref (task);
}

/* Deserialises @bytes and checks it belongs to @device's driver. */
static FpPrint *
load_print (FpDevice *device, GBytes *bytes, GError **error)
{
  gsize length;
  const guchar *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GError) local = NULL;
  g_autoptr(FpPrint) print = fp_print_deserialize (data, length, &local);

  /* FpPrint is initially unowned: own it, whatever libfprint does later. */
  if (print != NULL && g_object_is_floating (print))
    g_object_ref_sink (print);
  if (print == NULL)
    {
      g_set_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_INVALID,
                   "a stored template does not parse: %s", local->message);
      return NULL;
    }
  if (!fp_print_compatible (print, device))
    {
      g_set_error (error, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_WRONG_DRIVER,
                   "the print on file was made by another reader model (%s): enrol again on "
                   "this one (%s)", fp_print_get_driver (print), fp_device_get_driver (device));
      return NULL;
    }
  return g_steal_pointer (&print);
}

static void
return_error (GTask *task, GError *error)
{
  release_on_thread (g_task_get_task_data (task));
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
run_on_thread (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;

  if (fp_device_get_temperature (job->device) == FP_TEMPERATURE_HOT)
    {
      return return_error (task, g_error_new (BD_FINGERPRINT_ERROR,
                                              BD_FINGERPRINT_ERROR_TOO_HOT,
                                              "the reader is too hot: leave it idle for a few "
                                              "minutes, then try again"));
    }
  if (job->kind == JOB_OPEN)
    {
      release_on_thread (job);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  job->stages = fp_device_get_nr_enroll_stages (job->device);
  job->status_handler = g_signal_connect (job->device, "notify::finger-status",
                                          G_CALLBACK (on_device_finger_status_cb), job);
  switch (job->kind)
    {
    case JOB_ENROLL:
      {
        FpPrint *print = fp_print_new (job->device);

        fp_print_set_finger (print, job->finger);
        fp_device_enroll (job->device, print, job->cancellable, on_enroll_progress_cb, job, NULL,
                          on_enroll_done_cb, task);
        break;
      }
    case JOB_VERIFY:
      job->prints = g_ptr_array_new_with_free_func (g_object_unref);
      {
        FpPrint *print = load_print (job->device, job->template, &error);

        if (print == NULL)
          return return_error (task, error);
        g_ptr_array_add (job->prints, print);
      }
      capture (task);
      break;
    case JOB_IDENTIFY:
      job->prints = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < job->gallery->len; i++)
        {
          FpPrint *print = load_print (job->device, job->gallery->pdata[i], &error);

          if (print == NULL)
            return return_error (task, error);
          g_ptr_array_add (job->prints, print);
        }
      capture (task);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_open_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  GError *error = NULL;

  if (!fp_device_open_finish (FP_DEVICE (source), result, &error))
    return job_fail (task, error);
  run_on_thread (task);
}

static void
on_close_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = data;
  GError *error = NULL;

  if (source != NULL && !fp_device_close_finish (FP_DEVICE (source), result, &error))
    return job_fail (task, error);
  release_on_thread (g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static FpDevice *
find_device (BdFingerprint *fp, const char *reader_id)
{
  GPtrArray *devices = fp_context_get_devices (fp->fp_context);

  for (guint i = 0; i < devices->len; i++)
    if (!bd_fp_is_removed (devices->pdata[i])
        && (reader_id == NULL
            || g_strcmp0 (fp_device_get_device_id (devices->pdata[i]), reader_id) == 0))
      return devices->pdata[i];
  return NULL;
}

static gboolean
start_on_thread (gpointer data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  BdFingerprint *fp = job->fp;
  FpDevice *device = find_device (fp, job->reader_id);
  guint timeout_s;

  if (device == NULL)
    {
      release_on_thread (job);
      if (job->reader_id != NULL)
        g_task_return_new_error (task, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_NO_READER,
                                 "no reader %s is connected", job->reader_id);
      else
        g_task_return_new_error (task, BD_FINGERPRINT_ERROR, BD_FINGERPRINT_ERROR_NO_READER,
                                 "no fingerprint reader is connected");
      g_object_unref (task);
      return G_SOURCE_REMOVE;
    }
  job->device = g_object_ref (device);
  g_mutex_lock (&fp->lock);
  timeout_s = fp->timeout_s;
  g_mutex_unlock (&fp->lock);
  if (timeout_s > 0)
    {
      job->timeout = g_timeout_source_new_seconds (timeout_s);
      g_source_set_callback (job->timeout, on_job_timeout_cb, job, NULL);
      g_source_attach (job->timeout, fp->context);
    }
  if (job->kind == JOB_CLOSE)
    {
      if (fp_device_is_open (device))
        fp_device_close (device, job->cancellable, on_close_done_cb, task);
      else
        on_close_done_cb (NULL, NULL, task);
    }
  else if (fp_device_is_open (device))
    run_on_thread (task);
  else
    fp_device_open (device, job->cancellable, on_open_done_cb, task);
  return G_SOURCE_REMOVE;
}

GTask *
bd_fp_job_new (BdFingerprint *fp, JobKind kind, const char *reader_id, GCancellable *cancellable,
               BdFingerEventFunc event_func, gpointer event_data, GAsyncReadyCallback callback,
               gpointer user_data, Job **job_out)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  g_task_set_source_tag (task, GINT_TO_POINTER (kind + 1));
  /* The caller's cancellable is checked by us, not by GTask, so that a
   * cancelled job still finishes libfprint's side before it returns. */
  g_task_set_check_cancellable (task, FALSE);
  job->fp = fp;
  job->kind = kind;
  job->reader_id = g_strdup (reader_id);
  job->cancellable = g_cancellable_new ();
  job->event_func = event_func;
  job->event_data = event_data;
  job->caller_context = g_main_context_ref_thread_default ();
  if (cancellable != NULL)
    {
      job->caller_cancellable = g_object_ref (cancellable);
      job->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancel_cb),
                                                   cancel_link_new (job), cancel_link_free);
    }
  job->shutdown_handler = g_cancellable_connect (fp->shutdown, G_CALLBACK (on_cancel_cb),
                                                 cancel_link_new (job), cancel_link_free);
  g_task_set_task_data (task, job, (GDestroyNotify) bd_fp_job_free);
  *job_out = job;
  return task;
}

void
bd_fp_job_start (BdFingerprint *fp, GTask *task)
{
  /* The task's reference passes to the service thread, which drops it
   * once it has returned a result. */
  fp->running++;
  g_main_context_invoke_full (fp->context, G_PRIORITY_DEFAULT, start_on_thread, task, NULL);
}

/* bd-fingerprint-private.h: what the service (bd-fingerprint.c) and its
 * jobs (bd-fingerprint-job.c) share. */
#pragma once

#include <fprint.h>

#include "bd-fingerprint.h"

G_BEGIN_DECLS

#define MAX_RETRIES 5

struct _BdFingerprint {
  GThread *thread;
  GMainContext *context;    /* the service thread's */
  GMainLoop *loop;
  FpContext *fp_context;    /* made, used and freed on the service thread only */
  GMutex lock;
  GCond cond;
  gboolean ready;
  guint timeout_s;          /* under lock */
  GCancellable *shutdown;   /* cancelled by bd_fingerprint_free */
};

typedef enum {
  JOB_OPEN,
  JOB_CLOSE,
  JOB_ENROLL,
  JOB_VERIFY,
  JOB_IDENTIFY,
} JobKind;

typedef struct {
  BdFingerprint *fp;
  JobKind kind;
  char *reader_id;
  int finger;
  GBytes *template;         /* verify */
  GPtrArray *gallery;       /* identify: of GBytes */
  GPtrArray *prints;        /* identify: of FpPrint, parallel to gallery */
  GCancellable *cancellable;  /* the job's own: caller, timeout or shutdown cancel it */
  GCancellable *caller_cancellable;
  gulong caller_handler;
  gulong shutdown_handler;
  GSource *timeout;
  gboolean timed_out;
  BdFingerEventFunc event_func;
  gpointer event_data;
  GMainContext *caller_context;
  FpDevice *device;
  gulong status_handler;
  gboolean finger_on;
  int stages;
  int retries;
} Job;

typedef struct {
  BdFingerEvent event;
  BdFingerEventFunc func;
  gpointer data;
} EventCall;

void     bd_fp_job_free        (Job *job);
/* A new job; the caller fills in its operands and calls bd_fp_job_start(). */
GTask   *bd_fp_job_new         (BdFingerprint *fp, JobKind kind, const char *reader_id,
                                GCancellable *cancellable, BdFingerEventFunc event_func,
                                gpointer event_data, GAsyncReadyCallback callback,
                                gpointer user_data, Job **job_out);
void     bd_fp_job_start       (BdFingerprint *fp, GTask *task);
/* Whether libfprint still lists @device though it was unplugged. */
gboolean bd_fp_is_removed      (FpDevice *device);

G_END_DECLS

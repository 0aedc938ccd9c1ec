/* bd-fingerprint-private.h: what the service (bd-fingerprint.c) and its
 * jobs (bd-fingerprint-job.c) share. */
#pragma once

#include <fprint.h>

#include "bd-fingerprint.h"

G_BEGIN_DECLS

#define MAX_RETRIES 5

typedef struct _BdFpRemote BdFpRemote;

struct _BdFingerprint {
  BdFpRemote *remote;       /* set: the service runs in a helper process */
  /* The rest is the local service's. */
  GMainContext *context;    /* the global default context: libfprint's */
  FpContext *fp_context;
  GMutex lock;
  guint timeout_s;          /* under lock */
  GCancellable *shutdown;   /* cancelled by bd_fingerprint_free */
  guint running;            /* jobs started and not yet released */
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
  gboolean released;        /* release_on_thread ran */
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
/* The helper-process side (bd-fingerprint-remote.c).  Operations return
 * their results in the local jobs' form, so the _finish functions are
 * shared. */
gboolean   bd_fp_remote_spawn        (BdFingerprint *fp, const char *helper, GError **error);
void       bd_fp_remote_free         (BdFingerprint *fp);
GPtrArray *bd_fp_remote_list_readers (BdFingerprint *fp, GPtrArray *readers);
void       bd_fp_remote_set_timeout  (BdFingerprint *fp, guint seconds);
void       bd_fp_remote_start        (BdFingerprint *fp, JobKind kind, const char *reader_id,
                                      int finger, GBytes *template, GPtrArray *gallery,
                                      GCancellable *cancellable, BdFingerEventFunc event_func,
                                      gpointer event_data, GAsyncReadyCallback callback,
                                      gpointer user_data);

/* Whether libfprint still lists @device though it was unplugged. */
gboolean bd_fp_is_removed      (FpDevice *device);

G_END_DECLS

/* bd-fingerprint.h: the fingerprint service, libfprint on its own thread.
 *
 * libfprint is asynchronous and bound to the GMainContext that was the
 * thread default when its FpContext was made: its device I/O, timeouts,
 * progress and match callbacks all run there.  A GTask pool thread runs
 * no main loop, and the GTK thread must never wait for a reader, so the
 * service owns one thread that pushes its own GMainContext, makes the
 * FpContext there and runs a loop; every device call is marshalled onto
 * it.  Callers on any thread with a main context get their results (a
 * GAsyncReadyCallback) and their progress events on the context that was
 * their thread default when they called.
 *
 * Templates cross this interface as serialised prints (fp_print_serialize)
 * in GBytes that wipe themselves when freed; storing and encrypting them
 * is bd-template.h's job.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BD_FINGERPRINT_ERROR (bd_fingerprint_error_quark ())
GQuark bd_fingerprint_error_quark (void);

typedef enum {
  BD_FINGERPRINT_ERROR_NO_READER,    /* none connected, or not the one asked for */
  BD_FINGERPRINT_ERROR_TOO_HOT,      /* the reader's temperature model stopped it */
  BD_FINGERPRINT_ERROR_TIMEOUT,      /* no finger within the time allowed */
  BD_FINGERPRINT_ERROR_CANCELLED,
  BD_FINGERPRINT_ERROR_REMOVED,      /* unplugged during the operation */
  BD_FINGERPRINT_ERROR_WRONG_DRIVER, /* a print made by another reader model: re-enrol */
  BD_FINGERPRINT_ERROR_INVALID,      /* a stored template that does not parse */
  BD_FINGERPRINT_ERROR_DEVICE,       /* any other reader failure (libfprint's message) */
} BdFingerprintError;

typedef struct {
  char *id;          /* libfprint's device id, stable while plugged in */
  char *driver;      /* "virtual_image", "elanmoc"... */
  char *name;
  gboolean on_chip;  /* match-on-chip: prints live on the reader */
  int enroll_stages;
  gboolean can_identify;  /* 1:N search; some match-on-chip readers only verify */
} BdReader;

void bd_reader_free (BdReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdReader, bd_reader_free)

typedef enum {
  BD_FINGER_EVENT_PLACE,   /* the reader awaits the finger */
  BD_FINGER_EVENT_LIFT,    /* a scan was taken */
  BD_FINGER_EVENT_STAGE,   /* an enrolment stage passed: stage of n_stages */
  BD_FINGER_EVENT_RETRY,   /* a scan failed: retry says why */
} BdFingerEventKind;

typedef enum {
  BD_FINGER_RETRY_GENERAL,
  BD_FINGER_RETRY_TOO_SHORT,
  BD_FINGER_RETRY_CENTER,
  BD_FINGER_RETRY_REMOVE,
} BdFingerRetry;

typedef struct {
  BdFingerEventKind kind;
  int stage;
  int n_stages;
  BdFingerRetry retry;
} BdFingerEvent;

/* Called on the caller's context; @event is valid for the call only. */
typedef void (*BdFingerEventFunc) (const BdFingerEvent *event, gpointer user_data);

typedef struct _BdFingerprint BdFingerprint;

/* The local service: libfprint on the calling thread, which must be the
 * one running the global default main context (libfprint 1.94 attaches
 * its timeouts there whatever the thread-default context is).  Enumerates
 * the readers now.  Never fails: with no reader, operations fail with
 * BD_FINGERPRINT_ERROR_NO_READER.  Operations progress while that context
 * is iterated, and a 1:N search holds it for the matching: for a program
 * with nothing else to do (the CLI, the helper, benchmarks).  Readers
 * plugged in later are seen by the next instance. */
BdFingerprint *bd_fingerprint_new          (void);
/* The isolated service: the local service in a helper process
 * (`borderdesk-fingerprint-helper`, at @helper, or found by
 * bd_fingerprint_helper_path when NULL), driven over a private D-Bus
 * connection, so the caller's loop never waits on a reader or a match.
 * Events and results come on the context that was thread-default when
 * this was called; call everything from that thread.  NULL with @error
 * when the helper does not start.  If the helper dies, pending and later
 * operations fail with BD_FINGERPRINT_ERROR_DEVICE. */
BdFingerprint *bd_fingerprint_new_isolated (const char *helper, GError **error);
/* The helper: $BORDERDESK_FINGERPRINT_HELPER, else beside the running
 * program (a build tree), else the installed libexec one. */
char          *bd_fingerprint_helper_path  (void);
/* Pending operations are cancelled first and their callbacks still run;
 * then open readers close (the helper exits) and everything is freed. */
void           bd_fingerprint_free         (BdFingerprint *fp);

/* Time allowed to one operation (default 60 s); 0: none. */
void           bd_fingerprint_set_timeout  (BdFingerprint *fp, guint seconds);

/* The readers connected now (of BdReader).  Isolated: blocks the calling
 * thread for a round trip to the helper. */
GPtrArray     *bd_fingerprint_list_readers (BdFingerprint *fp);

/* Opens reader @reader_id (NULL: the first) ahead of use, or closes it.
 * Every operation opens its reader when needed and leaves it open; a
 * reader that failed is closed for a fresh start.  Finish either with
 * bd_fingerprint_open_finish. */
void           bd_fingerprint_open_async   (BdFingerprint       *fp,
                                            const char          *reader_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
void           bd_fingerprint_close_async  (BdFingerprint       *fp,
                                            const char          *reader_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       bd_fingerprint_open_finish  (BdFingerprint *fp, GAsyncResult *result,
                                            GError **error);

/* Enrols one finger on reader @reader_id (NULL: the first), through all the
 * reader's stages.  @finger is a libfprint FpFinger value. */
void           bd_fingerprint_enroll_async (BdFingerprint       *fp,
                                            const char          *reader_id,
                                            int                  finger,
                                            GCancellable        *cancellable,
                                            BdFingerEventFunc    event_func,
                                            gpointer             event_data,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* The serialised print (wiped when freed), or NULL with @error.  @driver
 * (out, nullable): the driver that made it. */
GBytes        *bd_fingerprint_enroll_finish (BdFingerprint *fp, GAsyncResult *result,
                                             char **driver, GError **error);

/* Captures once and matches against @template (a serialised print). */
void           bd_fingerprint_verify_async (BdFingerprint       *fp,
                                            const char          *reader_id,
                                            GBytes              *template,
                                            GCancellable        *cancellable,
                                            BdFingerEventFunc    event_func,
                                            gpointer             event_data,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* FALSE with @error when no decision was reached; else TRUE and @match. */
gboolean       bd_fingerprint_verify_finish (BdFingerprint *fp, GAsyncResult *result,
                                             gboolean *match, GError **error);

/* Captures once and searches @gallery (of GBytes serialised prints).
 * libfprint compares one template after another on the context that runs
 * it (the helper's, for the isolated service): bound the gallery. */
void           bd_fingerprint_identify_async (BdFingerprint       *fp,
                                              const char          *reader_id,
                                              GPtrArray           *gallery,
                                              GCancellable        *cancellable,
                                              BdFingerEventFunc    event_func,
                                              gpointer             event_data,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* FALSE with @error when no decision was reached; else TRUE and @index, the
 * gallery entry that matched, or -1 for none. */
gboolean       bd_fingerprint_identify_finish (BdFingerprint *fp, GAsyncResult *result,
                                               int *index, GError **error);

/* A guard-readable prompt for @event and @finger ("Place right index
 * finger", "Swipe again: too short").  Untranslated English: front ends
 * translate. */
const char    *bd_finger_event_prompt      (const BdFingerEvent *event);

/* Finger names, as the CLI takes them: "right-index-finger", ...  FALSE
 * when @name is none of the ten. */
gboolean       bd_finger_from_string       (const char *name, int *finger);
const char    *bd_finger_to_string         (int finger);
/* "right index finger" */
const char    *bd_finger_to_label          (int finger);

/* A GBytes copy of @data that wipes itself (OPENSSL_cleanse) when freed. */
GBytes        *bd_secret_bytes_new         (const void *data, gsize length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdFingerprint, bd_fingerprint_free)

G_END_DECLS

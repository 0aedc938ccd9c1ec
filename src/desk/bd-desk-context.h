/* bd-desk-context.h: the app's one handle on the core.
 *
 * Widgets never touch SQL: they call this object, which runs the core in
 * GTask worker threads (one SQLite connection, used by one worker at a
 * time under a mutex) and hands results back on the main context.  The
 * session state (who is logged in, which shift) lives here, on the main
 * thread only.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bd-checks.h"
#include "bd-crossing.h"
#include "bd-fingerprint.h"
#include "bd-history.h"
#include "bd-stay.h"

G_BEGIN_DECLS

#define BD_TYPE_DESK_CONTEXT (bd_desk_context_get_type ())
G_DECLARE_FINAL_TYPE (BdDeskContext, bd_desk_context, BD, DESK_CONTEXT, GObject)

/* A fingerprint outcome the page owns (bd-desk-finger.h). */
typedef struct _BdDeskFinger BdDeskFinger;

/* What the guard has in front of them: owned copies, safe to hand to a
 * worker thread. */
typedef struct {
  char *mrz_text;            /* NULL when keyed by hand */
  BdSource source;
  BdIdentity identity;       /* used when mrz_text is NULL */
  BdDirection direction;
  BdDecision decision;
  char *refusal_reasons;
  char *transport;
  char *vehicle;
  char *purpose;
  char *visa;
  char *vulnerability;
  char *note;
  BdDeskFinger *finger;      /* NULL: no reader (the check warns) */
} BdDeskRequest;

BdDeskRequest *bd_desk_request_new  (void);
void           bd_desk_request_free (BdDeskRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdDeskRequest, bd_desk_request_free)

/* What the checks panel, the stay panel and the history show. */
typedef struct {
  GPtrArray *checks;         /* of BdCheck */
  gboolean stay_known;       /* the rule applies and was computed */
  gboolean stay_applies;     /* FALSE: nationals and exempt nationalities */
  BdStayResult stay;
  JsonArray *history;        /* crossing objects, newest first; HQ's with "remote": true */
  gboolean has_history;
  gboolean last_was_entry;
  char *document;            /* "ISSUER:NUMBER" the preview was about, NULL if none */
  BdHistorySource source;    /* where the stay figures' history came from */
} BdDeskPreview;

void           bd_desk_preview_free (BdDeskPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdDeskPreview, bd_desk_preview_free)

BdDeskContext *bd_desk_context_new          (const char *db_path);
const char    *bd_desk_context_get_db_path  (BdDeskContext *self);

/* Session state, main thread.  NULL / 0 when nobody is logged in. */
const char    *bd_desk_context_get_username (BdDeskContext *self);
const char    *bd_desk_context_get_role     (BdDeskContext *self);
const char    *bd_desk_context_get_desk_id  (BdDeskContext *self);
/* The watchlists loaded at login, for the header bar. */
const char    *bd_desk_context_get_watchlist (BdDeskContext *self);
gint64         bd_desk_context_get_shift    (BdDeskContext *self);
void           bd_desk_context_logout       (BdDeskContext *self);

/* Logs in (scrypt: never on the main thread) and learns the officer's
 * open shift.  Emits "session-changed". */
void           bd_desk_context_login_async  (BdDeskContext *self, const char *username,
                                             const char *password, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
gboolean       bd_desk_context_login_finish (BdDeskContext *self, GAsyncResult *result,
                                             GError **error);

/* The fingerprint service, created by main () before any main loop runs
 * (bd-fingerprint.h) and outliving the context; @reader_id (NULL or
 * empty: the first) picks the desk's reader, listed now; @finger is the
 * FpFinger enrolled here.  NULL @fingerprint: the desk has no reader. */
void           bd_desk_context_set_fingerprint (BdDeskContext *self, BdFingerprint *fingerprint,
                                                const char *reader_id, int finger);
/* The service (NULL: none), its reader (NULL: none connected) and finger. */
BdFingerprint *bd_desk_context_get_fingerprint (BdDeskContext *self, const BdReader **reader,
                                                int *finger);

/* Checks a password of the logged-in officer or of a supervisor, for the
 * idle lock.  Does not change the session. */
void           bd_desk_context_unlock_async  (BdDeskContext *self, const char *username,
                                              const char *password, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
gboolean       bd_desk_context_unlock_finish (BdDeskContext *self, GAsyncResult *result,
                                              GError **error);

void           bd_desk_context_open_shift_async  (BdDeskContext *self, const char *lane,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
gboolean       bd_desk_context_open_shift_finish (BdDeskContext *self, GAsyncResult *result,
                                                  GError **error);

/* Closes the open shift; the result is the shift report (JSON). */
void           bd_desk_context_close_shift_async  (BdDeskContext *self, const char *note,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
JsonNode      *bd_desk_context_close_shift_finish (BdDeskContext *self, GAsyncResult *result,
                                                   GError **error);

/* The checks, the stay rule and the history for @request, recording
 * nothing.  Takes ownership of @request. */
void           bd_desk_context_preview_async  (BdDeskContext *self, BdDeskRequest *request,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
BdDeskPreview *bd_desk_context_preview_finish (BdDeskContext *self, GAsyncResult *result,
                                               GError **error);

/* Records the crossing.  @supervisor and @supervisor_password (both or
 * neither) give an override on the spot.  Takes ownership of @request.
 * On BD_CROSSING_ERROR_BLOCKED, *@checks (nullable) says why. */
void           bd_desk_context_register_async  (BdDeskContext *self, BdDeskRequest *request,
                                                const char *supervisor,
                                                const char *supervisor_password,
                                                const char *override_reason,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
char          *bd_desk_context_register_finish (BdDeskContext *self, GAsyncResult *result,
                                                GPtrArray **checks, GError **error);

/* Asks HQ for @document's history from every post (1 s at most) on a
 * connection of its own, holding nothing the guard's work waits for; the
 * answer is kept in the database, and the next preview counts it.
 * @document: "ISSUER:NUMBER". */
void           bd_desk_context_fetch_history_async  (BdDeskContext *self, const char *document,
                                                     GCancellable *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer user_data);
/* Records the outcome for bd_desk_context_get_hq_history(). */
gboolean       bd_desk_context_fetch_history_finish (BdDeskContext *self, GAsyncResult *result,
                                                     GError **error);
/* Whether HQ was asked about @document in this session (*@asked), and
 * why it did not answer (NULL when it did). */
const char    *bd_desk_context_get_hq_history       (BdDeskContext *self, const char *document,
                                                     gboolean *asked);

G_END_DECLS

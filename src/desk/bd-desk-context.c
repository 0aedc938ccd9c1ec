/* bd-desk-context.c: the app's handle on the core (bd-desk-context.h). */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <openssl/crypto.h>

#include "bd-date.h"
#include "bd-db.h"
#include "bd-desk-context.h"
#include "bd-desk-context-private.h"
#include "bd-desk-finger.h"
#include "bd-history.h"
#include "bd-history-remote.h"
#include "bd-officer.h"
#include "bd-post.h"
#include "bd-shift.h"
#include "bd-sync.h"
#include "bd-watchlist.h"

struct _BdDeskContext {
  GObject parent_instance;

  char *db_path;
  GMutex db_lock;     /* one worker at a time on the connection */
  BdDb *db;           /* opened by the first worker that needs it */

  /* Session: main thread only. */
  BdActor *officer;
  char *desk_id;
  char *watchlist;    /* what the header says of the loaded lists */
  gint64 shift;
  GHashTable *hq_history;  /* document -> "" (HQ answered) or why not; this session */

  /* The fingerprint service (main () owns it) and the desk's reader. */
  BdFingerprint *fingerprint;
  BdReader *reader;        /* NULL: none connected, or not the configured one */
  int finger;              /* FpFinger enrolled at this desk */
};

G_DEFINE_FINAL_TYPE (BdDeskContext, bd_desk_context, G_TYPE_OBJECT)

enum {
  SESSION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers */

static char *
secret_dup (const char *s)
{
  return g_strdup (s != NULL ? s : "");
}

static void
secret_free (char *s)
{
  if (s != NULL)
    OPENSSL_cleanse (s, strlen (s));
  g_free (s);
}

static BdActor *
actor_copy (const BdActor *a)
{
  return a != NULL ? bd_actor_new (a->officer_id, a->username, a->role) : NULL;
}

/* Locks the connection for this worker; NULL (unlocked) on error. */
static BdDb *
acquire_db (BdDeskContext *self, GError **error)
{
  g_mutex_lock (&self->db_lock);
  if (self->db == NULL)
    self->db = bd_db_open (self->db_path, BD_DB_OPEN_DEFAULT, error);
  if (self->db == NULL)
    {
      g_mutex_unlock (&self->db_lock);
      return NULL;
    }
  return self->db;
}

static void
release_db (BdDeskContext *self)
{
  g_mutex_unlock (&self->db_lock);
}

BdDeskRequest *
bd_desk_request_new (void)
{
  BdDeskRequest *r = g_new0 (BdDeskRequest, 1);

  r->source = BD_SOURCE_MANUAL;
  return r;
}

void
bd_desk_request_free (BdDeskRequest *r)
{
  if (r == NULL)
    return;
  g_free (r->mrz_text);
  bd_identity_clear (&r->identity);
  g_free (r->refusal_reasons);
  g_free (r->transport);
  g_free (r->vehicle);
  g_free (r->purpose);
  g_free (r->visa);
  g_free (r->vulnerability);
  g_free (r->note);
  bd_desk_finger_free (r->finger);
  g_free (r);
}

void
bd_desk_preview_free (BdDeskPreview *p)
{
  if (p == NULL)
    return;
  g_clear_pointer (&p->checks, g_ptr_array_unref);
  g_clear_pointer (&p->history, json_array_unref);
  g_free (p->document);
  bd_history_source_clear (&p->source);
  g_free (p);
}

/* Fills a core request from @r; @mrz (out) owns the parsed MRZ. */
static void
make_core_request (const BdDeskRequest *r, BdCrossingRequest *req, BdMrz **mrz)
{
  memset (req, 0, sizeof *req);
  *mrz = NULL;
  if (r->mrz_text != NULL)
    {
      *mrz = bd_mrz_parse (r->mrz_text);
      bd_identity_from_mrz (&req->identity, *mrz, bd_today ());
    }
  else
    {
      req->identity.code = g_strdup (r->identity.code);
      req->identity.issuing_state = g_strdup (r->identity.issuing_state);
      req->identity.number = g_strdup (r->identity.number);
      req->identity.expiry = g_strdup (r->identity.expiry);
      req->identity.surname = g_strdup (r->identity.surname);
      req->identity.given_names = g_strdup (r->identity.given_names);
      req->identity.nationality = g_strdup (r->identity.nationality);
      req->identity.birth_date = g_strdup (r->identity.birth_date);
      req->identity.sex = g_strdup (r->identity.sex);
    }
  req->mrz = *mrz;
  req->source = r->source;
  req->direction = r->direction;
  req->decision = r->decision;
  req->refusal_reasons = r->refusal_reasons;
  req->transport = r->transport;
  req->vehicle = r->vehicle;
  req->purpose = r->purpose;
  req->visa = r->visa;
  req->vulnerability = r->vulnerability;
  req->note = r->note;
  req->finger = r->finger != NULL ? &r->finger->outcome : NULL;
}

/* Every task runs the same way: a worker takes the connection, runs the
 * task's work under the lock, and returns its result.  Each task's data
 * starts with a Job naming that work. */

/* The work and the job are declared in bd-desk-context-private.h, so other
 * files can add calls. */
typedef BdDeskWork DbWork;
typedef BdDeskJob Job;   /* result_free NULL: a boolean task */

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BdDeskContext *self = source;
  Job *job = task_data;
  GError *error = NULL;
  gpointer result = NULL;
  BdDb *db = acquire_db (self, &error);

  if (db != NULL)
    {
      result = job->work (db, task_data, &error);
      release_db (self);
    }
  if (result == NULL)
    g_task_return_error (task, error);
  else if (job->result_free == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, result, job->result_free);
}

/* Starts @data's job in a worker; @data (a struct starting with a Job)
 * belongs to the task and is freed with @data_free. */
static void
start_job (BdDeskContext *self, gpointer source_tag, gpointer data, GDestroyNotify data_free,
           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, data_free);
  g_task_run_in_thread (task, job_thread);
}

static gpointer
job_data (GAsyncResult *result)
{
  return g_task_get_task_data (G_TASK (result));
}

/* Login and unlock */

typedef struct {
  Job job;
  char *username;
  char *password;
  BdActor *actor;    /* login: the result; unlock: the locked session's officer */
  gint64 shift;
  char *desk_id;
  char *watchlist;
} LoginData;

/* "local v3, 1200 entries, 2026-11-28" per loaded source, or "none loaded". */
static char *
describe_watchlists (BdDb *db)
{
  g_autoptr(GPtrArray) sources = bd_watchlist_status (db, NULL);
  GString *s = g_string_new (NULL);

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    {
      BdWatchlistStatus *st = sources->pdata[i];

      g_string_append_printf (s, "%s%s v%lld, %lld entries, %.10s", s->len ? "; " : "",
                              bd_watchlist_source_to_string (st->source), (long long) st->version,
                              (long long) (st->persons + st->documents),
                              st->updated != NULL ? st->updated : "");
    }
  if (s->len == 0)
    g_string_append (s, _("none loaded"));
  return g_string_free (s, FALSE);
}

static void
login_data_free (LoginData *d)
{
  g_free (d->username);
  secret_free (d->password);
  bd_actor_free (d->actor);
  g_free (d->desk_id);
  g_free (d->watchlist);
  g_free (d);
}

static LoginData *
login_data_new (DbWork work, const char *username, const char *password)
{
  LoginData *d = g_new0 (LoginData, 1);

  d->job.work = work;
  d->username = g_strdup (username);
  d->password = secret_dup (password);
  return d;
}

static gpointer
login_work (BdDb *db, gpointer data, GError **error)
{
  LoginData *d = data;
  g_autoptr(BdPost) post = bd_post_load (db, error);

  if (post == NULL)
    return NULL;
  d->actor = bd_officer_authenticate (db, d->username, d->password, error);
  if (d->actor == NULL)
    return NULL;
  d->shift = bd_shift_current (db, d->actor->officer_id, error);
  if (error != NULL && *error != NULL)
    return NULL;
  d->watchlist = describe_watchlists (db);
  d->desk_id = g_strdup (post->desk_id);
  return d;
}

void
bd_desk_context_login_async (BdDeskContext *self, const char *username, const char *password,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  start_job (self, bd_desk_context_login_async, login_data_new (login_work, username, password),
             (GDestroyNotify) login_data_free, cancellable, callback, user_data);
}

gboolean
bd_desk_context_login_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  LoginData *d = job_data (result);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  g_clear_pointer (&self->officer, bd_actor_free);
  self->officer = g_steal_pointer (&d->actor);
  g_free (self->desk_id);
  self->desk_id = g_steal_pointer (&d->desk_id);
  g_free (self->watchlist);
  self->watchlist = g_steal_pointer (&d->watchlist);
  self->shift = d->shift;
  g_signal_emit (self, signals[SESSION_CHANGED], 0);
  return TRUE;
}

/* The same officer, or a supervisor, unlocks. */
static gpointer
unlock_work (BdDb *db, gpointer data, GError **error)
{
  LoginData *d = data;
  g_autoptr(BdActor) who = NULL;

  if (d->actor == NULL)
    {
      g_set_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED, _("nobody is logged in"));
      return NULL;
    }
  who = bd_officer_authenticate (db, d->username, d->password, error);
  if (who == NULL)
    return NULL;
  if (who->officer_id != d->actor->officer_id && !bd_role_allows (who->role, BD_PERM_OVERRIDE))
    {
      g_set_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED,
                   _("only %s or a supervisor can unlock this desk"), d->actor->username);
      return NULL;
    }
  return d;
}

void
bd_desk_context_unlock_async (BdDeskContext *self, const char *username, const char *password,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  LoginData *d = login_data_new (unlock_work, username, password);

  d->actor = actor_copy (self->officer);
  start_job (self, bd_desk_context_unlock_async, d, (GDestroyNotify) login_data_free,
             cancellable, callback, user_data);
}

gboolean
bd_desk_context_unlock_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Shifts */

typedef struct {
  Job job;
  BdActor *actor;
  char *text;        /* lane or note */
  gint64 shift;
} ShiftData;

static void
shift_data_free (ShiftData *d)
{
  bd_actor_free (d->actor);
  g_free (d->text);
  g_free (d);
}

static ShiftData *
shift_data_new (BdDeskContext *self, DbWork work, GDestroyNotify result_free, const char *text)
{
  ShiftData *d = g_new0 (ShiftData, 1);

  d->job.work = work;
  d->job.result_free = result_free;
  d->actor = actor_copy (self->officer);
  d->text = g_strdup (text);
  d->shift = self->shift;
  return d;
}

static gpointer
open_shift_work (BdDb *db, gpointer data, GError **error)
{
  ShiftData *d = data;

  d->shift = bd_shift_open (db, d->actor, d->text, error);
  return d->shift != 0 ? d : NULL;
}

void
bd_desk_context_open_shift_async (BdDeskContext *self, const char *lane,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  start_job (self, bd_desk_context_open_shift_async,
             shift_data_new (self, open_shift_work, NULL, lane),
             (GDestroyNotify) shift_data_free, cancellable, callback, user_data);
}

gboolean
bd_desk_context_open_shift_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  ShiftData *d = job_data (result);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  self->shift = d->shift;
  g_signal_emit (self, signals[SESSION_CHANGED], 0);
  return TRUE;
}

/* Closes the shift; the result is its report. */
static gpointer
close_shift_work (BdDb *db, gpointer data, GError **error)
{
  ShiftData *d = data;

  if (!bd_shift_close (db, d->actor, d->shift, d->text, error))
    return NULL;
  return bd_shift_report (db, d->actor, d->shift, error);
}

void
bd_desk_context_close_shift_async (BdDeskContext *self, const char *note,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  start_job (self, bd_desk_context_close_shift_async,
             shift_data_new (self, close_shift_work, (GDestroyNotify) json_node_unref, note),
             (GDestroyNotify) shift_data_free, cancellable, callback, user_data);
}

JsonNode *
bd_desk_context_close_shift_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  JsonNode *report = g_task_propagate_pointer (G_TASK (result), error);

  if (report != NULL)
    {
      self->shift = 0;
      g_signal_emit (self, signals[SESSION_CHANGED], 0);
    }
  return report;
}

/* Preview and register */

typedef struct {
  Job job;
  BdActor *actor;
  BdDeskRequest *request;
  char *supervisor;
  char *supervisor_password;
  char *override_reason;
  GPtrArray *checks;   /* register: why it was blocked */
} CrossingData;

static void
crossing_data_free (CrossingData *d)
{
  bd_actor_free (d->actor);
  bd_desk_request_free (d->request);
  g_free (d->supervisor);
  secret_free (d->supervisor_password);
  g_free (d->override_reason);
  g_clear_pointer (&d->checks, g_ptr_array_unref);
  g_free (d);
}

static CrossingData *
crossing_data_new (BdDeskContext *self, DbWork work, GDestroyNotify result_free,
                   BdDeskRequest *request)
{
  CrossingData *d = g_new0 (CrossingData, 1);

  d->job.work = work;
  d->job.result_free = result_free;
  d->actor = actor_copy (self->officer);
  d->request = request;
  return d;
}

static int
compare_newest_first (gconstpointer a, gconstpointer b)
{
  JsonObject *x = json_node_get_object (*(JsonNode **) a);
  JsonObject *y = json_node_get_object (*(JsonNode **) b);

  return -g_strcmp0 (json_object_get_string_member_with_default (x, "time", ""),
                     json_object_get_string_member_with_default (y, "time", ""));
}

/* Adds HQ's kept crossings from other desks and posts to @history, all
 * newest first. */
static gboolean
merge_remote_history (BdDb *db, const BdIdentity *id, JsonArray *history, GError **error)
{
  g_autoptr(JsonArray) remote = NULL;
  g_autoptr(GPtrArray) nodes = NULL;
  GList *all;

  if (id->issuing_state == NULL || id->number == NULL)
    return TRUE;
  remote = bd_history_remote_list (db, id->issuing_state, id->number, error);
  if (remote == NULL)
    return FALSE;
  if (json_array_get_length (remote) == 0)
    return TRUE;
  nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  all = g_list_concat (json_array_get_elements (history), json_array_get_elements (remote));
  for (GList *l = all; l != NULL; l = l->next)
    g_ptr_array_add (nodes, json_node_ref (l->data));
  g_list_free (all);
  g_ptr_array_sort (nodes, compare_newest_first);
  while (json_array_get_length (history) > 0)
    json_array_remove_element (history, 0);
  for (guint i = 0; i < nodes->len; i++)
    json_array_add_element (history, json_node_ref (nodes->pdata[i]));
  return TRUE;
}

static gpointer
preview_work (BdDb *db, gpointer data, GError **error)
{
  CrossingData *d = data;
  g_autoptr(BdDeskPreview) p = g_new0 (BdDeskPreview, 1);
  g_autoptr(BdMrz) mrz = NULL;
  g_autoptr(BdPost) post = NULL;
  BdCrossingRequest req;
  BdCrossingFilter filter = { 0, };
  gboolean ok;

  make_core_request (d->request, &req, &mrz);
  p->checks = bd_crossing_check (db, d->actor, &req.identity, mrz, req.direction, error);
  if (p->checks != NULL)
    {
      /* The row the crossing will carry, as registering adds it. */
      bd_checks_add_finger (p->checks, req.finger);
      post = bd_post_load (db, error);
    }
  ok = post != NULL &&
       bd_history_last_direction (db, req.identity.issuing_state, req.identity.number,
                                  &p->has_history, &p->last_was_entry, error) &&
       bd_history_stay_scoped (db, post, req.identity.issuing_state, req.identity.number,
                               bd_today (), BD_HISTORY_MERGED, &p->source, &p->stay, error);
  if (ok)
    {
      p->stay_known = TRUE;
      p->stay_applies = bd_checks_stay_applies (db, post, req.identity.nationality);
      filter.issuing_state = req.identity.issuing_state;
      filter.document_number = req.identity.number;
      filter.limit = 20;
      p->history = bd_crossing_list (db, d->actor, &filter, error);
      ok = p->history != NULL && merge_remote_history (db, &req.identity, p->history, error);
      if (req.identity.issuing_state != NULL && req.identity.number != NULL)
        p->document = g_strconcat (req.identity.issuing_state, ":", req.identity.number, NULL);
    }
  bd_identity_clear (&req.identity);
  return ok ? g_steal_pointer (&p) : NULL;
}

void
bd_desk_context_preview_async (BdDeskContext *self, BdDeskRequest *request,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  start_job (self, bd_desk_context_preview_async,
             crossing_data_new (self, preview_work, (GDestroyNotify) bd_desk_preview_free,
                                request),
             (GDestroyNotify) crossing_data_free, cancellable, callback, user_data);
}

BdDeskPreview *
bd_desk_context_preview_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Records the crossing; the result is its UUID. */
static gpointer
register_work (BdDb *db, gpointer data, GError **error)
{
  CrossingData *d = data;
  g_autoptr(BdMrz) mrz = NULL;
  g_autoptr(BdActor) supervisor = NULL;
  BdCrossingRequest req;
  char *uuid = NULL;

  make_core_request (d->request, &req, &mrz);
  req.override_reason = d->override_reason;
  if (d->supervisor != NULL)
    supervisor = bd_officer_authenticate (db, d->supervisor, d->supervisor_password, error);
  if (d->supervisor == NULL || supervisor != NULL)
    uuid = bd_crossing_register (db, d->actor, supervisor, &req, &d->checks, error);
  bd_identity_clear (&req.identity);
  return uuid;
}

void
bd_desk_context_register_async (BdDeskContext *self, BdDeskRequest *request,
                                const char *supervisor, const char *supervisor_password,
                                const char *override_reason, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  CrossingData *d = crossing_data_new (self, register_work, g_free, request);

  d->supervisor = g_strdup (supervisor);
  d->supervisor_password = supervisor != NULL ? secret_dup (supervisor_password) : NULL;
  d->override_reason = g_strdup (override_reason);
  start_job (self, bd_desk_context_register_async, d, (GDestroyNotify) crossing_data_free,
             cancellable, callback, user_data);
}

char *
bd_desk_context_register_finish (BdDeskContext *self, GAsyncResult *result, GPtrArray **checks,
                                 GError **error)
{
  CrossingData *d = job_data (result);

  if (checks != NULL)
    *checks = d->checks != NULL ? g_ptr_array_ref (d->checks) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* For the files that add calls (bd-desk-context-private.h). */

void
bd_desk_context_start_job (BdDeskContext *self, gpointer source_tag, gpointer data,
                           GDestroyNotify data_free, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  start_job (self, source_tag, data, data_free, cancellable, callback, user_data);
}

gpointer
bd_desk_context_job_data (GAsyncResult *result)
{
  return job_data (result);
}

BdActor *
bd_desk_context_dup_officer (BdDeskContext *self)
{
  return actor_copy (self->officer);
}

GHashTable *
bd_desk_context_get_hq_history_table (BdDeskContext *self)
{
  return self->hq_history;
}

/* Fingerprints */

void
bd_desk_context_set_fingerprint (BdDeskContext *self, BdFingerprint *fingerprint,
                                 const char *reader_id, int finger)
{
  g_autoptr(GPtrArray) readers = NULL;

  self->fingerprint = fingerprint;
  self->finger = finger;
  g_clear_pointer (&self->reader, bd_reader_free);
  if (fingerprint == NULL)
    return;
  readers = bd_fingerprint_list_readers (fingerprint);
  for (guint i = 0; i < readers->len && self->reader == NULL; i++)
    {
      BdReader *r = readers->pdata[i];

      if (reader_id == NULL || *reader_id == '\0' || g_strcmp0 (r->id, reader_id) == 0)
        self->reader = g_steal_pointer (&readers->pdata[i]);
    }
}

BdFingerprint *
bd_desk_context_get_fingerprint (BdDeskContext *self, const BdReader **reader, int *finger)
{
  *reader = self->reader;
  *finger = self->finger;
  return self->fingerprint;
}

/* Session */

const char *
bd_desk_context_get_db_path (BdDeskContext *self)
{
  return self->db_path;
}

const char *
bd_desk_context_get_username (BdDeskContext *self)
{
  return self->officer != NULL ? self->officer->username : NULL;
}

const char *
bd_desk_context_get_role (BdDeskContext *self)
{
  return self->officer != NULL ? bd_role_to_string (self->officer->role) : NULL;
}

const char *
bd_desk_context_get_watchlist (BdDeskContext *self)
{
  return self->watchlist;
}

const char *
bd_desk_context_get_desk_id (BdDeskContext *self)
{
  return self->desk_id;
}

gint64
bd_desk_context_get_shift (BdDeskContext *self)
{
  return self->shift;
}

void
bd_desk_context_logout (BdDeskContext *self)
{
  g_clear_pointer (&self->officer, bd_actor_free);
  self->shift = 0;
  /* The next officer's guard asks HQ afresh. */
  g_hash_table_remove_all (self->hq_history);
  g_signal_emit (self, signals[SESSION_CHANGED], 0);
}

static void
bd_desk_context_finalize (GObject *object)
{
  BdDeskContext *self = BD_DESK_CONTEXT (object);

  g_clear_pointer (&self->db, bd_db_close);
  g_mutex_clear (&self->db_lock);
  g_clear_pointer (&self->officer, bd_actor_free);
  g_free (self->desk_id);
  g_free (self->watchlist);
  g_free (self->db_path);
  g_clear_pointer (&self->hq_history, g_hash_table_unref);
  g_clear_pointer (&self->reader, bd_reader_free);
  G_OBJECT_CLASS (bd_desk_context_parent_class)->finalize (object);
}

static void
bd_desk_context_class_init (BdDeskContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bd_desk_context_finalize;

  /* Who is logged in or which shift is open changed. */
  signals[SESSION_CHANGED] = g_signal_new ("session-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
bd_desk_context_init (BdDeskContext *self)
{
  g_mutex_init (&self->db_lock);
  self->hq_history = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

BdDeskContext *
bd_desk_context_new (const char *db_path)
{
  BdDeskContext *self = g_object_new (BD_TYPE_DESK_CONTEXT, NULL);

  self->db_path = g_strdup (db_path);
  return self;
}

/* bd-sync-service.c: background sync rounds (see bd-sync-service.h). */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "bd-date.h"
#include "bd-db.h"
#include "bd-retention.h"
#include "bd-role.h"
#include "bd-sync-service.h"
#include "bd-sync.h"

struct _BdSyncService
{
  GObject parent_instance;

  char *db_path;
  guint interval;
  guint failures;
  guint timeout;
  gboolean running;
  gboolean again;      /* sync_now during a round: another right after */
  GRand *rand;
  GCancellable *cancellable;
  JsonObject *status;
};

G_DEFINE_FINAL_TYPE (BdSyncService, bd_sync_service, G_TYPE_OBJECT)

enum {
  STATUS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule (BdSyncService *self, guint delay);

guint
bd_sync_next_delay (guint interval, guint failures, GRand *rand)
{
  double delay = MAX (interval, 1);
  double jitter;

  for (guint i = 0; i < failures && delay < BD_SYNC_MAX_BACKOFF; i++)
    delay *= 2;
  delay = MIN (delay, BD_SYNC_MAX_BACKOFF);
  jitter = g_rand_double_range (rand, 0.8, 1.2);
  return (guint) MAX (1.0, MIN (delay * jitter, BD_SYNC_MAX_BACKOFF));
}

/* After a good round: templates and personal data past retention that HQ
 * now holds leave the desk (at most once a day; bd_retention_run), so no
 * operator has to remember.  A failure does not make the round a failure
 * (the records reached HQ) but is not silent either. */
static void
purge_past_retention (BdDb *db, const BdActor *actor)
{
  g_autoptr(GError) error = NULL;
  BdRetentionCounts counts;

  if (!bd_retention_run (db, actor, TRUE, NULL, &counts, &error))
    g_warning ("purge past retention failed: %s", error->message);
}

/* The worker: one round on its own connection.  The result is the status
 * object, with "round_error" set when the round failed. */
static void
round_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) actor = bd_actor_new_sync ();
  g_autoptr(BdDb) db = bd_db_open (path, BD_DB_OPEN_DEFAULT, &error);
  g_autoptr(JsonObject) status = NULL;
  BdSyncRound round;
  gboolean ok = FALSE;

  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  status = bd_sync_status (db, &error);
  if (status != NULL && json_object_get_boolean_member (status, "enrolled"))
    {
      ok = bd_sync_run (db, actor, &round, &error);
      /* Records the guard wrote while the round ran are the next round's
       * business, not a failure to back off from. */
      if (!ok && g_error_matches (error, BD_SYNC_ERROR, BD_SYNC_ERROR_PENDING))
        {
          ok = TRUE;
          g_clear_error (&error);
        }
      if (ok)
        purge_past_retention (db, actor);
      g_clear_pointer (&status, json_object_unref);
      status = bd_sync_status (db, ok ? &error : NULL);
    }
  else
    ok = status != NULL;
  if (status == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!ok && error != NULL)
    json_object_set_string_member (status, "round_error", error->message);
  g_task_return_pointer (task, g_steal_pointer (&status), (GDestroyNotify) json_object_unref);
}

static void
on_round_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BdSyncService *self = BD_SYNC_SERVICE (source);
  g_autoptr(GError) error = NULL;
  JsonObject *status = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->running = FALSE;
  if (status == NULL)
    {
      /* The database itself could not be read: say so, keep trying. */
      status = json_object_new ();
      json_object_set_string_member (status, "round_error", error->message);
    }
  if (json_object_has_member (status, "round_error"))
    self->failures++;
  else
    self->failures = 0;
  g_clear_pointer (&self->status, json_object_unref);
  self->status = status;
  g_signal_emit (self, signals[STATUS_CHANGED], 0);
  if (self->again)
    {
      self->again = FALSE;
      schedule (self, 0);
    }
  else
    schedule (self, bd_sync_next_delay (self->interval, self->failures, self->rand));
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  BdSyncService *self = user_data;
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_round_done_cb, NULL);

  self->timeout = 0;
  self->running = TRUE;
  g_task_set_source_tag (task, on_timeout_cb);
  g_task_set_task_data (task, g_strdup (self->db_path), g_free);
  g_task_run_in_thread (task, round_thread);
  return G_SOURCE_REMOVE;
}

static void
schedule (BdSyncService *self, guint delay)
{
  g_clear_handle_id (&self->timeout, g_source_remove);
  self->timeout = g_timeout_add_seconds (delay, on_timeout_cb, self);
}

static void
bd_sync_service_dispose (GObject *object)
{
  BdSyncService *self = BD_SYNC_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout, g_source_remove);
  G_OBJECT_CLASS (bd_sync_service_parent_class)->dispose (object);
}

static void
bd_sync_service_finalize (GObject *object)
{
  BdSyncService *self = BD_SYNC_SERVICE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->status, json_object_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_free (self->db_path);
  G_OBJECT_CLASS (bd_sync_service_parent_class)->finalize (object);
}

static void
bd_sync_service_class_init (BdSyncServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bd_sync_service_dispose;
  object_class->finalize = bd_sync_service_finalize;
  signals[STATUS_CHANGED] = g_signal_new ("status-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
bd_sync_service_init (BdSyncService *self)
{
  self->cancellable = g_cancellable_new ();
  self->rand = g_rand_new ();
}

BdSyncService *
bd_sync_service_new (const char *db_path, guint interval)
{
  BdSyncService *self = g_object_new (BD_TYPE_SYNC_SERVICE, NULL);

  self->db_path = g_strdup (db_path);
  self->interval = MAX (interval, 5);
  return self;
}

void
bd_sync_service_start (BdSyncService *self, guint delay)
{
  g_return_if_fail (BD_IS_SYNC_SERVICE (self));
  schedule (self, delay);
}

void
bd_sync_service_sync_now (BdSyncService *self)
{
  g_return_if_fail (BD_IS_SYNC_SERVICE (self));
  if (self->running)
    self->again = TRUE;
  else
    schedule (self, 0);
}

JsonObject *
bd_sync_service_get_status (BdSyncService *self)
{
  g_return_val_if_fail (BD_IS_SYNC_SERVICE (self), NULL);
  return self->status;
}

/* "14:02" for today, else the date: the guard wants to know how fresh. */
static char *
short_time (const char *iso)
{
  gint64 t;
  g_autofree char *today = NULL, *full = NULL;

  if (iso == NULL || !bd_time_parse (iso, &t))
    return g_strdup ("?");
  full = bd_time_format (t);
  today = bd_time_format (bd_clock_now ());
  if (strncmp (full, today, 10) == 0)
    return g_strndup (full + 11, 5);
  return g_strndup (full, 10);
}

static const char *
string_or_null (JsonObject *o, const char *name)
{
  return json_object_get_string_member_with_default (o, name, NULL);
}

char *
bd_sync_status_describe (JsonObject *status, char **tooltip, gboolean *warning)
{
  g_autoptr(GString) tip = g_string_new (NULL);
  const char *round_error = string_or_null (status, "round_error");
  const char *last = string_or_null (status, "last_success");
  gint64 pending = json_object_get_int_member_with_default (status, "pending_records", 0);
  gboolean enrolled = json_object_get_boolean_member_with_default (status, "enrolled", FALSE);
  g_autofree char *when = short_time (last);
  char *text;

  *warning = round_error != NULL;
  if (!enrolled && round_error == NULL)
    text = g_strdup (_("Sync: not enrolled with HQ"));
  else if (last == NULL)
    /* Translators: records not yet acknowledged by headquarters. */
    text = g_strdup_printf (_("Sync: never reached HQ · %lld pending"), (long long) pending);
  else if (pending == 0)
    /* Translators: the time of the last successful sync. */
    text = g_strdup_printf (_("Sync: up to date · %s"), when);
  else
    /* Translators: records pending, time of the last successful sync. */
    text = g_strdup_printf (_("Sync: %lld pending · last %s"), (long long) pending, when);

  if (round_error != NULL)
    /* Translators: why the last sync round failed (a technical message). */
    g_string_append_printf (tip, _("Last attempt failed: %s"), round_error);
  if (json_object_get_boolean_member_with_default (status, "stale", FALSE))
    {
      *warning = TRUE;
      if (tip->len > 0)
        g_string_append_c (tip, '\n');
      /* Translators: the oldest record not yet at HQ (a date and time). */
      g_string_append_printf (tip, _("Records have waited too long for HQ, since %s: tell "
                                     "your supervisor"),
                              string_or_null (status, "oldest_pending"));
    }
  if (json_object_get_boolean_member_with_default (status, "clock_skew_warning", FALSE))
    {
      *warning = TRUE;
      if (tip->len > 0)
        g_string_append_c (tip, '\n');
      /* Translators: seconds between this desk's clock and HQ's. */
      g_string_append_printf (tip, _("This desk's clock differs from HQ's by %lld s"),
                              (long long) json_object_get_int_member (status, "clock_skew"));
    }
  if (tip->len > 0)
    g_string_append_c (tip, '\n');
  /* Translators: the version of the watchlist received from HQ. */
  g_string_append_printf (tip, _("HQ watchlist version %lld"),
                          (long long) json_object_get_int_member_with_default (
                            status, "watchlist_version", 0));
  if (tooltip != NULL)
    *tooltip = g_string_free (g_steal_pointer (&tip), FALSE);
  return text;
}

/* bd-desk-supervisor.c: the supervisor page's calls on the context
 * (bd-desk-supervisor.h). */
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>

#include "bd-amendment.h"
#include "bd-desk-context-private.h"
#include "bd-desk-supervisor.h"
#include "bd-officer.h"
#include "bd-report.h"
#include "bd-timeline.h"

/* One data struct serves every call here: the job, the officer, a shift,
 * a scope or filter (owned strings), a text (password, uuid or path). */
typedef struct {
  BdDeskJob job;
  BdActor *actor;
  gint64 shift;
  char *from;
  char *to;
  char *desk;
  char *officer;
  BdShiftState state;
  char *text;       /* a password (wiped), a crossing's UUID, or a path */
  char *note;       /* a sign-off note, or an amendment's reason */
  char *field;      /* an amendment's field and value */
  char *value;
  BdDeskExport format;
} SupData;

static void
sup_data_free (SupData *d)
{
  bd_actor_free (d->actor);
  g_free (d->from);
  g_free (d->to);
  g_free (d->desk);
  g_free (d->officer);
  if (d->text != NULL)
    OPENSSL_cleanse (d->text, strlen (d->text));
  g_free (d->text);
  g_free (d->note);
  g_free (d->field);
  g_free (d->value);
  g_free (d);
}

static SupData *
sup_data_new (BdDeskContext *self, BdDeskWork work, GDestroyNotify result_free)
{
  SupData *d = g_new0 (SupData, 1);

  d->job.work = work;
  d->job.result_free = result_free;
  d->actor = bd_desk_context_dup_officer (self);
  return d;
}

static void
sup_data_set_scope (SupData *d, const BdStatsScope *scope)
{
  d->shift = scope->shift;
  d->from = g_strdup (scope->from);
  d->to = g_strdup (scope->to);
  d->desk = g_strdup (scope->desk);
  d->officer = g_strdup (scope->officer);
}

static BdStatsScope
sup_data_scope (SupData *d)
{
  BdStatsScope scope = { d->shift, d->from, d->to, d->desk, d->officer };

  return scope;
}

static void
start (BdDeskContext *self, gpointer tag, SupData *d, GCancellable *cancellable,
       GAsyncReadyCallback callback, gpointer user_data)
{
  bd_desk_context_start_job (self, tag, d, (GDestroyNotify) sup_data_free, cancellable,
                             callback, user_data);
}

void
bd_desk_shift_detail_free (BdDeskShiftDetail *detail)
{
  if (detail == NULL)
    return;
  bd_shift_free (detail->shift);
  g_clear_pointer (&detail->timeline, g_ptr_array_unref);
  g_clear_pointer (&detail->stats, json_node_unref);
  g_free (detail);
}

gboolean
bd_desk_context_can_review (BdDeskContext *self)
{
  g_autoptr(BdActor) officer = bd_desk_context_dup_officer (self);

  return officer != NULL && bd_role_allows (officer->role, BD_PERM_REVIEW);
}

/* Shifts */

static gpointer
list_work (BdDb *db, gpointer data, GError **error)
{
  SupData *d = data;
  BdShiftFilter filter = { d->from, d->to, d->desk, d->officer, d->state, 0 };

  return bd_shift_query (db, d->actor, &filter, error);
}

void
bd_desk_context_list_shifts_async (BdDeskContext *self, const BdShiftFilter *filter,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  SupData *d = sup_data_new (self, list_work, (GDestroyNotify) g_ptr_array_unref);

  d->from = g_strdup (filter->from);
  d->to = g_strdup (filter->to);
  d->desk = g_strdup (filter->desk);
  d->officer = g_strdup (filter->officer);
  d->state = filter->state;
  start (self, bd_desk_context_list_shifts_async, d, cancellable, callback, user_data);
}

GPtrArray *
bd_desk_context_list_shifts_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
detail_work (BdDb *db, gpointer data, GError **error)
{
  SupData *d = data;
  g_autoptr(BdDeskShiftDetail) detail = g_new0 (BdDeskShiftDetail, 1);
  BdStatsScope scope = sup_data_scope (d);

  detail->timeline = bd_timeline_for_shift (db, d->actor, d->shift, error);
  if (detail->timeline == NULL)
    return NULL;
  detail->shift = bd_shift_get (db, d->shift, error);
  if (detail->shift == NULL)
    return NULL;
  detail->stats = bd_stats_compute (db, d->actor, &scope, error);
  return detail->stats != NULL ? g_steal_pointer (&detail) : NULL;
}

void
bd_desk_context_shift_detail_async (BdDeskContext *self, gint64 shift,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  SupData *d = sup_data_new (self, detail_work, (GDestroyNotify) bd_desk_shift_detail_free);

  d->shift = shift;
  start (self, bd_desk_context_shift_detail_async, d, cancellable, callback, user_data);
}

BdDeskShiftDetail *
bd_desk_context_shift_detail_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
stats_work (BdDb *db, gpointer data, GError **error)
{
  SupData *d = data;
  BdStatsScope scope = sup_data_scope (d);

  return bd_stats_compute (db, d->actor, &scope, error);
}

void
bd_desk_context_stats_async (BdDeskContext *self, const BdStatsScope *scope,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  SupData *d = sup_data_new (self, stats_work, (GDestroyNotify) json_node_unref);

  sup_data_set_scope (d, scope);
  start (self, bd_desk_context_stats_async, d, cancellable, callback, user_data);
}

JsonNode *
bd_desk_context_stats_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sign-off: the password proves the logged-in supervisor is the one at
 * the desk (the session may have been left open). */
static gpointer
sign_off_work (BdDb *db, gpointer data, GError **error)
{
  SupData *d = data;
  g_autoptr(BdActor) confirmed = NULL;

  if (d->actor == NULL)
    {
      bd_actor_require (NULL, BD_PERM_SIGN_OFF, error);
      return NULL;
    }
  confirmed = bd_officer_authenticate (db, d->actor->username, d->text, error);
  if (confirmed == NULL)
    return NULL;
  return bd_shift_sign_off (db, confirmed, d->shift, d->note, error) ? d : NULL;
}

void
bd_desk_context_sign_off_async (BdDeskContext *self, gint64 shift, const char *password,
                                const char *note, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  SupData *d = sup_data_new (self, sign_off_work, NULL);

  d->shift = shift;
  d->text = g_strdup (password != NULL ? password : "");
  d->note = note != NULL && *note != '\0' ? g_strdup (note) : NULL;
  start (self, bd_desk_context_sign_off_async, d, cancellable, callback, user_data);
}

gboolean
bd_desk_context_sign_off_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Drill-down */

static gpointer
open_crossing_work (BdDb *db, gpointer data, GError **error)
{
  SupData *d = data;

  return bd_crossing_open_personal (db, d->actor, d->text, error);
}

void
bd_desk_context_open_crossing_async (BdDeskContext *self, const char *uuid,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  SupData *d = sup_data_new (self, open_crossing_work, (GDestroyNotify) json_object_unref);

  d->text = g_strdup (uuid);
  start (self, bd_desk_context_open_crossing_async, d, cancellable, callback, user_data);
}

JsonObject *
bd_desk_context_open_crossing_finish (BdDeskContext *self, GAsyncResult *result,
                                      GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
amend_work (BdDb *db, gpointer data, GError **error)
{
  SupData *d = data;

  return bd_crossing_amend (db, d->actor, d->text, d->field, d->value, d->note, error) > 0
         ? d : NULL;
}

void
bd_desk_context_amend_async (BdDeskContext *self, const char *uuid, const char *field,
                             const char *value, const char *reason, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  SupData *d = sup_data_new (self, amend_work, NULL);

  d->text = g_strdup (uuid);
  d->field = g_strdup (field);
  d->value = g_strdup (value);
  d->note = g_strdup (reason);
  start (self, bd_desk_context_amend_async, d, cancellable, callback, user_data);
}

gboolean
bd_desk_context_amend_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Exports: the file is written whole, then the export is audited. */
static gpointer
export_work (BdDb *db, gpointer data, GError **error)
{
  SupData *d = data;
  BdStatsScope scope = sup_data_scope (d);
  g_autoptr(JsonNode) stats = bd_stats_compute (db, d->actor, &scope, error);
  JsonObject *o;

  if (stats == NULL)
    return NULL;
  o = json_node_get_object (stats);
  if (d->format == BD_DESK_EXPORT_PDF)
    {
      if (!bd_report_write_pdf (o, d->text, NULL, error))
        return NULL;
    }
  else
    {
      g_autofree char *csv = bd_report_to_csv (o);

      if (!g_file_set_contents_full (d->text, csv, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                     error))
        return NULL;
    }
  if (!bd_stats_record_export (db, d->actor, &scope,
                               d->format == BD_DESK_EXPORT_PDF ? "pdf" : "csv", error))
    return NULL;
  return d;
}

void
bd_desk_context_export_async (BdDeskContext *self, const BdStatsScope *scope,
                              BdDeskExport format, const char *path, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  SupData *d = sup_data_new (self, export_work, NULL);

  sup_data_set_scope (d, scope);
  d->format = format;
  d->text = g_strdup (path);
  start (self, bd_desk_context_export_async, d, cancellable, callback, user_data);
}

gboolean
bd_desk_context_export_finish (BdDeskContext *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

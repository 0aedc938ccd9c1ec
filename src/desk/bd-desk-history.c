/* bd-desk-history.c: the context's questions to HQ about a traveller's
 * history (bd-desk-context.h), kept apart from the jobs on the desk's own
 * connection. */
#include "config.h"

#include "bd-desk-context-private.h"
#include "bd-history.h"
#include "bd-sync.h"

/* History from HQ: its own connection and no lock, so a slow link never
 * holds the guard's previews or registrations. */

static void
fetch_history_thread (GTask *task, gpointer source, gpointer task_data,
                      GCancellable *cancellable)
{
  const char *db_path = bd_desk_context_get_db_path (source);
  const char *document = task_data;
  g_autofree char *state = NULL, *number = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BdDb) db = NULL;

  if (!bd_document_ref_parse (document, &state, &number))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "not a document reference");
      return;
    }
  db = bd_db_open (db_path, BD_DB_OPEN_DEFAULT, &error);
  if (db == NULL || !bd_sync_fetch_history (db, state, number, 1000, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
bd_desk_context_fetch_history_async (BdDeskContext *self, const char *document,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, bd_desk_context_fetch_history_async);
  g_task_set_task_data (task, g_strdup (document), g_free);
  g_task_run_in_thread (task, fetch_history_thread);
}

gboolean
bd_desk_context_fetch_history_finish (BdDeskContext *self, GAsyncResult *result,
                                      GError **error)
{
  GError *local = NULL;
  const char *document = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &local);

  if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_hash_table_insert (bd_desk_context_get_hq_history_table (self), g_strdup (document),
                         g_strdup (ok ? "" : local->message));
  if (local != NULL)
    g_propagate_error (error, local);
  return ok;
}

const char *
bd_desk_context_get_hq_history (BdDeskContext *self, const char *document, gboolean *asked)
{
  GHashTable *asked_about = bd_desk_context_get_hq_history_table (self);
  const char *outcome = document != NULL ? g_hash_table_lookup (asked_about, document) : NULL;

  *asked = outcome != NULL;
  return outcome != NULL && *outcome != '\0' ? outcome : NULL;
}

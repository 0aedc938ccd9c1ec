/* bd-desk-context-private.h: the context's job runner, for the files that
 * add calls to the context (bd-desk-supervisor.c).  Not for widgets. */
#pragma once

#include "bd-db.h"
#include "bd-desk-context.h"
#include "bd-role.h"

G_BEGIN_DECLS

/* Runs in a worker thread with the connection locked.  Returns the task's
 * result, or NULL with @error set.  A task whose result_free is NULL
 * returns its data for "done" (a boolean task). */
typedef gpointer (*BdDeskWork) (BdDb *db, gpointer task_data, GError **error);

/* The head of every task's data. */
typedef struct {
  BdDeskWork work;
  GDestroyNotify result_free;
} BdDeskJob;

/* Starts @data's job (a struct starting with a BdDeskJob) in a worker;
 * @data belongs to the task and is freed with @data_free. */
void      bd_desk_context_start_job   (BdDeskContext *self, gpointer source_tag, gpointer data,
                                       GDestroyNotify data_free, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
gpointer  bd_desk_context_job_data    (GAsyncResult *result);
/* A copy of the logged-in officer, or NULL. */
BdActor  *bd_desk_context_dup_officer (BdDeskContext *self);
/* document -> "" (HQ answered) or why not, this session (bd-desk-history.c). */
GHashTable *bd_desk_context_get_hq_history_table (BdDeskContext *self);

G_END_DECLS

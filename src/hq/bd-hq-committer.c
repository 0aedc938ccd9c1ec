#include "config.h"

#include <string.h>

#include "bd-hq-committer.h"

#define MAX_GROUP 256

typedef struct {
  const BdBatch *batch;
  const char *receipt;
  const char *now;
  BdHqSubmitResult result;
  GError *error;
  gboolean done;
} Job;

struct _BdHqCommitter {
  BdHqStore *store;
  GAsyncQueue *queue;      /* Job *, or the committer itself to stop */
  GMutex lock;
  GCond done;
  GThread *thread;
};

/* Runs one group: the first job and whatever else is waiting. */
static void
commit_group (BdHqCommitter *self, Job *first, gboolean *stop)
{
  Job *jobs[MAX_GROUP];
  const BdBatch *batches[MAX_GROUP];
  const char *receipts[MAX_GROUP];
  const char *nows[MAX_GROUP];
  BdHqSubmitResult results[MAX_GROUP];
  g_autoptr(GError) error = NULL;
  gpointer next;
  guint n = 0;

  jobs[n++] = first;
  while (n < MAX_GROUP && (next = g_async_queue_try_pop (self->queue)) != NULL)
    {
      if (next == (gpointer) self)
        {
          *stop = TRUE;
          break;
        }
      jobs[n++] = next;
    }
  for (guint i = 0; i < n; i++)
    {
      batches[i] = jobs[i]->batch;
      receipts[i] = jobs[i]->receipt;
      nows[i] = jobs[i]->now;
    }
  if (!bd_hq_store_submit_group (self->store, n, batches, receipts, nows, results, &error))
    {
      /* The transaction failed as a whole: each batch on its own, so that
       * one bad batch cannot fail its neighbours. */
      for (guint i = 0; i < n; i++)
        if (!bd_hq_store_submit (self->store, batches[i], receipts[i], jobs[i]->now, &results[i],
                                 &jobs[i]->error))
          memset (&results[i], 0, sizeof results[i]);
    }
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < n; i++)
    {
      jobs[i]->result = results[i];
      if (results[i].status == BD_HQ_SUBMIT_FAILED && jobs[i]->error == NULL)
        g_set_error_literal (&jobs[i]->error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_FAILED,
                             results[i].failure);
      jobs[i]->done = TRUE;
    }
  g_cond_broadcast (&self->done);
  g_mutex_unlock (&self->lock);
}

static gpointer
committer_main (gpointer data)
{
  BdHqCommitter *self = data;
  gboolean stop = FALSE;

  while (!stop)
    {
      gpointer job = g_async_queue_pop (self->queue);

      if (job == (gpointer) self)
        break;
      commit_group (self, job, &stop);
    }
  return NULL;
}

BdHqCommitter *
bd_hq_committer_new (BdHqStore *store)
{
  BdHqCommitter *self = g_new0 (BdHqCommitter, 1);

  self->store = store;
  self->queue = g_async_queue_new ();
  g_mutex_init (&self->lock);
  g_cond_init (&self->done);
  self->thread = g_thread_new ("hq-committer", committer_main, self);
  return self;
}

void
bd_hq_committer_free (BdHqCommitter *self)
{
  if (self == NULL)
    return;
  g_async_queue_push (self->queue, self);
  g_thread_join (self->thread);
  g_async_queue_unref (self->queue);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->done);
  bd_hq_store_close (self->store);
  g_free (self);
}

gboolean
bd_hq_committer_submit (BdHqCommitter *self, const BdBatch *batch, const char *receipt,
                        const char *now, BdHqSubmitResult *result, GError **error)
{
  Job job = { .batch = batch, .receipt = receipt, .now = now };

  g_async_queue_push (self->queue, &job);
  g_mutex_lock (&self->lock);
  while (!job.done)
    g_cond_wait (&self->done, &self->lock);
  g_mutex_unlock (&self->lock);
  *result = job.result;
  if (job.error != NULL)
    {
      bd_hq_submit_result_clear (result);
      g_propagate_error (error, job.error);
      return FALSE;
    }
  return TRUE;
}

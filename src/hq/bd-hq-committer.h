/* bd-hq-committer.h: group commit for the SQLite store.  SQLite has one
 * writer at a time and each commit costs an fsync: instead of each worker
 * committing its batch, the workers hand their verified batches to one
 * committer thread, which stores every batch waiting in one transaction
 * (bd_hq_store_submit_group) and wakes them all.  Hundreds of desks
 * syncing at once then share fsyncs instead of queueing for them. */
#pragma once

#include <glib.h>

#include "bd-batch.h"
#include "bd-hq-store.h"

G_BEGIN_DECLS

typedef struct _BdHqCommitter BdHqCommitter;

/* Takes @store, a connection of its own. */
BdHqCommitter *bd_hq_committer_new    (BdHqStore *store);
/* Stores what is queued, then stops the thread. */
void           bd_hq_committer_free   (BdHqCommitter *committer);

/* Like bd_hq_store_submit, from any thread; blocks until the group that
 * holds @batch has committed. */
gboolean       bd_hq_committer_submit (BdHqCommitter *committer, const BdBatch *batch,
                                       const char *receipt, const char *now,
                                       BdHqSubmitResult *result, GError **error);

G_END_DECLS

/* bd-sync-service.h: the desk's background sync with HQ.
 *
 * Rounds run in a worker thread on their own database connection (the
 * desk keeps registering meanwhile: SQLite WAL lets the two connections
 * work side by side), every interval (60 s by default) after a success
 * and with exponential backoff and jitter up to 15 min after a failure.
 * Nothing here ever blocks the guard: the window only listens to
 * "status-changed".
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define BD_TYPE_SYNC_SERVICE (bd_sync_service_get_type ())
G_DECLARE_FINAL_TYPE (BdSyncService, bd_sync_service, BD, SYNC_SERVICE, GObject)

#define BD_SYNC_MAX_BACKOFF 900

BdSyncService *bd_sync_service_new        (const char *db_path, guint interval);
/* Schedules the first round @delay seconds from now. */
void           bd_sync_service_start      (BdSyncService *self, guint delay);
/* A round as soon as the current one (if any) is over. */
void           bd_sync_service_sync_now   (BdSyncService *self);
/* The last status (bd_sync_status() plus "round_error"), or NULL before
 * the first round. */
JsonObject    *bd_sync_service_get_status (BdSyncService *self);
/* Seconds until the next round after @failures failures in a row:
 * @interval after a success, then doubling, capped at 15 min, with
 * +-20 % jitter so that the desks of a post that lost its link together
 * do not all call HQ in the same second when it returns. */
guint          bd_sync_next_delay         (guint interval, guint failures, GRand *rand);

/* What the header bar shows for @status: a short text, a tooltip with the
 * details and whether it is a warning (records waiting too long, a clock
 * that differs from HQ's, a failed round). */
char          *bd_sync_status_describe    (JsonObject *status, char **tooltip,
                                           gboolean *warning);

G_END_DECLS

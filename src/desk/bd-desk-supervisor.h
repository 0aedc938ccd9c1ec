/* bd-desk-supervisor.h: the supervisor page's calls on the desk context:
 * shifts, a shift's timeline and figures, sign-off, drill-down to a
 * crossing, exports.  Like every context call, each runs the core in a
 * worker thread and the core checks the officer's role. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bd-desk-context.h"
#include "bd-shift.h"
#include "bd-stats.h"

G_BEGIN_DECLS

/* A shift as the supervisor page shows it. */
typedef struct {
  BdShift *shift;
  GPtrArray *timeline;   /* of BdTimelineEvent */
  JsonNode *stats;       /* bd_stats_compute's object for the shift */
} BdDeskShiftDetail;

void               bd_desk_shift_detail_free (BdDeskShiftDetail *detail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdDeskShiftDetail, bd_desk_shift_detail_free)

/* FALSE for a session whose role may not review shifts: the page is not
 * offered (the core refuses the calls anyway). */
gboolean           bd_desk_context_can_review        (BdDeskContext *self);

/* The shifts @filter selects (copied); a GPtrArray of BdShift. */
void               bd_desk_context_list_shifts_async  (BdDeskContext *self,
                                                       const BdShiftFilter *filter,
                                                       GCancellable *cancellable,
                                                       GAsyncReadyCallback callback,
                                                       gpointer user_data);
GPtrArray         *bd_desk_context_list_shifts_finish (BdDeskContext *self, GAsyncResult *result,
                                                       GError **error);

void               bd_desk_context_shift_detail_async  (BdDeskContext *self, gint64 shift,
                                                        GCancellable *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer user_data);
BdDeskShiftDetail *bd_desk_context_shift_detail_finish (BdDeskContext *self,
                                                        GAsyncResult *result, GError **error);

/* Statistics of a day or a range of days (@scope copied). */
void               bd_desk_context_stats_async  (BdDeskContext *self, const BdStatsScope *scope,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
JsonNode          *bd_desk_context_stats_finish (BdDeskContext *self, GAsyncResult *result,
                                                 GError **error);

/* Countersigns @shift as the logged-in officer, whose @password confirms it
 * is them at the desk. */
void               bd_desk_context_sign_off_async  (BdDeskContext *self, gint64 shift,
                                                    const char *password, const char *note,
                                                    GCancellable *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer user_data);
gboolean           bd_desk_context_sign_off_finish (BdDeskContext *self, GAsyncResult *result,
                                                    GError **error);

/* One crossing with the traveller's personal data; the core audits it. */
void               bd_desk_context_open_crossing_async  (BdDeskContext *self, const char *uuid,
                                                         GCancellable *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer user_data);
JsonObject        *bd_desk_context_open_crossing_finish (BdDeskContext *self,
                                                         GAsyncResult *result, GError **error);

/* Records an amendment of crossing @uuid as the logged-in officer. */
void               bd_desk_context_amend_async   (BdDeskContext *self, const char *uuid,
                                                  const char *field, const char *value,
                                                  const char *reason,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
gboolean           bd_desk_context_amend_finish  (BdDeskContext *self, GAsyncResult *result,
                                                  GError **error);

typedef enum {
  BD_DESK_EXPORT_CSV,
  BD_DESK_EXPORT_PDF,
} BdDeskExport;

/* Writes the statistics of @scope to @path as CSV or PDF (audited). */
void               bd_desk_context_export_async  (BdDeskContext *self, const BdStatsScope *scope,
                                                  BdDeskExport format, const char *path,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
gboolean           bd_desk_context_export_finish (BdDeskContext *self, GAsyncResult *result,
                                                  GError **error);

G_END_DECLS

/* bd-stats.h: the figures a supervisor answers for: counts of crossings
 * over a shift, a day or a range of days, broken down by hour, direction,
 * decision, refusal reason, nationality, sex, age band and vulnerability
 * flag, with alerts, overrides and the records not yet acknowledged by HQ.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_STATS_ERROR (bd_stats_error_quark ())
GQuark bd_stats_error_quark (void);

typedef enum {
  BD_STATS_ERROR_INVALID,   /* a scope that is not a shift, a day or a range */
} BdStatsError;

/* What to count.  Either @shift (> 0), or the days @from .. @to
 * ("YYYY-MM-DD", inclusive, UTC; a day is from = to), optionally narrowed
 * to one @desk ("POST/N") and one @officer (username).  Imported history
 * (no shift) is never counted: it is not this desk's work. */
typedef struct {
  gint64 shift;
  const char *from;
  const char *to;
  const char *desk;
  const char *officer;
} BdStatsScope;

/* Age bands, in completed years at the crossing; "unknown" unless the full
 * birth date is known. */
#define BD_STATS_AGE_BANDS "0-17", "18-34", "35-59", "60+", "unknown"

/* Returns a new JSON object:
 *   {"scope": {"shift": ID|null, "from": D|null, "to": D|null, "desk": S|null,
 *              "officer": U|null},
 *    "post": CODE, "post_name": NAME,
 *    "shift": {bd_shift_to_json} (shift scope only),
 *    "counts": {"total": N, "by_direction", "by_decision", "by_sex", "by_nationality",
 *               "by_hour" ("HH" keys), "by_refusal_reason" (letters), "by_age_band",
 *               "by_vulnerability" (flags), "by_hour_direction" ({"HH": {"entry": N}}),
 *               "by_sex_direction" ({"F": {"exit": N}})},
 *    "alerts": N, "overrides": N, "unsynced": N, "shifts": N}
 * Keys of the flat groups are sorted; groups list only what occurred.  An alert
 * is a crossing that met a blocking check; unsynced counts the scope's outbox
 * rows (crossings, their amendments, the shifts' events) that are in no batch
 * or in a batch without a verified receipt.  Needs BD_PERM_REVIEW, or the
 * shift being the actor's own. */
JsonNode *bd_stats_compute (BdDb *db, const BdActor *actor, const BdStatsScope *scope,
                            GError **error);

/* Records in the audit log that the figures of @scope left the desk as
 * @format ("csv", "pdf"): exports are audited.  Needs BD_PERM_REVIEW. */
gboolean  bd_stats_record_export (BdDb *db, const BdActor *actor, const BdStatsScope *scope,
                                  const char *format, GError **error);

/* The age band of someone born on @birth_date ("YYYY-MM-DD", else unknown)
 * on the day of @time ("YYYY-MM-DDTHH:MM:SSZ"). */
const char *bd_stats_age_band (const char *birth_date, const char *time);

G_END_DECLS

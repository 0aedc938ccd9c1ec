/* bd-hq-stats.h: the supervisors' statistics across posts (issue 7). */
#pragma once

#include <json-glib/json-glib.h>

#include "bd-hq-store.h"

G_BEGIN_DECLS

/* Adds to the object being built by @b: "counts": {"total", "by_post",
 * "by_hour", "by_direction", "by_decision", "by_refusal_reason",
 * "by_nationality", "by_sex", "by_age_band", "by_vulnerability"},
 * "alerts" and "overrides", for the crossings of the days @from .. @to
 * (YYYY-MM-DD, inclusive; NULL: open). */
gboolean bd_hq_stats_add (BdHqStore *store, const char *from, const char *to, JsonBuilder *b,
                          GError **error);

G_END_DECLS

/* bd-stay.h: the short-stay rule (90 days in any 180 by default).
 *
 * Pure arithmetic over day numbers; the caller loads the history.  Days are
 * GDate Julian day numbers (g_date_get_julian): consecutive integers.
 * The exact semantics are CONTRACT.md's `stay --json`.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  int days;    /* allowed days of presence, default 90 */
  int window;  /* in any window of this many days, default 180 */
} BdStayRule;

#define BD_STAY_RULE_DEFAULT ((BdStayRule) { 90, 180 })

/* Longest window accepted (ten years): the computation holds one byte per
 * day of the window, and a rule read from configuration must not make it
 * allocate without bound. */
#define BD_STAY_WINDOW_MAX 3660

/* TRUE when 0 < days < window <= BD_STAY_WINDOW_MAX, the rules
 * bd_stay_compute() accepts.  Callers that read a rule from configuration
 * validate it with this before use. */
gboolean bd_stay_rule_is_valid (const BdStayRule *rule);

/* One admitted crossing of the traveller, in time order. */
typedef struct {
  guint32 day;
  gboolean is_entry;  /* FALSE: exit */
} BdStayEvent;

typedef struct {
  int days_used;         /* days of presence in the window ending on @on, @on included */
  int days_remaining;    /* rule.days - days_used, not below 0 */
  int overstay_days;     /* days_used - rule.days, not below 0 */
  gboolean has_latest_exit;
  guint32 latest_exit;   /* valid when has_latest_exit */
} BdStayResult;

/* Computes the rule for a traveller taken to be present on @on.
 * @events must be sorted by day (same-day events in recorded order).
 * Events after @on are ignored. */
void bd_stay_compute (const BdStayRule  *rule,
                      const BdStayEvent *events,
                      gsize              n_events,
                      guint32            on,
                      BdStayResult      *result);

G_END_DECLS

/* bd-stay.c: the short-stay rule (90 days in any 180 by default).
 *
 * Only the window ending on @on matters for both answers: days_used counts
 * it, and while the traveller stays on after @on every later window is that
 * one slid forward, losing one past day and gaining one present day.  So one
 * byte per day of that window is the whole state, and the cost is
 * O(n_events + window) whatever the length of the history.
 */

#include "bd-stay.h"

#include <string.h>

/* The window is [lo, on]; day numbers are widened to gint64 so that
 * on - window + 1 cannot wrap below day 0. */
typedef struct {
  gint64 lo;
  gint64 on;
  guint8 *present;  /* present[day - lo], window bytes */
} Window;

/* Marks the days of [first, last] that fall in the window as present. */
static void
mark_days (Window *w,
           gint64  first,
           gint64  last)
{
  first = MAX (first, w->lo);
  last = MIN (last, w->on);
  if (first <= last)
    memset (w->present + (first - w->lo), 1, (gsize) (last - first + 1));
}

/* Events must be sorted; unsorted input is a programmer error, and the
 * computation below stays memory-safe on it even with checks disabled. */
static gboolean
events_are_sorted (const BdStayEvent *events,
                   gsize              n_events)
{
  for (gsize i = 1; i < n_events; i++)
    if (events[i].day < events[i - 1].day)
      return FALSE;
  return TRUE;
}

gboolean
bd_stay_rule_is_valid (const BdStayRule *rule)
{
  g_return_val_if_fail (rule != NULL, FALSE);

  return rule->days > 0 && rule->days < rule->window && rule->window <= BD_STAY_WINDOW_MAX;
}

void
bd_stay_compute (const BdStayRule  *rule,
                 const BdStayEvent *events,
                 gsize              n_events,
                 guint32            on,
                 BdStayResult      *result)
{
  g_return_if_fail (result != NULL);
  memset (result, 0, sizeof *result);
  g_return_if_fail (rule != NULL && bd_stay_rule_is_valid (rule));
  g_return_if_fail (events != NULL || n_events == 0);
  g_return_if_fail (events_are_sorted (events, n_events));

  g_autofree guint8 *present = g_new0 (guint8, rule->window);
  Window w = { (gint64) on - rule->window + 1, on, present };

  /* An entry opens a stay unless one is open (a second entry continues it);
   * an exit closes the open stay, or counts only its own day when none is
   * open.  Entry and exit days are both days of presence. */
  gboolean open = FALSE;
  gint64 open_since = 0;
  for (gsize i = 0; i < n_events; i++)
    {
      gint64 day = events[i].day;

      if (day > on)
        continue;
      if (events[i].is_entry)
        {
          if (!open)
            {
              open = TRUE;
              open_since = day;
            }
        }
      else if (open)
        {
          mark_days (&w, open_since, day);
          open = FALSE;
        }
      else
        {
          mark_days (&w, day, day);
        }
    }

  /* The traveller is taken to be present on @on: an open stay runs up to
   * it, and @on counts even after an exit recorded that same day. */
  if (open)
    mark_days (&w, open_since, on);
  mark_days (&w, on, on);

  int used = 0;
  for (int i = 0; i < rule->window; i++)
    used += present[i];

  result->days_used = used;
  result->days_remaining = MAX (0, rule->days - used);
  result->overstay_days = MAX (0, used - rule->days);

  if (used > rule->days)
    return;

  /* Staying on from @on, the window ending on d = on + k (0 < k < window)
   * gains day d and loses day d - window, which is present[k - 1].  By
   * k = window - 1 the count would be window > days, so the loop always
   * stops inside the window; the G_MAXUINT32 bound only keeps latest_exit
   * representable for absurd day numbers. */
  int count = used;
  gint64 latest = on;
  for (gint64 d = (gint64) on + 1; d < (gint64) on + rule->window && d <= G_MAXUINT32; d++)
    {
      count += 1 - present[d - on - 1];
      if (count > rule->days)
        break;
      latest = d;
    }

  result->has_latest_exit = TRUE;
  result->latest_exit = (guint32) latest;
}

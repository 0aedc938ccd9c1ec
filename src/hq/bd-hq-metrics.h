/* bd-hq-metrics.h: serve's counters, in the Prometheus text format on
 * GET /metrics.  Safe to call from every worker thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  bd_hq_metrics_init    (void);
/* A batch answered 200: @stored FALSE for a replay. */
void  bd_hq_metrics_batch   (gboolean stored, guint records, double seconds);
/* A refused request, by its reason code ("gap", "rate-limited", ...). */
void  bd_hq_metrics_refusal (const char *reason, double seconds);
/* The exposition text. */
char *bd_hq_metrics_text    (void);

G_END_DECLS

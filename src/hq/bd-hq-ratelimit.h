/* bd-hq-ratelimit.h: a token bucket per desk, shared by the workers.
 * Generous by default: a desk catching up on days of batches sends them
 * back to back and must not wait long. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BdHqRateLimit BdHqRateLimit;

/* @rate: requests a second, sustained; @burst: the bucket's size. */
BdHqRateLimit *bd_hq_rate_limit_new  (double rate, double burst);
void           bd_hq_rate_limit_free (BdHqRateLimit *limit);
/* Takes a token for @desk; FALSE when none is left, with @retry_after
 * (whole seconds, at least 1) until the next. */
gboolean       bd_hq_rate_limit_take (BdHqRateLimit *limit, const char *desk,
                                      guint *retry_after);

/* Counts a desk's open connections against @max. */
gboolean       bd_hq_rate_limit_connect    (BdHqRateLimit *limit, const char *desk, guint max);
void           bd_hq_rate_limit_disconnect (BdHqRateLimit *limit, const char *desk);

G_END_DECLS

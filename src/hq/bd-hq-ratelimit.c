#include "config.h"

#include <math.h>

#include "bd-hq-ratelimit.h"

typedef struct {
  double tokens;
  gint64 last;        /* monotonic microseconds */
  guint connections;
} Bucket;

struct _BdHqRateLimit {
  GMutex lock;
  double rate;
  double burst;
  GHashTable *desks;  /* desk -> Bucket */
};

BdHqRateLimit *
bd_hq_rate_limit_new (double rate, double burst)
{
  BdHqRateLimit *limit = g_new0 (BdHqRateLimit, 1);

  g_mutex_init (&limit->lock);
  limit->rate = rate;
  limit->burst = MAX (burst, 1);
  limit->desks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return limit;
}

void
bd_hq_rate_limit_free (BdHqRateLimit *limit)
{
  g_hash_table_unref (limit->desks);
  g_mutex_clear (&limit->lock);
  g_free (limit);
}

/* With the lock held.  Desks are a few thousand at most, and
 * authenticated: the table is bounded by the registry. */
static Bucket *
bucket (BdHqRateLimit *limit, const char *desk)
{
  Bucket *b = g_hash_table_lookup (limit->desks, desk);
  gint64 now = g_get_monotonic_time ();

  if (b == NULL)
    {
      b = g_new0 (Bucket, 1);
      b->tokens = limit->burst;
      b->last = now;
      g_hash_table_insert (limit->desks, g_strdup (desk), b);
    }
  b->tokens = MIN (limit->burst, b->tokens + limit->rate * (now - b->last) / G_USEC_PER_SEC);
  b->last = now;
  return b;
}

gboolean
bd_hq_rate_limit_take (BdHqRateLimit *limit, const char *desk, guint *retry_after)
{
  Bucket *b;
  gboolean ok;

  g_mutex_lock (&limit->lock);
  b = bucket (limit, desk);
  ok = b->tokens >= 1;
  if (ok)
    b->tokens -= 1;
  else
    *retry_after = MAX (1, (guint) ceil ((1 - b->tokens) / limit->rate));
  g_mutex_unlock (&limit->lock);
  return ok;
}

gboolean
bd_hq_rate_limit_connect (BdHqRateLimit *limit, const char *desk, guint max)
{
  Bucket *b;
  gboolean ok;

  g_mutex_lock (&limit->lock);
  b = bucket (limit, desk);
  ok = b->connections < max;
  if (ok)
    b->connections++;
  g_mutex_unlock (&limit->lock);
  return ok;
}

void
bd_hq_rate_limit_disconnect (BdHqRateLimit *limit, const char *desk)
{
  Bucket *b;

  g_mutex_lock (&limit->lock);
  b = bucket (limit, desk);
  if (b->connections > 0)
    b->connections--;
  g_mutex_unlock (&limit->lock);
}

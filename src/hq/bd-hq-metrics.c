#include "config.h"

#include "bd-hq-metrics.h"

/* Upper bounds of the latency histogram, in seconds. */
static const double bounds[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

static struct {
  GMutex lock;
  guint64 stored;
  guint64 replayed;
  guint64 records;
  GHashTable *refusals;   /* reason -> guint64 * */
  guint64 buckets[G_N_ELEMENTS (bounds)];
  guint64 count;
  double sum;
} m;

void
bd_hq_metrics_init (void)
{
  m.refusals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
observe (double seconds)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bounds); i++)
    if (seconds <= bounds[i])
      m.buckets[i]++;
  m.count++;
  m.sum += seconds;
}

void
bd_hq_metrics_batch (gboolean stored, guint records, double seconds)
{
  g_mutex_lock (&m.lock);
  if (stored)
    {
      m.stored++;
      m.records += records;
    }
  else
    m.replayed++;
  observe (seconds);
  g_mutex_unlock (&m.lock);
}

void
bd_hq_metrics_refusal (const char *reason, double seconds)
{
  guint64 *n;

  g_mutex_lock (&m.lock);
  n = g_hash_table_lookup (m.refusals, reason);
  if (n == NULL)
    g_hash_table_insert (m.refusals, g_strdup (reason), n = g_new0 (guint64, 1));
  (*n)++;
  observe (seconds);
  g_mutex_unlock (&m.lock);
}

char *
bd_hq_metrics_text (void)
{
  GString *s = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&m.lock);
  g_string_append_printf (s,
    "# HELP borderdesk_hq_batches_total Batches answered with a receipt.\n"
    "# TYPE borderdesk_hq_batches_total counter\n"
    "borderdesk_hq_batches_total{result=\"stored\"} %" G_GUINT64_FORMAT "\n"
    "borderdesk_hq_batches_total{result=\"replay\"} %" G_GUINT64_FORMAT "\n"
    "# HELP borderdesk_hq_records_total Records stored.\n"
    "# TYPE borderdesk_hq_records_total counter\n"
    "borderdesk_hq_records_total %" G_GUINT64_FORMAT "\n"
    "# HELP borderdesk_hq_refusals_total Requests refused, by reason.\n"
    "# TYPE borderdesk_hq_refusals_total counter\n", m.stored, m.replayed, m.records);
  g_hash_table_iter_init (&iter, m.refusals);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_string_append_printf (s, "borderdesk_hq_refusals_total{reason=\"%s\"} %" G_GUINT64_FORMAT
                            "\n", (const char *) key, *(guint64 *) value);
  g_string_append (s, "# HELP borderdesk_hq_batch_seconds Time to answer POST /v1/batches.\n"
                      "# TYPE borderdesk_hq_batch_seconds histogram\n");
  for (gsize i = 0; i < G_N_ELEMENTS (bounds); i++)
    g_string_append_printf (s, "borderdesk_hq_batch_seconds_bucket{le=\"%g\"} %" G_GUINT64_FORMAT
                            "\n", bounds[i], m.buckets[i]);
  g_string_append_printf (s, "borderdesk_hq_batch_seconds_bucket{le=\"+Inf\"} %" G_GUINT64_FORMAT
                          "\nborderdesk_hq_batch_seconds_sum %.6f\n"
                          "borderdesk_hq_batch_seconds_count %" G_GUINT64_FORMAT "\n",
                          m.count, m.sum, m.count);
  g_mutex_unlock (&m.lock);
  return g_string_free (s, FALSE);
}

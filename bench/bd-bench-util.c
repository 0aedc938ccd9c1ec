/* bd-bench-util.c: shared benchmark helpers (bd-bench-util.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bd-bench-util.h"

double
bd_bench_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

double
bd_bench_percentile (GArray *samples, double p)
{
  double *v = (double *) samples->data;
  guint i;

  if (samples->len == 0)
    return 0;
  qsort (v, samples->len, sizeof (double), cmp_double);
  i = (guint) (p * (samples->len - 1) + 0.5);
  return v[MIN (i, samples->len - 1)];
}

void
bd_bench_emit (const char *bench, const char *metric, double value, const char *unit,
               double baseline)
{
  if (baseline > 0)
    {
      g_print ("{\"bench\": \"%s\", \"metric\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", "
               "\"baseline\": %.6g, \"ratio\": %.4g}\n", bench, metric, value, unit, baseline,
               value / baseline);
      g_printerr ("%-10s %-34s %12.4g %-6s baseline %10.4g  ratio %.3g\n", bench, metric, value,
                  unit, baseline, value / baseline);
    }
  else
    {
      g_print ("{\"bench\": \"%s\", \"metric\": \"%s\", \"value\": %.6g, \"unit\": \"%s\"}\n",
               bench, metric, value, unit);
      g_printerr ("%-10s %-34s %12.4g %s\n", bench, metric, value, unit);
    }
  fflush (stdout);
}

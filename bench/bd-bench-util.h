/* bd-bench-util.h: what the benchmark programs share: a monotonic clock,
 * percentiles, and CONTRACT.md's JSON lines. */
#pragma once

#include <glib.h>

/* Monotonic milliseconds. */
double bd_bench_now_ms     (void);
/* The @p (0..1) percentile of @samples (doubles); sorts them. */
double bd_bench_percentile (GArray *samples, double p);
/* One JSON line on stdout, and a readable one on stderr.  @baseline <= 0:
 * none was measured, no ratio. */
void   bd_bench_emit       (const char *bench, const char *metric, double value,
                            const char *unit, double baseline);

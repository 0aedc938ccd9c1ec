#include "config.h"

#include <stdio.h>
#include <stdarg.h>

#include "bd-date.h"
#include "bd-hq-server.h"

static FILE *log_stream;

void
bd_hq_log_set_stream (FILE *stream)
{
  log_stream = stream;
}

void
bd_hq_log (const char *event, const char *fmt, ...)
{
  g_autofree char *fields = NULL;
  g_autofree char *ts = bd_time_format (g_get_real_time () / G_USEC_PER_SEC);
  va_list ap;

  va_start (ap, fmt);
  fields = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  /* One write a line: lines from several workers never interleave. */
  fprintf (log_stream != NULL ? log_stream : stderr, "ts=%s event=%s %s\n", ts, event, fields);
}

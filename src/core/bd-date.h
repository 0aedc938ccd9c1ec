/* bd-date.h: the clock and the date formats of the desk.
 *
 * Times on disk and wire are UTC "YYYY-MM-DDTHH:MM:SSZ"; days for the stay
 * rule are GDate Julian day numbers.  The clock can be pinned for tests
 * (bd_clock_set_override, or BORDERDESK_NOW=ISO8601 in the environment of
 * the test programs), so expiry and retention rules are testable.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Unix seconds now (or the override). */
gint64    bd_clock_now           (void);
/* @unix_seconds: 0 removes the override. */
void      bd_clock_set_override  (gint64 unix_seconds);

/* "YYYY-MM-DDTHH:MM:SSZ" for @unix_seconds. */
char     *bd_time_format         (gint64 unix_seconds);
/* Parses a UTC ISO 8601 time ("...Z" or "+00:00" offsets, any offset
 * accepted and converted).  FALSE on anything else. */
gboolean  bd_time_parse          (const char *text, gint64 *unix_seconds);

/* Strict "YYYY-MM-DD" with a real calendar day. */
gboolean  bd_date_parse          (const char *text, guint32 *julian_day);
/* "YYYY-MM-DD" for a Julian day. */
char     *bd_date_format         (guint32 julian_day);
guint32   bd_day_from_unix       (gint64 unix_seconds);
guint32   bd_today               (void);

/* A birth date as the desk stores it: "YYYY-MM-DD", "YYYY-MM", "YYYY" or "".
 * TRUE when @text is one of those with real values. */
gboolean  bd_partial_date_valid  (const char *text);

/* MRZ YYMMDD to the stored forms.  Birth dates take the century that puts
 * them in the past (relative to @today); expiry dates 20YY, or 19YY for
 * YY >= 70.  '<' parts make a partial birth date; an expiry with '<' gives
 * "".  Returns NULL on a non-date. */
char     *bd_mrz_birth_date_to_iso  (const char *yymmdd, guint32 today);
char     *bd_mrz_expiry_date_to_iso (const char *yymmdd);

G_END_DECLS

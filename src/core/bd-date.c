/* bd-date.c: clock and date formats; see bd-date.h for the contracts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bd-date.h"

static gint64 clock_override;
static gsize clock_env_checked;

static gint64
env_override (void)
{
  static gint64 value;

  if (g_once_init_enter (&clock_env_checked))
    {
      const char *env = g_getenv ("BORDERDESK_NOW");
      gint64 t = 0;

      if (env != NULL && *env != '\0' && !bd_time_parse (env, &t))
        g_warning ("BORDERDESK_NOW is not an ISO 8601 time; ignored");
      value = t;
      g_once_init_leave (&clock_env_checked, 1);
    }
  return value;
}

gint64
bd_clock_now (void)
{
  gint64 env;

  if (clock_override != 0)
    return clock_override;
  env = env_override ();
  if (env != 0)
    return env;
  return g_get_real_time () / G_USEC_PER_SEC;
}

void
bd_clock_set_override (gint64 unix_seconds)
{
  clock_override = unix_seconds;
}

char *
bd_time_format (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  if (dt == NULL)
    return g_strdup ("");
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
bd_time_parse (const char *text, gint64 *unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  /* g_date_time_new_from_iso8601 accepts much; insist on a full date and
   * an explicit zone so a local-time string is never taken for UTC. */
  if (text == NULL || strlen (text) < 20 || text[4] != '-' || text[10] != 'T')
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  *unix_seconds = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
parse_digits (const char *s, gsize n, int *out)
{
  int v = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

gboolean
bd_date_parse (const char *text, guint32 *julian_day)
{
  int y, m, d;
  GDate date;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  if (!parse_digits (text, 4, &y) || !parse_digits (text + 5, 2, &m) ||
      !parse_digits (text + 8, 2, &d))
    return FALSE;
  if (y < 1 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  *julian_day = g_date_get_julian (&date);
  return TRUE;
}

char *
bd_date_format (guint32 julian_day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian_day);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                          g_date_get_month (&date), g_date_get_day (&date));
}

guint32
bd_day_from_unix (gint64 unix_seconds)
{
  /* Julian day 719163 is 1970-01-01 in GDate's numbering. */
  gint64 days = unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);

  return (guint32) (719163 + days);
}

guint32
bd_today (void)
{
  return bd_day_from_unix (bd_clock_now ());
}

gboolean
bd_partial_date_valid (const char *text)
{
  int y, m;
  guint32 day;

  if (text == NULL)
    return FALSE;
  switch (strlen (text))
    {
    case 0:
      return TRUE;
    case 4:
      return parse_digits (text, 4, &y) && y > 0;
    case 7:
      return text[4] == '-' && parse_digits (text, 4, &y) && y > 0 &&
             parse_digits (text + 5, 2, &m) && m >= 1 && m <= 12;
    case 10:
      return bd_date_parse (text, &day);
    default:
      return FALSE;
    }
}

char *
bd_mrz_birth_date_to_iso (const char *yymmdd, guint32 today)
{
  int yy, mm, dd, year;
  GDate now;

  if (yymmdd == NULL || strlen (yymmdd) != 6)
    return NULL;
  if (!parse_digits (yymmdd, 2, &yy))
    return g_strdup ("");

  g_date_clear (&now, 1);
  g_date_set_julian (&now, today);
  year = 2000 + yy;
  if (year > g_date_get_year (&now))
    year -= 100;

  if (!parse_digits (yymmdd + 2, 2, &mm))
    return g_strdup_printf ("%04d", year);
  if (mm < 1 || mm > 12)
    return NULL;
  if (!parse_digits (yymmdd + 4, 2, &dd))
    return g_strdup_printf ("%04d-%02d", year, mm);
  if (!g_date_valid_dmy (dd, mm, year))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", year, mm, dd);
}

char *
bd_mrz_expiry_date_to_iso (const char *yymmdd)
{
  int yy, mm, dd, year;

  if (yymmdd == NULL || strlen (yymmdd) != 6)
    return NULL;
  if (!parse_digits (yymmdd, 2, &yy) || !parse_digits (yymmdd + 2, 2, &mm) ||
      !parse_digits (yymmdd + 4, 2, &dd))
    return g_strdup ("");
  year = yy >= 70 ? 1900 + yy : 2000 + yy;
  if (mm < 1 || mm > 12 || !g_date_valid_dmy (dd, mm, year))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", year, mm, dd);
}

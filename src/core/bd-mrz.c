/* bd-mrz.c: ICAO Doc 9303 machine readable zones; see bd-mrz.h.
 *
 * The parse runs in three stages.  Input: the text is split into lines
 * (LF or CRLF, one optional final line end, nothing else) and every
 * character outside A-Z, 0-9 and '<' is reported by line and column.
 * Geometry: line count and lengths alone pick the format (3x30 TD1, 2x36
 * TD2 or MRV-B, 2x44 TD3 or MRV-A, the first letter telling visas apart);
 * anything else is not an MRZ (BD_MRZ_FORMAT_NONE, no fields).  Fields:
 * each field is cut from its fixed position, checked for its character
 * class, calendar and check digit, and reported; nothing is ever repaired.
 * Field positions and check-digit arithmetic live in bd-mrz-layout.c,
 * OCR-confusion suggestions in bd-mrz-ocr.c.
 */
#include "config.h"

#include <string.h>

#include "bd-country.h"
#include "bd-mrz-private.h"

/* Charset errors beyond this many are summed up in one line, so that a
 * pasted paragraph does not produce a page of errors. */
#define MAX_CHARSET_ERRORS 10

/* ---- helpers ------------------------------------------------------------ */

static gboolean
span_clean (const BdMrzLines *zone, BdMrzSpan span)
{
  for (guint i = 0; i < span.len; i++)
    if (!bd_mrz_is_char (bd_mrz_span_ptr (zone, span)[i]))
      return FALSE;
  return TRUE;
}

/* "line 2, column 10" or "line 2, columns 14-19", 1-based for people. */
static char *
where (BdMrzSpan span)
{
  if (span.len <= 1)
    return g_strdup_printf ("line %u, column %u", span.line + 1u, span.col + 1u);
  return g_strdup_printf ("line %u, columns %u-%u", span.line + 1u, span.col + 1u,
                          (guint) span.col + span.len);
}

static BdMrzSpan
char_span (BdMrzSpan span, guint i)
{
  return (BdMrzSpan) { span.line, (guint8) (span.col + i), 1 };
}

static void add_message (GPtrArray *list, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
add_message (GPtrArray *list, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (list, g_strdup_vprintf (format, args));
  va_end (args);
}

/* A copy of @len characters with trailing fillers dropped (codes, numbers,
 * optional data: CONTRACT.md). */
static char *
strip_fillers (const char *s, gsize len)
{
  while (len > 0 && s[len - 1] == '<')
    len--;
  return g_strndup (s, len);
}

/* A name part: each run of '<' becomes one space, the ends trimmed. */
static char *
name_words (const char *s, gsize len)
{
  GString *out = g_string_sized_new (len);
  gboolean gap = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '<')
        {
          gap = out->len > 0;
          continue;
        }
      if (gap)
        g_string_append_c (out, ' ');
      gap = FALSE;
      g_string_append_c (out, s[i]);
    }
  return g_string_free (out, FALSE);
}

static void
correction_free (gpointer data)
{
  BdMrzCorrection *c = data;

  g_free (c->field);
  g_free (c->mrz);
  g_free (c);
}

/* ---- input: lines and characters ---------------------------------------- */

/* What a character is, for an error message. */
static char *
describe_char (gunichar c, gboolean is_byte)
{
  if (is_byte)
    return g_strdup_printf ("byte 0x%02X (the input is not UTF-8)", c);
  if (c >= 'a' && c <= 'z')
    return g_strdup_printf ("lowercase '%c' (MRZ letters are capitals)", (char) c);
  if (c == ' ')
    return g_strdup ("a space (fillers are '<')");
  if (c == '\t')
    return g_strdup ("a tab");
  if (c == '\r')
    return g_strdup ("a carriage return not followed by a line feed");
  if (c < 0x20 || c == 0x7f)
    return g_strdup_printf ("control character U+%04X", c);
  if (c < 0x80)
    return g_strdup_printf ("'%c'", (char) c);
  {
    char utf8[8] = { 0 };

    g_unichar_to_utf8 (c, utf8);
    return g_strdup_printf ("U+%04X '%s'", c, utf8);
  }
}

/* Splits @text into lines of ASCII (characters outside ASCII become '?'),
 * reporting every character that cannot appear in an MRZ into
 * @charset_errors.  One final LF or CRLF is allowed; any other line end is
 * a line of its own.  Columns count characters when @text is UTF-8, bytes
 * otherwise. */
static GPtrArray *
split_lines (const char *text, GPtrArray *charset_errors)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  gsize len = strlen (text);
  gboolean utf8;
  GString *line = g_string_new (NULL);
  guint n_bad = 0;
  const char *p;
  const char *end;

  if (len >= 2 && text[len - 2] == '\r' && text[len - 1] == '\n')
    len -= 2;
  else if (len >= 1 && text[len - 1] == '\n')
    len -= 1;
  utf8 = g_utf8_validate (text, (gssize) len, NULL);

  for (p = text, end = text + len; p <= end;)
    {
      gunichar c;
      const char *next;

      if (p == end || *p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'))
        {
          g_ptr_array_add (lines, g_strndup (line->str, line->len));
          g_string_truncate (line, 0);
          if (p == end)
            break;
          p += *p == '\r' ? 2 : 1;
          continue;
        }
      if (utf8)
        {
          c = g_utf8_get_char (p);
          next = g_utf8_next_char (p);
        }
      else
        {
          c = (guchar) *p;
          next = p + 1;
        }
      g_string_append_c (line, c < 0x80 ? (char) c : '?');
      if (c >= 0x80 || !bd_mrz_is_char ((int) c))
        {
          if (n_bad++ < MAX_CHARSET_ERRORS)
            {
              g_autofree char *what = describe_char (c, !utf8 && c >= 0x80);

              add_message (charset_errors, "line %u, column %u: %s is not allowed in an MRZ "
                           "(only A-Z, 0-9 and <)", lines->len + 1, (guint) line->len, what);
            }
        }
      p = next;
    }
  if (n_bad > MAX_CHARSET_ERRORS)
    add_message (charset_errors, "... and %u more characters that are not allowed",
                 n_bad - MAX_CHARSET_ERRORS);
  g_string_free (line, TRUE);
  return lines;
}

/* The format line count and lengths give, or NONE. */
static BdMrzFormat
geometry (GPtrArray *lines)
{
  gsize len0 = lines->len > 0 ? strlen (g_ptr_array_index (lines, 0)) : 0;
  gsize len1 = lines->len > 1 ? strlen (g_ptr_array_index (lines, 1)) : 0;
  char first = lines->len > 0 ? ((const char *) g_ptr_array_index (lines, 0))[0] : '\0';

  if (lines->len == 3 && len0 == 30 && len1 == 30
      && strlen (g_ptr_array_index (lines, 2)) == 30)
    return BD_MRZ_FORMAT_TD1;
  if (lines->len == 2 && len0 == len1 && len0 == 36)
    return first == 'V' ? BD_MRZ_FORMAT_MRVB : BD_MRZ_FORMAT_TD2;
  if (lines->len == 2 && len0 == len1 && len0 == 44)
    return first == 'V' ? BD_MRZ_FORMAT_MRVA : BD_MRZ_FORMAT_TD3;
  return BD_MRZ_FORMAT_NONE;
}

/* Picks the format from the geometry alone, or explains why none fits. */
static BdMrzFormat
detect_format (GPtrArray *lines, GPtrArray *errors)
{
  BdMrzFormat format = geometry (lines);
  g_autoptr(GPtrArray) filled = g_ptr_array_new ();
  guint n = lines->len;
  gsize len0, len1;
  gsize expected = 0;

  if (format != BD_MRZ_FORMAT_NONE)
    return format;

  /* Blank lines first: when they are all that is wrong, say only that. */
  for (guint i = 0; i < n; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      if (*line != '\0')
        g_ptr_array_add (filled, (gpointer) line);
      else
        add_message (errors, i + 1 == n && n > 1
                     ? "line %u is empty: only one line end is allowed after the last line"
                     : "line %u is empty", i + 1);
    }
  if (filled->len < n && geometry (filled) != BD_MRZ_FORMAT_NONE)
    return BD_MRZ_FORMAT_NONE;

  len0 = strlen (g_ptr_array_index (lines, 0));
  len1 = n > 1 ? strlen (g_ptr_array_index (lines, 1)) : 0;
  if (n == 3)
    {
      for (guint i = 0; i < n; i++)
        {
          gsize len = strlen (g_ptr_array_index (lines, i));

          if (len != 30 && len != 0)
            add_message (errors, "line %u has %" G_GSIZE_FORMAT " characters; "
                         "a 3-line MRZ (TD1) has lines of 30", i + 1, len);
        }
      return BD_MRZ_FORMAT_NONE;
    }
  if (n != 2)
    {
      add_message (errors, "%u line%s: an MRZ has 2 lines (TD2, TD3, MRV-A, MRV-B) or 3 (TD1)",
                   n, n == 1 ? "" : "s");
      if (n == 1 && (len0 == 72 || len0 == 88 || len0 == 90))
        add_message (errors, "line 1 has %" G_GSIZE_FORMAT " characters: are the lines run "
                     "together without line ends?", len0);
      return BD_MRZ_FORMAT_NONE;
    }
  if (len0 == 36 || len0 == 44)
    expected = len0;
  else if (len1 == 36 || len1 == 44)
    expected = len1;
  if (expected == 0)
    add_message (errors, "line 1 has %" G_GSIZE_FORMAT " characters and line 2 has %"
                 G_GSIZE_FORMAT "; a 2-line MRZ has lines of 36 (TD2, MRV-B) "
                 "or 44 (TD3, MRV-A)", len0, len1);
  else if ((expected == len0 ? len1 : len0) != 0)
    add_message (errors, "line %u has %" G_GSIZE_FORMAT " characters; expected %"
                 G_GSIZE_FORMAT " like line %u",
                 expected == len0 ? 2 : 1, expected == len0 ? len1 : len0, expected,
                 expected == len0 ? 1 : 2);
  return BD_MRZ_FORMAT_NONE;
}

/* ---- fields ------------------------------------------------------------- */

static void
check_document_code (BdMrz *mrz, const BdMrzLayout *layout, const BdMrzLines *zone)
{
  char c0 = bd_mrz_span_char (zone, layout->code);
  char c1 = zone->line[0][1];
  const char *allowed;
  const char *what;

  switch (layout->format)
    {
    case BD_MRZ_FORMAT_TD1:
      allowed = "ACI";
      what = "a TD1 card (3x30): expected A, C or I";
      break;
    case BD_MRZ_FORMAT_TD2:
      /* P: an emergency travel document on a TD2-size zone (part 8). */
      allowed = "ACIP";
      what = "a TD2 document (2x36): expected A, C or I (or P, an emergency travel document)";
      break;
    case BD_MRZ_FORMAT_TD3:
      allowed = "P";
      what = "a TD3 passport (2x44): expected P";
      break;
    case BD_MRZ_FORMAT_MRVA:
    case BD_MRZ_FORMAT_MRVB:
    case BD_MRZ_FORMAT_NONE:
    default:
      allowed = "V";
      what = "a visa: expected V";
      break;
    }
  if (bd_mrz_is_char (c0) && (c0 == '<' || !strchr (allowed, c0)))
    add_message (mrz->errors, "line 1, column 1: document code '%c' is not valid for %s",
                 c0, what);
  if (bd_mrz_is_char (c1) && !g_ascii_isupper (c1) && c1 != '<')
    add_message (mrz->errors, "line 1, column 2: the second character of the document code "
                 "is '%c'; it must be a letter or '<'", c1);
}

static char *
check_state (BdMrz *mrz, const BdMrzLines *zone, BdMrzSpan span, const char *what)
{
  const char *raw = bd_mrz_span_ptr (zone, span);
  g_autofree char *where_text = where (span);
  char *code = strip_fillers (raw, span.len);

  if (!span_clean (zone, span))
    return code;  /* already reported character by character */
  if (!bd_mrz_state_code_well_formed (raw, span.len))
    add_message (mrz->errors, "%s: %s '%.3s' is not a code of letters followed by fillers",
                 where_text, what, raw);
  else if (!bd_country_is_known (code))
    add_message (mrz->warnings, "%s: %s '%s' is not a known ISO 3166-1 or ICAO code",
                 where_text, what, code);
  return code;
}

static void
parse_name (BdMrz *mrz, const BdMrzLines *zone, BdMrzSpan span)
{
  g_autofree char *raw = g_strndup (bd_mrz_span_ptr (zone, span), span.len);
  const char *split = strstr (raw, "<<");

  if (split != NULL)
    {
      mrz->surname = name_words (raw, (gsize) (split - raw));
      mrz->given_names = name_words (split + 2, strlen (split + 2));
    }
  else
    {
      mrz->surname = name_words (raw, span.len);
      mrz->given_names = g_strdup ("");
    }
  /* Doc 9303 part 3 (truncation of names): a name too long for the field
   * is cut so that its last character is a letter.  So a field whose last
   * position holds anything but '<' may have lost characters; a field
   * ending in a filler certainly has not. */
  mrz->name_truncated = raw[span.len - 1] != '<';

  for (guint i = 0; i < span.len; i++)
    if (g_ascii_isdigit (raw[i]))
      {
        g_autofree char *at = where (char_span (span, i));

        add_message (mrz->errors, "%s: digit '%c' in the name (names are letters and '<' only)",
                     at, raw[i]);
      }
  if (bd_mrz_span_all (zone, span, '<'))
    {
      g_autofree char *at = where (span);

      add_message (mrz->errors, "%s: the name field is empty", at);
    }
}

/* Days in @month of the two-digit year @yy (-1: unknown).  Feb 29 exists
 * when either reading of the year, 19YY or 20YY, is a leap year: for
 * YY != 00 both agree (YY divisible by 4) and 00 is a leap year through
 * 2000, so the rule is simply YY % 4 == 0.  An unknown year allows it. */
static int
days_in_month (int month, int yy)
{
  switch (month)
    {
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    case 2:
      return yy < 0 || yy % 4 == 0 ? 29 : 28;
    default:
      return 31;
    }
}

/* Validates a YYMMDD date.  Each two-digit part is digits, or "<<" for an
 * unknown part: allowed in birth dates, a warning in expiry dates (cards
 * without expiry).  Known parts must make a real calendar day. */
static void
check_date (BdMrz *mrz, const BdMrzLines *zone, BdMrzSpan span, gboolean birth)
{
  static const char *const part_names[] = { "year", "month", "day" };
  const char *what = birth ? "birth date" : "expiry date";
  const char *s = bd_mrz_span_ptr (zone, span);
  g_autofree char *at = where (span);
  int value[3] = { -1, -1, -1 };
  gboolean bad = FALSE;
  gboolean unknown = FALSE;

  for (guint i = 0; i < 6; i++)
    {
      if (g_ascii_isdigit (s[i]) || s[i] == '<')
        continue;
      bad = TRUE;
      if (g_ascii_isupper (s[i]))
        {
          g_autofree char *c_at = where (char_span (span, i));

          add_message (mrz->errors, "%s: '%c' in the %s, which is digits only", c_at, s[i], what);
        }
    }
  if (bad)
    return;

  for (guint p = 0; p < 3; p++)
    {
      char a = s[2 * p];
      char b = s[2 * p + 1];

      if (g_ascii_isdigit (a) && g_ascii_isdigit (b))
        value[p] = (a - '0') * 10 + (b - '0');
      else if (a == '<' && b == '<')
        unknown = TRUE;
      else
        {
          g_autofree char *p_at = where ((BdMrzSpan) { span.line, (guint8) (span.col + 2 * p), 2 });

          add_message (mrz->errors, "%s: the %s's %s '%c%c' mixes a digit and a filler",
                       p_at, what, part_names[p], a, b);
          bad = TRUE;
        }
    }
  if (bad)
    return;
  if (unknown && !birth)
    add_message (mrz->warnings, "%s: the expiry date '%.6s' has unknown parts ('<')", at, s);

  if (value[1] >= 0 && (value[1] < 1 || value[1] > 12))
    add_message (mrz->errors, "%s: the %s '%.6s' has month %02d, which does not exist",
                 at, what, s, value[1]);
  else if (value[2] >= 0)
    {
      int max = value[1] >= 0 ? days_in_month (value[1], value[0]) : 31;

      if (value[2] < 1 || value[2] > max)
        add_message (mrz->errors, "%s: the %s '%.6s' has day %02d, which does not exist%s",
                     at, what, s, value[2],
                     value[1] == 2 && value[2] == 29 ? " (not a leap year in 19YY or 20YY)"
                     : value[1] >= 0 && value[2] > 0 ? " in that month" : "");
    }
}

static void
report_checks (BdMrz *mrz, const BdMrzLayout *layout, const BdMrzLines *zone,
               const BdMrzNumber *number)
{
  static const char *const names[BD_MRZ_N_CHECKS] = {
    "document number", "birth date", "expiry date", "personal number", "composite",
  };
  BdMrzSpan digits[BD_MRZ_N_CHECKS] = {
    number->check, layout->birth_check, layout->expiry_check, layout->optional_check,
    layout->composite,
  };
  BdMrzSpan spans[4];
  guint n_spans;

  for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
    {
      g_autofree char *at = NULL;
      int expected;
      char found;

      if (mrz->checks[k] != BD_MRZ_CHECK_FAILED)
        continue;
      at = where (digits[k]);
      found = bd_mrz_span_char (zone, digits[k]);
      if (k == BD_MRZ_CHECK_DOCUMENT_NUMBER && number->broken)
        {
          add_message (mrz->errors, "%s: the document number check digit is '<', which marks a "
                       "long number, but the optional data does not continue it", at);
          continue;
        }
      switch (k)
        {
        case BD_MRZ_CHECK_DOCUMENT_NUMBER:
          spans[0] = number->head;
          spans[1] = number->tail;
          n_spans = 2;
          break;
        case BD_MRZ_CHECK_BIRTH_DATE:
          spans[0] = layout->birth;
          n_spans = 1;
          break;
        case BD_MRZ_CHECK_EXPIRY_DATE:
          spans[0] = layout->expiry;
          n_spans = 1;
          break;
        case BD_MRZ_CHECK_OPTIONAL_DATA:
          spans[0] = layout->optional;
          n_spans = 1;
          break;
        default:
          memcpy (spans, layout->composite_ranges, sizeof spans);
          n_spans = layout->n_composite_ranges;
          break;
        }
      expected = bd_mrz_spans_check_digit (zone, spans, n_spans);
      if (expected < 0)
        add_message (mrz->errors, "%s: the %s check digit cannot be verified: the characters "
                     "it covers are not all A-Z, 0-9 and <", at, names[k]);
      else if (!bd_mrz_is_char (found))
        add_message (mrz->errors, "%s: the %s check digit is not a digit; the data gives %d",
                     at, names[k], expected);
      else
        add_message (mrz->errors, "%s: the %s check digit is '%c' but the data gives %d",
                     at, names[k], found, expected);
    }
}

static void
parse_fields (BdMrz *mrz, const BdMrzLayout *layout, const BdMrzLines *zone,
              gboolean charset_clean)
{
  BdMrzNumber number;
  g_autofree char *joined_number = NULL;

  mrz->document_code = strip_fillers (bd_mrz_span_ptr (zone, layout->code), layout->code.len);
  check_document_code (mrz, layout, zone);
  mrz->issuing_state = check_state (mrz, zone, layout->issuer, "issuing state");
  parse_name (mrz, zone, layout->name);

  bd_mrz_locate_number (layout, zone, &number);
  joined_number = g_strdup_printf ("%.*s%.*s", number.head.len, bd_mrz_span_ptr (zone, number.head),
                                   number.tail.len, bd_mrz_span_ptr (zone, number.tail));
  mrz->document_number = strip_fillers (joined_number, strlen (joined_number));
  if (bd_mrz_span_all (zone, layout->number, '<') && !number.is_long)
    {
      g_autofree char *at = where (layout->number);

      add_message (mrz->errors, "%s: the document number is empty", at);
    }

  mrz->nationality = check_state (mrz, zone, layout->nationality, "nationality");
  mrz->birth_date = g_strndup (bd_mrz_span_ptr (zone, layout->birth), 6);
  check_date (mrz, zone, layout->birth, TRUE);
  mrz->expiry_date = g_strndup (bd_mrz_span_ptr (zone, layout->expiry), 6);
  check_date (mrz, zone, layout->expiry, FALSE);

  /* ICAO 9303 part 3: F, M, or '<' unspecified; X from the 8th edition. */
  mrz->sex = bd_mrz_span_char (zone, layout->sex);
  if (bd_mrz_is_char (mrz->sex) && !strchr ("FMX<", mrz->sex))
    {
      g_autofree char *at = where (layout->sex);

      add_message (mrz->errors, "%s: sex '%c' is not F, M, X or '<'", at, mrz->sex);
    }

  mrz->optional_data = strip_fillers (bd_mrz_span_ptr (zone, number.rest), number.rest.len);
  mrz->optional_data_2 = strip_fillers (bd_mrz_span_ptr (zone, layout->optional2),
                                        layout->optional2.len);

  bd_mrz_compute_checks (layout, zone, mrz->checks);
  report_checks (mrz, layout, zone, &number);

  /* Suggestions only for a zone of MRZ characters: guessing at lowercase
   * or stray characters is exactly what the parser must not do. */
  if (charset_clean)
    bd_mrz_find_corrections (layout, zone, mrz->corrections);
}

/* ---- public API ----------------------------------------------------------- */

BdMrz *
bd_mrz_parse (const char *text)
{
  BdMrz *mrz = g_new0 (BdMrz, 1);
  g_autoptr(GPtrArray) charset_errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) lines = NULL;
  const BdMrzLayout *layout;
  BdMrzLines zone;

  mrz->corrections = g_ptr_array_new_with_free_func (correction_free);
  mrz->errors = g_ptr_array_new_with_free_func (g_free);
  mrz->warnings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < BD_MRZ_N_CHECKS; i++)
    mrz->checks[i] = BD_MRZ_CHECK_ABSENT;

  if (text == NULL || *text == '\0' || strcmp (text, "\n") == 0 || strcmp (text, "\r\n") == 0)
    {
      add_message (mrz->errors, "empty input: expected the 2 or 3 lines of an MRZ");
      return mrz;
    }

  lines = split_lines (text, charset_errors);
  mrz->format = detect_format (lines, mrz->errors);
  for (guint i = 0; i < charset_errors->len; i++)
    g_ptr_array_add (mrz->errors, g_strdup (g_ptr_array_index (charset_errors, i)));
  if (mrz->format == BD_MRZ_FORMAT_NONE)
    return mrz;

  layout = bd_mrz_layout_get (mrz->format);
  memset (&zone, 0, sizeof zone);
  for (guint i = 0; i < layout->n_lines; i++)
    memcpy (zone.line[i], g_ptr_array_index (lines, i), layout->line_len);

  parse_fields (mrz, layout, &zone, charset_errors->len == 0);
  mrz->valid = mrz->errors->len == 0;
  return mrz;
}

void
bd_mrz_free (BdMrz *mrz)
{
  if (mrz == NULL)
    return;
  g_free (mrz->document_code);
  g_free (mrz->issuing_state);
  g_free (mrz->nationality);
  g_free (mrz->surname);
  g_free (mrz->given_names);
  g_free (mrz->document_number);
  g_free (mrz->birth_date);
  g_free (mrz->expiry_date);
  g_free (mrz->optional_data);
  g_free (mrz->optional_data_2);
  g_clear_pointer (&mrz->corrections, g_ptr_array_unref);
  g_clear_pointer (&mrz->errors, g_ptr_array_unref);
  g_clear_pointer (&mrz->warnings, g_ptr_array_unref);
  g_free (mrz);
}

const char *
bd_mrz_format_to_string (BdMrzFormat format)
{
  switch (format)
    {
    case BD_MRZ_FORMAT_TD1:
      return "TD1";
    case BD_MRZ_FORMAT_TD2:
      return "TD2";
    case BD_MRZ_FORMAT_TD3:
      return "TD3";
    case BD_MRZ_FORMAT_MRVA:
      return "MRVA";
    case BD_MRZ_FORMAT_MRVB:
      return "MRVB";
    case BD_MRZ_FORMAT_NONE:
    default:
      return NULL;
    }
}

static void
add_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_strings (JsonBuilder *builder, const char *name, GPtrArray *list)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; list != NULL && i < list->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (list, i));
  json_builder_end_array (builder);
}

JsonNode *
bd_mrz_to_json (const BdMrz *mrz)
{
  static const char *const check_names[BD_MRZ_N_CHECKS] = {
    "document_number", "birth_date", "expiry_date", "optional_data", "composite",
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean none;
  char sex[2] = { 0, 0 };

  g_return_val_if_fail (mrz != NULL, NULL);

  none = mrz->format == BD_MRZ_FORMAT_NONE;
  sex[0] = mrz->sex;
  json_builder_begin_object (builder);
  add_string (builder, "format", bd_mrz_format_to_string (mrz->format));
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, mrz->valid);
  add_string (builder, "document_code", mrz->document_code);
  add_string (builder, "issuing_state", mrz->issuing_state);
  add_string (builder, "nationality", mrz->nationality);
  add_string (builder, "surname", mrz->surname);
  add_string (builder, "given_names", mrz->given_names);
  json_builder_set_member_name (builder, "name_truncated");
  if (none)
    json_builder_add_null_value (builder);
  else
    json_builder_add_boolean_value (builder, mrz->name_truncated);
  add_string (builder, "document_number", mrz->document_number);
  add_string (builder, "birth_date", mrz->birth_date);
  add_string (builder, "expiry_date", mrz->expiry_date);
  add_string (builder, "sex", none || mrz->sex == '\0' ? NULL : sex);
  add_string (builder, "optional_data", mrz->optional_data);
  add_string (builder, "optional_data_2", mrz->optional_data_2);

  json_builder_set_member_name (builder, "checks");
  json_builder_begin_object (builder);
  for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
    {
      json_builder_set_member_name (builder, check_names[k]);
      if (mrz->checks[k] == BD_MRZ_CHECK_ABSENT)
        json_builder_add_null_value (builder);
      else
        json_builder_add_boolean_value (builder, mrz->checks[k] == BD_MRZ_CHECK_PASSED);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "corrections");
  json_builder_begin_array (builder);
  for (guint i = 0; mrz->corrections != NULL && i < mrz->corrections->len; i++)
    {
      const BdMrzCorrection *c = g_ptr_array_index (mrz->corrections, i);
      char from[2] = { c->from, 0 };
      char to[2] = { c->to, 0 };

      json_builder_begin_object (builder);
      add_string (builder, "field", c->field);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, c->line);
      json_builder_set_member_name (builder, "column");
      json_builder_add_int_value (builder, c->column);
      add_string (builder, "from", from);
      add_string (builder, "to", to);
      add_string (builder, "mrz", c->mrz);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_strings (builder, "errors", mrz->errors);
  add_strings (builder, "warnings", mrz->warnings);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

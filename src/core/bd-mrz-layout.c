/* bd-mrz-layout.c: where each MRZ field lives, and the check-digit
 * arithmetic over those places (ICAO Doc 9303 parts 3 to 7).
 *
 * Shared by the parser (bd-mrz.c) and the OCR suggestions (bd-mrz-ocr.c):
 * both ask the same question, "do the check digits pass for this text?",
 * the second for texts that differ from the input by one character.
 */
#include "config.h"

#include <string.h>

#include "bd-mrz-private.h"

/* Positions from Doc 9303 part 5 (TD1), part 6 (TD2), part 4 (TD3) and
 * part 7 (MRV-A, MRV-B), 0-based. */
static const BdMrzLayout layouts[] = {
  {
    .format = BD_MRZ_FORMAT_TD1, .n_lines = 3, .line_len = 30,
    .code = { 0, 0, 2 }, .issuer = { 0, 2, 3 }, .number = { 0, 5, 9 },
    .number_check = { 0, 14, 1 }, .optional = { 0, 15, 15 },
    .birth = { 1, 0, 6 }, .birth_check = { 1, 6, 1 }, .sex = { 1, 7, 1 },
    .expiry = { 1, 8, 6 }, .expiry_check = { 1, 14, 1 }, .nationality = { 1, 15, 3 },
    .optional2 = { 1, 18, 11 }, .composite = { 1, 29, 1 },
    .composite_ranges = { { 0, 5, 25 }, { 1, 0, 7 }, { 1, 8, 7 }, { 1, 18, 11 } },
    .n_composite_ranges = 4,
    .name = { 2, 0, 30 },
    .long_numbers = TRUE,
  },
  {
    .format = BD_MRZ_FORMAT_TD2, .n_lines = 2, .line_len = 36,
    .code = { 0, 0, 2 }, .issuer = { 0, 2, 3 }, .name = { 0, 5, 31 },
    .number = { 1, 0, 9 }, .number_check = { 1, 9, 1 }, .nationality = { 1, 10, 3 },
    .birth = { 1, 13, 6 }, .birth_check = { 1, 19, 1 }, .sex = { 1, 20, 1 },
    .expiry = { 1, 21, 6 }, .expiry_check = { 1, 27, 1 }, .optional = { 1, 28, 7 },
    .composite = { 1, 35, 1 },
    .composite_ranges = { { 1, 0, 10 }, { 1, 13, 7 }, { 1, 21, 14 } },
    .n_composite_ranges = 3,
    .long_numbers = TRUE,
  },
  {
    .format = BD_MRZ_FORMAT_TD3, .n_lines = 2, .line_len = 44,
    .code = { 0, 0, 2 }, .issuer = { 0, 2, 3 }, .name = { 0, 5, 39 },
    .number = { 1, 0, 9 }, .number_check = { 1, 9, 1 }, .nationality = { 1, 10, 3 },
    .birth = { 1, 13, 6 }, .birth_check = { 1, 19, 1 }, .sex = { 1, 20, 1 },
    .expiry = { 1, 21, 6 }, .expiry_check = { 1, 27, 1 }, .optional = { 1, 28, 14 },
    .optional_check = { 1, 42, 1 }, .composite = { 1, 43, 1 },
    .composite_ranges = { { 1, 0, 10 }, { 1, 13, 7 }, { 1, 21, 22 } },
    .n_composite_ranges = 3,
  },
  {
    .format = BD_MRZ_FORMAT_MRVA, .n_lines = 2, .line_len = 44,
    .code = { 0, 0, 2 }, .issuer = { 0, 2, 3 }, .name = { 0, 5, 39 },
    .number = { 1, 0, 9 }, .number_check = { 1, 9, 1 }, .nationality = { 1, 10, 3 },
    .birth = { 1, 13, 6 }, .birth_check = { 1, 19, 1 }, .sex = { 1, 20, 1 },
    .expiry = { 1, 21, 6 }, .expiry_check = { 1, 27, 1 }, .optional = { 1, 28, 16 },
  },
  {
    .format = BD_MRZ_FORMAT_MRVB, .n_lines = 2, .line_len = 36,
    .code = { 0, 0, 2 }, .issuer = { 0, 2, 3 }, .name = { 0, 5, 31 },
    .number = { 1, 0, 9 }, .number_check = { 1, 9, 1 }, .nationality = { 1, 10, 3 },
    .birth = { 1, 13, 6 }, .birth_check = { 1, 19, 1 }, .sex = { 1, 20, 1 },
    .expiry = { 1, 21, 6 }, .expiry_check = { 1, 27, 1 }, .optional = { 1, 28, 8 },
  },
};

/* The value ICAO gives a character in a check-digit computation. */
static int
char_value (char c)
{
  if (g_ascii_isdigit (c))
    return c - '0';
  if (g_ascii_isupper (c))
    return c - 'A' + 10;
  if (c == '<')
    return 0;
  return -1;
}

gboolean
bd_mrz_span_all (const BdMrzLines *zone, BdMrzSpan span, char c)
{
  for (guint i = 0; i < span.len; i++)
    if (bd_mrz_span_ptr (zone, span)[i] != c)
      return FALSE;
  return TRUE;
}

const BdMrzLayout *
bd_mrz_layout_get (BdMrzFormat format)
{
  for (gsize i = 0; i < G_N_ELEMENTS (layouts); i++)
    if (layouts[i].format == format)
      return &layouts[i];
  return NULL;
}

gboolean
bd_mrz_span_contains (BdMrzSpan span, guint line, guint col)
{
  return span.len > 0 && span.line == line && col >= span.col && col < (guint) span.col + span.len;
}

gboolean
bd_mrz_state_code_well_formed (const char *code, gsize len)
{
  gsize i = 0;

  while (i < len && g_ascii_isupper (code[i]))
    i++;
  if (i == 0)
    return FALSE;
  while (i < len && code[i] == '<')
    i++;
  return i == len;
}

int
bd_mrz_check_digit (const char *s, gsize len)
{
  static const int weights[] = { 7, 3, 1 };
  int sum = 0;

  g_return_val_if_fail (s != NULL || len == 0, -1);

  for (gsize i = 0; i < len; i++)
    {
      int v = char_value (s[i]);

      if (v < 0)
        return -1;
      sum += v * weights[i % 3];
    }
  return sum % 10;
}

/* The check digit over several spans taken as one string; -1 when a
 * character has no value. */
int
bd_mrz_spans_check_digit (const BdMrzLines *zone, const BdMrzSpan *spans, guint n_spans)
{
  char buf[BD_MRZ_MAX_LINES * (BD_MRZ_MAX_LINE_LEN + 1)];
  gsize len = 0;

  for (guint i = 0; i < n_spans; i++)
    {
      memcpy (buf + len, bd_mrz_span_ptr (zone, spans[i]), spans[i].len);
      len += spans[i].len;
    }
  return bd_mrz_check_digit (buf, len);
}

/* @filler_ok: ICAO lets an all-filler field carry '<' as its check digit
 * (the TD3 personal number); '0' is computed anyway. */
static BdMrzCheckState
verdict (const BdMrzLines *zone, const BdMrzSpan *spans, guint n_spans, BdMrzSpan digit,
         gboolean filler_ok)
{
  char found = bd_mrz_span_char (zone, digit);
  int expected;

  if (filler_ok && found == '<')
    {
      for (guint i = 0; i < n_spans; i++)
        if (!bd_mrz_span_all (zone, spans[i], '<'))
          return BD_MRZ_CHECK_FAILED;
      return BD_MRZ_CHECK_PASSED;
    }
  expected = bd_mrz_spans_check_digit (zone, spans, n_spans);
  return expected >= 0 && found == '0' + expected ? BD_MRZ_CHECK_PASSED : BD_MRZ_CHECK_FAILED;
}

void
bd_mrz_locate_number (const BdMrzLayout *layout, const BdMrzLines *zone, BdMrzNumber *number)
{
  BdMrzSpan opt = layout->optional;
  guint k = 0;

  *number = (BdMrzNumber) {
    .head = layout->number, .check = layout->number_check, .rest = layout->optional,
  };
  if (!layout->long_numbers || bd_mrz_span_char (zone, layout->number_check) != '<')
    return;

  /* A long number: its remaining characters open the optional data, the
   * last of them before the first '<' being the check digit over the whole
   * number; a filler separates it from any further optional data. */
  number->is_long = TRUE;
  while (k < opt.len && bd_mrz_span_ptr (zone, opt)[k] != '<')
    k++;
  if (k == 0)
    {
      number->broken = TRUE;
      return;
    }
  number->tail = (BdMrzSpan) { opt.line, opt.col, (guint8) (k - 1) };
  number->check = (BdMrzSpan) { opt.line, (guint8) (opt.col + k - 1), 1 };
  if (k < opt.len)
    k++;
  number->rest = (BdMrzSpan) { opt.line, (guint8) (opt.col + k), (guint8) (opt.len - k) };
}

void
bd_mrz_compute_checks (const BdMrzLayout *layout, const BdMrzLines *zone,
                       BdMrzCheckState checks[BD_MRZ_N_CHECKS])
{
  BdMrzNumber number;
  BdMrzSpan spans[2];

  for (guint i = 0; i < BD_MRZ_N_CHECKS; i++)
    checks[i] = BD_MRZ_CHECK_ABSENT;

  bd_mrz_locate_number (layout, zone, &number);
  spans[0] = number.head;
  spans[1] = number.tail;
  checks[BD_MRZ_CHECK_DOCUMENT_NUMBER] =
    number.broken ? BD_MRZ_CHECK_FAILED : verdict (zone, spans, 2, number.check, FALSE);
  checks[BD_MRZ_CHECK_BIRTH_DATE] = verdict (zone, &layout->birth, 1, layout->birth_check, FALSE);
  checks[BD_MRZ_CHECK_EXPIRY_DATE] =
    verdict (zone, &layout->expiry, 1, layout->expiry_check, FALSE);
  if (layout->optional_check.len > 0)
    checks[BD_MRZ_CHECK_OPTIONAL_DATA] =
      verdict (zone, &layout->optional, 1, layout->optional_check, TRUE);
  if (layout->composite.len > 0)
    checks[BD_MRZ_CHECK_COMPOSITE] =
      verdict (zone, layout->composite_ranges, layout->n_composite_ranges, layout->composite,
               FALSE);
}

char *
bd_mrz_lines_join (const BdMrzLayout *layout, const BdMrzLines *zone)
{
  GString *out = g_string_sized_new (layout->n_lines * (layout->line_len + 1));

  for (guint i = 0; i < layout->n_lines; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append_len (out, zone->line[i], layout->line_len);
    }
  return g_string_free (out, FALSE);
}


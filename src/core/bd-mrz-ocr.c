/* bd-mrz-ocr.c: suggestions for characters an OCR reader confuses.
 *
 * The pairs are O/0, I/1, B/8, S/5, Z/2, G/6 (either way round) and K read
 * for the filler '<'.  A suggestion is one substitution, offered and never
 * applied.  The rules:
 *
 * 1. Only where the character class is known: dates and check digits are
 *    digits (dates and the TD3 personal-number check digit also '<'), the
 *    document number and optional data are A-Z 0-9 <, sex is F M X <,
 *    state codes are letters then fillers.  A 'K' whose left neighbour
 *    (skipping other K) is '<' and that has only '<' or 'K' to the end of
 *    its field sits in a run of fillers, so its class is '<'.  Names and
 *    document codes have no class a check can confirm: no suggestions.
 * 2. The substitution puts a character of the class in place, and it fixes
 *    something on its own: a character outside the class, or a failing
 *    check digit that covers the position (its field's own, or the
 *    composite) passes afterwards.
 * 3. Nothing gets worse: no check digit that passed fails afterwards, and
 *    the field's own check digit passes afterwards.
 * 4. The composite, where it covers the position, passes afterwards; or,
 *    when another field's own check still fails, the composite passes once
 *    that field's own suggestions are applied too (some combination of
 *    one per field).  If such a field has no suggestion at all, the
 *    composite can tell nothing and is not required.  A position only the
 *    composite covers (TD1/TD2 optional data, the composite digit) needs
 *    the composite to pass with this substitution alone.
 *
 * G/6 and K/< differ by 10 and 20 in ICAO's values, which the 7-3-1 sum
 * cannot see: those suggestions rest on the class (rule 2) and never
 * claim to fix a check digit.
 */
#include "config.h"

#include <string.h>

#include "bd-mrz-private.h"

/* Combinations tried for rule 4 before giving up and trusting the own
 * check digit alone. */
#define MAX_COMBINATIONS 4096

typedef enum {
  CLASS_NONE,
  CLASS_DIGIT,
  CLASS_DIGIT_OR_FILLER,
  CLASS_ALNUM,
  CLASS_FILLER,
  CLASS_SEX,
  CLASS_STATE,
} CharClass;

typedef struct {
  const char *field;   /* JSON field name */
  CharClass klass;
  int own;             /* the field's own BdMrzCheck, -1 when it has none */
  BdMrzSpan span;      /* the field (or field part) holding the position */
  gboolean is_date;
} Position;

typedef struct {
  guint line;
  guint col;
  char from;
  char to;
  Position pos;
  gboolean deferred;   /* rule 4 still to decide */
  gboolean accepted;
} Candidate;

static const char confusions[][2] = {
  { 'O', '0' }, { 'I', '1' }, { 'B', '8' }, { 'S', '5' }, { 'Z', '2' }, { 'G', '6' },
};

static gboolean
in_class (CharClass klass, char c)
{
  gboolean digit = c >= '0' && c <= '9';
  gboolean upper = c >= 'A' && c <= 'Z';

  switch (klass)
    {
    case CLASS_DIGIT:
      return digit;
    case CLASS_DIGIT_OR_FILLER:
      return digit || c == '<';
    case CLASS_ALNUM:
      return digit || upper || c == '<';
    case CLASS_FILLER:
      return c == '<';
    case CLASS_SEX:
      return c != '\0' && strchr ("FMX<", c) != NULL;
    case CLASS_STATE:
      return upper || c == '<';
    case CLASS_NONE:
    default:
      return TRUE;
    }
}

/* Rule 1's filler run, for a 'K' at @i of @span. */
static gboolean
in_filler_run (const BdMrzLines *zone, BdMrzSpan span, guint i)
{
  const char *s = &zone->line[span.line][span.col];
  guint j = i;

  while (j > 0 && s[j - 1] == 'K')
    j--;
  if (j == 0 || s[j - 1] != '<')
    return FALSE;
  for (j = i + 1; j < span.len; j++)
    if (s[j] != '<' && s[j] != 'K')
      return FALSE;
  return TRUE;
}

static gboolean
classify (const BdMrzLayout *layout, const BdMrzNumber *number, const BdMrzLines *zone,
          guint line, guint col, Position *out)
{
  const Position map[] = {
    { "document_number_check_digit", CLASS_DIGIT, BD_MRZ_CHECK_DOCUMENT_NUMBER, number->check,
      FALSE },
    { "document_number", CLASS_ALNUM, BD_MRZ_CHECK_DOCUMENT_NUMBER, number->head, FALSE },
    { "document_number", CLASS_ALNUM, BD_MRZ_CHECK_DOCUMENT_NUMBER, number->tail, FALSE },
    { "birth_date", CLASS_DIGIT_OR_FILLER, BD_MRZ_CHECK_BIRTH_DATE, layout->birth, TRUE },
    { "birth_date_check_digit", CLASS_DIGIT, BD_MRZ_CHECK_BIRTH_DATE, layout->birth_check,
      FALSE },
    { "expiry_date", CLASS_DIGIT_OR_FILLER, BD_MRZ_CHECK_EXPIRY_DATE, layout->expiry, TRUE },
    { "expiry_date_check_digit", CLASS_DIGIT, BD_MRZ_CHECK_EXPIRY_DATE, layout->expiry_check,
      FALSE },
    { "optional_data_check_digit", CLASS_DIGIT_OR_FILLER, BD_MRZ_CHECK_OPTIONAL_DATA,
      layout->optional_check, FALSE },
    { "composite_check_digit", CLASS_DIGIT, BD_MRZ_CHECK_COMPOSITE, layout->composite, FALSE },
    { "optional_data", CLASS_ALNUM,
      layout->optional_check.len > 0 ? BD_MRZ_CHECK_OPTIONAL_DATA : -1, number->rest, FALSE },
    { "optional_data_2", CLASS_ALNUM, -1, layout->optional2, FALSE },
    { "sex", CLASS_SEX, -1, layout->sex, FALSE },
    { "issuing_state", CLASS_STATE, -1, layout->issuer, FALSE },
    { "nationality", CLASS_STATE, -1, layout->nationality, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    {
      if (!bd_mrz_span_contains (map[i].span, line, col))
        continue;
      *out = map[i];
      if ((out->klass == CLASS_ALNUM || out->klass == CLASS_STATE)
          && zone->line[line][col] == 'K'
          && in_filler_run (zone, out->span, col - out->span.col))
        out->klass = CLASS_FILLER;
      return TRUE;
    }
  return FALSE;
}

static gboolean
composite_covers (const BdMrzLayout *layout, guint line, guint col)
{
  if (layout->composite.len == 0)
    return FALSE;
  if (bd_mrz_span_contains (layout->composite, line, col))
    return TRUE;
  for (guint i = 0; i < layout->n_composite_ranges; i++)
    if (bd_mrz_span_contains (layout->composite_ranges[i], line, col))
      return TRUE;
  return FALSE;
}

static char
target_for (char from)
{
  if (from == 'K')
    return '<';
  for (gsize i = 0; i < G_N_ELEMENTS (confusions); i++)
    {
      if (confusions[i][0] == from)
        return confusions[i][1];
      if (confusions[i][1] == from)
        return confusions[i][0];
    }
  return '\0';
}

/* Rules 1 to 3 and the first half of rule 4 for one position: TRUE with
 * @out filled when the substitution is a candidate. */
static gboolean
consider (const BdMrzLayout *layout, const BdMrzLines *zone,
          const BdMrzCheckState before[BD_MRZ_N_CHECKS], guint line, guint col,
          Candidate *out)
{
  BdMrzNumber number;
  Position pos;
  BdMrzLines changed;
  BdMrzCheckState after[BD_MRZ_N_CHECKS];
  char from = zone->line[line][col];
  char to = target_for (from);
  gboolean comp = composite_covers (layout, line, col);
  gboolean own_fixed;
  gboolean comp_fixed;
  gboolean class_fixed;

  bd_mrz_locate_number (layout, zone, &number);
  if (to == '\0' || !classify (layout, &number, zone, line, col, &pos) || pos.klass == CLASS_NONE
      || !in_class (pos.klass, to))
    return FALSE;

  changed = *zone;
  changed.line[line][col] = to;
  bd_mrz_compute_checks (layout, &changed, after);

  for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
    if (before[k] == BD_MRZ_CHECK_PASSED && after[k] != BD_MRZ_CHECK_PASSED)
      return FALSE;
  if (pos.own >= 0 && after[pos.own] != BD_MRZ_CHECK_PASSED
      && pos.own != BD_MRZ_CHECK_COMPOSITE)
    return FALSE;

  class_fixed = !in_class (pos.klass, from);
  own_fixed = pos.own >= 0 && before[pos.own] == BD_MRZ_CHECK_FAILED
              && after[pos.own] == BD_MRZ_CHECK_PASSED;
  comp_fixed = comp && before[BD_MRZ_CHECK_COMPOSITE] == BD_MRZ_CHECK_FAILED
               && after[BD_MRZ_CHECK_COMPOSITE] == BD_MRZ_CHECK_PASSED;
  if (!class_fixed && !own_fixed && !comp_fixed)
    return FALSE;

  if (pos.klass == CLASS_STATE
      && !bd_mrz_state_code_well_formed (&changed.line[line][pos.span.col], pos.span.len))
    return FALSE;
  if (pos.is_date && to == '<')
    {
      guint i = col - pos.span.col;
      guint partner = pos.span.col + (i % 2 == 0 ? i + 1 : i - 1);

      if (zone->line[line][partner] != '<')
        return FALSE;
    }

  *out = (Candidate) { .line = line, .col = col, .from = from, .to = to, .pos = pos };
  out->deferred = comp && after[BD_MRZ_CHECK_COMPOSITE] != BD_MRZ_CHECK_PASSED;
  if (out->deferred
      && (pos.own < 0 || pos.own == BD_MRZ_CHECK_COMPOSITE))
    return FALSE;
  out->accepted = !out->deferred;
  return TRUE;
}

/* Rule 4 for a deferred candidate: does some combination with one
 * suggestion for each other failing field make the composite pass? */
static gboolean
composite_agrees (const BdMrzLayout *layout, const BdMrzLines *zone, const GArray *candidates,
                  const Candidate *c)
{
  BdMrzLines changed = *zone;
  BdMrzCheckState after[BD_MRZ_N_CHECKS];
  GPtrArray *groups[BD_MRZ_N_CHECKS] = { NULL, };
  guint index[BD_MRZ_N_CHECKS] = { 0, };
  guint n_groups = 0;
  gboolean agrees = FALSE;
  guint tries = 0;

  changed.line[c->line][c->col] = c->to;
  bd_mrz_compute_checks (layout, &changed, after);
  for (int k = 0; k < BD_MRZ_CHECK_COMPOSITE; k++)
    {
      GPtrArray *group;

      if (after[k] != BD_MRZ_CHECK_FAILED)
        continue;
      group = g_ptr_array_new ();
      for (guint i = 0; i < candidates->len; i++)
        {
          Candidate *o = &g_array_index (candidates, Candidate, i);

          if (o->pos.own == k && (o->line != c->line || o->col != c->col))
            g_ptr_array_add (group, o);
        }
      groups[n_groups++] = group;
      if (group->len == 0)
        agrees = TRUE;  /* the composite can tell nothing */
    }
  if (n_groups == 0)
    agrees = FALSE;  /* the composite fails for a reason this does not touch */
  else if (!agrees)
    {
      /* Odometer over the groups. */
      for (;;)
        {
          BdMrzLines combined = changed;
          guint g;

          for (g = 0; g < n_groups; g++)
            {
              Candidate *o = g_ptr_array_index (groups[g], index[g]);

              combined.line[o->line][o->col] = o->to;
            }
          bd_mrz_compute_checks (layout, &combined, after);
          if (after[BD_MRZ_CHECK_COMPOSITE] == BD_MRZ_CHECK_PASSED || ++tries >= MAX_COMBINATIONS)
            {
              agrees = TRUE;
              break;
            }
          for (g = 0; g < n_groups; g++)
            {
              if (++index[g] < groups[g]->len)
                break;
              index[g] = 0;
            }
          if (g == n_groups)
            break;
        }
    }
  for (guint g = 0; g < n_groups; g++)
    g_ptr_array_unref (groups[g]);
  return agrees;
}

void
bd_mrz_find_corrections (const BdMrzLayout *layout, const BdMrzLines *zone,
                         GPtrArray *corrections)
{
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  BdMrzCheckState before[BD_MRZ_N_CHECKS];

  bd_mrz_compute_checks (layout, zone, before);
  for (guint line = 0; line < layout->n_lines; line++)
    for (guint col = 0; col < layout->line_len; col++)
      {
        Candidate c;

        if (consider (layout, zone, before, line, col, &c))
          g_array_append_val (candidates, c);
      }

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);

      if (c->deferred)
        c->accepted = composite_agrees (layout, zone, candidates, c);
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      const Candidate *c = &g_array_index (candidates, Candidate, i);
      BdMrzCorrection *correction;
      BdMrzLines changed;

      if (!c->accepted)
        continue;
      changed = *zone;
      changed.line[c->line][c->col] = c->to;
      correction = g_new0 (BdMrzCorrection, 1);
      correction->field = g_strdup (c->pos.field);
      correction->line = c->line + 1;
      correction->column = c->col + 1;
      correction->from = c->from;
      correction->to = c->to;
      correction->mrz = bd_mrz_lines_join (layout, &changed);
      g_ptr_array_add (corrections, correction);
    }
}

/* bd-name-match.c: how alike two names are (bd-name.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bd-name.h"

double
bd_name_jaro_winkler (const char *a, const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  gboolean ma[64] = { FALSE, }, mb[64] = { FALSE, };
  gsize window, matches = 0, transpositions = 0, prefix = 0;
  double jaro;

  if (la == 0 || lb == 0)
    return la == lb ? 1.0 : 0.0;
  la = MIN (la, G_N_ELEMENTS (ma));
  lb = MIN (lb, G_N_ELEMENTS (mb));
  window = MAX (la, lb) / 2;
  window = window > 0 ? window - 1 : 0;
  for (gsize i = 0; i < la; i++)
    {
      gsize lo = i > window ? i - window : 0, hi = MIN (i + window + 1, lb);

      for (gsize j = lo; j < hi; j++)
        if (!mb[j] && a[i] == b[j])
          {
            ma[i] = mb[j] = TRUE;
            matches++;
            break;
          }
    }
  if (matches == 0)
    return 0.0;
  for (gsize i = 0, j = 0; i < la; i++)
    {
      if (!ma[i])
        continue;
      while (!mb[j])
        j++;
      if (a[i] != b[j])
        transpositions++;
      j++;
    }
  jaro = ((double) matches / la + (double) matches / lb +
          (matches - transpositions / 2.0) / matches) / 3.0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
    prefix++;
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

guint
bd_name_edit_distance (const char *a, const char *b, guint max)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *rows = NULL;
  guint *prev2, *prev, *cur;

  if ((la > lb ? la - lb : lb - la) > max)
    return max + 1;
  if (la > 64 || lb > 64)
    return strcmp (a, b) == 0 ? 0 : max + 1;
  rows = g_new (guint, 3 * (lb + 1));
  prev2 = rows;
  prev = rows + lb + 1;
  cur = rows + 2 * (lb + 1);
  for (gsize j = 0; j <= lb; j++)
    prev[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint best;

      cur[0] = i;
      best = cur[0];
      for (gsize j = 1; j <= lb; j++)
        {
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
          guint v = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);

          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            v = MIN (v, prev2[j - 2] + 1);
          cur[j] = v;
          best = MIN (best, v);
        }
      if (best > max)
        return max + 1;
      {
        guint *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
      }
    }
  return MIN (prev[lb], max + 1);
}

static gboolean
strings_equal (const char *a, const char *b)
{
  return a != NULL && b != NULL && strcmp (a, b) == 0;
}

static void
consonants (const char *fold, char *out, gsize size)
{
  gsize n = 0;

  for (const char *p = fold; *p != '\0' && n + 1 < size; p++)
    if (*p != 'A' && (n == 0 || out[n - 1] != *p))
      out[n++] = *p;
  out[n] = '\0';
}

/* One or two typing or OCR errors: bounded edit distance on the letters,
 * worth less on short names (JOHN / JOAN differ by as much as one typo),
 * and Jaro-Winkler within that distance, which values transposed
 * neighbours and long common starts more. */
static double
typo_similarity (const BdNameUnit *a, const BdNameUnit *b)
{
  gsize min_len = MIN (strlen (a->text), strlen (b->text));
  double best = 0.0, jw;
  guint d;

  if (min_len < 3)
    return 0.0;
  d = bd_name_edit_distance (a->text, b->text, 2);
  if (d > 2)
    return 0.0;
  if (d == 1)
    best = min_len >= 6 ? 0.90 : min_len == 5 ? 0.85 : min_len == 4 ? 0.80 : 0.77;
  else if (d == 2 && min_len >= 7)
    best = 0.82;
  jw = bd_name_jaro_winkler (a->text, b->text);
  if (jw >= 0.92)
    best = MAX (best, jw - 0.05);
  return best;
}

double
bd_name_unit_similarity (const BdNameUnit *a, const BdNameUnit *b, BdNameRule *rule)
{
  gboolean a_joined = a->kind == BD_NAME_UNIT_JOINED, b_joined = b->kind == BD_NAME_UNIT_JOINED;
  gboolean stripped = a->kind == BD_NAME_UNIT_STRIPPED || b->kind == BD_NAME_UNIT_STRIPPED;
  gsize la = strlen (a->text), lb = strlen (b->text);
  double sim;

  if (strcmp (a->text, b->text) == 0)
    {
      *rule = stripped ? BD_NAME_RULE_PARTICLE
              : a_joined != b_joined ? BD_NAME_RULE_SPACING : BD_NAME_RULE_EXACT;
      return *rule == BD_NAME_RULE_EXACT ? 1.0 : *rule == BD_NAME_RULE_SPACING ? 0.98 : 0.95;
    }
  if (strings_equal (a->alt, b->text) || strings_equal (a->text, b->alt) ||
      strings_equal (a->alt, b->alt))
    {
      *rule = stripped ? BD_NAME_RULE_PARTICLE : BD_NAME_RULE_TRANSLITERATION;
      return stripped ? 0.95 : 0.97;
    }
  if (strings_equal (a->group, b->group))
    {
      *rule = BD_NAME_RULE_VARIANT;
      return 0.95;
    }
  if (strcmp (a->fold, b->fold) == 0)
    {
      gsize n = strlen (a->fold);

      /* A fold keeps little of a short name (LI, LEE and LU fold alike). */
      *rule = BD_NAME_RULE_SPELLING;
      return n >= 5 ? 0.92 : n == 4 ? 0.88 : n == 3 ? 0.82 : 0.75;
    }
  if (a->vowelless || b->vowelless)
    {
      char ca[64], cb[64];

      consonants (a->fold, ca, sizeof ca);
      consonants (b->fold, cb, sizeof cb);
      if (strlen (ca) >= 2 && strcmp (ca, cb) == 0)
        {
          *rule = BD_NAME_RULE_CONSONANTS;
          return 0.88;
        }
    }
  sim = typo_similarity (a, b);
  /* A truncated MRZ name field cuts the last name short. */
  if (MIN (la, lb) >= 4 && la != lb && strncmp (a->text, b->text, MIN (la, lb)) == 0)
    {
      *rule = BD_NAME_RULE_SHORTENED;
      return MAX (sim, 0.85);
    }
  if (sim >= BD_NAME_MATCH_MIN)
    {
      *rule = BD_NAME_RULE_TYPO;
      return sim;
    }
  if (a->field == BD_NAME_GIVEN && b->field == BD_NAME_GIVEN && (la == 1) != (lb == 1) &&
      a->text[0] == b->text[0])
    {
      *rule = BD_NAME_RULE_INITIAL;
      return 0.78;
    }
  *rule = BD_NAME_RULE_NONE;
  return 0.0;
}

const char *
bd_name_rule_to_string (BdNameRule rule)
{
  switch (rule)
    {
    case BD_NAME_RULE_EXACT: return "exact";
    case BD_NAME_RULE_SPACING: return "spacing";
    case BD_NAME_RULE_TRANSLITERATION: return "transliteration";
    case BD_NAME_RULE_PARTICLE: return "particle";
    case BD_NAME_RULE_VARIANT: return "variant";
    case BD_NAME_RULE_SPELLING: return "spelling variant";
    case BD_NAME_RULE_CONSONANTS: return "same consonants";
    case BD_NAME_RULE_TYPO: return "typing or OCR error";
    case BD_NAME_RULE_SHORTENED: return "shortened";
    case BD_NAME_RULE_INITIAL: return "initial";
    case BD_NAME_RULE_NONE:
    default: return "different";
    }
}

static guint
count_bits (guint32 v)
{
  guint n = 0;

  for (; v != 0; v &= v - 1)
    n++;
  return n;
}

typedef struct {
  guint q, e;
  double sim;
  BdNameRule rule;
  guint bits;
} Candidate;

static int
compare_candidates (const void *pa, const void *pb)
{
  const Candidate *a = pa, *b = pb;

  if (a->sim != b->sim)
    return a->sim > b->sim ? -1 : 1;
  /* Equal strength: single tokens first, so reasons read token by token. */
  if (a->bits != b->bits)
    return a->bits < b->bits ? -1 : 1;
  if (a->e != b->e)
    return a->e < b->e ? -1 : 1;
  return a->q < b->q ? -1 : a->q > b->q;
}

void
bd_name_compare (const BdName *query, const BdName *entry, BdNameMatch *match)
{
  Candidate cands[256];
  guint n = 0;
  guint32 used_q = 0, used_e = 0, q_by_surname = 0;
  double token_sim[32] = { 0, };
  double best = 0, sum = 0, given = 0;
  guint n_surname = 0;

  memset (match, 0, sizeof *match);
  for (guint e = 0; e < entry->units->len; e++)
    for (guint q = 0; q < query->units->len && n < G_N_ELEMENTS (cands); q++)
      {
        const BdNameUnit *eu = entry->units->pdata[e], *qu = query->units->pdata[q];
        BdNameRule rule;
        double sim = bd_name_unit_similarity (qu, eu, &rule);

        if (sim < BD_NAME_MATCH_MIN)
          continue;
        cands[n].q = q;
        cands[n].e = e;
        cands[n].sim = sim;
        cands[n].rule = rule;
        cands[n].bits = count_bits (eu->covers) + count_bits (qu->covers);
        n++;
      }
  qsort (cands, n, sizeof cands[0], compare_candidates);
  for (guint i = 0; i < n && match->n_pairs < BD_NAME_MAX_PAIRS; i++)
    {
      const BdNameUnit *eu = entry->units->pdata[cands[i].e];
      const BdNameUnit *qu = query->units->pdata[cands[i].q];
      BdNamePair *p;

      if ((eu->covers & used_e) != 0 || (qu->covers & used_q) != 0)
        continue;
      used_e |= eu->covers;
      used_q |= qu->covers;
      if ((eu->covers & entry->surname_mask) != 0)
        q_by_surname |= qu->covers;
      for (guint bit = 0; bit < 32; bit++)
        if ((eu->covers & (1u << bit)) != 0)
          token_sim[bit] = cands[i].sim;
      p = &match->pairs[match->n_pairs++];
      p->query = qu;
      p->entry = eu;
      p->similarity = cands[i].sim;
      p->rule = cands[i].rule;
    }

  for (guint bit = 0; bit < 32; bit++)
    {
      if ((entry->surname_mask & (1u << bit)) != 0)
        {
          best = MAX (best, token_sim[bit]);
          sum += token_sim[bit];
          n_surname++;
        }
      if ((entry->given_mask & (1u << bit)) != 0)
        given = MAX (given, token_sim[bit]);
    }
  match->surname = n_surname > 0 ? 0.75 * best + 0.25 * (sum / n_surname) : -1.0;
  /* Given names count only when both sides have something to compare. */
  if (entry->given_mask == 0 ||
      ((query->surname_mask | query->given_mask) & ~q_by_surname) == 0)
    match->given = -1.0;
  else
    match->given = given;
}

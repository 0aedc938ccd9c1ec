/* bd-name.c: transliteration, tokens, folds and similarity of names (bd-name.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bd-name.h"

/* ICAO 9303 part 3 (7th ed.), section 6: the Latin letters a decomposition
 * to a base letter does not cover, and the Cyrillic table; Greek after
 * ELOT 743 (used in Greek passports); Arabic letter by letter, consonants
 * as commonly romanised, long vowels as vowels, short vowels (not written)
 * absent.  @brief is the short reading of an umlaut where 9303 writes two
 * letters (Ä AE, also A), or NULL.  Sorted by code point. */
typedef struct {
  gunichar c;
  const char *full;
  const char *brief;
} Letter;

static const Letter letters[] = {
  { 0x00C4, "AE", "A" }, { 0x00C5, "AA", "A" }, { 0x00C6, "AE", NULL }, { 0x00D0, "D", NULL },
  { 0x00D6, "OE", "O" }, { 0x00D8, "OE", "O" }, { 0x00DC, "UE", "U" }, { 0x00DE, "TH", NULL },
  { 0x00DF, "SS", NULL }, { 0x0110, "D", NULL }, { 0x0126, "H", NULL }, { 0x0131, "I", NULL },
  { 0x0132, "IJ", NULL }, { 0x013F, "L", NULL }, { 0x0141, "L", NULL }, { 0x014A, "N", NULL },
  { 0x0152, "OE", NULL }, { 0x0166, "T", NULL },
  /* Greek capitals */
  { 0x0391, "A", NULL }, { 0x0392, "V", NULL }, { 0x0393, "G", NULL }, { 0x0394, "D", NULL },
  { 0x0395, "E", NULL }, { 0x0396, "Z", NULL }, { 0x0397, "I", NULL }, { 0x0398, "TH", NULL },
  { 0x0399, "I", NULL }, { 0x039A, "K", NULL }, { 0x039B, "L", NULL }, { 0x039C, "M", NULL },
  { 0x039D, "N", NULL }, { 0x039E, "X", NULL }, { 0x039F, "O", NULL }, { 0x03A0, "P", NULL },
  { 0x03A1, "R", NULL }, { 0x03A3, "S", NULL }, { 0x03A4, "T", NULL }, { 0x03A5, "Y", NULL },
  { 0x03A6, "F", NULL }, { 0x03A7, "CH", NULL }, { 0x03A8, "PS", NULL }, { 0x03A9, "O", NULL },
  /* Cyrillic capitals: Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian */
  { 0x0400, "E", NULL }, { 0x0401, "E", NULL }, { 0x0402, "D", NULL }, { 0x0403, "G", NULL },
  { 0x0404, "IE", NULL }, { 0x0405, "DZ", NULL }, { 0x0406, "I", NULL }, { 0x0407, "I", NULL },
  { 0x0408, "J", NULL }, { 0x0409, "LJ", NULL }, { 0x040A, "NJ", NULL }, { 0x040B, "C", NULL },
  { 0x040C, "K", NULL }, { 0x040D, "I", NULL }, { 0x040E, "U", NULL }, { 0x040F, "DZ", NULL },
  { 0x0410, "A", NULL }, { 0x0411, "B", NULL }, { 0x0412, "V", NULL }, { 0x0413, "G", NULL },
  { 0x0414, "D", NULL }, { 0x0415, "E", NULL }, { 0x0416, "ZH", NULL }, { 0x0417, "Z", NULL },
  { 0x0418, "I", NULL }, { 0x0419, "I", NULL }, { 0x041A, "K", NULL }, { 0x041B, "L", NULL },
  { 0x041C, "M", NULL }, { 0x041D, "N", NULL }, { 0x041E, "O", NULL }, { 0x041F, "P", NULL },
  { 0x0420, "R", NULL }, { 0x0421, "S", NULL }, { 0x0422, "T", NULL }, { 0x0423, "U", NULL },
  { 0x0424, "F", NULL }, { 0x0425, "KH", NULL }, { 0x0426, "TS", NULL }, { 0x0427, "CH", NULL },
  { 0x0428, "SH", NULL }, { 0x0429, "SHCH", NULL }, { 0x042A, "IE", NULL }, { 0x042B, "Y", NULL },
  { 0x042C, "", NULL }, { 0x042D, "E", NULL }, { 0x042E, "IU", NULL }, { 0x042F, "IA", NULL },
  { 0x0490, "G", NULL },
  /* Arabic and the Persian and Urdu additions; harakat are not written */
  { 0x0621, "", NULL }, { 0x0622, "A", NULL }, { 0x0623, "A", NULL }, { 0x0624, "U", NULL },
  { 0x0625, "I", NULL }, { 0x0626, "I", NULL }, { 0x0627, "A", NULL }, { 0x0628, "B", NULL },
  { 0x0629, "A", NULL }, { 0x062A, "T", NULL }, { 0x062B, "TH", NULL }, { 0x062C, "J", NULL },
  { 0x062D, "H", NULL }, { 0x062E, "KH", NULL }, { 0x062F, "D", NULL }, { 0x0630, "DH", NULL },
  { 0x0631, "R", NULL }, { 0x0632, "Z", NULL }, { 0x0633, "S", NULL }, { 0x0634, "SH", NULL },
  { 0x0635, "S", NULL }, { 0x0636, "D", NULL }, { 0x0637, "T", NULL }, { 0x0638, "Z", NULL },
  { 0x0639, "A", NULL }, { 0x063A, "GH", NULL }, { 0x0640, "", NULL }, { 0x0641, "F", NULL },
  { 0x0642, "Q", NULL }, { 0x0643, "K", NULL }, { 0x0644, "L", NULL }, { 0x0645, "M", NULL },
  { 0x0646, "N", NULL }, { 0x0647, "H", NULL }, { 0x0648, "U", NULL }, { 0x0649, "A", NULL },
  { 0x064A, "Y", NULL }, { 0x064B, "", NULL }, { 0x064C, "", NULL }, { 0x064D, "", NULL },
  { 0x064E, "", NULL }, { 0x064F, "", NULL }, { 0x0650, "", NULL }, { 0x0651, "", NULL },
  { 0x0652, "", NULL }, { 0x0670, "", NULL }, { 0x067E, "P", NULL }, { 0x0686, "CH", NULL },
  { 0x0698, "ZH", NULL }, { 0x06A9, "K", NULL }, { 0x06AF, "G", NULL }, { 0x06CC, "Y", NULL },
  { 0x1E9E, "SS", NULL },
};

static const char *const particles[] = {
  "AL", "EL", "UL", "BIN", "BINT", "IBN", "DE", "DEL", "DELA", "DELLA", "DELLE", "DEGLI", "DEI",
  "DES", "DI", "DA", "DAL", "DALLA", "DAS", "DO", "DOS", "DU", "LA", "LE", "LES", "LOS", "LAS",
  "LO", "VAN", "VON", "DER", "DEN", "TER", "TEN", "TE", "VANDER", "VANDEN", "OP", "ZU", "ZUR",
  "Y", "E", "O", "D", "L",
};

/* Articles written onto a surname (ALRASHID, OBRIEN). */
static const char *const attached[] = { "AL", "EL", "UL", "O" };

static int
compare_letter (const void *key, const void *element)
{
  gunichar c = *(const gunichar *) key;
  const Letter *l = element;

  return c < l->c ? -1 : c > l->c;
}

static const Letter *
find_letter (gunichar c)
{
  return bsearch (&c, letters, G_N_ELEMENTS (letters), sizeof letters[0], compare_letter);
}

static gboolean
is_separator (gunichar c)
{
  return g_unichar_isspace (c) || c == '-' || c == '\'' || c == '<' || c == ',' || c == '.' ||
         c == '/' || c == '_' || c == '`' || c == 0x00B4 || c == 0x02BC || c == 0x2018 ||
         c == 0x2019 || (c >= 0x2010 && c <= 0x2015) || c == 0x2212;
}

static gboolean
is_arabic (gunichar c)
{
  return c >= 0x0600 && c <= 0x06FF;
}

/* @c in upper case without its accents, when that is what the tables know. */
static gunichar
base_letter (gunichar c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];

  c = g_unichar_toupper (c);
  if ((c >= 'A' && c <= 'Z') || find_letter (c) != NULL)
    return c;
  if (g_unichar_fully_decompose (c, FALSE, decomposed, G_N_ELEMENTS (decomposed)) > 0)
    return decomposed[0];
  return c;
}

/* Appends the A-Z reading of @c (@previous: the letter before it, for
 * the Greek digraphs ΟΥ, ΑΥ, ΕΥ); letters of no known script are dropped. */
static void
append_letter (GString *out, gunichar c, gunichar previous, gboolean brief)
{
  const Letter *l;

  c = base_letter (c);
  if (c >= 'A' && c <= 'Z')
    {
      g_string_append_c (out, (char) c);
      return;
    }
  if (c == 0x03A5 && previous == 0x039F)
    {
      g_string_append_c (out, 'U');
      return;
    }
  if (c == 0x03A5 && (previous == 0x0391 || previous == 0x0395))
    {
      g_string_append_c (out, 'V');
      return;
    }
  l = find_letter (c);
  if (l != NULL)
    g_string_append (out, brief && l->brief != NULL ? l->brief : l->full);
}

static char *
transliterate_token (const char *start, const char *end, gboolean brief, gboolean *vowelless)
{
  GString *out = g_string_new (NULL);
  gunichar previous = 0;

  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = (guchar) *p < 0x80 ? (gunichar) *p : g_utf8_get_char (p);

      if (c < 0x80)
        {
          /* ASCII, most names: letters upper-cased, the rest dropped. */
          if (g_ascii_isalpha ((char) c))
            g_string_append_c (out, g_ascii_toupper ((char) c));
          previous = c;
          continue;
        }
      if (vowelless != NULL && is_arabic (c))
        *vowelless = TRUE;
      append_letter (out, c, previous, brief);
      previous = base_letter (c);
    }
  return g_string_free (out, FALSE);
}

char *
bd_name_transliterate (const char *utf8, gboolean short_umlauts)
{
  GString *out = g_string_new (NULL);
  const char *p = utf8 != NULL ? utf8 : "";

  while (*p != '\0')
    {
      const char *start;
      g_autofree char *token = NULL;

      while (*p != '\0' && is_separator (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && !is_separator (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      token = transliterate_token (start, p, short_umlauts, NULL);
      if (*token == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, token);
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_vowel (char c)
{
  return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' || c == 'Y' || c == 'J';
}

/* Longest first, so TSCH wins over SCH over CH. */
static const struct {
  const char *from;
  const char *to;
  gsize length;
} digraphs[] = {
  { "TSCH", "C", 4 }, { "SHCH", "SC", 4 }, { "SZCZ", "SC", 4 },
  { "SCH", "S", 3 }, { "TCH", "C", 3 }, { "DZH", "J", 3 },
  { "CH", "C", 2 }, { "CZ", "C", 2 }, { "CS", "C", 2 }, { "SH", "S", 2 }, { "SZ", "S", 2 },
  { "ZH", "S", 2 }, { "KH", "H", 2 }, { "GH", "G", 2 }, { "PH", "F", 2 }, { "TH", "T", 2 },
  { "DH", "D", 2 }, { "CK", "K", 2 }, { "QU", "K", 2 }, { "DJ", "J", 2 }, { "TS", "S", 2 },
  { "TZ", "S", 2 },
};

/* Emits @c into @out: every vowel (J and Y too) as one 'A' per run, a
 * consonant not twice in a row. */
static void
emit (GString *out, char c)
{
  char last = out->len > 0 ? out->str[out->len - 1] : '\0';

  if (is_vowel (c))
    c = 'A';
  if (c == last)
    return;
  g_string_append_c (out, c);
}

char *
bd_name_fold (const char *text)
{
  g_autoptr(GString) in = g_string_new (text);
  GString *out = g_string_new (NULL);
  gsize n;

  if (g_str_has_prefix (in->str, "MC"))
    g_string_insert_c (in, 1, 'A');
  n = in->len;
  if (n >= 3 && in->str[n - 1] == 'H' && is_vowel (in->str[n - 2]))
    g_string_truncate (in, --n);
  if (n >= 4 && (g_str_has_suffix (in->str, "OFF") || g_str_has_suffix (in->str, "EFF")))
    {
      g_string_truncate (in, n - 1);
      in->str[n - 2] = 'V';
    }
  else if (n >= 4 && (g_str_has_suffix (in->str, "OW") || g_str_has_suffix (in->str, "EW")))
    in->str[n - 1] = 'V';
  else if (n >= 5 && g_str_has_suffix (in->str, "IC"))
    g_string_append_c (in, 'H');  /* -IĆ, -IČ written without the accent: -ICH */

  for (gsize i = 0; i < in->len;)
    {
      const char *s = in->str + i;
      gboolean matched = FALSE;

      /* Every digraph starts with one of these letters and has one of
       * the others second. */
      gboolean candidate = strchr ("TSCDKGPQZ", *s) != NULL && s[1] != '\0' &&
                           strchr ("HZCSUKJ", s[1]) != NULL;

      for (guint d = 0; candidate && d < G_N_ELEMENTS (digraphs) && !matched; d++)
        {
          gsize len = digraphs[d].length;

          if (s[0] == digraphs[d].from[0] && strncmp (s, digraphs[d].from, len) == 0)
            {
              for (const char *t = digraphs[d].to; *t != '\0'; t++)
                emit (out, *t);
              i += len;
              matched = TRUE;
            }
        }
      if (matched)
        continue;
      switch (*s)
        {
        case 'C':
          /* The CH class took every C with an H; a lone C is soft before
           * E, I, Y and hard elsewhere. */
          emit (out, s[1] == 'E' || s[1] == 'I' || s[1] == 'Y' ? 'S' : 'K');
          break;
        case 'Q':
          emit (out, 'K');
          break;
        case 'W':
          emit (out, 'V');
          break;
        case 'Z':
          emit (out, 'S');
          break;
        case 'X':
          emit (out, 'K');
          emit (out, 'S');
          break;
        default:
          emit (out, *s);
        }
      i++;
    }
  return g_string_free (out, FALSE);
}

static char *
skeleton_of_fold (const char *fold)
{
  GString *out = g_string_new (NULL);

  for (const char *p = fold; *p != '\0'; p++)
    {
      if (p != fold && *p == 'A')
        continue;
      if (out->len > 0 && out->str[out->len - 1] == *p)
        continue;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
bd_name_skeleton (const char *text)
{
  g_autofree char *fold = bd_name_fold (text);
  const char *group = bd_name_variants_lookup (text, fold);

  if (group != NULL && strcmp (group, text) != 0)
    {
      g_autofree char *group_fold = bd_name_fold (group);
      return skeleton_of_fold (group_fold);
    }
  return skeleton_of_fold (fold);
}

const char *
bd_name_variant_group (const char *text)
{
  g_autofree char *fold = bd_name_fold (text);

  return bd_name_variants_lookup (text, fold);
}

gboolean
bd_name_is_particle (const char *text, BdNameField field)
{
  /* BEN is a given name as often as it is "son of". */
  if (field == BD_NAME_GIVEN && strcmp (text, "BEN") == 0)
    return FALSE;
  if (field == BD_NAME_SURNAME && strcmp (text, "BEN") == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (particles); i++)
    if (strcmp (text, particles[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Names: units. */

typedef struct {
  char *raw;
  char *text;
  char *alt;
  gboolean vowelless;
  gboolean particle;
  guint index;       /* bit in the masks */
} Token;

static void
unit_free (BdNameUnit *u)
{
  g_free (u->text);
  g_free (u->alt);
  g_free (u->raw);
  g_free (u->fold);
  g_free (u->skeleton);
  g_free (u);
}

static void
add_unit (BdName *name, BdNameField field, BdNameUnitKind kind, const char *raw, char *text,
          char *alt, guint32 covers, gboolean vowelless)
{
  BdNameUnit *u = g_new0 (BdNameUnit, 1);

  u->raw = g_strdup (raw);
  u->text = text;
  if (alt != NULL && strcmp (alt, text) != 0)
    u->alt = alt;
  else
    g_free (alt);
  u->fold = bd_name_fold (text);
  u->group = bd_name_variants_lookup (text, u->fold);
  if (u->group != NULL)
    {
      g_autofree char *group_fold = bd_name_fold (u->group);
      u->skeleton = skeleton_of_fold (group_fold);
    }
  else
    u->skeleton = skeleton_of_fold (u->fold);
  u->field = field;
  u->kind = kind;
  u->covers = covers;
  u->vowelless = vowelless;
  g_ptr_array_add (name->units, u);
}

static void
split_field (const char *utf8, BdNameField field, GArray *tokens)
{
  const char *p = utf8 != NULL ? utf8 : "";
  guint base = field == BD_NAME_SURNAME ? 0 : BD_NAME_MAX_FIELD_TOKENS;
  guint n = 0;

  while (*p != '\0' && n < BD_NAME_MAX_FIELD_TOKENS)
    {
      const char *start;
      Token t = { 0, };

      while (*p != '\0' && is_separator (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && !is_separator (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      t.text = transliterate_token (start, p, FALSE, &t.vowelless);
      if (*t.text == '\0')
        {
          g_free (t.text);
          continue;
        }
      t.alt = transliterate_token (start, p, TRUE, NULL);
      t.raw = g_utf8_strup (start, p - start);
      t.index = base + n++;
      g_array_append_val (tokens, t);
    }
  /* A particle precedes what it belongs to: the last token never is one. */
  for (guint i = 0; i + 1 < tokens->len; i++)
    {
      Token *t = &g_array_index (tokens, Token, i);
      t->particle = bd_name_is_particle (t->text, field);
    }
}

static void
token_clear (Token *t)
{
  g_free (t->raw);
  g_free (t->text);
  g_free (t->alt);
}

static char *
join (GArray *tokens, guint from, guint to, gboolean alt, const char *separator)
{
  GString *s = g_string_new (NULL);

  for (guint i = from; i <= to; i++)
    {
      Token *t = &g_array_index (tokens, Token, i);

      if (separator != NULL && i > from)
        g_string_append (s, separator);
      g_string_append (s, separator != NULL ? t->raw : alt ? t->alt : t->text);
    }
  return g_string_free (s, FALSE);
}

static void
add_field (BdName *name, const char *utf8, BdNameField field)
{
  g_autoptr(GArray) tokens = g_array_new (FALSE, TRUE, sizeof (Token));
  guint32 *mask = field == BD_NAME_SURNAME ? &name->surname_mask : &name->given_mask;

  g_array_set_clear_func (tokens, (GDestroyNotify) token_clear);
  split_field (utf8, field, tokens);
  for (guint i = 0; i < tokens->len; i++)
    {
      Token *t = &g_array_index (tokens, Token, i);
      guint32 bit = 1u << t->index;

      if (t->particle)
        continue;
      *mask |= bit;
      add_unit (name, field, BD_NAME_UNIT_TOKEN, t->raw, g_strdup (t->text), g_strdup (t->alt),
                bit, t->vowelless);
      if (field != BD_NAME_SURNAME)
        continue;
      for (guint a = 0; a < G_N_ELEMENTS (attached); a++)
        {
          gsize len = strlen (attached[a]);

          if (g_str_has_prefix (t->text, attached[a]) && strlen (t->text) >= len + 4)
            add_unit (name, field, BD_NAME_UNIT_STRIPPED, t->raw, g_strdup (t->text + len),
                      g_strdup (t->alt + MIN (len, strlen (t->alt))), bit, t->vowelless);
        }
    }
  /* Adjacent pairs, and the whole field when longer (VAN DER BERG). */
  for (guint from = 0; from + 1 < tokens->len; from++)
    {
      guint last = tokens->len - 1;
      guint ends[2] = { from + 1, last };

      for (guint e = 0; e < (from == 0 && last > 1 ? 2u : 1u); e++)
        {
          guint32 covers = 0;
          gboolean vowelless = FALSE;
          g_autofree char *raw = join (tokens, from, ends[e], FALSE, " ");

          for (guint i = from; i <= ends[e]; i++)
            {
              Token *t = &g_array_index (tokens, Token, i);
              if (!t->particle)
                covers |= 1u << t->index;
              vowelless |= t->vowelless;
            }
          if (covers != 0)
            add_unit (name, field, BD_NAME_UNIT_JOINED, raw,
                      join (tokens, from, ends[e], FALSE, NULL),
                      join (tokens, from, ends[e], TRUE, NULL), covers, vowelless);
        }
    }
}

BdName *
bd_name_new (const char *surname, const char *given_names)
{
  BdName *name = g_new0 (BdName, 1);

  name->units = g_ptr_array_new_with_free_func ((GDestroyNotify) unit_free);
  add_field (name, surname, BD_NAME_SURNAME);
  add_field (name, given_names, BD_NAME_GIVEN);
  return name;
}

void
bd_name_free (BdName *name)
{
  if (name == NULL)
    return;
  g_ptr_array_unref (name->units);
  g_free (name);
}

gboolean
bd_name_is_empty (const BdName *name)
{
  return name->units->len == 0;
}

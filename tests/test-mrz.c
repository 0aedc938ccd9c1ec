/* test-mrz.c: the MRZ parser against ICAO Doc 9303 specimens and every
 * kind of bad input.
 *
 * The specimens are the Utopia examples of parts 4 to 7; the other zones
 * are built from them with check digits worked out by hand (7-3-1), so the
 * tests do not trust bd_mrz_check_digit() to build their own inputs.
 */
#include "config.h"

#include <string.h>

#include "bd-mrz.h"

#define P BD_MRZ_CHECK_PASSED
#define F BD_MRZ_CHECK_FAILED
#define A BD_MRZ_CHECK_ABSENT

#define TD3_L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define TD3_L2 "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
#define TD1_L1 "I<UTOD231458907<<<<<<<<<<<<<<<"
#define TD1_L2 "7408122F1204159UTO<<<<<<<<<<<6"
#define TD1_L3 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
#define TD2_L1 "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
#define TD2_L2 "D231458907UTO7408122F1204159<<<<<<<6"
#define MRVA_L1 "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define MRVA_L2 "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"
#define MRVB_L1 "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<"
#define MRVB_L2 "L8988901C4XXX4009078F9612109<<<<<<<<"

/* A check digit's place: which check, 0-based line and column. */
typedef struct {
  BdMrzCheck check;
  guint line;
  guint col;
} Digit;

typedef struct {
  const char *text;
  BdMrzFormat format;
  const char *code, *issuer, *nationality, *surname, *given, *number;
  const char *birth, *expiry;
  char sex;
  const char *optional, *optional2;
  gboolean truncated;
  BdMrzCheckState checks[BD_MRZ_N_CHECKS];
  guint n_warnings;
  Digit digits[BD_MRZ_N_CHECKS];
  guint n_digits;
} Specimen;

static const Specimen specimens[] = {
  { /* part 4, TD3 passport */
    TD3_L1 "\n" TD3_L2, BD_MRZ_FORMAT_TD3, "P", "UTO", "UTO", "ERIKSSON", "ANNA MARIA",
    "L898902C3", "740812", "120415", 'F', "ZE184226B", "", FALSE, { P, P, P, P, P }, 0,
    { { 0, 1, 9 }, { 1, 1, 19 }, { 2, 1, 27 }, { 3, 1, 42 }, { 4, 1, 43 } }, 5 },
  { /* part 5, TD1 card */
    TD1_L1 "\n" TD1_L2 "\n" TD1_L3, BD_MRZ_FORMAT_TD1, "I", "UTO", "UTO", "ERIKSSON",
    "ANNA MARIA", "D23145890", "740812", "120415", 'F', "", "", FALSE, { P, P, P, A, P }, 0,
    { { 0, 0, 14 }, { 1, 1, 6 }, { 2, 1, 14 }, { 4, 1, 29 } }, 4 },
  { /* part 6, TD2 card */
    TD2_L1 "\n" TD2_L2, BD_MRZ_FORMAT_TD2, "I", "UTO", "UTO", "ERIKSSON", "ANNA MARIA",
    "D23145890", "740812", "120415", 'F', "", "", FALSE, { P, P, P, A, P }, 0,
    { { 0, 1, 9 }, { 1, 1, 19 }, { 2, 1, 27 }, { 4, 1, 35 } }, 4 },
  { /* part 7, MRV-A visa */
    MRVA_L1 "\n" MRVA_L2, BD_MRZ_FORMAT_MRVA, "V", "UTO", "XXX", "ERIKSSON", "ANNA MARIA",
    "L8988901C", "400907", "961210", 'F', "6ZE184226B", "", FALSE, { P, P, P, A, A }, 0,
    { { 0, 1, 9 }, { 1, 1, 19 }, { 2, 1, 27 } }, 3 },
  { /* part 7, MRV-B visa */
    MRVB_L1 "\n" MRVB_L2, BD_MRZ_FORMAT_MRVB, "V", "UTO", "XXX", "ERIKSSON", "ANNA MARIA",
    "L8988901C", "400907", "961210", 'F', "", "", FALSE, { P, P, P, A, A }, 0,
    { { 0, 1, 9 }, { 1, 1, 19 }, { 2, 1, 27 } }, 3 },
  { /* part 5 note: a 12-character number, check digit 9 after it */
    "I<UTOD23145890<7349<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
    BD_MRZ_FORMAT_TD1, "I", "UTO", "UTO", "ERIKSSON", "ANNA MARIA", "D23145890734", "740812",
    "120415", 'F', "", "", FALSE, { P, P, P, A, P }, 0,
    { { 0, 0, 18 }, { 1, 1, 6 }, { 2, 1, 14 }, { 4, 1, 29 } }, 4 },
  { /* the same long number on a TD2 card */
    TD2_L1 "\nD23145890<UTO7408122F12041597349<<<2", BD_MRZ_FORMAT_TD2, "I", "UTO", "UTO",
    "ERIKSSON", "ANNA MARIA", "D23145890734", "740812", "120415", 'F', "", "", FALSE,
    { P, P, P, A, P }, 0, { { 0, 1, 31 }, { 1, 1, 19 }, { 2, 1, 27 }, { 4, 1, 35 } }, 4 },
  { /* TD1 with both optional fields, a long name and CRLF line ends */
    "I<UTOD231458907ABC123<<<<<<<<<\r\n7408122F1204159UTO<<<<XYZ<<<<5\r\n"
    "ERIKSSONVANDERBERGHE<<ANNAMARI\r\n", BD_MRZ_FORMAT_TD1, "I", "UTO", "UTO",
    "ERIKSSONVANDERBERGHE", "ANNAMARI", "D23145890", "740812", "120415", 'F', "ABC123",
    "<<<<XYZ", TRUE, { P, P, P, A, P }, 0,
    { { 0, 0, 14 }, { 1, 1, 6 }, { 2, 1, 14 }, { 4, 1, 29 } }, 4 },
  { /* part 8: an emergency travel document on a TD2-size zone */
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n" TD2_L2 "\n", BD_MRZ_FORMAT_TD2, "P", "UTO",
    "UTO", "ERIKSSON", "ANNA MARIA", "D23145890", "740812", "120415", 'F', "", "", FALSE,
    { P, P, P, A, P }, 0, { { 0, 1, 9 }, { 1, 1, 19 }, { 2, 1, 27 }, { 4, 1, 35 } }, 4 },
  { /* no personal number, '<' as its check digit; Germany's "D<<" */
    "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\n"
    "L898902C36D<<7408122F1204159<<<<<<<<<<<<<<<8", BD_MRZ_FORMAT_TD3, "P", "D", "D",
    "MUSTERMANN", "ERIKA", "L898902C3", "740812", "120415", 'F', "", "", FALSE,
    { P, P, P, P, P }, 0, { { 0, 1, 9 }, { 1, 1, 19 }, { 2, 1, 27 }, { 4, 1, 43 } }, 4 },
  { /* a name with no given names, filling the field; unknown birth month and day */
    "P<UTOERIKSSONANNAMARIAVANDERBERGHEMULLERSMIT\n"
    "L898902C36UTO74<<<<1F1204159ZE184226B<<<<<18", BD_MRZ_FORMAT_TD3, "P", "UTO", "UTO",
    "ERIKSSONANNAMARIAVANDERBERGHEMULLERSMIT", "", "L898902C3", "74<<<<", "120415", 'F',
    "ZE184226B", "", TRUE, { P, P, P, P, P }, 0,
    { { 0, 1, 9 }, { 1, 1, 19 }, { 2, 1, 27 }, { 3, 1, 42 }, { 4, 1, 43 } }, 5 },
  { /* sex X; an unknown nationality is a warning only */
    TD3_L1 "\nL898902C36ZZZ7408122X1204159ZE184226B<<<<<10", BD_MRZ_FORMAT_TD3, "P", "UTO",
    "ZZZ", "ERIKSSON", "ANNA MARIA", "L898902C3", "740812", "120415", 'X', "ZE184226B", "",
    FALSE, { P, P, P, P, P }, 1, { { 0, 1, 9 }, { 1, 1, 19 } }, 2 },
  { /* an expiry date with unknown parts is a warning only */
    TD3_L1 "\nL898902C36UTO7408122F12<<<<3ZE184226B<<<<<18", BD_MRZ_FORMAT_TD3, "P", "UTO",
    "UTO", "ERIKSSON", "ANNA MARIA", "L898902C3", "740812", "12<<<<", 'F', "ZE184226B", "",
    FALSE, { P, P, P, P, P }, 1, { { 2, 1, 27 } }, 1 },
};

static gboolean
has_message (GPtrArray *list, const char *needle)
{
  for (guint i = 0; i < list->len; i++)
    if (strstr (g_ptr_array_index (list, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
dump_messages (const BdMrz *mrz)
{
  for (guint i = 0; i < mrz->errors->len; i++)
    g_test_message ("error: %s", (const char *) g_ptr_array_index (mrz->errors, i));
  for (guint i = 0; i < mrz->warnings->len; i++)
    g_test_message ("warning: %s", (const char *) g_ptr_array_index (mrz->warnings, i));
}

static const BdMrzCorrection *
find_correction (const BdMrz *mrz, const char *field, guint line, guint column)
{
  for (guint i = 0; i < mrz->corrections->len; i++)
    {
      const BdMrzCorrection *c = g_ptr_array_index (mrz->corrections, i);

      if (g_str_equal (c->field, field) && c->line == line && c->column == column)
        return c;
    }
  return NULL;
}

/* Two lines joined by LF. */
static BdMrz *
parse2 (const char *l1, const char *l2)
{
  g_autofree char *text = g_strconcat (l1, "\n", l2, NULL);

  return bd_mrz_parse (text);
}

static void
test_specimen (gconstpointer data)
{
  const Specimen *s = data;
  g_autoptr(BdMrz) mrz = bd_mrz_parse (s->text);

  dump_messages (mrz);
  g_assert_cmpint (mrz->format, ==, s->format);
  g_assert_cmpuint (mrz->errors->len, ==, 0);
  g_assert_true (mrz->valid);
  g_assert_cmpstr (mrz->document_code, ==, s->code);
  g_assert_cmpstr (mrz->issuing_state, ==, s->issuer);
  g_assert_cmpstr (mrz->nationality, ==, s->nationality);
  g_assert_cmpstr (mrz->surname, ==, s->surname);
  g_assert_cmpstr (mrz->given_names, ==, s->given);
  g_assert_cmpstr (mrz->document_number, ==, s->number);
  g_assert_cmpstr (mrz->birth_date, ==, s->birth);
  g_assert_cmpstr (mrz->expiry_date, ==, s->expiry);
  g_assert_cmpint (mrz->sex, ==, s->sex);
  g_assert_cmpstr (mrz->optional_data, ==, s->optional);
  g_assert_cmpstr (mrz->optional_data_2, ==, s->optional2);
  g_assert_cmpint (mrz->name_truncated, ==, s->truncated);
  for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
    g_assert_cmpint (mrz->checks[k], ==, s->checks[k]);
  g_assert_cmpuint (mrz->warnings->len, ==, s->n_warnings);
  g_assert_cmpuint (mrz->corrections->len, ==, 0);
}

/* Each check digit turned into the next digit, one at a time: that check
 * fails (and the composite when it covers the digit), the others pass. */
static void
test_specimen_corrupted (gconstpointer data)
{
  const Specimen *s = data;

  for (guint d = 0; d < s->n_digits; d++)
    {
      const Digit *digit = &s->digits[d];
      g_auto(GStrv) pieces = g_strsplit_set (s->text, "\r\n", -1);
      char *lines[4] = { NULL, };
      g_autofree char *text = NULL;
      g_autoptr(BdMrz) mrz = NULL;
      guint n = 0;
      char *c;

      /* g_strsplit_set leaves empty strings for CRLF and the final newline. */
      for (guint i = 0; pieces[i] != NULL && n < 4; i++)
        if (*pieces[i] != '\0')
          lines[n++] = pieces[i];
      c = &lines[digit->line][digit->col];
      g_assert_true (g_ascii_isdigit (*c));
      *c = (char) ('0' + (*c - '0' + 1) % 10);
      text = n == 3 ? g_strjoin ("\n", lines[0], lines[1], lines[2], NULL)
                    : g_strjoin ("\n", lines[0], lines[1], NULL);
      mrz = bd_mrz_parse (text);
      g_assert_cmpint (mrz->format, ==, s->format);
      g_assert_false (mrz->valid);
      g_assert_cmpint (mrz->checks[digit->check], ==, F);
      for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
        if (k != digit->check && k != BD_MRZ_CHECK_COMPOSITE)
          g_assert_cmpint (mrz->checks[k], ==, s->checks[k]);
      if (digit->check != BD_MRZ_CHECK_COMPOSITE && s->checks[BD_MRZ_CHECK_COMPOSITE] != A)
        g_assert_cmpint (mrz->checks[BD_MRZ_CHECK_COMPOSITE], ==, F);
      g_assert_true (has_message (mrz->errors, "check digit"));
    }
}

static void
test_json (void)
{
  g_autoptr(BdMrz) mrz = parse2 (MRVB_L1, MRVB_L2);
  g_autoptr(JsonNode) node = bd_mrz_to_json (mrz);
  g_autoptr(BdMrz) none = bd_mrz_parse ("garbage");
  g_autoptr(JsonNode) none_node = bd_mrz_to_json (none);
  static const char *const members[] = {
    "format", "valid", "document_code", "issuing_state", "nationality", "surname",
    "given_names", "name_truncated", "document_number", "birth_date", "expiry_date", "sex",
    "optional_data", "optional_data_2", "checks", "corrections", "errors", "warnings",
  };
  JsonObject *o = json_node_get_object (node);
  JsonObject *checks = json_object_get_object_member (o, "checks");
  JsonObject *n = json_node_get_object (none_node);

  g_assert_cmpuint (json_object_get_size (o), ==, G_N_ELEMENTS (members));
  for (gsize i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_assert_true (json_object_has_member (o, members[i]));
      g_assert_true (json_object_has_member (n, members[i]));
    }
  g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, "MRVB");
  g_assert_true (json_object_get_boolean_member (o, "valid"));
  g_assert_cmpstr (json_object_get_string_member (o, "sex"), ==, "F");
  g_assert_cmpstr (json_object_get_string_member (o, "optional_data_2"), ==, "");
  g_assert_true (json_object_get_boolean_member (checks, "document_number"));
  g_assert_true (json_object_get_null_member (checks, "optional_data"));
  g_assert_true (json_object_get_null_member (checks, "composite"));

  g_assert_true (json_object_get_null_member (n, "format"));
  g_assert_false (json_object_get_boolean_member (n, "valid"));
  g_assert_true (json_object_get_null_member (n, "surname"));
  g_assert_true (json_object_get_null_member (n, "sex"));
  checks = json_object_get_object_member (n, "checks");
  g_assert_cmpuint (json_object_get_size (checks), ==, 5);
  g_assert_true (json_object_get_null_member (checks, "birth_date"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (n, "errors")), >, 0);
}

/* ---- bad input ------------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *text;
  BdMrzFormat format;   /* NONE: not an MRZ at all */
  const char *error;    /* a substring of one error */
} BadInput;

static const BadInput bad_inputs[] = {
  { "empty", "", BD_MRZ_FORMAT_NONE, "empty input" },
  { "newline-only", "\n", BD_MRZ_FORMAT_NONE, "empty input" },
  { "one-line", TD3_L1 "\n", BD_MRZ_FORMAT_NONE, "1 line:" },
  { "run-together", TD3_L1 TD3_L2, BD_MRZ_FORMAT_NONE, "run together" },
  { "four-lines", TD1_L1 "\n" TD1_L2 "\n" TD1_L3 "\n" TD1_L3, BD_MRZ_FORMAT_NONE, "4 lines" },
  { "short-line", TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<1",
    BD_MRZ_FORMAT_NONE, "line 2 has 43 characters; expected 44" },
  { "td1-short", TD1_L1 "\n" TD1_L2 "\nERIKSSON<<ANNA", BD_MRZ_FORMAT_NONE,
    "line 3 has 14 characters" },
  { "mixed-lengths", TD2_L1 "\n" TD3_L2, BD_MRZ_FORMAT_NONE, "line 2 has 44 characters" },
  { "odd-lengths", "ABC\nDEF", BD_MRZ_FORMAT_NONE, "line 1 has 3 characters and line 2 has 3" },
  { "trailing-space", TD3_L1 " \n" TD3_L2, BD_MRZ_FORMAT_NONE,
    "line 1, column 45: a space" },
  { "two-final-newlines", TD3_L1 "\n" TD3_L2 "\n\n", BD_MRZ_FORMAT_NONE,
    "line 3 is empty: only one line end" },
  { "leading-blank-line", "\n" TD3_L1 "\n" TD3_L2, BD_MRZ_FORMAT_NONE, "line 1 is empty" },
  { "blank-line-between", TD3_L1 "\n\n" TD3_L2, BD_MRZ_FORMAT_NONE, "line 2 is empty" },
  { "cr-only", TD3_L1 "\r" TD3_L2, BD_MRZ_FORMAT_NONE, "carriage return" },
  { "final-lone-cr", TD3_L1 "\n" TD3_L2 "\r", BD_MRZ_FORMAT_NONE, "line 2, column 45" },
  { "lowercase", "P<UTOEriksson<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_L2, BD_MRZ_FORMAT_TD3,
    "line 1, column 7: lowercase 'r'" },
  { "space-in-name", "P<UTOERIKSSON  ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_L2,
    BD_MRZ_FORMAT_TD3, "line 1, column 14: a space" },
  { "stray-char", TD3_L1 "\nL8#8902C36UTO7408122F1204159ZE184226B<<<<<10", BD_MRZ_FORMAT_TD3,
    "line 2, column 3: '#'" },
  { "tab", TD3_L1 "\nL898902C36UTO\t408122F1204159ZE184226B<<<<<10", BD_MRZ_FORMAT_TD3,
    "line 2, column 14: a tab" },
  { "non-ascii", "P<UTOERIKSSON<<ANNA<MAR\xc3\x8d" "A<<<<<<<<<<<<<<<<<<<\n" TD3_L2,
    BD_MRZ_FORMAT_TD3, "line 1, column 24: U+00CD" },
  { "not-utf8", "P<UTOERIKSSON<<ANNA<MAR\xcd" "A<<<<<<<<<<<<<<<<<<<\n" TD3_L2,
    BD_MRZ_FORMAT_TD3, "byte 0xCD" },
  { "control", TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<1\x01",
    BD_MRZ_FORMAT_TD3, "control character U+0001" },
  { "td3-code-i", "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_L2, BD_MRZ_FORMAT_TD3,
    "document code 'I' is not valid for a TD3" },
  { "td1-code-p", "P<UTOD231458907<<<<<<<<<<<<<<<\n" TD1_L2 "\n" TD1_L3, BD_MRZ_FORMAT_TD1,
    "document code 'P' is not valid for a TD1" },
  { "td2-code-x", "X<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n" TD2_L2, BD_MRZ_FORMAT_TD2,
    "document code 'X'" },
  { "code-digit", "P1UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_L2, BD_MRZ_FORMAT_TD3,
    "line 1, column 2" },
  { "sex", TD3_L1 "\nL898902C36UTO7408122Q1204159ZE184226B<<<<<10", BD_MRZ_FORMAT_TD3,
    "sex 'Q'" },
  { "feb-30", TD3_L1 "\nL898902C36UTO7402304F1204159ZE184226B<<<<<16", BD_MRZ_FORMAT_TD3,
    "day 30" },
  { "feb-29-2001", TD3_L1 "\nL898902C36UTO0102292F1204159ZE184226B<<<<<18", BD_MRZ_FORMAT_TD3,
    "day 29" },
  { "month-13", TD3_L1 "\nL898902C36UTO7413128F1204159ZE184226B<<<<<10", BD_MRZ_FORMAT_TD3,
    "month 13" },
  { "day-00", TD3_L1 "\nL898902C36UTO7408007F1204159ZE184226B<<<<<10", BD_MRZ_FORMAT_TD3,
    "day 00" },
  { "half-unknown", TD3_L1 "\nL898902C36UTO7<08122F1204159ZE184226B<<<<<10", BD_MRZ_FORMAT_TD3,
    "year '7<' mixes" },
  { "name-digit", "P<UTOER1KSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_L2, BD_MRZ_FORMAT_TD3,
    "line 1, column 8: digit '1' in the name" },
  { "state-digits", "P<U1OERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_L2, BD_MRZ_FORMAT_TD3,
    "issuing state 'U1O'" },
  { "long-number-missing", "I<UTOD23145890<<<<<<<<<<<<<<<<\n" TD1_L2 "\n" TD1_L3,
    BD_MRZ_FORMAT_TD1, "does not continue it" },
  { "td3-filler-check", TD3_L1 "\nL898902C3<UTO7408122F1204159ZE184226B<<<<<10",
    BD_MRZ_FORMAT_TD3, "document number check digit is '<'" },
  { "personal-filler-check", TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<<0",
    BD_MRZ_FORMAT_TD3, "personal number check digit is '<'" },
};

static void
test_bad_input (gconstpointer data)
{
  const BadInput *b = data;
  g_autoptr(BdMrz) mrz = bd_mrz_parse (b->text);

  dump_messages (mrz);
  g_assert_cmpint (mrz->format, ==, b->format);
  g_assert_false (mrz->valid);
  g_assert_cmpuint (mrz->errors->len, >, 0);
  g_assert_true (has_message (mrz->errors, b->error));
  if (b->format == BD_MRZ_FORMAT_NONE)
    {
      g_assert_null (mrz->surname);
      g_assert_null (mrz->document_number);
      for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
        g_assert_cmpint (mrz->checks[k], ==, A);
    }
}

static void
test_null_input (void)
{
  g_autoptr(BdMrz) mrz = bd_mrz_parse (NULL);

  g_assert_cmpint (mrz->format, ==, BD_MRZ_FORMAT_NONE);
  g_assert_false (mrz->valid);
}

/* The line ends a reader may send. */
static void
test_line_ends (void)
{
  const char *const texts[] = {
    TD3_L1 "\n" TD3_L2, TD3_L1 "\n" TD3_L2 "\n", TD3_L1 "\r\n" TD3_L2,
    TD3_L1 "\r\n" TD3_L2 "\r\n", TD1_L1 "\r\n" TD1_L2 "\n" TD1_L3 "\r\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(BdMrz) mrz = bd_mrz_parse (texts[i]);

      dump_messages (mrz);
      g_assert_true (mrz->valid);
    }
}

static void
test_leap_years (void)
{
  /* 00 is a leap year through 2000; 96 through 1996; unknown year allows it */
  const char *const good[] = {
    "L898902C36UTO0002299F1204159ZE184226B<<<<<18",
    "L898902C36UTO9602290F1204159ZE184226B<<<<<14",
    "L898902C36UTO<<<<<<0F1204159ZE184226B<<<<<10",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(BdMrz) mrz = parse2 (TD3_L1, good[i]);

      dump_messages (mrz);
      g_assert_true (mrz->valid);
    }
}

static void
test_check_digit (void)
{
  g_assert_cmpint (bd_mrz_check_digit ("L898902C3", 9), ==, 6);
  g_assert_cmpint (bd_mrz_check_digit ("740812", 6), ==, 2);
  g_assert_cmpint (bd_mrz_check_digit ("D23145890734", 12), ==, 9);
  g_assert_cmpint (bd_mrz_check_digit ("<<<<<<", 6), ==, 0);
  g_assert_cmpint (bd_mrz_check_digit ("", 0), ==, 0);
  g_assert_cmpint (bd_mrz_check_digit ("74o812", 6), ==, -1);
  g_assert_cmpint (bd_mrz_check_digit ("74 812", 6), ==, -1);
}

/* ---- OCR confusions ------------------------------------------------------- */

static void
assert_suggests (const char *text, const char *field, guint line, guint column, char from,
                 char to, const char *corrected)
{
  g_autoptr(BdMrz) mrz = bd_mrz_parse (text);
  const BdMrzCorrection *c;

  dump_messages (mrz);
  c = find_correction (mrz, field, line, column);
  g_assert_nonnull (c);
  g_assert_cmpint (c->from, ==, from);
  g_assert_cmpint (c->to, ==, to);
  g_assert_cmpstr (c->mrz, ==, corrected);
}

static void
test_ocr_birth_date (void)
{
  g_autoptr(BdMrz) mrz = parse2 (TD3_L1, "L898902C36UTO74O8122F1204159ZE184226B<<<<<10");
  g_autoptr(BdMrz) fixed = NULL;
  const BdMrzCorrection *c;

  /* The letter is an error, the field keeps it, one suggestion repairs it. */
  g_assert_false (mrz->valid);
  g_assert_cmpstr (mrz->birth_date, ==, "74O812");
  g_assert_cmpint (mrz->checks[BD_MRZ_CHECK_BIRTH_DATE], ==, F);
  g_assert_true (has_message (mrz->errors, "line 2, column 16: 'O' in the birth date"));
  g_assert_cmpuint (mrz->corrections->len, ==, 1);
  c = find_correction (mrz, "birth_date", 2, 16);
  g_assert_nonnull (c);
  g_assert_cmpint (c->from, ==, 'O');
  g_assert_cmpint (c->to, ==, '0');
  g_assert_cmpstr (c->mrz, ==, TD3_L1 "\n" TD3_L2);
  fixed = bd_mrz_parse (c->mrz);
  g_assert_true (fixed->valid);
}

static void
test_ocr_document_number (void)
{
  g_autoptr(BdMrz) mrz = parse2 (TD3_L1, "L8989O2C36UTO7408122F1204159ZE184226B<<<<<10");

  /* A letter is allowed in a document number: only the check digit
   * says it is wrong, and it is not changed. */
  g_assert_false (mrz->valid);
  g_assert_cmpstr (mrz->document_number, ==, "L8989O2C3");
  g_assert_cmpint (mrz->checks[BD_MRZ_CHECK_DOCUMENT_NUMBER], ==, F);
  g_assert_cmpuint (mrz->corrections->len, ==, 1);
  assert_suggests (TD3_L1 "\nL8989O2C36UTO7408122F1204159ZE184226B<<<<<10", "document_number",
                   2, 6, 'O', '0', TD3_L1 "\n" TD3_L2);

  /* The other way round: a B read as 8 in "ZB1234567" */
  assert_suggests (TD3_L1 "\nZ812345676UTO7408122F1204159ZE184226B<<<<<10", "document_number",
                   2, 2, '8', 'B', TD3_L1 "\nZB12345676UTO7408122F1204159ZE184226B<<<<<10");

  /* TD1 long number: a B for an 8 of the number's first part */
  assert_suggests ("I<UTOD23145B90<7349<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
                   "document_number", 1, 12, 'B', '8',
                   "I<UTOD23145890<7349<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3);
}

static void
test_ocr_other_fields (void)
{
  /* a Z for the 2 of the birth date check digit */
  assert_suggests (TD3_L1 "\nL898902C36UTO740812ZF1204159ZE184226B<<<<<10",
                   "birth_date_check_digit", 2, 20, 'Z', '2', TD3_L1 "\n" TD3_L2);
  /* a state code with a digit */
  assert_suggests ("P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" TD3_L2, "issuing_state",
                   1, 5, '0', 'O', TD3_L1 "\n" TD3_L2);
  /* K read for the filler in the sex field */
  assert_suggests (TD3_L1 "\nL898902C36UTO7408122K1204159ZE184226B<<<<<10", "sex", 2, 21,
                   'K', '<', TD3_L1 "\nL898902C36UTO7408122<1204159ZE184226B<<<<<10");
  /* K among the fillers of the personal number (the check digits cannot tell) */
  assert_suggests (TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<K<<10", "optional_data",
                   2, 40, 'K', '<', TD3_L1 "\n" TD3_L2);
  /* an I for the 1 of the personal number's check digit */
  assert_suggests (TD3_L1 "\nL898902C36UTO74<<<<1F1204159ZE184226B<<<<<I8",
                   "optional_data_check_digit", 2, 43, 'I', '1',
                   TD3_L1 "\nL898902C36UTO74<<<<1F1204159ZE184226B<<<<<18");
  /* an O for the 0 of the composite digit */
  assert_suggests (TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<1O",
                   "composite_check_digit", 2, 44, 'O', '0', TD3_L1 "\n" TD3_L2);
  /* TD2 optional data, covered by the composite only */
  assert_suggests (TD2_L1 "\nD231458907UTO7408122F1204159AB1<<<<7", "optional_data", 2, 31,
                   '1', 'I', TD2_L1 "\nD231458907UTO7408122F1204159ABI<<<<7");
}

/* A wrong digit that no confusion explains gets no suggestion; two
 * confusions in different fields get one each, the composite agreeing. */
static void
test_ocr_restraint (void)
{
  g_autoptr(BdMrz) wrong = parse2 (TD3_L1, "L898902C36UTO7408123F1204159ZE184226B<<<<<10");
  g_autoptr(BdMrz) two = parse2 (TD3_L1, "L8989O2C36UTO74O8122F1204159ZE184226B<<<<<10");

  g_assert_cmpuint (wrong->corrections->len, ==, 0);
  g_assert_false (wrong->valid);
  g_assert_cmpuint (two->corrections->len, ==, 2);
  g_assert_nonnull (find_correction (two, "document_number", 2, 6));
  g_assert_nonnull (find_correction (two, "birth_date", 2, 16));
}

/* ---- robustness ----------------------------------------------------------- */

static void
assert_sane (const char *text, const BdMrz *mrz)
{
  g_autoptr(JsonNode) node = bd_mrz_to_json (mrz);

  g_assert_nonnull (node);
  g_assert_cmpint (mrz->valid, ==, mrz->format != BD_MRZ_FORMAT_NONE && mrz->errors->len == 0);
  if (mrz->format == BD_MRZ_FORMAT_NONE)
    {
      g_assert_cmpuint (mrz->errors->len, >, 0);
      g_assert_null (mrz->document_number);
      g_assert_cmpuint (mrz->corrections->len, ==, 0);
      return;
    }
  g_assert_nonnull (mrz->surname);
  g_assert_nonnull (mrz->given_names);
  g_assert_nonnull (mrz->optional_data_2);
  g_assert_cmpuint (strlen (mrz->birth_date), ==, 6);
  g_assert_cmpuint (strlen (mrz->expiry_date), ==, 6);
  g_assert_cmpuint (strlen (mrz->issuing_state), <=, 3);
  for (guint i = 0; i < mrz->corrections->len; i++)
    {
      const BdMrzCorrection *c = g_ptr_array_index (mrz->corrections, i);
      g_autoptr(BdMrz) again = bd_mrz_parse (c->mrz);
      guint failed_before = 0, failed_after = 0;

      g_assert_cmpint (c->from, !=, c->to);
      g_assert_cmpuint (c->line, >=, 1);
      g_assert_cmpuint (c->line, <=, 3);
      g_assert_cmpint (again->format, ==, mrz->format);
      for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
        {
          failed_before += mrz->checks[k] == F;
          failed_after += again->checks[k] == F;
        }
      g_assert_cmpuint (failed_after, <=, failed_before);
      g_assert_cmpuint (strlen (c->mrz), ==, mrz->format == BD_MRZ_FORMAT_TD1 ? 92
                        : mrz->format == BD_MRZ_FORMAT_TD3 || mrz->format == BD_MRZ_FORMAT_MRVA
                        ? 89 : 73);
    }
}

static void
test_random_garbage (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<<<<<<<<"
                                 "OIBSZGK01852 a\r\n\t\xc3\xa9\xff";
  static const guint lengths[] = { 0, 1, 29, 30, 31, 35, 36, 37, 43, 44, 45, 72, 88 };

  for (guint round = 0; round < 20000; round++)
    {
      GString *text = g_string_new (NULL);
      guint n_lines = (guint) g_test_rand_int_range (1, 5);
      BdMrz *mrz;

      for (guint l = 0; l < n_lines; l++)
        {
          gint32 pick = g_test_rand_int_range (0, G_N_ELEMENTS (lengths));
          guint len = g_test_rand_bit () ? lengths[pick] : (guint) g_test_rand_int_range (0, 50);
          gboolean clean = g_test_rand_int_range (0, 4) != 0;

          if (l > 0)
            g_string_append (text, g_test_rand_bit () ? "\n" : "\r\n");
          for (guint i = 0; i < len; i++)
            g_string_append_c (text, alphabet[g_test_rand_int_range (0, clean ? 48 : (gint32)
                                                                      sizeof alphabet - 1)]);
        }
      if (g_test_rand_bit ())
        g_string_append_c (text, '\n');
      mrz = bd_mrz_parse (text->str);
      assert_sane (text->str, mrz);
      bd_mrz_free (mrz);
      g_string_free (text, TRUE);
    }
}

/* Specimens with a few characters changed: recognised zones with every
 * kind of damage, where the suggestions have real work to do. */
static void
test_random_damage (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<OIBSZGK01852";

  for (guint round = 0; round < 20000; round++)
    {
      const Specimen *s = &specimens[g_test_rand_int_range (0, G_N_ELEMENTS (specimens))];
      g_autofree char *text = g_strdup (s->text);
      gsize len = strlen (text);
      guint n_changes = (guint) g_test_rand_int_range (1, 4);
      BdMrz *mrz;

      for (guint i = 0; i < n_changes; i++)
        {
          gsize at = (gsize) g_test_rand_int_range (0, (gint32) len);

          if (text[at] != '\n' && text[at] != '\r')
            text[at] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
        }
      mrz = bd_mrz_parse (text);
      g_assert_cmpint (mrz->format, !=, BD_MRZ_FORMAT_NONE);
      assert_sane (text, mrz);
      bd_mrz_free (mrz);
    }
}

int
main (int argc, char **argv)
{
  static const char *const specimen_names[] = {
    "td3", "td1", "td2", "mrva", "mrvb", "td1-long-number", "td2-long-number",
    "td1-optional-crlf-truncated", "td2-emergency-p", "td3-no-personal-number",
    "td3-mononym-unknown-birth", "td3-sex-x-unknown-nationality", "td3-expiry-unknown",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (specimen_names) == G_N_ELEMENTS (specimens));
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (specimens); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mrz/specimen/%s", specimen_names[i]);
      g_autofree char *corrupt = g_strdup_printf ("/mrz/corrupted-check-digit/%s",
                                                  specimen_names[i]);

      g_test_add_data_func (path, &specimens[i], test_specimen);
      g_test_add_data_func (corrupt, &specimens[i], test_specimen_corrupted);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *path = g_strdup_printf ("/mrz/bad-input/%s", bad_inputs[i].name);

      g_test_add_data_func (path, &bad_inputs[i], test_bad_input);
    }
  g_test_add_func ("/mrz/bad-input/null", test_null_input);
  g_test_add_func ("/mrz/line-ends", test_line_ends);
  g_test_add_func ("/mrz/leap-years", test_leap_years);
  g_test_add_func ("/mrz/check-digit", test_check_digit);
  g_test_add_func ("/mrz/json", test_json);
  g_test_add_func ("/mrz/ocr/birth-date", test_ocr_birth_date);
  g_test_add_func ("/mrz/ocr/document-number", test_ocr_document_number);
  g_test_add_func ("/mrz/ocr/other-fields", test_ocr_other_fields);
  g_test_add_func ("/mrz/ocr/restraint", test_ocr_restraint);
  g_test_add_func ("/mrz/random/garbage", test_random_garbage);
  g_test_add_func ("/mrz/random/damage", test_random_damage);
  return g_test_run ();
}

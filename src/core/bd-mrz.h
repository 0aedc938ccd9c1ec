/* bd-mrz.h: ICAO Doc 9303 machine readable zones (parts 3 to 7).
 *
 * A plain data parser: no I/O, no GTK, thread-safe.  bd_mrz_parse() never
 * fails: it always returns a result whose errors[] say what is wrong.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  BD_MRZ_FORMAT_NONE = 0,  /* not recognised as an MRZ at all */
  BD_MRZ_FORMAT_TD1,       /* 3 x 30 */
  BD_MRZ_FORMAT_TD2,       /* 2 x 36, document code not V */
  BD_MRZ_FORMAT_TD3,       /* 2 x 44, document code not V */
  BD_MRZ_FORMAT_MRVA,      /* 2 x 44, document code V */
  BD_MRZ_FORMAT_MRVB,      /* 2 x 36, document code V */
} BdMrzFormat;

/* The check digits an MRZ can carry. */
typedef enum {
  BD_MRZ_CHECK_DOCUMENT_NUMBER,
  BD_MRZ_CHECK_BIRTH_DATE,
  BD_MRZ_CHECK_EXPIRY_DATE,
  BD_MRZ_CHECK_OPTIONAL_DATA,  /* TD3 personal number only */
  BD_MRZ_CHECK_COMPOSITE,
  BD_MRZ_N_CHECKS
} BdMrzCheck;

typedef enum {
  BD_MRZ_CHECK_ABSENT = -1,  /* the format has no such check digit: JSON null */
  BD_MRZ_CHECK_FAILED = 0,
  BD_MRZ_CHECK_PASSED = 1,
} BdMrzCheckState;

/* One OCR-confusion suggestion: replacing @from by @to at @line/@column
 * (both 1-based) makes the named check digit(s) pass.  @mrz is the whole
 * corrected MRZ text (lines joined by '\n').  Never applied by the parser. */
typedef struct {
  char *field;     /* "document_number", "birth_date", ... */
  guint line;
  guint column;
  char from;
  char to;
  char *mrz;
} BdMrzCorrection;

typedef struct {
  BdMrzFormat format;
  gboolean valid;            /* recognised, no errors (check digits, dates, charset) */
  char *document_code;       /* trailing '<' dropped; NULL when format is NONE */
  char *issuing_state;
  char *nationality;
  char *surname;
  char *given_names;
  gboolean name_truncated;
  char *document_number;     /* long TD1/TD2 numbers joined in full */
  char *birth_date;          /* raw YYMMDD, '<' kept */
  char *expiry_date;         /* raw YYMMDD, '<' kept */
  char sex;                  /* 'F', 'M', '<' (or the raw character) */
  char *optional_data;
  char *optional_data_2;     /* TD1 line 2 only; "" elsewhere */
  BdMrzCheckState checks[BD_MRZ_N_CHECKS];
  GPtrArray *corrections;    /* of BdMrzCorrection */
  GPtrArray *errors;         /* of char*, human-readable, precise */
  GPtrArray *warnings;       /* of char* */
} BdMrz;

BdMrz       *bd_mrz_parse            (const char *text);
void         bd_mrz_free             (BdMrz *mrz);
const char  *bd_mrz_format_to_string (BdMrzFormat format);  /* "TD1"...; NULL for NONE */
JsonNode    *bd_mrz_to_json          (const BdMrz *mrz);    /* CONTRACT.md's mrz parse --json */
int          bd_mrz_check_digit      (const char *s, gsize len);  /* 0..9, -1 on a bad character */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdMrz, bd_mrz_free)

G_END_DECLS

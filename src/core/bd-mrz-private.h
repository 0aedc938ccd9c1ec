/* bd-mrz-private.h: what bd-mrz.c and bd-mrz-ocr.c share.  Not installed,
 * not for callers: the public surface is bd-mrz.h.
 *
 * Positions are 0-based here; BdMrzCorrection and messages are 1-based.
 */
#pragma once

#include "bd-mrz.h"

G_BEGIN_DECLS

#define BD_MRZ_MAX_LINES 3
#define BD_MRZ_MAX_LINE_LEN 44

/* A run of characters on one line of the zone.  len 0: the format has none. */
typedef struct {
  guint8 line;
  guint8 col;
  guint8 len;
} BdMrzSpan;

/* Where each field of a format lives (ICAO Doc 9303 parts 4 to 7). */
typedef struct {
  BdMrzFormat format;
  guint n_lines;
  guint line_len;
  BdMrzSpan code;
  BdMrzSpan issuer;
  BdMrzSpan name;
  BdMrzSpan number;
  BdMrzSpan number_check;
  BdMrzSpan nationality;
  BdMrzSpan birth;
  BdMrzSpan birth_check;
  BdMrzSpan sex;
  BdMrzSpan expiry;
  BdMrzSpan expiry_check;
  BdMrzSpan optional;        /* TD3: the personal number */
  BdMrzSpan optional_check;  /* TD3 only */
  BdMrzSpan optional2;       /* TD1 line 2 only */
  BdMrzSpan composite;       /* the composite check digit; none on visas */
  BdMrzSpan composite_ranges[4];
  guint n_composite_ranges;
  gboolean long_numbers;     /* TD1, TD2: a number may continue in the optional data */
} BdMrzLayout;

/* The zone as fixed-size text: line[i] holds layout->line_len characters
 * and a NUL.  Characters outside ASCII were replaced by '?' on input. */
typedef struct {
  char line[BD_MRZ_MAX_LINES][BD_MRZ_MAX_LINE_LEN + 1];
} BdMrzLines;

/* The document number once a long number has been followed into the
 * optional data (ICAO 9303 part 5 note j, part 6 note j). */
typedef struct {
  BdMrzSpan head;    /* the document number field */
  BdMrzSpan tail;    /* its continuation in the optional data; len 0 if none */
  BdMrzSpan check;   /* the check digit that covers head + tail */
  BdMrzSpan rest;    /* the optional data after the number */
  gboolean is_long;
  gboolean broken;   /* '<' in the check position and nothing continues it */
} BdMrzNumber;

static inline gboolean
bd_mrz_is_char (int c)
{
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
}

static inline const char *
bd_mrz_span_ptr (const BdMrzLines *zone, BdMrzSpan span)
{
  return &zone->line[span.line][span.col];
}

static inline char
bd_mrz_span_char (const BdMrzLines *zone, BdMrzSpan span)
{
  return zone->line[span.line][span.col];
}

/* bd-mrz-layout.c */
const BdMrzLayout *bd_mrz_layout_get    (BdMrzFormat format);
gboolean           bd_mrz_span_all      (const BdMrzLines *zone, BdMrzSpan span, char c);
gboolean           bd_mrz_span_contains (BdMrzSpan span, guint line, guint col);
void               bd_mrz_locate_number (const BdMrzLayout *layout,
                                         const BdMrzLines  *zone,
                                         BdMrzNumber       *number);
/* Fills @checks for the zone as it stands: ABSENT where the format has no
 * such digit. */
/* The 7-3-1 check digit over @spans taken as one string; -1 when one of
 * their characters has no value. */
int                bd_mrz_spans_check_digit (const BdMrzLines *zone,
                                             const BdMrzSpan   *spans,
                                             guint              n_spans);
void               bd_mrz_compute_checks (const BdMrzLayout *layout,
                                          const BdMrzLines  *zone,
                                          BdMrzCheckState    checks[BD_MRZ_N_CHECKS]);
/* TRUE when @code is letters followed by fillers: "UTO", "D<<". */
gboolean           bd_mrz_state_code_well_formed (const char *code, gsize len);
/* The zone as one string, lines joined by '\n'.  Free with g_free. */
char              *bd_mrz_lines_join    (const BdMrzLayout *layout, const BdMrzLines *zone);

/* bd-mrz-ocr.c: appends BdMrzCorrection suggestions for @zone (never
 * changes it) to @corrections; see the rules there. */
void               bd_mrz_find_corrections (const BdMrzLayout *layout,
                                            const BdMrzLines  *zone,
                                            GPtrArray         *corrections);

G_END_DECLS

/* bd-bench-people.h: synthetic listed persons, and the ways a traveller's
 * document may write their names, for bd-bench-screening.
 *
 * Everything is drawn from a GRand the caller seeds, so a run repeats.
 * The variant tables here are the bench's own, written apart from the
 * core's variant groups (bd-name-variants.c); some spellings are
 * deliberately missing from those.
 */
#pragma once

#include <glib.h>

#include "bd-watchlist.h"

G_BEGIN_DECLS

/* A traveller as the MRZ gives them: A-Z tokens, a full birth date. */
typedef struct {
  char **surname;   /* NULL-terminated */
  char **given;
  char *birth;      /* YYYY-MM-DD */
  char *nationality;
} BdBenchQuery;

void              bd_bench_query_clear   (BdBenchQuery *q);
char             *bd_bench_joined        (char **tokens);

void              bd_bench_people_init   (void);
char             *bd_bench_random_date   (GRand *r, int from, int to);
/* A given name from the pool, in its 9303 form. */
char             *bd_bench_given_name    (GRand *r);
/* Person @i (reference "B%07u"): surnames half from a pool of common ones
 * across regions, half built from syllables (the long tail of a real
 * list); one or two given names; birth dates 85 % full, 12 % partial,
 * 3 % missing; Russians and Ukrainians written in Cyrillic one time in four. */
BdWatchlistEntry *bd_bench_make_person   (GRand *r, guint i);
GPtrArray        *bd_bench_make_people   (guint from, guint n, guint32 seed);

typedef enum {
  BD_BENCH_AS_LISTED,
  BD_BENCH_UMLAUT,
  BD_BENCH_ORDER,
  BD_BENCH_MIDDLE_MISSING,
  BD_BENCH_MIDDLE_EXTRA,
  BD_BENCH_SPACING,
  BD_BENCH_VARIANT,
  BD_BENCH_SPELLING,
  BD_BENCH_TYPO,
  BD_BENCH_OCR,
  BD_BENCH_TRUNCATED,
  BD_BENCH_TWO,
  BD_BENCH_N_KINDS
} BdBenchKind;

const char       *bd_bench_kind_name     (BdBenchKind kind);
/* Rewrites @q as a document of @kind would; FALSE (and @q unchanged or
 * to be discarded) when the kind does not apply to this name.
 * @raw_surname: the surname as listed, for the umlaut readings. */
gboolean          bd_bench_apply_kind    (BdBenchKind kind, BdBenchQuery *q,
                                          const char *raw_surname, GRand *r);
/* One typing error in every token of four letters or more. */
void              bd_bench_typo_everywhere (BdBenchQuery *q, GRand *r);

G_END_DECLS

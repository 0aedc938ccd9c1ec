/* bd-name.h: personal names made comparable, for watchlist screening.
 *
 * A name (surname and given names, any script the tables know) becomes a
 * set of units: each token, adjacent tokens joined ("ABDUL RAHMAN" also as
 * ABDULRAHMAN), and a surname token without an attached article (ALRASHID
 * also as RASHID).  Every unit carries four spellings:
 *
 *   text      ICAO 9303 part 3 transliteration, A-Z only (MÜLLER -> MUELLER)
 *   alt       the short reading of the umlauts where it differs (MULLER)
 *   fold      a spelling-normal form: KH/H, PH/F, SCH/SH/SZ/ZH/Z/TS/TZ/S,
 *             CH/CZ/TSCH/TCH, W/V, Q/K, X/KS, C/K or S, J and Y as vowels,
 *             every run of vowels one class, double letters single,
 *             -OFF/-OW as -OV, a final H after a vowel dropped (so the
 *             German and the ICAO readings of Cyrillic meet: KUSNEZOW,
 *             KUZNETSOV)
 *   skeleton  the fold without its vowels (the first letter kept): the
 *             retrieval key of the watchlist index
 *
 * and, when the fold belongs to one of the variant groups of
 * bd-name-variants.c (MOHAMMED / MUHAMMAD / MEHMET ..., YURI / IURII ...),
 * the group's canonical spelling, whose skeleton then replaces the unit's
 * own so that every member of a group shares one index key.
 *
 * Particles (DE, LA, VAN, DER, AL, EL, BIN, O', D' ...) are not units on
 * their own, only inside joined units, and only when another token follows
 * them in the same field ("LA" alone is a name).
 *
 * All of this is pure computation, thread-safe, without I/O.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tokens beyond these per field are ignored (a name field holds at most
 * 128 bytes, so real names never reach them). */
#define BD_NAME_MAX_FIELD_TOKENS 16

typedef enum {
  BD_NAME_SURNAME,
  BD_NAME_GIVEN,
} BdNameField;

typedef enum {
  BD_NAME_UNIT_TOKEN,     /* one token */
  BD_NAME_UNIT_JOINED,    /* adjacent tokens of one field, written together */
  BD_NAME_UNIT_STRIPPED,  /* a surname token without its attached article */
} BdNameUnitKind;

typedef struct {
  char *text;             /* A-Z */
  char *alt;              /* A-Z, or NULL when the same as text */
  char *raw;              /* as written, upper case (for reasons shown to a guard) */
  char *fold;
  char *skeleton;         /* of the group's canonical spelling when there is one */
  const char *group;      /* canonical spelling of the variant group, static; or NULL */
  BdNameField field;
  BdNameUnitKind kind;
  guint32 covers;         /* bit i: token i (surname tokens 0..15, given names 16..31) */
  gboolean vowelless;     /* written in a script without vowels (Arabic) */
} BdNameUnit;

typedef struct {
  GPtrArray *units;       /* of BdNameUnit */
  guint32 surname_mask;   /* tokens of the surname that count (not particles) */
  guint32 given_mask;
} BdName;

/* @surname, @given_names: UTF-8, nullable.  Never fails: what does not
 * transliterate is dropped, so the result may have no units at all. */
BdName      *bd_name_new             (const char *surname, const char *given_names);
void         bd_name_free            (BdName *name);
gboolean     bd_name_is_empty        (const BdName *name);

/* The whole string as upper-case A-Z tokens separated by single spaces
 * (9303 part 3 for Latin and Cyrillic; ELOT 743 for Greek; Arabic letter
 * by letter without vowels).  @short_umlauts: Ä Ö Ü Å Ø as A O U A O
 * instead of AE OE UE AA OE. */
char        *bd_name_transliterate   (const char *utf8, gboolean short_umlauts);
char        *bd_name_fold            (const char *text);
char        *bd_name_skeleton        (const char *text);
/* The canonical spelling of @text's variant group, or NULL.  Static. */
const char  *bd_name_variant_group   (const char *text);
gboolean     bd_name_is_particle     (const char *text, BdNameField field);

/* Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, at most 4). */
double       bd_name_jaro_winkler    (const char *a, const char *b);
/* Optimal string alignment distance (edits and adjacent transpositions);
 * any value above @max is reported as @max + 1. */
guint        bd_name_edit_distance   (const char *a, const char *b, guint max);

/* How two units matched, from the strongest rule down. */
typedef enum {
  BD_NAME_RULE_NONE,
  BD_NAME_RULE_EXACT,
  BD_NAME_RULE_SPACING,          /* the same letters, written together or apart */
  BD_NAME_RULE_TRANSLITERATION,  /* the two readings of an umlaut (UE / U) */
  BD_NAME_RULE_PARTICLE,         /* equal once an attached article is dropped */
  BD_NAME_RULE_VARIANT,          /* one variant group (MOHAMMED / MUHAMMAD) */
  BD_NAME_RULE_SPELLING,         /* equal folds (KH/H, OU/U, J/Y/I, doubles ...) */
  BD_NAME_RULE_CONSONANTS,       /* written without vowels, same consonants */
  BD_NAME_RULE_TYPO,             /* one or two typing or OCR errors */
  BD_NAME_RULE_SHORTENED,        /* one is the start of the other (truncated MRZ) */
  BD_NAME_RULE_INITIAL,          /* a single letter and a name starting with it */
} BdNameRule;

/* Similarity in [0, 1] of two units and the rule that gave it; 0 with
 * rule NONE when no rule applies (BD_NAME_MATCH_MIN is the least a rule
 * gives). */
#define BD_NAME_MATCH_MIN 0.75
double       bd_name_unit_similarity (const BdNameUnit *a, const BdNameUnit *b, BdNameRule *rule);
const char  *bd_name_rule_to_string  (BdNameRule rule);

#define BD_NAME_MAX_PAIRS 32

typedef struct {
  const BdNameUnit *query;
  const BdNameUnit *entry;
  double similarity;
  BdNameRule rule;
} BdNamePair;

/* The alignment of a query name (a traveller) to an entry's name (a
 * watchlist person), token order free: units are paired greedily,
 * strongest first, no token used twice on either side.
 *   surname  0.75 x the best + 0.25 x the mean similarity over the entry's
 *            surname tokens (a missing second surname costs little)
 *   given    the best similarity over the entry's given names (missing or
 *            extra middle names cost nothing), or -1 when there is nothing
 *            to compare (the entry has none, or the query has no token left
 *            over from the surname) */
typedef struct {
  double surname;
  double given;
  guint n_pairs;
  BdNamePair pairs[BD_NAME_MAX_PAIRS];
} BdNameMatch;

void         bd_name_compare         (const BdName *query, const BdName *entry, BdNameMatch *match);

/* Internal to bd-name.c and bd-name-variants.c: the group table. */
const char  *bd_name_variants_lookup (const char *text, const char *fold);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdName, bd_name_free)

G_END_DECLS

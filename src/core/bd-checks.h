/* bd-checks.h: the checks run on every crossing, and their results.
 *
 * A check result is a name, a state and a reason a guard can read.  Other
 * modules (fingerprints, watchlists, sync) add their own rows to the same
 * list; the decision rule is the same for all: a "block" row cannot be
 * admitted without a supervisor's override.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-history.h"
#include "bd-mrz.h"
#include "bd-post.h"

G_BEGIN_DECLS

typedef enum {
  BD_CHECK_OK,
  BD_CHECK_WARNING,
  BD_CHECK_BLOCK,
} BdCheckState;

typedef struct {
  char *name;         /* "check-digits", "document-validity", "country-codes",
                       * "document-holder" (known documents only), "stay-rule" */
  BdCheckState state;
  char *reason;
} BdCheck;

typedef enum {
  BD_DIRECTION_ENTRY,
  BD_DIRECTION_EXIT,
} BdDirection;

/* What a traveller's document says, as the desk stores it. */
typedef struct {
  char *code;           /* "P", "ID", "V"... */
  char *issuing_state;
  char *number;
  char *expiry;         /* YYYY-MM-DD or "" */
  char *surname;
  char *given_names;
  char *nationality;
  char *birth_date;     /* YYYY-MM-DD, YYYY-MM, YYYY or "" */
  char *sex;            /* "F", "M", "X" or "<" */
} BdIdentity;

void         bd_identity_clear      (BdIdentity *identity);
/* Fills @identity from a parsed MRZ (its fields need not be valid). */
void         bd_identity_from_mrz   (BdIdentity *identity, const BdMrz *mrz, guint32 today);
/* Validates every field (lengths, character classes, dates). */
gboolean     bd_identity_validate   (const BdIdentity *identity, GError **error);

GPtrArray   *bd_checks_new          (void);   /* of BdCheck */
void         bd_checks_add          (GPtrArray *checks, const char *name, BdCheckState state,
                                     const char *format, ...) G_GNUC_PRINTF (4, 5);
gboolean     bd_checks_blocking     (GPtrArray *checks);
JsonNode    *bd_checks_to_json      (GPtrArray *checks);
const char  *bd_check_state_to_string (BdCheckState state);
const char  *bd_direction_to_string (BdDirection direction);

/* The fingerprint outcome at a crossing, as the capture left it. */
typedef enum {
  BD_FINGER_NOT_CAPTURED,    /* no reader configured or connected, or capture abandoned */
  BD_FINGER_EXEMPT,          /* an exemption instead (bd-template.h's BdExemptKind) */
  BD_FINGER_ENROLLED,        /* a new traveller: template captured for storage */
  BD_FINGER_VERIFIED,        /* 1:1 match with the print on file */
  BD_FINGER_MISMATCH,        /* 1:1 no match */
  BD_FINGER_OTHER_IDENTITY,  /* 1:N hit under another document */
} BdFingerResult;

typedef struct {
  BdFingerResult result;
  const char *finger;          /* "right-index-finger" */
  const char *reason;          /* NOT_CAPTURED, EXEMPT: why */
  int exempt_kind;             /* EXEMPT: BdExemptKind */
  gboolean consent;            /* EXEMPT: the traveller consented to the record */
  int score;                   /* VERIFIED, MISMATCH: matcher score, -1 unknown */
  const char *other_document;  /* OTHER_IDENTITY: "ISSUER:NUMBER" */
  GBytes *template;            /* ENROLLED: serialised print, stored with the crossing */
  const char *driver;          /* ENROLLED */
  const char *quality;         /* ENROLLED: "clean", "retried N" */
} BdFingerOutcome;

/* The "fingerprint" row for @outcome (NULL: nothing captured, no reader):
 * not captured and temporary exemptions warn, other exemptions and a
 * match pass, a mismatch or another identity blocks. */
void         bd_checks_add_finger   (GPtrArray *checks, const BdFingerOutcome *outcome);

/* Whether the post's stay rule applies to travellers of @nationality: the
 * nationalities its policy names ("*": all), never the post's own. */
gboolean     bd_checks_stay_applies (BdDb *db, const BdPost *post, const char *nationality);

/* The document checks: check digits (@mrz may be NULL for keyed data),
 * validity on @day, country codes, and the stay rule for @direction on
 * @day from the traveller's merged history (bd-history.h; the _scoped
 * variant takes the scope), whose source the stay row names. */
gboolean     bd_checks_run_document (BdDb             *db,
                                     const BdPost     *post,
                                     const BdIdentity *identity,
                                     const BdMrz      *mrz,
                                     BdDirection       direction,
                                     guint32           day,
                                     GPtrArray        *checks,
                                     GError          **error);
gboolean     bd_checks_run_document_scoped (BdDb             *db,
                                            const BdPost     *post,
                                            const BdIdentity *identity,
                                            const BdMrz      *mrz,
                                            BdDirection       direction,
                                            guint32           day,
                                            BdHistoryScope    scope,
                                            GPtrArray        *checks,
                                            GError          **error);

G_END_DECLS

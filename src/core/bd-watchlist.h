/* bd-watchlist.h: watchlists on the desk, and screening against them.
 *
 * Two lists (CONTRACT.md, Watchlist CSV): persons of interest and lost or
 * stolen documents, each entry with an action (deny, refer, notify) and a
 * reference.  Entries come from two sources: a CSV imported on this desk
 * (a local list; a new import replaces the previous local list whole, in
 * one transaction, audited) and HQ's signed deltas (applied by the sync
 * feature through bd_watchlist_apply once it has verified them).  A
 * screen covers both.
 *
 * Screening (bd-watchlist-screen.c) looks documents up by their number
 * with OCR-confusable characters folded, and persons through an index of
 * phonetic name keys qualified by birth year, then scores the few
 * candidates: names with bd_name_compare, birth dates (exact, day and
 * month swapped, partial, one digit or one year apart), nationality.
 *
 *   score = sum of weight x similarity / sum of the weights compared
 *           (surname 0.45, given names 0.25, birth date 0.20, nationality
 *           0.10; names or a nationality missing on either side are not
 *           compared; a birth date missing on either side counts 0.4),
 *           x 0.6 when no surname token matches, x 0.75 when given names
 *           on both sides do not match, x 0.7 when the birth dates
 *           contradict each other.
 *
 * A contradicting birth date therefore caps a score at 0.7, below the
 * lowest threshold the setting allows (0.71): that is what lets the index
 * read only the birth years that can match.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-checks.h"
#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_WATCHLIST_ERROR (bd_watchlist_error_quark ())
GQuark bd_watchlist_error_quark (void);

typedef enum {
  BD_WATCHLIST_ERROR_INVALID,    /* a file, row or query that is not what CONTRACT.md says */
  BD_WATCHLIST_ERROR_SIGNED,     /* a signed HQ delta: that is the sync feature's to verify */
  BD_WATCHLIST_ERROR_VERSION,    /* a delta that does not start at the desk's version */
  BD_WATCHLIST_ERROR_REFERENCE,  /* a delta removes an entry that is not there, or adds one twice */
} BdWatchlistError;

typedef enum {
  BD_WATCHLIST_PERSONS,
  BD_WATCHLIST_DOCUMENTS,
} BdWatchlistList;

typedef enum {
  BD_WATCHLIST_DENY,
  BD_WATCHLIST_REFER,
  BD_WATCHLIST_NOTIFY,
} BdWatchlistAction;

typedef enum {
  BD_WATCHLIST_LOCAL,
  BD_WATCHLIST_HQ,
} BdWatchlistSource;

/* One entry as a list states it.  Strings are never NULL ("" when empty). */
typedef struct {
  BdWatchlistList list;
  BdWatchlistAction action;
  char *surname;
  char *given_names;
  char *birth_date;       /* YYYY-MM-DD, YYYY-MM, YYYY or "" */
  char *nationality;
  char *document_number;  /* upper case, without spaces, '-' and '<' */
  char *issuing_state;
  char *reference;
  guint line;             /* the CSV line the row starts on; 0 for other sources */
} BdWatchlistEntry;

BdWatchlistEntry *bd_watchlist_entry_new      (void);
void              bd_watchlist_entry_free     (BdWatchlistEntry *entry);

/* Checks and normalises one entry in place (trims, upper-cases codes and
 * document numbers).  An empty action becomes "refer" for a person and
 * "deny" for a document: a lost or stolen document is not a travel
 * document.  An empty reference is refused: the caller supplies one. */
gboolean          bd_watchlist_entry_validate (BdWatchlistEntry *entry, GError **error);

/* Reads a watchlist CSV (bd-watchlist-csv.c): UTF-8 (a leading BOM is
 * skipped), RFC 4180 quoting, LF or CRLF, the header row of CONTRACT.md
 * (its columns in any order).  Every row is checked; an empty reference
 * becomes "line-N".  At most 2 000 000 rows, 64 fields a row and 4096
 * bytes a field are read.  Returns all entries, or NULL with
 * BD_WATCHLIST_ERROR_INVALID naming every bad row by line (the first 20). */
GPtrArray        *bd_watchlist_parse_csv      (const char *data, gsize length, GError **error);

/* TRUE when @data is a JWS (flattened JSON or compact), not a CSV. */
gboolean          bd_watchlist_looks_signed   (const char *data, gsize length);

typedef struct {
  gint64 version;         /* the local list's new version */
  gint64 persons;
  gint64 documents;
  gint64 replaced;        /* entries of the previous local list, now gone */
  char sha256[65];
} BdWatchlistImport;

/* `watchlist import FILE.csv`: @actor needs BD_PERM_IMPORT.  Parses and
 * checks every row first, then in one transaction replaces the local
 * list and its index, records the version and appends the audit event
 * "watchlist.import" (counts and the file's SHA-256, never names).  A
 * signed delta is refused with BD_WATCHLIST_ERROR_SIGNED. */
gboolean          bd_watchlist_import_csv     (BdDb              *db,
                                               const BdActor     *actor,
                                               const char        *data,
                                               gsize              length,
                                               BdWatchlistImport *result,
                                               GError           **error);

/* Applies one HQ delta that the caller has verified: removals (by
 * reference) then additions (BdWatchlistEntry, validated here), in one
 * transaction with the audit event "watchlist.apply".  Refused, leaving
 * the list as it was, when @from_version is not the desk's HQ version
 * (0 before the first) or @to_version does not follow it, when a removal
 * names no entry, or an addition's reference exists. */
gboolean          bd_watchlist_apply          (BdDb               *db,
                                               const BdActor      *actor,
                                               gint64              from_version,
                                               gint64              to_version,
                                               GPtrArray          *added,
                                               const char *const  *removed,
                                               const char         *sha256,
                                               GError            **error);

typedef struct {
  BdWatchlistSource source;
  gint64 version;
  gint64 persons;
  gint64 documents;
  char *updated;          /* UTC ISO 8601 */
  gint64 updated_unix;
} BdWatchlistStatus;

/* One BdWatchlistStatus per loaded source (local first); empty when no
 * list was ever loaded. */
GPtrArray        *bd_watchlist_status         (BdDb *db, GError **error);

/* Rebuilds the index from the entries, in one transaction.  Screens and
 * imports call it by themselves when the index was computed by a build
 * with another key algorithm. */
gboolean          bd_watchlist_reindex        (BdDb *db, GError **error);
gboolean          bd_watchlist_ensure_index   (BdDb *db, GError **error);

/* Screening. */

#define BD_WATCHLIST_SETTING_THRESHOLD "watchlist.threshold"     /* percent: 80, from 71 to 100 */
#define BD_WATCHLIST_SETTING_MAX_AGE   "watchlist.max_age_days"  /* 7 */

/* What is known of a traveller; any field may be NULL or "". */
typedef struct {
  const char *surname;
  const char *given_names;
  const char *birth_date;     /* YYYY-MM-DD, YYYY-MM or YYYY */
  const char *nationality;
  const char *issuing_state;
  const char *document_number;
} BdWatchlistQuery;

typedef struct {
  gint64 entry_id;
  BdWatchlistList list;
  BdWatchlistSource source;
  BdWatchlistAction action;
  char *reference;
  double score;               /* [0, 1]; 1 for an exact document number */
  GPtrArray *reasons;         /* of char*: which tokens matched how, which date rule */
} BdWatchlistHit;

void              bd_watchlist_hit_free       (BdWatchlistHit *hit);

/* The threshold from the setting, as a fraction. */
double            bd_watchlist_threshold      (BdDb *db);

/* Every entry scoring at least @threshold against @query, best first;
 * document hits always.  No role check and no audit: for the checks of a
 * registration (whose caller checked the officer) and for benchmarks. */
GPtrArray        *bd_watchlist_match          (BdDb                   *db,
                                               const BdWatchlistQuery *query,
                                               double                  threshold,
                                               GError                **error);

/* `borderdesk-admin screen`: bd_watchlist_match at the setting's
 * threshold for @actor (who may register or review crossings), audited as
 * "watchlist.screen" with the hit count and references. */
GPtrArray        *bd_watchlist_screen         (BdDb                   *db,
                                               const BdActor          *actor,
                                               const BdWatchlistQuery *query,
                                               GError                **error);

/* {"hits": [{"list", "reference", "action", "score", "reasons": [...]}]} */
JsonNode         *bd_watchlist_hits_to_json   (GPtrArray *hits);

/* The checks' hook: adds "watchlist" (block for a deny or refer hit,
 * warning for notify, ok without a hit, warning when no list is loaded),
 * "lost-stolen" (block on a listed document, warning for notify) and, when
 * a list is loaded, "watchlist-age" (warning when a source is older than
 * the BD_WATCHLIST_SETTING_MAX_AGE limit).  Reasons name the entry
 * (reference, list, action, score) and why it matched, names included:
 * check rows are stored with the crossing, not in the audit log. */
gboolean          bd_watchlist_screen_checks  (BdDb             *db,
                                               const BdIdentity *identity,
                                               GPtrArray        *checks,
                                               GError          **error);

const char       *bd_watchlist_list_to_string   (BdWatchlistList list);
const char       *bd_watchlist_action_to_string (BdWatchlistAction action);
const char       *bd_watchlist_source_to_string (BdWatchlistSource source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdWatchlistEntry, bd_watchlist_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdWatchlistHit, bd_watchlist_hit_free)

G_END_DECLS

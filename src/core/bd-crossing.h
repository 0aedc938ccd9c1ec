/* bd-crossing.h: recording crossings, the heart of the desk.
 *
 * bd_crossing_register() is the one path by which a crossing enters the
 * database, for the app, `borderdesk-admin register` and the demo seed
 * alike: checks, then one transaction (traveller and document upsert,
 * crossing, audit events) that returns only once it is durable.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-checks.h"
#include "bd-db.h"
#include "bd-mrz.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_CROSSING_ERROR (bd_crossing_error_quark ())
GQuark bd_crossing_error_quark (void);

typedef enum {
  BD_CROSSING_ERROR_INVALID,   /* the request itself is malformed */
  BD_CROSSING_ERROR_NO_SHIFT,  /* the officer has no open shift */
  BD_CROSSING_ERROR_BLOCKED,   /* a blocking check and no valid override: nothing recorded */
  BD_CROSSING_ERROR_OVERRIDE,  /* the override is not acceptable (role, same officer) */
} BdCrossingError;

typedef enum {
  BD_DECISION_ADMITTED,
  BD_DECISION_REFUSED,
  BD_DECISION_REFERRED,
} BdDecision;

typedef enum {
  BD_SOURCE_MRZ_READER,
  BD_SOURCE_TYPED_MRZ,
  BD_SOURCE_MANUAL,
  BD_SOURCE_CHIP,
  BD_SOURCE_IMPORTED,
} BdSource;

typedef struct {
  BdIdentity identity;
  const BdMrz *mrz;            /* nullable: keyed by hand */
  BdDirection direction;
  BdDecision decision;
  const char *refusal_reasons; /* letters A..I (Annex V Part B); refused only */
  BdSource source;
  const char *transport;       /* nullable free texts, at most 512 bytes each */
  const char *vehicle;
  const char *purpose;
  const char *visa;
  const char *vulnerability;   /* comma-separated flags */
  const char *note;
  const char *override_reason;
  gint64 time;                 /* unix seconds; 0: now */
  BdHistoryScope history;      /* the stay rule's history; 0: merged with HQ's */
  const BdFingerOutcome *finger;  /* nullable: not captured, no reader (a warning) */
} BdCrossingRequest;

/* Runs the checks and records the crossing for @officer in their open
 * shift.  An admitted crossing with a blocking check needs @override_by, a
 * different officer holding BD_PERM_OVERRIDE.  @checks (out, nullable) gets
 * the check list whenever the checks ran, also on BLOCKED.
 * Returns the new crossing's UUID, or NULL with @error set. */
char        *bd_crossing_register   (BdDb                    *db,
                                     const BdActor           *officer,
                                     const BdActor           *override_by,
                                     const BdCrossingRequest *request,
                                     GPtrArray              **checks,
                                     GError                 **error);

/* The checks bd_crossing_register would run now, without recording
 * anything: what the app shows while the guard works.  Needs
 * BD_PERM_REGISTER.  Returns the check list, or NULL with @error. */
GPtrArray   *bd_crossing_check      (BdDb             *db,
                                     const BdActor    *officer,
                                     const BdIdentity *identity,
                                     const BdMrz      *mrz,
                                     BdDirection       direction,
                                     GError          **error);

typedef struct {
  const char *issuing_state;    /* nullable; with document_number */
  const char *document_number;  /* nullable */
  const char *since;            /* nullable ISO 8601 */
  const char *uuid;             /* nullable */
  gint64 limit;                 /* <= 0: all */
} BdCrossingFilter;

/* Crossings as CONTRACT.md's crossing objects, newest first.  Needs
 * BD_PERM_REVIEW, or BD_PERM_REGISTER when the filter names one document
 * (issuing state and number): the history a guard needs at the desk. */
JsonArray   *bd_crossing_list       (BdDb *db, const BdActor *actor,
                                     const BdCrossingFilter *filter, GError **error);

/* One crossing object by row id, for the sync batches.  No role check:
 * the caller is the desk's own sync, which sends every crossing. */
JsonObject  *bd_crossing_object     (BdDb *db, gint64 crossing_id, GError **error);

/* `crossings import`: validates every line of @data (JSON lines), then
 * imports all in one transaction, or nothing.  @n_imported: count. */
gboolean     bd_crossing_import     (BdDb *db, const BdActor *actor, const char *data,
                                     gsize length, gint64 *n_imported, GError **error);

const char  *bd_decision_to_string  (BdDecision decision);
gboolean     bd_decision_from_string (const char *text, BdDecision *decision);
const char  *bd_source_to_string    (BdSource source);
/* Sorted, de-duplicated letters A..I, or NULL if @reasons has anything else. */
char        *bd_refusal_reasons_normalise (const char *reasons);

/* Binds the snapshot columns (doc_code, doc_expiry, surname, given_names,
 * nationality, birth_date, sex) from @first on.  Static: @id must outlive
 * the step. */
void         bd_bind_identity       (sqlite3_stmt *stmt, int first, const BdIdentity *id);

/* Shared by register and import: finds or creates the document and its
 * traveller, updating the traveller's details.  Inside a transaction. */
gboolean     bd_traveller_upsert    (BdDb *db, const BdIdentity *identity,
                                     gint64 *traveller_id, gint64 *document_id, GError **error);

G_END_DECLS

/* bd-subject-access.h: everything the desk holds on one person, for a
 * subject-access request (IOM's responsible use of biometrics; GDPR
 * article 15 where it applies). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_SUBJECT_ERROR (bd_subject_error_quark ())
GQuark bd_subject_error_quark (void);

typedef enum {
  BD_SUBJECT_ERROR_NOT_FOUND,
} BdSubjectError;

/* {"traveller": {...}, "documents": [...], "crossings": [...],
 *  "amendments": [...], "sync": {"crossings_at_hq": N, "crossings_pending": N}}
 * for the traveller holding @issuing_state:@number: their details, every
 * document they hold here, every crossing under any of them (CONTRACT.md
 * crossing objects, with the checks and watchlist hits recorded then) and
 * every amendment.  Needs BD_PERM_EXPORT_PERSONAL; audited as
 * "traveller.export" (the traveller's row id and counts, no names). */
JsonObject *bd_subject_export (BdDb *db, const BdActor *actor, const char *issuing_state,
                               const char *number, GError **error);

G_END_DECLS

/* bd-amendment.h: corrections of recorded crossings, and a supervisor's
 * look at one traveller's crossing.
 *
 * Crossings are append-only (triggers refuse UPDATE and DELETE): a
 * correction is an amendment row (field, old and new value, reason,
 * officer) beside the crossing, audited and queued for HQ.  The decision,
 * direction and time of a crossing are never amended: they were the
 * officer's act at the time. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_AMENDMENT_ERROR (bd_amendment_error_quark ())
GQuark bd_amendment_error_quark (void);

typedef enum {
  BD_AMENDMENT_ERROR_INVALID,     /* unknown field, bad value, no reason */
  BD_AMENDMENT_ERROR_NOT_FOUND,   /* no such crossing */
  BD_AMENDMENT_ERROR_SIGNED_OFF,  /* the shift is signed off: only a supervisor amends */
} BdAmendmentError;

/* Records that @field of crossing @uuid should read @value, for @reason
 * (required, at most 1024 bytes).  Fields: surname, given_names, nationality,
 * birth_date, sex, transport, vehicle, purpose, visa, vulnerability, note.
 * The crossing's own officer may amend while the shift is not signed off;
 * after that (and for others' crossings) it takes BD_PERM_SIGN_OFF.
 * Returns the amendment id, 0 on error. */
gint64    bd_crossing_amend        (BdDb *db, const BdActor *actor, const char *uuid,
                                    const char *field, const char *value, const char *reason,
                                    GError **error);

/* The amendments of crossing @uuid, oldest first: objects {id, time, officer,
 * field, old, new, reason}.  Needs BD_PERM_REVIEW. */
JsonArray *bd_crossing_amendments  (BdDb *db, const BdActor *actor, const char *uuid,
                                    GError **error);

/* One crossing with the traveller's personal data and its amendments
 * ("amendments" member), for a supervisor's drill-down.  Needs
 * BD_PERM_EXPORT_PERSONAL; every call is audited ("crossing.view"). */
JsonObject *bd_crossing_open_personal (BdDb *db, const BdActor *actor, const char *uuid,
                                       GError **error);

G_END_DECLS

/* bd-shift.h: an officer's shift at a desk: open, close, supervisor
 * sign-off, and the figures of a shift. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_SHIFT_ERROR (bd_shift_error_quark ())
GQuark bd_shift_error_quark (void);

typedef enum {
  BD_SHIFT_ERROR_INVALID,        /* a lane or note that is not acceptable text */
  BD_SHIFT_ERROR_NOT_FOUND,
  BD_SHIFT_ERROR_ALREADY_OPEN,   /* the officer has an open shift */
  BD_SHIFT_ERROR_NOT_OPEN,       /* no open shift / the shift is closed */
  BD_SHIFT_ERROR_STILL_OPEN,     /* sign-off needs a closed shift */
  BD_SHIFT_ERROR_SIGNED_OFF,     /* a signed-off shift is read-only */
  BD_SHIFT_ERROR_NOT_YOURS,      /* closing another officer's shift */
  BD_SHIFT_ERROR_OWN_SHIFT,      /* countersigning one's own shift */
} BdShiftError;

typedef struct {
  gint64 id;
  gint64 officer_id;
  char *officer;         /* username */
  char *desk;
  char *lane;            /* nullable */
  char *opened;
  char *closed;          /* NULL while open */
  char *close_note;
  char *signed_off_by;   /* username, NULL until signed off */
  char *signed_off_at;
  char *signoff_note;
  gint64 crossings;      /* count */
  gint64 alerts;         /* crossings that met a blocking check */
  gint64 overrides;      /* admitted over a blocking check */
  gint64 unsynced;       /* outbox rows (shift, crossings, amendments) without a receipt */
} BdShift;

typedef enum {
  BD_SHIFT_STATE_ANY,
  BD_SHIFT_STATE_OPEN,
  BD_SHIFT_STATE_CLOSED,       /* closed, not yet signed off */
  BD_SHIFT_STATE_SIGNED_OFF,
} BdShiftState;

/* Every member optional (NULL, "" or 0: no condition).  Days are UTC
 * "YYYY-MM-DD", inclusive, and match the day a shift opened. */
typedef struct {
  const char *from;
  const char *to;
  const char *desk;      /* "POST/N" */
  const char *officer;   /* username */
  BdShiftState state;
  gint64 limit;          /* <= 0: all */
} BdShiftFilter;

void       bd_shift_free      (BdShift *shift);

/* Opens a shift for @actor at this desk.  Returns its id, 0 on error. */
gint64     bd_shift_open      (BdDb *db, const BdActor *actor, const char *lane, GError **error);
/* The officer's open shift id, 0 when none (not an error). */
gint64     bd_shift_current   (BdDb *db, gint64 officer_id, GError **error);
/* Only the shift's own officer closes it (or an admin ending a forgotten one). */
gboolean   bd_shift_close     (BdDb *db, const BdActor *actor, gint64 shift_id,
                               const char *note, GError **error);
/* A supervisor or admin countersigns a closed shift that is not their own. */
gboolean   bd_shift_sign_off  (BdDb *db, const BdActor *actor, gint64 shift_id,
                               const char *note, GError **error);
BdShift   *bd_shift_get       (BdDb *db, gint64 shift_id, GError **error);
/* All shifts, newest first; @limit <= 0 for all.  Needs BD_PERM_REVIEW. */
GPtrArray *bd_shift_list      (BdDb *db, const BdActor *actor, gint64 limit, GError **error);
/* The shifts @filter selects, newest first.  Needs BD_PERM_REVIEW. */
GPtrArray *bd_shift_query     (BdDb *db, const BdActor *actor, const BdShiftFilter *filter,
                               GError **error);
/* "open", "closed" or "signed-off". */
const char *bd_shift_state_to_string   (const BdShift *shift);
/* "any", "open", "closed", "signed-off"; FALSE for anything else. */
gboolean   bd_shift_state_from_string  (const char *text, BdShiftState *state);

JsonNode  *bd_shift_to_json   (const BdShift *shift);
/* CONTRACT.md's `shift report --json` object.  Needs BD_PERM_REVIEW, or
 * the shift being the actor's own. */
JsonNode  *bd_shift_report    (BdDb *db, const BdActor *actor, gint64 shift_id, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdShift, bd_shift_free)

G_END_DECLS

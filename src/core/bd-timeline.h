/* bd-timeline.h: a shift as a supervisor reviews it: one time-ordered list
 * of what happened, from the audit log and the tables. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

typedef enum {
  BD_TIMELINE_LOGIN,          /* the shift's officer logged in */
  BD_TIMELINE_LOGIN_FAILED,   /* a failed login at the desk during the shift */
  BD_TIMELINE_SHIFT,          /* opened, closed, signed off, exported */
  BD_TIMELINE_CROSSING,
  BD_TIMELINE_ALERT,          /* a crossing that met a blocking check; detail: resolution */
  BD_TIMELINE_OVERRIDE,       /* admitted over an alert: both officers */
  BD_TIMELINE_AMENDMENT,
  BD_TIMELINE_SYNC,
  BD_TIMELINE_READER,         /* document or fingerprint reader errors */
  BD_TIMELINE_VIEW,           /* a supervisor opened a traveller's personal data */
  BD_TIMELINE_N_KINDS
} BdTimelineKind;

typedef struct {
  char *time;       /* "YYYY-MM-DDTHH:MM:SSZ" */
  BdTimelineKind kind;
  char *actor;      /* username, "cli" or "nobody" */
  char *detail;     /* codes and ids, no names or document numbers */
  char *crossing;   /* UUID when the event is about one crossing, else NULL */
} BdTimelineEvent;

void        bd_timeline_event_free (BdTimelineEvent *event);
/* "login", "login-failed", "shift", "crossing", "alert", "override", "amendment",
 * "sync", "reader", "view". */
const char *bd_timeline_kind_to_string (BdTimelineKind kind);

/* The events of shift @shift_id, oldest first: audit events between its
 * opening and closing (or now) by or about its officer, sync and reader
 * events in that window, and about the shift itself at any time;
 * its crossings, alerts and overrides; amendments of its crossings at any
 * time.  Needs BD_PERM_REVIEW.  A GPtrArray of BdTimelineEvent. */
GPtrArray  *bd_timeline_for_shift  (BdDb *db, const BdActor *actor, gint64 shift_id,
                                    GError **error);

JsonNode   *bd_timeline_to_json    (GPtrArray *events);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdTimelineEvent, bd_timeline_event_free)

G_END_DECLS

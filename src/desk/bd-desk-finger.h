/* bd-desk-finger.h: what the desk's fingerprint panel asks of the
 * database, and the outcome it hands to the crossing.
 *
 * Before a capture the panel needs a plan: a traveller with prints on file
 * made by this desk's reader model is verified 1:1 against them; anyone
 * else is searched 1:N against the desk gallery (other travellers only)
 * and then enrolled.  The plan is made in a context worker (the database
 * and the data key never touch the main thread); the capture itself runs
 * on the fingerprint service's thread.
 */
#pragma once

#include "bd-checks.h"
#include "bd-desk-context.h"

G_BEGIN_DECLS

/* An owned BdFingerOutcome: @outcome's strings and template point into
 * this struct's own copies, so it can ride a BdDeskRequest to a worker. */
struct _BdDeskFinger {
  BdFingerOutcome outcome;
  char *finger;
  char *reason;
  char *other_document;
  char *driver;
  char *quality;
  GBytes *template;        /* wipes itself when freed (bd_secret_bytes_new) */
};

/* A deep copy of @outcome. */
BdDeskFinger *bd_desk_finger_new  (const BdFingerOutcome *outcome);
BdDeskFinger *bd_desk_finger_copy (const BdDeskFinger *finger);
void          bd_desk_finger_free (BdDeskFinger *finger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdDeskFinger, bd_desk_finger_free)

typedef enum {
  BD_FINGER_PLAN_ENROLL,   /* search the gallery (when not empty), then enrol */
  BD_FINGER_PLAN_VERIFY,   /* match against the print on file */
} BdFingerPlanMode;

typedef struct {
  BdFingerPlanMode mode;
  int finger;              /* FpFinger: the one on file (VERIFY), the desk's (ENROLL) */
  GBytes *template;        /* VERIFY: the print on file, opened */
  GPtrArray *gallery;      /* ENROLL: of BdGalleryEntry, other travellers' prints made by
                            * this reader's driver, at most the gallery bound */
} BdFingerPlan;

void          bd_finger_plan_free (BdFingerPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdFingerPlan, bd_finger_plan_free)

/* Plans the capture for @document ("ISSUER:NUMBER") on the desk's reader
 * (bd_desk_context_get_fingerprint).  Needs an officer allowed to handle
 * fingerprints.  A print on file made by another reader model cannot be
 * matched here: the plan is a new enrolment. */
void          bd_desk_context_finger_plan_async  (BdDeskContext *self, const char *document,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
BdFingerPlan *bd_desk_context_finger_plan_finish (BdDeskContext *self, GAsyncResult *result,
                                                  GError **error);

G_END_DECLS

/* bd-history-remote.h: a traveller's history from HQ (docs/protocol.md,
 * sections 8 and 9): the signed answer to a history query, and the signed
 * open-stays feed, made at HQ and verified and kept on the desk.
 *
 * The desk's stay rule, default direction and overstay check read the
 * merged history (bd_history_stay_events): this desk's crossings, HQ's
 * answer for the document (less this desk's own crossings, by uuid), and,
 * when neither has the traveller's last entry, the open-stays feed.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_HISTORY_ERROR (bd_history_error_quark ())
GQuark bd_history_error_quark (void);

typedef enum {
  BD_HISTORY_ERROR_INVALID,   /* a document that breaks the protocol */
  BD_HISTORY_ERROR_VERSION,   /* an open-stays delta that does not start at our version */
} BdHistoryError;

/* One admitted crossing as HQ reports it. */
typedef struct {
  char *uuid;
  char *issuing_state;
  char *number;
  char *time;            /* UTC ISO 8601 */
  gboolean is_entry;
  char *post;
  char *desk;
} BdRemoteCrossing;

BdRemoteCrossing *bd_remote_crossing_new  (const char *uuid, const char *issuing_state,
                                           const char *number, const char *time,
                                           gboolean is_entry, const char *post,
                                           const char *desk);
void              bd_remote_crossing_free (BdRemoteCrossing *crossing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdRemoteCrossing, bd_remote_crossing_free)

/* HQ: the signed answer (typ borderdesk-history+jws) for ISSUER:NUMBER.
 * @crossings: BdRemoteCrossing *, admitted only, any order. */
char     *bd_history_answer_make   (const char *issuing_state, const char *number,
                                    const char *as_of, GPtrArray *crossings,
                                    EVP_PKEY *key, X509 *cert, GError **error);

typedef struct {
  char *issuing_state;
  char *number;
  char *as_of;
  GPtrArray *crossings;  /* BdRemoteCrossing * */
} BdHistoryAnswer;

void      bd_history_answer_free   (BdHistoryAnswer *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdHistoryAnswer, bd_history_answer_free)

/* Desk: verifies an answer against HQ's document-signing certificate
 * under @ca, and that it answers for the document asked about. */
BdHistoryAnswer *bd_history_answer_verify (const char *text, gsize length, X509 *ca,
                                           const char *issuing_state, const char *number,
                                           GError **error);

/* Desk: keeps @answer as the document's remote history (replacing the
 * previous answer for it), in one transaction. */
gboolean  bd_history_remote_store  (BdDb *db, const BdHistoryAnswer *answer, GError **error);

/* Desk: HQ's kept crossings of the traveller holding ISSUER:NUMBER that
 * this desk does not hold itself, as objects {"id", "time", "direction",
 * "decision": "admitted", "post", "desk", "remote": true}, newest first:
 * what the history panel marks as from other desks and posts. */
JsonArray *bd_history_remote_list  (BdDb *db, const char *issuing_state, const char *number,
                                    GError **error);

/* HQ: the signed open-stays delta (typ borderdesk-open-stays+jws) from
 * version @from to @to: @open (BdRemoteCrossing *: each traveller's last
 * admitted entry, for documents in the country) and @closed (documents
 * no longer in the country, "ISSUER:NUMBER"). */
char     *bd_open_stays_delta_make (gint64 from, gint64 to, const char *published,
                                    GPtrArray *open, const char *const *closed,
                                    EVP_PKEY *key, X509 *cert, GError **error);

typedef struct {
  gint64 from;
  gint64 to;
  char *published;
  GPtrArray *open;       /* BdRemoteCrossing * */
  GPtrArray *closed;     /* char *: "ISSUER:NUMBER" */
} BdOpenStaysDelta;

void      bd_open_stays_delta_free   (BdOpenStaysDelta *delta);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdOpenStaysDelta, bd_open_stays_delta_free)

BdOpenStaysDelta *bd_open_stays_delta_verify (const char *text, gsize length, X509 *ca,
                                              GError **error);

/* Desk: applies a verified delta in one transaction, only when @delta->from
 * is the desk's version (an old delta cannot be replayed).  A kept HQ
 * answer older than a stay's change is dropped as stale.  Audited as
 * "history.open-stays" with counts.  @actor needs BD_PERM_SYNC. */
gboolean  bd_open_stays_apply        (BdDb *db, const BdActor *actor,
                                      const BdOpenStaysDelta *delta, GError **error);

/* The open-stays feed's version and publication time (NULL before the
 * first delta). */
gboolean  bd_open_stays_version      (BdDb *db, gint64 *version, char **published,
                                      GError **error);

G_END_DECLS

/* bd-audit.h: the hash-chained audit log.
 *
 * Each event stores prev (the hash of its predecessor; 64 zeros for the
 * first) and hash = SHA-256 over a length-prefixed encoding of
 * (seq, time, actor, action, object, details, prev): every field as an
 * 8-byte big-endian length followed by its UTF-8 bytes, seq in decimal.
 * Editing, deleting or reordering any event breaks the chain at that event.
 * The head (seq, hash) is anchored outside the desk (sync batches, shift
 * sign-offs), which also catches a chain cut short at its end.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-db.h"

G_BEGIN_DECLS

#define BD_AUDIT_HASH_LEN 64

/* Appends an event.  Must run inside a bd_db_begin() transaction so the
 * head read and the insert are atomic against the app and the CLI writing
 * at once.  @details: a JSON object of ids and codes (never names or
 * document numbers), or NULL for {}.  Its members are written in order. */
gboolean bd_audit_append (BdDb        *db,
                          const char  *actor,
                          const char  *action,
                          const char  *object,
                          JsonObject  *details,
                          GError     **error);

/* The same, in its own transaction. */
gboolean bd_audit_record (BdDb        *db,
                          const char  *actor,
                          const char  *action,
                          const char  *object,
                          JsonObject  *details,
                          GError     **error);

/* The last event: seq 0 and 64 zeros when the log is empty. */
gboolean bd_audit_head   (BdDb        *db,
                          gint64      *seq,
                          char         hash[BD_AUDIT_HASH_LEN + 1],
                          GError     **error);

typedef struct {
  gint64 n_events;
  gint64 first_bad;   /* 0 when intact */
  char *reason;       /* NULL when intact */
} BdAuditReport;

/* Walks the whole chain.  Returns FALSE only when it could not be read;
 * the verdict is in @report. */
gboolean bd_audit_verify (BdDb          *db,
                          BdAuditReport *report,
                          GError       **error);
void     bd_audit_report_clear (BdAuditReport *report);

/* The hash of one event's fields (exposed for tests). */
void     bd_audit_compute_hash (gint64      seq,
                                const char *time,
                                const char *actor,
                                const char *action,
                                const char *object,
                                const char *details,
                                const char *prev,
                                char        out[BD_AUDIT_HASH_LEN + 1]);

G_END_DECLS

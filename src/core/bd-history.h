/* bd-history.h: a traveller's crossings in this database. */
#pragma once

#include <glib.h>

#include "bd-db.h"
#include "bd-post.h"
#include "bd-stay.h"

G_BEGIN_DECLS

typedef enum {
  BD_HISTORY_MERGED,   /* this desk, HQ's last answer, the open-stays feed */
  BD_HISTORY_LOCAL,    /* this desk's records only */
} BdHistoryScope;

/* Where a merged history came from. */
typedef struct {
  char *as_of;                 /* HQ's last answer for the document; NULL: none */
  gint64 remote_events;        /* events from HQ's answer, not made at this desk */
  gboolean open_stay_used;     /* the last entry came from the open-stays feed */
  gint64 open_stays_version;   /* 0: no feed received */
  char *open_stays_published;
} BdHistorySource;

void      bd_history_source_clear (BdHistorySource *source);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BdHistorySource, bd_history_source_clear)

/* The admitted crossings of whoever holds ISSUER:NUMBER (all their
 * documents), as stay events in time order: merged (bd-history-remote.h)
 * for bd_history_stay_events, or as @scope says.  Empty for an unknown
 * document.  @source (nullable, out): where they came from. */
GArray   *bd_history_stay_events (BdDb *db, const char *issuing_state, const char *number,
                                  GError **error);
GArray   *bd_history_stay_events_scoped (BdDb *db, const char *issuing_state,
                                         const char *number, BdHistoryScope scope,
                                         BdHistorySource *source, GError **error);

/* The direction of the traveller's last admitted crossing.  FALSE in
 * *@known when there is none. */
gboolean  bd_history_last_direction (BdDb *db, const char *issuing_state, const char *number,
                                     gboolean *known, gboolean *was_entry, GError **error);

/* The stay rule of @post for that traveller, present on @on. */
gboolean  bd_history_stay        (BdDb *db, const BdPost *post, const char *issuing_state,
                                  const char *number, guint32 on, BdStayResult *result,
                                  GError **error);

gboolean  bd_history_stay_scoped (BdDb *db, const BdPost *post, const char *issuing_state,
                                  const char *number, guint32 on, BdHistoryScope scope,
                                  BdHistorySource *source, BdStayResult *result,
                                  GError **error);

/* Splits "ISSUER:NUMBER".  FALSE on anything else. */
gboolean  bd_document_ref_parse  (const char *ref, char **issuing_state, char **number);

G_END_DECLS

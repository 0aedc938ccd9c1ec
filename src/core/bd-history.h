/* bd-history.h: a traveller's crossings in this database. */
#pragma once

#include <glib.h>

#include "bd-db.h"
#include "bd-post.h"
#include "bd-stay.h"

G_BEGIN_DECLS

/* The admitted crossings of whoever holds ISSUER:NUMBER (all their
 * documents), as stay events in time order.  Empty for an unknown document. */
GArray   *bd_history_stay_events (BdDb *db, const char *issuing_state, const char *number,
                                  GError **error);

/* The direction of the traveller's last admitted crossing.  FALSE in
 * *@known when there is none. */
gboolean  bd_history_last_direction (BdDb *db, const char *issuing_state, const char *number,
                                     gboolean *known, gboolean *was_entry, GError **error);

/* The stay rule of @post for that traveller, present on @on. */
gboolean  bd_history_stay        (BdDb *db, const BdPost *post, const char *issuing_state,
                                  const char *number, guint32 on, BdStayResult *result,
                                  GError **error);

/* Splits "ISSUER:NUMBER".  FALSE on anything else. */
gboolean  bd_document_ref_parse  (const char *ref, char **issuing_state, char **number);

G_END_DECLS

/* bd-history.c: history queries (bd-history.h). */
#include "config.h"

#include <string.h>

#include "bd-history.h"

GArray *
bd_history_stay_events (BdDb *db, const char *issuing_state, const char *number, GError **error)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (BdStayEvent));
  sqlite3_stmt *stmt;
  int rc;

  stmt = bd_db_stmt (db,
                     "SELECT c.day, c.direction FROM crossings c "
                     "WHERE c.document_id IN "
                     "  (SELECT id FROM documents WHERE traveller_id = "
                     "     (SELECT traveller_id FROM documents "
                     "      WHERE issuing_state = ? AND number = ?)) "
                     "AND c.decision = 'admitted' ORDER BY c.time, c.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdStayEvent ev;

      ev.day = (guint32) sqlite3_column_int64 (stmt, 0);
      ev.is_entry = strcmp ((const char *) sqlite3_column_text (stmt, 1), "entry") == 0;
      g_array_append_val (events, ev);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading the traveller's history");
      return NULL;
    }
  return g_steal_pointer (&events);
}

gboolean
bd_history_last_direction (BdDb *db, const char *issuing_state, const char *number,
                           gboolean *known, gboolean *was_entry, GError **error)
{
  g_autoptr(GArray) events = bd_history_stay_events (db, issuing_state, number, error);

  if (events == NULL)
    return FALSE;
  *known = events->len > 0;
  *was_entry = *known && g_array_index (events, BdStayEvent, events->len - 1).is_entry;
  return TRUE;
}

gboolean
bd_history_stay (BdDb *db, const BdPost *post, const char *issuing_state, const char *number,
                 guint32 on, BdStayResult *result, GError **error)
{
  g_autoptr(GArray) events = bd_history_stay_events (db, issuing_state, number, error);

  if (events == NULL)
    return FALSE;
  bd_stay_compute (&post->stay, (const BdStayEvent *) events->data, events->len, on, result);
  return TRUE;
}

gboolean
bd_document_ref_parse (const char *ref, char **issuing_state, char **number)
{
  const char *colon = ref != NULL ? strchr (ref, ':') : NULL;
  gsize n_state;

  if (colon == NULL)
    return FALSE;
  n_state = colon - ref;
  if (n_state < 1 || n_state > 3 || colon[1] == '\0' || strlen (colon + 1) > 32)
    return FALSE;
  for (const char *p = ref; p < colon; p++)
    if (!g_ascii_isupper (*p))
      return FALSE;
  for (const char *p = colon + 1; *p != '\0'; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '<')
      return FALSE;
  *issuing_state = g_strndup (ref, n_state);
  *number = g_strdup (colon + 1);
  return TRUE;
}

/* bd-history.c: history queries (bd-history.h). */
#include "config.h"

#include <string.h>

#include "bd-history.h"

void
bd_history_source_clear (BdHistorySource *source)
{
  g_clear_pointer (&source->as_of, g_free);
  g_clear_pointer (&source->open_stays_published, g_free);
}

/* Where a merged history came from: HQ's last answer for the document,
 * and the open-stays feed's version. */
static gboolean
history_source (BdDb *db, const char *issuing_state, const char *number,
                BdHistorySource *source, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT as_of FROM remote_history "
                                       "WHERE issuing_state = ? AND number = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    source->as_of = bd_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading where the history came from");
  stmt = bd_db_stmt (db, "SELECT version, published FROM open_stays_meta WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      source->open_stays_version = sqlite3_column_int64 (stmt, 0);
      source->open_stays_published = bd_db_column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* The traveller's documents: every document this desk links to the one
 * asked about, and that one itself (an exit desk may never have seen the
 * traveller).  Then their admitted crossings here, HQ's answer less this
 * desk's own crossings (by uuid), and the open-stays entry when it is
 * neither. */
#define DOCUMENTS \
  "WITH docs (state, num) AS (" \
  "  SELECT d.issuing_state, d.number FROM documents d WHERE d.traveller_id = " \
  "    (SELECT traveller_id FROM documents WHERE issuing_state = ?1 AND number = ?2) " \
  "  UNION SELECT ?1, ?2) "
#define LOCAL_EVENTS \
  "SELECT c.day AS day, c.direction AS direction, c.time AS time, 0 AS remote " \
  "FROM crossings c " \
  "JOIN documents d ON d.id = c.document_id " \
  "JOIN docs ON docs.state = d.issuing_state AND docs.num = d.number " \
  "WHERE c.decision = 'admitted' "

static const char *const event_queries[] = {
  [BD_HISTORY_MERGED] =
    DOCUMENTS
    "SELECT day, direction, time, remote FROM ("
    LOCAL_EVENTS
    "UNION ALL "
    "SELECT r.day, r.direction, r.time, 1 FROM remote_crossings r "
    "JOIN docs ON docs.state = r.issuing_state AND docs.num = r.number "
    "WHERE NOT EXISTS (SELECT 1 FROM crossings WHERE uuid = r.uuid) "
    "UNION ALL "
    "SELECT o.day, 'entry', o.time, 2 FROM open_stays o "
    "JOIN docs ON docs.state = o.issuing_state AND docs.num = o.number "
    "WHERE NOT EXISTS (SELECT 1 FROM crossings WHERE uuid = o.crossing) "
    "AND NOT EXISTS (SELECT 1 FROM remote_crossings WHERE uuid = o.crossing)"
    ") ORDER BY time",
  [BD_HISTORY_LOCAL] =
    DOCUMENTS LOCAL_EVENTS "ORDER BY c.time, c.id",
};

GArray *
bd_history_stay_events_scoped (BdDb *db, const char *issuing_state, const char *number,
                               BdHistoryScope scope, BdHistorySource *source, GError **error)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (BdStayEvent));
  sqlite3_stmt *stmt;
  int rc;

  if (source != NULL)
    memset (source, 0, sizeof *source);
  stmt = bd_db_stmt (db, event_queries[scope], error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, issuing_state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BdStayEvent ev;
      int origin = sqlite3_column_int (stmt, 3);

      ev.day = (guint32) sqlite3_column_int64 (stmt, 0);
      ev.is_entry = strcmp ((const char *) sqlite3_column_text (stmt, 1), "entry") == 0;
      g_array_append_val (events, ev);
      if (source != NULL)
        {
          source->remote_events += origin == 1;
          source->open_stay_used |= origin == 2;
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "reading the traveller's history");
      return NULL;
    }
  if (source != NULL && scope == BD_HISTORY_MERGED &&
      !history_source (db, issuing_state, number, source, error))
    return NULL;
  return g_steal_pointer (&events);
}

GArray *
bd_history_stay_events (BdDb *db, const char *issuing_state, const char *number, GError **error)
{
  return bd_history_stay_events_scoped (db, issuing_state, number, BD_HISTORY_MERGED, NULL,
                                        error);
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
  return bd_history_stay_scoped (db, post, issuing_state, number, on, BD_HISTORY_MERGED, NULL,
                                 result, error);
}

gboolean
bd_history_stay_scoped (BdDb *db, const BdPost *post, const char *issuing_state,
                        const char *number, guint32 on, BdHistoryScope scope,
                        BdHistorySource *source, BdStayResult *result, GError **error)
{
  g_autoptr(GArray) events = bd_history_stay_events_scoped (db, issuing_state, number, scope,
                                                            source, error);

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

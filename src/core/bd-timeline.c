/* bd-timeline.c: a shift's timeline (bd-timeline.h).
 *
 * Crossings, alerts, overrides and amendments come from their tables (the
 * authoritative record, with both officers' names); everything else from
 * the audit log. */
#include "config.h"

#include <string.h>

#include "bd-date.h"
#include "bd-shift.h"
#include "bd-timeline.h"

static const char *const kind_names[BD_TIMELINE_N_KINDS] = {
  [BD_TIMELINE_LOGIN] = "login",
  [BD_TIMELINE_LOGIN_FAILED] = "login-failed",
  [BD_TIMELINE_SHIFT] = "shift",
  [BD_TIMELINE_CROSSING] = "crossing",
  [BD_TIMELINE_ALERT] = "alert",
  [BD_TIMELINE_OVERRIDE] = "override",
  [BD_TIMELINE_AMENDMENT] = "amendment",
  [BD_TIMELINE_SYNC] = "sync",
  [BD_TIMELINE_READER] = "reader",
  [BD_TIMELINE_VIEW] = "view",
};

void
bd_timeline_event_free (BdTimelineEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->time);
  g_free (e->actor);
  g_free (e->detail);
  g_free (e->crossing);
  g_free (e);
}

const char *
bd_timeline_kind_to_string (BdTimelineKind kind)
{
  return (guint) kind < BD_TIMELINE_N_KINDS ? kind_names[kind] : "?";
}

static BdTimelineEvent *
event_new (const char *time, BdTimelineKind kind, const char *actor, char *detail,
           const char *crossing)
{
  BdTimelineEvent *e = g_new0 (BdTimelineEvent, 1);

  e->time = g_strdup (time);
  e->kind = kind;
  e->actor = g_strdup (actor != NULL ? actor : "cli");
  e->detail = detail;
  e->crossing = g_strdup (crossing);
  return e;
}

/* The kind of an audit action, or -1 for actions the timeline leaves out. */
static int
audit_kind (const char *action)
{
  if (strcmp (action, "login") == 0)
    return BD_TIMELINE_LOGIN;
  if (strcmp (action, "login.failed") == 0 || strcmp (action, "officer.locked") == 0)
    return BD_TIMELINE_LOGIN_FAILED;
  if (g_str_has_prefix (action, "shift."))
    return BD_TIMELINE_SHIFT;
  if (g_str_has_prefix (action, "sync.") || g_str_has_prefix (action, "receipt."))
    return BD_TIMELINE_SYNC;
  if (g_str_has_prefix (action, "reader.") || g_str_has_prefix (action, "finger."))
    return BD_TIMELINE_READER;
  if (strcmp (action, "crossing.view") == 0)
    return BD_TIMELINE_VIEW;
  return -1;
}

/* "shift.close {"reason": ...}" as "close reason=...": the details hold
 * only ids and codes (bd-audit.h), so they can be shown as they are. */
static char *
audit_detail (const char *action, const char *object, const char *details)
{
  g_autoptr(JsonNode) node = json_from_string (details, NULL);
  GString *s = g_string_new (strchr (action, '.') != NULL ? strchr (action, '.') + 1 : action);

  if (strcmp (action, "login.failed") == 0 || strcmp (action, "login") == 0)
    g_string_assign (s, strcmp (action, "login") == 0 ? "" : "failed");
  if (object != NULL && *object != '\0' && !g_str_has_prefix (object, "officer:"))
    g_string_append_printf (s, "%s%s", s->len > 0 ? " " : "", object);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) keys = json_object_get_members (o);

      for (GList *k = keys; k != NULL; k = k->next)
        {
          JsonNode *v = json_object_get_member (o, k->data);

          if (!JSON_NODE_HOLDS_VALUE (v) || strcmp (k->data, "audit_head") == 0)
            continue;
          if (json_node_get_value_type (v) == G_TYPE_STRING)
            g_string_append_printf (s, "%s%s=%s", s->len > 0 ? " " : "", (char *) k->data,
                                    json_node_get_string (v));
          else if (json_node_get_value_type (v) == G_TYPE_INT64)
            g_string_append_printf (s, "%s%s=%" G_GINT64_FORMAT, s->len > 0 ? " " : "",
                                    (char *) k->data, json_node_get_int (v));
        }
    }
  return g_string_free (s, FALSE);
}

static gboolean
add_audit_events (BdDb *db, const BdShift *shift, const char *end, GPtrArray *out,
                  GError **error)
{
  g_autofree char *officer = g_strdup_printf ("officer:%" G_GINT64_FORMAT, shift->officer_id);
  g_autofree char *object = g_strdup_printf ("shift:%" G_GINT64_FORMAT, shift->id);
  sqlite3_stmt *stmt;
  int rc;

  stmt = bd_db_stmt (db,
    "SELECT a.time, a.action, a.object, a.details, "
    "       CASE WHEN a.actor LIKE 'officer:%' THEN o.username ELSE a.actor END "
    "FROM audit a LEFT JOIN officers o ON 'officer:' || o.id = a.actor "
    "WHERE a.object = :shift "
    "   OR (a.action = 'crossing.view' AND a.object IN "
    "       (SELECT 'crossing:' || uuid FROM crossings WHERE shift_id = :id)) "
    "   OR (a.time >= :opened AND a.time <= :end AND a.action NOT LIKE 'crossing.%' "
    "       AND a.action NOT LIKE 'shift.%' "
    "       AND (a.actor = :officer OR a.object = :officer OR a.actor = 'nobody' "
    "            OR a.action LIKE 'sync.%' OR a.action LIKE 'receipt.%' "
    "            OR a.action LIKE 'reader.%' OR a.action LIKE 'finger.%')) "
    "ORDER BY a.seq", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":shift"), object, -1,
                     SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":id"), shift->id);
  sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":opened"), shift->opened, -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":end"), end, -1,
                     SQLITE_STATIC);
  sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":officer"), officer, -1,
                     SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *action = (const char *) sqlite3_column_text (stmt, 1);
      const char *obj = (const char *) sqlite3_column_text (stmt, 2);
      int kind = audit_kind (action);

      if (kind < 0)
        continue;
      g_ptr_array_add (out, event_new ((const char *) sqlite3_column_text (stmt, 0), kind,
                                       (const char *) sqlite3_column_text (stmt, 4),
                                       audit_detail (action, obj,
                                                     (const char *) sqlite3_column_text (stmt,
                                                                                         3)),
                                       kind == BD_TIMELINE_VIEW ? obj + strlen ("crossing:")
                                                                : NULL));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the audit log");
  return TRUE;
}

/* Blocking check names from a crossing's checks JSON, comma-separated. */
static char *
blocking_checks (const char *checks)
{
  g_autoptr(JsonNode) node = json_from_string (checks, NULL);
  GString *s = g_string_new (NULL);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *c = json_array_get_object_element (a, i);

          if (c != NULL &&
              g_strcmp0 (json_object_get_string_member_with_default (c, "state", ""),
                         "block") == 0)
            g_string_append_printf (s, "%s%s", s->len > 0 ? "," : "",
                                    json_object_get_string_member_with_default (c, "name", "?"));
        }
    }
  return g_string_free (s, FALSE);
}

static gboolean
add_crossings (BdDb *db, const BdShift *shift, GPtrArray *out, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = bd_db_stmt (db, "SELECT c.time, c.uuid, c.direction, c.decision, c.nationality, "
                         "       c.refusal_reasons, c.checks, o.username, so.username "
                         "FROM crossings c LEFT JOIN officers o ON o.id = c.officer_id "
                         "LEFT JOIN officers so ON so.id = c.override_by "
                         "WHERE c.shift_id = ? ORDER BY c.time, c.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shift->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *time = (const char *) sqlite3_column_text (stmt, 0);
      const char *uuid = (const char *) sqlite3_column_text (stmt, 1);
      const char *decision = (const char *) sqlite3_column_text (stmt, 3);
      const char *reasons = (const char *) sqlite3_column_text (stmt, 5);
      const char *officer = (const char *) sqlite3_column_text (stmt, 7);
      const char *supervisor = (const char *) sqlite3_column_text (stmt, 8);
      g_autofree char *blocks = blocking_checks ((const char *) sqlite3_column_text (stmt, 6));
      GString *d = g_string_new (NULL);

      g_string_printf (d, "%s %s %s", (const char *) sqlite3_column_text (stmt, 2), decision,
                       (const char *) sqlite3_column_text (stmt, 4));
      if (reasons != NULL && *reasons != '\0')
        g_string_append_printf (d, " reasons=%s", reasons);
      if (*blocks != '\0')
        g_string_append_printf (d, " checks=%s resolved=%s", blocks,
                                supervisor != NULL ? "override" : decision);
      g_ptr_array_add (out, event_new (time, *blocks != '\0' ? BD_TIMELINE_ALERT
                                                             : BD_TIMELINE_CROSSING,
                                       officer, g_string_free (d, FALSE), uuid));
      if (supervisor != NULL)
        g_ptr_array_add (out, event_new (time, BD_TIMELINE_OVERRIDE, supervisor,
                                         g_strdup_printf ("officer=%s supervisor=%s checks=%s",
                                                          officer, supervisor, blocks),
                                         uuid));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading crossings");
  return TRUE;
}

static gboolean
add_amendments (BdDb *db, const BdShift *shift, GPtrArray *out, GError **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = bd_db_stmt (db, "SELECT a.time, c.uuid, a.field, coalesce (o.username, 'cli') "
                         "FROM amendments a JOIN crossings c ON c.id = a.crossing_id "
                         "LEFT JOIN officers o ON o.id = a.officer_id "
                         "WHERE c.shift_id = ? ORDER BY a.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shift->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, event_new ((const char *) sqlite3_column_text (stmt, 0),
                                     BD_TIMELINE_AMENDMENT,
                                     (const char *) sqlite3_column_text (stmt, 3),
                                     g_strdup_printf ("field=%s",
                                                      sqlite3_column_text (stmt, 2)),
                                     (const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading amendments");
  return TRUE;
}

static int
by_time (gconstpointer a, gconstpointer b)
{
  const BdTimelineEvent *x = *(BdTimelineEvent *const *) a;
  const BdTimelineEvent *y = *(BdTimelineEvent *const *) b;

  return strcmp (x->time, y->time);
}

GPtrArray *
bd_timeline_for_shift (BdDb *db, const BdActor *actor, gint64 shift_id, GError **error)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(BdShift) shift = NULL;
  g_autofree char *now = NULL;

  if (!bd_actor_require (actor, BD_PERM_REVIEW, error))
    return NULL;
  shift = bd_shift_get (db, shift_id, error);
  if (shift == NULL)
    return NULL;
  now = bd_time_format (bd_clock_now ());
  events = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_timeline_event_free);
  if (!add_audit_events (db, shift, shift->closed != NULL ? shift->closed : now, events,
                         error) ||
      !add_crossings (db, shift, events, error) ||
      !add_amendments (db, shift, events, error))
    return NULL;
  /* g_ptr_array_sort is a stable merge sort: events of the same second keep
   * their order (login before the crossings, the crossing before its override). */
  g_ptr_array_sort (events, by_time);
  return g_steal_pointer (&events);
}

JsonNode *
bd_timeline_to_json (GPtrArray *events)
{
  JsonArray *a = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < events->len; i++)
    {
      BdTimelineEvent *e = events->pdata[i];
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "time", e->time);
      json_object_set_string_member (o, "kind", bd_timeline_kind_to_string (e->kind));
      json_object_set_string_member (o, "actor", e->actor);
      json_object_set_string_member (o, "detail", e->detail);
      if (e->crossing != NULL)
        json_object_set_string_member (o, "crossing", e->crossing);
      else
        json_object_set_null_member (o, "crossing");
      json_array_add_object_element (a, o);
    }
  json_node_take_array (node, a);
  return node;
}

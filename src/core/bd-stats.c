/* bd-stats.c: the supervisor's figures (bd-stats.h).
 *
 * One pass over the scope's crossings counts every group in C, so a new
 * breakdown costs no extra query; the alert rule is bd_shift_report's. */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-cleanup.h"
#include "bd-date.h"
#include "bd-post.h"
#include "bd-shift.h"
#include "bd-stats.h"

G_DEFINE_QUARK (bd-stats-error-quark, bd_stats_error)


static const char *const groups[] = {
  "by_direction", "by_decision", "by_sex", "by_nationality", "by_hour", "by_refusal_reason",
  "by_age_band", "by_vulnerability",
};

enum {
  G_DIRECTION, G_DECISION, G_SEX, G_NATIONALITY, G_HOUR, G_REASON, G_AGE, G_VULNERABILITY,
  N_GROUPS
};

typedef struct {
  gint64 shift;
  char *from;     /* "YYYY-MM-DDT00:00:00Z" of the first day */
  char *to;       /* the same of the day after the last */
  const char *desk;
  const char *officer;
} Bounds;

static void
bounds_clear (Bounds *b)
{
  g_free (b->from);
  g_free (b->to);
}

static gboolean
bounds_from_scope (const BdStatsScope *scope, Bounds *b, GError **error)
{
  guint32 from = 0, to = 0;

  memset (b, 0, sizeof *b);
  b->shift = scope->shift;
  b->desk = scope->desk != NULL && *scope->desk != '\0' ? scope->desk : NULL;
  b->officer = scope->officer != NULL && *scope->officer != '\0' ? scope->officer : NULL;
  if ((scope->from != NULL && !bd_date_parse (scope->from, &from)) ||
      (scope->to != NULL && !bd_date_parse (scope->to, &to)))
    {
      g_set_error (error, BD_STATS_ERROR, BD_STATS_ERROR_INVALID,
                   "dates: YYYY-MM-DD, such as 2026-03-01");
      return FALSE;
    }
  if (scope->shift <= 0 && (from == 0 || to == 0))
    {
      g_set_error (error, BD_STATS_ERROR, BD_STATS_ERROR_INVALID,
                   "statistics need a shift, or a first and a last day");
      return FALSE;
    }
  if (from != 0 && to != 0 && to < from)
    {
      g_set_error (error, BD_STATS_ERROR, BD_STATS_ERROR_INVALID,
                   "the last day comes before the first");
      return FALSE;
    }
  if (from != 0)
    {
      g_autofree char *day = bd_date_format (from);
      b->from = g_strconcat (day, "T00:00:00Z", NULL);
    }
  if (to != 0)
    {
      g_autofree char *day = bd_date_format (to + 1);
      b->to = g_strconcat (day, "T00:00:00Z", NULL);
    }
  return TRUE;
}

static void
bind_named (sqlite3_stmt *stmt, const char *name, const char *value)
{
  int i = sqlite3_bind_parameter_index (stmt, name);

  if (i > 0 && value != NULL)
    sqlite3_bind_text (stmt, i, value, -1, SQLITE_TRANSIENT);
}

static void
bind_bounds (sqlite3_stmt *stmt, const Bounds *b)
{
  int i = sqlite3_bind_parameter_index (stmt, ":shift");

  if (i > 0 && b->shift > 0)
    sqlite3_bind_int64 (stmt, i, b->shift);
  bind_named (stmt, ":from", b->from);
  bind_named (stmt, ":to", b->to);
  bind_named (stmt, ":desk", b->desk);
  bind_named (stmt, ":officer", b->officer);
}

/* The scope's crossings, as a condition on crossings c joined to officers
 * o (@shifts FALSE), or the shifts opened in it, on shifts s joined to
 * officers so.  Only the conditions the scope names: "(:x IS NULL OR ...)"
 * would keep SQLite from the shift and time indexes.  Values stay bound. */
static char *
scope_where (const Bounds *b, gboolean shifts)
{
  GString *w = g_string_new (shifts ? "1" : "c.shift_id IS NOT NULL");

  if (b->shift > 0)
    g_string_append (w, shifts ? " AND s.id = :shift" : " AND c.shift_id = :shift");
  if (b->from != NULL)
    g_string_append (w, shifts ? " AND s.opened >= :from" : " AND c.time >= :from");
  if (b->to != NULL)
    g_string_append (w, shifts ? " AND s.opened < :to" : " AND c.time < :to");
  if (b->desk != NULL)
    g_string_append (w, shifts ? " AND s.desk = :desk" : " AND c.desk = :desk");
  if (b->officer != NULL)
    g_string_append (w, shifts ? " AND so.username = :officer" : " AND o.username = :officer");
  return g_string_free (w, FALSE);
}

static void
bump (JsonObject *o, const char *key)
{
  json_object_set_int_member (o, key, json_object_get_int_member_with_default (o, key, 0) + 1);
}

static void
bump2 (JsonObject *o, const char *outer, const char *inner)
{
  JsonObject *sub;

  if (!json_object_has_member (o, outer))
    json_object_set_object_member (o, outer, json_object_new ());
  sub = json_object_get_object_member (o, outer);
  bump (sub, inner);
}

/* A copy of @o with its members in key order (JSON objects keep insertion
 * order; readers of the CSV and the tables expect sorted keys). */
static JsonObject *
sorted (JsonObject *o)
{
  JsonObject *out = json_object_new ();
  g_autoptr(GList) keys = json_object_get_members (o);

  keys = g_list_sort (keys, (GCompareFunc) strcmp);
  for (GList *k = keys; k != NULL; k = k->next)
    {
      JsonNode *n = json_object_get_member (o, k->data);

      if (JSON_NODE_HOLDS_OBJECT (n))
        json_object_set_object_member (out, k->data, sorted (json_node_get_object (n)));
      else
        json_object_set_member (out, k->data, json_node_copy (n));
    }
  return out;
}

const char *
bd_stats_age_band (const char *birth_date, const char *time)
{
  guint32 birth;
  int by, bm, bd, ty, tm, td, age;

  if (birth_date == NULL || time == NULL || !bd_date_parse (birth_date, &birth) ||
      sscanf (birth_date, "%d-%d-%d", &by, &bm, &bd) != 3 ||
      sscanf (time, "%d-%d-%d", &ty, &tm, &td) != 3)
    return "unknown";
  age = ty - by - ((tm < bm || (tm == bm && td < bd)) ? 1 : 0);
  if (age < 0)
    return "unknown";
  if (age < 18)
    return "0-17";
  if (age < 35)
    return "18-34";
  if (age < 60)
    return "35-59";
  return "60+";
}

static gint64
count_query (BdDb *db, const char *sql, const Bounds *b, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 n = -1;

  /* Prepared per call: bd_db_stmt caches by address, and these are few. */
  if (sqlite3_prepare_v2 (bd_db_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      bd_db_set_error (db, error, "counting");
      return -1;
    }
  bind_bounds (stmt, b);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    bd_db_set_error (db, error, "counting");
  return n;
}

/* Counts every group over the scope's crossings into @counts. */
static gboolean
count_crossings (BdDb *db, const Bounds *b, JsonObject *counts, gint64 *alerts,
                 gint64 *overrides, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  JsonObject *by[N_GROUPS];
  g_autoptr(JsonObject) hour_dir = json_object_new ();
  g_autoptr(JsonObject) sex_dir = json_object_new ();
  gint64 total = 0;
  int rc;

  g_autofree char *where = scope_where (b, FALSE);
  g_autofree char *sql = g_strconcat ("SELECT c.time, c.direction, c.decision, "
                                      "c.refusal_reasons, c.nationality, c.sex, c.birth_date, "
                                      "c.vulnerability, "
                                      "c.checks LIKE '%\"state\":\"block\"%', "
                                      "c.override_by IS NOT NULL "
                                      "FROM crossings c "
                                      "LEFT JOIN officers o ON o.id = c.officer_id WHERE ",
                                      where, NULL);

  if (sqlite3_prepare_v2 (bd_db_handle (db), sql, -1, &stmt, NULL) != SQLITE_OK)
    return bd_db_set_error (db, error, "reading crossings");
  bind_bounds (stmt, b);
  for (guint i = 0; i < N_GROUPS; i++)
    by[i] = json_object_new ();
  *alerts = *overrides = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *time = (const char *) sqlite3_column_text (stmt, 0);
      const char *direction = (const char *) sqlite3_column_text (stmt, 1);
      const char *reasons = (const char *) sqlite3_column_text (stmt, 3);
      const char *sex = (const char *) sqlite3_column_text (stmt, 5);
      const char *flags = (const char *) sqlite3_column_text (stmt, 7);
      char hour[3] = { '?', '?', '\0' };
      g_auto(GStrv) split = g_strsplit (flags != NULL ? flags : "", ",", -1);

      /* Times are ours ("YYYY-MM-DDTHH:MM:SSZ"), but a short one is no reason to read past it. */
      if (time != NULL && strlen (time) >= 13)
        memcpy (hour, time + 11, 2);
      total++;
      bump (by[G_DIRECTION], direction);
      bump (by[G_DECISION], (const char *) sqlite3_column_text (stmt, 2));
      bump (by[G_SEX], sex);
      bump (by[G_NATIONALITY], (const char *) sqlite3_column_text (stmt, 4));
      bump (by[G_HOUR], hour);
      for (const char *p = reasons != NULL ? reasons : ""; *p != '\0'; p++)
        {
          char letter[2] = { *p, '\0' };
          bump (by[G_REASON], letter);
        }
      bump (by[G_AGE], bd_stats_age_band ((const char *) sqlite3_column_text (stmt, 6), time));
      for (guint i = 0; split[i] != NULL; i++)
        {
          g_strstrip (split[i]);
          if (*split[i] != '\0')
            bump (by[G_VULNERABILITY], split[i]);
        }
      bump2 (hour_dir, hour, direction);
      bump2 (sex_dir, sex, direction);
      *alerts += sqlite3_column_int (stmt, 8);
      *overrides += sqlite3_column_int (stmt, 9);
    }
  if (rc != SQLITE_DONE)
    {
      for (guint i = 0; i < N_GROUPS; i++)
        json_object_unref (by[i]);
      return bd_db_set_error (db, error, "reading crossings");
    }
  json_object_set_int_member (counts, "total", total);
  for (guint i = 0; i < N_GROUPS; i++)
    {
      json_object_set_object_member (counts, groups[i], sorted (by[i]));
      json_object_unref (by[i]);
    }
  json_object_set_object_member (counts, "by_hour_direction", sorted (hour_dir));
  json_object_set_object_member (counts, "by_sex_direction", sorted (sex_dir));
  return TRUE;
}

static void
set_nullable (JsonObject *o, const char *key, const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (o, key, value);
  else
    json_object_set_null_member (o, key);
}

JsonNode *
bd_stats_compute (BdDb *db, const BdActor *actor, const BdStatsScope *scope, GError **error)
{
  g_autoptr(BdPost) post = NULL;
  g_autoptr(BdShift) shift = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  JsonObject *s = json_object_new ();
  JsonObject *counts = json_object_new ();
  g_autofree char *crossing_where = NULL, *shift_where = NULL, *sql = NULL;
  JsonNode *node;
  Bounds b;
  gint64 alerts = 0, overrides = 0, unsynced, shifts;
  gboolean ok;

  json_object_set_object_member (o, "scope", s);
  json_object_set_object_member (o, "counts", counts);
  if (!bounds_from_scope (scope, &b, error))
    return NULL;
  if (b.shift > 0)
    {
      shift = bd_shift_get (db, b.shift, error);
      if (shift == NULL)
        {
          bounds_clear (&b);
          return NULL;
        }
    }
  /* Reviewers see everything; an officer sees the figures of their own shift. */
  if ((shift == NULL || actor == NULL || actor->officer_id == 0 ||
       actor->officer_id != shift->officer_id) &&
      !bd_actor_require (actor, BD_PERM_REVIEW, error))
    {
      bounds_clear (&b);
      return NULL;
    }
  post = bd_post_load (db, error);
  ok = post != NULL && count_crossings (db, &b, counts, &alerts, &overrides, error);
  /* Driven from the scope's rows to the outbox's (kind, ref_id) index. */
  crossing_where = scope_where (&b, FALSE);
  shift_where = scope_where (&b, TRUE);
  sql = g_strdup_printf (
    "SELECT count(*) FROM outbox ob "
    "LEFT JOIN batches bt ON bt.epoch = ob.batch_epoch AND bt.seq = ob.batch_seq "
    "WHERE (ob.batch_seq IS NULL OR bt.receipt IS NULL) AND ("
    " (ob.kind = 'crossing' AND ob.ref_id IN (SELECT c.id FROM crossings c "
    "   LEFT JOIN officers o ON o.id = c.officer_id WHERE %s)) OR "
    " (ob.kind = 'amendment' AND ob.ref_id IN (SELECT a.id FROM amendments a "
    "   JOIN crossings c ON c.id = a.crossing_id "
    "   LEFT JOIN officers o ON o.id = c.officer_id WHERE %s)) OR "
    " (ob.kind = 'shift' AND ob.ref_id IN (SELECT s.id FROM shifts s "
    "   JOIN officers so ON so.id = s.officer_id WHERE %s)))",
    crossing_where, crossing_where, shift_where);
  unsynced = !ok ? -1 : count_query (db, sql, &b, error);
  g_free (sql);
  sql = g_strconcat ("SELECT count(*) FROM shifts s JOIN officers so ON so.id = s.officer_id "
                     "WHERE ", shift_where, NULL);
  shifts = unsynced < 0 ? -1 : count_query (db, sql, &b, error);
  if (shifts < 0)
    {
      bounds_clear (&b);
      return NULL;
    }

  if (b.shift > 0)
    json_object_set_int_member (s, "shift", b.shift);
  else
    json_object_set_null_member (s, "shift");
  set_nullable (s, "from", scope->from);
  set_nullable (s, "to", scope->to);
  set_nullable (s, "desk", b.desk);
  set_nullable (s, "officer", b.officer);
  json_object_set_string_member (o, "post", post->code);
  json_object_set_string_member (o, "post_name", post->name);
  if (shift != NULL)
    json_object_set_member (o, "shift", bd_shift_to_json (shift));
  json_object_set_int_member (o, "alerts", alerts);
  json_object_set_int_member (o, "overrides", overrides);
  json_object_set_int_member (o, "unsynced", unsynced);
  json_object_set_int_member (o, "shifts", shifts);
  bounds_clear (&b);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, o);
  return node;
}

gboolean
bd_stats_record_export (BdDb *db, const BdActor *actor, const BdStatsScope *scope,
                        const char *format, GError **error)
{
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = NULL;

  if (!bd_actor_require (actor, BD_PERM_REVIEW, error))
    return FALSE;
  json_object_set_string_member (details, "format", format);
  if (scope->shift > 0)
    object = g_strdup_printf ("shift:%" G_GINT64_FORMAT, scope->shift);
  else
    {
      object = g_strdup ("");
      json_object_set_string_member (details, "from", scope->from != NULL ? scope->from : "");
      json_object_set_string_member (details, "to", scope->to != NULL ? scope->to : "");
    }
  return bd_audit_record (db, who, "shift.export", object, details, error);
}

/* bd-shift.c: shifts (bd-shift.h). */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-date.h"
#include "bd-post.h"
#include "bd-shift.h"

G_DEFINE_QUARK (bd-shift-error-quark, bd_shift_error)

/* What the retention purge took from shift s (migration 006): a shift's
 * counts stay what they were when its crossings leave the desk. */
#define TALLY(dimension) \
  "(SELECT coalesce (sum (t.n), 0) FROM shift_tallies t " \
  " WHERE t.shift_id = s.id AND t.dimension = '" dimension "')"
/* The report's counts by one dimension: the crossings on the desk and the
 * purged ones' tallies; ?1 is the shift. */
#define COUNT_BY(dimension, column) \
  "SELECT k, sum (n) FROM (SELECT " column " AS k, 1 AS n FROM crossings WHERE shift_id = ?1 " \
  "UNION ALL SELECT key, n FROM shift_tallies WHERE shift_id = ?1 " \
  "AND dimension = '" dimension "') GROUP BY 1 ORDER BY 1"
#define COUNT_ONE(dimension, condition) \
  "SELECT (SELECT count(*) FROM crossings WHERE shift_id = ?1" condition ") + " \
  "(SELECT coalesce (sum (n), 0) FROM shift_tallies WHERE shift_id = ?1 " \
  "AND dimension = '" dimension "')"

#define SHIFT_SELECT \
  "SELECT s.id, s.officer_id, o.username, s.desk, s.lane, s.opened, s.closed, s.close_note, " \
  "       so.username, s.signed_off_at, s.signoff_note, " \
  "       (SELECT count(*) FROM crossings c WHERE c.shift_id = s.id) + " TALLY ("total") ", " \
  "       (SELECT count(*) FROM crossings c WHERE c.shift_id = s.id " \
  "        AND c.checks LIKE '%\"state\":\"block\"%') + " TALLY ("alerts") ", " \
  "       (SELECT count(*) FROM crossings c WHERE c.shift_id = s.id " \
  "        AND c.override_by IS NOT NULL) + " TALLY ("overrides") ", " \
  "       (SELECT count(*) FROM outbox ob LEFT JOIN batches bt " \
  "        ON bt.epoch = ob.batch_epoch AND bt.seq = ob.batch_seq " \
  "        WHERE (ob.batch_seq IS NULL OR bt.receipt IS NULL) " \
  "        AND ((ob.kind = 'shift' AND ob.ref_id = s.id) " \
  "         OR (ob.kind = 'crossing' AND ob.ref_id IN " \
  "             (SELECT c.id FROM crossings c WHERE c.shift_id = s.id)) " \
  "         OR (ob.kind = 'amendment' AND ob.ref_id IN (SELECT a.id FROM amendments a " \
  "             JOIN crossings c ON c.id = a.crossing_id WHERE c.shift_id = s.id)))) " \
  "FROM shifts s JOIN officers o ON o.id = s.officer_id " \
  "LEFT JOIN officers so ON so.id = s.signed_off_by "

void
bd_shift_free (BdShift *s)
{
  if (s == NULL)
    return;
  g_free (s->officer);
  g_free (s->desk);
  g_free (s->lane);
  g_free (s->opened);
  g_free (s->closed);
  g_free (s->close_note);
  g_free (s->signed_off_by);
  g_free (s->signed_off_at);
  g_free (s->signoff_note);
  g_free (s);
}

/* NULL is fine; otherwise UTF-8 of at most @max bytes, no control
 * characters but newlines and tabs. */
static gboolean
text_ok (const char *text, gsize max)
{
  if (text == NULL)
    return TRUE;
  if (strlen (text) > max || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c) && c != '\n' && c != '\t')
        return FALSE;
    }
  return TRUE;
}

static BdShift *
shift_from_row (sqlite3_stmt *stmt)
{
  BdShift *s = g_new0 (BdShift, 1);

  s->id = sqlite3_column_int64 (stmt, 0);
  s->officer_id = sqlite3_column_int64 (stmt, 1);
  s->officer = bd_db_column_dup (stmt, 2);
  s->desk = bd_db_column_dup (stmt, 3);
  s->lane = bd_db_column_dup (stmt, 4);
  s->opened = bd_db_column_dup (stmt, 5);
  s->closed = bd_db_column_dup (stmt, 6);
  s->close_note = bd_db_column_dup (stmt, 7);
  s->signed_off_by = bd_db_column_dup (stmt, 8);
  s->signed_off_at = bd_db_column_dup (stmt, 9);
  s->signoff_note = bd_db_column_dup (stmt, 10);
  s->crossings = sqlite3_column_int64 (stmt, 11);
  s->alerts = sqlite3_column_int64 (stmt, 12);
  s->overrides = sqlite3_column_int64 (stmt, 13);
  s->unsynced = sqlite3_column_int64 (stmt, 14);
  return s;
}

BdShift *
bd_shift_get (BdDb *db, gint64 shift_id, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, SHIFT_SELECT "WHERE s.id = ?", error);
  BdShift *s = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, shift_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    s = shift_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_NOT_FOUND,
                 "no shift %" G_GINT64_FORMAT, shift_id);
  else
    bd_db_set_error (db, error, "reading a shift");
  sqlite3_reset (stmt);
  return s;
}

gint64
bd_shift_current (BdDb *db, gint64 officer_id, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT id FROM shifts WHERE officer_id = ? "
                                       "AND closed IS NULL", error);
  gint64 id = 0;
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, officer_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    bd_db_set_error (db, error, "reading shifts");
  sqlite3_reset (stmt);
  return id;
}

gint64
bd_shift_open (BdDb *db, const BdActor *actor, const char *lane, GError **error)
{
  g_autoptr(BdPost) post = NULL;
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = NULL;
  sqlite3_stmt *stmt;
  gint64 id;

  if (!bd_actor_require (actor, BD_PERM_OPEN_SHIFT, error))
    return 0;
  if (!text_ok (lane, 32))
    {
      g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_INVALID,
                   "lane: at most 32 bytes of text without control characters");
      return 0;
    }
  post = bd_post_load (db, error);
  if (post == NULL)
    return 0;
  if (!bd_db_begin (db, error))
    return 0;
  stmt = bd_db_stmt (db, "INSERT INTO shifts (officer_id, desk, lane, opened) VALUES (?, ?, ?, ?)",
                     error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, actor->officer_id);
  sqlite3_bind_text (stmt, 2, post->desk_id, -1, SQLITE_STATIC);
  if (lane != NULL && *lane != '\0')
    sqlite3_bind_text (stmt, 3, lane, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if ((sqlite3_extended_errcode (bd_db_handle (db)) & 0xff) == SQLITE_CONSTRAINT)
        g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_ALREADY_OPEN,
                     "%s has an open shift already", actor->username);
      else
        bd_db_set_error (db, error, "opening a shift");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  id = sqlite3_last_insert_rowid (bd_db_handle (db));
  object = g_strdup_printf ("shift:%" G_GINT64_FORMAT, id);
  if (!bd_audit_append (db, who, "shift.open", object, NULL, error))
    goto fail;
  if (!bd_db_commit (db, error))
    return 0;
  return id;

fail:
  bd_db_rollback (db);
  return 0;
}

gboolean
bd_shift_close (BdDb *db, const BdActor *actor, gint64 shift_id, const char *note, GError **error)
{
  g_autoptr(BdShift) shift = NULL;
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = g_strdup_printf ("shift:%" G_GINT64_FORMAT, shift_id);
  sqlite3_stmt *stmt;

  if (actor == NULL)
    return bd_actor_require (actor, BD_PERM_OPEN_SHIFT, error);
  if (!text_ok (note, 4096))
    {
      g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_INVALID,
                   "note: at most 4096 bytes of text without control characters");
      return FALSE;
    }
  if (!bd_db_begin (db, error))
    return FALSE;
  shift = bd_shift_get (db, shift_id, error);
  if (shift == NULL)
    goto fail;
  if (shift->officer_id != actor->officer_id && actor->role != BD_ROLE_ADMIN)
    {
      g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_NOT_YOURS,
                   "shift %" G_GINT64_FORMAT " belongs to %s", shift_id, shift->officer);
      goto fail;
    }
  if (shift->closed != NULL)
    {
      g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_NOT_OPEN,
                   "shift %" G_GINT64_FORMAT " is closed already", shift_id);
      goto fail;
    }
  stmt = bd_db_stmt (db, "UPDATE shifts SET closed = ?, close_note = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  if (note != NULL)
    sqlite3_bind_text (stmt, 2, note, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, shift_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "closing a shift");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  if (!bd_audit_append (db, who, "shift.close", object, NULL, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

gboolean
bd_shift_sign_off (BdDb *db, const BdActor *actor, gint64 shift_id, const char *note,
                   GError **error)
{
  g_autoptr(BdShift) shift = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *object = g_strdup_printf ("shift:%" G_GINT64_FORMAT, shift_id);
  char head[BD_AUDIT_HASH_LEN + 1];
  gint64 head_seq;
  sqlite3_stmt *stmt;

  if (!bd_actor_require (actor, BD_PERM_SIGN_OFF, error))
    return FALSE;
  if (!text_ok (note, 4096))
    {
      g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_INVALID,
                   "note: at most 4096 bytes of text without control characters");
      return FALSE;
    }
  if (!bd_db_begin (db, error))
    return FALSE;
  shift = bd_shift_get (db, shift_id, error);
  if (shift == NULL)
    goto fail;
  if (shift->signed_off_by != NULL)
    {
      g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_SIGNED_OFF,
                   "shift %" G_GINT64_FORMAT " was signed off by %s already",
                   shift_id, shift->signed_off_by);
      goto fail;
    }
  if (shift->closed == NULL)
    {
      g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_STILL_OPEN,
                   "shift %" G_GINT64_FORMAT " is still open: it must be closed first", shift_id);
      goto fail;
    }
  if (shift->officer_id == actor->officer_id)
    {
      g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_OWN_SHIFT,
                   "a shift is countersigned by another officer, not its own");
      goto fail;
    }
  stmt = bd_db_stmt (db, "UPDATE shifts SET signed_off_by = ?, signed_off_at = ?, "
                         "signoff_note = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, actor->officer_id);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  if (note != NULL)
    sqlite3_bind_text (stmt, 3, note, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, shift_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "signing off a shift");
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  /* The sign-off anchors the audit chain: the head it saw is part of the
   * countersigned record (DESIGN.md). */
  if (!bd_audit_head (db, &head_seq, head, error))
    goto fail;
  json_object_set_int_member (details, "audit_seq", head_seq);
  json_object_set_string_member (details, "audit_head", head);
  if (!bd_audit_append (db, who, "shift.signoff", object, details, error))
    goto fail;
  return bd_db_commit (db, error);

fail:
  bd_db_rollback (db);
  return FALSE;
}

const char *
bd_shift_state_to_string (const BdShift *shift)
{
  if (shift->signed_off_by != NULL)
    return "signed-off";
  return shift->closed != NULL ? "closed" : "open";
}

gboolean
bd_shift_state_from_string (const char *text, BdShiftState *state)
{
  static const char *const names[] = { "any", "open", "closed", "signed-off" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *state = (BdShiftState) i;
        return TRUE;
      }
  return FALSE;
}

static void
bind_optional (sqlite3_stmt *stmt, const char *name, const char *value)
{
  if (value != NULL && *value != '\0')
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, name), value, -1,
                       SQLITE_TRANSIENT);
}

GPtrArray *
bd_shift_query (BdDb *db, const BdActor *actor, const BdShiftFilter *f, GError **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_shift_free);
  g_autofree char *from = NULL, *to = NULL;
  guint32 day;
  sqlite3_stmt *stmt;
  int rc;

  if (!bd_actor_require (actor, BD_PERM_REVIEW, error))
    return NULL;
  /* Days are UTC, inclusive: a shift belongs to the day it opened. */
  if (f->from != NULL && *f->from != '\0')
    {
      if (!bd_date_parse (f->from, &day))
        goto bad_date;
      from = g_strconcat (f->from, "T00:00:00Z", NULL);
    }
  if (f->to != NULL && *f->to != '\0')
    {
      g_autofree char *next = NULL;

      if (!bd_date_parse (f->to, &day))
        goto bad_date;
      next = bd_date_format (day + 1);
      to = g_strconcat (next, "T00:00:00Z", NULL);
    }
  stmt = bd_db_stmt (db, SHIFT_SELECT
                     "WHERE (:from IS NULL OR s.opened >= :from) "
                     "AND (:to IS NULL OR s.opened < :to) "
                     "AND (:desk IS NULL OR s.desk = :desk) "
                     "AND (:officer IS NULL OR o.username = :officer) "
                     "AND (:state = 0 OR (:state = 1 AND s.closed IS NULL) "
                     "     OR (:state = 2 AND s.closed IS NOT NULL AND s.signed_off_by IS NULL) "
                     "     OR (:state = 3 AND s.signed_off_by IS NOT NULL)) "
                     "ORDER BY s.opened DESC, s.id DESC LIMIT :limit", error);
  if (stmt == NULL)
    return NULL;
  bind_optional (stmt, ":from", from);
  bind_optional (stmt, ":to", to);
  bind_optional (stmt, ":desk", f->desk);
  bind_optional (stmt, ":officer", f->officer);
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":state"), f->state);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":limit"),
                      f->limit > 0 ? f->limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, shift_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      bd_db_set_error (db, error, "listing shifts");
      return NULL;
    }
  return g_steal_pointer (&list);

bad_date:
  g_set_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_INVALID,
               "dates: YYYY-MM-DD, such as 2026-03-01");
  return NULL;
}

GPtrArray *
bd_shift_list (BdDb *db, const BdActor *actor, gint64 limit, GError **error)
{
  BdShiftFilter filter = { .limit = limit };

  return bd_shift_query (db, actor, &filter, error);
}

static void
set_nullable (JsonObject *o, const char *key, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (o, key, value);
  else
    json_object_set_null_member (o, key);
}

JsonNode *
bd_shift_to_json (const BdShift *s)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (o, "id", s->id);
  json_object_set_string_member (o, "officer", s->officer);
  json_object_set_string_member (o, "desk", s->desk);
  set_nullable (o, "lane", s->lane);
  json_object_set_string_member (o, "opened", s->opened);
  set_nullable (o, "closed", s->closed);
  set_nullable (o, "close_note", s->close_note);
  set_nullable (o, "signed_off_by", s->signed_off_by);
  set_nullable (o, "signed_off_at", s->signed_off_at);
  set_nullable (o, "signoff_note", s->signoff_note);
  json_object_set_int_member (o, "crossings", s->crossings);
  json_object_set_int_member (o, "alerts", s->alerts);
  json_object_set_int_member (o, "overrides", s->overrides);
  json_object_set_int_member (o, "unsynced", s->unsynced);
  json_object_set_string_member (o, "state", bd_shift_state_to_string (s));
  json_node_take_object (node, o);
  return node;
}

/* Fills @into with "value": count for `SELECT value, count(*) ... GROUP BY`. */
static gboolean
count_by (BdDb *db, const char *sql, gint64 shift_id, JsonObject *into, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, shift_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      json_object_set_int_member (into, key != NULL ? key : "", sqlite3_column_int64 (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "counting crossings");
  return TRUE;
}

static gint64
count_one (BdDb *db, const char *sql, gint64 shift_id, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, sql, error);
  gint64 n = -1;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, shift_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  else
    bd_db_set_error (db, error, "counting crossings");
  sqlite3_reset (stmt);
  return n;
}

JsonNode *
bd_shift_report (BdDb *db, const BdActor *actor, gint64 shift_id, GError **error)
{
  g_autoptr(BdShift) shift = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o, *counts;
  JsonObject *by[5];
  static const char *const names[5] = {
    "by_direction", "by_decision", "by_sex", "by_nationality", "by_hour"
  };
  static const char *const sqls[5] = {
    COUNT_BY ("by_direction", "direction"),
    COUNT_BY ("by_decision", "decision"),
    COUNT_BY ("by_sex", "sex"),
    COUNT_BY ("by_nationality", "nationality"),
    COUNT_BY ("by_hour", "substr(time, 12, 2)"),
  };
  gint64 total, alerts, overrides;

  shift = bd_shift_get (db, shift_id, error);
  if (shift == NULL)
    return NULL;
  /* Reviewers see every shift; an officer sees the summary of their own. */
  if ((actor == NULL || actor->officer_id == 0 || actor->officer_id != shift->officer_id) &&
      !bd_actor_require (actor, BD_PERM_REVIEW, error))
    return NULL;

  total = count_one (db, COUNT_ONE ("total", ""), shift_id, error);
  /* An alert is a crossing that met at least one blocking check. */
  alerts = count_one (db, COUNT_ONE ("alerts", " AND checks LIKE '%\"state\":\"block\"%'"),
                      shift_id, error);
  overrides = count_one (db, COUNT_ONE ("overrides", " AND override_by IS NOT NULL"), shift_id,
                         error);
  if (total < 0 || alerts < 0 || overrides < 0)
    return NULL;

  /* Exactly CONTRACT.md's object: the report goes to people outside the
   * desk, so free-text notes stay out of it. */
  node = json_node_new (JSON_NODE_OBJECT);
  o = json_object_new ();
  json_node_take_object (node, o);
  json_object_set_int_member (o, "shift", shift->id);
  json_object_set_string_member (o, "officer", shift->officer);
  json_object_set_string_member (o, "desk", shift->desk);
  json_object_set_string_member (o, "opened", shift->opened);
  set_nullable (o, "closed", shift->closed);
  set_nullable (o, "signed_off_by", shift->signed_off_by);
  counts = json_object_new ();
  json_object_set_int_member (counts, "total", total);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      by[i] = json_object_new ();
      json_object_set_object_member (counts, names[i], by[i]);
      if (!count_by (db, sqls[i], shift_id, by[i], error))
        {
          json_object_unref (counts);
          return NULL;
        }
    }
  json_object_set_object_member (o, "counts", counts);
  json_object_set_int_member (o, "alerts", alerts);
  json_object_set_int_member (o, "overrides", overrides);
  return g_steal_pointer (&node);
}

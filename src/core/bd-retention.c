/* bd-retention.c: the purge of personal data past retention (bd-retention.h).
 *
 * The purge works on a scratch table of the events the stay rule merges
 * (this desk's crossings, HQ's answers, open stays) made before the cutoff,
 * each with its group (the traveller, as the history query links
 * documents; a document this desk does not know stands for itself), its
 * order (the instant, then the uuid) and whether it may go on its own
 * ("ok": acknowledged, amendments acknowledged, not an open stay's entry).
 * A group's horizon is its last ok admitted exit before its first admitted
 * event that must stay; admitted events go up to the horizon, the others
 * whenever they are ok.  Then the deletions run, children first, in one
 * transaction.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "bd-audit.h"
#include "bd-date.h"
#include "bd-post.h"
#include "bd-retention.h"
#include "bd-template.h"

#define DAY_SECONDS 86400
/* The automatic run: at most once in this many seconds. */
#define RUN_INTERVAL DAY_SECONDS

/* Every statement binds ?1, the cutoff as a time ("YYYY-MM-DDT00:00:00Z"),
 * and ?2, the cutoff as a day number, as far as it uses them. */
#define ACKED(kind, ref) \
  "EXISTS (SELECT 1 FROM outbox o JOIN batches b " \
  "ON b.epoch = o.batch_epoch AND b.seq = o.batch_seq " \
  "WHERE o.kind = '" kind "' AND o.ref_id = " ref " AND b.acknowledged IS NOT NULL)"
#define DOC_GROUP(state, number) \
  "coalesce ('T' || (SELECT d.traveller_id FROM documents d " \
  "WHERE d.issuing_state = " state " AND d.number = " number "), " \
  "'D' || " state " || ':' || " number ")"
/* The day first: a time SQLite cannot read (HQ's answers keep HQ's
 * spelling) still sorts on its day. */
#define ORDER_KEY(day, time, uuid) \
  "printf ('%08d%012d', " day ", coalesce (CAST (strftime ('%s', " time ") AS INTEGER), 0)) " \
  "|| " uuid
#define INSERT_EVENTS \
  "INSERT INTO temp.retention_events (grp, k, local_id, uuid, admitted, is_exit, ok) "
/* HQ's rows (alias @t) as admitted events of their document's group; @key
 * orders them, @uuid is what a doomed one deletes by. */
#define HQ_EVENTS(t, key, uuid, is_exit, ok) \
  INSERT_EVENTS "SELECT " DOC_GROUP (t ".issuing_state", t ".number") ", " \
  ORDER_KEY (t ".day", t ".time", key) ", NULL, " uuid ", 1, " is_exit ", " ok " "
#define DOOMED_LOCAL \
  "(SELECT local_id FROM temp.retention_events WHERE doomed AND local_id IS NOT NULL)"
#define ORPHAN_TRAVELLER \
  "NOT EXISTS (SELECT 1 FROM documents WHERE traveller_id = travellers.id) " \
  "AND NOT EXISTS (SELECT 1 FROM crossings WHERE traveller_id = travellers.id) " \
  "AND NOT EXISTS (SELECT 1 FROM finger_templates WHERE traveller_id = travellers.id) " \
  "AND NOT EXISTS (SELECT 1 FROM finger_exemptions WHERE traveller_id = travellers.id) " \
  "AND travellers.created < ?1"

#define NO_COUNT ((gsize) -1)
#define COUNT(member) offsetof (BdRetentionCounts, member)

static const struct {
  const char *sql;
  gsize count;        /* where sqlite3_changes goes in the counts, or NO_COUNT */
} steps[] = {
  { "DELETE FROM temp.retention_events", NO_COUNT },
  { "DELETE FROM temp.retention_horizon", NO_COUNT },
  /* This desk's crossings (the index on time finds them). */
  { INSERT_EVENTS
    "SELECT 'T' || d.traveller_id, " ORDER_KEY ("c.day", "c.time", "c.uuid") ", c.id, c.uuid, "
    "  c.decision = 'admitted', c.direction = 'exit', "
    "  (c.source = 'imported' OR " ACKED ("crossing", "c.id") ") "
    "  AND NOT EXISTS (SELECT 1 FROM amendments a WHERE a.crossing_id = c.id "
    "                  AND NOT " ACKED ("amendment", "a.id") ") "
    "  AND NOT EXISTS (SELECT 1 FROM open_stays s WHERE s.crossing = c.uuid) "
    "FROM crossings c JOIN documents d ON d.id = c.document_id WHERE c.time < ?1", NO_COUNT },
  /* HQ's answers, less this desk's own crossings (the history query
   * counts those from the crossings table). */
  { HQ_EVENTS ("r", "r.uuid", "r.uuid", "r.direction = 'exit'",
               "NOT EXISTS (SELECT 1 FROM open_stays s WHERE s.crossing = r.uuid)")
    "FROM remote_crossings r WHERE r.day < ?2 "
    "AND NOT EXISTS (SELECT 1 FROM crossings c WHERE c.uuid = r.uuid)", NO_COUNT },
  /* Open stays known only from the feed: entries that always stay. */
  { HQ_EVENTS ("o", "o.crossing", "NULL", "0", "0")
    "FROM open_stays o WHERE o.day < ?2 "
    "AND NOT EXISTS (SELECT 1 FROM crossings c WHERE c.uuid = o.crossing) "
    "AND NOT EXISTS (SELECT 1 FROM remote_crossings r WHERE r.uuid = o.crossing)", NO_COUNT },
  { "INSERT INTO temp.retention_horizon (grp, k) "
    "SELECT x.grp, max (x.k) FROM temp.retention_events x "
    "LEFT JOIN (SELECT grp, min (k) AS k FROM temp.retention_events "
    "           WHERE admitted AND NOT ok GROUP BY grp) b ON b.grp = x.grp "
    "WHERE x.admitted AND x.is_exit AND x.ok AND (b.k IS NULL OR x.k < b.k) "
    "GROUP BY x.grp", NO_COUNT },
  { "UPDATE temp.retention_events SET doomed = 1 WHERE ok AND (NOT admitted OR k <= "
    "(SELECT h.k FROM temp.retention_horizon h WHERE h.grp = retention_events.grp))", NO_COUNT },
  /* A crossing's amendments go with it: an amendment says nothing without
   * its crossing, and HQ holds both.  Their outbox rows go too (all
   * acknowledged), so an id SQLite hands out again is never taken for an
   * acknowledged record. */
  { "DELETE FROM outbox WHERE kind = 'amendment' AND ref_id IN "
    "(SELECT id FROM amendments WHERE crossing_id IN " DOOMED_LOCAL ")", NO_COUNT },
  { "DELETE FROM amendments WHERE crossing_id IN " DOOMED_LOCAL, COUNT (amendments) },
  /* A template or an exemption outlives the crossing that carried it while
   * its traveller keeps coming (their own retention rules); the template
   * keeps the knowledge that HQ acknowledged it. */
  { "UPDATE finger_templates SET crossing_id = NULL, acknowledged = 1 "
    "WHERE crossing_id IN " DOOMED_LOCAL, NO_COUNT },
  { "UPDATE finger_exemptions SET crossing_id = NULL WHERE crossing_id IN " DOOMED_LOCAL,
    NO_COUNT },
  /* Shifts are the officers' records and stay; their reports keep
   * counting what the purge takes (bd-shift.c adds these). */
  { "INSERT INTO shift_tallies (shift_id, dimension, key, n) "
    "SELECT shift_id, dimension, key, count(*) FROM ("
    " SELECT shift_id, 'total' AS dimension, '' AS key FROM crossings WHERE id IN " DOOMED_LOCAL
    " UNION ALL SELECT shift_id, 'by_direction', direction FROM crossings WHERE id IN "
    DOOMED_LOCAL
    " UNION ALL SELECT shift_id, 'by_decision', decision FROM crossings WHERE id IN " DOOMED_LOCAL
    " UNION ALL SELECT shift_id, 'by_sex', sex FROM crossings WHERE id IN " DOOMED_LOCAL
    " UNION ALL SELECT shift_id, 'by_nationality', nationality FROM crossings WHERE id IN "
    DOOMED_LOCAL
    " UNION ALL SELECT shift_id, 'by_hour', substr (time, 12, 2) FROM crossings WHERE id IN "
    DOOMED_LOCAL
    " UNION ALL SELECT shift_id, 'alerts', '' FROM crossings WHERE id IN " DOOMED_LOCAL
    "   AND checks LIKE '%\"state\":\"block\"%'"
    " UNION ALL SELECT shift_id, 'overrides', '' FROM crossings WHERE id IN " DOOMED_LOCAL
    "   AND override_by IS NOT NULL"
    ") WHERE shift_id IS NOT NULL GROUP BY 1, 2, 3 "
    "ON CONFLICT (shift_id, dimension, key) DO UPDATE SET n = n + excluded.n", NO_COUNT },
  { "UPDATE retention_state SET running = 1 WHERE id = 1", NO_COUNT },
  { "DELETE FROM crossings WHERE id IN " DOOMED_LOCAL, COUNT (crossings) },
  /* After the crossings: their delete trigger checks these rows. */
  { "DELETE FROM outbox WHERE kind = 'crossing' AND ref_id IN " DOOMED_LOCAL, NO_COUNT },
  { "UPDATE retention_state SET running = 0 WHERE id = 1", NO_COUNT },
  /* HQ's copies of purged crossings go with them, or they would surface
   * in the history in their place. */
  { "DELETE FROM remote_crossings WHERE uuid IN "
    "(SELECT uuid FROM temp.retention_events WHERE doomed AND uuid IS NOT NULL)",
    COUNT (remote_crossings) },
  { "DELETE FROM remote_history WHERE julianday (as_of) < julianday (?1) "
    "AND NOT EXISTS (SELECT 1 FROM remote_crossings r "
    "  WHERE r.issuing_state = remote_history.issuing_state "
    "  AND r.number = remote_history.number)", COUNT (remote_answers) },
  { "DELETE FROM finger_exemptions WHERE crossing_id IS NULL AND recorded < ?1 "
    "AND NOT EXISTS (SELECT 1 FROM crossings c "
    "  WHERE c.traveller_id = finger_exemptions.traveller_id AND c.day >= ?2)",
    COUNT (exemptions) },
  /* Made before the cutoff: a record bd_document_resolve has just made for
   * an enrolment in progress is not an orphan. */
  { "DELETE FROM documents WHERE "
    "NOT EXISTS (SELECT 1 FROM crossings c WHERE c.document_id = documents.id) "
    "AND NOT EXISTS (SELECT 1 FROM finger_templates t WHERE t.document_id = documents.id) "
    "AND NOT EXISTS (SELECT 1 FROM remote_crossings r "
    "  WHERE r.issuing_state = documents.issuing_state AND r.number = documents.number) "
    "AND NOT EXISTS (SELECT 1 FROM remote_history h "
    "  WHERE h.issuing_state = documents.issuing_state AND h.number = documents.number) "
    "AND NOT EXISTS (SELECT 1 FROM open_stays s "
    "  WHERE s.issuing_state = documents.issuing_state AND s.number = documents.number) "
    "AND (SELECT created FROM travellers WHERE id = documents.traveller_id) < ?1",
    COUNT (documents) },
  /* The audit log names travellers by id, and SQLite gives the largest id
   * again once its row is gone; so the newest traveller row is emptied of
   * its personal data instead of deleted, and no id ever names two
   * people. */
  { "DELETE FROM travellers WHERE " ORPHAN_TRAVELLER " "
    "AND travellers.id < (SELECT max (id) FROM travellers)", COUNT (travellers) },
  { "UPDATE travellers SET surname = '', given_names = '', nationality = '', birth_date = '', "
    "sex = '<' WHERE " ORPHAN_TRAVELLER " AND travellers.id = (SELECT max (id) FROM travellers) "
    "AND (surname <> '' OR given_names <> '' OR nationality <> '' OR birth_date <> '' "
    "     OR sex <> '<')", COUNT (travellers) },
  /* The signed copy carries the records; the hash (the next batch's prev)
   * and HQ's receipt stay. */
  { "UPDATE batches SET jws = '' WHERE acknowledged IS NOT NULL AND created < ?1 AND jws <> ''",
    COUNT (batch_payloads) },
  { "DELETE FROM temp.retention_events", NO_COUNT },
  { "DELETE FROM temp.retention_horizon", NO_COUNT },
};

/* Per connection; IF NOT EXISTS keeps the cached statements valid. */
static const char scratch_sql[] =
  "CREATE TEMP TABLE IF NOT EXISTS retention_events ("
  "  grp TEXT NOT NULL, k TEXT NOT NULL, local_id INTEGER, uuid TEXT,"
  "  admitted INTEGER NOT NULL, is_exit INTEGER NOT NULL, ok INTEGER NOT NULL,"
  "  doomed INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS temp.retention_events_grp ON retention_events (grp, k);"
  "CREATE TEMP TABLE IF NOT EXISTS retention_horizon (grp TEXT PRIMARY KEY, k TEXT NOT NULL);";

/* The period: the setting, never below the post's stay window, so that
 * every stay the rule can still see is whole (bd-retention.h). */
static gint64
retention_days (BdDb *db, GError **error)
{
  g_autoptr(BdPost) post = bd_post_load (db, error);
  gint64 window, days;

  if (post == NULL)
    return -1;
  window = post->stay.window;
  days = bd_setting_get_int (db, BD_SETTING_RETENTION_CROSSING_DAYS, window);
  return MAX (days, window);
}

/* Deleted rows must not linger in the file's free pages: secure_delete
 * (for this connection, from now on) overwrites what the purge frees with
 * zeros.  Before any write, so that the whole purge is covered. */
static gboolean
wipe_freed_pages (BdDb *db, GError **error)
{
  return bd_db_exec (db, "PRAGMA secure_delete = ON", error);
}

/* Once committed, copy the zeroed pages into the database file now rather
 * than at the next automatic checkpoint.  PASSIVE: it never waits for, or
 * holds up, the app's registrations; what it cannot copy now the next
 * checkpoint does.  Only outside a caller's transaction. */
static void
checkpoint (BdDb *db)
{
  if (sqlite3_get_autocommit (bd_db_handle (db)))
    sqlite3_exec (bd_db_handle (db), "PRAGMA wal_checkpoint(PASSIVE)", NULL, NULL, NULL);
}

/* Ends a purge's transaction: commits when @ok (then checkpoints), else
 * rolls back; on any failure the counts say nothing was purged. */
static gboolean
finish (BdDb *db, gboolean ok, BdRetentionCounts *counts, GError **error)
{
  if (!ok)
    bd_db_rollback (db);
  else if (bd_db_commit (db, error))
    {
      checkpoint (db);
      return TRUE;
    }
  memset (counts, 0, sizeof *counts);
  return FALSE;
}

static gboolean
record_run (BdDb *db, GError **error)
{
  g_autofree char *now = bd_time_format (bd_clock_now ());
  sqlite3_stmt *stmt = bd_db_stmt (db, "UPDATE retention_state SET last_run = ? WHERE id = 1",
                                   error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || bd_db_set_error (db, error, "recording the retention run");
}

static gboolean
run_steps (BdDb *db, const char *cutoff_time, gint64 cutoff_day, BdRetentionCounts *counts,
           GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      sqlite3_stmt *stmt = bd_db_stmt (db, steps[i].sql, error);
      int n, rc;

      if (stmt == NULL)
        return FALSE;
      n = sqlite3_bind_parameter_count (stmt);
      if (n >= 1)
        sqlite3_bind_text (stmt, 1, cutoff_time, -1, SQLITE_STATIC);
      if (n >= 2)
        sqlite3_bind_int64 (stmt, 2, cutoff_day);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return bd_db_set_error (db, error, "purging personal data past retention");
      if (steps[i].count != NO_COUNT)
        *(gint64 *) ((char *) counts + steps[i].count) += sqlite3_changes (bd_db_handle (db));
    }
  return TRUE;
}

gboolean
bd_retention_purge (BdDb *db, const BdActor *actor, BdRetentionCounts *counts, GError **error)
{
  g_autoptr(JsonObject) details = NULL;
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *cutoff_date = NULL, *cutoff_time = NULL;
  gint64 days;
  guint32 cutoff_day;
  gboolean ok;

  memset (counts, 0, sizeof *counts);
  if (!bd_actor_require (actor, BD_PERM_PURGE, error))
    return FALSE;
  days = retention_days (db, error);
  if (days < 0)
    return FALSE;
  cutoff_day = bd_today () - (guint32) MIN (days, (gint64) bd_today () - 1);
  cutoff_date = bd_date_format (cutoff_day);
  cutoff_time = g_strconcat (cutoff_date, "T00:00:00Z", NULL);
  counts->retention_days = days;
  if (!wipe_freed_pages (db, error) || !bd_db_begin (db, error))
    return FALSE;
  ok = bd_db_exec (db, scratch_sql, error) &&
       run_steps (db, cutoff_time, cutoff_day, counts, error);
  if (ok)
    {
      /* Counts and dates only: nothing in it names anyone. */
      details = bd_retention_counts_to_json (counts);
      json_object_remove_member (details, "templates");
      json_object_set_string_member (details, "before", cutoff_date);
      ok = bd_audit_append (db, who, "retention.purge", "", details, error);
    }
  return finish (db, ok, counts, error);
}

/* Whether the last run was less than RUN_INTERVAL ago (a clock set back
 * makes it due). */
static gboolean
ran_recently (BdDb *db, gboolean *recent, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT last_run FROM retention_state WHERE id = 1",
                                   error);
  g_autofree char *last = NULL;
  gint64 then, now = bd_clock_now ();
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    last = bd_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return bd_db_set_error (db, error, "reading the retention state");
  *recent = last != NULL && bd_time_parse (last, &then) && then <= now
            && now - then < RUN_INTERVAL;
  return TRUE;
}

gboolean
bd_retention_run (BdDb *db, const BdActor *actor, gboolean only_when_due, gboolean *ran,
                  BdRetentionCounts *counts, GError **error)
{
  gboolean recent = FALSE, ok;
  gint64 templates;

  memset (counts, 0, sizeof *counts);
  if (ran != NULL)
    *ran = FALSE;
  if (!bd_actor_require (actor, BD_PERM_PURGE, error) ||
      !bd_actor_require (actor, BD_PERM_FINGERPRINT, error))
    return FALSE;
  if (only_when_due && !ran_recently (db, &recent, error))
    return FALSE;
  if (recent)
    return TRUE;
  if (!wipe_freed_pages (db, error) || !bd_db_begin (db, error))
    return FALSE;
  templates = bd_template_purge (db, actor, error);
  ok = templates >= 0 && bd_retention_purge (db, actor, counts, error) &&
       record_run (db, error);
  counts->templates = MAX (templates, 0);
  if (!finish (db, ok, counts, error))
    return FALSE;
  if (ran != NULL)
    *ran = TRUE;
  return TRUE;
}

JsonObject *
bd_retention_counts_to_json (const BdRetentionCounts *counts)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "retention_days", counts->retention_days);
  json_object_set_int_member (o, "templates", counts->templates);
  json_object_set_int_member (o, "crossings", counts->crossings);
  json_object_set_int_member (o, "amendments", counts->amendments);
  json_object_set_int_member (o, "exemptions", counts->exemptions);
  json_object_set_int_member (o, "documents", counts->documents);
  json_object_set_int_member (o, "travellers", counts->travellers);
  json_object_set_int_member (o, "remote_crossings", counts->remote_crossings);
  json_object_set_int_member (o, "remote_answers", counts->remote_answers);
  json_object_set_int_member (o, "batch_payloads", counts->batch_payloads);
  return o;
}

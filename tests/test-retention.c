/* test-retention.c: the purge of personal data past retention (bd-retention.h),
 * under a pinned clock.  Crossings are registered at chosen times through
 * bd_crossing_register; "HQ acknowledges" is a receipted batch row that the
 * chosen records' outbox rows point to, as bd_sync_import_receipt leaves
 * them. */
#include "config.h"

#include <string.h>

#include "bd-amendment.h"
#include "bd-audit.h"
#include "bd-history.h"
#include "bd-retention.h"
#include "bd-shift.h"
#include "bd-template.h"
#include "bd-test-crossing.h"
#include "bd-test-util.h"

/* 2026-05-01T10:00:00Z */
#define NOW 1777629600
#define DAY 86400

static const char print_text[] = "a serialised print: minutiae 17 42 113 ...";

/* A guard with an open shift registers a UTO passport @number at @when.
 * Nationals: the stay rule is computed for them but never blocks. */
static char *
cross (BdTestDesk *t, const BdActor *guard, const char *number, gint64 when,
       BdDirection direction, BdDecision decision)
{
  g_autoptr(BdMrz) mrz = NULL;
  g_autoptr(GError) error = NULL;
  BdCrossingRequest req;
  char *uuid;

  bd_clock_set_override (when);
  bd_test_td3_request (&req, &mrz, "UTO", number, "400101");
  req.direction = direction;
  req.decision = decision;
  req.refusal_reasons = decision == BD_DECISION_REFUSED ? "B" : NULL;
  uuid = bd_crossing_register (t->db, guard, NULL, &req, NULL, &error);
  bd_identity_clear (&req.identity);
  g_assert_no_error (error);
  g_assert_nonnull (uuid);
  return uuid;
}

/* An old refusal (refusals have no stay to keep whole). */
static char *
refused (BdTestDesk *t, const BdActor *guard, const char *number)
{
  return cross (t, guard, number, NOW, BD_DIRECTION_ENTRY, BD_DECISION_REFUSED);
}

static BdActor *
guard_on_shift (BdTestDesk *t)
{
  BdActor *guard = bd_test_officer (t, "gina", BD_ROLE_GUARD);

  bd_clock_set_override (NOW - DAY);
  g_assert_cmpint (bd_shift_open (t->db, guard, "1", NULL), >, 0);
  return guard;
}

/* HQ receipts every record queued so far (as batch @seq, made at the
 * clock's time).  @except_uuid: a crossing left out (nullable). */
static void
acknowledge (BdTestDesk *t, gint64 seq, const char *except_uuid)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *now = bd_time_format (bd_clock_now ());
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO batches (epoch, seq, created, records, sha256, jws, receipt, acknowledged) "
    "VALUES (1, %" G_GINT64_FORMAT ", '%s', 1, 'h', 'signed records', 'r', '%s');"
    "UPDATE outbox SET batch_epoch = 1, batch_seq = %" G_GINT64_FORMAT " "
    "WHERE batch_seq IS NULL AND NOT (kind = 'crossing' AND ref_id IN "
    "  (SELECT id FROM crossings WHERE uuid = '%s'))",
    seq, now, now, seq, except_uuid != NULL ? except_uuid : "");

  g_assert_true (bd_db_exec (t->db, sql, &error));
  g_assert_no_error (error);
}

static gint64
crossings_of (BdTestDesk *t, const char *number)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count(*) FROM crossings c JOIN documents d ON d.id = c.document_id "
    "WHERE d.number = '%s'", number);
  return bd_test_count (t, sql);
}

static BdRetentionCounts
purge_at (BdTestDesk *t, gint64 when)
{
  g_autoptr(GError) error = NULL;
  BdRetentionCounts counts;

  bd_clock_set_override (when);
  g_assert_true (bd_retention_purge (t->db, t->cli, &counts, &error));
  g_assert_no_error (error);
  return counts;
}

static void
assert_chain_intact (BdTestDesk *t)
{
  g_autoptr(GError) error = NULL;
  BdAuditReport report = { 0, };

  g_assert_true (bd_audit_verify (t->db, &report, &error));
  g_assert_no_error (error);
  g_assert_null (report.reason);
  g_assert_cmpint (report.first_bad, ==, 0);
  bd_audit_report_clear (&report);
}

/* Acknowledged and past the period: the crossings, their document and the
 * traveller's personal data go; the audit log keeps every event and gains
 * one with the counts and nothing that names the traveller. */
static void
test_acknowledged_old_purged (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autofree char *in = cross (t, guard, "L1000001", NOW, BD_DIRECTION_ENTRY,
                               BD_DECISION_ADMITTED);
  g_autofree char *out = cross (t, guard, "L1000001", NOW + 5 * DAY, BD_DIRECTION_EXIT,
                                BD_DECISION_ADMITTED);
  g_autofree char *turned_away = cross (t, guard, "L1000002", NOW + 6 * DAY,
                                        BD_DIRECTION_ENTRY, BD_DECISION_REFUSED);
  const char *const counted[] = { "\"crossings\":3", "\"documents\":2",
                                  "\"retention_days\":180", "\"before\":\"2026-12-07\"" };
  const char *const personal[] = { "MUSTER", "ERIKA", "L100000", in };
  gint64 events;
  BdRetentionCounts counts;
  sqlite3_stmt *stmt = NULL;
  const char *details;

  acknowledge (t, 1, NULL);
  events = bd_test_count (t, "SELECT count(*) FROM audit");
  counts = purge_at (t, NOW + 400 * DAY);
  g_assert_cmpint (counts.retention_days, ==, 180);
  g_assert_cmpint (counts.crossings, ==, 3);
  g_assert_cmpint (counts.documents, ==, 2);
  /* One deleted; the newest row emptied, keeping its id from reuse. */
  g_assert_cmpint (counts.travellers, ==, 2);
  g_assert_cmpint (counts.batch_payloads, ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM crossings"), ==, 0);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM documents"), ==, 0);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM travellers WHERE surname <> '' "
                                     "OR given_names <> '' OR birth_date <> ''"), ==, 0);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM outbox WHERE kind = 'crossing'"),
                   ==, 0);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM batches WHERE jws = '' "
                                     "AND sha256 = 'h' AND receipt = 'r'"), ==, 1);

  /* Every earlier event kept, one more, and the chain verifies. */
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM audit"), ==, events + 1);
  assert_chain_intact (t);
  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (t->db),
                                       "SELECT details, object FROM audit "
                                       "WHERE action = 'retention.purge'", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  details = (const char *) sqlite3_column_text (stmt, 0);
  for (guint i = 0; i < G_N_ELEMENTS (counted); i++)
    g_assert_nonnull (strstr (details, counted[i]));
  for (guint i = 0; i < G_N_ELEMENTS (personal); i++)
    g_assert_null (strstr (details, personal[i]));
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "");
  sqlite3_finalize (stmt);
}

/* HQ has not acknowledged: kept whatever its age.  Acknowledged but within
 * the period: kept; a day past it: gone. */
static void
test_unacknowledged_and_recent_kept (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autofree char *a = refused (t, guard, "L2000001");
  g_autofree char *b = refused (t, guard, "L2000002");

  acknowledge (t, 1, b);
  /* The crossings' day is the cutoff itself: within the period. */
  g_assert_cmpint (purge_at (t, NOW + 180 * DAY).crossings, ==, 0);
  g_assert_cmpint (purge_at (t, NOW + 181 * DAY).crossings, ==, 1);
  g_assert_cmpint (crossings_of (t, "L2000001"), ==, 0);
  g_assert_cmpint (crossings_of (t, "L2000002"), ==, 1);
  /* Years later, still not acknowledged: still here. */
  g_assert_cmpint (purge_at (t, NOW + 2000 * DAY).crossings, ==, 0);
  g_assert_cmpint (crossings_of (t, "L2000002"), ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM travellers WHERE surname = 'MUSTER'"),
                   ==, 1);

  /* A longer period set by the desk applies; a shorter one than the stay
   * window does not. */
  g_assert_true (bd_setting_set (t->db, t->cli, BD_SETTING_RETENTION_CROSSING_DAYS, "30", NULL));
  g_assert_cmpint (purge_at (t, NOW).retention_days, ==, 180);
  g_assert_true (bd_setting_set (t->db, t->cli, BD_SETTING_RETENTION_CROSSING_DAYS, "400", NULL));
  g_assert_cmpint (purge_at (t, NOW).retention_days, ==, 400);
}

/* The stay rule gives the same answer after a purge: a stay that reaches
 * into the window is kept whole (its old entry too), an open stay is kept
 * however old, and only stays closed before the cutoff go. */
static void
test_stay_rule_unchanged (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autoptr(BdPost) post = NULL;
  g_autoptr(GError) error = NULL;
  const char *doc = "L3000001", *open = "L3000002";
  const gint64 days[] = { 0, 30, 150, 230 };
  BdStayResult before[2], after[2];
  BdRetentionCounts counts;
  guint32 today;

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    g_free (cross (t, guard, doc, NOW + days[i] * DAY,
                   i % 2 == 0 ? BD_DIRECTION_ENTRY : BD_DIRECTION_EXIT, BD_DECISION_ADMITTED));
  g_free (cross (t, guard, doc, NOW + 100 * DAY, BD_DIRECTION_ENTRY, BD_DECISION_REFUSED));
  /* Entered long ago and never left (an overstayer), and an old stay of
   * the same traveller before it. */
  g_free (cross (t, guard, open, NOW, BD_DIRECTION_ENTRY, BD_DECISION_ADMITTED));
  g_free (cross (t, guard, open, NOW + 10 * DAY, BD_DIRECTION_EXIT, BD_DECISION_ADMITTED));
  g_free (cross (t, guard, open, NOW + 20 * DAY, BD_DIRECTION_ENTRY, BD_DECISION_ADMITTED));
  acknowledge (t, 1, NULL);

  bd_clock_set_override (NOW + 400 * DAY);
  today = bd_today ();
  post = bd_post_load (t->db, &error);
  g_assert_no_error (error);
  g_assert_true (bd_history_stay (t->db, post, "UTO", doc, today, &before[0], &error));
  g_assert_true (bd_history_stay (t->db, post, "UTO", open, today, &before[1], &error));
  /* Not trivially equal: the stay from day 150 to 230 reaches into the
   * window (days 221 to 230 of it, counted from day 0 = NOW). */
  g_assert_cmpint (before[0].days_used, >, 1);
  g_assert_cmpint (before[1].overstay_days, >, 0);

  counts = purge_at (t, NOW + 400 * DAY);
  /* doc: the first stay (0, 30) and the refusal; open: its closed stay. */
  g_assert_cmpint (counts.crossings, ==, 5);
  g_assert_cmpint (crossings_of (t, doc), ==, 2);
  g_assert_cmpint (crossings_of (t, open), ==, 1);
  g_assert_true (bd_history_stay (t->db, post, "UTO", doc, today, &after[0], &error));
  g_assert_true (bd_history_stay (t->db, post, "UTO", open, today, &after[1], &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (after[i].days_used, ==, before[i].days_used);
      g_assert_cmpint (after[i].days_remaining, ==, before[i].days_remaining);
      g_assert_cmpint (after[i].overstay_days, ==, before[i].overstay_days);
    }
  /* Both travellers are still referenced by kept crossings. */
  g_assert_cmpint (counts.travellers, ==, 0);
  g_assert_cmpint (counts.documents, ==, 0);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM travellers WHERE surname = 'MUSTER'"),
                   ==, 2);
}

/* A crossing whose stay is still in the open-stays feed stays (HQ's word
 * that the person is in the country), and so does everything after it. */
static void
test_open_stay_pins (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autofree char *in = cross (t, guard, "L4000001", NOW, BD_DIRECTION_ENTRY,
                               BD_DECISION_ADMITTED);
  g_autofree char *out = cross (t, guard, "L4000001", NOW + DAY, BD_DIRECTION_EXIT,
                                BD_DECISION_ADMITTED);
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO open_stays (issuing_state, number, crossing, time, day, post, desk) "
    "SELECT 'UTO', 'L4000001', uuid, time, day, post, desk FROM crossings WHERE uuid = '%s'",
    in);

  acknowledge (t, 1, NULL);
  g_assert_true (bd_db_exec (t->db, sql, NULL));
  g_assert_cmpint (purge_at (t, NOW + 400 * DAY).crossings, ==, 0);
  g_assert_cmpint (crossings_of (t, "L4000001"), ==, 2);
  /* HQ closes the stay: the next purge takes both. */
  g_assert_true (bd_db_exec (t->db, "DELETE FROM open_stays", NULL));
  g_assert_cmpint (purge_at (t, NOW + 400 * DAY).crossings, ==, 2);
}

/* Amendments go with their crossing once HQ has them; an amendment HQ has
 * not acknowledged keeps its crossing. */
static void
test_amendments (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = refused (t, guard, "L5000001");
  g_autofree char *b = refused (t, guard, "L5000002");
  BdRetentionCounts counts;

  g_assert_cmpint (bd_crossing_amend (t->db, guard, a, "vehicle", "AB 123", "typo", &error), >, 0);
  acknowledge (t, 1, NULL);
  g_assert_cmpint (bd_crossing_amend (t->db, guard, b, "vehicle", "CD 456", "typo", &error), >, 0);
  g_assert_no_error (error);

  counts = purge_at (t, NOW + 400 * DAY);
  g_assert_cmpint (counts.crossings, ==, 1);
  g_assert_cmpint (counts.amendments, ==, 1);
  g_assert_cmpint (crossings_of (t, "L5000002"), ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM amendments"), ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM outbox WHERE kind = 'amendment'"),
                   ==, 1);
  acknowledge (t, 2, NULL);
  g_assert_cmpint (purge_at (t, NOW + 400 * DAY).amendments, ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM crossings"), ==, 0);
}

/* Shifts stay, and so do their counts: the shift report and list say the
 * same after a purge as before, with no crossing left behind them. */
static void
test_shift_counts_kept (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) before = NULL, after = NULL;
  g_autoptr(GPtrArray) shifts = NULL;
  g_autofree char *text_before = NULL, *text_after = NULL;
  gint64 shift = bd_test_count (t, "SELECT max (id) FROM shifts");

  g_free (cross (t, guard, "L1100001", NOW, BD_DIRECTION_ENTRY, BD_DECISION_ADMITTED));
  g_free (cross (t, guard, "L1100001", NOW + 3600, BD_DIRECTION_EXIT, BD_DECISION_ADMITTED));
  g_free (refused (t, guard, "L1100002"));
  g_free (refused (t, guard, "L1100003"));
  acknowledge (t, 1, NULL);
  before = bd_shift_report (t->db, t->cli, shift, &error);
  g_assert_no_error (error);
  text_before = json_to_string (before, FALSE);
  g_assert_nonnull (strstr (text_before, "\"total\":4"));
  g_assert_nonnull (strstr (text_before, "\"refused\":2"));

  g_assert_cmpint (purge_at (t, NOW + 400 * DAY).crossings, ==, 4);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM crossings"), ==, 0);
  after = bd_shift_report (t->db, t->cli, shift, &error);
  g_assert_no_error (error);
  text_after = json_to_string (after, FALSE);
  g_assert_cmpstr (text_after, ==, text_before);
  shifts = bd_shift_list (t->db, t->cli, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (shifts->len, ==, 1);
  g_assert_cmpint (((BdShift *) shifts->pdata[0])->crossings, ==, 4);

  /* A second purge adds to the tallies, never counts twice. */
  g_free (refused (t, guard, "L1100004"));
  acknowledge (t, 2, NULL);
  g_assert_cmpint (purge_at (t, NOW + 400 * DAY).crossings, ==, 1);
  g_clear_pointer (&after, json_node_unref);
  after = bd_shift_report (t->db, t->cli, shift, &error);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (
                     json_node_get_object (after), "counts"), "total"), ==, 5);
}

/* A template keeps its traveller and document after the crossings go, and
 * the template purge still knows HQ acknowledged it. */
static void
test_template_keeps_traveller (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autoptr(GBytes) plain = g_bytes_new_static (print_text, sizeof print_text);
  g_autoptr(GError) error = NULL;
  g_autofree char *in = cross (t, guard, "L6000001", NOW, BD_DIRECTION_ENTRY,
                               BD_DECISION_ADMITTED);
  g_autofree char *out = cross (t, guard, "L6000001", NOW + DAY, BD_DIRECTION_EXIT,
                                BD_DECISION_ADMITTED);
  guint8 key[BD_DATA_KEY_SIZE];
  BdTemplateRecord record = { 0, .finger = "right-index-finger", .plain = plain,
                              .driver = "virtual_image" };
  BdRetentionCounts counts;

  g_assert_true (bd_data_key_load (t->path, TRUE, key, &error));
  g_assert_true (bd_document_resolve (t->db, "UTO", "L6000001", FALSE, &record.traveller_id,
                                      &record.document_id, &error));
  record.crossing_id = bd_test_count (t, "SELECT min (id) FROM crossings");
  g_assert_true (bd_template_store (t->db, t->cli, key, &record, &error));
  g_assert_no_error (error);
  acknowledge (t, 1, NULL);
  g_assert_true (bd_setting_set (t->db, t->cli, BD_SETTING_FINGER_RETENTION_DAYS, "1000", NULL));

  counts = purge_at (t, NOW + 400 * DAY);
  g_assert_cmpint (counts.crossings, ==, 2);
  g_assert_cmpint (counts.documents, ==, 0);
  g_assert_cmpint (counts.travellers, ==, 0);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM finger_templates "
                                     "WHERE crossing_id IS NULL AND acknowledged = 1"), ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM travellers WHERE surname = 'MUSTER'"),
                   ==, 1);

  /* The template's own period passes: it goes, then so do the rest. */
  g_assert_true (bd_setting_set (t->db, t->cli, BD_SETTING_FINGER_RETENTION_DAYS, "180", NULL));
  g_assert_cmpint (bd_template_purge (t->db, t->cli, &error), ==, 1);
  counts = purge_at (t, NOW + 400 * DAY);
  g_assert_cmpint (counts.documents, ==, 1);
  g_assert_cmpint (counts.travellers, ==, 1);
  assert_chain_intact (t);
}

/* HQ's history answers: stays closed before the cutoff go, an open one
 * stays; an answer left empty goes. */
static void
test_remote_history (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  BdRetentionCounts counts;

  bd_clock_set_override (NOW + 400 * DAY);
  g_assert_true (bd_db_exec (t->db,
    "INSERT INTO remote_crossings VALUES "
    " ('u1', 'DEU', 'R1', '2026-05-01T10:00:00Z', 739737, 'entry', 'UTO-BET', 'UTO-BET/1'),"
    " ('u2', 'DEU', 'R1', '2026-05-11T10:00:00+00:00', 739747, 'exit', 'UTO-BET', 'UTO-BET/1'),"
    " ('u3', 'DEU', 'R1', '2026-06-01T10:00:00Z', 739768, 'entry', 'UTO-BET', 'UTO-BET/1'),"
    " ('u4', 'DEU', 'R2', '2026-05-01T10:00:00Z', 739737, 'entry', 'UTO-BET', 'UTO-BET/1'),"
    " ('u5', 'DEU', 'R2', '2026-05-02T10:00:00Z', 739738, 'exit', 'UTO-BET', 'UTO-BET/1');"
    "INSERT INTO remote_history VALUES ('DEU', 'R1', '2026-06-02T00:00:00Z'),"
    " ('DEU', 'R2', '2026-06-02T00:00:00Z');", &error));
  g_assert_no_error (error);
  counts = purge_at (t, NOW + 400 * DAY);
  g_assert_cmpint (counts.remote_crossings, ==, 4);
  g_assert_cmpint (counts.remote_answers, ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM remote_crossings WHERE uuid = 'u3'"),
                   ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM remote_history WHERE number = 'R1'"),
                   ==, 1);
}

/* Exemptions go once their traveller has not been seen for the period. */
static void
test_exemptions (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autoptr(GError) error = NULL;
  gint64 traveller, document;

  bd_clock_set_override (NOW);
  g_assert_true (bd_document_resolve (t->db, "UTO", "L7000001", TRUE, &traveller, &document,
                                      &error));
  g_assert_true (bd_exemption_record (t->db, t->cli, traveller, BD_EXEMPT_MISSING, "amputated",
                                      TRUE, 0, &error));
  g_assert_no_error (error);
  g_free (cross (t, guard, "L7000001", NOW + 300 * DAY, BD_DIRECTION_ENTRY,
                 BD_DECISION_REFUSED));
  acknowledge (t, 1, NULL);
  /* Seen 100 days ago: the exemption is still of use. */
  g_assert_cmpint (purge_at (t, NOW + 400 * DAY).exemptions, ==, 0);
  g_assert_cmpint (purge_at (t, NOW + 500 * DAY).exemptions, ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM finger_exemptions"), ==, 0);
}

/* Refused for every role but the desk's administrator, before anything is
 * read or written: no audit event, no deletion. */
static void
test_roles (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autoptr(BdActor) sup = bd_test_officer (t, "sam", BD_ROLE_SUPERVISOR);
  g_autoptr(BdActor) sync = bd_actor_new_sync ();
  const BdActor *denied[] = { NULL, guard, sup };
  g_autoptr(GError) error = NULL;
  BdRetentionCounts counts;
  gint64 events;

  g_free (refused (t, guard, "L8000001"));
  acknowledge (t, 1, NULL);
  bd_clock_set_override (NOW + 400 * DAY);
  events = bd_test_count (t, "SELECT count(*) FROM audit");
  for (guint i = 0; i < G_N_ELEMENTS (denied); i++)
    {
      g_assert_false (bd_retention_purge (t->db, denied[i], &counts, &error));
      g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
      g_clear_error (&error);
      g_assert_false (bd_retention_run (t->db, denied[i], FALSE, NULL, &counts, &error));
      g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
      g_clear_error (&error);
    }
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM audit"), ==, events);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM crossings"), ==, 1);
  /* The background sync acts as the desk: allowed, audited as "sync". */
  g_assert_true (bd_retention_purge (t->db, sync, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counts.crossings, ==, 1);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM audit WHERE actor = 'sync' "
                                     "AND action = 'retention.purge'"), ==, 1);
}

/* The automatic run: both purges, once a day at most. */
static void
test_run_when_due (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autoptr(BdActor) sync = bd_actor_new_sync ();
  g_autoptr(GError) error = NULL;
  BdRetentionCounts counts;
  gboolean ran = FALSE;

  g_free (refused (t, guard, "L9000001"));
  acknowledge (t, 1, NULL);
  bd_clock_set_override (NOW + 400 * DAY);
  g_assert_true (bd_retention_run (t->db, sync, TRUE, &ran, &counts, &error));
  g_assert_true (ran);
  g_assert_cmpint (counts.crossings, ==, 1);
  bd_clock_set_override (NOW + 400 * DAY + DAY - 1);
  g_assert_true (bd_retention_run (t->db, sync, TRUE, &ran, &counts, &error));
  g_assert_false (ran);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM audit "
                                     "WHERE action IN ('retention.purge', 'finger.purge')"), ==, 2);
  bd_clock_set_override (NOW + 401 * DAY);
  g_assert_true (bd_retention_run (t->db, sync, TRUE, &ran, &counts, &error));
  g_assert_true (ran);
  /* Asked for explicitly, it runs whenever asked. */
  g_assert_true (bd_retention_run (t->db, sync, FALSE, &ran, &counts, &error));
  g_assert_true (ran);
  g_assert_no_error (error);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM audit "
                                     "WHERE action = 'retention.purge'"), ==, 3);
  assert_chain_intact (t);
}

/* All or nothing: a purge that fails part-way leaves every row, no audit
 * event and the delete guard down.  Outside a purge, crossings stay
 * append-only; inside one, an unacknowledged crossing cannot be deleted. */
static void
test_atomic_and_guarded (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdActor) guard = guard_on_shift (t);
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  BdRetentionCounts counts;
  gint64 events;

  g_free (refused (t, guard, "L0000001"));
  kept = refused (t, guard, "L0000002");
  acknowledge (t, 1, kept);
  g_assert_false (bd_db_exec (t->db, "DELETE FROM crossings", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_false (bd_db_exec (t->db, "BEGIN; UPDATE retention_state SET running = 1; "
                                     "DELETE FROM crossings", &error));
  g_assert_nonnull (strstr (error->message, "not acknowledged"));
  g_clear_error (&error);
  g_assert_true (bd_db_exec (t->db, "ROLLBACK", NULL));

  /* The last step fails (a trigger standing in for a full disk). */
  g_assert_true (bd_db_exec (t->db, "CREATE TRIGGER fail_late BEFORE UPDATE OF jws ON batches "
                                    "BEGIN SELECT RAISE (ABORT, 'disk full'); END", NULL));
  events = bd_test_count (t, "SELECT count(*) FROM audit");
  bd_clock_set_override (NOW + 400 * DAY);
  g_assert_false (bd_retention_purge (t->db, t->cli, &counts, &error));
  g_assert_nonnull (strstr (error->message, "disk full"));
  g_clear_error (&error);
  g_assert_cmpint (counts.crossings, ==, 0);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM crossings"), ==, 2);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM documents"), ==, 2);
  g_assert_cmpint (bd_test_count (t, "SELECT count(*) FROM audit"), ==, events);
  g_assert_cmpint (bd_test_count (t, "SELECT running FROM retention_state"), ==, 0);
  g_assert_true (bd_db_exec (t->db, "DROP TRIGGER fail_late", NULL));
  g_assert_cmpint (purge_at (t, NOW + 400 * DAY).crossings, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BD_TEST_ADD ("/retention/acknowledged-old-purged", test_acknowledged_old_purged);
  BD_TEST_ADD ("/retention/unacknowledged-and-recent-kept", test_unacknowledged_and_recent_kept);
  BD_TEST_ADD ("/retention/stay-rule-unchanged", test_stay_rule_unchanged);
  BD_TEST_ADD ("/retention/open-stay-pins", test_open_stay_pins);
  BD_TEST_ADD ("/retention/amendments", test_amendments);
  BD_TEST_ADD ("/retention/shift-counts-kept", test_shift_counts_kept);
  BD_TEST_ADD ("/retention/template-keeps-traveller", test_template_keeps_traveller);
  BD_TEST_ADD ("/retention/remote-history", test_remote_history);
  BD_TEST_ADD ("/retention/exemptions", test_exemptions);
  BD_TEST_ADD ("/retention/roles", test_roles);
  BD_TEST_ADD ("/retention/run-when-due", test_run_when_due);
  BD_TEST_ADD ("/retention/atomic-and-guarded", test_atomic_and_guarded);
  return g_test_run ();
}

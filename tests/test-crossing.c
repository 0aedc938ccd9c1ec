/* test-crossing.c: registering, the checks, overrides, imports, reports. */
#include "config.h"

#include "bd-audit.h"
#include "bd-crossing.h"
#include "bd-demo.h"
#include "bd-history.h"
#include "bd-shift.h"
#include "bd-test-crossing.h"
#include "bd-test-util.h"

/* 2026-05-01T10:00:00Z */
#define NOW 1777629600

typedef struct {
  BdActor *guard, *sup;
} Staff;

static Staff
staff (BdTestDesk *t)
{
  Staff s;

  s.guard = bd_test_officer (t, "gina", BD_ROLE_GUARD);
  s.sup = bd_test_officer (t, "sam", BD_ROLE_SUPERVISOR);
  g_assert_cmpint (bd_shift_open (t->db, s.guard, "1", NULL), >, 0);
  bd_clock_set_override (NOW);
  return s;
}

static void
staff_free (Staff *s)
{
  bd_actor_free (s->guard);
  bd_actor_free (s->sup);
}

static gint64
count (BdTestDesk *t, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (t->db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Registers a TD3 for @nat/@number expiring on @expiry (YYMMDD). */
static char *
reg (BdTestDesk *t, const BdActor *who, const BdActor *over, const char *nat, const char *number,
     const char *expiry, BdDirection dir, BdDecision decision, const char *reasons,
     GPtrArray **checks, GError **error)
{
  g_autoptr(BdMrz) mrz = NULL;
  BdCrossingRequest req;
  char *uuid;

  bd_test_td3_request (&req, &mrz, nat, number, expiry);
  req.direction = dir;
  req.decision = decision;
  req.refusal_reasons = reasons;
  uuid = bd_crossing_register (t->db, who, over, &req, checks, error);
  bd_identity_clear (&req.identity);
  return uuid;
}

static BdCheckState
state_of (GPtrArray *checks, const char *name)
{
  for (guint i = 0; i < checks->len; i++)
    {
      BdCheck *c = checks->pdata[i];
      if (g_strcmp0 (c->name, name) == 0)
        return c->state;
    }
  g_assert_not_reached ();
}

static void
test_register_ok (BdTestDesk *t, gconstpointer data)
{
  Staff s = staff (t);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "310101",
                               BD_DIRECTION_ENTRY, BD_DECISION_ADMITTED, "", &checks, &error);

  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (uuid));
  g_assert_false (bd_checks_blocking (checks));
  g_assert_cmpint (state_of (checks, "stay-rule"), ==, BD_CHECK_OK);
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit WHERE action = 'crossing.register'"),
                   ==, 1);
  /* The audit event names ids, never the traveller. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit WHERE details LIKE '%MUSTER%' "
                             "OR details LIKE '%C01X00T47%' OR object LIKE '%MUSTER%'"), ==, 0);
  /* Append-only: the row cannot be changed or removed. */
  g_assert_false (bd_db_exec (t->db, "UPDATE crossings SET decision = 'refused'", NULL));
  g_assert_false (bd_db_exec (t->db, "DELETE FROM crossings", NULL));
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings WHERE decision = 'admitted'"), ==, 1);
  staff_free (&s);
}

static void
test_blocked_and_override (BdTestDesk *t, gconstpointer data)
{
  Staff s = staff (t);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(BdActor) guard2 = bd_test_officer (t, "gus", BD_ROLE_GUARD);
  char *uuid;

  /* Expired in 2012: blocked, nothing written. */
  uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "120415", BD_DIRECTION_ENTRY,
              BD_DECISION_ADMITTED, "", &checks, &error);
  g_assert_null (uuid);
  g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_BLOCKED);
  g_assert_cmpint (state_of (checks, "document-validity"), ==, BD_CHECK_BLOCK);
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings"), ==, 0);
  g_clear_error (&error);

  /* A guard cannot override; nor can the registering officer. */
  uuid = reg (t, s.guard, guard2, "DEU", "C01X00T47", "120415", BD_DIRECTION_ENTRY,
              BD_DECISION_ADMITTED, "", NULL, &error);
  g_assert_null (uuid);
  g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_OVERRIDE);
  g_clear_error (&error);

  /* Refusing needs no override. */
  uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "120415", BD_DIRECTION_ENTRY,
              BD_DECISION_REFUSED, "C", NULL, &error);
  g_assert_no_error (error);
  g_free (uuid);

  uuid = reg (t, s.guard, s.sup, "DEU", "C01X00T47", "120415", BD_DIRECTION_ENTRY,
              BD_DECISION_ADMITTED, "", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uuid);
  g_free (uuid);
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings WHERE override_by IS NOT NULL"),
                   ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit WHERE action = 'crossing.override'"),
                   ==, 1);
  staff_free (&s);
}

static void
test_invalid_requests (BdTestDesk *t, gconstpointer data)
{
  Staff s = staff (t);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) admin = bd_test_officer (t, "ada", BD_ROLE_ADMIN);
  char *uuid;

  uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "310101", BD_DIRECTION_ENTRY,
              BD_DECISION_REFUSED, "", NULL, &error);
  g_assert_null (uuid);
  g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID);
  g_clear_error (&error);
  uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "310101", BD_DIRECTION_ENTRY,
              BD_DECISION_REFUSED, "Z", NULL, &error);
  g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID);
  g_clear_error (&error);
  uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "310101", BD_DIRECTION_ENTRY,
              BD_DECISION_ADMITTED, "A", NULL, &error);
  g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID);
  g_clear_error (&error);
  /* Admins do not process travellers. */
  uuid = reg (t, admin, NULL, "DEU", "C01X00T47", "310101", BD_DIRECTION_ENTRY,
              BD_DECISION_ADMITTED, "", NULL, &error);
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
  g_clear_error (&error);
  /* No open shift. */
  g_assert_true (bd_shift_close (t->db, s.guard, bd_shift_current (t->db, s.guard->officer_id,
                                                                     NULL), NULL, NULL));
  uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "310101", BD_DIRECTION_ENTRY,
              BD_DECISION_ADMITTED, "", NULL, &error);
  g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_NO_SHIFT);
  g_assert_null (uuid);
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings"), ==, 0);
  staff_free (&s);
}

static void
test_stay_blocks_overstay (BdTestDesk *t, gconstpointer data)
{
  Staff s = staff (t);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  char *uuid;

  /* Entered 100 days ago and never left. */
  bd_clock_set_override (NOW - 100 * 86400);
  uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "310101", BD_DIRECTION_ENTRY,
              BD_DECISION_ADMITTED, "", NULL, &error);
  g_assert_no_error (error);
  g_free (uuid);
  bd_clock_set_override (NOW);
  uuid = reg (t, s.guard, NULL, "DEU", "C01X00T47", "310101", BD_DIRECTION_EXIT,
              BD_DECISION_ADMITTED, "", &checks, &error);
  g_assert_null (uuid);
  g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_BLOCKED);
  g_assert_cmpint (state_of (checks, "stay-rule"), ==, BD_CHECK_BLOCK);
  g_clear_pointer (&checks, g_ptr_array_unref);
  g_clear_error (&error);

  /* The post's own nationals are never subject to it. */
  bd_clock_set_override (NOW - 100 * 86400);
  g_free (reg (t, s.guard, NULL, "UTO", "U12345678", "310101", BD_DIRECTION_ENTRY,
               BD_DECISION_ADMITTED, "", NULL, &error));
  bd_clock_set_override (NOW);
  uuid = reg (t, s.guard, NULL, "UTO", "U12345678", "310101", BD_DIRECTION_EXIT,
              BD_DECISION_ADMITTED, "", &checks, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state_of (checks, "stay-rule"), ==, BD_CHECK_OK);
  g_free (uuid);
  staff_free (&s);
}

static void
test_unknown_country_warns (BdTestDesk *t, gconstpointer data)
{
  Staff s = staff (t);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *uuid = reg (t, s.guard, NULL, "ZZZ", "C01X00T47", "310101",
                               BD_DIRECTION_ENTRY, BD_DECISION_ADMITTED, "", &checks, &error);

  g_assert_no_error (error);
  g_assert_nonnull (uuid);
  g_assert_cmpint (state_of (checks, "country-codes"), ==, BD_CHECK_WARNING);
  staff_free (&s);
}

static const char good_import[] =
  "{\"time\": \"2026-03-01T08:15:00Z\", \"direction\": \"entry\", \"decision\": \"admitted\", "
  "\"document\": {\"code\": \"P\", \"issuing_state\": \"DEU\", \"number\": \"C01X00T47\", "
  "\"expiry\": \"2031-01-01\"}, \"traveller\": {\"surname\": \"MUSTER\", \"given_names\": "
  "\"ERIKA\", \"nationality\": \"DEU\", \"birth_date\": \"1980-01-01\", \"sex\": \"F\"}, "
  "\"post\": \"UTO-BET\"}\r\n"
  "{\"time\": \"2026-03-10T18:00:00Z\", \"direction\": \"exit\", \"decision\": \"admitted\", "
  "\"document\": {\"code\": \"P\", \"issuing_state\": \"DEU\", \"number\": \"C01X00T47\"}, "
  "\"traveller\": {\"surname\": \"MUSTER\", \"nationality\": \"DEU\"}}\n"
  "\n";

static void
test_import (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdPost) post = bd_post_load (t->db, NULL);
  g_autofree char *bad = g_strconcat (good_import,
                                      "{\"time\": \"yesterday\", \"direction\": \"entry\"}\n",
                                      NULL);
  gint64 n = 0;
  guint32 on;
  BdStayResult r;

  g_assert_false (bd_crossing_import (t->db, t->cli, bad, strlen (bad), &n, &error));
  g_assert_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "line 4"));
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings"), ==, 0);
  g_clear_error (&error);

  g_assert_true (bd_crossing_import (t->db, t->cli, good_import, strlen (good_import), &n,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings WHERE source = 'imported'"), ==, 2);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit WHERE action = 'crossings.import'"),
                   ==, 1);

  /* 1 to 10 March: 10 days, plus the day itself. */
  g_assert_true (bd_date_parse ("2026-05-01", &on));
  g_assert_true (bd_history_stay (t->db, post, "DEU", "C01X00T47", on, &r, &error));
  g_assert_cmpint (r.days_used, ==, 11);
  g_assert_cmpint (r.days_remaining, ==, 79);
}

static void
test_shift_report (BdTestDesk *t, gconstpointer data)
{
  Staff s = staff (t);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = NULL;
  JsonObject *o, *counts;
  gint64 shift = bd_shift_current (t->db, s.guard->officer_id, NULL);

  g_free (reg (t, s.guard, NULL, "DEU", "C01X00T47", "310101", BD_DIRECTION_ENTRY,
               BD_DECISION_ADMITTED, "", NULL, NULL));
  g_free (reg (t, s.guard, NULL, "FRA", "F01X00T47", "310101", BD_DIRECTION_ENTRY,
               BD_DECISION_REFUSED, "E", NULL, NULL));
  g_free (reg (t, s.guard, s.sup, "FRA", "F01X00T48", "120101", BD_DIRECTION_ENTRY,
               BD_DECISION_ADMITTED, "", NULL, NULL));

  {
    g_autoptr(BdActor) other = bd_test_officer (t, "gus", BD_ROLE_GUARD);
    g_autoptr(JsonNode) own = bd_shift_report (t->db, s.guard, shift, &error);

    /* An officer sees their own shift's summary, not another's. */
    g_assert_no_error (error);
    g_assert_nonnull (own);
    g_assert_null (bd_shift_report (t->db, other, shift, &error));
    g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
    g_clear_error (&error);
  }
  report = bd_shift_report (t->db, s.sup, shift, &error);
  g_assert_no_error (error);
  o = json_node_get_object (report);
  counts = json_object_get_object_member (o, "counts");
  g_assert_cmpint (json_object_get_int_member (o, "shift"), ==, shift);
  g_assert_cmpint (json_object_get_int_member (counts, "total"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (counts,
                   "by_decision"), "refused"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (counts,
                   "by_nationality"), "FRA"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (counts,
                   "by_sex"), "F"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (counts,
                   "by_hour"), "10"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (o, "overrides"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "alerts"), ==, 1);
  g_assert_true (json_object_get_null_member (o, "closed"));
  staff_free (&s);
}

static void
test_demo_seed (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  BdDemoOptions opt = { .crossings = 120, .travellers = 30, .seed = 7, .per_shift = 50 };
  BdAuditReport report;

  g_assert_true (bd_demo_seed (t->db, t->cli, &opt, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings"), ==, 120);
  g_assert_cmpint (count (t, "SELECT count(*) FROM shifts"), ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM shifts WHERE closed IS NULL"), ==, 1);
  g_assert_true (bd_demo_seed (t->db, t->cli, &opt, &error));
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings"), ==, 240);
  g_assert_cmpint (count (t, "SELECT count(*) FROM officers"), ==, 4);
  g_assert_cmpint (count (t, "SELECT count(*) FROM shifts WHERE closed IS NULL"), ==, 1);
  g_assert_true (bd_audit_verify (t->db, &report, &error));
  g_assert_cmpint (report.first_bad, ==, 0);
  bd_audit_report_clear (&report);
}

/* Found by fuzz-crossings-import: the reader split @data as a C string,
 * reading past @length (ASan: heap-buffer-overflow) and importing whatever
 * followed.  Only the first @length bytes count. */
static void
test_import_reads_length_only (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (good_import, "{\"not\": \"counted\"}", NULL);
  g_autofree char *exact = g_memdup2 (good_import, strlen (good_import));
  gint64 n = 0;

  g_assert_true (bd_crossing_import (t->db, t->cli, text, strlen (good_import), &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  /* Exactly @length bytes with no terminator after them. */
  g_assert_true (bd_crossing_import (t->db, t->cli, exact, strlen (good_import), &n, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  g_assert_cmpint (count (t, "SELECT count(*) FROM crossings"), ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BD_TEST_ADD ("/crossing/register-ok", test_register_ok);
  BD_TEST_ADD ("/crossing/blocked-and-override", test_blocked_and_override);
  BD_TEST_ADD ("/crossing/invalid-requests", test_invalid_requests);
  BD_TEST_ADD ("/crossing/stay-blocks-overstay", test_stay_blocks_overstay);
  BD_TEST_ADD ("/crossing/unknown-country-warns", test_unknown_country_warns);
  BD_TEST_ADD ("/crossing/import", test_import);
  BD_TEST_ADD ("/crossing/import-reads-length-only", test_import_reads_length_only);
  BD_TEST_ADD ("/crossing/shift-report", test_shift_report);
  BD_TEST_ADD ("/crossing/demo-seed", test_demo_seed);
  return g_test_run ();
}

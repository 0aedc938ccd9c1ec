/* test-supervisor.c: the supervisor's core: statistics, the filtered shift
 * list, the timeline, sign-off immutability, amendments, the audited
 * drill-down, and who may do each. */
#include "config.h"

#include <string.h>

#include "bd-amendment.h"
#include "bd-audit.h"
#include "bd-crossing.h"
#include "bd-demo.h"
#include "bd-shift.h"
#include "bd-stats.h"
#include "bd-test-crossing.h"
#include "bd-test-util.h"
#include "bd-timeline.h"

/* 2026-05-01T10:00:00Z */
#define NOW 1777629600

typedef struct {
  BdTestDesk t;
  BdActor *guard, *sup, *sup2, *admin;
  gint64 shift;
  char *plain, *expired, *refused, *referred;   /* crossing UUIDs */
} Fx;

static char *
reg (Fx *f, const char *nat, const char *number, const char *expiry, BdDirection dir,
     BdDecision decision, const char *reasons, const BdActor *over)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdMrz) mrz = NULL;
  BdCrossingRequest req;
  char *uuid;

  bd_test_td3_request (&req, &mrz, nat, number, expiry);
  req.direction = dir;
  req.decision = decision;
  req.refusal_reasons = reasons;
  req.override_reason = over != NULL ? "humanitarian" : NULL;
  req.vulnerability = decision == BD_DECISION_REFERRED ? "medical-needs" : "";
  uuid = bd_crossing_register (f->t.db, f->guard, over, &req, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uuid);
  bd_identity_clear (&req.identity);
  return uuid;
}

/* A guard's shift on 2026-05-01 from 09:50 to 11:00: a failed login, four
 * crossings at 10:00 (one admitted over an expired passport), closed. */
static void
fx_setup (Fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) nobody = NULL;

  bd_test_desk_setup (&f->t, data);
  bd_clock_set_override (NOW - 600);
  f->guard = bd_test_officer (&f->t, "gina", BD_ROLE_GUARD);
  f->sup = bd_test_officer (&f->t, "sam", BD_ROLE_SUPERVISOR);
  f->sup2 = bd_test_officer (&f->t, "sue", BD_ROLE_SUPERVISOR);
  f->admin = bd_test_officer (&f->t, "ada", BD_ROLE_ADMIN);
  f->shift = bd_shift_open (f->t.db, f->guard, "1", &error);
  g_assert_no_error (error);
  bd_clock_set_override (NOW - 300);
  nobody = bd_officer_authenticate (f->t.db, "gina", "wrong", NULL);
  g_assert_null (nobody);
  bd_clock_set_override (NOW);
  f->plain = reg (f, "DEU", "C01X00T47", "300131", BD_DIRECTION_ENTRY, BD_DECISION_ADMITTED,
                  NULL, NULL);
  f->expired = reg (f, "DEU", "D98765432", "250131", BD_DIRECTION_ENTRY, BD_DECISION_ADMITTED,
                    NULL, f->sup);
  f->refused = reg (f, "FRA", "F12345678", "341231", BD_DIRECTION_ENTRY, BD_DECISION_REFUSED,
                    "EC", NULL);
  f->referred = reg (f, "FRA", "F87654321", "341231", BD_DIRECTION_EXIT, BD_DECISION_REFERRED,
                     NULL, NULL);
  bd_clock_set_override (NOW + 3600);
  g_assert_true (bd_shift_close (f->t.db, f->guard, f->shift, NULL, &error));
  g_assert_no_error (error);
}

static void
fx_teardown (Fx *f, gconstpointer data)
{
  bd_actor_free (f->guard);
  bd_actor_free (f->sup);
  bd_actor_free (f->sup2);
  bd_actor_free (f->admin);
  g_free (f->plain);
  g_free (f->expired);
  g_free (f->refused);
  g_free (f->referred);
  bd_test_desk_teardown (&f->t, data);
}

static gint64
sql_count (Fx *f, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (f->t.db), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
sql_exec (Fx *f, const char *sql)
{
  g_assert_cmpint (sqlite3_exec (bd_db_handle (f->t.db), sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

static JsonObject *
stats (Fx *f, const BdActor *actor, const BdStatsScope *scope)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = bd_stats_compute (f->t.db, actor, scope, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return json_node_get_object (node);
}

static char *
group_json (JsonObject *o, const char *group)
{
  JsonNode *node = json_object_get_member (json_object_get_object_member (o, "counts"), group);

  return json_to_string (node, FALSE);
}

static void
assert_group (JsonObject *o, const char *group, const char *expected)
{
  g_autofree char *got = group_json (o, group);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_stats_shift (Fx *f, gconstpointer data)
{
  BdStatsScope scope = { .shift = f->shift };
  JsonObject *o = stats (f, f->sup, &scope);

  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "counts"),
                                               "total"), ==, 4);
  assert_group (o, "by_direction", "{\"entry\":3,\"exit\":1}");
  assert_group (o, "by_decision", "{\"admitted\":2,\"referred\":1,\"refused\":1}");
  assert_group (o, "by_refusal_reason", "{\"C\":1,\"E\":1}");
  assert_group (o, "by_nationality", "{\"DEU\":2,\"FRA\":2}");
  assert_group (o, "by_sex", "{\"F\":4}");
  assert_group (o, "by_hour", "{\"10\":4}");
  /* Born 1980-01-01: 46 on 2026-05-01. */
  assert_group (o, "by_age_band", "{\"35-59\":4}");
  assert_group (o, "by_vulnerability", "{\"medical-needs\":1}");
  assert_group (o, "by_hour_direction", "{\"10\":{\"entry\":3,\"exit\":1}}");
  assert_group (o, "by_sex_direction", "{\"F\":{\"entry\":3,\"exit\":1}}");
  g_assert_cmpint (json_object_get_int_member (o, "alerts"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "overrides"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "shifts"), ==, 1);
  /* Four crossings, the shift's opening and closing: nothing sent yet. */
  g_assert_cmpint (json_object_get_int_member (o, "unsynced"), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (o, "post"), ==, "UTO-ALP");
  json_object_unref (o);

  /* A batch with a verified receipt takes its rows out; one without does not. */
  sql_exec (f, "INSERT INTO batches VALUES (1, 1, 'now', 2, 'h', 'jws', 'receipt', 'now');"
               "INSERT INTO batches VALUES (1, 2, 'now', 1, 'h', 'jws', NULL, NULL);"
               "UPDATE outbox SET batch_epoch = 1, batch_seq = 1 WHERE id IN (1, 2);"
               "UPDATE outbox SET batch_epoch = 1, batch_seq = 2 WHERE id = 3;");
  o = stats (f, f->sup, &scope);
  g_assert_cmpint (json_object_get_int_member (o, "unsynced"), ==, 4);
  json_object_unref (o);
  {
    g_autoptr(BdShift) s = bd_shift_get (f->t.db, f->shift, NULL);

    g_assert_cmpint (s->unsynced, ==, 4);
    g_assert_cmpint (s->alerts, ==, 1);
    g_assert_cmpint (s->overrides, ==, 1);
  }
}

static void
test_stats_range (Fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  BdStatsScope day = { .from = "2026-05-01", .to = "2026-05-01" };
  BdStatsScope next = { .from = "2026-05-02", .to = "2026-05-09" };
  BdStatsScope other = { .from = "2026-04-01", .to = "2026-05-31", .officer = "sam" };
  BdStatsScope desk = { .from = "2026-04-01", .to = "2026-05-31", .desk = "UTO-ALP/1" };
  BdStatsScope bad = { .from = "2026-05-32", .to = "2026-05-01" };
  BdStatsScope backwards = { .from = "2026-05-02", .to = "2026-05-01" };
  BdStatsScope none = { 0, };
  JsonObject *o;

  o = stats (f, f->sup, &day);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "counts"),
                                               "total"), ==, 4);
  g_assert_true (json_object_get_null_member (json_object_get_object_member (o, "scope"),
                                              "shift"));
  g_assert_false (json_object_has_member (o, "shift"));
  json_object_unref (o);
  o = stats (f, f->sup, &next);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "counts"),
                                               "total"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (o, "shifts"), ==, 0);
  json_object_unref (o);
  o = stats (f, f->sup, &other);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "counts"),
                                               "total"), ==, 0);
  json_object_unref (o);
  o = stats (f, f->admin, &desk);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "counts"),
                                               "total"), ==, 4);
  json_object_unref (o);
  g_assert_null (bd_stats_compute (f->t.db, f->sup, &bad, &error));
  g_assert_error (error, BD_STATS_ERROR, BD_STATS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bd_stats_compute (f->t.db, f->sup, &backwards, &error));
  g_assert_error (error, BD_STATS_ERROR, BD_STATS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bd_stats_compute (f->t.db, f->sup, &none, &error));
  g_assert_error (error, BD_STATS_ERROR, BD_STATS_ERROR_INVALID);
}

static void
test_age_bands (void)
{
  g_assert_cmpstr (bd_stats_age_band ("2008-05-02", "2026-05-01T10:00:00Z"), ==, "0-17");
  g_assert_cmpstr (bd_stats_age_band ("2008-05-01", "2026-05-01T10:00:00Z"), ==, "18-34");
  g_assert_cmpstr (bd_stats_age_band ("1991-05-02", "2026-05-01T10:00:00Z"), ==, "18-34");
  g_assert_cmpstr (bd_stats_age_band ("1991-05-01", "2026-05-01T10:00:00Z"), ==, "35-59");
  g_assert_cmpstr (bd_stats_age_band ("1966-05-01", "2026-05-01T10:00:00Z"), ==, "60+");
  g_assert_cmpstr (bd_stats_age_band ("1966-05", "2026-05-01T10:00:00Z"), ==, "unknown");
  g_assert_cmpstr (bd_stats_age_band ("", "2026-05-01T10:00:00Z"), ==, "unknown");
  g_assert_cmpstr (bd_stats_age_band ("2027-01-01", "2026-05-01T10:00:00Z"), ==, "unknown");
}

static void
assert_denied (GError *error)
{
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
}

/* Every supervisor call is refused to a guard in the core, whatever the
 * front end shows; a guard sees only their own shift's figures. */
static void
test_roles (Fx *f, gconstpointer data)
{
  GError *error = NULL;
  BdStatsScope own = { .shift = f->shift };
  BdStatsScope day = { .from = "2026-05-01", .to = "2026-05-01" };
  BdShiftFilter filter = { 0, };
  g_autoptr(GPtrArray) list = NULL;
  gint64 views = sql_count (f, "SELECT count(*) FROM audit WHERE action = 'crossing.view'");

  json_object_unref (stats (f, f->guard, &own));
  g_assert_null (bd_stats_compute (f->t.db, f->guard, &day, &error));
  assert_denied (error);
  g_clear_error (&error);
  g_assert_null (bd_stats_compute (f->t.db, NULL, &own, &error));
  assert_denied (error);
  g_clear_error (&error);
  g_assert_null (bd_shift_query (f->t.db, f->guard, &filter, &error));
  assert_denied (error);
  g_clear_error (&error);
  g_assert_null (bd_timeline_for_shift (f->t.db, f->guard, f->shift, &error));
  assert_denied (error);
  g_clear_error (&error);
  g_assert_null (bd_crossing_open_personal (f->t.db, f->guard, f->plain, &error));
  assert_denied (error);
  g_clear_error (&error);
  g_assert_false (bd_stats_record_export (f->t.db, f->guard, &own, "pdf", &error));
  assert_denied (error);
  g_clear_error (&error);
  g_assert_false (bd_shift_sign_off (f->t.db, f->guard, f->shift, NULL, &error));
  assert_denied (error);
  g_clear_error (&error);
  /* A refused look is no look: nothing audited. */
  g_assert_cmpint (sql_count (f, "SELECT count(*) FROM audit WHERE action = 'crossing.view'"),
                   ==, views);

  list = bd_shift_query (f->t.db, f->admin, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = bd_timeline_for_shift (f->t.db, f->sup, f->shift, &error);
  g_assert_no_error (error);
  g_assert_cmpint (list->len, >, 0);
}

static void
test_shift_query (Fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) other = bd_test_officer (&f->t, "gus", BD_ROLE_GUARD);
  struct {
    BdShiftFilter filter;
    guint expected;
  } cases[] = {
    { { 0, }, 2 },
    { { .state = BD_SHIFT_STATE_OPEN }, 1 },
    { { .state = BD_SHIFT_STATE_CLOSED }, 1 },
    { { .state = BD_SHIFT_STATE_SIGNED_OFF }, 0 },
    { { .officer = "gina" }, 1 },
    { { .officer = "nobody" }, 0 },
    { { .desk = "UTO-ALP/1" }, 2 },
    { { .desk = "UTO-ALP/2" }, 0 },
    { { .from = "2026-05-01", .to = "2026-05-01" }, 1 },
    { { .from = "2026-05-02" }, 1 },
    { { .to = "2026-04-30" }, 0 },
    { { .limit = 1 }, 1 },
  };
  BdShiftFilter bad = { .from = "yesterday" };

  bd_clock_set_override (NOW + 86400);
  g_assert_cmpint (bd_shift_open (f->t.db, other, NULL, &error), >, 0);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) list = bd_shift_query (f->t.db, f->sup, &cases[i].filter, &error);

      g_assert_no_error (error);
      g_test_message ("case %u", i);
      g_assert_cmpuint (list->len, ==, cases[i].expected);
    }
  g_assert_null (bd_shift_query (f->t.db, f->sup, &bad, &error));
  g_assert_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_INVALID);
}

static gboolean
has_event (GPtrArray *events, BdTimelineKind kind, const char *actor, const char *needle)
{
  for (guint i = 0; i < events->len; i++)
    {
      BdTimelineEvent *e = events->pdata[i];

      if (e->kind == kind && (actor == NULL || g_strcmp0 (e->actor, actor) == 0) &&
          (needle == NULL || strstr (e->detail, needle) != NULL))
        return TRUE;
    }
  return FALSE;
}

static void
test_timeline (Fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonObject) seen = NULL;

  bd_clock_set_override (NOW + 7200);
  g_assert_cmpint (bd_crossing_amend (f->t.db, f->sup, f->plain, "given_names", "ERIKA MARIA",
                                      "second given name missed", &error), >, 0);
  g_assert_no_error (error);
  seen = bd_crossing_open_personal (f->t.db, f->sup, f->expired, &error);
  g_assert_no_error (error);
  events = bd_timeline_for_shift (f->t.db, f->sup, f->shift, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    {
      BdTimelineEvent *e = events->pdata[i];

      g_test_message ("%s %s %s %s", e->time, bd_timeline_kind_to_string (e->kind), e->actor,
                      e->detail);
      if (i > 0)
        g_assert_cmpstr (((BdTimelineEvent *) events->pdata[i - 1])->time, <=, e->time);
    }
  g_assert_true (has_event (events, BD_TIMELINE_SHIFT, "gina", "open"));
  g_assert_true (has_event (events, BD_TIMELINE_SHIFT, "gina", "close"));
  g_assert_true (has_event (events, BD_TIMELINE_LOGIN_FAILED, "gina", "password"));
  g_assert_true (has_event (events, BD_TIMELINE_CROSSING, "gina", "entry admitted DEU"));
  g_assert_true (has_event (events, BD_TIMELINE_CROSSING, "gina", "reasons=CE"));
  g_assert_true (has_event (events, BD_TIMELINE_ALERT, "gina",
                            "checks=document-validity resolved=override"));
  g_assert_true (has_event (events, BD_TIMELINE_OVERRIDE, "sam", "officer=gina supervisor=sam"));
  g_assert_true (has_event (events, BD_TIMELINE_AMENDMENT, "sam", "field=given_names"));
  g_assert_true (has_event (events, BD_TIMELINE_VIEW, "sam", NULL));
  /* Names and document numbers stay out of the timeline. */
  for (guint i = 0; i < events->len; i++)
    {
      BdTimelineEvent *e = events->pdata[i];

      g_assert_null (strstr (e->detail, "MUSTER"));
      g_assert_null (strstr (e->detail, "C01X00T47"));
    }
  {
    g_autoptr(JsonNode) json = bd_timeline_to_json (events);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (json)), ==, events->len);
  }
}

/* Opening a traveller's data from the supervisor view is itself audited,
 * by name of the supervisor, per look. */
static void
test_personal_view_audited (Fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *actor = bd_actor_audit_name (f->sup);
  gint64 before = sql_count (f, "SELECT count(*) FROM audit WHERE action = 'crossing.view'");
  JsonObject *c;

  for (int i = 0; i < 2; i++)
    {
      c = bd_crossing_open_personal (f->t.db, f->sup, f->refused, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member
                                                        (c, "traveller"), "surname"), ==,
                       "MUSTER");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (c, "amendments")),
                        ==, 0);
      json_object_unref (c);
    }
  g_assert_cmpint (sql_count (f, "SELECT count(*) FROM audit WHERE action = 'crossing.view'"),
                   ==, before + 2);
  g_assert_cmpint (sql_count (f, "SELECT count(*) FROM audit WHERE action = 'crossing.view' "
                                 "AND actor = 'officer:2'"), ==, before + 2);
  g_assert_cmpstr (actor, ==, "officer:2");
  g_assert_null (bd_crossing_open_personal (f->t.db, f->sup, "no-such-uuid", &error));
  g_assert_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_NOT_FOUND);
}

/* Amendments before and after the sign-off; the signed-off shift itself
 * does not change. */
static void
test_signoff_immutable (Fx *f, gconstpointer data)
{
  GError *error = NULL;
  g_autoptr(BdShift) before = NULL;
  g_autoptr(BdShift) after = NULL;
  g_autoptr(JsonArray) amendments = NULL;
  BdAuditReport report = { 0, };

  /* Before: the guard corrects their own crossing, with a reason. */
  g_assert_cmpint (bd_crossing_amend (f->t.db, f->guard, f->plain, "purpose", "business",
                                      "typo", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (bd_crossing_amend (f->t.db, f->guard, f->plain, "purpose", "tourism", "  ",
                                      &error), ==, 0);
  g_assert_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bd_crossing_amend (f->t.db, f->guard, f->plain, "decision", "refused",
                                      "changed my mind", &error), ==, 0);
  g_assert_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bd_crossing_amend (f->t.db, f->guard, f->plain, "nationality", "deu",
                                      "case", &error), ==, 0);
  g_assert_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_INVALID);
  g_clear_error (&error);

  /* Sign-off: not by its own officer, not twice. */
  g_assert_true (bd_shift_sign_off (f->t.db, f->sup, f->shift, "all in order", &error));
  g_assert_no_error (error);
  before = bd_shift_get (f->t.db, f->shift, &error);
  g_assert_cmpstr (before->signed_off_by, ==, "sam");
  g_assert_false (bd_shift_sign_off (f->t.db, f->sup2, f->shift, "again", &error));
  g_assert_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_SIGNED_OFF);
  g_clear_error (&error);
  g_assert_false (bd_shift_close (f->t.db, f->guard, f->shift, "late note", &error));
  g_assert_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_NOT_OPEN);
  g_clear_error (&error);

  /* After: the guard no longer amends; a supervisor does, with a reason,
   * and it shows as an amendment beside the unchanged crossing. */
  g_assert_cmpint (bd_crossing_amend (f->t.db, f->guard, f->plain, "purpose", "family", "oops",
                                      &error), ==, 0);
  g_assert_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_SIGNED_OFF);
  g_clear_error (&error);
  g_assert_cmpint (bd_crossing_amend (f->t.db, f->sup2, f->plain, "purpose", "family", NULL,
                                      &error), ==, 0);
  g_assert_error (error, BD_AMENDMENT_ERROR, BD_AMENDMENT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bd_crossing_amend (f->t.db, f->sup2, f->plain, "purpose", "family",
                                      "traveller's statement at second line", &error), >, 0);
  g_assert_no_error (error);
  amendments = bd_crossing_amendments (f->t.db, f->sup, f->plain, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (amendments), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (amendments, 1),
                                                  "old"), ==, "business");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (amendments, 1),
                                                  "officer"), ==, "sue");
  after = bd_shift_get (f->t.db, f->shift, &error);
  g_assert_cmpstr (after->signed_off_by, ==, before->signed_off_by);
  g_assert_cmpstr (after->signed_off_at, ==, before->signed_off_at);
  g_assert_cmpstr (after->signoff_note, ==, "all in order");
  g_assert_cmpint (after->crossings, ==, 4);
  g_assert_cmpint (sql_count (f, "SELECT count(*) FROM crossings WHERE purpose IS NULL"), ==, 4);
  /* The table refuses an edit in place whoever tries. */
  g_assert_cmpint (sqlite3_exec (bd_db_handle (f->t.db), "UPDATE crossings SET purpose = 'x'",
                                 NULL, NULL, NULL), !=, SQLITE_OK);
  /* Amendments queue for HQ like crossings. */
  g_assert_cmpint (sql_count (f, "SELECT count(*) FROM outbox WHERE kind = 'amendment'"), ==, 2);
  g_assert_true (bd_audit_verify (f->t.db, &report, &error));
  g_assert_cmpint (report.first_bad, ==, 0);
  bd_audit_report_clear (&report);
}

static void
test_export_audited (Fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  BdStatsScope scope = { .shift = f->shift };
  BdStatsScope days = { .from = "2026-05-01", .to = "2026-05-02" };

  g_assert_true (bd_stats_record_export (f->t.db, f->sup, &scope, "pdf", &error));
  g_assert_true (bd_stats_record_export (f->t.db, f->sup, &days, "csv", &error));
  g_assert_no_error (error);
  g_assert_cmpint (sql_count (f, "SELECT count(*) FROM audit WHERE action = 'shift.export' "
                                 "AND object = 'shift:1' AND details = '{\"format\":\"pdf\"}'"),
                   ==, 1);
  g_assert_cmpint (sql_count (f, "SELECT count(*) FROM audit WHERE action = 'shift.export' "
                                 "AND object = '' AND details LIKE '%2026-05-02%'"), ==, 1);
}

#define FX_ADD(path, func) g_test_add (path, Fx, NULL, fx_setup, func, fx_teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  FX_ADD ("/supervisor/stats/shift", test_stats_shift);
  FX_ADD ("/supervisor/stats/range", test_stats_range);
  g_test_add_func ("/supervisor/stats/age-bands", test_age_bands);
  FX_ADD ("/supervisor/roles", test_roles);
  FX_ADD ("/supervisor/shift-query", test_shift_query);
  FX_ADD ("/supervisor/timeline", test_timeline);
  FX_ADD ("/supervisor/personal-view-audited", test_personal_view_audited);
  FX_ADD ("/supervisor/signoff-immutable", test_signoff_immutable);
  FX_ADD ("/supervisor/export-audited", test_export_audited);
  return g_test_run ();
}

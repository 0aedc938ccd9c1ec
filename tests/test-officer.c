/* test-officer.c: officers, logins, lockout and the role table. */
#include "config.h"

#include "bd-audit.h"
#include "bd-shift.h"
#include "bd-test-util.h"

static gint64
count_audit (BdTestDesk *t, const char *action)
{
  sqlite3_stmt *stmt = bd_db_stmt (t->db, "SELECT count(*) FROM audit WHERE action = ?", NULL);
  gint64 n;

  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static void
test_login (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) anna = bd_test_officer (t, "anna", BD_ROLE_GUARD);
  g_autoptr(BdActor) wrong = NULL;
  g_autoptr(BdActor) nobody = NULL;

  g_assert_cmpstr (anna->username, ==, "anna");
  g_assert_cmpint (anna->role, ==, BD_ROLE_GUARD);
  g_assert_cmpint (count_audit (t, "login"), ==, 1);

  wrong = bd_officer_authenticate (t->db, "anna", "not-it", &error);
  g_assert_null (wrong);
  g_assert_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_BAD_CREDENTIALS);
  g_clear_error (&error);
  nobody = bd_officer_authenticate (t->db, "zed", "whatever", &error);
  g_assert_null (nobody);
  /* The same answer for an unknown user as for a wrong password. */
  g_assert_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_BAD_CREDENTIALS);
  g_assert_cmpint (count_audit (t, "login.failed"), ==, 2);
}

static void
test_lockout (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) anna = bd_test_officer (t, "anna", BD_ROLE_GUARD);
  BdActor *a;

  bd_clock_set_override (1800000000);
  for (int i = 0; i < 5; i++)
    {
      int expected = i < 4 ? BD_OFFICER_ERROR_BAD_CREDENTIALS : BD_OFFICER_ERROR_LOCKED;

      a = bd_officer_authenticate (t->db, "anna", "bad", &error);
      g_assert_null (a);
      g_assert_error (error, BD_OFFICER_ERROR, expected);
      g_clear_error (&error);
    }
  /* Locked: even the right password is refused. */
  a = bd_officer_authenticate (t->db, "anna", "pw-anna", &error);
  g_assert_null (a);
  g_assert_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_LOCKED);
  g_clear_error (&error);
  /* Five minutes later it opens again. */
  bd_clock_set_override (1800000000 + 301);
  a = bd_officer_authenticate (t->db, "anna", "pw-anna", &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  bd_actor_free (a);

  /* An admin's unlock ends a lock at once. */
  for (int i = 0; i < 5; i++)
    {
      a = bd_officer_authenticate (t->db, "anna", "bad", NULL);
      g_assert_null (a);
    }
  g_assert_true (bd_officer_unlock (t->db, t->cli, "anna", &error));
  a = bd_officer_authenticate (t->db, "anna", "pw-anna", &error);
  g_assert_no_error (error);
  bd_actor_free (a);
  g_assert_cmpint (count_audit (t, "officer.locked"), ==, 2);
}

static void
test_add_invalid (BdTestDesk *t, gconstpointer data)
{
  const char *bad_names[] = { "", "Anna", "1anna", "an na", "anna;drop", "ännä",
                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      g_assert_false (bd_officer_add (t->db, t->cli, bad_names[i], "X", BD_ROLE_GUARD, "pw",
                                      NULL, &error));
      g_assert_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_false (bd_officer_add (t->db, t->cli, "anna", "Bad\x01Name", BD_ROLE_GUARD, "pw",
                                  NULL, &error));
  g_assert_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (bd_officer_add (t->db, t->cli, "anna", "Anna O'Brien-Müller", BD_ROLE_GUARD,
                                 "pw", NULL, &error));
  g_assert_false (bd_officer_add (t->db, t->cli, "anna", "Again", BD_ROLE_GUARD, "pw", NULL,
                                  &error));
  g_assert_error (error, BD_OFFICER_ERROR, BD_OFFICER_ERROR_EXISTS);
}

static void
test_only_admin_manages (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) guard = bd_test_officer (t, "gina", BD_ROLE_GUARD);
  g_autoptr(BdActor) sup = bd_test_officer (t, "sam", BD_ROLE_SUPERVISOR);
  gint64 before = count_audit (t, "officer.add");

  g_assert_false (bd_officer_add (t->db, guard, "x", "X", BD_ROLE_ADMIN, "pw", NULL, &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_false (bd_officer_add (t->db, sup, "x", "X", BD_ROLE_ADMIN, "pw", NULL, &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_false (bd_officer_set_password (t->db, guard, "sam", "new", &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
  g_assert_cmpint (count_audit (t, "officer.add"), ==, before);
}

static void
test_role_table (void)
{
  /* The table, spelled out: a change to it must change this test. */
  static const struct { BdPermission p; gboolean none, guard, sup, admin; } rows[] = {
    { BD_PERM_REGISTER, FALSE, TRUE, TRUE, FALSE },
    { BD_PERM_OVERRIDE, FALSE, FALSE, TRUE, FALSE },
    { BD_PERM_SIGN_OFF, FALSE, FALSE, TRUE, TRUE },
    { BD_PERM_REVIEW, FALSE, FALSE, TRUE, TRUE },
    { BD_PERM_MANAGE_OFFICERS, FALSE, FALSE, FALSE, TRUE },
    { BD_PERM_IMPORT, FALSE, FALSE, FALSE, TRUE },
    { BD_PERM_EXPORT_PERSONAL, FALSE, FALSE, TRUE, TRUE },
    { BD_PERM_OPEN_SHIFT, FALSE, TRUE, TRUE, FALSE },
    { BD_PERM_SYNC, FALSE, FALSE, FALSE, TRUE },
    { BD_PERM_FINGERPRINT, FALSE, TRUE, TRUE, TRUE },
    { BD_PERM_PURGE, FALSE, FALSE, FALSE, TRUE },
  };

  g_assert_cmpint (G_N_ELEMENTS (rows), ==, BD_PERM_N);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_assert_cmpint (bd_role_allows (BD_ROLE_NONE, rows[i].p), ==, rows[i].none);
      g_assert_cmpint (bd_role_allows (BD_ROLE_GUARD, rows[i].p), ==, rows[i].guard);
      g_assert_cmpint (bd_role_allows (BD_ROLE_SUPERVISOR, rows[i].p), ==, rows[i].sup);
      g_assert_cmpint (bd_role_allows (BD_ROLE_ADMIN, rows[i].p), ==, rows[i].admin);
      g_assert_false (bd_actor_require (NULL, rows[i].p, NULL));
    }
}

static void
test_shift_rules (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) guard = bd_test_officer (t, "gina", BD_ROLE_GUARD);
  g_autoptr(BdActor) guard2 = bd_test_officer (t, "gus", BD_ROLE_GUARD);
  g_autoptr(BdActor) sup = bd_test_officer (t, "sam", BD_ROLE_SUPERVISOR);
  g_autoptr(BdShift) shift = NULL;
  gint64 id = bd_shift_open (t->db, guard, "2", &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpint (bd_shift_open (t->db, guard, "3", &error), ==, 0);
  g_assert_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_ALREADY_OPEN);
  g_clear_error (&error);
  g_assert_cmpint (bd_shift_current (t->db, guard->officer_id, NULL), ==, id);

  /* Sign-off: not while open, not by a guard, not twice. */
  g_assert_false (bd_shift_sign_off (t->db, sup, id, "ok", &error));
  g_assert_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_STILL_OPEN);
  g_clear_error (&error);
  g_assert_false (bd_shift_close (t->db, guard2, id, NULL, &error));
  g_assert_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_NOT_YOURS);
  g_clear_error (&error);
  g_assert_true (bd_shift_close (t->db, guard, id, "quiet", &error));
  g_assert_false (bd_shift_sign_off (t->db, guard2, id, "ok", &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_true (bd_shift_sign_off (t->db, sup, id, "reviewed", &error));
  g_assert_no_error (error);
  g_assert_false (bd_shift_sign_off (t->db, sup, id, "again", &error));
  g_assert_error (error, BD_SHIFT_ERROR, BD_SHIFT_ERROR_SIGNED_OFF);
  g_clear_error (&error);

  shift = bd_shift_get (t->db, id, &error);
  g_assert_cmpstr (shift->signed_off_by, ==, "sam");
  g_assert_cmpstr (shift->close_note, ==, "quiet");
  g_assert_cmpstr (shift->lane, ==, "2");
  g_assert_nonnull (shift->closed);
  g_assert_cmpint (count_audit (t, "shift.signoff"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BD_TEST_ADD ("/officer/login", test_login);
  BD_TEST_ADD ("/officer/lockout", test_lockout);
  BD_TEST_ADD ("/officer/add-invalid", test_add_invalid);
  BD_TEST_ADD ("/officer/only-admin-manages", test_only_admin_manages);
  BD_TEST_ADD ("/officer/shift-rules", test_shift_rules);
  g_test_add_func ("/officer/role-table", test_role_table);
  return g_test_run ();
}

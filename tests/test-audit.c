/* test-audit.c: the hash chain finds edits, deletions and reordering. */
#include "config.h"

#include "bd-audit.h"
#include "bd-test-util.h"

static void
add_events (BdTestDesk *t, int n)
{
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) details = json_object_new ();
      g_autofree char *object = g_strdup_printf ("thing:%d", i);

      json_object_set_int_member (details, "i", i);
      g_assert_true (bd_audit_record (t->db, "cli", "test.event", object, details, &error));
      g_assert_no_error (error);
    }
}

static gint64
verify (BdTestDesk *t, gint64 *n)
{
  g_autoptr(GError) error = NULL;
  BdAuditReport report;
  gint64 bad;

  g_assert_true (bd_audit_verify (t->db, &report, &error));
  g_assert_no_error (error);
  bad = report.first_bad;
  if (n != NULL)
    *n = report.n_events;
  g_assert_true ((bad == 0) == (report.reason == NULL));
  bd_audit_report_clear (&report);
  return bad;
}

static void
exec (BdTestDesk *t, const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bd_db_exec (t->db, sql, &error));
  g_assert_no_error (error);
}

static void
test_intact (BdTestDesk *t, gconstpointer data)
{
  gint64 n, seq;
  char head[BD_AUDIT_HASH_LEN + 1];

  add_events (t, 10);
  g_assert_cmpint (verify (t, &n), ==, 0);
  g_assert_cmpint (n, ==, 11);  /* post.init + 10 */
  g_assert_true (bd_audit_head (t->db, &seq, head, NULL));
  g_assert_cmpint (seq, ==, 11);
  g_assert_cmpint (strlen (head), ==, 64);
}

static void
test_edit_details (BdTestDesk *t, gconstpointer data)
{
  add_events (t, 10);
  exec (t, "UPDATE audit SET details = '{\"i\":99}' WHERE seq = 5");
  g_assert_cmpint (verify (t, NULL), ==, 5);
}

static void
test_edit_each_field (BdTestDesk *t, gconstpointer data)
{
  const char *columns[] = { "time", "actor", "action", "object", "details" };

  add_events (t, 5);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autofree char *sql = g_strdup_printf ("UPDATE audit SET %s = %s || 'x' WHERE seq = 3",
                                              columns[i], columns[i]);
      g_autofree char *undo = g_strdup_printf (
        "UPDATE audit SET %s = substr(%s, 1, length(%s) - 1) WHERE seq = 3",
        columns[i], columns[i], columns[i]);

      exec (t, sql);
      g_assert_cmpint (verify (t, NULL), ==, 3);
      exec (t, undo);
      g_assert_cmpint (verify (t, NULL), ==, 0);
    }
}

static void
test_delete_middle (BdTestDesk *t, gconstpointer data)
{
  add_events (t, 10);
  exec (t, "DELETE FROM audit WHERE seq = 4");
  g_assert_cmpint (verify (t, NULL), ==, 5);
}

static void
test_delete_and_renumber (BdTestDesk *t, gconstpointer data)
{
  add_events (t, 6);
  exec (t, "DELETE FROM audit WHERE seq = 4");
  exec (t, "UPDATE audit SET seq = seq - 1 WHERE seq > 4");
  g_assert_cmpint (verify (t, NULL), ==, 4);
}

static void
test_reorder (BdTestDesk *t, gconstpointer data)
{
  add_events (t, 6);
  /* Swap the contents of events 3 and 4, keeping their seq numbers. */
  exec (t, "CREATE TEMP TABLE a AS SELECT * FROM audit WHERE seq IN (3, 4)");
  exec (t, "UPDATE audit SET time = (SELECT time FROM a WHERE seq = 7 - audit.seq), "
           "actor = (SELECT actor FROM a WHERE seq = 7 - audit.seq), "
           "action = (SELECT action FROM a WHERE seq = 7 - audit.seq), "
           "object = (SELECT object FROM a WHERE seq = 7 - audit.seq), "
           "details = (SELECT details FROM a WHERE seq = 7 - audit.seq), "
           "prev = (SELECT prev FROM a WHERE seq = 7 - audit.seq), "
           "hash = (SELECT hash FROM a WHERE seq = 7 - audit.seq) WHERE seq IN (3, 4)");
  g_assert_cmpint (verify (t, NULL), ==, 3);
}

static void
test_known_hash (void)
{
  char a[BD_AUDIT_HASH_LEN + 1], b[BD_AUDIT_HASH_LEN + 1];

  /* Length prefixes keep field boundaries: moving a character from one
   * field to the next changes the hash. */
  bd_audit_compute_hash (1, "t", "ab", "c", "", "{}", "0", a);
  bd_audit_compute_hash (1, "t", "a", "bc", "", "{}", "0", b);
  g_assert_cmpstr (a, !=, b);
  bd_audit_compute_hash (1, "t", "ab", "c", "", "{}", "0", b);
  g_assert_cmpstr (a, ==, b);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BD_TEST_ADD ("/audit/intact", test_intact);
  BD_TEST_ADD ("/audit/edit-details", test_edit_details);
  BD_TEST_ADD ("/audit/edit-each-field", test_edit_each_field);
  BD_TEST_ADD ("/audit/delete-middle", test_delete_middle);
  BD_TEST_ADD ("/audit/delete-and-renumber", test_delete_and_renumber);
  BD_TEST_ADD ("/audit/reorder", test_reorder);
  g_test_add_func ("/audit/length-prefixed", test_known_hash);
  return g_test_run ();
}

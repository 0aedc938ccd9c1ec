/* test-db.c: opening, migrations, permissions and transactions. */
#include "config.h"

#include <sys/stat.h>

#include "bd-test-util.h"

static void
test_file_private (BdTestDesk *t, gconstpointer data)
{
  struct stat st;

  g_assert_cmpint (g_stat (t->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_schema_version (BdTestDesk *t, gconstpointer data)
{
  g_assert_cmpint (bd_db_schema_version (t->db), ==, bd_db_latest_version ());
  g_assert_cmpint (bd_db_latest_version (), >=, 1);
}

static void
test_too_new_refused (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  BdDb *again;

  g_assert_true (bd_db_exec (t->db, "PRAGMA user_version = 999", &error));
  again = bd_db_open (t->path, BD_DB_OPEN_DEFAULT, &error);
  g_assert_null (again);
  g_assert_error (error, BD_DB_ERROR, BD_DB_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "999"));
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  BdDb *db = bd_db_open ("/nonexistent/borderdesk/desk.db", BD_DB_OPEN_DEFAULT, &error);

  g_assert_null (db);
  g_assert_error (error, BD_DB_ERROR, BD_DB_ERROR_NOT_INITIALISED);
}

static void
test_pragmas (BdTestDesk *t, gconstpointer data)
{
  sqlite3_stmt *stmt;

  stmt = bd_db_stmt (t->db, "PRAGMA journal_mode", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_reset (stmt);
  stmt = bd_db_stmt (t->db, "PRAGMA synchronous", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2);  /* FULL */
  sqlite3_reset (stmt);
  stmt = bd_db_stmt (t->db, "PRAGMA foreign_keys", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_reset (stmt);
}

static gint64
count_settings (BdDb *db)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT count(*) FROM settings", NULL);
  gint64 n;

  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static void
test_nested_transactions (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bd_db_begin (t->db, &error));
  g_assert_true (bd_db_exec (t->db, "INSERT INTO settings VALUES ('a', '1')", &error));
  /* An inner failure rolls back only the inner part. */
  g_assert_true (bd_db_begin (t->db, &error));
  g_assert_true (bd_db_exec (t->db, "INSERT INTO settings VALUES ('b', '2')", &error));
  bd_db_rollback (t->db);
  g_assert_true (bd_db_begin (t->db, &error));
  g_assert_true (bd_db_exec (t->db, "INSERT INTO settings VALUES ('c', '3')", &error));
  g_assert_true (bd_db_commit (t->db, &error));
  g_assert_true (bd_db_commit (t->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_settings (t->db), ==, 2);

  g_assert_true (bd_db_begin (t->db, &error));
  g_assert_true (bd_db_exec (t->db, "INSERT INTO settings VALUES ('d', '4')", &error));
  bd_db_rollback (t->db);
  g_assert_cmpint (count_settings (t->db), ==, 2);
}

static void
test_crossings_append_only (BdTestDesk *t, gconstpointer data)
{
  /* test-crossing tries to change a real row; here: both triggers exist. */
  {
    sqlite3_stmt *stmt = bd_db_stmt (t->db, "SELECT count(*) FROM sqlite_master WHERE "
                                            "type = 'trigger' AND tbl_name = 'crossings' "
                                            "AND name LIKE 'crossings_append_only_%'", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2);
    sqlite3_reset (stmt);
  }
}

static void
test_post (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdPost) post = bd_post_load (t->db, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (post->desk_id, ==, "UTO-ALP/1");
  g_assert_cmpint (post->stay.days, ==, 90);
  g_assert_cmpint (post->stay.window, ==, 180);
  g_assert_false (bd_post_init (t->db, t->cli, "UTO-BET", "Other", 2, "UTO", &error));
  g_assert_error (error, BD_POST_ERROR, BD_POST_ERROR_ALREADY);
}

static void
test_post_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "d.db", NULL);
  g_autoptr(BdDb) db = bd_db_open (path, BD_DB_OPEN_CREATE, NULL);
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  const char *codes[] = { "", "a", "UTO ALP", "UTO'; DROP TABLE post;--", "ÜTO" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_assert_false (bd_post_init (db, cli, codes[i], "x", 1, "UTO", &error));
      g_assert_error (error, BD_POST_ERROR, BD_POST_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_false (bd_post_init (db, cli, "UTO-ALP", "x", 0, "UTO", &error));
  g_assert_error (error, BD_POST_ERROR, BD_POST_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BD_TEST_ADD ("/db/file-private", test_file_private);
  BD_TEST_ADD ("/db/schema-version", test_schema_version);
  BD_TEST_ADD ("/db/too-new-refused", test_too_new_refused);
  BD_TEST_ADD ("/db/pragmas", test_pragmas);
  BD_TEST_ADD ("/db/nested-transactions", test_nested_transactions);
  BD_TEST_ADD ("/db/crossings-append-only", test_crossings_append_only);
  BD_TEST_ADD ("/db/post", test_post);
  g_test_add_func ("/db/missing-file", test_missing_file);
  g_test_add_func ("/db/post-invalid", test_post_invalid);
  return g_test_run ();
}

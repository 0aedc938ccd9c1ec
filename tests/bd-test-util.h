/* bd-test-util.h: a fresh desk database in a temporary directory. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "bd-date.h"
#include "bd-db.h"
#include "bd-officer.h"
#include "bd-post.h"

typedef struct {
  char *dir;
  char *path;
  BdDb *db;
  BdActor *cli;
} BdTestDesk;

static inline void
bd_test_desk_setup (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp ("bd-test-XXXXXX", &error);
  g_assert_no_error (error);
  t->path = g_build_filename (t->dir, "desk.db", NULL);
  t->db = bd_db_open (t->path, BD_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  t->cli = bd_actor_new_cli ();
  g_assert_true (bd_post_init (t->db, t->cli, "UTO-ALP", "Alpine", 1, "UTO", &error));
  g_assert_no_error (error);
}

static inline void
bd_test_desk_teardown (BdTestDesk *t, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (t->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (t->path, "-shm", NULL);

  bd_db_close (t->db);
  bd_actor_free (t->cli);
  g_unlink (t->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (t->dir);
  g_free (t->path);
  g_free (t->dir);
  bd_clock_set_override (0);
}

/* Adds an officer with password "pw-USERNAME" and logs them in. */
static inline BdActor *
bd_test_officer (BdTestDesk *t, const char *username, BdRole role)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pw = g_strconcat ("pw-", username, NULL);
  BdActor *actor;

  g_assert_true (bd_officer_add (t->db, t->cli, username, "Test Officer", role, pw, NULL, &error));
  g_assert_no_error (error);
  actor = bd_officer_authenticate (t->db, username, pw, &error);
  g_assert_no_error (error);
  return actor;
}

/* The single integer @sql (a SELECT count(*)...) returns. */
static inline gint64
bd_test_count (BdTestDesk *t, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (t->db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

#define BD_TEST_ADD(path, func) \
  g_test_add (path, BdTestDesk, NULL, bd_test_desk_setup, func, bd_test_desk_teardown)

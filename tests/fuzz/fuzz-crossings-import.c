/* fuzz-crossings-import.c: `crossings import` (CONTRACT.md) into a real
 * desk database, made once at start-up in /dev/shm (or the temporary
 * directory) the way bd-test-util.h makes one.
 *
 * The input is passed as exactly @size bytes, no terminator, as the API's
 * length says.  All or nothing: on success the crossings table grows by
 * the count returned and the audit log by one event; on failure neither
 * changes.  Before the database is made afresh (every RESET_AFTER
 * successful imports, as they grow it), its audit chain must verify. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bd-audit.h"
#include "bd-crossing.h"
#include "bd-db.h"
#include "bd-post.h"
#include "fuzz-util.h"

#define RESET_AFTER 2000

static char *dir;
static char *path;
static BdDb *db;
static BdActor *cli;
static guint successes;

static void
desk_remove (void)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  g_clear_pointer (&db, bd_db_close);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static void
desk_create (void)
{
  g_autoptr(GError) error = NULL;

  db = bd_db_open (path, BD_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_true (bd_post_init (db, cli, "UTO-ALP", "Alpine", 1, "UTO", &error));
  g_assert_no_error (error);
}

static void
at_exit (void)
{
  desk_remove ();
  g_rmdir (dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_glib_init ();
  dir = fuzz_temp_dir ("bd-fuzz-import");
  path = g_build_filename (dir, "desk.db", NULL);
  cli = bd_actor_new_cli ();
  desk_create ();
  atexit (at_exit);
  return 0;
}

static gint64
count (const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_memdup2 (data, size);
  g_autoptr(GError) error = NULL;
  gint64 crossings = count ("SELECT count(*) FROM crossings");
  gint64 events = count ("SELECT count(*) FROM audit");
  gint64 n = -1;
  gboolean ok;

  ok = bd_crossing_import (db, cli, text != NULL ? text : "", size, &n, &error);
  if (!ok)
    {
      g_assert_nonnull (error);
      g_assert_cmpint (count ("SELECT count(*) FROM crossings"), ==, crossings);
      g_assert_cmpint (count ("SELECT count(*) FROM audit"), ==, events);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpint (n, >=, 0);
  g_assert_cmpint (count ("SELECT count(*) FROM crossings"), ==, crossings + n);
  g_assert_cmpint (count ("SELECT count(*) FROM audit"), ==, events + 1);
  if (++successes % RESET_AFTER == 0)
    {
      BdAuditReport report = { 0, };

      g_assert_true (bd_audit_verify (db, &report, &error));
      g_assert_cmpint (report.first_bad, ==, 0);
      bd_audit_report_clear (&report);
      desk_remove ();
      desk_create ();
    }
  return 0;
}

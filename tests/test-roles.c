/* test-roles.c: every core operation that checks a role, run by every role.
 *
 * One desk is made once (officers, shifts, a crossing, desk.key, a test
 * HQ PKI) and copied for each case, so every case starts from the same
 * state.  A case runs one operation as one actor (nobody, a guard, a
 * supervisor, an admin) and asserts the outcome the role table in
 * bd-role.c gives.  A refusal must leave no trace: every table's contents
 * and the files in the desk's directory are the same afterwards, the audit
 * log included (bd_actor_require runs before anything is written, so a
 * refused operation is not audited).  An allowed operation must succeed and
 * append the audit event its contract names. */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-batch.h"
#include "bd-cleanup.h"
#include "bd-crossing.h"
#include "bd-demo.h"
#include "bd-history-remote.h"
#include "bd-pki.h"
#include "bd-retention.h"
#include "bd-shift.h"
#include "bd-subject-access.h"
#include "bd-sync.h"
#include "bd-template.h"
#include "bd-test-util.h"
#include "bd-watchlist-delta.h"
#include "bd-watchlist.h"

/* 2026-05-01T10:00:00Z */
#define NOW 1777629600

/* The columns of every row below. */
enum { WHO_NOBODY, WHO_GUARD, WHO_SUPERVISOR, WHO_ADMIN, N_WHO };
static const char *const who_names[N_WHO] = { "nobody", "guard", "supervisor", "admin" };
static const BdRole who_roles[N_WHO] = { BD_ROLE_NONE, BD_ROLE_GUARD, BD_ROLE_SUPERVISOR,
                                         BD_ROLE_ADMIN };

/* The desk every case copies. */
static struct {
  char *dir;
  gint64 anna, ben, sue, adam;      /* guard, guard, supervisor, admin */
  gint64 shift_anna, shift_sue;     /* open */
  gint64 shift_ben_closed;          /* closed, not signed off */
  gint64 shift_ben;                 /* open: ben registers the overridden crossing */
  EVP_PKEY *ca_key, *hq_key;
  X509 *ca, *hq_cert;
  char *desk_cert_pem, *ca_pem;
} tpl;

typedef struct {
  char *dir;
  char *path;
  BdDb *db;
  BdDb *other;        /* a second, uninitialised database (post init) */
  BdActor *cli;
  BdActor *actors[N_WHO];
} Fx;

/* 'A': allowed, succeeds.  'D': BD_ROLE_ERROR_DENIED, no trace.
 * 'R': refused by another rule (@code in the operation's domain), no trace.
 * 'E': fails with @code for a reason that is not the role (the trace is
 * then the operation's own business, e.g. sync records its failed round). */
typedef struct {
  char kind;
  int code;
} Expect;

typedef struct {
  const char *name;
  int permission;                   /* the table row it follows; -1: its own rule */
  Expect expect[N_WHO];
  const char *audit_action;         /* what an allowed run appends; NULL: nothing */
  GQuark (*domain) (void);          /* for 'R' and 'E' */
  void (*prepare) (Fx *f, int who);
  gboolean (*run) (Fx *f, int who, GError **error);
} Op;

#define A { 'A', 0 }
#define D { 'D', 0 }

/* Helpers */

static void
copy_file (const char *from_dir, const char *to_dir, const char *name, int mode)
{
  g_autofree char *from = g_build_filename (from_dir, name, NULL);
  g_autofree char *to = g_build_filename (to_dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_test (from, G_FILE_TEST_EXISTS))
    return;
  g_assert_true (g_file_get_contents (from, &contents, &length, &error));
  g_assert_true (g_file_set_contents_full (to, contents, (gssize) length,
                                           G_FILE_SET_CONTENTS_NONE, mode, &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static gint64
count (BdDb *db, const char *sql, const char *arg)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Every row of every table, in storage order, and the row counts. */
static void
digest_db (BdDb *db, GChecksum *sum, GString *counts)
{
  sqlite3 *h = bd_db_handle (db);
  sqlite3_stmt *tables = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (h, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "ORDER BY name", -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", table);
      sqlite3_stmt *rows = NULL;
      gint64 n = 0;

      g_assert_cmpint (sqlite3_prepare_v2 (h, sql, -1, &rows, NULL), ==, SQLITE_OK);
      g_checksum_update (sum, (const guchar *) table, -1);
      while (sqlite3_step (rows) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (rows); c++)
            {
              const void *bytes = sqlite3_column_blob (rows, c);
              int len = sqlite3_column_bytes (rows, c);
              guchar type = (guchar) sqlite3_column_type (rows, c);

              g_checksum_update (sum, &type, 1);
              g_checksum_update (sum, (const guchar *) &len, sizeof len);
              if (len > 0)
                g_checksum_update (sum, bytes, len);
            }
          n++;
        }
      sqlite3_finalize (rows);
      g_string_append_printf (counts, "%s=%" G_GINT64_FORMAT " ", table, n);
    }
  sqlite3_finalize (tables);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The directory's file names (SQLite's -wal and -shm aside). */
static void
list_files (const char *path, const char *prefix, GString *out)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (!g_str_has_suffix (name, "-wal") && !g_str_has_suffix (name, "-shm"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = names->pdata[i];
      g_autofree char *child = g_build_filename (path, n, NULL);
      g_autofree char *rel = g_strconcat (prefix, n, NULL);

      g_string_append_printf (out, "%s ", rel);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *sub = g_strconcat (rel, "/", NULL);
          list_files (child, sub, out);
        }
    }
}

/* What "no trace" compares: row counts (readable in a failure), a digest
 * of every row, and the files beside the database. */
static char *
snapshot (Fx *f)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  GString *out = g_string_new (NULL);

  digest_db (f->db, sum, out);
  if (f->other != NULL)
    digest_db (f->other, sum, out);
  g_string_append_printf (out, "| %s | ", g_checksum_get_string (sum));
  list_files (f->dir, "", out);
  return g_string_free (out, FALSE);
}

/* Fixture: a copy of the template desk. */

static void
fx_setup (Fx *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *files[] = { "desk.db", "desk.db-wal", "desk.key" };

  f->dir = g_dir_make_tmp ("bd-roles-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    copy_file (tpl.dir, f->dir, files[i], 0600);
  f->path = g_build_filename (f->dir, "desk.db", NULL);
  f->db = bd_db_open (f->path, BD_DB_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  f->cli = bd_actor_new_cli ();
  f->actors[WHO_NOBODY] = NULL;
  f->actors[WHO_GUARD] = bd_actor_new (tpl.anna, "anna", BD_ROLE_GUARD);
  f->actors[WHO_SUPERVISOR] = bd_actor_new (tpl.sue, "sue", BD_ROLE_SUPERVISOR);
  f->actors[WHO_ADMIN] = bd_actor_new (tpl.adam, "adam", BD_ROLE_ADMIN);
  bd_clock_set_override (NOW + 3600);
}

static void
fx_teardown (Fx *f, gconstpointer data)
{
  g_clear_pointer (&f->other, bd_db_close);
  bd_db_close (f->db);
  bd_actor_free (f->cli);
  for (guint i = 0; i < N_WHO; i++)
    bd_actor_free (f->actors[i]);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  bd_clock_set_override (0);
}

/* The operations */

static gboolean
run_post_init (Fx *f, int who, GError **error)
{
  return bd_post_init (f->other, f->actors[who], "UTO-BET", "Beta", 2, "UTO", error);
}

static void
prepare_post_init (Fx *f, int who)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "other.db", NULL);

  f->other = bd_db_open (path, BD_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
}

static gboolean
run_setting_set (Fx *f, int who, GError **error)
{
  return bd_setting_set (f->db, f->actors[who], BD_SETTING_LOCKOUT_ATTEMPTS, "7", error);
}

static gboolean
run_officer_add (Fx *f, int who, GError **error)
{
  return bd_officer_add (f->db, f->actors[who], "zoe", "Zoe Test", BD_ROLE_GUARD,
                         "a long enough password", NULL, error);
}

static gboolean
run_officer_list (Fx *f, int who, GError **error)
{
  g_autoptr(GPtrArray) list = bd_officer_list (f->db, f->actors[who], error);
  return list != NULL;
}

static gboolean
run_officer_unlock (Fx *f, int who, GError **error)
{
  return bd_officer_unlock (f->db, f->actors[who], "ben", error);
}

static gboolean
run_officer_passwd (Fx *f, int who, GError **error)
{
  return bd_officer_set_password (f->db, f->actors[who], "ben", "another long password", error);
}

/* The actor's own open shift, if any. */
static gint64
own_shift (int who)
{
  return who == WHO_GUARD ? tpl.shift_anna : who == WHO_SUPERVISOR ? tpl.shift_sue : 0;
}

static void
prepare_shift_open (Fx *f, int who)
{
  /* Officers with an open shift end it first (as an admin may). */
  if (own_shift (who) != 0)
    g_assert_true (bd_shift_close (f->db, f->cli, own_shift (who), "", NULL));
}

static gboolean
run_shift_open (Fx *f, int who, GError **error)
{
  return bd_shift_open (f->db, f->actors[who], "2", error) > 0;
}

/* Closing: one's own shift; an admin ends anyone's forgotten one. */
static gboolean
run_shift_close_own (Fx *f, int who, GError **error)
{
  gint64 shift = own_shift (who) != 0 ? own_shift (who) : tpl.shift_anna;
  return bd_shift_close (f->db, f->actors[who], shift, "end", error);
}

static gboolean
run_shift_close_other (Fx *f, int who, GError **error)
{
  gint64 shift = who == WHO_GUARD ? tpl.shift_sue : tpl.shift_anna;
  return bd_shift_close (f->db, f->actors[who], shift, "end", error);
}

static gboolean
run_shift_sign_off (Fx *f, int who, GError **error)
{
  return bd_shift_sign_off (f->db, f->actors[who], tpl.shift_ben_closed, "checked", error);
}

static gboolean
run_shift_list (Fx *f, int who, GError **error)
{
  g_autoptr(GPtrArray) list = bd_shift_list (f->db, f->actors[who], 0, error);
  return list != NULL;
}

static gboolean
run_shift_report_other (Fx *f, int who, GError **error)
{
  g_autoptr(JsonNode) report = bd_shift_report (f->db, f->actors[who], tpl.shift_ben_closed,
                                                error);
  return report != NULL;
}

static gboolean
run_shift_report_own (Fx *f, int who, GError **error)
{
  gint64 shift = own_shift (who) != 0 ? own_shift (who) : tpl.shift_ben_closed;
  g_autoptr(JsonNode) report = bd_shift_report (f->db, f->actors[who], shift, error);
  return report != NULL;
}

/* A TD3 of a German traveller; @expiry YYMMDD. */
static BdMrz *
make_mrz (const char *number, const char *expiry)
{
  g_autofree char *text = bd_demo_make_td3 ("DEU", "MUSTER", "ERIKA", number, "DEU", "800101",
                                            'F', expiry);
  BdMrz *mrz = bd_mrz_parse (text);

  g_assert_true (mrz->valid);
  return mrz;
}

static gboolean
run_crossing_check (Fx *f, int who, GError **error)
{
  g_autoptr(BdMrz) mrz = make_mrz ("C01X00T47", "310101");
  g_autoptr(GPtrArray) checks = NULL;
  BdIdentity id = { 0, };

  bd_identity_from_mrz (&id, mrz, bd_today ());
  checks = bd_crossing_check (f->db, f->actors[who], &id, mrz, BD_DIRECTION_ENTRY, error);
  bd_identity_clear (&id);
  return checks != NULL;
}

static char *
register_as (Fx *f, const BdActor *officer, const BdActor *override_by, const char *number,
             const char *expiry, GError **error)
{
  g_autoptr(BdMrz) mrz = make_mrz (number, expiry);
  BdCrossingRequest req = { 0, };
  char *uuid;

  bd_identity_from_mrz (&req.identity, mrz, bd_today ());
  req.mrz = mrz;
  req.direction = BD_DIRECTION_ENTRY;
  req.decision = BD_DECISION_ADMITTED;
  req.source = BD_SOURCE_MRZ_READER;
  req.override_reason = override_by != NULL ? "seen by the supervisor" : NULL;
  uuid = bd_crossing_register (f->db, officer, override_by, &req, NULL, error);
  bd_identity_clear (&req.identity);
  return uuid;
}

static gboolean
run_crossing_register (Fx *f, int who, GError **error)
{
  g_autofree char *uuid = register_as (f, f->actors[who], NULL, "C02Y11T58", "310101", error);
  return uuid != NULL;
}

/* Ben (a guard) admits a traveller whose document expired, over the
 * blocking check, with the actor as the one who overrides. */
static gboolean
run_crossing_override (Fx *f, int who, GError **error)
{
  g_autoptr(BdActor) ben = bd_actor_new (tpl.ben, "ben", BD_ROLE_GUARD);
  g_autofree char *uuid = register_as (f, ben, f->actors[who], "C03Z22T69", "200101", error);
  return uuid != NULL;
}

static gboolean
run_crossing_list (Fx *f, int who, GError **error)
{
  BdCrossingFilter filter = { 0, };
  g_autoptr(JsonArray) list = bd_crossing_list (f->db, f->actors[who], &filter, error);
  return list != NULL;
}

static gboolean
run_crossing_list_document (Fx *f, int who, GError **error)
{
  BdCrossingFilter filter = { .issuing_state = "DEU", .document_number = "C01X00T47" };
  g_autoptr(JsonArray) list = bd_crossing_list (f->db, f->actors[who], &filter, error);
  return list != NULL;
}

static gboolean
run_crossing_import (Fx *f, int who, GError **error)
{
  const char *line =
    "{\"time\": \"2026-03-01T08:15:00Z\", \"direction\": \"entry\", \"decision\": \"admitted\", "
    "\"document\": {\"code\": \"P\", \"issuing_state\": \"UTO\", \"number\": \"L898902C3\", "
    "\"expiry\": \"2030-04-15\"}, \"traveller\": {\"surname\": \"ERIKSSON\", \"given_names\": "
    "\"ANNA MARIA\", \"nationality\": \"UTO\", \"birth_date\": \"1974-08-12\", \"sex\": \"F\"}, "
    "\"post\": \"UTO-ALP\"}\n";
  gint64 n = 0;

  return bd_crossing_import (f->db, f->actors[who], line, strlen (line), &n, error);
}

static gboolean
run_demo_seed (Fx *f, int who, GError **error)
{
  BdDemoOptions opt = { .crossings = 2, .travellers = 2, .seed = 3, .per_shift = 2 };
  return bd_demo_seed (f->db, f->actors[who], &opt, error);
}

static const char csv[] =
  "list,surname,given_names,birth_date,nationality,document_number,issuing_state,action,"
  "reference\n"
  "persons,PETROV,YURI,1985,UKR,,,deny,R-1\n"
  "documents,,,,,D00012345,UTO,deny,R-2\n";

static gboolean
run_watchlist_import (Fx *f, int who, GError **error)
{
  BdWatchlistImport result;
  return bd_watchlist_import_csv (f->db, f->actors[who], csv, strlen (csv), &result, error);
}

static gboolean
run_watchlist_apply (Fx *f, int who, GError **error)
{
  g_autoptr(GPtrArray) added = bd_watchlist_parse_csv (csv, strlen (csv), NULL);
  const char *removed[] = { NULL };

  g_assert_nonnull (added);
  return bd_watchlist_apply (f->db, f->actors[who], 0, 1, added, removed, BD_SHA256_ZERO,
                             error);
}

static gboolean
run_watchlist_screen (Fx *f, int who, GError **error)
{
  BdWatchlistQuery q = { .surname = "PETROV", .given_names = "YURI", .birth_date = "1985" };
  g_autoptr(GPtrArray) hits = bd_watchlist_screen (f->db, f->actors[who], &q, error);
  return hits != NULL;
}

static void
prepare_enroll_request (Fx *f, int who)
{
  /* Without desk.key: a refused request must not create one. */
  g_autofree char *key = g_build_filename (f->dir, "desk.key", NULL);
  g_assert_cmpint (g_unlink (key), ==, 0);
}

static gboolean
run_enroll_request (Fx *f, int who, GError **error)
{
  g_autofree char *csr = bd_sync_enroll_request (f->db, f->actors[who], error);
  return csr != NULL;
}

static gboolean
run_enroll_install (Fx *f, int who, GError **error)
{
  return bd_sync_enroll_install (f->db, f->actors[who], tpl.desk_cert_pem, tpl.ca_pem,
                                 "https://127.0.0.1:1", error);
}

static gboolean
run_sync_export (Fx *f, int who, GError **error)
{
  g_autofree char *dir = g_build_filename (f->dir, "export", NULL);
  gint64 n = 0;
  gboolean ok = bd_sync_export (f->db, f->actors[who], dir, &n, error);

  g_assert_true (!ok || n > 0);
  return ok;
}

static gboolean
run_sync_run (Fx *f, int who, GError **error)
{
  BdSyncRound round;
  return bd_sync_run (f->db, f->actors[who], &round, error);
}

static void
prepare_apply_signed (Fx *f, int who)
{
  g_autofree char *path = g_build_filename (f->dir, "hq-ca.crt", NULL);
  g_assert_true (bd_pki_save_cert (tpl.ca, path, NULL));
}

static gboolean
run_apply_signed (Fx *f, int who, GError **error)
{
  g_autoptr(GPtrArray) added = bd_watchlist_parse_csv (csv, strlen (csv), NULL);
  g_autofree char *delta = bd_watchlist_delta_make (0, 1, "2026-05-01T09:00:00Z", added, NULL,
                                                    tpl.hq_key, tpl.hq_cert, NULL);
  gint64 version = 0;

  g_assert_nonnull (delta);
  return bd_sync_apply_watchlist (f->db, f->actors[who], delta, strlen (delta), &version, error);
}

static gboolean
run_traveller_export (Fx *f, int who, GError **error)
{
  g_autoptr(JsonObject) all = bd_subject_export (f->db, f->actors[who], "DEU", "C01X00T47",
                                                 error);
  return all != NULL;
}

static gboolean
run_open_stays_apply (Fx *f, int who, GError **error)
{
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                              bd_remote_crossing_free);
  g_autofree char *text = NULL;
  g_autoptr(BdOpenStaysDelta) delta = NULL;

  g_ptr_array_add (open, bd_remote_crossing_new ("01890a5d-ac96-774b-bcce-b30209900001", "DEU",
                                                 "X1", "2026-03-01T08:00:00Z", TRUE, "UTO-BET",
                                                 "UTO-BET/3"));
  text = bd_open_stays_delta_make (0, 1, "2026-03-05T00:00:00Z", open, NULL, tpl.hq_key,
                                   tpl.hq_cert, NULL);
  delta = bd_open_stays_delta_verify (text, strlen (text), tpl.ca, NULL);
  g_assert_nonnull (delta);
  return bd_open_stays_apply (f->db, f->actors[who], delta, error);
}

static gboolean
run_template_purge (Fx *f, int who, GError **error)
{
  return bd_template_purge (f->db, f->actors[who], error) >= 0;
}

static gboolean
run_retention_purge (Fx *f, int who, GError **error)
{
  BdRetentionCounts counts;
  return bd_retention_purge (f->db, f->actors[who], &counts, error);
}

static gboolean
run_retention_run (Fx *f, int who, GError **error)
{
  BdRetentionCounts counts;
  return bd_retention_run (f->db, f->actors[who], FALSE, NULL, &counts, error);
}

static const Op ops[] = {
  { "post-init", BD_PERM_MANAGE_OFFICERS, { D, D, D, A }, "post.init", NULL,
    prepare_post_init, run_post_init },
  { "setting-set", BD_PERM_MANAGE_OFFICERS, { D, D, D, A }, "setting.set", NULL,
    NULL, run_setting_set },
  { "officer-add", BD_PERM_MANAGE_OFFICERS, { D, D, D, A }, "officer.add", NULL,
    NULL, run_officer_add },
  { "officer-list", BD_PERM_REVIEW, { D, D, A, A }, NULL, NULL, NULL, run_officer_list },
  { "officer-unlock", BD_PERM_MANAGE_OFFICERS, { D, D, D, A }, "officer.unlock", NULL,
    NULL, run_officer_unlock },
  { "officer-passwd", BD_PERM_MANAGE_OFFICERS, { D, D, D, A }, "officer.passwd", NULL,
    NULL, run_officer_passwd },
  { "shift-open", BD_PERM_OPEN_SHIFT, { D, A, A, D }, "shift.open", NULL,
    prepare_shift_open, run_shift_open },
  /* Not a table row: one's own shift, or an admin ending anyone's. */
  { "shift-close-own", -1, { D, A, A, A }, "shift.close", NULL, NULL, run_shift_close_own },
  { "shift-close-other", -1,
    { D, { 'R', BD_SHIFT_ERROR_NOT_YOURS }, { 'R', BD_SHIFT_ERROR_NOT_YOURS }, A },
    "shift.close", bd_shift_error_quark, NULL, run_shift_close_other },
  { "shift-sign-off", BD_PERM_SIGN_OFF, { D, D, A, A }, "shift.signoff", NULL,
    NULL, run_shift_sign_off },
  { "shift-list", BD_PERM_REVIEW, { D, D, A, A }, NULL, NULL, NULL, run_shift_list },
  /* Reviewers see any shift's report... */
  { "shift-report-other", BD_PERM_REVIEW, { D, D, A, A }, NULL, NULL, NULL,
    run_shift_report_other },
  /* ...and an officer the report of their own. */
  { "shift-report-own", -1, { D, A, A, A }, NULL, NULL, NULL, run_shift_report_own },
  { "crossing-check", BD_PERM_REGISTER, { D, A, A, D }, NULL, NULL, NULL, run_crossing_check },
  { "crossing-register", BD_PERM_REGISTER, { D, A, A, D }, "crossing.register", NULL,
    NULL, run_crossing_register },
  /* The override: ben registers, the actor overrides.  No overrider: the
   * check blocks; a role without the override permission: refused. */
  { "crossing-override", BD_PERM_OVERRIDE,
    { { 'R', BD_CROSSING_ERROR_BLOCKED }, { 'R', BD_CROSSING_ERROR_OVERRIDE }, A,
      { 'R', BD_CROSSING_ERROR_OVERRIDE } },
    "crossing.override", bd_crossing_error_quark, NULL, run_crossing_override },
  { "crossing-list", BD_PERM_REVIEW, { D, D, A, A }, NULL, NULL, NULL, run_crossing_list },
  /* Not a table row: one document's history, for whoever registers or reviews. */
  { "crossing-list-document", -1, { D, A, A, A }, NULL, NULL, NULL,
    run_crossing_list_document },
  { "crossing-import", BD_PERM_IMPORT, { D, D, D, A }, "crossings.import", NULL,
    NULL, run_crossing_import },
  { "demo-seed", BD_PERM_MANAGE_OFFICERS, { D, D, D, A }, "officer.add", NULL,
    NULL, run_demo_seed },
  { "watchlist-import", BD_PERM_IMPORT, { D, D, D, A }, "watchlist.import", NULL,
    NULL, run_watchlist_import },
  { "watchlist-apply", BD_PERM_IMPORT, { D, D, D, A }, "watchlist.apply", NULL,
    NULL, run_watchlist_apply },
  /* Not a table row: whoever registers or reviews. */
  { "watchlist-screen", -1, { D, A, A, A }, "watchlist.screen", NULL, NULL,
    run_watchlist_screen },
  { "sync-enroll-request", BD_PERM_SYNC, { D, D, D, A }, "sync.enroll-request", NULL,
    prepare_enroll_request, run_enroll_request },
  { "sync-enroll-install", BD_PERM_SYNC, { D, D, D, A }, "sync.enroll-install", NULL,
    NULL, run_enroll_install },
  { "sync-export", BD_PERM_SYNC, { D, D, D, A }, "sync.export", NULL, NULL, run_sync_export },
  /* Allowed, then fails: the desk is not enrolled (and records that). */
  { "sync-run", BD_PERM_SYNC, { D, D, D, { 'E', BD_SYNC_ERROR_NOT_ENROLLED } }, NULL,
    bd_sync_error_quark, NULL, run_sync_run },
  /* A signed delta: verified, then applied under the import permission. */
  { "sync-apply-watchlist", BD_PERM_IMPORT, { D, D, D, A }, "watchlist.apply", NULL,
    prepare_apply_signed, run_apply_signed },
  { "traveller-export", BD_PERM_EXPORT_PERSONAL, { D, D, A, A }, "traveller.export", NULL,
    NULL, run_traveller_export },
  { "template-purge", BD_PERM_FINGERPRINT, { D, A, A, A }, "finger.purge", NULL, NULL,
    run_template_purge },
  { "retention-purge", BD_PERM_PURGE, { D, D, D, A }, "retention.purge", NULL, NULL,
    run_retention_purge },
  /* Not a table row: both purges, so both permissions. */
  { "retention-run", -1, { D, D, D, A }, "retention.purge", NULL, NULL, run_retention_run },
  { "open-stays-apply", BD_PERM_SYNC, { D, D, D, A }, "history.open-stays", NULL, NULL,
    run_open_stays_apply },
};

typedef struct {
  const Op *op;
  int who;
} Case;

static void
test_case (Fx *f, gconstpointer data)
{
  const Case *c = data;
  const Op *op = c->op;
  Expect e = op->expect[c->who];
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gint64 events = 0;
  gboolean ok;

  if (op->prepare != NULL)
    op->prepare (f, c->who);
  before = snapshot (f);
  if (op->audit_action != NULL)
    events = count (f->other != NULL ? f->other : f->db,
                    "SELECT count(*) FROM audit WHERE action = ?", op->audit_action);

  ok = op->run (f, c->who, &error);

  switch (e.kind)
    {
    case 'A':
      g_assert_no_error (error);
      g_assert_true (ok);
      if (op->audit_action != NULL)
        g_assert_cmpint (count (f->other != NULL ? f->other : f->db,
                                "SELECT count(*) FROM audit WHERE action = ?",
                                op->audit_action), >, events);
      break;
    case 'D':
      g_assert_false (ok);
      g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
      break;
    case 'R':
    case 'E':
      g_assert_false (ok);
      g_assert_error (error, op->domain (), e.code);
      break;
    default:
      g_assert_not_reached ();
    }
  if (e.kind == 'D' || e.kind == 'R')
    {
      after = snapshot (f);
      g_assert_cmpstr (after, ==, before);
    }
}

/* The expectations above are a copy of the table in bd-role.c, written out
 * so that a change to either shows here. */
static void
test_rows_match_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      if (ops[i].permission < 0)
        continue;
      for (int who = 0; who < N_WHO; who++)
        {
          gboolean allowed = bd_role_allows (who_roles[who], ops[i].permission);
          char kind = ops[i].expect[who].kind;

          if (ops[i].permission == BD_PERM_OVERRIDE)
            g_assert_cmpint (allowed, ==, kind == 'A');
          else
            g_assert_cmpint (allowed, ==, kind != 'D');
        }
    }
}

/* Every permission the table has is exercised by at least one operation. */
static void
test_every_permission_covered (void)
{
  for (int p = 0; p < BD_PERM_N; p++)
    {
      gboolean seen = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
        seen |= ops[i].permission == p;
      if (!seen)
        g_error ("no operation in test-roles.c covers \"%s\"", bd_permission_to_string (p));
    }
}

/* The template desk. */
static void
make_template (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(BdActor) anna = NULL;
  g_autoptr(BdActor) ben = NULL;
  g_autoptr(BdActor) sue = NULL;
  g_autoptr(EVP_PKEY) desk_key = NULL;
  g_autoptr(X509) desk_cert = NULL;
  g_autofree char *path = NULL, *key_path = NULL, *uuid = NULL;
  BdDb *db;
  struct { const char *name; BdRole role; gint64 *id; } people[] = {
    { "anna", BD_ROLE_GUARD, &tpl.anna }, { "ben", BD_ROLE_GUARD, &tpl.ben },
    { "sue", BD_ROLE_SUPERVISOR, &tpl.sue }, { "adam", BD_ROLE_ADMIN, &tpl.adam },
  };

  tpl.dir = g_dir_make_tmp ("bd-roles-template-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (tpl.dir, "desk.db", NULL);
  db = bd_db_open (path, BD_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  bd_clock_set_override (NOW);
  g_assert_true (bd_post_init (db, cli, "UTO-ALP", "Alpine", 1, "UTO", &error));
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *pw = g_strconcat ("pw-", people[i].name, "-long-enough", NULL);
      g_assert_true (bd_officer_add (db, cli, people[i].name, "Test Officer", people[i].role,
                                     pw, people[i].id, &error));
      g_assert_no_error (error);
    }
  anna = bd_actor_new (tpl.anna, "anna", BD_ROLE_GUARD);
  ben = bd_actor_new (tpl.ben, "ben", BD_ROLE_GUARD);
  sue = bd_actor_new (tpl.sue, "sue", BD_ROLE_SUPERVISOR);
  tpl.shift_ben_closed = bd_shift_open (db, ben, "3", &error);
  g_assert_true (bd_shift_close (db, ben, tpl.shift_ben_closed, "done", &error));
  tpl.shift_ben = bd_shift_open (db, ben, "3", &error);
  tpl.shift_anna = bd_shift_open (db, anna, "1", &error);
  tpl.shift_sue = bd_shift_open (db, sue, "2", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tpl.shift_anna, >, 0);
  g_assert_cmpint (tpl.shift_sue, >, 0);
  {
    /* One crossing, so lists and reports have something to show. */
    Fx tmp = { .db = db };
    uuid = register_as (&tmp, anna, NULL, "C01X00T47", "310101", &error);
    g_assert_no_error (error);
  }

  /* desk.key as init makes it, and a throwaway HQ PKI that certifies it. */
  g_assert_true (bd_sync_ensure_key (db, &error));
  key_path = g_build_filename (tpl.dir, "desk.key", NULL);
  desk_key = bd_pki_load_key (key_path, &error);
  g_assert_no_error (error);
  tpl.ca_key = bd_pki_generate_ed25519 (&error);
  tpl.hq_key = bd_pki_generate_ed25519 (&error);
  tpl.ca = bd_pki_issue (tpl.ca_key, "HQ CA", BD_CERT_CA, NULL, NULL, tpl.ca_key, 1, 10, &error);
  tpl.hq_cert = bd_pki_issue (tpl.hq_key, "HQ signing", BD_CERT_DOC_SIGNING, NULL, tpl.ca,
                              tpl.ca_key, 2, 10, &error);
  desk_cert = bd_pki_issue_desk (desk_key, "UTO-ALP/1", 1, tpl.ca, tpl.ca_key, 3, 10, &error);
  g_assert_no_error (error);
  tpl.desk_cert_pem = bd_pki_cert_to_pem (desk_cert);
  tpl.ca_pem = bd_pki_cert_to_pem (tpl.ca);
  bd_db_close (db);
  bd_clock_set_override (0);
}

static void
free_template (void)
{
  remove_tree (tpl.dir);
  g_free (tpl.dir);
  EVP_PKEY_free (tpl.ca_key);
  EVP_PKEY_free (tpl.hq_key);
  X509_free (tpl.ca);
  X509_free (tpl.hq_cert);
  g_free (tpl.desk_cert_pem);
  g_free (tpl.ca_pem);
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  int status;

  g_test_init (&argc, &argv, NULL);
  make_template ();
  g_test_add_func ("/roles/rows-match-table", test_rows_match_table);
  g_test_add_func ("/roles/every-permission-covered", test_every_permission_covered);
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    for (int who = 0; who < N_WHO; who++)
      {
        Case *c = g_new0 (Case, 1);
        g_autofree char *name = g_strdup_printf ("/roles/%s/%s", ops[i].name, who_names[who]);

        c->op = &ops[i];
        c->who = who;
        g_ptr_array_add (cases, c);
        g_test_add (name, Fx, c, fx_setup, test_case, fx_teardown);
      }
  status = g_test_run ();
  free_template ();
  return status;
}

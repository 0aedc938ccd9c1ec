/* test-watchlist.c: the watchlist CSV, importing it, HQ deltas, and the index. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "bd-audit.h"
#include "bd-test-util.h"
#include "bd-watchlist-private.h"
#include "bd-watchlist.h"

/* 2026-05-01T10:00:00Z */
#define NOW 1777629600

#define HEADER "list,surname,given_names,birth_date,nationality,document_number,issuing_state," \
               "action,reference\n"

/* Helpers */

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

static void
import_ok (BdTestDesk *t, const char *csv)
{
  g_autoptr(GError) error = NULL;

  bd_clock_set_override (NOW);
  g_assert_true (bd_watchlist_import_csv (t->db, t->cli, csv, strlen (csv), NULL, &error));
  g_assert_no_error (error);
}

static GPtrArray *
screen (BdTestDesk *t, const char *surname, const char *given, const char *birth,
        const char *nationality)
{
  g_autoptr(GError) error = NULL;
  BdWatchlistQuery q = { surname, given, birth, nationality, NULL, NULL };
  GPtrArray *hits = bd_watchlist_match (t->db, &q, bd_watchlist_threshold (t->db), &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

/* The CSV */

static GPtrArray *
parse (const char *csv, GError **error)
{
  return bd_watchlist_parse_csv (csv, strlen (csv), error);
}

static void
test_csv_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  const char *csv =
    "\xEF\xBB\xBF" "reference,list,surname,given_names,birth_date,nationality,document_number,"
    "issuing_state,action\r\n"
    "R1,persons,\"O'Brien, Jr\",\"Sean \"\"Shaun\"\"\",1960,irl,,,\r\n"
    "\r\n"
    "R2,documents,,,,,\"l89 890-2c3<\",uto,notify\r\n"
    "\"R3\",persons,\"Multi, Comma\",,1970-05,,,,deny\n"
    ",persons,Smith,,,,,,\n";

  bd_clock_set_override (NOW);
  rows = parse (csv, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 4);
  {
    BdWatchlistEntry *e = rows->pdata[0];
    g_assert_cmpstr (e->reference, ==, "R1");
    g_assert_cmpstr (e->surname, ==, "O'Brien, Jr");
    g_assert_cmpstr (e->given_names, ==, "Sean \"Shaun\"");
    g_assert_cmpstr (e->nationality, ==, "IRL");
    g_assert_cmpint (e->action, ==, BD_WATCHLIST_REFER);   /* default for persons */
    g_assert_cmpuint (e->line, ==, 2);
  }
  {
    BdWatchlistEntry *e = rows->pdata[1];
    g_assert_cmpint (e->list, ==, BD_WATCHLIST_DOCUMENTS);
    g_assert_cmpstr (e->document_number, ==, "L898902C3");
    g_assert_cmpstr (e->issuing_state, ==, "UTO");
    g_assert_cmpint (e->action, ==, BD_WATCHLIST_NOTIFY);
    g_assert_cmpuint (e->line, ==, 4);
  }
  {
    BdWatchlistEntry *e = rows->pdata[2];
    g_assert_cmpstr (e->surname, ==, "Multi, Comma");
    g_assert_cmpstr (e->birth_date, ==, "1970-05");
  }
  {
    /* An empty reference is named after the row's line. */
    BdWatchlistEntry *e = rows->pdata[3];
    g_assert_cmpstr (e->reference, ==, "line-6");
    g_assert_cmpuint (e->line, ==, 6);
  }
}

static void
assert_csv_error (const char *csv, const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = parse (csv, &error);

  g_assert_null (rows);
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_INVALID);
  if (strstr (error->message, expected) == NULL)
    g_error ("expected \"%s\" in: %s", expected, error->message);
}

static void
test_csv_errors (void)
{
  bd_clock_set_override (NOW);
  assert_csv_error ("", "empty");
  assert_csv_error ("list,surname\npersons,X\n", "line 1: the first row must be the header");
  assert_csv_error (HEADER "persons,X,,,,,,,R\npersons,Y,,,,,,\n",
                    "line 3: 8 fields, expected 9");
  assert_csv_error (HEADER "people,X,,,,,,,R\n", "line 2: list: persons or documents");
  assert_csv_error (HEADER "persons,X,,,,,,ban,R\n", "line 2: action: deny, refer or notify");
  assert_csv_error (HEADER "persons,X,,1970-13-01,,,,,R\n", "line 2: birth_date");
  assert_csv_error (HEADER "persons,X,,12/03/1970,,,,,R\n", "line 2: birth_date");
  assert_csv_error (HEADER "persons,X,,2030,,,,,R\n", "in the future");
  assert_csv_error (HEADER "persons,X,,,DEUT,,,,R\n", "line 2: nationality");
  assert_csv_error (HEADER "documents,X,,,,,UTO,deny,R\n", "needs a document_number");
  assert_csv_error (HEADER "persons,,ANNA,,,,,,R\n", "needs a surname or a document_number");
  assert_csv_error (HEADER "persons,X,,,,AB#12,,,R\n", "line 2: document_number");
  /* A line break inside quotes: the row is refused (no field may hold
   * one), and the next row's line is counted right. */
  assert_csv_error (HEADER "persons,\"Multi\nLine\",,,,,,,R\npersons,X,,,,,,bad,R2\n",
                    "line 2: surname");
  assert_csv_error (HEADER "persons,\"Multi\nLine\",,,,,,,R\npersons,X,,,,,,bad,R2\n",
                    "line 4: action");
  assert_csv_error (HEADER "persons,中文,,,,,,,R\n", "no letter that transliterates");
  assert_csv_error (HEADER "persons,X,,,,,,,R\npersons,Y,,,,,,,R\n",
                    "line 3: reference R is also on line 2");
  assert_csv_error (HEADER "persons,Sm\"ith,,,,,,,R\n", "line 2: field 2: a quote inside");
  assert_csv_error (HEADER "persons,\"Smith\"x,,,,,,,R\n", "line 2: field 2: text after");
  assert_csv_error (HEADER "persons,Smith\r,,,,,,,R\n", "carriage return");
  assert_csv_error (HEADER "persons,X,,,,,,,R1\npersons,\"open,,,,,,,R2\npersons,Y,,,,,,,R3\n",
                    "line 3: field 2: the quote opened on line 3 is never closed");
  assert_csv_error (HEADER "persons,X,,,,,,,R1\npersons,\xC3\x28,,,,,,,R2\n",
                    "line 3: not UTF-8");
  {
    static const char nul[] = HEADER "persons,X\0Y,,,,,,,R1\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = bd_watchlist_parse_csv (nul, sizeof nul - 1, &error);

    g_assert_null (rows);
    g_assert_nonnull (strstr (error->message, "line 2: not UTF-8"));
  }
  {
    g_autoptr(GString) huge = g_string_new (HEADER "persons,\"");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = NULL;

    for (int i = 0; i < 100000; i++)
      g_string_append (huge, "AAAAAAAAAA");
    g_string_append (huge, "\",,,,,,,R\npersons,X,,,,,,,R2\n");
    rows = bd_watchlist_parse_csv (huge->str, huge->len, &error);
    g_assert_null (rows);
    g_assert_nonnull (strstr (error->message, "line 2: field 2 is longer than"));
    g_assert_null (strstr (error->message, "line 3"));
  }
  {
    g_autoptr(GString) wide = g_string_new (HEADER "persons");
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = NULL;

    for (int i = 0; i < 100000; i++)
      g_string_append (wide, ",x");
    g_string_append (wide, "\npersons,X,,,,,,bad,R2\n");
    rows = bd_watchlist_parse_csv (wide->str, wide->len, &error);
    g_assert_null (rows);
    g_assert_nonnull (strstr (error->message, "line 2: more than 64 fields"));
    g_assert_nonnull (strstr (error->message, "line 3: action"));
  }
  /* Every bad row is reported, with its line. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = parse (HEADER "persons,A,,,,,,,R1\nx,B,,,,,,,R2\n"
                                       "persons,C,,,,,,,R3\npersons,D,,1970-02-30,,,,,R4\n",
                                       &error);
    g_assert_null (rows);
    g_assert_nonnull (strstr (error->message, "2 bad rows"));
    g_assert_nonnull (strstr (error->message, "line 3:"));
    g_assert_nonnull (strstr (error->message, "line 5:"));
  }
  /* The number of lines listed is bounded. */
  {
    g_autoptr(GString) many = g_string_new (HEADER);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = NULL;

    for (int i = 0; i < 50; i++)
      g_string_append_printf (many, "bad,X,,,,,,,R%d\n", i);
    rows = bd_watchlist_parse_csv (many->str, many->len, &error);
    g_assert_null (rows);
    g_assert_nonnull (strstr (error->message, "(and 30 more)"));
  }
}

static void
test_signed_detection (void)
{
  const char *flat = "{\"protected\":\"eyJ\",\"payload\":\"eyJ\",\"signature\":\"abc\"}\n";
  const char *compact = "eyJhbGciOiJFZERTQSJ9.eyJmcm9tIjowfQ.c2lnbmF0dXJl\n";

  g_assert_true (bd_watchlist_looks_signed (flat, strlen (flat)));
  g_assert_true (bd_watchlist_looks_signed (compact, strlen (compact)));
  g_assert_false (bd_watchlist_looks_signed (HEADER, strlen (HEADER)));
  g_assert_false (bd_watchlist_looks_signed ("a.b\n", 4));
}

/* The store */

#define LIST_A HEADER \
  "persons,Müller,Hans Peter,1970-05-06,DEU,,,deny,P-1\n" \
  "persons,Mohammed,Ali,1980,EGY,,,refer,P-2\n" \
  "documents,,,,,L898902C3,UTO,deny,D-1\n"

#define LIST_B HEADER \
  "persons,Ivanov,Yuri,1975-03-12,RUS,,,notify,Q-1\n"

static void
test_import_and_replace (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) status = NULL;
  BdWatchlistImport r;

  bd_clock_set_override (NOW);
  g_assert_true (bd_watchlist_import_csv (t->db, t->cli, LIST_A, strlen (LIST_A), &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.version, ==, 1);
  g_assert_cmpint (r.persons, ==, 2);
  g_assert_cmpint (r.documents, ==, 1);
  g_assert_cmpint (r.replaced, ==, 0);
  g_assert_cmpint (strlen (r.sha256), ==, 64);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_entries WHERE source = 'local'"),
                   ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_document_keys"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_name_keys"), >, 0);

  /* A second import replaces the local list whole, index included. */
  g_assert_true (bd_watchlist_import_csv (t->db, t->cli, LIST_B, strlen (LIST_B), &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.version, ==, 2);
  g_assert_cmpint (r.replaced, ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_entries"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_document_keys"), ==, 0);
  {
    gint64 keys = count (t, "SELECT count(*) FROM watchlist_name_keys");

    /* Exactly the new entry's keys are left: rebuilding gives the same. */
    g_assert_true (bd_watchlist_reindex (t->db, &error));
    g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_name_keys"), ==, keys);
  }
  status = bd_watchlist_status (t->db, &error);
  g_assert_cmpuint (status->len, ==, 1);
  g_assert_cmpint (((BdWatchlistStatus *) status->pdata[0])->version, ==, 2);
  g_assert_cmpint (((BdWatchlistStatus *) status->pdata[0])->persons, ==, 1);
  g_assert_cmpstr (((BdWatchlistStatus *) status->pdata[0])->updated, ==, "2026-05-01T10:00:00Z");
}

static void
test_import_all_or_nothing (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *bad = HEADER "persons,Good,,,,,,,G-1\npersons,Bad,,1970-02-30,,,,,G-2\n";
  gint64 keys, events;

  import_ok (t, LIST_A);
  keys = count (t, "SELECT count(*) FROM watchlist_name_keys");
  events = count (t, "SELECT count(*) FROM audit");
  g_assert_false (bd_watchlist_import_csv (t->db, t->cli, bad, strlen (bad), NULL, &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_entries"), ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_name_keys"), ==, keys);
  g_assert_cmpint (count (t, "SELECT version FROM watchlist_meta"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit"), ==, events);
}

static void
test_import_audited_without_names (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;
  BdAuditReport report = { 0, };

  import_ok (t, LIST_A);
  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (t->db),
                                       "SELECT actor, object, details FROM audit "
                                       "WHERE action = 'watchlist.import'", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "cli");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "watchlist:local");
  {
    const char *details = (const char *) sqlite3_column_text (stmt, 2);

    g_assert_nonnull (strstr (details, "\"sha256\""));
    g_assert_nonnull (strstr (details, "\"persons\":2"));
    g_assert_null (strstr (details, "ller"));
    g_assert_null (strstr (details, "Mohammed"));
    g_assert_null (strstr (details, "L898902C3"));
  }
  sqlite3_finalize (stmt);
  g_assert_true (bd_audit_verify (t->db, &report, &error));
  g_assert_cmpint (report.first_bad, ==, 0);
  bd_audit_report_clear (&report);
}

static void
test_import_needs_permission (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) guard = bd_test_officer (t, "gina", BD_ROLE_GUARD);
  g_autoptr(BdActor) sup = bd_test_officer (t, "sam", BD_ROLE_SUPERVISOR);

  g_assert_false (bd_watchlist_import_csv (t->db, guard, LIST_A, strlen (LIST_A), NULL, &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_false (bd_watchlist_import_csv (t->db, sup, LIST_A, strlen (LIST_A), NULL, &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
  g_clear_error (&error);
  g_assert_false (bd_watchlist_import_csv (t->db, NULL, LIST_A, strlen (LIST_A), NULL, &error));
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_entries"), ==, 0);
}

static void
test_import_refuses_signed (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *jws = "{\"protected\":\"eyJ\",\"payload\":\"eyJ\",\"signature\":\"abc\"}";

  g_assert_false (bd_watchlist_import_csv (t->db, t->cli, jws, strlen (jws), NULL, &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_SIGNED);
  g_assert_nonnull (strstr (error->message, "sync"));
}

static BdWatchlistEntry *
entry (BdWatchlistList list, const char *surname, const char *given, const char *birth,
       const char *number, const char *reference)
{
  BdWatchlistEntry *e = bd_watchlist_entry_new ();

  e->list = list;
  e->action = BD_WATCHLIST_DENY;
  g_free (e->surname);
  e->surname = g_strdup (surname);
  g_free (e->given_names);
  e->given_names = g_strdup (given);
  g_free (e->birth_date);
  e->birth_date = g_strdup (birth);
  g_free (e->document_number);
  e->document_number = g_strdup (number);
  g_free (e->reference);
  e->reference = g_strdup (reference);
  return e;
}

static GPtrArray *
entries (BdWatchlistEntry *first, ...)
{
  GPtrArray *a = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_watchlist_entry_free);
  va_list ap;

  va_start (ap, first);
  for (BdWatchlistEntry *e = first; e != NULL; e = va_arg (ap, BdWatchlistEntry *))
    g_ptr_array_add (a, e);
  va_end (ap);
  return a;
}

static void
test_apply_deltas (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) first = entries (
    entry (BD_WATCHLIST_PERSONS, "Eriksson", "Anna", "1974-08-12", "", "H-1"),
    entry (BD_WATCHLIST_PERSONS, "Smith", "John", "1965", "", "H-2"),
    entry (BD_WATCHLIST_DOCUMENTS, "", "", "", "X1234567", "H-3"), NULL);
  g_autoptr(GPtrArray) second = entries (
    entry (BD_WATCHLIST_PERSONS, "Jones", "Mary", "1990-01-02", "", "H-4"), NULL);
  const char *remove_two[] = { "H-2", NULL };
  const char *remove_unknown[] = { "H-9", NULL };
  const char *remove_twice[] = { "H-1", "H-1", NULL };
  g_autoptr(GPtrArray) hits = NULL;
  gint64 keys;

  bd_clock_set_override (NOW);
  import_ok (t, LIST_B);   /* a local list beside HQ's is left alone */
  g_assert_true (bd_watchlist_apply (t->db, t->cli, 0, 1, first, NULL, "aa", &error));
  g_assert_no_error (error);
  g_assert_true (bd_watchlist_apply (t->db, t->cli, 1, 2, second, remove_two, "bb", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_entries WHERE source = 'hq'"), ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_entries WHERE source = 'local'"),
                   ==, 1);
  g_assert_cmpint (count (t, "SELECT persons FROM watchlist_meta WHERE source = 'hq'"), ==, 2);
  g_assert_cmpint (count (t, "SELECT documents FROM watchlist_meta WHERE source = 'hq'"), ==, 1);
  hits = screen (t, "SMITH", "JOHN", "1965-01-01", NULL);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = screen (t, "JONES", "MARY", "1990-01-02", NULL);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((BdWatchlistHit *) hits->pdata[0])->source, ==, BD_WATCHLIST_HQ);

  keys = count (t, "SELECT count(*) FROM watchlist_name_keys");
  /* An old delta, a delta from the future, a removal of what is not
   * there, an addition that exists: each leaves the list as it was. */
  g_assert_false (bd_watchlist_apply (t->db, t->cli, 1, 2, second, NULL, "cc", &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_VERSION);
  g_clear_error (&error);
  g_assert_false (bd_watchlist_apply (t->db, t->cli, 3, 4, second, NULL, "cc", &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_VERSION);
  g_clear_error (&error);
  g_assert_false (bd_watchlist_apply (t->db, t->cli, 2, 2, NULL, NULL, "cc", &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_VERSION);
  g_clear_error (&error);
  g_assert_false (bd_watchlist_apply (t->db, t->cli, 2, 3, NULL, remove_unknown, "cc", &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_REFERENCE);
  g_clear_error (&error);
  g_assert_false (bd_watchlist_apply (t->db, t->cli, 2, 3, NULL, remove_twice, "cc", &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_REFERENCE);
  g_clear_error (&error);
  /* Interrupted half way: H-5 is added, then H-4 fails, and H-5 goes too. */
  {
    g_autoptr(GPtrArray) half = entries (
      entry (BD_WATCHLIST_PERSONS, "Brown", "Tom", "1980", "", "H-5"),
      entry (BD_WATCHLIST_PERSONS, "Jones", "Mary", "1990-01-02", "", "H-4"), NULL);

    g_assert_false (bd_watchlist_apply (t->db, t->cli, 2, 3, half, NULL, "cc", &error));
    g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_REFERENCE);
    g_clear_error (&error);
  }
  {
    g_autoptr(GPtrArray) invalid = entries (
      entry (BD_WATCHLIST_DOCUMENTS, "", "", "", "", "H-6"), NULL);

    g_assert_false (bd_watchlist_apply (t->db, t->cli, 2, 3, invalid, NULL, "cc", &error));
    g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_INVALID);
    g_clear_error (&error);
  }
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_entries WHERE source = 'hq'"), ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_name_keys"), ==, keys);
  g_assert_cmpint (count (t, "SELECT version FROM watchlist_meta WHERE source = 'hq'"), ==, 2);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit WHERE action = 'watchlist.apply'"), ==, 2);
}

static void
test_index_rebuilt (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GPtrArray) hits = NULL;
  gint64 keys;

  import_ok (t, LIST_A);
  keys = count (t, "SELECT count(*) FROM watchlist_name_keys");
  /* As if an older build had computed the index: wrong rows, old version. */
  g_assert_true (bd_db_exec (t->db, "DELETE FROM watchlist_name_keys; "
                                    "INSERT INTO watchlist_name_keys VALUES (42, 1, 0); "
                                    "UPDATE watchlist_index SET version = 0", NULL));
  hits = screen (t, "MULLER", "HANS", "1970-05-06", "DEU");
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM watchlist_name_keys"), ==, keys);
  g_assert_cmpint (count (t, "SELECT version FROM watchlist_index"), ==,
                   BD_WATCHLIST_INDEX_VERSION);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/valid", test_csv_valid);
  g_test_add_func ("/csv/errors", test_csv_errors);
  g_test_add_func ("/csv/signed-detection", test_signed_detection);
  BD_TEST_ADD ("/store/import-and-replace", test_import_and_replace);
  BD_TEST_ADD ("/store/import-all-or-nothing", test_import_all_or_nothing);
  BD_TEST_ADD ("/store/import-audited-without-names", test_import_audited_without_names);
  BD_TEST_ADD ("/store/import-needs-permission", test_import_needs_permission);
  BD_TEST_ADD ("/store/import-refuses-signed", test_import_refuses_signed);
  BD_TEST_ADD ("/store/apply-deltas", test_apply_deltas);
  BD_TEST_ADD ("/store/index-rebuilt", test_index_rebuilt);
  return g_test_run ();
}

/* test-screen.c: screening against the watchlists: name variants, dates,
 * thresholds, documents, and the rows the checks panel shows. */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-test-util.h"
#include "bd-watchlist.h"

/* 2026-05-01T10:00:00Z */
#define NOW 1777629600

#define HEADER "list,surname,given_names,birth_date,nationality,document_number,issuing_state," \
               "action,reference\n"

#define PEOPLE HEADER \
  "persons,Müller,Hans Peter,1970-05-06,DEU,,,deny,P-MUELLER\n" \
  "persons,Mohammed,Ali,1980-03-12,EGY,,,refer,P-MOHAMMED\n" \
  "persons,Ivanov,Yuri,1975-03-12,RUS,,,notify,P-IVANOV\n" \
  "persons,de la Cruz,María José,1990-11-02,ESP,,,deny,P-CRUZ\n" \
  "persons,Al-Rashid,Khalid,1985-01-01,SAU,,,deny,P-RASHID\n" \
  "persons,O'Brien,Sean,1960,IRL,,,refer,P-OBRIEN\n" \
  "persons,Shevchenko,Oleksandr,1982-07,UKR,,,deny,P-SHEVCHENKO\n" \
  "persons,Иванова,Юлия,1991-02-03,RUS,,,deny,P-IVANOVA\n" \
  "persons,حسن,محمد,1979-09-09,IRQ,,,deny,P-HASAN\n" \
  "persons,Eriksson,Anna Maria,1974-08-12,SWE,,,deny,P-ERIKSSON\n" \
  "persons,Smith,John,1965-04-03,GBR,,,deny,P-SMITH\n" \
  "persons,Garcia Lopez,Juan,1988-08-08,ESP,,,deny,P-GARCIA\n" \
  "persons,Schmidt,Karl,1950,DEU,,,deny,P-SCHMIDT\n" \
  "persons,Wolfeschlegelsteinhausen,Hubert,1966-06-06,DEU,,,deny,P-WOLFE\n" \
  "persons,Nguyen,Van Minh,,VNM,,,deny,P-NGUYEN\n" \
  "persons,Okafor,Chidi,1977-12-01,NGA,X7654321,NGA,deny,P-OKAFOR\n" \
  "documents,,,,,L898902C3,UTO,deny,D-UTO\n" \
  "documents,,,,,ZB5510I0,,notify,D-ANY\n"

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
match (BdTestDesk *t, const char *surname, const char *given, const char *birth,
       const char *nationality, const char *state, const char *number)
{
  g_autoptr(GError) error = NULL;
  BdWatchlistQuery q = { surname, given, birth, nationality, state, number };
  GPtrArray *hits = bd_watchlist_match (t->db, &q, bd_watchlist_threshold (t->db), &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);
  return hits;
}

static gboolean
has_reason (BdWatchlistHit *hit, const char *text)
{
  for (guint i = 0; i < hit->reasons->len; i++)
    if (strstr (hit->reasons->pdata[i], text) != NULL)
      return TRUE;
  return FALSE;
}

/* Asserts that the query hits @reference first, with a reason containing
 * @reason (nullable); returns the score. */
static double
expect_hit (BdTestDesk *t, const char *surname, const char *given, const char *birth,
            const char *nationality, const char *reference, const char *reason)
{
  g_autoptr(GPtrArray) hits = match (t, surname, given, birth, nationality, NULL, NULL);
  BdWatchlistHit *hit;

  if (hits->len == 0)
    g_error ("%s / %s / %s: no hit, expected %s", surname, given, birth, reference);
  hit = hits->pdata[0];
  g_assert_cmpstr (hit->reference, ==, reference);
  if (reason != NULL && !has_reason (hit, reason))
    {
      for (guint i = 0; i < hit->reasons->len; i++)
        g_printerr ("  reason: %s\n", (const char *) hit->reasons->pdata[i]);
      g_error ("%s / %s: no reason with \"%s\"", surname, given, reason);
    }
  return hit->score;
}

static void
expect_no_hit (BdTestDesk *t, const char *surname, const char *given, const char *birth,
               const char *nationality)
{
  g_autoptr(GPtrArray) hits = match (t, surname, given, birth, nationality, NULL, NULL);

  if (hits->len > 0)
    g_error ("%s / %s / %s: unexpected hit %s (score %.3f)", surname, given, birth,
             ((BdWatchlistHit *) hits->pdata[0])->reference,
             ((BdWatchlistHit *) hits->pdata[0])->score);
}

static void
test_name_variants (BdTestDesk *t, gconstpointer data)
{
  import_ok (t, PEOPLE);
  /* Diacritics, both readings of an umlaut. */
  expect_hit (t, "MULLER", "HANS", "1970-05-06", "DEU", "P-MUELLER",
              "surname MULLER ~ MÜLLER (transliteration)");
  expect_hit (t, "MUELLER", "HANS PETER", "1970-05-06", "DEU", "P-MUELLER", "MÜLLER exact");
  /* Particles, spacing, apostrophes, hyphens. */
  expect_hit (t, "DELACRUZ", "MARIA JOSE", "1990-11-02", "ESP", "P-CRUZ", "(spacing)");
  expect_hit (t, "CRUZ", "MARIA", "1990-11-02", "ESP", "P-CRUZ", "CRUZ exact");
  expect_hit (t, "DE LA CRUZ", "MARIA JOSE", "1990-11-02", NULL, "P-CRUZ", NULL);
  expect_hit (t, "OBRIEN", "SEAN", "1960-02-03", "IRL", "P-OBRIEN", NULL);
  expect_hit (t, "O BRIEN", "SEAN", "1960-02-03", "IRL", "P-OBRIEN", NULL);
  expect_hit (t, "ALRASHID", "KHALID", "1985-01-01", "SAU", "P-RASHID", NULL);
  expect_hit (t, "RASHID", "KHALED", "1985-01-01", "SAU", "P-RASHID", "(variant)");
  expect_hit (t, "AL RASHID", "HALID", "1985-01-01", "SAU", "P-RASHID", NULL);
  /* Token order, middle names. */
  expect_hit (t, "ANNA MARIA", "ERIKSSON", "1974-08-12", "SWE", "P-ERIKSSON",
              "surname and given names swapped");
  expect_hit (t, "ERIKSSON", "MARIA", "1974-08-12", "SWE", "P-ERIKSSON", NULL);
  expect_hit (t, "ERIKSSON", "ANNA MARIA LOUISE", "1974-08-12", "SWE", "P-ERIKSSON", NULL);
  expect_hit (t, "GARCIA", "JUAN", "1988-08-08", "ESP", "P-GARCIA", NULL);
  /* Transliteration variants across scripts. */
  expect_hit (t, "MUHAMMAD", "ALI", "1980-03-12", "EGY", "P-MOHAMMED", "(variant)");
  expect_hit (t, "MOHAMED", "ALY", "1980-03-12", "EGY", "P-MOHAMMED", NULL);
  expect_hit (t, "IVANOFF", "IURII", "1975-03-12", "RUS", "P-IVANOV", NULL);
  expect_hit (t, "IWANOW", "JURIJ", "1975-03-12", NULL, "P-IVANOV", NULL);
  expect_hit (t, "SHEVCHENKO", "ALEKSANDR", "1982-07-15", "UKR", "P-SHEVCHENKO", "(variant)");
  expect_hit (t, "SCHEWTSCHENKO", "ALEXANDER", "1982-07-15", "UKR", "P-SHEVCHENKO", NULL);
  expect_hit (t, "IVANOVA", "IULIIA", "1991-02-03", "RUS", "P-IVANOVA", NULL);  /* Cyrillic list */
  expect_hit (t, "IVANOVA", "YULIA", "1991-02-03", "RUS", "P-IVANOVA", NULL);
  expect_hit (t, "HASSAN", "MOHAMMED", "1979-09-09", "IRQ", "P-HASAN", "(same consonants)");
  expect_hit (t, "SHMIDT", "KARL", "1950-01-01", "DEU", "P-SCHMIDT", "(spelling variant)");
  /* Typing and OCR errors. */
  expect_hit (t, "SMTIH", "JOHN", "1965-04-03", "GBR", "P-SMITH", "(typing or OCR error)");
  expect_hit (t, "SMITH", "J0HN", "1965-04-03", "GBR", "P-SMITH", NULL);
  expect_hit (t, "ERIKSOSN", "ANNA", "1974-08-12", "SWE", "P-ERIKSSON", NULL);
  /* A truncated MRZ name. */
  expect_hit (t, "WOLFESCHLEGELSTEINHAU", "HUBERT", "1966-06-06", "DEU", "P-WOLFE", "(shortened)");
  /* No birth date on the list. */
  expect_hit (t, "NGUYEN", "VAN MINH", "1970-01-01", "VNM", "P-NGUYEN", "no birth date");
  /* Only a surname to go on: every bearer of it. */
  expect_hit (t, "ERIKSSON", NULL, NULL, NULL, "P-ERIKSSON", NULL);
}

static void
test_dates (BdTestDesk *t, gconstpointer data)
{
  double exact, swapped, partial;

  import_ok (t, PEOPLE);
  exact = expect_hit (t, "SMITH", "JOHN", "1965-04-03", "GBR", "P-SMITH", "birth date exact");
  swapped = expect_hit (t, "SMITH", "JOHN", "1965-03-04", "GBR", "P-SMITH",
                        "day and month swapped");
  partial = expect_hit (t, "SMITH", "JOHN", "1965", "GBR", "P-SMITH", "partial: year matches");
  expect_hit (t, "SMITH", "JOHN", "1965-04", "GBR", "P-SMITH", "partial: year and month");
  expect_hit (t, "OBRIEN", "SEAN", "1960-12-31", "IRL", "P-OBRIEN", "partial: year matches");
  expect_hit (t, "SMITH", "JOHN", "1965-04-08", "GBR", "P-SMITH", "one digit apart in the day");
  expect_hit (t, "SMITH", "JOHN", "1966-04-03", "GBR", "P-SMITH", "birth year one apart");
  g_assert_cmpfloat (exact, >, swapped);
  g_assert_cmpfloat (swapped, >, partial);
  /* A birth date that contradicts caps the score under any threshold. */
  expect_no_hit (t, "SMITH", "JOHN", "1971-09-23", "GBR");
  expect_no_hit (t, "SMITH", "JOHN", "1965-09-23", "GBR");
  expect_no_hit (t, "SMITH", "JOHN", "1965-05", "GBR");
}

static void
test_near_misses (BdTestDesk *t, gconstpointer data)
{
  import_ok (t, PEOPLE);
  /* Same surname, another person. */
  expect_no_hit (t, "SMITH", "PETER", "1982-10-30", "GBR");
  expect_no_hit (t, "MULLER", "KARL", "1971-05-06", "DEU");
  expect_no_hit (t, "ERIKSSON", "LARS", "1974-09-01", "SWE");
  expect_no_hit (t, "MOHAMMED", "YOUSSEF", "1980-07-19", "EGY");
  /* Same birth date, other names. */
  expect_no_hit (t, "JONES", "JOHN", "1965-04-03", "GBR");
  expect_no_hit (t, "MAHMOUD", "ALI", "1991-03-12", "EGY");
}

static void
test_threshold (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  import_ok (t, PEOPLE);
  g_assert_cmpfloat (bd_watchlist_threshold (t->db), ==, 0.80);
  expect_hit (t, "SMITH", "JOHN", "1965", "GBR", "P-SMITH", NULL);
  g_assert_true (bd_setting_set (t->db, t->cli, BD_WATCHLIST_SETTING_THRESHOLD, "96", &error));
  g_assert_cmpfloat (bd_watchlist_threshold (t->db), ==, 0.96);
  expect_no_hit (t, "SMITH", "JOHN", "1965", "GBR");
  expect_hit (t, "SMITH", "JOHN", "1965-04-03", "GBR", "P-SMITH", NULL);
  /* Never below the cap on contradicting birth dates. */
  g_assert_true (bd_setting_set (t->db, t->cli, BD_WATCHLIST_SETTING_THRESHOLD, "10", &error));
  g_assert_cmpfloat (bd_watchlist_threshold (t->db), ==, 0.71);
  g_assert_true (bd_setting_set (t->db, t->cli, BD_WATCHLIST_SETTING_THRESHOLD, "x", &error));
  g_assert_cmpfloat (bd_watchlist_threshold (t->db), ==, 0.80);
}

static void
expect_document (BdTestDesk *t, const char *state, const char *number, const char *reference,
                 const char *reason)
{
  g_autoptr(GPtrArray) hits = match (t, NULL, NULL, NULL, NULL, state, number);

  if (hits->len != 1)
    g_error ("%s:%s: %u hits, expected %s", state, number, hits->len, reference);
  g_assert_cmpstr (((BdWatchlistHit *) hits->pdata[0])->reference, ==, reference);
  if (reason != NULL && !has_reason (hits->pdata[0], reason))
    g_error ("%s:%s: no reason with \"%s\"", state, number, reason);
}

static void
test_documents (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GPtrArray) none = NULL;

  import_ok (t, PEOPLE);
  expect_document (t, "UTO", "L898902C3", "D-UTO", "document number L898902C3 exact");
  expect_document (t, "UTO", "l89 8902-c3<<", "D-UTO", "exact");
  expect_document (t, "UTO", "L8989O2C3", "D-UTO", "OCR confusion 0/O");
  expect_document (t, "UTO", "L89B902C3", "D-UTO", "OCR confusion 8/B");
  /* The other confusions, on the entry listed without a state. */
  expect_document (t, "FRA", "ZB5510I0", "D-ANY", "exact");
  expect_document (t, "FRA", "2B5510I0", "D-ANY", "2/Z");
  expect_document (t, "FRA", "Z85510I0", "D-ANY", "8/B");
  expect_document (t, "FRA", "ZBS510I0", "D-ANY", "5/S");
  expect_document (t, "FRA", "ZB551010", "D-ANY", "1/I");
  expect_document (t, "FRA", "ZB5510IO", "D-ANY", "0/O");
  expect_document (t, "FRA", "ZB5510I0", "D-ANY", "issuing state not listed");
  /* A listed state must match; another number is no hit. */
  none = match (t, NULL, NULL, NULL, NULL, "FRA", "L898902C3");
  g_assert_cmpuint (none->len, ==, 0);
  g_clear_pointer (&none, g_ptr_array_unref);
  none = match (t, NULL, NULL, NULL, NULL, "UTO", "L898902C4");
  g_assert_cmpuint (none->len, ==, 0);
  /* A listed person's document hits the persons list whoever carries it. */
  expect_document (t, "NGA", "X7654321", "P-OKAFOR", "exact");
}

static BdCheck *
find_check (GPtrArray *checks, const char *name)
{
  for (guint i = 0; i < checks->len; i++)
    if (strcmp (((BdCheck *) checks->pdata[i])->name, name) == 0)
      return checks->pdata[i];
  return NULL;
}

static GPtrArray *
run_checks (BdTestDesk *t, const char *surname, const char *given, const char *birth,
            const char *nationality, const char *state, const char *number)
{
  g_autoptr(GError) error = NULL;
  BdIdentity id = { (char *) "P", (char *) state, (char *) number, (char *) "2030-01-01",
                    (char *) surname, (char *) given, (char *) nationality, (char *) birth,
                    (char *) "M" };
  GPtrArray *checks = bd_checks_new ();

  g_assert_true (bd_watchlist_screen_checks (t->db, &id, checks, &error));
  g_assert_no_error (error);
  return checks;
}

static void
expect_check (GPtrArray *checks, const char *name, BdCheckState state, const char *text)
{
  BdCheck *c = find_check (checks, name);

  if (c == NULL)
    g_error ("no %s row", name);
  if (c->state != state || (text != NULL && strstr (c->reason, text) == NULL))
    g_error ("%s: %s \"%s\", expected %s with \"%s\"", name, bd_check_state_to_string (c->state),
             c->reason, bd_check_state_to_string (state), text ? text : "");
}

static void
test_check_rows (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *checks;

  bd_clock_set_override (NOW);
  checks = run_checks (t, "SMITH", "JOHN", "1965-04-03", "GBR", "GBR", "123456789");
  expect_check (checks, "watchlist", BD_CHECK_WARNING, "no watchlist loaded");
  expect_check (checks, "lost-stolen", BD_CHECK_WARNING, "no lost or stolen document list");
  g_assert_null (find_check (checks, "watchlist-age"));
  g_ptr_array_unref (checks);

  import_ok (t, PEOPLE);
  checks = run_checks (t, "SMITH", "JOHN", "1965-04-03", "GBR", "GBR", "123456789");
  expect_check (checks, "watchlist", BD_CHECK_BLOCK,
                "P-SMITH (persons list, local, deny, score 1.00): surname SMITH exact");
  expect_check (checks, "lost-stolen", BD_CHECK_OK, "not among 2 lost or stolen documents");
  expect_check (checks, "watchlist-age", BD_CHECK_OK, "local list version 1");
  g_ptr_array_unref (checks);

  checks = run_checks (t, "MOHAMED", "ALI", "1980-03-12", "EGY", "EGY", "123456789");
  expect_check (checks, "watchlist", BD_CHECK_BLOCK, "P-MOHAMMED (persons list, local, refer");
  g_ptr_array_unref (checks);

  checks = run_checks (t, "IVANOV", "YURI", "1975-03-12", "RUS", "RUS", "123456789");
  expect_check (checks, "watchlist", BD_CHECK_WARNING, "notify");
  g_ptr_array_unref (checks);

  checks = run_checks (t, "JONES", "PETER", "1970-01-01", "GBR", "UTO", "L8989O2C3");
  expect_check (checks, "watchlist", BD_CHECK_OK, "no hit among 16 listed persons");
  expect_check (checks, "lost-stolen", BD_CHECK_BLOCK, "D-UTO (documents list, local, deny");
  g_ptr_array_unref (checks);

  checks = run_checks (t, "JONES", "PETER", "1970-01-01", "GBR", "FRA", "ZB5510I0");
  expect_check (checks, "lost-stolen", BD_CHECK_WARNING, "D-ANY");
  g_ptr_array_unref (checks);

  /* Eight days later the list is stale; a longer limit accepts it. */
  bd_clock_set_override (NOW + 8 * 86400);
  checks = run_checks (t, "JONES", "PETER", "1970-01-01", "GBR", "GBR", "123456789");
  expect_check (checks, "watchlist-age", BD_CHECK_WARNING, "8 days ago, over the limit");
  g_ptr_array_unref (checks);
  g_assert_true (bd_setting_set (t->db, t->cli, BD_WATCHLIST_SETTING_MAX_AGE, "30", &error));
  checks = run_checks (t, "JONES", "PETER", "1970-01-01", "GBR", "GBR", "123456789");
  expect_check (checks, "watchlist-age", BD_CHECK_OK, "8 days ago");
  g_assert_false (bd_checks_blocking (checks));
  g_ptr_array_unref (checks);
}

static void
test_screen_audited (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdActor) guard = bd_test_officer (t, "gina", BD_ROLE_GUARD);
  BdWatchlistQuery q = { "SMITH", "JOHN", "1965-04-03", NULL, NULL, NULL };
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) none = NULL;
  sqlite3_stmt *stmt = NULL;

  import_ok (t, PEOPLE);
  hits = bd_watchlist_screen (t->db, guard, &q, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (sqlite3_prepare_v2 (bd_db_handle (t->db),
                                       "SELECT actor, details FROM audit "
                                       "WHERE action = 'watchlist.screen'", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==,
                   "{\"hits\":1,\"references\":[\"P-SMITH\"]}");
  sqlite3_finalize (stmt);
  none = bd_watchlist_screen (t->db, NULL, &q, &error);
  g_assert_null (none);
  g_assert_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED);
}

static void
test_json (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  JsonObject *hit;
  g_autoptr(GList) members = NULL;

  import_ok (t, PEOPLE);
  hits = match (t, "MULLER", "HANS", "1970-05-06", "DEU", NULL, NULL);
  node = bd_watchlist_hits_to_json (hits);
  hit = json_array_get_object_element (json_object_get_array_member (
                                         json_node_get_object (node), "hits"), 0);
  members = json_object_get_members (hit);
  g_assert_cmpuint (g_list_length (members), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (hit, "list"), ==, "persons");
  g_assert_cmpstr (json_object_get_string_member (hit, "reference"), ==, "P-MUELLER");
  g_assert_cmpstr (json_object_get_string_member (hit, "action"), ==, "deny");
  g_assert_cmpfloat (json_object_get_double_member (hit, "score"), >, 0.9);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (hit, "reasons")), >, 2);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit WHERE action = 'watchlist.screen'"),
                   ==, 0);  /* bd_watchlist_match is not audited */
  g_clear_pointer (&node, json_node_unref);
  node = bd_watchlist_hits_to_json (NULL);
  text = json_to_string (node, FALSE);
  g_assert_cmpstr (text, ==, "{\"hits\":[]}");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  BD_TEST_ADD ("/screen/name-variants", test_name_variants);
  BD_TEST_ADD ("/screen/dates", test_dates);
  BD_TEST_ADD ("/screen/near-misses", test_near_misses);
  BD_TEST_ADD ("/screen/threshold", test_threshold);
  BD_TEST_ADD ("/screen/documents", test_documents);
  BD_TEST_ADD ("/screen/check-rows", test_check_rows);
  BD_TEST_ADD ("/screen/audited", test_screen_audited);
  BD_TEST_ADD ("/screen/json", test_json);
  return g_test_run ();
}

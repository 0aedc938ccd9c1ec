/* test-history-remote.c: history beyond this desk: HQ's signed answers
 * and open-stays feed, and the merged history the stay rule reads (no
 * double counting of this desk's own crossings, the feed as a fallback,
 * tampered documents refused). */
#include "config.h"

#include <string.h>

#include "bd-cleanup.h"
#include "bd-crossing.h"
#include "bd-history.h"
#include "bd-history-remote.h"
#include "bd-jws.h"
#include "bd-pki.h"
#include "bd-test-util.h"

static EVP_PKEY *ca_key, *hq_key, *desk_key;
static X509 *ca, *hq_cert, *desk_cert;

static void
make_pki (void)
{
  g_autoptr(GError) error = NULL;

  ca_key = bd_pki_generate_ed25519 (&error);
  hq_key = bd_pki_generate_ed25519 (&error);
  desk_key = bd_pki_generate_ed25519 (&error);
  ca = bd_pki_issue (ca_key, "CA", BD_CERT_CA, NULL, NULL, ca_key, 1, 5, &error);
  hq_cert = bd_pki_issue (hq_key, "HQ", BD_CERT_DOC_SIGNING, NULL, ca, ca_key, 2, 5, &error);
  desk_cert = bd_pki_issue_desk (desk_key, "UTO-ALP/2", 1, ca, ca_key, 3, 5, &error);
  g_assert_no_error (error);
}

/* One imported crossing at this desk: {"time", "direction"} for DEU:C01X00T47. */
static void
local_crossing (BdTestDesk *t, const char *time, const char *direction)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strdup_printf (
    "{\"time\": \"%s\", \"direction\": \"%s\", \"decision\": \"admitted\", "
    "\"document\": {\"code\": \"P\", \"issuing_state\": \"DEU\", \"number\": \"C01X00T47\", "
    "\"expiry\": \"2031-01-01\"}, \"traveller\": {\"surname\": \"MUSTERMANN\", "
    "\"given_names\": \"ERIKA\", \"nationality\": \"DEU\", \"birth_date\": \"1964-08-12\", "
    "\"sex\": \"F\"}, \"post\": \"UTO-ALP\"}", time, direction);
  gint64 n = 0;

  g_assert_true (bd_crossing_import (t->db, t->cli, line, strlen (line), &n, &error));
  g_assert_no_error (error);
}

static char *
local_uuid (BdTestDesk *t, const char *time)
{
  sqlite3_stmt *stmt = bd_db_stmt (t->db, "SELECT uuid FROM crossings WHERE time = ?", NULL);
  char *uuid = NULL;

  sqlite3_bind_text (stmt, 1, time, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    uuid = bd_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return uuid;
}

static int
days_used (BdTestDesk *t, const char *on, BdHistoryScope scope, BdHistorySource *source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdPost) post = bd_post_load (t->db, &error);
  BdStayResult result;
  guint32 day;

  g_assert_true (bd_date_parse (on, &day));
  g_assert_true (bd_history_stay_scoped (t->db, post, "DEU", "C01X00T47", day, scope, source,
                                         &result, &error));
  g_assert_no_error (error);
  return result.days_used;
}

static char *
answer (GPtrArray *crossings, EVP_PKEY *key, X509 *cert)
{
  g_autoptr(GError) error = NULL;
  char *text = bd_history_answer_make ("DEU", "C01X00T47", "2026-03-20T10:00:00Z", crossings,
                                       key, cert, &error);

  g_assert_no_error (error);
  return text;
}

/* Entry at another post on 1 March, exit here on 10 March: 10 days, and
 * this desk's exit, which HQ also reports, counts once. */
static void
test_merged_answer (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) crossings = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                   bd_remote_crossing_free);
  g_autofree char *text = NULL, *own = NULL;
  g_autoptr(BdHistoryAnswer) a = NULL;
  g_auto(BdHistorySource) source = { NULL, };

  local_crossing (t, "2026-03-10T09:00:00Z", "exit");
  own = local_uuid (t, "2026-03-10T09:00:00Z");
  g_assert_cmpint (days_used (t, "2026-03-10", BD_HISTORY_MERGED, NULL), ==, 1);

  g_ptr_array_add (crossings, bd_remote_crossing_new ("01890a5d-ac96-774b-bcce-b302099a8057",
                                                      "DEU", "C01X00T47",
                                                      "2026-03-01T08:00:00Z", TRUE, "UTO-BET",
                                                      "UTO-BET/3"));
  g_ptr_array_add (crossings, bd_remote_crossing_new (own, "DEU", "C01X00T47",
                                                      "2026-03-10T09:00:00Z", FALSE, "UTO-ALP",
                                                      "UTO-ALP/1"));
  text = answer (crossings, hq_key, hq_cert);
  a = bd_history_answer_verify (text, strlen (text), ca, "DEU", "C01X00T47", &error);
  g_assert_no_error (error);
  g_assert_true (bd_history_remote_store (t->db, a, &error));

  g_assert_cmpint (days_used (t, "2026-03-10", BD_HISTORY_MERGED, &source), ==, 10);
  g_assert_cmpint (source.remote_events, ==, 1);
  g_assert_cmpstr (source.as_of, ==, "2026-03-20T10:00:00Z");
  g_assert_false (source.open_stay_used);
  /* --local: this desk's records only. */
  g_assert_cmpint (days_used (t, "2026-03-10", BD_HISTORY_LOCAL, NULL), ==, 1);

  /* A new answer replaces the old one for the document. */
  g_ptr_array_set_size (crossings, 0);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&a, bd_history_answer_free);
  text = answer (crossings, hq_key, hq_cert);
  a = bd_history_answer_verify (text, strlen (text), ca, "DEU", "C01X00T47", &error);
  g_assert_true (bd_history_remote_store (t->db, a, &error));
  g_assert_cmpint (days_used (t, "2026-03-10", BD_HISTORY_MERGED, NULL), ==, 1);
}

static void
test_answer_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *forged = answer (none, desk_key, desk_cert);
  g_autofree char *genuine = answer (none, hq_key, hq_cert);
  g_autoptr(GString) tampered = g_string_new (genuine);

  /* Signed by a desk: not HQ's. */
  g_assert_null (bd_history_answer_verify (forged, strlen (forged), ca, "DEU", "C01X00T47",
                                           &error));
  g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_CERTIFICATE);
  g_clear_error (&error);
  /* About another document than the one asked. */
  g_assert_null (bd_history_answer_verify (genuine, strlen (genuine), ca, "DEU", "OTHER1",
                                           &error));
  g_assert_error (error, BD_HISTORY_ERROR, BD_HISTORY_ERROR_INVALID);
  g_clear_error (&error);
  g_string_replace (tampered, "\"payload\":\"ey", "\"payload\":\"ez", 1);
  g_assert_null (bd_history_answer_verify (tampered->str, tampered->len, ca, "DEU",
                                           "C01X00T47", &error));
  g_assert_nonnull (error);
}

static char *
feed (gint64 from, gint64 to, gboolean open, EVP_PKEY *key, X509 *cert)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stays = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               bd_remote_crossing_free);
  const char *closed[] = { "DEU:C01X00T47", NULL };
  char *text;

  if (open)
    g_ptr_array_add (stays, bd_remote_crossing_new ("01890a5d-ac96-774b-bcce-b30209900001",
                                                    "DEU", "C01X00T47", "2026-03-01T08:00:00Z",
                                                    TRUE, "UTO-BET", "UTO-BET/3"));
  text = bd_open_stays_delta_make (from, to, "2026-03-05T00:00:00Z", stays,
                                   open ? NULL : closed, key, cert, &error);
  g_assert_no_error (error);
  return text;
}

/* HQ unreachable: the exit desk knows the entry from the feed. */
static void
test_open_stays (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *v1 = feed (0, 1, TRUE, hq_key, hq_cert);
  g_autofree char *v2 = feed (1, 2, FALSE, hq_key, hq_cert);
  g_autofree char *forged = feed (0, 1, TRUE, desk_key, desk_cert);
  g_autoptr(BdOpenStaysDelta) d1 = NULL, d2 = NULL;
  g_auto(BdHistorySource) source = { NULL, };
  gint64 version = -1;

  g_assert_null (bd_open_stays_delta_verify (forged, strlen (forged), ca, &error));
  g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_CERTIFICATE);
  g_clear_error (&error);
  d1 = bd_open_stays_delta_verify (v1, strlen (v1), ca, &error);
  d2 = bd_open_stays_delta_verify (v2, strlen (v2), ca, &error);
  g_assert_no_error (error);

  /* Out of order: refused, nothing changes. */
  g_assert_false (bd_open_stays_apply (t->db, t->cli, d2, &error));
  g_assert_error (error, BD_HISTORY_ERROR, BD_HISTORY_ERROR_VERSION);
  g_clear_error (&error);
  g_assert_true (bd_open_stays_apply (t->db, t->cli, d1, &error));
  g_assert_no_error (error);
  g_assert_true (bd_open_stays_version (t->db, &version, NULL, &error));
  g_assert_cmpint (version, ==, 1);

  /* Traveller unknown here, present since 1 March by the feed. */
  g_assert_cmpint (days_used (t, "2026-03-10", BD_HISTORY_MERGED, &source), ==, 10);
  g_assert_true (source.open_stay_used);
  g_assert_cmpint (source.open_stays_version, ==, 1);
  g_assert_cmpint (days_used (t, "2026-03-10", BD_HISTORY_LOCAL, NULL), ==, 1);

  /* A replay of version 1 is refused; version 2 closes the stay. */
  g_assert_false (bd_open_stays_apply (t->db, t->cli, d1, &error));
  g_assert_error (error, BD_HISTORY_ERROR, BD_HISTORY_ERROR_VERSION);
  g_clear_error (&error);
  g_assert_true (bd_open_stays_apply (t->db, t->cli, d2, &error));
  g_assert_cmpint (days_used (t, "2026-03-10", BD_HISTORY_MERGED, NULL), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  make_pki ();
  BD_TEST_ADD ("/history-remote/merged-answer", test_merged_answer);
  g_test_add_func ("/history-remote/answer-refusals", test_answer_refusals);
  BD_TEST_ADD ("/history-remote/open-stays", test_open_stays);
  return g_test_run ();
}

/* test-desk-sync.c: the app's background sync service and what the
 * header bar says about it (no display needed: no widget is made). */
#include "config.h"

#include <string.h>

#include "bd-sync-service.h"
#include "bd-test-util.h"

static void
test_backoff (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (int i = 0; i < 200; i++)
    {
      guint ok = bd_sync_next_delay (60, 0, rand);
      guint one = bd_sync_next_delay (60, 1, rand);
      guint many = bd_sync_next_delay (60, 30, rand);

      /* 60 s +-20 %, then doubling, never above 15 min. */
      g_assert_cmpuint (ok, >=, 48);
      g_assert_cmpuint (ok, <=, 72);
      g_assert_cmpuint (one, >=, 96);
      g_assert_cmpuint (one, <=, 144);
      g_assert_cmpuint (many, >=, 720);
      g_assert_cmpuint (many, <=, BD_SYNC_MAX_BACKOFF);
    }
}

static void
test_describe (void)
{
  g_autoptr(JsonObject) s = json_object_new ();
  g_autofree char *text = NULL, *tip = NULL;
  gboolean warning = TRUE;

  json_object_set_boolean_member (s, "enrolled", FALSE);
  json_object_set_int_member (s, "pending_records", 3);
  text = bd_sync_status_describe (s, &tip, &warning);
  g_assert_cmpstr (text, ==, "Sync: not enrolled with HQ");
  g_assert_false (warning);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&tip, g_free);

  json_object_set_boolean_member (s, "enrolled", TRUE);
  json_object_set_string_member (s, "last_success", "2026-11-27T14:02:00Z");
  json_object_set_boolean_member (s, "stale", TRUE);
  json_object_set_string_member (s, "oldest_pending", "2026-11-26T09:00:00Z");
  json_object_set_boolean_member (s, "clock_skew_warning", TRUE);
  json_object_set_int_member (s, "clock_skew", -300);
  json_object_set_int_member (s, "watchlist_version", 7);
  bd_clock_set_override (1795881600);  /* 2026-11-28T12:00:00Z */
  text = bd_sync_status_describe (s, &tip, &warning);
  bd_clock_set_override (0);
  g_assert_cmpstr (text, ==, "Sync: 3 pending · last 2026-11-27");
  g_assert_true (warning);
  g_assert_nonnull (strstr (tip, "since 2026-11-26T09:00:00Z"));
  g_assert_nonnull (strstr (tip, "by -300 s"));
  g_assert_nonnull (strstr (tip, "version 7"));
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&tip, g_free);

  json_object_set_int_member (s, "pending_records", 0);
  json_object_set_boolean_member (s, "stale", FALSE);
  json_object_set_boolean_member (s, "clock_skew_warning", FALSE);
  json_object_set_string_member (s, "round_error", "HQ unreachable");
  text = bd_sync_status_describe (s, &tip, &warning);
  g_assert_true (g_str_has_prefix (text, "Sync: up to date"));
  g_assert_true (warning);
  g_assert_nonnull (strstr (tip, "HQ unreachable"));
}

static void
on_status_cb (BdSyncService *service, gpointer user_data)
{
  *(int *) user_data += 1;
}

/* A desk that is not enrolled: the round reads the state, sends nothing,
 * and says so; the pending count is the desk's real outbox. */
static void
test_service_round (BdTestDesk *t, gconstpointer data)
{
  g_autoptr(BdSyncService) service = bd_sync_service_new (t->path, 60);
  g_autoptr(BdActor) guard = bd_test_officer (t, "gus", BD_ROLE_GUARD);
  JsonObject *status;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  int changed = 0;

  g_signal_connect (service, "status-changed", G_CALLBACK (on_status_cb), &changed);
  bd_sync_service_start (service, 0);
  while (changed == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (changed, ==, 1);
  status = bd_sync_service_get_status (service);
  g_assert_nonnull (status);
  g_assert_false (json_object_get_boolean_member (status, "enrolled"));
  g_assert_false (json_object_has_member (status, "round_error"));
  /* The officer added by the fixture is not a syncable record; nothing
   * else was written. */
  g_assert_cmpint (json_object_get_int_member (status, "pending_records"), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/desk-sync/backoff", test_backoff);
  g_test_add_func ("/desk-sync/describe", test_describe);
  BD_TEST_ADD ("/desk-sync/service-round", test_service_round);
  return g_test_run ();
}

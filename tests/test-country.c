/* test-country.c: ISO 3166-1 alpha-3 from iso-codes plus ICAO's own codes. */
#include "config.h"

#include "bd-country.h"

static void
test_iso (void)
{
  g_assert_true (bd_country_is_known ("GBR"));
  g_assert_true (bd_country_is_known ("DEU"));
  g_assert_true (bd_country_is_known ("ZWE"));
  g_assert_cmpstr (bd_country_name ("DEU"), ==, "Germany");
}

static void
test_icao (void)
{
  const char *const codes[] = {
    "UTO", "D", "XXA", "XXB", "XXC", "XXX", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS",
    "UNO", "UNA", "UNK", "RKS", "XPO", "XOM", "ZIM",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    g_assert_true (bd_country_is_known (codes[i]));
  g_assert_cmpstr (bd_country_name ("UTO"), ==, "Utopia");
  g_assert_cmpstr (bd_country_name ("D"), ==, "Germany");
}

static void
test_unknown (void)
{
  const char *const codes[] = { "ZZZ", "", "gbr", "Gbr", "D<<", "GBRX", "G1R", "UT", "<<<" };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_assert_false (bd_country_is_known (codes[i]));
      g_assert_null (bd_country_name (codes[i]));
    }
  g_assert_false (bd_country_is_known (NULL));
}

/* Lookups from many threads at once all see the one table. */
static gpointer
lookup_thread (gpointer data)
{
  for (guint i = 0; i < 1000; i++)
    if (!bd_country_is_known ("UTO") || !bd_country_is_known ("FRA"))
      return GINT_TO_POINTER (FALSE);
  return GINT_TO_POINTER (TRUE);
}

static void
test_threads (void)
{
  GThread *threads[8];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("lookup", lookup_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* First, so that the table is built by concurrent callers. */
  g_test_add_func ("/country/threads", test_threads);
  g_test_add_func ("/country/iso", test_iso);
  g_test_add_func ("/country/icao", test_icao);
  g_test_add_func ("/country/unknown", test_unknown);
  return g_test_run ();
}

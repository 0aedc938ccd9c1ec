/* bd-bench-desk.c: bench/run desk: the registration page as a guard uses
 * it, on a copy of the bench database (BD_BENCH_DESK_DB).  For each of 100
 * travellers: the zone goes into "MRZ", the checks come back, Admit is
 * clicked; measured is the time from the click until the page is clear for
 * the next traveller (target 100 ms), and the process's resident memory
 * after the hundred (target 120 MB).  Runs under Xvfb (bench/run starts
 * one).  JSON lines per CONTRACT.md on stdout.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bd-demo.h"
#include "bd-desk-context.h"
#include "bd-registration-page.h"

#define TRAVELLERS 100

static gboolean done;

static void
on_login_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!bd_desk_context_login_finish (BD_DESK_CONTEXT (source), result, &error))
    {
      g_printerr ("bd-bench-desk: login: %s\n", error->message);
      exit (3);
    }
  done = TRUE;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
spin_until (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  /* Wakes the loop so the deadline is seen even when nothing happens. */
  guint tick = g_timeout_add (10, tick_cb, NULL);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("bd-bench-desk: timed out\n");
          exit (3);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
is_done (gpointer data)
{
  return done;
}

static gboolean
checks_shown (gpointer page)
{
  GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (page, BD_TYPE_REGISTRATION_PAGE,
                                                               "checks"));
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (list));

  return rows != NULL;
}

static gboolean
recorded (gpointer page)
{
  GtkWidget *status = GTK_WIDGET (gtk_widget_get_template_child (page, BD_TYPE_REGISTRATION_PAGE,
                                                                 "status"));

  return g_str_has_prefix (gtk_label_get_text (GTK_LABEL (status)), "Recorded");
}

static double
rss_mib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtod (line + 6, NULL) / 1024.0 : 0;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  const char *db = g_getenv ("BD_BENCH_DESK_DB");
  g_autoptr(BdDeskContext) ctx = NULL;
  GtkWidget *window, *page;
  double samples[TRAVELLERS], rss_before;

  gtk_init (&argc, &argv);
  if (db == NULL)
    {
      g_printerr ("bd-bench-desk: set BD_BENCH_DESK_DB to a desk database with the bench "
                  "guard (bench/run desk does)\n");
      return 2;
    }
  ctx = bd_desk_context_new (db);
  bd_desk_context_login_async (ctx, "bench", "bench-password", NULL, on_login_done_cb, NULL);
  spin_until (is_done, NULL);
  if (bd_desk_context_get_shift (ctx) == 0)
    {
      g_printerr ("bd-bench-desk: the bench guard has no open shift\n");
      return 3;
    }
  window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  page = bd_registration_page_new (ctx);
  gtk_container_add (GTK_CONTAINER (window), page);
  gtk_widget_show (window);
  bd_registration_page_reset (BD_REGISTRATION_PAGE (page));
  rss_before = rss_mib ();

  for (int i = 0; i < TRAVELLERS; i++)
    {
      char number[16];
      g_autofree char *zone = NULL;
      GtkWidget *admit = GTK_WIDGET (gtk_widget_get_template_child (page,
                                                                    BD_TYPE_REGISTRATION_PAGE,
                                                                    "admit_button"));
      gint64 t0;

      g_snprintf (number, sizeof number, "Q%08d", g_random_int_range (0, 99999999));
      zone = bd_demo_make_td3 ("DEU", "BENCH", "TRAVELLER", number, "DEU", "800101", 'F',
                               "350101");
      bd_registration_page_set_mrz (BD_REGISTRATION_PAGE (page), zone);
      spin_until (checks_shown, page);
      t0 = g_get_monotonic_time ();
      gtk_button_clicked (GTK_BUTTON (admit));
      spin_until (recorded, page);
      samples[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  qsort (samples, TRAVELLERS, sizeof (double), cmp_double);
  g_print ("{\"bench\": \"desk\", \"metric\": \"admit_to_clear_median\", \"value\": %.3f, "
           "\"unit\": \"ms\"}\n", samples[TRAVELLERS / 2]);
  g_print ("{\"bench\": \"desk\", \"metric\": \"admit_to_clear_p99\", \"value\": %.3f, "
           "\"unit\": \"ms\"}\n", samples[TRAVELLERS * 99 / 100]);
  g_print ("{\"bench\": \"desk\", \"metric\": \"rss_after_100_registrations\", "
           "\"value\": %.1f, \"unit\": \"MiB\"}\n", rss_mib ());
  g_printerr ("desk       admit to clear: median %.1f ms, p99 %.1f ms; RSS %.1f MiB before, "
              "%.1f MiB after %d registrations\n", samples[TRAVELLERS / 2],
              samples[TRAVELLERS * 99 / 100], rss_before, rss_mib (), TRAVELLERS);
  gtk_widget_destroy (window);
  return 0;
}

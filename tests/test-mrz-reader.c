/* test-mrz-reader.c: a serial reader through a pty pair. */
#define _GNU_SOURCE  /* posix_openpt, ptsname */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bd-mrz-reader.h"

#define TD3_1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define TD3_2 "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
#define TD1 "I<UTOD231458907<<<<<<<<<<<<<<<\r\n7408122F1204159UTO<<<<<<<<<<<6\r\n" \
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\r\n"

typedef struct {
  int master;
  char *slave_path;
  BdMrzReader *reader;
  GPtrArray *zones;
} Fixture;

static void
on_zone_cb (BdMrzReader *reader, const char *text, Fixture *f)
{
  g_ptr_array_add (f->zones, g_strdup (text));
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (f->master, >=, 0);
  g_assert_cmpint (grantpt (f->master), ==, 0);
  g_assert_cmpint (unlockpt (f->master), ==, 0);
  f->slave_path = g_strdup (ptsname (f->master));
  f->zones = g_ptr_array_new_with_free_func (g_free);
  f->reader = bd_mrz_reader_new (f->slave_path);
  g_signal_connect (f->reader, "zone", G_CALLBACK (on_zone_cb), f);
  bd_mrz_reader_start (f->reader);
  g_assert_cmpint (bd_mrz_reader_get_state (f->reader), ==, BD_MRZ_READER_READY);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->reader);
  if (f->master >= 0)
    close (f->master);
  g_ptr_array_unref (f->zones);
  g_free (f->slave_path);
}

static void
send (Fixture *f, const char *text)
{
  g_assert_cmpint (write (f->master, text, strlen (text)), ==, (gssize) strlen (text));
}

/* Spins the main context until @n zones arrived or 5 s passed. */
static void
wait_zones (Fixture *f, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (f->zones->len < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (f->zones->len, ==, n);
}

static void
test_td3_crlf (Fixture *f, gconstpointer data)
{
  send (f, TD3_1 "\r\n" TD3_2 "\r\n");
  wait_zones (f, 1);
  g_assert_cmpstr (f->zones->pdata[0], ==, TD3_1 "\n" TD3_2);
}

static void
test_td1 (Fixture *f, gconstpointer data)
{
  send (f, TD1);
  wait_zones (f, 1);
  g_assert_true (g_str_has_prefix (f->zones->pdata[0], "I<UTOD231458907"));
  g_assert_true (g_str_has_suffix (f->zones->pdata[0], "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"));
}

static void
test_garbage_then_zone (Fixture *f, gconstpointer data)
{
  /* Noise, a half zone cut by a blank line, then a zone split across writes. */
  send (f, "\xff\xfe garbage\r\n");
  send (f, TD3_1 "\r\n\r\n");
  send (f, TD3_1 "\r");
  send (f, "\n" TD3_2);
  send (f, "\n");
  wait_zones (f, 1);
  g_assert_cmpstr (f->zones->pdata[0], ==, TD3_1 "\n" TD3_2);
}

static void
test_overlong_line (Fixture *f, gconstpointer data)
{
  g_autofree char *junk = g_strnfill (1000, 'A');

  send (f, junk);
  send (f, "\n" TD3_1 "\n" TD3_2 "\n");
  wait_zones (f, 1);
}

static void
on_state_cb (BdMrzReader *reader, gboolean *changed)
{
  *changed = TRUE;
}

static void
test_unplugged (Fixture *f, gconstpointer data)
{
  gboolean changed = FALSE;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_signal_connect (f->reader, "state-changed", G_CALLBACK (on_state_cb), &changed);
  close (f->master);
  f->master = -1;
  while (bd_mrz_reader_get_state (f->reader) != BD_MRZ_READER_ERROR &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (bd_mrz_reader_get_state (f->reader), ==, BD_MRZ_READER_ERROR);
  g_assert_true (changed);
  g_assert_nonnull (bd_mrz_reader_get_state_text (f->reader));
}

static void
test_missing_device (void)
{
  g_autoptr(BdMrzReader) reader = bd_mrz_reader_new ("/dev/nonexistent-borderdesk-reader");

  bd_mrz_reader_start (reader);
  g_assert_cmpint (bd_mrz_reader_get_state (reader), ==, BD_MRZ_READER_ERROR);
  g_assert_nonnull (strstr (bd_mrz_reader_get_state_text (reader), "cannot open"));
  bd_mrz_reader_stop (reader);
  g_assert_cmpint (bd_mrz_reader_get_state (reader), ==, BD_MRZ_READER_CLOSED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/mrz-reader/td3-crlf", Fixture, NULL, setup, test_td3_crlf, teardown);
  g_test_add ("/mrz-reader/td1", Fixture, NULL, setup, test_td1, teardown);
  g_test_add ("/mrz-reader/garbage-then-zone", Fixture, NULL, setup, test_garbage_then_zone,
              teardown);
  g_test_add ("/mrz-reader/overlong-line", Fixture, NULL, setup, test_overlong_line, teardown);
  g_test_add ("/mrz-reader/unplugged", Fixture, NULL, setup, test_unplugged, teardown);
  g_test_add_func ("/mrz-reader/missing-device", test_missing_device);
  return g_test_run ();
}

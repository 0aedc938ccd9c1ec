/* fuzz-watchlist-csv.c: the watchlist CSV reader (CONTRACT.md, Watchlist
 * CSV), on exactly the bytes given: no terminator, as a file mapped or
 * read by length would be.  What it accepts must be entries that pass
 * their own validation again. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "bd-watchlist.h"
#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_glib_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_memdup2 (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const char *p = text != NULL ? text : "";

  bd_watchlist_looks_signed (p, size);
  entries = bd_watchlist_parse_csv (p, size, &error);
  if (entries == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      BdWatchlistEntry *e = entries->pdata[i];
      g_autoptr(GError) local = NULL;

      g_assert_true (e->reference[0] != '\0');
      g_assert_true (e->surname[0] != '\0' || e->document_number[0] != '\0');
      /* Validation is idempotent on what it produced. */
      g_assert_true (bd_watchlist_entry_validate (e, &local));
      g_assert_no_error (local);
    }
  return 0;
}

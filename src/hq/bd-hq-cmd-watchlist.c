/* watchlist import|remove|publish|export: HQ's watchlist, staged and then
 * published as numbered versions that desks fetch as signed deltas. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bd-hq-commands.h"
#include "bd-hq-dir.h"
#include "bd-hq-store.h"
#include "bd-watchlist.h"
#include "bd-watchlist-delta.h"

#define MAX_CSV (512 * 1024 * 1024)

char *
bd_hq_watchlist_signed (BdHqStore *store, const BdHqDir *dir, gint64 since, GError **error)
{
  g_autoptr(GPtrArray) added = NULL;
  g_auto(GStrv) removed = NULL;
  g_autofree char *published = NULL;
  gint64 to;

  if (!bd_hq_store_watchlist_delta (store, since, &to, &published, &added, &removed, error))
    return NULL;
  if (to == 0)
    {
      g_set_error_literal (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NONE_PUBLISHED,
                           "HQ has published no watchlist yet");
      return NULL;
    }
  if (*published == '\0')
    {
      g_free (published);
      published = bd_hq_now ();
    }
  return bd_watchlist_delta_make (since, to, published, added, (const char *const *) removed,
                                  dir->sign_key, dir->sign_cert, error);
}

static int
stage_csv (BdHqStore *store, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, &error))
    return bd_hq_fail (BD_HQ_EXIT_USAGE, error);
  if (length > MAX_CSV)
    {
      g_printerr ("borderdesk-hq: %s: too large\n", path);
      return BD_HQ_EXIT_USAGE;
    }
  entries = bd_watchlist_parse_csv (data, length, &error);
  if (entries == NULL)
    return bd_hq_fail (BD_HQ_EXIT_USAGE, error);
  if (!bd_hq_store_watchlist_stage_add (store, entries, &error))
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  printf ("staged %u entries; \"watchlist publish\" makes them a version\n", entries->len);
  return BD_HQ_EXIT_OK;
}

static int
export (BdHqStore *store, const char *dir, gint64 since, const char *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqDir) hq = bd_hq_dir_open (dir, &error);
  g_autofree char *text = NULL;

  if (hq == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  text = bd_hq_watchlist_signed (store, hq, since, &error);
  if (text == NULL)
    return bd_hq_fail (error->domain == BD_HQ_STORE_ERROR &&
                       (error->code == BD_HQ_STORE_ERROR_NOT_FOUND ||
                        error->code == BD_HQ_STORE_ERROR_NONE_PUBLISHED) ?
                       BD_HQ_EXIT_NO : BD_HQ_EXIT_FAILED, error);
  if (!g_file_set_contents_full (out, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  printf ("wrote the delta from version %" G_GINT64_FORMAT " to %s\n", since, out);
  return BD_HQ_EXIT_OK;
}

int
bd_hq_cmd_watchlist (const char *dir, int argc, char **argv)
{
  g_autofree char *reference = NULL;
  g_autofree char *out = NULL;
  g_autofree char *url = NULL;
  g_autofree char *now = bd_hq_now ();
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 since = -1, version;
  const GOptionEntry entries[] = {
    { "reference", 0, 0, G_OPTION_ARG_STRING, &reference, "remove: the entry", "REF" },
    { "since", 0, 0, G_OPTION_ARG_INT64, &since, "export: the desks' version", "V" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "export: the signed delta file", "FILE" },
    BD_HQ_STORE_OPTION (url),
    { NULL }
  };
  int status = bd_hq_options ("watchlist", "import FILE.csv|remove|publish|export",
                              "import FILE.csv: stage entries (CONTRACT.md CSV)\n"
                              "remove --reference REF: stage a removal\n"
                              "publish: make the staged changes a new version\n"
                              "export --since V --out FILE: the signed delta from V",
                              entries, &argc, &argv);
  const char *cmd = argc >= 2 ? argv[1] : "";

  if (status >= 0)
    return status;
  if (!((strcmp (cmd, "import") == 0 && argc == 3) ||
        (strcmp (cmd, "remove") == 0 && argc == 2 && reference != NULL) ||
        (strcmp (cmd, "publish") == 0 && argc == 2) ||
        (strcmp (cmd, "export") == 0 && argc == 2 && since >= 0 && out != NULL)))
    {
      g_printerr ("borderdesk-hq watchlist: import FILE.csv, remove --reference REF, publish, "
                  "or export --since V --out FILE\n");
      return BD_HQ_EXIT_USAGE;
    }
  store = bd_hq_store_open (dir, url, &error);
  if (store == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  if (strcmp (cmd, "import") == 0)
    return stage_csv (store, argv[2]);
  if (strcmp (cmd, "export") == 0)
    return export (store, dir, since, out);
  if (strcmp (cmd, "remove") == 0)
    {
      if (!bd_hq_store_watchlist_stage_remove (store, reference, &error))
        return bd_hq_fail (g_error_matches (error, BD_HQ_STORE_ERROR,
                                            BD_HQ_STORE_ERROR_NOT_FOUND) ?
                           BD_HQ_EXIT_NO : BD_HQ_EXIT_FAILED, error);
      printf ("staged the removal of %s\n", reference);
      return BD_HQ_EXIT_OK;
    }
  if (!bd_hq_store_watchlist_publish (store, now, &version, &error))
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  printf ("published version %" G_GINT64_FORMAT "\n", version);
  return BD_HQ_EXIT_OK;
}

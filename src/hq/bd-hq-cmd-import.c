/* import: batch files from removable media, through the same verification
 * as the network; receipts written as files for the desk. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bd-batch.h"
#include "bd-hq-commands.h"
#include "bd-hq-dir.h"
#include "bd-hq-ingest.h"
#include "bd-hq-store.h"

/* One receipt a batch, named so that a listing sorts by epoch and seq. */
static gboolean
write_receipt (const char *receipts, const BdHqVerdict *v, GError **error)
{
  g_autofree char *desk = g_strdelimit (g_strdup (v->desk), "/", '_');
  g_autofree char *name = g_strdup_printf ("%s-%06" G_GINT64_FORMAT "-%010" G_GINT64_FORMAT
                                           ".receipt.jws", desk, v->epoch, v->seq);
  g_autofree char *path = g_build_filename (receipts, name, NULL);

  if (g_mkdir_with_parents (receipts, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: cannot create", receipts);
      return FALSE;
    }
  return g_file_set_contents_full (path, v->receipt, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}

/* Imports @path; returns TRUE when stored (now or before).  @gap (out):
 * refused only because an earlier batch is missing. */
static gboolean
import_one (BdHqStore *store, const BdHqDir *dir, const char *path, const char *receipts,
            gboolean *gap, gboolean report)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  gsize length;
  BdHqVerdict v;
  gboolean ok;

  *gap = FALSE;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
      !g_file_get_contents (path, &body, &length, &error))
    {
      g_printerr ("%s: refused (unreadable): %s\n", path,
                  error != NULL ? error->message : "not a regular file");
      return FALSE;
    }
  bd_hq_ingest (store, NULL, dir, body, length, NULL, &v);
  ok = v.status == 200;
  *gap = g_strcmp0 (v.error, "gap") == 0;
  if (ok && receipts != NULL && !write_receipt (receipts, &v, &error))
    {
      g_printerr ("%s: stored, but the receipt was not written: %s\n", path, error->message);
      ok = FALSE;
    }
  else if (ok)
    printf ("%s: %s %s seq %" G_GINT64_FORMAT " (%u records)\n", path,
            v.stored ? "stored" : "already stored", v.desk, v.seq, v.records);
  else if (report || !*gap)
    g_printerr ("%s: refused (%s): %s\n", path, v.error, v.reason);
  bd_hq_verdict_clear (&v);
  return ok;
}

int
bd_hq_cmd_import (const char *dir, int argc, char **argv)
{
  g_autofree char *receipts = NULL;
  g_autofree char *store_url = NULL;
  g_autoptr(BdHqDir) hq = NULL;
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();
  gboolean refused = FALSE;
  const GOptionEntry entries[] = {
    { "receipts", 0, 0, G_OPTION_ARG_FILENAME, &receipts, "write receipt files here", "DIR" },
    BD_HQ_STORE_OPTION (store_url),
    { NULL }
  };
  int status = bd_hq_options ("import", "FILE...",
                              "Verifies batch files as the network does and stores them. "
                              "Exits 1 when any file is refused.", entries, &argc, &argv);

  if (status >= 0)
    return status;
  if (argc < 2)
    {
      g_printerr ("borderdesk-hq import: no batch files\n");
      return BD_HQ_EXIT_USAGE;
    }
  if ((hq = bd_hq_dir_open (dir, &error)) == NULL ||
      (store = bd_hq_store_open (dir, store_url, &error)) == NULL)
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (pending, argv[i]);
  /* Files may come in any order: those refused for a gap are tried again
   * while others make progress. */
  for (gboolean progress = TRUE; progress && pending->len > 0;)
    {
      g_autoptr(GPtrArray) again = g_ptr_array_new ();

      progress = FALSE;
      for (guint i = 0; i < pending->len; i++)
        {
          const char *path = g_ptr_array_index (pending, i);
          gboolean gap;

          if (import_one (store, hq, path, receipts, &gap, FALSE))
            progress = TRUE;
          else if (gap)
            g_ptr_array_add (again, (gpointer) path);
          else
            refused = TRUE;
        }
      g_ptr_array_unref (pending);
      pending = g_steal_pointer (&again);
    }
  for (guint i = 0; i < pending->len; i++)
    {
      gboolean gap;

      refused = !import_one (store, hq, g_ptr_array_index (pending, i), receipts, &gap, TRUE) ||
                refused;
    }
  return refused ? BD_HQ_EXIT_NO : BD_HQ_EXIT_OK;
}

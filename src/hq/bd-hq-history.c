/* bd-hq-history.c: the signed documents behind GET /v1/history and
 * GET /v1/open-stays (docs/protocol.md, 8 and 9), over the store. */
#include "config.h"

#include "bd-history.h"
#include "bd-history-remote.h"
#include "bd-hq-commands.h"

/* ISSUER:NUMBER as the desk writes it: the issuing state with its fillers
 * dropped (one to three letters, "D" for Germany's old code), so the same
 * rule as the desk's own bd_document_ref_parse. */
gboolean
bd_hq_document_valid (const char *document)
{
  g_autofree char *state = NULL, *number = NULL;

  return bd_document_ref_parse (document, &state, &number);
}

char *
bd_hq_history_signed (BdHqStore *store, const BdHqDir *dir, const char *document,
                      GError **error)
{
  g_autoptr(GPtrArray) crossings = NULL;
  g_autofree char *state = NULL, *number = NULL;
  g_autofree char *now = bd_hq_now ();

  if (!bd_document_ref_parse (document, &state, &number))
    {
      g_set_error (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND,
                   "not a document: ISSUER:NUMBER");
      return NULL;
    }
  crossings = bd_hq_store_history (store, document, error);
  if (crossings == NULL)
    return NULL;
  return bd_history_answer_make (state, number, now, crossings, dir->sign_key, dir->sign_cert,
                                 error);
}

char *
bd_hq_open_stays_signed (BdHqStore *store, const BdHqDir *dir, gint64 since, GError **error)
{
  g_autoptr(GPtrArray) open = NULL;
  g_auto(GStrv) closed = NULL;
  g_autofree char *now = bd_hq_now ();
  gint64 to;

  if (!bd_hq_store_open_stays (store, since, &to, &open, &closed, error))
    return NULL;
  return bd_open_stays_delta_make (since, to, now, open, (const char *const *) closed,
                                   dir->sign_key, dir->sign_cert, error);
}

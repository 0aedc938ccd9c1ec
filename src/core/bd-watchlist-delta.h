/* bd-watchlist-delta.h: HQ's signed watchlist delta (docs/protocol.md,
 * "Watchlist delta"), the same document over `GET /v1/watchlist?since=V`
 * and as a file for posts without links.
 *
 * Payload: {"from": V, "to": W, "published": T,
 *           "added": [{"list", "surname", "given_names", "birth_date",
 *                      "nationality", "document_number", "issuing_state",
 *                      "action", "reference"}, ...],
 *           "removed": ["REFERENCE", ...]}
 * signed by HQ's document-signing key (`typ: borderdesk-watchlist+jws`,
 * its certificate in x5c).  from = 0 means "from nothing": the whole list.
 */
#pragma once

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "bd-db.h"
#include "bd-role.h"
#include "bd-watchlist.h"

G_BEGIN_DECLS

typedef struct {
  gint64 from;
  gint64 to;
  char *published;
  GPtrArray *added;      /* BdWatchlistEntry *, validated */
  GStrv removed;
  char *sha256;          /* of the payload bytes */
} BdWatchlistDelta;

void              bd_watchlist_delta_free   (BdWatchlistDelta *delta);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdWatchlistDelta, bd_watchlist_delta_free)

/* HQ: signs a delta.  @added: BdWatchlistEntry *; @removed: references. */
char             *bd_watchlist_delta_make   (gint64 from, gint64 to, const char *published,
                                             GPtrArray *added, const char *const *removed,
                                             EVP_PKEY *key, X509 *cert, GError **error);

/* Desk: parses @text and verifies it was signed by HQ's document-signing
 * certificate under @ca; every entry is validated. */
BdWatchlistDelta *bd_watchlist_delta_verify (const char *text, gsize length, X509 *ca,
                                             GError **error);

G_END_DECLS

/* bd-uuid.h: crossing identifiers.
 *
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random
 * bits.  Ids made in time order land at the right edge of the unique
 * index instead of on a random page of it, which keeps a registration's
 * write set small at ten million crossings.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new lowercase UUIDv7 string for @unix_ms. */
char *bd_uuid_v7_new (gint64 unix_ms);

G_END_DECLS

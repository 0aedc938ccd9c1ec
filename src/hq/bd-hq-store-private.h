/* bd-hq-store-private.h: the helpers bd-hq-store.c and
 * bd-hq-store-feeds.c share over the store's table of functions. */
#pragma once

#include "bd-hq-store.h"

G_BEGIN_DECLS

/* Runs @sql with @n text parameters from the variable arguments; @rows
 * (nullable out): the result. */
gboolean    bd_hq_run       (BdHqStore *store, BdHqRows **rows, GError **error, const char *sql,
                             guint n, ...);
/* One integer from a one-row, one-column query. */
gboolean    bd_hq_scalar    (BdHqStore *store, gint64 *value, GError **error, const char *sql);
gint64      bd_hq_to_i64    (const char *text);
/* A number as a parameter: @buf must hold 24 bytes. */
const char *bd_hq_num       (char *buf, gint64 value);
/* FALSE with BD_HQ_STORE_ERROR_NOT_FOUND: "no @what @name". */
gboolean    bd_hq_not_found (GError **error, const char *what, const char *name);

G_END_DECLS

/* bd-country.h: three-letter codes as they appear in an MRZ.
 *
 * ISO 3166-1 alpha-3 from Debian's iso-codes JSON, read once at run time,
 * plus ICAO's own codes (Doc 9303 part 3) from data/icao-codes.txt, which
 * the core carries as a GResource.  Thread-safe; loaded on first use.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @code: "D", "UTO", "GBR"... (no '<' fillers).  TRUE when ISO or ICAO knows it. */
gboolean     bd_country_is_known (const char *code);

/* The English name, or NULL when unknown.  Owned by the table: do not free. */
const char  *bd_country_name     (const char *code);

G_END_DECLS

/* bd-watchlist-private.h: the index keys, shared by the store
 * (bd-watchlist.c) and the screen (bd-watchlist-screen.c), which must
 * compute them identically. */
#pragma once

#include <glib.h>

#include "bd-name.h"
#include "bd-watchlist.h"

G_BEGIN_DECLS

/* Bump when any key below, or bd_name_fold / bd_name_skeleton / the
 * variant groups, change: the index is then rebuilt before use. */
#define BD_WATCHLIST_INDEX_VERSION 4

#define BD_WATCHLIST_YEAR_BASE 1870

/* 0 for "", else the year code 1..255 (year - 1870, clamped). */
guint     bd_watchlist_year_code      (const char *birth_date);
/* YYYYMMDD with 00 for unknown parts; 0 for "".  Assumes a valid date. */
gint64    bd_watchlist_birth_number   (const char *birth_date);
/* The key of @skeleton in year @year_code. */
gint64    bd_watchlist_name_key       (const char *skeleton, guint year_code);
/* The index keys' texts of @name: for each unit its skeleton and, when
 * longer, the skeleton's first BD_WATCHLIST_PREFIX letters, so a name with
 * a typing error late in every token still shares a key with the listed
 * one.  Distinct, owned strings; @tokens (nullable) gets for each the
 * tokens (BdNameUnit.covers bits) of the units that gave it. */
#define BD_WATCHLIST_PREFIX 3
GPtrArray *bd_watchlist_name_key_texts (const BdName *name, GArray *tokens);
/* The pair keys' texts of @name: "~A~B" for the skeletons A <= B of two
 * of its tokens (the first four of each field), so a screen without a
 * birth date finds the entries sharing two tokens without reading the
 * postings of each common one.  Distinct, owned; @tokens as above. */
GPtrArray *bd_watchlist_name_pair_texts (const BdName *name, GArray *tokens);
/* Upper case, without spaces, '-' and '<'. */
char     *bd_watchlist_document_clean (const char *number);
/* clean(@number) with O->0, I->1, B->8, S->5, Z->2, then ':' and @state. */
char     *bd_watchlist_document_key   (const char *number, const char *state);

gboolean  bd_watchlist_list_from_string   (const char *text, BdWatchlistList *list);
gboolean  bd_watchlist_action_from_string (const char *text, BdWatchlistAction *action);

G_END_DECLS

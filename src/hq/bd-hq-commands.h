/* bd-hq-commands.h: the commands of borderdesk-hq (CONTRACT.md), one
 * file per group, dispatched by main.c.  Each returns the exit status:
 * 0 done, 1 the answer is no, 2 usage, 3 and up failures (one line on
 * stderr). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-hq-dir.h"
#include "bd-hq-store.h"

G_BEGIN_DECLS

enum {
  BD_HQ_EXIT_OK = 0,
  BD_HQ_EXIT_NO = 1,
  BD_HQ_EXIT_USAGE = 2,
  BD_HQ_EXIT_FAILED = 3,
};

/* The --store option every command that opens the store takes. */
#define BD_HQ_STORE_OPTION(var) \
  { "store", 0, 0, G_OPTION_ARG_STRING, &(var), "sqlite:PATH (default DIR/hq.db) or " \
    "postgresql://...", "URL" }

/* Parses the options of one command; prints --help and usage errors.
 * Returns -1 to go on, else the exit status (0 after --help). */
int bd_hq_options (const char *name, const char *params, const char *summary,
                   const GOptionEntry *entries, int *argc, char ***argv);

/* Prints "borderdesk-hq: MESSAGE" on stderr; returns @status. */
int bd_hq_fail (int status, const GError *error);

/* Writes @node to stdout as a JSON document followed by a newline. */
void bd_hq_print_json (JsonNode *node);

/* The signed watchlist delta from @since to the published version;
 * BD_HQ_STORE_ERROR_NONE_PUBLISHED before the first version. */
char *bd_hq_watchlist_signed (BdHqStore *store, const BdHqDir *dir, gint64 since,
                              GError **error);

/* Whether @document is ISSUER:NUMBER as the protocol writes it. */
gboolean bd_hq_document_valid (const char *document);
/* The signed history answer for @document (docs/protocol.md, 8). */
char *bd_hq_history_signed (BdHqStore *store, const BdHqDir *dir, const char *document,
                            GError **error);
/* The signed open-stays delta from @since (docs/protocol.md, 9). */
char *bd_hq_open_stays_signed (BdHqStore *store, const BdHqDir *dir, gint64 since,
                               GError **error);

int bd_hq_cmd_history   (const char *dir, int argc, char **argv);
int bd_hq_cmd_init      (const char *dir, int argc, char **argv);
int bd_hq_cmd_desk      (const char *dir, int argc, char **argv);
int bd_hq_cmd_serve     (const char *dir, int argc, char **argv);
int bd_hq_cmd_import    (const char *dir, int argc, char **argv);
int bd_hq_cmd_watchlist (const char *dir, int argc, char **argv);
int bd_hq_cmd_alerts    (const char *dir, int argc, char **argv);
int bd_hq_cmd_report    (const char *dir, int argc, char **argv);

G_END_DECLS

/* bd-admin.h: what the borderdesk-admin command groups share.
 *
 * main.c parses the global options and hands each group its own argv
 * (argv[0] is the group's name).  A group returns the process exit code:
 * 0 success, 1 the answer is "no", 2 bad usage or input, 3 failure
 * (CONTRACT.md).  Only main() exits.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "bd-history.h"
#include "bd-role.h"

G_BEGIN_DECLS

enum {
  BD_EXIT_OK = 0,
  BD_EXIT_NO = 1,
  BD_EXIT_USAGE = 2,
  BD_EXIT_FAILURE = 3,
};

typedef struct {
  char *db_path;  /* resolved: --db, $BORDERDESK_DB, $XDG_DATA_HOME/borderdesk/desk.db */
} BdAdmin;

typedef int (*BdAdminCommand) (BdAdmin *admin, int argc, char **argv);

int bd_admin_init      (BdAdmin *admin, int argc, char **argv);
int bd_admin_officer   (BdAdmin *admin, int argc, char **argv);
int bd_admin_mrz       (BdAdmin *admin, int argc, char **argv);
int bd_admin_register  (BdAdmin *admin, int argc, char **argv);
int bd_admin_crossings (BdAdmin *admin, int argc, char **argv);
int bd_admin_stay      (BdAdmin *admin, int argc, char **argv);
int bd_admin_shift     (BdAdmin *admin, int argc, char **argv);
int bd_admin_audit     (BdAdmin *admin, int argc, char **argv);
int bd_admin_demo      (BdAdmin *admin, int argc, char **argv);
int bd_admin_watchlist (BdAdmin *admin, int argc, char **argv);
int bd_admin_screen    (BdAdmin *admin, int argc, char **argv);
int bd_admin_enroll_request (BdAdmin *admin, int argc, char **argv);
int bd_admin_enroll_install (BdAdmin *admin, int argc, char **argv);
int bd_admin_sync      (BdAdmin *admin, int argc, char **argv);
int bd_admin_batch     (BdAdmin *admin, int argc, char **argv);
int bd_admin_receipt   (BdAdmin *admin, int argc, char **argv);
int bd_admin_traveller (BdAdmin *admin, int argc, char **argv);
int bd_admin_reader    (BdAdmin *admin, int argc, char **argv);
int bd_admin_finger    (BdAdmin *admin, int argc, char **argv);
int bd_admin_retention (BdAdmin *admin, int argc, char **argv);

/* The purge past retention after a sync round or a receipt import, when
 * due (bd_retention_run, once a day): its counts as a JSON object (also
 * printed unless @quiet), null when not due, or {"error": MESSAGE} after
 * printing the error (bd-admin-retention.c). */
JsonNode *bd_admin_retention_after_sync (BdDb *db, gboolean quiet);

/* Helpers shared by the groups (bd-admin-util.c). */

/* What `--json` prints when a command fails before printing its own
 * document (CONTRACT.md: one JSON document, also on exit 1 and 2). */
typedef enum {
  BD_ADMIN_JSON_OBJECT,    /* {"error": MESSAGE} */
  BD_ADMIN_JSON_LIST,      /* [] */
  BD_ADMIN_JSON_REGISTER,  /* {"crossing": null, "checks": [], "error": MESSAGE} */
} BdAdminJson;

/* main() calls this when --json is on the command line. */
void     bd_admin_json_requested (void);
/* A command names the shape of its failure document. */
void     bd_admin_json_shape  (BdAdminJson shape);
/* Prints "borderdesk-admin: MESSAGE" (and the JSON failure document when
 * asked for) and returns 2. */
int      bd_admin_usage       (const char *format, ...) G_GNUC_PRINTF (1, 2);


/* Opens the desk database, which must exist. */
BdDb    *bd_admin_open_db     (BdAdmin *admin, GError **error);
/* Prints "borderdesk-admin: MESSAGE" (and the JSON failure document when
 * asked for) and returns the exit code for @error (2 for bad input, 1 for
 * a refusal, 3 otherwise).  Frees @error. */
int      bd_admin_fail        (GError *error);
/* Parses @entries; on failure prints the error and usage hint, returns FALSE. */
gboolean bd_admin_parse       (GOptionContext *context, int *argc, char ***argv);
/* Wipes and frees a secret read from stdin. */
void     bd_admin_secret_free (char *secret);

/* Reads one line from stdin without its line end (LF or CRLF); NULL at EOF
 * or when longer than 4096 bytes.  Free secrets with bd_admin_secret_free. */
char    *bd_admin_read_line   (void);
/* Reads the rest of stdin. */
char    *bd_admin_read_all    (GError **error);
/* Asks HQ for the document's history (1 s at most) and keeps the answer.
 * NULL when HQ answered, else why not (not enrolled, unreachable, ...). */
char    *bd_admin_fetch_history (BdDb *db, const char *issuing_state, const char *number);

/* The officer acting for a command: reads their password from the first
 * line of stdin (wiped after use), opens the database into *@db and
 * authenticates @username.  On failure returns NULL and the exit code in
 * *@status (2 without a password line), the error already printed. */
BdActor *bd_admin_officer_from_stdin (BdAdmin *admin, const char *username, BdDb **db,
                                      int *status);
/* Prints @node as one JSON document on stdout, followed by a newline. */
void     bd_admin_print_json  (JsonNode *node);

G_END_DECLS

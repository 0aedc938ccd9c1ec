/* bd-officer.h: officers, their passwords and lockout, and logging in. */
#pragma once

#include <glib.h>

#include "bd-db.h"
#include "bd-role.h"

G_BEGIN_DECLS

#define BD_OFFICER_ERROR (bd_officer_error_quark ())
GQuark bd_officer_error_quark (void);

typedef enum {
  BD_OFFICER_ERROR_INVALID,          /* bad username, name or role */
  BD_OFFICER_ERROR_EXISTS,
  BD_OFFICER_ERROR_NOT_FOUND,
  BD_OFFICER_ERROR_BAD_CREDENTIALS,  /* unknown user or wrong password: one message for both */
  BD_OFFICER_ERROR_LOCKED,           /* too many failures; try later or ask an admin */
} BdOfficerError;

typedef struct {
  gint64 id;
  char *username;
  char *full_name;
  BdRole role;
  gint64 failed_logins;
  gint64 locked_until;   /* unix seconds; in the past or 0 when not locked */
  char *created;
} BdOfficer;

void        bd_officer_free          (BdOfficer *officer);

/* Usernames: 1 to 32 of a-z 0-9 . _ -, starting with a letter. */
gboolean    bd_officer_username_valid (const char *username);

gboolean    bd_officer_add           (BdDb *db, const BdActor *actor, const char *username,
                                      const char *full_name, BdRole role, const char *password,
                                      gint64 *id, GError **error);
/* Array of BdOfficer, by username. */
GPtrArray  *bd_officer_list          (BdDb *db, const BdActor *actor, GError **error);
BdOfficer  *bd_officer_lookup        (BdDb *db, const char *username, GError **error);
BdOfficer  *bd_officer_get           (BdDb *db, gint64 id, GError **error);
gboolean    bd_officer_unlock        (BdDb *db, const BdActor *actor, const char *username,
                                      GError **error);
gboolean    bd_officer_set_password  (BdDb *db, const BdActor *actor, const char *username,
                                      const char *password, GError **error);

/* Checks the password, counts failures, locks after the configured number
 * (default 5, for 300 s), and audits success and failure.  Runs scrypt:
 * call it off the UI thread.  Returns the acting officer, or NULL with
 * BAD_CREDENTIALS or LOCKED. */
BdActor    *bd_officer_authenticate  (BdDb *db, const char *username, const char *password,
                                      GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdOfficer, bd_officer_free)

G_END_DECLS

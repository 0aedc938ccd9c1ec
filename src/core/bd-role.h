/* bd-role.h: who may do what.  Every core operation that changes or reveals
 * data takes a BdActor and calls bd_actor_require() first, so no front end
 * (app, CLI, later a remote one) can skip a check by hiding a button.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BD_ROLE_ERROR (bd_role_error_quark ())
GQuark bd_role_error_quark (void);

typedef enum {
  BD_ROLE_ERROR_DENIED,
} BdRoleError;

typedef enum {
  BD_ROLE_NONE = 0,
  BD_ROLE_GUARD,
  BD_ROLE_SUPERVISOR,
  BD_ROLE_ADMIN,
} BdRole;

typedef enum {
  BD_PERM_REGISTER,         /* record a crossing */
  BD_PERM_OVERRIDE,         /* admit over a blocking check */
  BD_PERM_SIGN_OFF,         /* countersign a closed shift */
  BD_PERM_REVIEW,           /* shift lists, reports, other officers' shifts */
  BD_PERM_MANAGE_OFFICERS,  /* add, unlock, reset passwords */
  BD_PERM_IMPORT,           /* crossings history, local watchlists */
  BD_PERM_EXPORT_PERSONAL,  /* everything held on one traveller */
  BD_PERM_OPEN_SHIFT,       /* work at this desk */
  BD_PERM_SYNC,             /* enrol with HQ, carry batches and receipts */
  BD_PERM_FINGERPRINT,      /* enrol, verify, identify, exempt, purge templates */
  BD_PERM_PURGE,            /* delete personal data past retention (bd-retention.h) */
  BD_PERM_N
} BdPermission;

/* Who acts.  The CLI acts as the desk's local administrator (officer_id 0,
 * audited as "cli"); an officer acts after bd_officer_authenticate(). */
typedef struct {
  gint64 officer_id;
  char *username;
  BdRole role;
} BdActor;

BdActor     *bd_actor_new_cli      (void);
/* The desk's background sync: acts as the desk itself, audited as "sync". */
BdActor     *bd_actor_new_sync     (void);
BdActor     *bd_actor_new          (gint64 officer_id, const char *username, BdRole role);
void         bd_actor_free         (BdActor *actor);
/* "officer:ID" or "cli": the actor as the audit log names it.  Owned by the caller. */
char        *bd_actor_audit_name   (const BdActor *actor);

gboolean     bd_role_allows        (BdRole role, BdPermission permission);
/* FALSE with BD_ROLE_ERROR_DENIED when @actor (may be NULL: nobody) lacks @permission. */
gboolean     bd_actor_require      (const BdActor *actor, BdPermission permission, GError **error);

const char  *bd_role_to_string     (BdRole role);
BdRole       bd_role_from_string   (const char *text);  /* BD_ROLE_NONE if unknown */
const char  *bd_permission_to_string (BdPermission permission);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdActor, bd_actor_free)

G_END_DECLS

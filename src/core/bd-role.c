/* bd-role.c: the role table.  One table, so reviewing who may do what is
 * reading one line per permission, and the role tests iterate over it. */
#include "config.h"

#include <string.h>

#include "bd-role.h"

G_DEFINE_QUARK (bd-role-error-quark, bd_role_error)

/* Rows: permissions; columns: none, guard, supervisor, admin.
 * Admins manage the desk but do not process travellers: separation of
 * duties keeps whoever creates accounts from also admitting people. */
static const gboolean table[BD_PERM_N][4] = {
  [BD_PERM_REGISTER]         = { FALSE, TRUE,  TRUE,  FALSE },
  [BD_PERM_OVERRIDE]         = { FALSE, FALSE, TRUE,  FALSE },
  [BD_PERM_SIGN_OFF]         = { FALSE, FALSE, TRUE,  TRUE  },
  [BD_PERM_REVIEW]           = { FALSE, FALSE, TRUE,  TRUE  },
  [BD_PERM_MANAGE_OFFICERS]  = { FALSE, FALSE, FALSE, TRUE  },
  [BD_PERM_IMPORT]           = { FALSE, FALSE, FALSE, TRUE  },
  [BD_PERM_EXPORT_PERSONAL]  = { FALSE, FALSE, TRUE,  TRUE  },
  [BD_PERM_OPEN_SHIFT]       = { FALSE, TRUE,  TRUE,  FALSE },
  [BD_PERM_SYNC]             = { FALSE, FALSE, FALSE, TRUE  },
  /* The admin too: the CLI's reader diagnostics and scripted enrolment. */
  [BD_PERM_FINGERPRINT]      = { FALSE, TRUE,  TRUE,  TRUE  },
  /* Deleting records is desk maintenance, run by the desk itself after a
   * sync round or by its administrator: not by the officers whose work
   * the records are (a supervisor answers for them). */
  [BD_PERM_PURGE]            = { FALSE, FALSE, FALSE, TRUE  },
};

static const char *perm_names[BD_PERM_N] = {
  [BD_PERM_REGISTER] = "register crossings",
  [BD_PERM_OVERRIDE] = "override blocking checks",
  [BD_PERM_SIGN_OFF] = "sign off shifts",
  [BD_PERM_REVIEW] = "review shifts",
  [BD_PERM_MANAGE_OFFICERS] = "manage officers",
  [BD_PERM_IMPORT] = "import data",
  [BD_PERM_EXPORT_PERSONAL] = "export personal data",
  [BD_PERM_OPEN_SHIFT] = "open a shift",
  [BD_PERM_SYNC] = "configure sync",
  [BD_PERM_FINGERPRINT] = "handle fingerprints",
  [BD_PERM_PURGE] = "purge personal data past retention",
};

BdActor *
bd_actor_new (gint64 officer_id, const char *username, BdRole role)
{
  BdActor *actor = g_new0 (BdActor, 1);

  actor->officer_id = officer_id;
  actor->username = g_strdup (username);
  actor->role = role;
  return actor;
}

BdActor *
bd_actor_new_cli (void)
{
  return bd_actor_new (0, "cli", BD_ROLE_ADMIN);
}

BdActor *
bd_actor_new_sync (void)
{
  return bd_actor_new (-1, "sync", BD_ROLE_ADMIN);
}

void
bd_actor_free (BdActor *actor)
{
  if (actor == NULL)
    return;
  g_free (actor->username);
  g_free (actor);
}

char *
bd_actor_audit_name (const BdActor *actor)
{
  if (actor == NULL)
    return g_strdup ("nobody");
  if (actor->officer_id == 0)
    return g_strdup ("cli");
  if (actor->officer_id < 0)
    return g_strdup (actor->username);
  return g_strdup_printf ("officer:%" G_GINT64_FORMAT, actor->officer_id);
}

gboolean
bd_role_allows (BdRole role, BdPermission permission)
{
  if ((guint) role > BD_ROLE_ADMIN || (guint) permission >= BD_PERM_N)
    return FALSE;
  return table[permission][role];
}

const char *
bd_permission_to_string (BdPermission permission)
{
  return (guint) permission < BD_PERM_N ? perm_names[permission] : "?";
}

gboolean
bd_actor_require (const BdActor *actor, BdPermission permission, GError **error)
{
  BdRole role = actor != NULL ? actor->role : BD_ROLE_NONE;

  if (bd_role_allows (role, permission))
    return TRUE;
  g_set_error (error, BD_ROLE_ERROR, BD_ROLE_ERROR_DENIED,
               "%s (%s) may not %s",
               actor != NULL ? actor->username : "nobody",
               bd_role_to_string (role), bd_permission_to_string (permission));
  return FALSE;
}

const char *
bd_role_to_string (BdRole role)
{
  switch (role)
    {
    case BD_ROLE_GUARD: return "guard";
    case BD_ROLE_SUPERVISOR: return "supervisor";
    case BD_ROLE_ADMIN: return "admin";
    case BD_ROLE_NONE:
    default: return "none";
    }
}

BdRole
bd_role_from_string (const char *text)
{
  if (g_strcmp0 (text, "guard") == 0)
    return BD_ROLE_GUARD;
  if (g_strcmp0 (text, "supervisor") == 0)
    return BD_ROLE_SUPERVISOR;
  if (g_strcmp0 (text, "admin") == 0)
    return BD_ROLE_ADMIN;
  return BD_ROLE_NONE;
}

/* bd-admin-officer.c: `borderdesk-admin officer add|list|unlock|passwd`. */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-date.h"
#include "bd-db.h"
#include "bd-officer.h"

static int
officer_add (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *username = NULL, *name = NULL, *role = NULL;
  GOptionEntry entries[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "Login name", "U" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Full name", "NAME" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, "guard, supervisor or admin", "ROLE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("- add an officer (password: first line of stdin)");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  char *password;
  GError *error = NULL;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (username == NULL || name == NULL || role == NULL)
    {
      return bd_admin_usage ("officer add needs --username, --name and --role");
    }
  if (bd_role_from_string (role) == BD_ROLE_NONE)
    {
      return bd_admin_usage ("--role: guard, supervisor or admin");
    }
  password = bd_admin_read_line ();
  if (password == NULL || *password == '\0')
    {
      bd_admin_secret_free (password);
      return bd_admin_usage ("the password is the first line of standard input");
    }
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    {
      bd_admin_secret_free (password);
      return bd_admin_fail (error);
    }
  ok = bd_officer_add (db, cli, username, name, bd_role_from_string (role), password, NULL,
                       &error);
  bd_admin_secret_free (password);
  if (!ok)
    return bd_admin_fail (error);
  g_print ("officer %s added as %s\n", username, role);
  return BD_EXIT_OK;
}

static int
officer_list (BdAdmin *admin, int argc, char **argv)
{
  gboolean json = FALSE;
  gint64 limit = 0;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, "At most N officers", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- list officers");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(GPtrArray) list = NULL;
  GError *error = NULL;
  gint64 now = bd_clock_now ();

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  list = bd_officer_list (db, cli, &error);
  if (list == NULL)
    return bd_admin_fail (error);
  if (limit > 0 && list->len > limit)
    g_ptr_array_set_size (list, limit);

  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
      JsonArray *a = json_array_new ();

      for (guint i = 0; i < list->len; i++)
        {
          BdOfficer *o = list->pdata[i];
          JsonObject *obj = json_object_new ();

          json_object_set_string_member (obj, "username", o->username);
          json_object_set_string_member (obj, "name", o->full_name);
          json_object_set_string_member (obj, "role", bd_role_to_string (o->role));
          json_object_set_boolean_member (obj, "locked", o->locked_until > now);
          json_object_set_int_member (obj, "failed_logins", o->failed_logins);
          json_object_set_string_member (obj, "created", o->created);
          json_array_add_object_element (a, obj);
        }
      json_node_take_array (node, a);
      bd_admin_print_json (node);
      return BD_EXIT_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      BdOfficer *o = list->pdata[i];
      g_print ("%-20s %-11s %s%s\n", o->username, bd_role_to_string (o->role), o->full_name,
               o->locked_until > now ? "  (locked)" : "");
    }
  return BD_EXIT_OK;
}

static int
officer_unlock_or_passwd (BdAdmin *admin, int argc, char **argv, gboolean passwd)
{
  g_autofree char *username = NULL;
  GOptionEntry entries[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "Login name", "U" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new (passwd ? "- set a password (new password: first line of stdin)"
                                 : "- unlock an officer locked after failed logins");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  char *password = NULL;
  GError *error = NULL;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (username == NULL)
    {
      return bd_admin_usage ("--username is required");
    }
  if (passwd)
    {
      password = bd_admin_read_line ();
      if (password == NULL || *password == '\0')
        {
          bd_admin_secret_free (password);
          return bd_admin_usage ("the new password is the first line of standard input");
        }
    }
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    {
      bd_admin_secret_free (password);
      return bd_admin_fail (error);
    }
  ok = passwd ? bd_officer_set_password (db, cli, username, password, &error)
              : bd_officer_unlock (db, cli, username, &error);
  bd_admin_secret_free (password);
  if (!ok)
    return bd_admin_fail (error);
  g_print (passwd ? "password of %s changed\n" : "%s unlocked\n", username);
  return BD_EXIT_OK;
}

int
bd_admin_officer (BdAdmin *admin, int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : "";

  if (strcmp (sub, "add") == 0)
    return officer_add (admin, argc - 1, argv + 1);
  if (strcmp (sub, "list") == 0)
    {
      bd_admin_json_shape (BD_ADMIN_JSON_LIST);
      return officer_list (admin, argc - 1, argv + 1);
    }
  if (strcmp (sub, "unlock") == 0)
    return officer_unlock_or_passwd (admin, argc - 1, argv + 1, FALSE);
  if (strcmp (sub, "passwd") == 0)
    return officer_unlock_or_passwd (admin, argc - 1, argv + 1, TRUE);
  if (strcmp (sub, "--help") == 0)
    {
      g_print ("Usage: borderdesk-admin officer add|list|unlock|passwd [--help]\n");
      return BD_EXIT_OK;
    }
  return bd_admin_usage ("usage: borderdesk-admin officer add|list|unlock|passwd [--help]");
}

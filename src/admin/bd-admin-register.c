/* bd-admin-register.c: `borderdesk-admin register`, the scripted path into
 * the same bd_crossing_register() the app calls (e-gates, tests).
 *
 * stdin: the officer's password, the supervisor's password when
 * --override-by is given, then the MRZ lines.  A guard without an open
 * shift gets one opened, as the app would ask them to. */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-crossing.h"
#include "bd-date.h"
#include "bd-db.h"
#include "bd-officer.h"
#include "bd-shift.h"

static void
print_result (gboolean json, const char *uuid, GPtrArray *checks)
{
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *o = json_object_new ();
      JsonNode *empty = NULL;

      if (uuid != NULL)
        json_object_set_string_member (o, "crossing", uuid);
      else
        json_object_set_null_member (o, "crossing");
      if (checks == NULL)
        {
          empty = json_node_new (JSON_NODE_ARRAY);
          json_node_take_array (empty, json_array_new ());
        }
      json_object_set_member (o, "checks", checks != NULL ? bd_checks_to_json (checks) : empty);
      json_node_take_object (node, o);
      bd_admin_print_json (node);
      return;
    }
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      BdCheck *c = checks->pdata[i];
      g_print ("%-8s %-18s %s\n", bd_check_state_to_string (c->state), c->name, c->reason);
    }
  if (uuid != NULL)
    g_print ("recorded crossing %s\n", uuid);
  else
    g_print ("not recorded\n");
}

int
bd_admin_register (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *username = NULL, *direction = NULL, *decision = NULL;
  g_autofree char *override_by = NULL, *override_reason = NULL, *lane = NULL;
  g_auto(GStrv) reasons = NULL;
  gboolean json = FALSE, local = FALSE;
  GOptionEntry entries[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, "The registering officer", "U" },
    { "local", 0, 0, G_OPTION_ARG_NONE, &local,
      "Stay rule from this desk's records only (default: merged with HQ's history)", NULL },
    { "direction", 0, 0, G_OPTION_ARG_STRING, &direction, "entry or exit", "DIR" },
    { "decision", 0, 0, G_OPTION_ARG_STRING, &decision,
      "admitted (default), refused or referred", "D" },
    { "reason", 0, 0, G_OPTION_ARG_STRING_ARRAY, &reasons,
      "Refusal reason A to I (repeatable)", "LETTER" },
    { "override-by", 0, 0, G_OPTION_ARG_STRING, &override_by,
      "Supervisor admitting over a blocking check", "SUPERVISOR" },
    { "override-reason", 0, 0, G_OPTION_ARG_STRING, &override_reason,
      "Why the supervisor admits", "TEXT" },
    { "lane", 0, 0, G_OPTION_ARG_STRING, &lane, "Lane, when a shift is opened", "LANE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "- check and record one crossing\n\n"
    "stdin: the officer's password, the supervisor's password with --override-by,\n"
    "then the MRZ lines.  Exit 0 recorded, 1 blocked by a check (nothing recorded).");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) officer = NULL;
  g_autoptr(BdActor) supervisor = NULL;
  g_autoptr(BdMrz) mrz = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *mrz_text = NULL;
  g_autofree char *letters = NULL;
  g_autofree char *uuid = NULL;
  char *password = NULL, *sup_password = NULL;
  BdCrossingRequest req = { 0, };
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (username == NULL || direction == NULL)
    {
      return bd_admin_usage ("register needs --username and --direction");
    }
  if (strcmp (direction, "entry") == 0)
    req.direction = BD_DIRECTION_ENTRY;
  else if (strcmp (direction, "exit") == 0)
    req.direction = BD_DIRECTION_EXIT;
  else
    {
      return bd_admin_usage ("--direction: entry or exit");
    }
  if (!bd_decision_from_string (decision != NULL ? decision : "admitted", &req.decision))
    {
      return bd_admin_usage ("--decision: admitted, refused or referred");
    }
  letters = reasons != NULL ? g_strjoinv ("", reasons) : g_strdup ("");
  for (guint i = 0; reasons != NULL && reasons[i] != NULL; i++)
    if (strlen (reasons[i]) != 1)
      {
        return bd_admin_usage ("--reason takes one letter A to I");
      }

  password = bd_admin_read_line ();
  if (override_by != NULL)
    sup_password = bd_admin_read_line ();
  mrz_text = bd_admin_read_all (&error);
  if (password == NULL || (override_by != NULL && sup_password == NULL) || mrz_text == NULL)
    {
      bd_admin_secret_free (password);
      bd_admin_secret_free (sup_password);
      g_clear_error (&error);
      return bd_admin_usage ("stdin: the password line(s), then the MRZ");
    }

  mrz = bd_mrz_parse (mrz_text);
  if (mrz->format == BD_MRZ_FORMAT_NONE)
    {
      bd_admin_secret_free (password);
      bd_admin_secret_free (sup_password);
      return bd_admin_usage ("not a machine readable zone: %s",
                             mrz->errors->len > 0 ? (const char *) mrz->errors->pdata[0]
                                                  : "unrecognised");
    }

  db = bd_admin_open_db (admin, &error);
  if (db != NULL)
    officer = bd_officer_authenticate (db, username, password, &error);
  if (officer != NULL && override_by != NULL)
    supervisor = bd_officer_authenticate (db, override_by, sup_password, &error);
  bd_admin_secret_free (password);
  bd_admin_secret_free (sup_password);
  if (db == NULL || officer == NULL || (override_by != NULL && supervisor == NULL))
    return bd_admin_fail (error);

  if (bd_shift_current (db, officer->officer_id, &error) == 0 &&
      (error != NULL || bd_shift_open (db, officer, lane, &error) == 0))
    return bd_admin_fail (error);

  bd_identity_from_mrz (&req.identity, mrz, bd_today ());
  req.mrz = mrz;
  req.source = BD_SOURCE_TYPED_MRZ;
  req.refusal_reasons = letters;
  req.override_reason = override_reason;
  req.history = local ? BD_HISTORY_LOCAL : BD_HISTORY_MERGED;
  /* HQ's history of every post, asked for a second at most; without an
   * answer the stay row says which history it used. */
  if (!local && req.identity.issuing_state != NULL && req.identity.number != NULL)
    g_free (bd_admin_fetch_history (db, req.identity.issuing_state, req.identity.number));
  uuid = bd_crossing_register (db, officer, supervisor, &req, &checks, &error);
  bd_identity_clear (&req.identity);
  print_result (json, uuid, checks);
  if (uuid == NULL)
    return bd_admin_fail (error);
  return BD_EXIT_OK;
}

/* bd-admin-audit.c: `borderdesk-admin audit verify`. */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-audit.h"
#include "bd-db.h"

int
bd_admin_audit (BdAdmin *admin, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("verify - check the audit chain (0 intact, 1 broken)");
  g_autoptr(BdDb) db = NULL;
  BdAuditReport report;
  GError *error = NULL;
  int status;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2 || strcmp (argv[1], "verify") != 0)
    {
      return bd_admin_usage ("usage: borderdesk-admin audit verify [--json]");
    }
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  if (!bd_audit_verify (db, &report, &error))
    return bd_admin_fail (error);

  status = report.first_bad == 0 ? BD_EXIT_OK : BD_EXIT_NO;
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *o = json_object_new ();

      json_object_set_boolean_member (o, "intact", report.first_bad == 0);
      json_object_set_int_member (o, "events", report.n_events);
      if (report.first_bad != 0)
        {
          json_object_set_int_member (o, "first_bad", report.first_bad);
          json_object_set_string_member (o, "reason", report.reason);
        }
      else
        {
          json_object_set_null_member (o, "first_bad");
          json_object_set_null_member (o, "reason");
        }
      json_node_take_object (node, o);
      bd_admin_print_json (node);
    }
  else if (report.first_bad == 0)
    g_print ("audit chain intact: %" G_GINT64_FORMAT " events\n", report.n_events);
  else
    g_print ("%" G_GINT64_FORMAT ": %s\n", report.first_bad, report.reason);
  bd_audit_report_clear (&report);
  return status;
}

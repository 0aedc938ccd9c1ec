/* bd-admin-traveller.c: `borderdesk-admin traveller export --document
 * ISSUER:NUMBER`: everything held on one person, as JSON, audited. */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-db.h"
#include "bd-history.h"
#include "bd-subject-access.h"

int
bd_admin_traveller (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *document = NULL, *state = NULL, *number = NULL;
  GOptionEntry entries[] = {
    { "document", 0, 0, G_OPTION_ARG_STRING, &document, "The traveller's document",
      "ISSUER:NUMBER" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "export - print everything this desk holds on one person (subject access), as JSON");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *out;
  GError *error = NULL;

  bd_admin_json_requested ();
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2 || strcmp (argv[1], "export") != 0 || document == NULL)
    return bd_admin_usage ("usage: borderdesk-admin traveller export --document ISSUER:NUMBER");
  if (!bd_document_ref_parse (document, &state, &number))
    return bd_admin_usage ("--document: ISSUER:NUMBER, such as UTO:L898902C3");
  if ((db = bd_admin_open_db (admin, &error)) == NULL)
    return bd_admin_fail (error);
  /* Nothing held on that document is a "no" (exit 1). */
  out = bd_subject_export (db, cli, state, number, &error);
  if (out == NULL)
    return bd_admin_fail (error);
  json_node_take_object (node, out);
  bd_admin_print_json (node);
  return BD_EXIT_OK;
}

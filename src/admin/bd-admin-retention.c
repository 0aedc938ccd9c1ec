/* bd-admin-retention.c: `borderdesk-admin retention purge [--json]`, and the
 * purge that follows a sync round or a receipt import (bd-retention.h). */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-retention.h"

static void
print_counts (const BdRetentionCounts *c)
{
  g_print ("purged past retention (%" G_GINT64_FORMAT " days): %" G_GINT64_FORMAT
           " crossings, %" G_GINT64_FORMAT " amendments, %" G_GINT64_FORMAT " templates, %"
           G_GINT64_FORMAT " exemptions, %" G_GINT64_FORMAT " documents, %" G_GINT64_FORMAT
           " travellers, %" G_GINT64_FORMAT " crossings from HQ's answers, %" G_GINT64_FORMAT
           " batch copies\n", c->retention_days, c->crossings, c->amendments, c->templates,
           c->exemptions, c->documents, c->travellers, c->remote_crossings, c->batch_payloads);
}

JsonNode *
bd_admin_retention_after_sync (BdDb *db, gboolean quiet)
{
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(GError) error = NULL;
  BdRetentionCounts counts;
  gboolean ran = FALSE;
  JsonNode *node;

  if (!bd_retention_run (db, cli, TRUE, &ran, &counts, &error))
    {
      /* The round itself went well: say so by its exit status, and say
       * loudly that the purge did not run. */
      g_printerr ("borderdesk-admin: purge past retention failed: %s\n", error->message);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
      json_object_set_string_member (json_node_get_object (node), "error", error->message);
      return node;
    }
  if (!ran)
    return json_node_new (JSON_NODE_NULL);
  if (!quiet)
    print_counts (&counts);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, bd_retention_counts_to_json (&counts));
  return node;
}

int
bd_admin_retention (BdAdmin *admin, int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "purge - delete the personal data past its retention period that HQ has acknowledged");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  GError *error = NULL;
  BdRetentionCounts counts;

  bd_admin_json_shape (BD_ADMIN_JSON_OBJECT);
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_description (ctx,
    "Deletes, in one transaction, audited as one event per purge with the counts:\n"
    "  - fingerprint templates HQ has acknowledged of travellers not seen here for\n"
    "    fingerprint.retention_days (180), as `finger purge` does;\n"
    "  - crossings HQ has acknowledged made more than retention.crossing_days ago (180,\n"
    "    never less than the post's stay window), with their amendments; an admitted\n"
    "    crossing only with the whole stay it belongs to, so the stay rule's answers do\n"
    "    not change; the entry of a stay still open stays;\n"
    "  - HQ's history answers by the same rule, old fingerprint exemptions, documents\n"
    "    and travellers nothing refers to any more, and the signed copies of old\n"
    "    acknowledged batches.\n"
    "Nothing HQ has not acknowledged is deleted, whatever its age; the audit log stays\n"
    "whole.  `sync` and `receipt import` run this by themselves, at most once a day.\n"
    "--json: {\"retention_days\", \"templates\", \"crossings\", \"amendments\",\n"
    "\"exemptions\", \"documents\", \"travellers\", \"remote_crossings\", \"remote_answers\",\n"
    "\"batch_payloads\"}: the period and what went.\n");
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2 || strcmp (argv[1], "purge") != 0)
    return bd_admin_usage ("usage: borderdesk-admin retention purge [--json]");
  if ((db = bd_admin_open_db (admin, &error)) == NULL ||
      !bd_retention_run (db, cli, FALSE, NULL, &counts, &error))
    return bd_admin_fail (error);
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_node_take_object (node, bd_retention_counts_to_json (&counts));
      bd_admin_print_json (node);
    }
  else
    print_counts (&counts);
  return BD_EXIT_OK;
}

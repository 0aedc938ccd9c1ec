/* bd-admin-stay.c: `borderdesk-admin stay`. */
#include "config.h"

#include "bd-admin.h"
#include "bd-date.h"
#include "bd-db.h"
#include "bd-history.h"
#include "bd-post.h"

int
bd_admin_stay (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *document = NULL, *on = NULL;
  gboolean json = FALSE, local = FALSE;
  GOptionEntry entries[] = {
    { "document", 0, 0, G_OPTION_ARG_STRING, &document, "The document", "ISSUER:NUMBER" },
    { "local", 0, 0, G_OPTION_ARG_NONE, &local,
      "This desk's records only (default: merged with HQ's history of every post)", NULL },
    { "on", 0, 0, G_OPTION_ARG_STRING, &on, "The day (default today)", "YYYY-MM-DD" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new ("- the stay rule for one traveller on one day");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdPost) post = NULL;
  g_autofree char *state = NULL, *number = NULL, *on_text = NULL, *latest = NULL;
  g_auto(BdHistorySource) source = { NULL, };
  g_autofree char *hq_error = NULL;
  BdHistoryScope scope;
  BdStayResult r;
  guint32 day;
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (document == NULL || !bd_document_ref_parse (document, &state, &number))
    {
      return bd_admin_usage ("--document ISSUER:NUMBER is required, such as UTO:L898902C3");
    }
  if (on == NULL)
    day = bd_today ();
  else if (!bd_date_parse (on, &day))
    {
      return bd_admin_usage ("--on: a date YYYY-MM-DD");
    }
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  if (!local)
    hq_error = bd_admin_fetch_history (db, state, number);
  scope = local ? BD_HISTORY_LOCAL : BD_HISTORY_MERGED;
  post = bd_post_load (db, &error);
  if (post == NULL ||
      !bd_history_stay_scoped (db, post, state, number, day, scope, &source, &r, &error))
    return bd_admin_fail (error);

  on_text = bd_date_format (day);
  if (r.has_latest_exit)
    latest = bd_date_format (r.latest_exit);
  if (json)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *o = json_object_new ();
      JsonObject *rule = json_object_new ();

      json_object_set_int_member (rule, "days", post->stay.days);
      json_object_set_int_member (rule, "window", post->stay.window);
      json_object_set_object_member (o, "rule", rule);
      json_object_set_string_member (o, "on", on_text);
      json_object_set_int_member (o, "days_used", r.days_used);
      json_object_set_int_member (o, "days_remaining", r.days_remaining);
      if (latest != NULL)
        json_object_set_string_member (o, "latest_exit", latest);
      else
        json_object_set_null_member (o, "latest_exit");
      json_object_set_int_member (o, "overstay_days", r.overstay_days);
      json_node_take_object (node, o);
      bd_admin_print_json (node);
      return BD_EXIT_OK;
    }
  g_print ("rule:            %d days in any %d\n", post->stay.days, post->stay.window);
  g_print ("on:              %s\n", on_text);
  g_print ("days used:       %d\n", r.days_used);
  g_print ("days remaining:  %d\n", r.days_remaining);
  g_print ("latest exit:     %s\n", latest != NULL ? latest : "none: already over the limit");
  g_print ("overstay:        %d days\n", r.overstay_days);
  if (local)
    g_print ("history:         this desk's records only\n");
  else if (source.as_of != NULL && hq_error == NULL)
    g_print ("history:         all posts, as of %s\n", source.as_of);
  else
    g_print ("history:         this desk%s%s (HQ: %s)\n",
             source.open_stays_version > 0 ? " and HQ's open-stays feed of " : "",
             source.open_stays_version > 0 ? source.open_stays_published : "",
             hq_error != NULL ? hq_error : "no answer");
  return BD_EXIT_OK;
}

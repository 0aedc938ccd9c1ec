/* bd-watchlist-checks.c: screening as the desk shows it (bd-watchlist.h):
 * the rows of the checks panel, the audited screen of the command line,
 * and its JSON. */
#include "config.h"

#include <string.h>

#include "bd-audit.h"
#include "bd-date.h"
#include "bd-post.h"
#include "bd-watchlist.h"

#define DEFAULT_MAX_AGE_DAYS 7
/* Hits spelled out in one check row; the rest are counted. */
#define MAX_HITS_IN_CHECK 3

GPtrArray *
bd_watchlist_screen (BdDb *db, const BdActor *actor, const BdWatchlistQuery *query,
                     GError **error)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(JsonArray) references = json_array_new ();
  g_autofree char *who = bd_actor_audit_name (actor);

  if (actor == NULL || !bd_role_allows (actor->role, BD_PERM_REGISTER))
    if (!bd_actor_require (actor, BD_PERM_REVIEW, error))
      return NULL;
  hits = bd_watchlist_match (db, query, bd_watchlist_threshold (db), error);
  if (hits == NULL)
    return NULL;
  for (guint i = 0; i < hits->len; i++)
    json_array_add_string_element (references,
                                   ((BdWatchlistHit *) hits->pdata[i])->reference);
  json_object_set_int_member (details, "hits", hits->len);
  json_object_set_array_member (details, "references", json_array_ref (references));
  if (!bd_audit_record (db, who, "watchlist.screen", "watchlist", details, error))
    return NULL;
  return g_steal_pointer (&hits);
}

JsonNode *
bd_watchlist_hits_to_json (GPtrArray *hits)
{
  JsonObject *root = json_object_new ();
  JsonArray *list = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; hits != NULL && i < hits->len; i++)
    {
      BdWatchlistHit *hit = hits->pdata[i];
      JsonObject *o = json_object_new ();
      JsonArray *reasons = json_array_new ();

      json_object_set_string_member (o, "list", bd_watchlist_list_to_string (hit->list));
      json_object_set_string_member (o, "reference", hit->reference);
      json_object_set_string_member (o, "action", bd_watchlist_action_to_string (hit->action));
      json_object_set_double_member (o, "score", (gint64) (hit->score * 1000 + 0.5) / 1000.0);
      for (guint k = 0; k < hit->reasons->len; k++)
        json_array_add_string_element (reasons, hit->reasons->pdata[k]);
      json_object_set_array_member (o, "reasons", reasons);
      json_array_add_object_element (list, o);
    }
  json_object_set_array_member (root, "hits", list);
  json_node_take_object (node, root);
  return node;
}

static char *
join_reasons (GPtrArray *reasons)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < reasons->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "; " : "", (const char *) reasons->pdata[i]);
  return g_string_free (out, FALSE);
}

/* "REF (persons list, hq, deny, score 0.93): reason; reason | ..." */
static char *
describe_hits (GPtrArray *hits, BdWatchlistList list, BdCheckState *state)
{
  GString *out = g_string_new (NULL);
  guint n = 0;

  *state = BD_CHECK_OK;
  for (guint i = 0; i < hits->len; i++)
    {
      BdWatchlistHit *hit = hits->pdata[i];
      g_autofree char *reasons = NULL;

      if (hit->list != list)
        continue;
      if (hit->action == BD_WATCHLIST_NOTIFY)
        *state = MAX (*state, BD_CHECK_WARNING);
      else
        *state = BD_CHECK_BLOCK;
      if (++n > MAX_HITS_IN_CHECK)
        continue;
      reasons = join_reasons (hit->reasons);
      g_string_append_printf (out, "%s%s (%s list, %s, %s, score %.2f): %s",
                              out->len > 0 ? " | " : "", hit->reference,
                              bd_watchlist_list_to_string (hit->list),
                              bd_watchlist_source_to_string (hit->source),
                              bd_watchlist_action_to_string (hit->action), hit->score, reasons);
    }
  if (n > MAX_HITS_IN_CHECK)
    g_string_append_printf (out, " | and %u more", n - MAX_HITS_IN_CHECK);
  return g_string_free (out, n == 0);
}

static void
age_check (BdDb *db, GPtrArray *status, GPtrArray *checks)
{
  gint64 limit = bd_setting_get_int (db, BD_WATCHLIST_SETTING_MAX_AGE, DEFAULT_MAX_AGE_DAYS);
  gint64 now = bd_clock_now ();
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean stale = FALSE;

  for (guint i = 0; i < status->len; i++)
    {
      BdWatchlistStatus *s = status->pdata[i];
      gint64 days = s->updated_unix > 0 ? (now - s->updated_unix) / 86400 : G_MAXINT32;
      gboolean old = days > limit;

      stale |= old;
      g_string_append_printf (text, "%s%s list version %" G_GINT64_FORMAT ", updated %s "
                              "(%" G_GINT64_FORMAT " day%s ago%s)", text->len > 0 ? "; " : "",
                              bd_watchlist_source_to_string (s->source), s->version, s->updated,
                              days, days == 1 ? "" : "s", old ? ", over the limit" : "");
    }
  if (stale)
    bd_checks_add (checks, "watchlist-age", BD_CHECK_WARNING,
                   "stale watchlist (limit %" G_GINT64_FORMAT " days): %s", limit, text->str);
  else
    bd_checks_add (checks, "watchlist-age", BD_CHECK_OK, "%s", text->str);
}

gboolean
bd_watchlist_screen_checks (BdDb *db, const BdIdentity *identity, GPtrArray *checks,
                            GError **error)
{
  g_autoptr(GPtrArray) status = bd_watchlist_status (db, error);
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *persons_text = NULL, *documents_text = NULL;
  BdWatchlistQuery q = {
    identity->surname, identity->given_names, identity->birth_date, identity->nationality,
    identity->issuing_state, identity->number,
  };
  gint64 persons = 0, documents = 0;
  BdCheckState persons_state, documents_state;
  double threshold = bd_watchlist_threshold (db);

  if (status == NULL)
    return FALSE;
  for (guint i = 0; i < status->len; i++)
    {
      persons += ((BdWatchlistStatus *) status->pdata[i])->persons;
      documents += ((BdWatchlistStatus *) status->pdata[i])->documents;
    }
  if (status->len == 0)
    {
      bd_checks_add (checks, "watchlist", BD_CHECK_WARNING,
                     "no watchlist loaded: the traveller was not screened");
      bd_checks_add (checks, "lost-stolen", BD_CHECK_WARNING,
                     "no lost or stolen document list loaded");
      return TRUE;
    }
  hits = bd_watchlist_match (db, &q, threshold, error);
  if (hits == NULL)
    return FALSE;

  persons_text = describe_hits (hits, BD_WATCHLIST_PERSONS, &persons_state);
  if (persons_text != NULL)
    bd_checks_add (checks, "watchlist", persons_state, "%s", persons_text);
  else if (persons == 0)
    bd_checks_add (checks, "watchlist", BD_CHECK_WARNING,
                   "no persons on the loaded watchlists: the traveller was not screened");
  else
    bd_checks_add (checks, "watchlist", BD_CHECK_OK,
                   "no hit among %" G_GINT64_FORMAT " listed persons (threshold %.2f)",
                   persons, threshold);

  documents_text = describe_hits (hits, BD_WATCHLIST_DOCUMENTS, &documents_state);
  if (documents_text != NULL)
    bd_checks_add (checks, "lost-stolen", documents_state, "%s", documents_text);
  else if (documents == 0)
    bd_checks_add (checks, "lost-stolen", BD_CHECK_WARNING,
                   "no lost or stolen document list loaded");
  else
    bd_checks_add (checks, "lost-stolen", BD_CHECK_OK,
                   "not among %" G_GINT64_FORMAT " lost or stolen documents", documents);
  age_check (db, status, checks);
  return TRUE;
}

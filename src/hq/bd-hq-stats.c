/* bd-hq-stats.c: the supervisors' statistics (bd-stats.h) across every
 * post and desk, from the crossing records HQ stores as the desks signed
 * them: counts by post, hour, direction, decision, refusal reason,
 * nationality, sex, age band and vulnerability flag, alerts and
 * overrides.  One pass over the records; keys sorted. */
#include "config.h"

#include <string.h>

#include "bd-hq-stats.h"
#include "bd-stats.h"

typedef struct {
  const char *name;
  GHashTable *counts;   /* key -> count (gint64 in a pointer-sized box) */
} Group;

static void
bump (GHashTable *counts, const char *key)
{
  gint64 *n = g_hash_table_lookup (counts, key);

  if (n == NULL)
    {
      n = g_new0 (gint64, 1);
      g_hash_table_insert (counts, g_strdup (key), n);
    }
  (*n)++;
}

static const char *
text (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, name) : NULL;

  return n != NULL && JSON_NODE_HOLDS_VALUE (n) &&
         json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : NULL;
}

enum { POST, HOUR, DIRECTION, DECISION, REASON, NATIONALITY, SEX, AGE, VULNERABILITY, N_GROUPS };

static const char *const group_names[N_GROUPS] = {
  "by_post", "by_hour", "by_direction", "by_decision", "by_refusal_reason", "by_nationality",
  "by_sex", "by_age_band", "by_vulnerability"
};

/* Adds one crossing record to the groups; *@alert and *@override when it
 * met a blocking check, and was admitted over it. */
static void
count_record (GHashTable **groups, JsonObject *r, gint64 *alerts, gint64 *overrides)
{
  JsonObject *trav = json_object_has_member (r, "traveller")
                     ? json_object_get_object_member (r, "traveller") : NULL;
  const char *time = text (r, "time"), *v;
  JsonNode *reasons = json_object_get_member (r, "refusal_reasons");
  JsonNode *checks = json_object_get_member (r, "checks");
  gboolean blocked = FALSE;

  bump (groups[POST], text (r, "post") ?: "?");
  if (time != NULL && strlen (time) >= 13)
    {
      char hour[3] = { time[11], time[12], '\0' };
      bump (groups[HOUR], hour);
    }
  bump (groups[DIRECTION], text (r, "direction") ?: "?");
  bump (groups[DECISION], text (r, "decision") ?: "?");
  bump (groups[NATIONALITY], text (trav, "nationality") ?: "?");
  bump (groups[SEX], text (trav, "sex") ?: "?");
  bump (groups[AGE], bd_stats_age_band (text (trav, "birth_date"), time != NULL ? time : ""));
  for (guint i = 0; reasons != NULL && JSON_NODE_HOLDS_ARRAY (reasons) &&
                    i < json_array_get_length (json_node_get_array (reasons)); i++)
    bump (groups[REASON], json_array_get_string_element (json_node_get_array (reasons), i));
  if ((v = text (r, "vulnerability")) != NULL && *v != '\0')
    {
      g_auto(GStrv) flags = g_strsplit (v, ",", -1);
      for (guint i = 0; flags[i] != NULL; i++)
        if (*g_strstrip (flags[i]) != '\0')
          bump (groups[VULNERABILITY], flags[i]);
    }
  for (guint i = 0; checks != NULL && JSON_NODE_HOLDS_ARRAY (checks) &&
                    i < json_array_get_length (json_node_get_array (checks)); i++)
    {
      JsonNode *c = json_array_get_element (json_node_get_array (checks), i);
      if (JSON_NODE_HOLDS_OBJECT (c) &&
          g_strcmp0 (text (json_node_get_object (c), "state"), "block") == 0)
        blocked = TRUE;
    }
  *alerts += blocked;
  *overrides += text (r, "override_by") != NULL;
}

static void
add_group (JsonBuilder *b, const char *name, GHashTable *counts)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) strcmp);

  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_int_value (b, *(gint64 *) g_hash_table_lookup (counts, l->data));
    }
  json_builder_end_object (b);
}

gboolean
bd_hq_stats_add (BdHqStore *store, const char *from, const char *to, JsonBuilder *b,
                 GError **error)
{
  g_autoptr(BdHqRows) rows = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GHashTable *groups[N_GROUPS];
  const char *params[] = { from != NULL ? from : "0000-00-00", to != NULL ? to : "9999-99-99" };
  gint64 total = 0, alerts = 0, overrides = 0;

  if (!store->klass->exec (store, "SELECT record FROM crossings WHERE day >= $1 AND day <= $2",
                           2, params, &rows, error))
    return FALSE;
  for (int g = 0; g < N_GROUPS; g++)
    groups[g] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < rows->rows->len; i++)
    {
      const char *record = bd_hq_rows_get (rows, i, 0);
      JsonNode *root;

      /* Records were validated on the way in; one HQ could not read is
       * skipped rather than stop the report. */
      if (record == NULL || !json_parser_load_from_data (parser, record, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;
      count_record (groups, json_node_get_object (root), &alerts, &overrides);
      total++;
    }
  json_builder_set_member_name (b, "counts");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, total);
  for (int g = 0; g < N_GROUPS; g++)
    add_group (b, group_names[g], groups[g]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "alerts");
  json_builder_add_int_value (b, alerts);
  json_builder_set_member_name (b, "overrides");
  json_builder_add_int_value (b, overrides);
  for (int g = 0; g < N_GROUPS; g++)
    g_hash_table_unref (groups[g]);
  return TRUE;
}

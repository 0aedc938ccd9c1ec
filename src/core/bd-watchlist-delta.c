/* bd-watchlist-delta.c: HQ's signed watchlist delta (see
 * bd-watchlist-delta.h and docs/protocol.md). */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "bd-date.h"
#include "bd-jws.h"
#include "bd-pki.h"
#include "bd-watchlist-delta.h"

/* A whole national list travels as one delta; bound what a desk parses. */
#define MAX_DELTA (256 * 1024 * 1024)

void
bd_watchlist_delta_free (BdWatchlistDelta *delta)
{
  if (delta == NULL)
    return;
  g_free (delta->published);
  g_clear_pointer (&delta->added, g_ptr_array_unref);
  g_strfreev (delta->removed);
  g_free (delta->sha256);
  g_free (delta);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value != NULL ? value : "");
}

char *
bd_watchlist_delta_make (gint64 from, gint64 to, const char *published, GPtrArray *added,
                         const char *const *removed, EVP_PKEY *key, X509 *cert,
                         GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_int_value (b, from);
  json_builder_set_member_name (b, "to");
  json_builder_add_int_value (b, to);
  add_string (b, "published", published);
  json_builder_set_member_name (b, "added");
  json_builder_begin_array (b);
  for (guint i = 0; added != NULL && i < added->len; i++)
    {
      const BdWatchlistEntry *e = added->pdata[i];

      json_builder_begin_object (b);
      add_string (b, "list", bd_watchlist_list_to_string (e->list));
      add_string (b, "surname", e->surname);
      add_string (b, "given_names", e->given_names);
      add_string (b, "birth_date", e->birth_date);
      add_string (b, "nationality", e->nationality);
      add_string (b, "document_number", e->document_number);
      add_string (b, "issuing_state", e->issuing_state);
      add_string (b, "action", bd_watchlist_action_to_string (e->action));
      add_string (b, "reference", e->reference);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "removed");
  json_builder_begin_array (b);
  for (gsize i = 0; removed != NULL && removed[i] != NULL; i++)
    json_builder_add_string_value (b, removed[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return bd_jws_sign_as_hq (root, BD_JWS_TYP_WATCHLIST, key, cert, error);
}

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_INVALID,
               "watchlist delta refused: %s", what);
  return FALSE;
}

static gboolean
member_string (JsonObject *o, const char *name, char **out)
{
  const char *s = bd_json_string_member (o, name);

  *out = g_strdup (s);
  return s != NULL;
}

static BdWatchlistEntry *
entry_from_json (JsonNode *node, guint index, GError **error)
{
  g_autoptr(BdWatchlistEntry) e = bd_watchlist_entry_new ();
  g_autofree char *list = NULL, *action = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *o;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return (invalid (error, "an addition is not an object"), NULL);
  o = json_node_get_object (node);
  g_clear_pointer (&e->surname, g_free);
  g_clear_pointer (&e->given_names, g_free);
  g_clear_pointer (&e->birth_date, g_free);
  g_clear_pointer (&e->nationality, g_free);
  g_clear_pointer (&e->document_number, g_free);
  g_clear_pointer (&e->issuing_state, g_free);
  g_clear_pointer (&e->reference, g_free);
  if (!member_string (o, "list", &list) || !member_string (o, "action", &action) ||
      !member_string (o, "surname", &e->surname) ||
      !member_string (o, "given_names", &e->given_names) ||
      !member_string (o, "birth_date", &e->birth_date) ||
      !member_string (o, "nationality", &e->nationality) ||
      !member_string (o, "document_number", &e->document_number) ||
      !member_string (o, "issuing_state", &e->issuing_state) ||
      !member_string (o, "reference", &e->reference))
    {
      g_autofree char *what = g_strdup_printf ("addition %u lacks a field", index + 1);
      return (invalid (error, what), NULL);
    }
  if (strcmp (list, "persons") == 0)
    e->list = BD_WATCHLIST_PERSONS;
  else if (strcmp (list, "documents") == 0)
    e->list = BD_WATCHLIST_DOCUMENTS;
  else
    return (invalid (error, "an addition's list is not persons or documents"), NULL);
  if (strcmp (action, "deny") == 0)
    e->action = BD_WATCHLIST_DENY;
  else if (strcmp (action, "refer") == 0)
    e->action = BD_WATCHLIST_REFER;
  else if (strcmp (action, "notify") == 0)
    e->action = BD_WATCHLIST_NOTIFY;
  else
    return (invalid (error, "an addition's action is not deny, refer or notify"), NULL);
  if (!bd_watchlist_entry_validate (e, &local))
    {
      g_autofree char *what = g_strdup_printf ("addition %u (%s): %s", index + 1, e->reference,
                                               local->message);
      return (invalid (error, what), NULL);
    }
  return g_steal_pointer (&e);
}

BdWatchlistDelta *
bd_watchlist_delta_verify (const char *text, gsize length, X509 *ca, GError **error)
{
  g_autoptr(BdJws) jws = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(BdWatchlistDelta) delta = g_new0 (BdWatchlistDelta, 1);
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  JsonObject *p;
  JsonNode *added, *gone;
  const char *data;
  gsize size;
  gint64 t;

  if (length > MAX_DELTA)
    return (invalid (error, "larger than 256 MiB"), NULL);
  jws = bd_jws_parse (text, length, BD_JWS_TYP_WATCHLIST, error);
  if (jws == NULL || !bd_jws_verify_signed_by_hq (jws, ca, error))
    return NULL;
  data = g_bytes_get_data (jws->payload, &size);
  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL) ||
      json_parser_get_root (parser) == NULL ||  /* empty text parses to no root */
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return (invalid (error, "the payload is not a JSON object"), NULL);
  p = json_node_get_object (json_parser_get_root (parser));
  if (!bd_json_count_member (p, "from", &delta->from) ||
      !bd_json_count_member (p, "to", &delta->to) ||
      delta->to < delta->from)
    return (invalid (error, "\"from\" and \"to\" must be versions, from <= to"), NULL);
  if (!member_string (p, "published", &delta->published) ||
      !bd_time_parse (delta->published, &t))
    return (invalid (error, "\"published\" is not a time"), NULL);
  added = json_object_get_member (p, "added");
  gone = json_object_get_member (p, "removed");
  if (added == NULL || !JSON_NODE_HOLDS_ARRAY (added) || gone == NULL ||
      !JSON_NODE_HOLDS_ARRAY (gone))
    return (invalid (error, "\"added\" and \"removed\" must be arrays"), NULL);
  delta->added = g_ptr_array_new_with_free_func ((GDestroyNotify) bd_watchlist_entry_free);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (added)); i++)
    {
      BdWatchlistEntry *e = entry_from_json (json_array_get_element (json_node_get_array (added),
                                                                     i), i, error);
      if (e == NULL)
        return NULL;
      g_ptr_array_add (delta->added, e);
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (gone)); i++)
    {
      JsonNode *n = json_array_get_element (json_node_get_array (gone), i);

      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING ||
          *json_node_get_string (n) == '\0')
        return (invalid (error, "a removal is not a reference"), NULL);
      g_ptr_array_add (removed, g_strdup (json_node_get_string (n)));
    }
  g_ptr_array_add (removed, NULL);
  delta->removed = (GStrv) g_ptr_array_free (g_steal_pointer (&removed), FALSE);
  delta->sha256 = bd_sha256_hex (data, size);
  return g_steal_pointer (&delta);
}

/* bd-crossing-import.c: `crossings import`, history from a previous system.
 *
 * The whole file is parsed and validated before anything is written, then
 * imported in one transaction: a file with one bad line imports nothing,
 * and the error names the line.
 */
#include "config.h"

#include <string.h>
#include <openssl/evp.h>

#include "bd-audit.h"
#include "bd-crossing.h"
#include "bd-date.h"
#include "bd-post.h"
#include "bd-uuid.h"

#define MAX_IMPORT_ERRORS 20

typedef struct {
  BdIdentity identity;
  gint64 time;
  char *direction;
  char *decision;
  char *reasons;
  char *post;
} ImportRow;

static void
import_row_free (ImportRow *row)
{
  bd_identity_clear (&row->identity);
  g_free (row->direction);
  g_free (row->decision);
  g_free (row->reasons);
  g_free (row->post);
  g_free (row);
}

/* A string member, or NULL when absent, null, or not a string (then
 * *wrong_type is set). */
static const char *
get_string (JsonObject *o, const char *key, gboolean *wrong_type)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, key) : NULL;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      *wrong_type = TRUE;
      return NULL;
    }
  return json_node_get_string (n);
}

static JsonObject *
get_object (JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);

  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static ImportRow *
parse_row (const char *line, const BdPost *post, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  ImportRow *row;
  JsonObject *o, *doc, *trav;
  JsonNode *root, *reasons;
  const char *time_text;
  gboolean wrong = FALSE;
  BdDecision decision;

  if (!json_parser_load_from_data (parser, line, -1, &local))
    {
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID, "not JSON: %s",
                   local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID, "not a JSON object");
      return NULL;
    }
  o = json_node_get_object (root);
  doc = get_object (o, "document");
  trav = get_object (o, "traveller");
  if (doc == NULL || trav == NULL)
    {
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                   "\"document\" and \"traveller\" objects are required");
      return NULL;
    }

  row = g_new0 (ImportRow, 1);
  time_text = get_string (o, "time", &wrong);
  row->direction = g_strdup (get_string (o, "direction", &wrong));
  row->decision = g_strdup (get_string (o, "decision", &wrong));
  row->post = g_strdup (get_string (o, "post", &wrong));
  row->identity.code = g_strdup (get_string (doc, "code", &wrong));
  row->identity.issuing_state = g_strdup (get_string (doc, "issuing_state", &wrong));
  row->identity.number = g_strdup (get_string (doc, "number", &wrong));
  row->identity.expiry = g_strdup (get_string (doc, "expiry", &wrong));
  row->identity.surname = g_strdup (get_string (trav, "surname", &wrong));
  row->identity.given_names = g_strdup (get_string (trav, "given_names", &wrong));
  row->identity.nationality = g_strdup (get_string (trav, "nationality", &wrong));
  row->identity.birth_date = g_strdup (get_string (trav, "birth_date", &wrong));
  row->identity.sex = g_strdup (get_string (trav, "sex", &wrong));

  /* Optional fields take their neutral values. */
  if (row->identity.code == NULL)
    row->identity.code = g_strdup ("P");
  if (row->identity.expiry == NULL)
    row->identity.expiry = g_strdup ("");
  if (row->identity.given_names == NULL)
    row->identity.given_names = g_strdup ("");
  if (row->identity.birth_date == NULL)
    row->identity.birth_date = g_strdup ("");
  if (row->identity.sex == NULL)
    row->identity.sex = g_strdup ("<");
  if (row->post == NULL)
    row->post = g_strdup (post->code);

  GString *letters = g_string_new (NULL);
  reasons = json_object_get_member (o, "refusal_reasons");
  if (reasons != NULL && JSON_NODE_HOLDS_ARRAY (reasons))
    {
      JsonArray *a = json_node_get_array (reasons);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING ||
              strlen (json_node_get_string (e)) != 1)
            wrong = TRUE;
          else
            g_string_append (letters, json_node_get_string (e));
        }
    }
  else if (reasons != NULL && !JSON_NODE_HOLDS_NULL (reasons))
    wrong = TRUE;
  row->reasons = bd_refusal_reasons_normalise (letters->str);
  g_string_free (letters, TRUE);

  if (wrong)
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "a field has the wrong JSON type");
  else if (time_text == NULL || !bd_time_parse (time_text, &row->time))
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "\"time\": an ISO 8601 UTC time such as 2026-03-01T08:15:00Z");
  else if (row->time > bd_clock_now () + 86400)
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "\"time\": %s is in the future", time_text);
  else if (g_strcmp0 (row->direction, "entry") != 0 && g_strcmp0 (row->direction, "exit") != 0)
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "\"direction\": entry or exit");
  else if (!bd_decision_from_string (row->decision, &decision))
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "\"decision\": admitted, refused or referred");
  else if (row->reasons == NULL)
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "\"refusal_reasons\": letters A to I");
  else if ((decision == BD_DECISION_REFUSED) != (row->reasons[0] != '\0'))
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "refusal reasons go with refusals, and every refusal has one");
  else if (strlen (row->post) > 16 || *row->post == '\0')
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "\"post\": at most 16 characters");
  else if (row->identity.issuing_state == NULL || row->identity.number == NULL ||
           row->identity.surname == NULL || row->identity.nationality == NULL)
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                 "document.issuing_state, document.number, traveller.surname and "
                 "traveller.nationality are required");
  else if (!bd_identity_validate (&row->identity, &local))
    g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID, "%s", local->message);
  else
    return row;
  import_row_free (row);
  return NULL;
}

static char *
sha256_hex (const char *data, gsize length)
{
  guint8 digest[32];
  unsigned int n = 0;
  GString *hex = g_string_new (NULL);

  EVP_Digest (data, length, digest, &n, EVP_sha256 (), NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

gboolean
bd_crossing_import (BdDb *db, const BdActor *actor, const char *data, gsize length,
                    gint64 *n_imported, GError **error)
{
  g_autoptr(BdPost) post = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) import_row_free);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(JsonObject) details = json_object_new ();
  g_autofree char *who = bd_actor_audit_name (actor);
  g_autofree char *digest = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_problems = 0;

  if (!bd_actor_require (actor, BD_PERM_IMPORT, error))
    return FALSE;
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate_len (data, length, NULL))
    {
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                   "the file is not UTF-8 text");
      return FALSE;
    }
  post = bd_post_load (db, error);
  if (post == NULL)
    return FALSE;

  {
    /* @data is @length bytes, not necessarily NUL-terminated. */
    g_autofree char *text = g_strndup (data, length);
    lines = g_strsplit (text, "\n", -1);
  }
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) local = NULL;
      char *line = lines[i];
      gsize n = strlen (line);
      ImportRow *row;

      if (n > 0 && line[n - 1] == '\r')
        line[n - 1] = '\0';
      if (*g_strstrip (line) == '\0')
        continue;
      row = parse_row (line, post, &local);
      if (row != NULL)
        g_ptr_array_add (rows, row);
      else if (++n_problems <= MAX_IMPORT_ERRORS)
        g_string_append_printf (problems, "%sline %u: %s", n_problems > 1 ? "\n" : "",
                                i + 1, local->message);
    }
  if (n_problems > 0)
    {
      if (n_problems > MAX_IMPORT_ERRORS)
        g_string_append_printf (problems, "\n(and %u more)", n_problems - MAX_IMPORT_ERRORS);
      g_set_error (error, BD_CROSSING_ERROR, BD_CROSSING_ERROR_INVALID,
                   "nothing imported; %u bad line%s:\n%s", n_problems,
                   n_problems > 1 ? "s" : "", problems->str);
      return FALSE;
    }

  if (!bd_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    {
      ImportRow *row = rows->pdata[i];
      g_autofree char *uuid = bd_uuid_v7_new (row->time * 1000);
      g_autofree char *time_text = bd_time_format (row->time);
      gint64 traveller_id, document_id;
      sqlite3_stmt *stmt;

      if (!bd_traveller_upsert (db, &row->identity, &traveller_id, &document_id, error))
        goto fail;
      stmt = bd_db_stmt (db,
                         "INSERT INTO crossings (uuid, document_id, traveller_id, post, time, "
                         "day, direction, decision, refusal_reasons, source, doc_code, "
                         "doc_expiry, surname, given_names, nationality, birth_date, sex) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'imported', ?, ?, ?, ?, ?, ?, ?)",
                         error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, document_id);
      sqlite3_bind_int64 (stmt, 3, traveller_id);
      sqlite3_bind_text (stmt, 4, row->post, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, time_text, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, bd_day_from_unix (row->time));
      sqlite3_bind_text (stmt, 7, row->direction, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, row->decision, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 9, row->reasons, -1, SQLITE_STATIC);
      bd_bind_identity (stmt, 10, &row->identity);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          bd_db_set_error (db, error, "importing a crossing");
          sqlite3_reset (stmt);
          goto fail;
        }
      sqlite3_reset (stmt);
    }
  digest = sha256_hex (data, length);
  json_object_set_int_member (details, "crossings", rows->len);
  json_object_set_string_member (details, "sha256", digest);
  if (!bd_audit_append (db, who, "crossings.import", "crossings", details, error))
    goto fail;
  if (!bd_db_commit (db, error))
    return FALSE;
  if (n_imported != NULL)
    *n_imported = rows->len;
  return TRUE;

fail:
  bd_db_rollback (db);
  return FALSE;
}

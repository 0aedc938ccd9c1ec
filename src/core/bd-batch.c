/* bd-batch.c: batch and receipt documents (see bd-batch.h and
 * docs/protocol.md, which this file implements to the letter). */
#include "config.h"

#include <string.h>

#include "bd-batch.h"
#include "bd-country.h"
#include "bd-date.h"
#include "bd-pki.h"

G_DEFINE_QUARK (bd-batch-error-quark, bd_batch_error)

/* Longest text field a record may carry; names and free texts are far
 * shorter in practice, but a bound keeps a hostile batch from making HQ
 * store megabytes per field. */
#define MAX_TEXT 512

void
bd_batch_free (BdBatch *batch)
{
  if (batch == NULL)
    return;
  bd_jws_free (batch->jws);
  g_free (batch->desk);
  g_free (batch->prev);
  g_free (batch->created);
  g_free (batch->audit_hash);
  g_free (batch->sha256);
  g_clear_pointer (&batch->root, json_node_unref);
  g_free (batch);
}

void
bd_receipt_free (BdReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->desk);
  g_free (receipt->sha256);
  g_free (receipt->received);
  g_free (receipt);
}

static gboolean
invalid (GError **error, const char *where, const char *what)
{
  g_set_error (error, BD_BATCH_ERROR, BD_BATCH_ERROR_INVALID, "%s: %s", where, what);
  return FALSE;
}

/* Member accessors that say what is wrong.  @nullable: JSON null allowed
 * (then *out is NULL). */
static gboolean
get_string (JsonObject *o, const char *name, gsize max, gboolean nullable, const char **out,
            GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  *out = NULL;
  if (n == NULL)
    return invalid (error, name, "missing");
  if (JSON_NODE_HOLDS_NULL (n) && nullable)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return invalid (error, name, "not a string");
  *out = json_node_get_string (n);
  if (strlen (*out) > max)
    return invalid (error, name, "too long");
  for (const char *p = *out; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      return invalid (error, name, "holds a control character");
  return TRUE;
}

static gboolean
get_int (JsonObject *o, const char *name, gint64 min, gboolean nullable, gint64 *out,
         GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  *out = 0;
  if (n == NULL)
    return invalid (error, name, "missing");
  if (JSON_NODE_HOLDS_NULL (n) && nullable)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return invalid (error, name, "not an integer");
  *out = json_node_get_int (n);
  if (*out < min)
    return invalid (error, name, "out of range");
  return TRUE;
}

static gboolean
get_time (JsonObject *o, const char *name, gboolean nullable, GError **error)
{
  const char *text;
  gint64 t;

  if (!get_string (o, name, 32, nullable, &text, error))
    return FALSE;
  if (text != NULL && (!bd_time_parse (text, &t) || text[strlen (text) - 1] != 'Z'))
    return invalid (error, name, "not a UTC time (YYYY-MM-DDTHH:MM:SSZ)");
  return TRUE;
}

static gboolean
one_of (JsonObject *o, const char *name, const char *const *allowed, GError **error)
{
  const char *text;

  if (!get_string (o, name, 32, FALSE, &text, error))
    return FALSE;
  if (!g_strv_contains (allowed, text))
    return invalid (error, name, "not an allowed value");
  return TRUE;
}

static gboolean
only_members (JsonObject *o, const char *const *known, const char *where, GError **error)
{
  JsonObjectIter it;
  const char *name;

  json_object_iter_init (&it, o);
  while (json_object_iter_next (&it, &name, NULL))
    if (!g_strv_contains (known, name))
      {
        g_set_error (error, BD_BATCH_ERROR, BD_BATCH_ERROR_INVALID, "%s: unknown member \"%s\"",
                     where, name);
        return FALSE;
      }
  return TRUE;
}

static gboolean
get_object (JsonObject *o, const char *name, JsonObject **out, GError **error)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return invalid (error, name, "missing or not an object");
  *out = json_node_get_object (n);
  return TRUE;
}

/* Codes are ICAO three-letter codes (or the two- and one-letter ones with
 * their fillers dropped, such as D). */
static gboolean
get_code (JsonObject *o, const char *name, GError **error)
{
  const char *text;

  if (!get_string (o, name, 3, FALSE, &text, error))
    return FALSE;
  if (*text == '\0' || !bd_country_is_known (text))
    return invalid (error, name, "not a known ICAO country code");
  return TRUE;
}

static gboolean
validate_crossing (JsonObject *r, GError **error)
{
  static const char *const known[] = {
    "type", "id", "time", "direction", "decision", "shift", "officer", "post", "desk",
    "document", "traveller", "refusal_reasons", "source", "imported", "checks", "override_by",
    "vulnerability", "fingerprint", NULL
  };
  static const char *const directions[] = { "entry", "exit", NULL };
  static const char *const decisions[] = { "admitted", "refused", "referred", NULL };
  static const char *const sources[] = { "mrz-reader", "typed-mrz", "manual", "chip", NULL };
  static const char *const doc_known[] = { "code", "issuing_state", "number", "expiry", NULL };
  static const char *const trav_known[] = {
    "surname", "given_names", "nationality", "birth_date", "sex", NULL
  };
  JsonObject *doc, *trav;
  JsonNode *reasons, *checks;
  const char *s;
  gint64 n;

  if (!only_members (r, known, "crossing", error) ||
      !get_string (r, "id", 36, FALSE, &s, error))
    return FALSE;
  if (!g_uuid_string_is_valid (s))
    return invalid (error, "id", "not a UUID");
  if (!get_time (r, "time", FALSE, error) ||
      !one_of (r, "direction", directions, error) ||
      !one_of (r, "decision", decisions, error) ||
      !one_of (r, "source", sources, error) ||
      !get_int (r, "shift", 1, FALSE, &n, error) ||
      !get_string (r, "officer", 64, FALSE, &s, error) ||
      !get_string (r, "post", 32, FALSE, &s, error) ||
      !get_string (r, "desk", 40, FALSE, &s, error) ||
      !get_string (r, "override_by", 64, TRUE, &s, error) ||
      !get_string (r, "vulnerability", MAX_TEXT, FALSE, &s, error))
    return FALSE;

  if (!get_object (r, "document", &doc, error) ||
      !only_members (doc, doc_known, "document", error) ||
      !get_string (doc, "code", 2, FALSE, &s, error) ||
      !get_code (doc, "issuing_state", error) ||
      !get_string (doc, "number", 32, FALSE, &s, error))
    return FALSE;
  if (*s == '\0')
    return invalid (error, "document.number", "empty");
  if (!get_string (doc, "expiry", 10, FALSE, &s, error))
    return FALSE;
  if (*s != '\0' && !bd_partial_date_valid (s))
    return invalid (error, "document.expiry", "not a date");

  if (!get_object (r, "traveller", &trav, error) ||
      !only_members (trav, trav_known, "traveller", error) ||
      !get_string (trav, "surname", MAX_TEXT, FALSE, &s, error) ||
      !get_string (trav, "given_names", MAX_TEXT, FALSE, &s, error) ||
      !get_code (trav, "nationality", error) ||
      !get_string (trav, "birth_date", 10, FALSE, &s, error))
    return FALSE;
  if (*s != '\0' && !bd_partial_date_valid (s))
    return invalid (error, "traveller.birth_date", "not a date");
  if (!get_string (trav, "sex", 1, FALSE, &s, error))
    return FALSE;
  if (strchr ("FMX<", *s) == NULL || *s == '\0')
    return invalid (error, "traveller.sex", "not F, M, X or <");

  reasons = json_object_get_member (r, "refusal_reasons");
  if (reasons == NULL || !JSON_NODE_HOLDS_ARRAY (reasons) ||
      json_array_get_length (json_node_get_array (reasons)) > 9)
    return invalid (error, "refusal_reasons", "not an array of letters");
  for (guint i = 0; i < json_array_get_length (json_node_get_array (reasons)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (reasons), i);
      const char *l;

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING ||
          strlen (l = json_node_get_string (e)) != 1 || l[0] < 'A' || l[0] > 'I')
        return invalid (error, "refusal_reasons", "not letters A to I");
    }
  checks = json_object_get_member (r, "checks");
  if (checks != NULL && !JSON_NODE_HOLDS_ARRAY (checks) && !JSON_NODE_HOLDS_NULL (checks))
    return invalid (error, "checks", "not an array");
  return TRUE;
}

static gboolean
validate_amendment (JsonObject *r, GError **error)
{
  static const char *const known[] = {
    "type", "id", "crossing", "time", "officer", "field", "old_value", "new_value", "reason",
    NULL
  };
  const char *s;
  gint64 n;

  if (!only_members (r, known, "amendment", error) ||
      !get_int (r, "id", 1, FALSE, &n, error) ||
      !get_string (r, "crossing", 36, FALSE, &s, error))
    return FALSE;
  if (!g_uuid_string_is_valid (s))
    return invalid (error, "crossing", "not a UUID");
  if (!get_time (r, "time", FALSE, error) ||
      !get_string (r, "officer", 64, TRUE, &s, error) ||
      !get_string (r, "field", 64, FALSE, &s, error) ||
      !get_string (r, "old_value", MAX_TEXT, TRUE, &s, error) ||
      !get_string (r, "new_value", MAX_TEXT, TRUE, &s, error) ||
      !get_string (r, "reason", MAX_TEXT, FALSE, &s, error))
    return FALSE;
  if (*s == '\0')
    return invalid (error, "reason", "empty");
  return TRUE;
}

static gboolean
validate_shift (JsonObject *r, GError **error)
{
  static const char *const known[] = {
    "type", "event", "shift", "officer", "desk", "opened", "closed", "signed_off_by",
    "signed_off_at", NULL
  };
  static const char *const events[] = { "opened", "closed", "signed-off", NULL };
  const char *s;
  gint64 n;

  return only_members (r, known, "shift", error) &&
         one_of (r, "event", events, error) &&
         get_int (r, "shift", 1, FALSE, &n, error) &&
         get_string (r, "officer", 64, FALSE, &s, error) &&
         get_string (r, "desk", 40, FALSE, &s, error) &&
         get_time (r, "opened", FALSE, error) &&
         get_time (r, "closed", TRUE, error) &&
         get_string (r, "signed_off_by", 64, TRUE, &s, error) &&
         get_time (r, "signed_off_at", TRUE, error);
}

gboolean
bd_batch_validate_record (JsonObject *record, GError **error)
{
  const char *type;
  gboolean ok;

  if (!get_string (record, "type", 16, FALSE, &type, error))
    return FALSE;
  if (strcmp (type, "crossing") == 0)
    ok = validate_crossing (record, error);
  else if (strcmp (type, "amendment") == 0)
    ok = validate_amendment (record, error);
  else if (strcmp (type, "shift") == 0)
    ok = validate_shift (record, error);
  else
    return invalid (error, "type", "not crossing, amendment or shift");
  if (!ok)
    g_prefix_error (error, "%s record: ", type);
  return ok;
}

static gboolean
is_hex64 (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s) && !(*s >= 'a' && *s <= 'f'))
      return FALSE;
  return TRUE;
}

/* A desk id is POST/N: the post code (letters, digits, '-') and a desk
 * number. */
static gboolean
desk_id_valid (const char *desk)
{
  const char *slash = strchr (desk, '/');
  guint64 n;

  if (slash == NULL || slash == desk || slash - desk > 24)
    return FALSE;
  for (const char *p = desk; p < slash; p++)
    if (!g_ascii_isalnum (*p) && *p != '-')
      return FALSE;
  return g_ascii_string_to_unsigned (slash + 1, 10, 1, 9999, &n, NULL);
}

static JsonObject *
parse_payload (GBytes *payload, JsonNode **root, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (payload, &length);

  if (length > BD_BATCH_MAX_BYTES || memchr (data, '\0', length) != NULL ||
      !g_utf8_validate (data, (gssize) length, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      json_parser_get_root (parser) == NULL ||  /* empty text parses to no root */
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "payload", "not a JSON object");
      return NULL;
    }
  *root = json_node_ref (json_parser_get_root (parser));
  return json_node_get_object (*root);
}

BdBatch *
bd_batch_parse (const char *text, gsize length, GError **error)
{
  static const char *const known[] = {
    "desk", "epoch", "seq", "prev", "created", "audit_head", "records", NULL
  };
  static const char *const head_known[] = { "seq", "hash", NULL };
  g_autoptr(BdBatch) batch = g_new0 (BdBatch, 1);
  JsonObject *p, *head;
  JsonNode *records;
  const char *s;
  gsize size;
  gconstpointer data;

  if (length > BD_BATCH_MAX_BODY)
    return (invalid (error, "batch", "larger than 8 MiB"), NULL);
  batch->jws = bd_jws_parse (text, length, BD_JWS_TYP_BATCH, error);
  if (batch->jws == NULL)
    return NULL;
  p = parse_payload (batch->jws->payload, &batch->root, error);
  if (p == NULL || !only_members (p, known, "payload", error) ||
      !get_string (p, "desk", 40, FALSE, &s, error))
    return NULL;
  if (!desk_id_valid (s))
    return (invalid (error, "desk", "not a desk id (POST/N)"), NULL);
  batch->desk = g_strdup (s);
  if (!get_int (p, "epoch", 1, FALSE, &batch->epoch, error) ||
      !get_int (p, "seq", 1, FALSE, &batch->seq, error) ||
      !get_string (p, "prev", 64, FALSE, &s, error))
    return NULL;
  if (!is_hex64 (s))
    return (invalid (error, "prev", "not a lowercase hex SHA-256"), NULL);
  if (batch->seq == 1 && strcmp (s, BD_SHA256_ZERO) != 0)
    return (invalid (error, "prev", "must be 64 zeros for seq 1"), NULL);
  batch->prev = g_strdup (s);
  if (!get_time (p, "created", FALSE, error))
    return NULL;
  batch->created = g_strdup (json_object_get_string_member (p, "created"));
  if (!get_object (p, "audit_head", &head, error) ||
      !only_members (head, head_known, "audit_head", error) ||
      !get_int (head, "seq", 0, FALSE, &batch->audit_seq, error) ||
      !get_string (head, "hash", 64, FALSE, &s, error))
    return NULL;
  if (!is_hex64 (s))
    return (invalid (error, "audit_head.hash", "not a lowercase hex SHA-256"), NULL);
  batch->audit_hash = g_strdup (s);
  records = json_object_get_member (p, "records");
  if (records == NULL || !JSON_NODE_HOLDS_ARRAY (records))
    return (invalid (error, "records", "missing or not an array"), NULL);
  batch->records = json_node_get_array (records);
  if (json_array_get_length (batch->records) > BD_BATCH_MAX_RECORDS)
    return (invalid (error, "records", "more than 500"), NULL);
  for (guint i = 0; i < json_array_get_length (batch->records); i++)
    {
      JsonNode *r = json_array_get_element (batch->records, i);

      if (!JSON_NODE_HOLDS_OBJECT (r))
        return (invalid (error, "records", "an element is not an object"), NULL);
      if (!bd_batch_validate_record (json_node_get_object (r), error))
        {
          g_prefix_error (error, "record %u: ", i + 1);
          return NULL;
        }
    }
  if (strcmp (batch->jws->kid, batch->desk) != 0)
    {
      g_set_error (error, BD_BATCH_ERROR, BD_BATCH_ERROR_KID,
                   "the JWS kid \"%s\" is not the batch's desk \"%s\"", batch->jws->kid,
                   batch->desk);
      return NULL;
    }
  data = g_bytes_get_data (batch->jws->payload, &size);
  batch->sha256 = bd_sha256_hex (data, size);
  return g_steal_pointer (&batch);
}

char *
bd_receipt_make (const BdBatch *batch, const char *received, EVP_PKEY *key, X509 *cert,
                 GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "desk");
  json_builder_add_string_value (b, batch->desk);
  json_builder_set_member_name (b, "epoch");
  json_builder_add_int_value (b, batch->epoch);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, batch->seq);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, batch->sha256);
  json_builder_set_member_name (b, "received");
  json_builder_add_string_value (b, received);
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, json_array_get_length (batch->records));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return bd_jws_sign_as_hq (root, BD_JWS_TYP_RECEIPT, key, cert, error);
}

BdReceipt *
bd_receipt_verify (const char *text, gsize length, X509 *ca, GError **error)
{
  static const char *const known[] = {
    "desk", "epoch", "seq", "sha256", "received", "records", NULL
  };
  g_autoptr(BdJws) jws = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(BdReceipt) receipt = g_new0 (BdReceipt, 1);
  JsonObject *p;
  const char *s;

  if (length > 256 * 1024)
    return (invalid (error, "receipt", "too large"), NULL);
  jws = bd_jws_parse (text, length, BD_JWS_TYP_RECEIPT, error);
  if (jws == NULL || !bd_jws_verify_signed_by_hq (jws, ca, error))
    return NULL;
  p = parse_payload (jws->payload, &root, error);
  if (p == NULL || !only_members (p, known, "receipt", error) ||
      !get_string (p, "desk", 40, FALSE, &s, error))
    return NULL;
  receipt->desk = g_strdup (s);
  if (!get_int (p, "epoch", 1, FALSE, &receipt->epoch, error) ||
      !get_int (p, "seq", 1, FALSE, &receipt->seq, error) ||
      !get_string (p, "sha256", 64, FALSE, &s, error))
    return NULL;
  if (!is_hex64 (s))
    return (invalid (error, "sha256", "not a lowercase hex SHA-256"), NULL);
  receipt->sha256 = g_strdup (s);
  if (!get_time (p, "received", FALSE, error) ||
      !get_int (p, "records", 0, FALSE, &receipt->records, error))
    return NULL;
  receipt->received = g_strdup (json_object_get_string_member (p, "received"));
  return g_steal_pointer (&receipt);
}

/* bd-jws.c: flattened JWS with EdDSA only (see bd-jws.h). */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <openssl/err.h>
#include <openssl/sha.h>

#include "bd-cleanup.h"
#include "bd-jws.h"
#include "bd-pki.h"

G_DEFINE_QUARK (bd-jws-error-quark, bd_jws_error)

/* A header larger than this is not one of ours: three certificates in x5c
 * fit with room to spare. */
#define MAX_HEADER (64 * 1024)

static const char b64url[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *
bd_base64url_encode (const guint8 *data, gsize length)
{
  GString *out = g_string_sized_new ((length + 2) / 3 * 4 + 1);
  gsize i;

  for (i = 0; i + 2 < length; i += 3)
    {
      guint32 v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      g_string_append_c (out, b64url[(v >> 18) & 63]);
      g_string_append_c (out, b64url[(v >> 12) & 63]);
      g_string_append_c (out, b64url[(v >> 6) & 63]);
      g_string_append_c (out, b64url[v & 63]);
    }
  if (length - i == 1)
    {
      guint32 v = data[i] << 16;
      g_string_append_c (out, b64url[(v >> 18) & 63]);
      g_string_append_c (out, b64url[(v >> 12) & 63]);
    }
  else if (length - i == 2)
    {
      guint32 v = (data[i] << 16) | (data[i + 1] << 8);
      g_string_append_c (out, b64url[(v >> 18) & 63]);
      g_string_append_c (out, b64url[(v >> 12) & 63]);
      g_string_append_c (out, b64url[(v >> 6) & 63]);
    }
  return g_string_free (out, FALSE);
}

static int
b64url_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

/* Strict: the unpadded alphabet of RFC 7515 section 2 only, and no
 * non-zero bits left over (one encoding per byte string).  NULL if not. */
GBytes *
bd_base64url_decode (const char *text, gsize length)
{
  g_autoptr(GByteArray) out = NULL;
  guint32 acc = 0;
  int bits = 0;

  if (length % 4 == 1)
    return NULL;
  out = g_byte_array_sized_new (length * 3 / 4 + 1);
  for (gsize i = 0; i < length; i++)
    {
      int v = b64url_value (text[i]);
      if (v < 0)
        return NULL;
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          guint8 byte = (acc >> (bits - 8)) & 0xff;
          g_byte_array_append (out, &byte, 1);
          bits -= 8;
        }
    }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

char *
bd_sha256_hex (const void *data, gsize length)
{
  guint8 md[SHA256_DIGEST_LENGTH];
  char *hex = g_malloc (2 * SHA256_DIGEST_LENGTH + 1);

  SHA256 (data, length, md);
  for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", md[i]);
  return hex;
}

void
bd_jws_free (BdJws *jws)
{
  if (jws == NULL)
    return;
  g_free (jws->kid);
  g_free (jws->typ);
  g_clear_pointer (&jws->x5c, g_ptr_array_unref);
  g_clear_pointer (&jws->payload, g_bytes_unref);
  g_free (jws->signing_input);
  g_clear_pointer (&jws->signature, g_bytes_unref);
  g_free (jws);
}

static gboolean
openssl_error (GError **error, int code, const char *what)
{
  unsigned long e = ERR_get_error ();
  char buf[256] = "";

  if (e != 0)
    ERR_error_string_n (e, buf, sizeof buf);
  ERR_clear_error ();
  g_set_error (error, BD_JWS_ERROR, code, "%s%s%s", what, *buf ? ": " : "", buf);
  return FALSE;
}

char *
bd_jws_sign (EVP_PKEY *key, const char *kid, const char *typ, GPtrArray *x5c,
             GBytes *payload, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) header = NULL;
  g_autofree char *header_json = NULL, *protected_b64 = NULL, *payload_b64 = NULL;
  g_autofree char *input = NULL, *sig_b64 = NULL;
  g_autoptr(EVP_MD_CTX) md = EVP_MD_CTX_new ();
  guint8 sig[64];
  size_t sig_len = sizeof sig;
  gsize length;
  const guint8 *data = g_bytes_get_data (payload, &length);

  if (EVP_PKEY_get_id (key) != EVP_PKEY_ED25519)
    {
      g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_HEADER, "signing key is not Ed25519");
      return NULL;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alg");
  json_builder_add_string_value (b, "EdDSA");
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, kid);
  json_builder_set_member_name (b, "typ");
  json_builder_add_string_value (b, typ);
  if (x5c != NULL && x5c->len > 0)
    {
      json_builder_set_member_name (b, "x5c");
      json_builder_begin_array (b);
      for (guint i = 0; i < x5c->len; i++)
        {
          guint8 *der = NULL;
          int n = i2d_X509 (g_ptr_array_index (x5c, i), &der);
          g_autofree char *b64 = NULL;

          if (n <= 0)
            return (openssl_error (error, BD_JWS_ERROR_CERTIFICATE, "encoding x5c"), NULL);
          /* x5c is standard base64 with padding (RFC 7515 4.1.6). */
          b64 = g_base64_encode (der, (gsize) n);
          OPENSSL_free (der);
          json_builder_add_string_value (b, b64);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  header = json_builder_get_root (b);
  header_json = json_to_string (header, FALSE);
  protected_b64 = bd_base64url_encode ((const guint8 *) header_json, strlen (header_json));
  payload_b64 = bd_base64url_encode (data, length);
  input = g_strconcat (protected_b64, ".", payload_b64, NULL);

  /* Ed25519 is one-shot and takes no digest (OpenSSL 3). */
  if (md == NULL || EVP_DigestSignInit (md, NULL, NULL, NULL, key) != 1 ||
      EVP_DigestSign (md, sig, &sig_len, (const guint8 *) input, strlen (input)) != 1)
    return (openssl_error (error, BD_JWS_ERROR_SIGNATURE, "signing"), NULL);
  sig_b64 = bd_base64url_encode (sig, sig_len);
  return g_strdup_printf ("{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"%s\"}",
                          protected_b64, payload_b64, sig_b64);
}

char *
bd_jws_sign_as_hq (JsonNode *payload, const char *typ, EVP_PKEY *key, X509 *cert,
                   GError **error)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GPtrArray) x5c = g_ptr_array_new ();
  g_autofree char *cn = bd_pki_common_name (cert);
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  char *text;

  json_generator_set_root (gen, payload);
  text = json_generator_to_data (gen, &length);
  bytes = g_bytes_new_take (text, length);
  g_ptr_array_add (x5c, cert);
  return bd_jws_sign (key, cn != NULL ? cn : "hq", typ, x5c, bytes, error);
}

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_MALFORMED, "not a valid JWS: %s", what);
  return FALSE;
}

static gboolean
bad_header (GError **error, const char *what)
{
  g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_HEADER, "JWS header refused: %s", what);
  return FALSE;
}

const char *
bd_json_string_member (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gboolean
bd_json_count_member (JsonObject *o, const char *name, gint64 *out)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return *out >= 0;
}

static gboolean
parse_header (BdJws *jws, GBytes *header_bytes, const char *expected_typ, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (header_bytes, &length);
  JsonObject *h;
  const char *alg, *kid, *typ;
  JsonNode *x5c;

  if (length > MAX_HEADER || memchr (data, '\0', length) != NULL ||
      !g_utf8_validate (data, (gssize) length, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) length, NULL) ||
      json_parser_get_root (parser) == NULL ||  /* empty text parses to no root */
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return malformed (error, "the protected header is not a JSON object");
  h = json_node_get_object (json_parser_get_root (parser));
  alg = bd_json_string_member (h, "alg");
  kid = bd_json_string_member (h, "kid");
  typ = bd_json_string_member (h, "typ");
  if (json_object_has_member (h, "crit"))
    return bad_header (error, "\"crit\" is not accepted");
  if (g_strcmp0 (alg, "EdDSA") != 0)
    return bad_header (error, "\"alg\" must be \"EdDSA\"");
  if (kid == NULL || *kid == '\0' || strlen (kid) > 128)
    return bad_header (error, "\"kid\" missing");
  if (typ == NULL || g_strcmp0 (typ, expected_typ) != 0)
    {
      g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_HEADER,
                   "JWS header refused: \"typ\" is \"%s\", expected \"%s\"",
                   typ != NULL ? typ : "", expected_typ);
      return FALSE;
    }
  jws->kid = g_strdup (kid);
  jws->typ = g_strdup (typ);
  jws->x5c = g_ptr_array_new_with_free_func ((GDestroyNotify) X509_free);
  x5c = json_object_get_member (h, "x5c");
  if (x5c != NULL)
    {
      JsonArray *a;

      if (!JSON_NODE_HOLDS_ARRAY (x5c))
        return bad_header (error, "\"x5c\" is not an array");
      a = json_node_get_array (x5c);
      if (json_array_get_length (a) == 0 || json_array_get_length (a) > 4)
        return bad_header (error, "\"x5c\" must hold one to four certificates");
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *e = json_array_get_element (a, i);
          g_autofree guint8 *der = NULL;
          const guint8 *p;
          gsize n = 0;
          X509 *cert;

          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
            return bad_header (error, "\"x5c\" holds a non-string");
          der = g_base64_decode (json_node_get_string (e), &n);
          p = der;
          cert = n > 0 ? d2i_X509 (NULL, &p, (long) n) : NULL;
          if (cert == NULL || p != der + n)
            {
              X509_free (cert);
              ERR_clear_error ();
              return bad_header (error, "\"x5c\" holds something that is not a certificate");
            }
          g_ptr_array_add (jws->x5c, cert);
        }
    }
  return TRUE;
}

static GBytes *
decode_member (JsonObject *o, const char *name)
{
  const char *text = bd_json_string_member (o, name);

  return text != NULL ? bd_base64url_decode (text, strlen (text)) : NULL;
}

BdJws *
bd_jws_parse (const char *text, gsize length, const char *expected_typ, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(BdJws) jws = g_new0 (BdJws, 1);
  g_autoptr(GBytes) header = NULL;
  JsonObject *o;
  JsonObjectIter it;
  const char *name;

  if (memchr (text, '\0', length) != NULL || !g_utf8_validate (text, (gssize) length, NULL) ||
      !json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return (malformed (error, "not a JSON object"), NULL);
  o = json_node_get_object (json_parser_get_root (parser));
  /* Only the three members of the flattened form: an unprotected "header"
   * could say things the signature does not cover. */
  json_object_iter_init (&it, o);
  while (json_object_iter_next (&it, &name, NULL))
    if (strcmp (name, "protected") != 0 && strcmp (name, "payload") != 0 &&
        strcmp (name, "signature") != 0)
      {
        g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_HEADER,
                     "JWS refused: unexpected member \"%s\"", name);
        return NULL;
      }
  header = decode_member (o, "protected");
  jws->payload = decode_member (o, "payload");
  jws->signature = decode_member (o, "signature");
  if (header == NULL || jws->payload == NULL || jws->signature == NULL)
    return (malformed (error, "protected, payload and signature must be base64url"), NULL);
  if (!parse_header (jws, header, expected_typ, error))
    return NULL;
  jws->signing_input = g_strconcat (bd_json_string_member (o, "protected"), ".",
                                    bd_json_string_member (o, "payload"), NULL);
  return g_steal_pointer (&jws);
}

gboolean
bd_jws_verify (const BdJws *jws, EVP_PKEY *key, GError **error)
{
  g_autoptr(EVP_MD_CTX) md = EVP_MD_CTX_new ();
  gsize sig_len;
  const guint8 *sig = g_bytes_get_data (jws->signature, &sig_len);

  if (EVP_PKEY_get_id (key) != EVP_PKEY_ED25519)
    {
      g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_SIGNATURE,
                   "the signer's key is not an Ed25519 key");
      return FALSE;
    }
  if (md == NULL || EVP_DigestVerifyInit (md, NULL, NULL, NULL, key) != 1)
    return openssl_error (error, BD_JWS_ERROR_SIGNATURE, "verifying");
  if (EVP_DigestVerify (md, sig, sig_len, (const guint8 *) jws->signing_input,
                        strlen (jws->signing_input)) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_SIGNATURE, "the signature does not verify");
      return FALSE;
    }
  return TRUE;
}

gboolean
bd_jws_verify_signed_by_hq (const BdJws *jws, X509 *ca, GError **error)
{
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) local = NULL;
  X509 *leaf;

  if (jws->x5c == NULL || jws->x5c->len == 0)
    {
      g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_CERTIFICATE,
                   "no signing certificate (x5c) in the header");
      return FALSE;
    }
  leaf = g_ptr_array_index (jws->x5c, 0);
  chain = g_ptr_array_new ();
  for (guint i = 1; i < jws->x5c->len; i++)
    g_ptr_array_add (chain, g_ptr_array_index (jws->x5c, i));
  if (!bd_pki_verify_cert (leaf, chain, ca, BD_OID_DOCUMENT_SIGNING, &local))
    {
      g_set_error (error, BD_JWS_ERROR, BD_JWS_ERROR_CERTIFICATE,
                   "not signed by HQ's document-signing certificate: %s", local->message);
      return FALSE;
    }
  return bd_jws_verify (jws, X509_get0_pubkey (leaf), error);
}

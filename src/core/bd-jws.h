/* bd-jws.h: the signed envelope of every file the desk and HQ exchange.
 *
 * RFC 7515 JWS in the flattened JSON serialization, with exactly one
 * algorithm, EdDSA over Ed25519 (RFC 8037).  The protected header carries
 * `alg`, `kid`, `typ` and, for HQ's documents, `x5c`; an unprotected
 * `header` member, any `crit`, or any other `alg` is refused, so nothing a
 * verifier acts on escapes the signature (docs/protocol.md).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

G_BEGIN_DECLS

#define BD_JWS_ERROR (bd_jws_error_quark ())
GQuark bd_jws_error_quark (void);

typedef enum {
  BD_JWS_ERROR_MALFORMED,    /* not a flattened JWS, bad base64url, bad header JSON */
  BD_JWS_ERROR_HEADER,       /* alg, crit, typ or kid not as the protocol says */
  BD_JWS_ERROR_SIGNATURE,    /* the signature does not verify */
  BD_JWS_ERROR_CERTIFICATE,  /* x5c missing, not chaining to the CA, wrong purpose */
} BdJwsError;

#define BD_JWS_TYP_BATCH     "borderdesk-batch+jws"
#define BD_JWS_TYP_RECEIPT   "borderdesk-receipt+jws"
#define BD_JWS_TYP_WATCHLIST "borderdesk-watchlist+jws"
#define BD_JWS_TYP_HISTORY   "borderdesk-history+jws"

typedef struct {
  char *kid;
  char *typ;
  GPtrArray *x5c;        /* X509 *, leaf first; empty when the header has none */
  GBytes *payload;       /* the decoded payload bytes */
  char *signing_input;   /* BASE64URL(protected) "." BASE64URL(payload) */
  GBytes *signature;
} BdJws;

void     bd_jws_free   (BdJws *jws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdJws, bd_jws_free)

/* Signs @payload with the Ed25519 @key.  @x5c (nullable): certificates to
 * name in the header, leaf first.  Returns the flattened JWS as one line
 * of JSON, or NULL with @error. */
char    *bd_jws_sign   (EVP_PKEY     *key,
                        const char   *kid,
                        const char   *typ,
                        GPtrArray    *x5c,
                        GBytes       *payload,
                        GError      **error);

/* HQ's documents: signs @payload (serialized here) with HQ's
 * document-signing @key, `kid` the commonName of @cert and @cert alone in
 * `x5c`. */
char    *bd_jws_sign_as_hq (JsonNode     *payload,
                            const char   *typ,
                            EVP_PKEY     *key,
                            X509         *cert,
                            GError      **error);

/* Parses @text (a flattened JWS, at most @length bytes, not necessarily
 * NUL-terminated) and checks the header rules, including `typ` against
 * @expected_typ.  Verifies nothing: call bd_jws_verify(). */
BdJws   *bd_jws_parse  (const char   *text,
                        gsize         length,
                        const char   *expected_typ,
                        GError      **error);

/* Checks the signature with @key (an Ed25519 public key). */
gboolean bd_jws_verify (const BdJws  *jws,
                        EVP_PKEY     *key,
                        GError      **error);

/* For HQ's documents: the x5c leaf must chain to @ca, carry the
 * document-signing extended key usage (RFC 9336) and be valid now; then
 * the signature is checked with its key. */
gboolean bd_jws_verify_signed_by_hq (const BdJws *jws,
                                     X509        *ca,
                                     GError     **error);

char    *bd_base64url_encode (const guint8 *data, gsize length);
GBytes  *bd_base64url_decode (const char *text, gsize length);

/* Lowercase hex SHA-256. */
char    *bd_sha256_hex (const void *data, gsize length);

/* Members of a signed document's JSON, strictly typed: the string member
 * @name, or NULL when absent or not a string; the non-negative integer
 * member @name, or FALSE when absent, not an integer or negative. */
const char *bd_json_string_member (JsonObject *o, const char *name);
gboolean    bd_json_count_member  (JsonObject *o, const char *name, gint64 *out);

G_END_DECLS

/* bd-password.c: officer password hashes (scrypt through OpenSSL 3).
 *
 * Stored strings come from the database, which HQ may one day fill: they
 * are parsed strictly and their cost parameters bounded before any work is
 * done with them.
 */

#include "bd-password.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "bd-cleanup.h"

/* Parameters for new hashes: N = 2^15, r = 8 takes 32 MiB and about a tenth
 * of a second per check. */
#define HASH_LN   15
#define HASH_R    8
#define HASH_P    1
#define SALT_LEN  16
#define KEY_LEN   32

#define PASSWORD_MAX 1024

/* Bounds on what a stored string may ask for.  The salt and key lengths are
 * the hasher's choice (ours are 16 and 32); a key shorter than 16 bytes
 * would make guessing by collision practical. */
#define LN_MAX        20
#define R_MAX         32
#define P_MAX         16
#define SALT_MIN      1
#define SALT_MAX      64
#define KEY_MIN       16
#define KEY_MAX       64
#define STORED_MAX    256
#define MAXMEM_FLOOR  (G_GUINT64_CONSTANT (64) << 20)
/* Each parameter within its bound can still combine into 4 GiB of memory;
 * refuse such strings rather than let one login take the desk down. */
#define MAXMEM_CAP    (G_GUINT64_CONSTANT (2) << 30)

G_DEFINE_QUARK (bd-password-error-quark, bd_password_error)

typedef struct {
  guint ln;
  guint32 r;
  guint32 p;
  guint8 *salt;
  gsize salt_len;
  guint8 *key;
  gsize key_len;
} StoredHash;

static void
stored_hash_clear (StoredHash *stored)
{
  g_clear_pointer (&stored->salt, g_free);
  g_clear_pointer (&stored->key, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StoredHash, stored_hash_clear)

/* Sets @error from the first queued OpenSSL error and clears the rest of the
 * queue, so that a later failure does not report this one. */
static void
set_crypto_error (GError     **error,
                  const char  *what)
{
  unsigned long code = ERR_get_error ();
  char message[256];

  if (code != 0)
    ERR_error_string_n (code, message, sizeof message);
  else
    g_strlcpy (message, "unknown error", sizeof message);
  ERR_clear_error ();

  g_set_error (error, BD_PASSWORD_ERROR, BD_PASSWORD_ERROR_CRYPTO, "%s: %s", what, message);
}

/* The memory OpenSSL's scrypt allocates for these parameters (B and V in
 * providers/implementations/kdfs/scrypt.c); it refuses when maxmem is
 * smaller. */
static guint64
scrypt_memory (guint   ln,
               guint32 r,
               guint32 p)
{
  return (guint64) 128 * r * p + (guint64) 128 * r * ((G_GUINT64_CONSTANT (1) << ln) + 2);
}

/* Derives @out_len bytes into @out.  Parameters are within our bounds. */
static gboolean
derive (const char    *password,
        gsize          password_len,
        const guint8  *salt,
        gsize          salt_len,
        guint          ln,
        guint32        r,
        guint32        p,
        guint8        *out,
        gsize          out_len,
        GError       **error)
{
  uint64_t n = G_GUINT64_CONSTANT (1) << ln;
  uint64_t maxmem = MAX (MAXMEM_FLOOR, scrypt_memory (ln, r, p));

  g_autoptr(EVP_KDF) kdf = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_SCRYPT, NULL);
  if (kdf == NULL)
    {
      set_crypto_error (error, "Cannot load scrypt");
      return FALSE;
    }

  g_autoptr(EVP_KDF_CTX) ctx = EVP_KDF_CTX_new (kdf);
  if (ctx == NULL)
    {
      set_crypto_error (error, "Cannot create a scrypt context");
      return FALSE;
    }

  /* The context copies the password and wipes its copy when freed. */
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD, (void *) password, password_len),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, (void *) salt, salt_len),
    OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n),
    OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r),
    OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p),
    OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
    OSSL_PARAM_construct_end (),
  };

  if (EVP_KDF_derive (ctx, out, out_len, params) <= 0)
    {
      set_crypto_error (error, "scrypt failed");
      return FALSE;
    }
  return TRUE;
}

/* Parses "<name>=<decimal>" with 1 <= value <= @max: digits only, no sign,
 * no leading zero, so that each value has exactly one spelling. */
static gboolean
parse_param (const char *field,
             const char *name,
             guint       max,
             guint      *value)
{
  gsize name_len = strlen (name);

  if (strncmp (field, name, name_len) != 0 || field[name_len] != '=')
    return FALSE;

  const char *digits = field + name_len + 1;
  gsize n_digits = strlen (digits);
  if (n_digits == 0 || n_digits > 3 || digits[0] == '0')
    return FALSE;

  guint v = 0;
  for (gsize i = 0; i < n_digits; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        return FALSE;
      v = v * 10 + (guint) g_ascii_digit_value (digits[i]);
    }
  if (v > max)
    return FALSE;

  *value = v;
  return TRUE;
}

/* Decodes canonical padded base64 of @min..@max bytes.  g_base64_decode()
 * skips characters it does not know, so the result is re-encoded and must
 * give back the input exactly. */
static guint8 *
decode_base64 (const char *text,
               gsize       min,
               gsize       max,
               gsize      *len)
{
  if (text[0] == '\0')
    return NULL;

  g_autofree guint8 *data = g_base64_decode (text, len);
  if (*len < min || *len > max)
    return NULL;

  g_autofree char *again = g_base64_encode (data, *len);
  if (strcmp (again, text) != 0)
    return NULL;

  return g_steal_pointer (&data);
}

/* Fills @stored from @text, or returns FALSE when @text is not one of our
 * hashes or asks for more than our bounds allow. */
static gboolean
parse_fields (const char *text,
              StoredHash *stored)
{
  if (strnlen (text, STORED_MAX + 1) > STORED_MAX)
    return FALSE;

  /* "", "scrypt", "ln=..,r=..,p=..", salt, key */
  g_auto(GStrv) fields = g_strsplit (text, "$", 0);
  if (g_strv_length (fields) != 5 || fields[0][0] != '\0' || strcmp (fields[1], "scrypt") != 0)
    return FALSE;

  g_auto(GStrv) params = g_strsplit (fields[2], ",", 0);
  guint ln, r, p;
  if (g_strv_length (params) != 3
      || !parse_param (params[0], "ln", LN_MAX, &ln)
      || !parse_param (params[1], "r", R_MAX, &r)
      || !parse_param (params[2], "p", P_MAX, &p)
      || scrypt_memory (ln, r, p) > MAXMEM_CAP)
    return FALSE;

  stored->ln = ln;
  stored->r = r;
  stored->p = p;
  stored->salt = decode_base64 (fields[3], SALT_MIN, SALT_MAX, &stored->salt_len);
  stored->key = decode_base64 (fields[4], KEY_MIN, KEY_MAX, &stored->key_len);
  return stored->salt != NULL && stored->key != NULL;
}

static gboolean
parse_stored (const char  *text,
              StoredHash  *stored,
              GError     **error)
{
  if (parse_fields (text, stored))
    return TRUE;

  /* The stored string is not echoed: it is a credential. */
  g_set_error_literal (error, BD_PASSWORD_ERROR, BD_PASSWORD_ERROR_MALFORMED,
                       "Stored password hash is not a supported scrypt hash");
  return FALSE;
}

char *
bd_password_hash (const char  *password,
                  GError     **error)
{
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gsize len = strnlen (password, PASSWORD_MAX + 1);
  if (len == 0)
    {
      g_set_error_literal (error, BD_PASSWORD_ERROR, BD_PASSWORD_ERROR_WEAK,
                           "The password is empty");
      return NULL;
    }
  if (len > PASSWORD_MAX)
    {
      g_set_error (error, BD_PASSWORD_ERROR, BD_PASSWORD_ERROR_WEAK,
                   "The password is longer than %d bytes", PASSWORD_MAX);
      return NULL;
    }

  guint8 salt[SALT_LEN];
  if (RAND_bytes (salt, sizeof salt) != 1)
    {
      set_crypto_error (error, "Cannot generate a salt");
      return NULL;
    }

  guint8 key[KEY_LEN];
  if (!derive (password, len, salt, sizeof salt, HASH_LN, HASH_R, HASH_P, key, sizeof key, error))
    return NULL;

  g_autofree char *salt_b64 = g_base64_encode (salt, sizeof salt);
  g_autofree char *key_b64 = g_base64_encode (key, sizeof key);
  OPENSSL_cleanse (key, sizeof key);

  return g_strdup_printf ("$scrypt$ln=%u,r=%u,p=%u$%s$%s",
                          HASH_LN, HASH_R, HASH_P, salt_b64, key_b64);
}

gboolean
bd_password_check (const char  *password,
                   const char  *stored,
                   gboolean    *match,
                   GError     **error)
{
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (stored != NULL, FALSE);
  g_return_val_if_fail (match != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *match = FALSE;

  g_auto(StoredHash) hash = { 0 };
  if (!parse_stored (stored, &hash, error))
    return FALSE;

  /* bd_password_hash() accepts neither, so no stored hash can match them;
   * the length is the caller's own input, so answering early leaks nothing. */
  gsize len = strnlen (password, PASSWORD_MAX + 1);
  if (len == 0 || len > PASSWORD_MAX)
    return TRUE;

  guint8 derived[KEY_MAX];
  gboolean ok = derive (password, len, hash.salt, hash.salt_len, hash.ln, hash.r, hash.p,
                        derived, hash.key_len, error);
  if (ok)
    *match = CRYPTO_memcmp (derived, hash.key, hash.key_len) == 0;
  OPENSSL_cleanse (derived, sizeof derived);

  return ok;
}

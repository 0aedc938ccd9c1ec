/* test-password.c: scrypt password hashes. */

#include <glib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

#include "bd-cleanup.h"
#include "bd-password.h"

#define PREFIX "$scrypt$ln=15,r=8,p=1$"

static gboolean
check (const char *password,
       const char *stored)
{
  g_autoptr(GError) error = NULL;
  gboolean match = TRUE;

  g_assert_true (bd_password_check (password, stored, &match, &error));
  g_assert_no_error (error);
  return match;
}

static void
test_password_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = bd_password_hash ("correct horse battery staple", &error);

  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_true (g_str_has_prefix (stored, PREFIX));

  /* 16-byte salt and 32-byte key, canonical padded base64. */
  g_auto(GStrv) fields = g_strsplit (stored, "$", 0);
  g_assert_cmpuint (g_strv_length (fields), ==, 5);
  gsize len;
  g_autofree guint8 *salt = g_base64_decode (fields[3], &len);
  g_assert_cmpuint (len, ==, 16);
  g_autofree guint8 *key = g_base64_decode (fields[4], &len);
  g_assert_cmpuint (len, ==, 32);
  g_assert_cmpuint (strlen (stored), ==, strlen (PREFIX) + 24 + 1 + 44);

  g_assert_true (check ("correct horse battery staple", stored));
  g_assert_false (check ("correct horse battery stapl", stored));
  g_assert_false (check ("correct horse battery staple ", stored));
  g_assert_false (check ("Correct horse battery staple", stored));
  g_assert_false (check ("", stored));
}

static void
test_password_salted (void)
{
  g_autofree char *a = bd_password_hash ("same password", NULL);
  g_autofree char *b = bd_password_hash ("same password", NULL);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpstr (a, !=, b);
  g_assert_true (check ("same password", a));
  g_assert_true (check ("same password", b));
}

static char *
stored_string (guint         ln,
               guint         r,
               guint         p,
               const guint8 *salt,
               gsize         salt_len,
               const guint8 *key,
               gsize         key_len)
{
  g_autofree char *salt_b64 = g_base64_encode (salt, salt_len);
  g_autofree char *key_b64 = g_base64_encode (key, key_len);

  return g_strdup_printf ("$scrypt$ln=%u,r=%u,p=%u$%s$%s", ln, r, p, salt_b64, key_b64);
}

/* RFC 7914 section 12, second vector: scrypt ("password", "NaCl", N = 1024,
 * r = 8, p = 16, dkLen = 64).  A known answer that owes nothing to OpenSSL,
 * so it checks the parameters reach the KDF as stored. */
static void
test_password_rfc7914 (void)
{
  static const guint8 expected[64] = {
    0xfd, 0xba, 0xbe, 0x1c, 0x9d, 0x34, 0x72, 0x00, 0x78, 0x56, 0xe7, 0x19, 0x0d, 0x01, 0xe9, 0xfe,
    0x7c, 0x6a, 0xd7, 0xcb, 0xc8, 0x23, 0x78, 0x30, 0xe7, 0x73, 0x76, 0x63, 0x4b, 0x37, 0x31, 0x62,
    0x2e, 0xaf, 0x30, 0xd9, 0x2e, 0x22, 0xa3, 0x88, 0x6f, 0xf1, 0x09, 0x27, 0x9d, 0x98, 0x30, 0xda,
    0xc7, 0x27, 0xaf, 0xb9, 0x4a, 0x83, 0xee, 0x6d, 0x83, 0x60, 0xcb, 0xdf, 0xa2, 0xcc, 0x06, 0x40,
  };
  const guint8 salt[] = { 'N', 'a', 'C', 'l' };

  g_autofree char *full = stored_string (10, 8, 16, salt, sizeof salt, expected, 64);
  g_assert_cmpstr (full, ==,
                   "$scrypt$ln=10,r=8,p=16$TmFDbA==$"
                   "/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/x"
                   "CSedmDDaxyevuUqD7m2DYMvfoswGQA==");
  g_assert_true (check ("password", full));
  g_assert_false (check ("Password", full));

  /* scrypt's output is a PBKDF2 stream, so 32 bytes are a prefix of 64. */
  g_autofree char *half = stored_string (10, 8, 16, salt, sizeof salt, expected, 32);
  g_assert_true (check ("password", half));

  /* Same key under other parameters: each one is used, not assumed. */
  g_autofree char *other_ln = stored_string (11, 8, 16, salt, sizeof salt, expected, 64);
  g_autofree char *other_r = stored_string (10, 4, 16, salt, sizeof salt, expected, 64);
  g_autofree char *other_p = stored_string (10, 8, 15, salt, sizeof salt, expected, 64);
  g_autofree char *other_salt = stored_string (10, 8, 16, (const guint8 *) "NaCL", 4,
                                               expected, 64);
  g_assert_false (check ("password", other_ln));
  g_assert_false (check ("password", other_r));
  g_assert_false (check ("password", other_p));
  g_assert_false (check ("password", other_salt));
}

/* A hash with other parameters than ours, made by the test straight
 * through OpenSSL, verifies: the cost can change without breaking old
 * hashes. */
static void
test_password_other_cost (void)
{
  guint8 salt[16];
  guint8 key[32];
  const char *password = "hunter2 but longer";
  uint64_t n = 1 << 14;
  uint32_t r = 8, p = 2;

  for (gsize i = 0; i < sizeof salt; i++)
    salt[i] = (guint8) g_test_rand_int ();

  g_autoptr(EVP_KDF) kdf = EVP_KDF_fetch (NULL, OSSL_KDF_NAME_SCRYPT, NULL);
  g_assert_nonnull (kdf);
  g_autoptr(EVP_KDF_CTX) ctx = EVP_KDF_CTX_new (kdf);
  g_assert_nonnull (ctx);
  OSSL_PARAM params[] = {
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_PASSWORD, (void *) password,
                                       strlen (password)),
    OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_SALT, salt, sizeof salt),
    OSSL_PARAM_construct_uint64 (OSSL_KDF_PARAM_SCRYPT_N, &n),
    OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_R, &r),
    OSSL_PARAM_construct_uint32 (OSSL_KDF_PARAM_SCRYPT_P, &p),
    OSSL_PARAM_construct_end (),
  };
  g_assert_cmpint (EVP_KDF_derive (ctx, key, sizeof key, params), ==, 1);

  g_autofree char *stored = stored_string (14, 8, 2, salt, sizeof salt, key, sizeof key);
  g_assert_true (g_str_has_prefix (stored, "$scrypt$ln=14,r=8,p=2$"));
  g_assert_true (check (password, stored));
  g_assert_false (check ("hunter2", stored));
}

#define SALT "c2FsdHNhbHRzYWx0c2FsdA=="  /* 16 bytes */
#define KEY "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U="  /* 32 bytes */

static void
test_password_malformed (void)
{
  /* Each case is valid but for the one thing it breaks. */
  const char *good = PREFIX SALT "$" KEY;
  g_autofree char *key_66 = g_strnfill (88, 'A');
  g_autofree char *huge = g_strnfill (400, 'A');
  const char *cases[] = {
    "",
    "$",
    "scrypt",
    "$scrypt$",
    "$scrypt$ln=15,r=8,p=1$",
    "$scrypt$ln=15,r=8,p=1$" SALT,
    "$scrypt$ln=15,r=8,p=1$" SALT "$",
    "$scrypt$ln=15,r=8,p=1$$" KEY,
    "scrypt$ln=15,r=8,p=1$" SALT "$" KEY,
    "$argon2id$ln=15,r=8,p=1$" SALT "$" KEY,
    "$SCRYPT$ln=15,r=8,p=1$" SALT "$" KEY,
    /* Parameters: missing, reordered, out of bounds, odd spellings. */
    "$scrypt$ln=15,r=8$" SALT "$" KEY,
    "$scrypt$ln=15,r=8,p=1,x=1$" SALT "$" KEY,
    "$scrypt$r=8,ln=15,p=1$" SALT "$" KEY,
    "$scrypt$ln=21,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln=99999999999999999999,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln=0,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln=15,r=33,p=1$" SALT "$" KEY,
    "$scrypt$ln=15,r=0,p=1$" SALT "$" KEY,
    "$scrypt$ln=15,r=8,p=17$" SALT "$" KEY,
    "$scrypt$ln=15,r=8,p=0$" SALT "$" KEY,
    "$scrypt$ln=015,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln=+15,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln= 15,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln=15 ,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln=1a,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln=,r=8,p=1$" SALT "$" KEY,
    "$scrypt$l=15,r=8,p=1$" SALT "$" KEY,
    "$scrypt$ln15,r=8,p=1$" SALT "$" KEY,
    /* Each within bounds, together 4 GiB of memory. */
    "$scrypt$ln=20,r=32,p=1$" SALT "$" KEY,
    /* Base64: bad characters, missing or wrong padding, non-canonical bits,
     * whitespace, the URL alphabet. */
    "$scrypt$ln=15,r=8,p=1$c2FsdHNh!HRzYWx0c2FsdA==$" KEY,
    "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$" KEY,
    "$scrypt$ln=15,r=8,p=1$" SALT "$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
    "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdB==$" KEY,
    "$scrypt$ln=15,r=8,p=1$" SALT "$" KEY "\n",
    "$scrypt$ln=15,r=8,p=1$ " SALT "$" KEY,
    "$scrypt$ln=15,r=8,p=1$" SALT "$" KEY "$",
    "$scrypt$ln=15,r=8,p=1$" SALT "$" KEY "=",
    "$scrypt$ln=15,r=8,p=1$" SALT "$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2-_",
    "$scrypt$ln=15,r=8,p=1$=$" KEY,
    "$scrypt$ln=15,r=8,p=1$A$" KEY,
    /* Key too short to be a hash (8 bytes). */
    "$scrypt$ln=15,r=8,p=1$" SALT "$a2V5a2V5a2U=",
  };

  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_ptr_array_add (all, g_strdup (cases[i]));
  /* A key over 64 bytes; a string over the length bound. */
  g_ptr_array_add (all, g_strdup_printf (PREFIX SALT "$%s", key_66));
  g_ptr_array_add (all, g_strdup_printf (PREFIX SALT "$%s", huge));

  /* The template itself parses, so each case fails for its own reason. */
  g_assert_false (check ("anything", good));

  for (guint i = 0; i < all->len; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *text = all->pdata[i];
      g_autofree char *shown = g_strescape (text, NULL);
      gboolean match = TRUE;

      g_test_message ("case %u: %s", i, shown);
      g_assert_false (bd_password_check ("anything", text, &match, &error));
      g_assert_error (error, BD_PASSWORD_ERROR, BD_PASSWORD_ERROR_MALFORMED);
      g_assert_false (match);
      /* The message never carries the stored string. */
      if (strlen (text) > 20)
        g_assert_null (strstr (error->message, text));
    }
}

static void
test_password_weak (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *max = g_strnfill (1024, 'x');
  g_autofree char *over = g_strnfill (1025, 'x');

  g_assert_null (bd_password_hash ("", &error));
  g_assert_error (error, BD_PASSWORD_ERROR, BD_PASSWORD_ERROR_WEAK);
  g_clear_error (&error);

  g_assert_null (bd_password_hash (over, &error));
  g_assert_error (error, BD_PASSWORD_ERROR, BD_PASSWORD_ERROR_WEAK);
  g_clear_error (&error);

  g_autofree char *stored = bd_password_hash (max, &error);
  g_assert_no_error (error);
  g_assert_true (check (max, stored));
  /* A longer password can never have been hashed, so it never matches. */
  g_assert_false (check (over, stored));
}

static void
test_password_unicode (void)
{
  /* Passwords are compared as bytes: no Unicode normalisation, so the
   * precomposed and decomposed spellings of "é" are different passwords. */
  const char *password = "pässwörd пароль 密码 🔑 café";
  const char *decomposed = "pässwörd пароль 密码 🔑 cafe\xcc\x81";
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = bd_password_hash (password, &error);

  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (password, -1, NULL));
  g_assert_true (check (password, stored));
  g_assert_false (check (decomposed, stored));
  g_assert_false (check ("pässwörd пароль 密码 🔐 café", stored));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/password/roundtrip", test_password_roundtrip);
  g_test_add_func ("/password/salted", test_password_salted);
  g_test_add_func ("/password/rfc7914", test_password_rfc7914);
  g_test_add_func ("/password/other-cost", test_password_other_cost);
  g_test_add_func ("/password/malformed", test_password_malformed);
  g_test_add_func ("/password/weak", test_password_weak);
  g_test_add_func ("/password/unicode", test_password_unicode);

  return g_test_run ();
}

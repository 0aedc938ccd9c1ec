/* test-jws.c: the signed envelope, keys and certificates, batch and
 * receipt documents: everything a peer could forge or bend. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "bd-batch.h"
#include "bd-cleanup.h"
#include "bd-jws.h"
#include "bd-pki.h"
#include "bd-watchlist-delta.h"

typedef struct {
  EVP_PKEY *ca_key, *hq_key, *desk_key, *other_key;
  X509 *ca, *hq_cert, *desk_cert, *other_ca;
} Pki;

static Pki pki;

static void
make_pki (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EVP_PKEY) other_ca_key = bd_pki_generate_ed25519 (&error);

  pki.ca_key = bd_pki_generate_ed25519 (&error);
  pki.hq_key = bd_pki_generate_ed25519 (&error);
  pki.desk_key = bd_pki_generate_ed25519 (&error);
  pki.other_key = bd_pki_generate_ed25519 (&error);
  g_assert_no_error (error);
  pki.ca = bd_pki_issue (pki.ca_key, "Test CA", BD_CERT_CA, NULL, NULL, pki.ca_key, 1, 30,
                         &error);
  g_assert_no_error (error);
  pki.hq_cert = bd_pki_issue (pki.hq_key, "HQ signing", BD_CERT_DOC_SIGNING, NULL, pki.ca,
                              pki.ca_key, 2, 30, &error);
  g_assert_no_error (error);
  pki.desk_cert = bd_pki_issue (pki.desk_key, "UTO-ALP/1", BD_CERT_DESK, NULL, pki.ca,
                                pki.ca_key, 3, 30, &error);
  g_assert_no_error (error);
  pki.other_ca = bd_pki_issue (other_ca_key, "Test CA", BD_CERT_CA, NULL, NULL, other_ca_key, 1,
                               30, &error);
  g_assert_no_error (error);
}

static char *
sign_text (EVP_PKEY *key, const char *typ, const char *payload)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (payload, strlen (payload));
  char *jws = bd_jws_sign (key, "UTO-ALP/1", typ, NULL, bytes, &error);

  g_assert_no_error (error);
  return jws;
}

static void
test_base64url (void)
{
  const char *samples[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\xfd" };

  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autofree char *enc = bd_base64url_encode ((const guint8 *) samples[i],
                                                  strlen (samples[i]));
      g_autoptr(GBytes) dec = bd_base64url_decode (enc, strlen (enc));
      gsize n;

      g_assert_nonnull (dec);
      g_assert_null (strchr (enc, '='));
      g_assert_cmpmem (g_bytes_get_data (dec, &n), n, samples[i], strlen (samples[i]));
    }
  /* Padding, the standard alphabet, stray bits and impossible lengths. */
  g_assert_null (bd_base64url_decode ("Zg==", 4));
  g_assert_null (bd_base64url_decode ("a+/b", 4));
  g_assert_null (bd_base64url_decode ("Zh", 2));
  g_assert_null (bd_base64url_decode ("Zm9vY", 5));
}

static void
test_sign_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = sign_text (pki.desk_key, BD_JWS_TYP_BATCH, "{\"a\":1}");
  g_autoptr(BdJws) jws = bd_jws_parse (text, strlen (text), BD_JWS_TYP_BATCH, &error);
  gsize n;

  g_assert_no_error (error);
  g_assert_cmpstr (jws->kid, ==, "UTO-ALP/1");
  g_assert_cmpmem (g_bytes_get_data (jws->payload, &n), n, "{\"a\":1}", 7);
  g_assert_true (bd_jws_verify (jws, pki.desk_key, &error));
  g_assert_false (bd_jws_verify (jws, pki.other_key, &error));
  g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_SIGNATURE);
}

/* Builds a flattened JWS around a hand-written header, signed properly:
 * so that what is refused is refused for its header, not its signature. */
static char *
with_header (const char *header, const char *payload, const char *extra)
{
  g_autofree char *h = bd_base64url_encode ((const guint8 *) header, strlen (header));
  g_autofree char *p = bd_base64url_encode ((const guint8 *) payload, strlen (payload));
  g_autofree char *input = g_strconcat (h, ".", p, NULL);
  g_autoptr(EVP_MD_CTX) md = EVP_MD_CTX_new ();
  guint8 sig[64];
  size_t len = sizeof sig;
  g_autofree char *s = NULL;

  g_assert_cmpint (EVP_DigestSignInit (md, NULL, NULL, NULL, pki.desk_key), ==, 1);
  g_assert_cmpint (EVP_DigestSign (md, sig, &len, (guint8 *) input, strlen (input)), ==, 1);
  s = bd_base64url_encode (sig, len);
  return g_strdup_printf ("{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"%s\"%s}",
                          h, p, s, extra);
}

static void
test_header_rules (void)
{
  struct { const char *header, *extra; int code; } cases[] = {
    { "{\"alg\":\"none\",\"kid\":\"D\",\"typ\":\"borderdesk-batch+jws\"}", "",
      BD_JWS_ERROR_HEADER },
    { "{\"alg\":\"HS256\",\"kid\":\"D\",\"typ\":\"borderdesk-batch+jws\"}", "",
      BD_JWS_ERROR_HEADER },
    { "{\"alg\":\"EdDSA\",\"kid\":\"D\",\"typ\":\"borderdesk-batch+jws\",\"crit\":[\"x\"]}", "",
      BD_JWS_ERROR_HEADER },
    { "{\"alg\":\"EdDSA\",\"typ\":\"borderdesk-batch+jws\"}", "", BD_JWS_ERROR_HEADER },
    { "{\"alg\":\"EdDSA\",\"kid\":\"D\",\"typ\":\"borderdesk-receipt+jws\"}", "",
      BD_JWS_ERROR_HEADER },
    { "{\"alg\":\"EdDSA\",\"kid\":\"D\",\"typ\":\"borderdesk-batch+jws\"}",
      ",\"header\":{\"alg\":\"none\"}", BD_JWS_ERROR_HEADER },
    { "not json", "", BD_JWS_ERROR_MALFORMED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = with_header (cases[i].header, "{}", cases[i].extra);
      g_autoptr(BdJws) jws = bd_jws_parse (text, strlen (text), BD_JWS_TYP_BATCH, &error);

      g_assert_null (jws);
      g_assert_error (error, BD_JWS_ERROR, cases[i].code);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *ok = with_header ("{\"alg\":\"EdDSA\",\"kid\":\"D\","
                                       "\"typ\":\"borderdesk-batch+jws\"}", "{}", "");
    g_autoptr(BdJws) jws = bd_jws_parse (ok, strlen (ok), BD_JWS_TYP_BATCH, &error);
    g_assert_no_error (error);
    g_assert_true (bd_jws_verify (jws, pki.desk_key, &error));
  }
}

static void
test_tampered_payload (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = sign_text (pki.desk_key, BD_JWS_TYP_BATCH, "{\"seq\":1}");
  g_autofree char *other = bd_base64url_encode ((const guint8 *) "{\"seq\":2}", 9);
  g_autofree char *orig = bd_base64url_encode ((const guint8 *) "{\"seq\":1}", 9);
  g_autoptr(GString) bent = g_string_new (text);
  g_autoptr(BdJws) jws = NULL;

  g_string_replace (bent, orig, other, 1);
  jws = bd_jws_parse (bent->str, bent->len, BD_JWS_TYP_BATCH, &error);
  g_assert_no_error (error);
  g_assert_false (bd_jws_verify (jws, pki.desk_key, &error));
  g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_SIGNATURE);
}

static void
test_purposes (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bd_pki_verify_cert (pki.hq_cert, NULL, pki.ca, BD_OID_DOCUMENT_SIGNING,
                                     &error));
  g_assert_no_error (error);
  /* A desk certificate is not a document-signing certificate. */
  g_assert_false (bd_pki_verify_cert (pki.desk_cert, NULL, pki.ca, BD_OID_DOCUMENT_SIGNING,
                                      &error));
  g_assert_error (error, BD_PKI_ERROR, BD_PKI_ERROR_UNTRUSTED);
  g_clear_error (&error);
  /* Another CA with the same name does not vouch for ours. */
  g_assert_false (bd_pki_verify_cert (pki.hq_cert, NULL, pki.other_ca, NULL, &error));
  g_assert_error (error, BD_PKI_ERROR, BD_PKI_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_true (bd_pki_has_eku (pki.desk_cert, "1.3.6.1.5.5.7.3.2"));
  {
    g_autofree char *cn = bd_pki_common_name (pki.desk_cert);
    g_assert_cmpstr (cn, ==, "UTO-ALP/1");
  }
}

static void
test_csr (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csr = bd_pki_make_csr (pki.desk_key, "UTO-ALP/2", "UTO-ALP", &error);
  g_autofree char *cn = NULL;
  g_autoptr(EVP_PKEY) key = NULL;

  g_assert_no_error (error);
  key = bd_pki_csr_key (csr, -1, &cn, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cn, ==, "UTO-ALP/2");
  g_assert_true (bd_pki_same_key (key, pki.desk_key));
  g_assert_null (bd_pki_csr_key ("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n", -1, NULL,
                                 &error));
  g_assert_nonnull (error);
}

static void
test_key_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bd-jws-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "desk.key", NULL);
  g_autoptr(EVP_PKEY) back = NULL;
  GStatBuf st;

  g_assert_true (bd_pki_save_key (pki.desk_key, path, &error));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  back = bd_pki_load_key (path, &error);
  g_assert_no_error (error);
  g_assert_true (bd_pki_same_key (back, pki.desk_key));
  g_chmod (path, 0640);
  g_assert_null (bd_pki_load_key (path, &error));
  g_assert_error (error, BD_PKI_ERROR, BD_PKI_ERROR_PERMISSIONS);
  g_unlink (path);
  g_rmdir (dir);
}

static const char *crossing_record =
  "{\"type\":\"crossing\",\"id\":\"01890a5d-ac96-774b-bcce-b302099a8057\","
  "\"time\":\"2026-03-01T08:15:00Z\",\"direction\":\"entry\",\"decision\":\"admitted\","
  "\"shift\":1,\"officer\":\"anna\",\"post\":\"UTO-ALP\",\"desk\":\"UTO-ALP/1\","
  "\"document\":{\"code\":\"P\",\"issuing_state\":\"UTO\",\"number\":\"L898902C3\","
  "\"expiry\":\"2030-04-15\"},\"traveller\":{\"surname\":\"ERIKSSON\","
  "\"given_names\":\"ANNA MARIA\",\"nationality\":\"UTO\",\"birth_date\":\"1974-08-12\","
  "\"sex\":\"F\"},\"refusal_reasons\":[],\"source\":\"typed-mrz\",\"checks\":[],"
  "\"override_by\":null,\"vulnerability\":\"\"}";

static char *
batch_text (const char *desk, gint64 seq, const char *records)
{
  g_autofree char *payload = g_strdup_printf (
    "{\"desk\":\"%s\",\"epoch\":1,\"seq\":%" G_GINT64_FORMAT ",\"prev\":\"%s\","
    "\"created\":\"2026-03-01T09:00:00Z\",\"audit_head\":{\"seq\":4,\"hash\":\"%s\"},"
    "\"records\":[%s]}", desk, seq, BD_SHA256_ZERO, BD_SHA256_ZERO, records);

  return sign_text (pki.desk_key, BD_JWS_TYP_BATCH, payload);
}

static void
test_batch_and_receipt (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = batch_text ("UTO-ALP/1", 1, crossing_record);
  g_autoptr(BdBatch) batch = bd_batch_parse (text, strlen (text), &error);
  g_autofree char *receipt_text = NULL;
  g_autoptr(BdReceipt) receipt = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (batch->records), ==, 1);
  g_assert_cmpint (strlen (batch->sha256), ==, 64);
  g_assert_true (bd_jws_verify (batch->jws, X509_get0_pubkey (pki.desk_cert), &error));

  receipt_text = bd_receipt_make (batch, "2026-03-01T09:00:01Z", pki.hq_key, pki.hq_cert,
                                  &error);
  g_assert_no_error (error);
  receipt = bd_receipt_verify (receipt_text, strlen (receipt_text), pki.ca, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (receipt->sha256, ==, batch->sha256);
  g_assert_cmpint (receipt->seq, ==, 1);
  g_assert_cmpint (receipt->records, ==, 1);

  /* A receipt signed by a desk's key, even with the desk's valid
   * certificate, is not HQ's. */
  {
    g_autofree char *forged = bd_receipt_make (batch, "2026-03-01T09:00:01Z", pki.desk_key,
                                               pki.desk_cert, &error);
    g_autoptr(BdReceipt) r = bd_receipt_verify (forged, strlen (forged), pki.ca, &error);
    g_assert_null (r);
    g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_CERTIFICATE);
    g_clear_error (&error);
  }
  /* The right certificate but another CA. */
  {
    g_autoptr(BdReceipt) r = bd_receipt_verify (receipt_text, strlen (receipt_text),
                                                pki.other_ca, &error);
    g_assert_null (r);
    g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_CERTIFICATE);
  }
}

static void
test_batch_refusals (void)
{
  g_autofree char *bad_nat = g_strdup (crossing_record);
  g_autofree char *bad_date = NULL;
  g_autofree char *extra = NULL;
  struct { const char *desk; const char *records; int code; } cases[] = {
    { "UTO-ALP/2", crossing_record, BD_BATCH_ERROR_KID },
    { "not a desk", crossing_record, BD_BATCH_ERROR_INVALID },
    { "UTO-ALP/1", "1", BD_BATCH_ERROR_INVALID },
    { "UTO-ALP/1", "{\"type\":\"crossing\"}", BD_BATCH_ERROR_INVALID },
    { "UTO-ALP/1", "{\"type\":\"visa\"}", BD_BATCH_ERROR_INVALID },
    { "UTO-ALP/1", NULL, BD_BATCH_ERROR_INVALID },
    { "UTO-ALP/1", NULL, BD_BATCH_ERROR_INVALID },
    { "UTO-ALP/1", NULL, BD_BATCH_ERROR_INVALID },
  };
  GString *s;

  s = g_string_new (crossing_record);
  g_string_replace (s, "\"nationality\":\"UTO\"", "\"nationality\":\"QQQ\"", 1);
  cases[5].records = bad_nat = g_string_free (s, FALSE);
  s = g_string_new (crossing_record);
  g_string_replace (s, "2026-03-01T08:15:00Z", "2026-13-01T08:15:00Z", 1);
  cases[6].records = bad_date = g_string_free (s, FALSE);
  s = g_string_new (crossing_record);
  g_string_replace (s, "\"vulnerability\"", "\"sql\":\"x\",\"vulnerability\"", 1);
  cases[7].records = extra = g_string_free (s, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = batch_text (cases[i].desk, 1, cases[i].records);
      g_autoptr(BdBatch) batch = bd_batch_parse (text, strlen (text), &error);

      g_assert_null (batch);
      g_assert_error (error, BD_BATCH_ERROR, cases[i].code);
    }
}

static void
test_watchlist_delta (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               bd_watchlist_entry_free);
  const char *removed[] = { "REF-OLD", NULL };
  BdWatchlistEntry *e = bd_watchlist_entry_new ();
  g_autofree char *text = NULL, *forged = NULL;
  g_autoptr(BdWatchlistDelta) delta = NULL;

  e->list = BD_WATCHLIST_PERSONS;
  e->action = BD_WATCHLIST_DENY;
  g_free (e->surname);
  e->surname = g_strdup ("MÜLLER");
  g_free (e->reference);
  e->reference = g_strdup ("REF-1");
  g_ptr_array_add (added, e);

  text = bd_watchlist_delta_make (3, 4, "2026-03-01T09:00:00Z", added, removed, pki.hq_key,
                                  pki.hq_cert, &error);
  g_assert_no_error (error);
  delta = bd_watchlist_delta_verify (text, strlen (text), pki.ca, &error);
  g_assert_no_error (error);
  g_assert_cmpint (delta->from, ==, 3);
  g_assert_cmpint (delta->to, ==, 4);
  g_assert_cmpuint (delta->added->len, ==, 1);
  g_assert_cmpstr (((BdWatchlistEntry *) delta->added->pdata[0])->surname, ==, "MÜLLER");
  g_assert_cmpstr (delta->removed[0], ==, "REF-OLD");
  g_assert_null (delta->removed[1]);

  /* A desk's key cannot publish a list. */
  forged = bd_watchlist_delta_make (3, 4, "2026-03-01T09:00:00Z", added, removed,
                                    pki.desk_key, pki.desk_cert, &error);
  g_assert_no_error (error);
  g_assert_null (bd_watchlist_delta_verify (forged, strlen (forged), pki.ca, &error));
  g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_CERTIFICATE);
  g_clear_error (&error);
  /* Nor is a batch a list. */
  {
    g_autofree char *batch = batch_text ("UTO-ALP/1", 1, crossing_record);
    g_assert_null (bd_watchlist_delta_verify (batch, strlen (batch), pki.ca, &error));
    g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_HEADER);
  }
}

/* Found by fuzz-jws: empty text is valid for json-glib's parser but has no
 * root node, which reached JSON_NODE_HOLDS_OBJECT (NULL), a critical (an
 * abort under G_DEBUG=fatal-criticals).  Each reader must refuse it. */
static void
test_empty_documents (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GPtrArray) x5c = g_ptr_array_new ();
  g_autofree char *batch = NULL, *delta = NULL;
  const char *no_header = "{\"protected\":\"\",\"payload\":\"\",\"signature\":\"\"}";

  g_assert_null (bd_jws_parse ("", 0, BD_JWS_TYP_BATCH, &error));
  g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (bd_jws_parse ("  \n", 3, BD_JWS_TYP_BATCH, &error));
  g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (bd_batch_parse ("", 0, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (bd_receipt_verify ("", 0, pki.ca, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (bd_jws_parse (no_header, strlen (no_header), BD_JWS_TYP_BATCH, &error));
  g_assert_error (error, BD_JWS_ERROR, BD_JWS_ERROR_MALFORMED);
  g_clear_error (&error);

  /* Signed, well-formed envelopes around an empty payload. */
  batch = bd_jws_sign (pki.desk_key, "UTO-ALP/1", BD_JWS_TYP_BATCH, NULL, empty, &error);
  g_assert_no_error (error);
  g_assert_null (bd_batch_parse (batch, strlen (batch), &error));
  g_assert_error (error, BD_BATCH_ERROR, BD_BATCH_ERROR_INVALID);
  g_clear_error (&error);
  g_ptr_array_add (x5c, pki.hq_cert);
  delta = bd_jws_sign (pki.hq_key, "hq", BD_JWS_TYP_WATCHLIST, x5c, empty, &error);
  g_assert_no_error (error);
  g_assert_null (bd_watchlist_delta_verify (delta, strlen (delta), pki.ca, &error));
  g_assert_error (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  make_pki ();
  g_test_add_func ("/jws/base64url", test_base64url);
  g_test_add_func ("/jws/sign-verify", test_sign_verify);
  g_test_add_func ("/jws/header-rules", test_header_rules);
  g_test_add_func ("/jws/tampered-payload", test_tampered_payload);
  g_test_add_func ("/pki/purposes", test_purposes);
  g_test_add_func ("/pki/csr", test_csr);
  g_test_add_func ("/pki/key-files", test_key_files);
  g_test_add_func ("/batch/receipt", test_batch_and_receipt);
  g_test_add_func ("/batch/refusals", test_batch_refusals);
  g_test_add_func ("/batch/watchlist-delta", test_watchlist_delta);
  g_test_add_func ("/batch/empty-documents", test_empty_documents);
  return g_test_run ();
}

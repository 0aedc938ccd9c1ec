/* fuzz-util.h: what the libFuzzer targets share.
 *
 * The keys are fixed (Ed25519 from constant seeds) so that the signed
 * seeds in corpus/ (written by fuzz-make-seeds with the same keys) verify
 * against the CA each target issues at start-up: the fuzzer then starts
 * from documents that pass every check, and mutates from there.  Test
 * keys only: nothing outside tests/fuzz trusts them.
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "bd-pki.h"

/* libFuzzer's entry points (fuzz-replay.c calls them in the ordinary builds). */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_CA_CN "Fuzz HQ CA"
#define FUZZ_HQ_CN "Fuzz HQ signing"
#define FUZZ_DESK_ID "UTO-ALP/1"

typedef struct {
  EVP_PKEY *ca_key;
  X509 *ca;
  EVP_PKEY *hq_key;
  X509 *hq_cert;     /* document signing, under ca */
  EVP_PKEY *desk_key;
} FuzzPki;

static inline EVP_PKEY *
fuzz_fixed_key (guint8 fill)
{
  guint8 seed[32];
  EVP_PKEY *key;

  for (guint i = 0; i < sizeof seed; i++)
    seed[i] = (guint8) (fill + i * 7);
  key = EVP_PKEY_new_raw_private_key (EVP_PKEY_ED25519, NULL, seed, sizeof seed);
  g_assert_nonnull (key);
  return key;
}

/* The CA and HQ's document-signing certificate, made now from the fixed
 * keys; certificates valid for 100 years, so seeds made once keep
 * verifying. */
static inline void
fuzz_pki_init (FuzzPki *pki)
{
  g_autoptr(GError) error = NULL;

  pki->ca_key = fuzz_fixed_key (0x11);
  pki->hq_key = fuzz_fixed_key (0x22);
  pki->desk_key = fuzz_fixed_key (0x33);
  pki->ca = bd_pki_issue (pki->ca_key, FUZZ_CA_CN, BD_CERT_CA, NULL, NULL, pki->ca_key, 1,
                          36500, &error);
  g_assert_no_error (error);
  pki->hq_cert = bd_pki_issue (pki->hq_key, FUZZ_HQ_CN, BD_CERT_DOC_SIGNING, NULL, pki->ca,
                               pki->ca_key, 2, 36500, &error);
  g_assert_no_error (error);
}

/* A critical is a broken precondition inside the core (or a library it
 * calls): a bug the fuzzer must report as a crash, as the unit tests do
 * with G_DEBUG=fatal-criticals.  GLib's own fatal path raises SIGTRAP,
 * which libFuzzer does not catch; abort() it does, and keeps the input. */
static inline GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
{
  GLogWriterOutput out = g_log_writer_default (level, fields, n_fields, user_data);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    abort ();
  return out;
}

/* A new directory for a target's files, in memory (/dev/shm) where the
 * machine allows: the targets write on every input. */
static inline char *
fuzz_temp_dir (const char *prefix)
{
  g_autofree char *name = g_strconcat (prefix, "-XXXXXX", NULL);
  g_autofree char *tmpl = NULL;
  char *dir;

  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && g_access ("/dev/shm", W_OK) == 0)
    tmpl = g_build_filename ("/dev/shm", name, NULL);
  else
    tmpl = g_build_filename (g_get_tmp_dir (), name, NULL);
  dir = g_mkdtemp (g_steal_pointer (&tmpl));
  g_assert_nonnull (dir);
  return dir;
}

static inline void
fuzz_glib_init (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

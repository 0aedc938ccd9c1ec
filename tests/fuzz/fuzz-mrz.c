/* fuzz-mrz.c: the ICAO 9303 parser, its OCR corrections and its JSON.
 *
 * bd_mrz_parse takes a C string (a reader line or a paste), so the input
 * is NUL-terminated first.  Every correction the parser offers must parse
 * as the same format and make nothing worse (bd-mrz-ocr.c, rule 3): no
 * check digit that passed fails once it is applied. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "bd-mrz.h"
#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_glib_init ();
  return 0;
}

static void
check_result (const BdMrz *mrz)
{
  g_autoptr(JsonNode) json = bd_mrz_to_json (mrz);
  g_autofree char *text = json_to_string (json, FALSE);

  g_assert_nonnull (text);
  g_assert_true (mrz->format != BD_MRZ_FORMAT_NONE || !mrz->valid);
  g_assert_true (!mrz->valid || mrz->errors->len == 0);
  g_assert_nonnull (mrz->corrections);
  g_assert_nonnull (mrz->warnings);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(BdMrz) mrz = bd_mrz_parse (text);

  check_result (mrz);
  bd_mrz_check_digit ((const char *) data, size);

  for (guint i = 0; i < mrz->corrections->len && i < 8; i++)
    {
      const BdMrzCorrection *c = mrz->corrections->pdata[i];
      g_autoptr(BdMrz) fixed = NULL;

      g_assert_nonnull (c->mrz);
      g_assert_cmpint (c->from, !=, c->to);
      fixed = bd_mrz_parse (c->mrz);
      check_result (fixed);
      g_assert_cmpint (fixed->format, ==, mrz->format);
      for (guint k = 0; k < BD_MRZ_N_CHECKS; k++)
        if (mrz->checks[k] == BD_MRZ_CHECK_PASSED)
          g_assert_cmpint (fixed->checks[k], ==, BD_MRZ_CHECK_PASSED);
    }
  return 0;
}

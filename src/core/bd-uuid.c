/* bd-uuid.c: UUIDv7 (bd-uuid.h). */
#include "config.h"

#include <openssl/rand.h>

#include "bd-uuid.h"

char *
bd_uuid_v7_new (gint64 unix_ms)
{
  guint8 b[16];

  /* RAND_bytes fails only when the system has no entropy source; GLib's
   * generator still gives unique ids then (uniqueness, not secrecy, is
   * what an id needs). */
  if (RAND_bytes (b, sizeof b) != 1)
    for (guint i = 0; i < sizeof b; i++)
      b[i] = (guint8) g_random_int ();
  for (int i = 0; i < 6; i++)
    b[i] = (guint8) ((guint64) unix_ms >> (40 - 8 * i));
  b[6] = (b[6] & 0x0f) | 0x70;  /* version 7 */
  b[8] = (b[8] & 0x3f) | 0x80;  /* variant 10 */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
                          b[11], b[12], b[13], b[14], b[15]);
}

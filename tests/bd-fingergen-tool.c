/* bd-fingergen-tool.c: writes synthetic fingerprint impressions for the
 * integration tests and for eyes (bd-fingergen.h).
 *
 *   bd-fingergen SEED IMPRESSION --pgm FILE     an image to look at
 *   bd-fingergen SEED IMPRESSION --packet FILE  what libfprint's
 *                                               virtual_image socket reads
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bd-fingergen.h"

int
main (int argc, char **argv)
{
  g_autoptr(BdFingergen) finger = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  int header[2] = { BD_FINGERGEN_WIDTH, BD_FINGERGEN_HEIGHT };

  if (argc != 5 || (strcmp (argv[3], "--pgm") != 0 && strcmp (argv[3], "--packet") != 0))
    {
      g_printerr ("usage: bd-fingergen SEED IMPRESSION --pgm|--packet FILE\n");
      return 2;
    }
  finger = bd_fingergen_new ((guint32) strtoul (argv[1], NULL, 10));
  pixels = bd_fingergen_impression (finger, (guint) strtoul (argv[2], NULL, 10));
  if (strcmp (argv[3], "--pgm") == 0)
    {
      g_autofree char *head = g_strdup_printf ("P5\n%d %d\n255\n", BD_FINGERGEN_WIDTH,
                                               BD_FINGERGEN_HEIGHT);
      g_byte_array_append (out, (const guint8 *) head, strlen (head));
    }
  else
    g_byte_array_append (out, (const guint8 *) header, sizeof header);
  g_byte_array_append (out, pixels, BD_FINGERGEN_WIDTH * BD_FINGERGEN_HEIGHT);
  if (!g_file_set_contents (argv[4], (const char *) out->data, out->len, &error))
    {
      g_printerr ("bd-fingergen: %s\n", error->message);
      return 3;
    }
  return 0;
}

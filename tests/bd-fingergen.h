/* bd-fingergen.h: synthetic fingerprints for tests and benchmarks.
 *
 * A finger is a master ridge pattern: an orientation field from singular
 * points (cores and deltas, Sherlock-Monro model) plus a smooth random
 * perturbation, and ridges grown from noise by iterated Gabor filtering
 * along that field, so minutiae appear where the growth meets itself.  An
 * impression of the finger is the pattern seen through a rotation, a
 * translation, an elastic distortion, a pressure (ridge thickness), sensor
 * noise and a contact area that may be partial.  Everything is
 * deterministic by seed (GRand, Mersenne twister).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BD_FINGERGEN_WIDTH 256
#define BD_FINGERGEN_HEIGHT 320

typedef struct _BdFingergen BdFingergen;

/* A finger's master pattern for @seed.  Free with bd_fingergen_free. */
BdFingergen *bd_fingergen_new        (guint32 seed);
void         bd_fingergen_free       (BdFingergen *finger);

/* Impression @n of @finger: BD_FINGERGEN_WIDTH x BD_FINGERGEN_HEIGHT grey
 * bytes, ridges dark on white, 500 dpi.  Impression 0 is a clean, centred,
 * full contact; later ones vary.  Owned by the caller (g_free). */
guint8      *bd_fingergen_impression (BdFingergen *finger, guint n);

/* A connection to libfprint's virtual_image socket at @path (one per
 * device: the driver drops its old client when a new one connects).
 * Returns a file descriptor, or -1 with @error. */
int          bd_fingergen_connect    (const char *path, GError **error);
/* Sends impression @pixels (or, with @pixels NULL, the command
 * (@command, @arg): -1 retry, -2 error, -5 unplug) on @fd. */
gboolean     bd_fingergen_send       (int fd, const guint8 *pixels, int command, int arg,
                                      GError **error);

/* Sends one text command ("SCAN anna", "RETRY 1", "ERROR 5", "UNPLUG")
 * to libfprint's virtual_device socket at @path, connecting as soon as
 * the device listens (10 s at most), dispatching the default main
 * context meanwhile.  One command per connection: the driver reads one
 * message and hangs up. */
gboolean     bd_fingergen_command    (const char *path, const char *text, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BdFingergen, bd_fingergen_free)

G_END_DECLS

/* bd-fingergen.c: synthetic fingerprints (bd-fingergen.h). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gio.h>

#include "bd-fingergen.h"

/* The master pattern is larger than an impression so that rotated and
 * shifted impressions stay on it. */
#define MASTER_W 384
#define MASTER_H 448
#define N_ANGLES 24
#define KERNEL_R 6
#define KERNEL_N (2 * KERNEL_R + 1)
#define RIDGE_PERIOD 9.0
#define GROW_ROUNDS 7
#define MAX_SINGULAR 2

struct _BdFingergen {
  guint32 seed;
  float *ridges;   /* MASTER_W x MASTER_H, +1 ridge, -1 valley */
};

static double
gauss (GRand *rand)
{
  double u = g_rand_double_range (rand, 1e-12, 1.0);
  double v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

/* Ridge orientation (radians, modulo pi) at every master pixel: cores and
 * deltas after Sherlock and Monro, plus a low-frequency perturbation that
 * makes each finger's flow its own. */
static float *
orientation_field (GRand *rand)
{
  double cx[MAX_SINGULAR], cy[MAX_SINGULAR], dx[MAX_SINGULAR], dy[MAX_SINGULAR];
  double wobble_a = g_rand_double_range (rand, 0.05, 0.2);
  double wobble_fx = g_rand_double_range (rand, 1.0, 3.0) * G_PI / MASTER_W;
  double wobble_fy = g_rand_double_range (rand, 1.0, 3.0) * G_PI / MASTER_H;
  double wobble_p = g_rand_double_range (rand, 0, 2 * G_PI);
  double base = g_rand_double_range (rand, -0.15, 0.15);
  int kind = g_rand_int_range (rand, 0, 4);   /* loop, loop the other way, whorl, tented arch */
  int n = kind == 2 ? 2 : 1;
  float *field = g_new (float, MASTER_W * MASTER_H);

  for (int k = 0; k < n; k++)
    {
      double spread = kind == 2 ? 22.0 : 0.0;
      double side = kind == 0 ? -1.0 : kind == 1 ? 1.0 : 0.0;

      cx[k] = MASTER_W / 2.0 + g_rand_double_range (rand, -25, 25) + (k ? spread : -spread) * 0.3;
      cy[k] = MASTER_H * 0.42 + g_rand_double_range (rand, -20, 20) + (k ? spread : -spread);
      dx[k] = cx[k] + side * g_rand_double_range (rand, 60, 110) + (k ? 70 : -70) * (kind == 2);
      dy[k] = cy[k] + (kind == 3 ? g_rand_double_range (rand, 60, 80)
                                 : g_rand_double_range (rand, 110, 160));
    }
  for (int y = 0; y < MASTER_H; y++)
    for (int x = 0; x < MASTER_W; x++)
      {
        double theta = 0;

        for (int k = 0; k < n; k++)
          theta += atan2 (y - cy[k], x - cx[k]) - atan2 (y - dy[k], x - dx[k]);
        theta = theta / 2.0 + base
                + wobble_a * sin (x * wobble_fx + wobble_p) * cos (y * wobble_fy);
        /* atan2 gives the direction of the field's gradient lines; ridges
         * run across them. */
        field[y * MASTER_W + x] = (float) (theta + G_PI / 2);
      }
  return field;
}

/* Even-symmetric Gabor kernels, one per quantised ridge orientation. */
static void
gabor_bank (float bank[N_ANGLES][KERNEL_N * KERNEL_N])
{
  double sigma = 3.6, f = 1.0 / RIDGE_PERIOD;

  for (int a = 0; a < N_ANGLES; a++)
    {
      double theta = G_PI * a / N_ANGLES, sum = 0;

      for (int j = -KERNEL_R; j <= KERNEL_R; j++)
        for (int i = -KERNEL_R; i <= KERNEL_R; i++)
          {
            /* u: across the ridges; v: along them. */
            double u = -i * sin (theta) + j * cos (theta);
            double v = i * cos (theta) + j * sin (theta);
            double g = exp (-(u * u + v * v) / (2 * sigma * sigma)) * cos (2 * G_PI * f * u);

            bank[a][(j + KERNEL_R) * KERNEL_N + i + KERNEL_R] = (float) g;
            sum += fabs (g);
          }
      for (int k = 0; k < KERNEL_N * KERNEL_N; k++)
        bank[a][k] /= (float) (sum / 3.0);
    }
}

static int
angle_bin (float theta)
{
  double t = fmod (theta, G_PI);

  if (t < 0)
    t += G_PI;
  return (int) (t / G_PI * N_ANGLES + 0.5) % N_ANGLES;
}

BdFingergen *
bd_fingergen_new (guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed * 2654435761u + 17);
  g_autofree float *field = orientation_field (rand);
  g_autofree guint8 *bins = g_new (guint8, MASTER_W * MASTER_H);
  g_autofree float *next = g_new (float, MASTER_W * MASTER_H);
  static float bank[N_ANGLES][KERNEL_N * KERNEL_N];
  static gsize bank_ready = 0;
  BdFingergen *finger = g_new0 (BdFingergen, 1);

  if (g_once_init_enter (&bank_ready))
    {
      gabor_bank (bank);
      g_once_init_leave (&bank_ready, 1);
    }
  finger->seed = seed;
  finger->ridges = g_new (float, MASTER_W * MASTER_H);
  for (int k = 0; k < MASTER_W * MASTER_H; k++)
    {
      bins[k] = (guint8) angle_bin (field[k]);
      finger->ridges[k] = (float) g_rand_double_range (rand, -1.0, 1.0);
    }
  /* Each round filters along the local orientation and saturates, so the
   * noise organises into ridges of the right period and direction; where
   * growing fronts meet out of phase, endings and bifurcations remain. */
  for (int round = 0; round < GROW_ROUNDS; round++)
    {
      for (int y = 0; y < MASTER_H; y++)
        for (int x = 0; x < MASTER_W; x++)
          {
            const float *k = bank[bins[y * MASTER_W + x]];
            double acc = 0;

            for (int j = -KERNEL_R; j <= KERNEL_R; j++)
              {
                int yy = CLAMP (y + j, 0, MASTER_H - 1);
                const float *row = finger->ridges + yy * MASTER_W;
                const float *krow = k + (j + KERNEL_R) * KERNEL_N + KERNEL_R;

                for (int i = -KERNEL_R; i <= KERNEL_R; i++)
                  acc += krow[i] * row[CLAMP (x + i, 0, MASTER_W - 1)];
              }
            next[y * MASTER_W + x] = (float) tanh (2.5 * acc);
          }
      memcpy (finger->ridges, next, sizeof (float) * MASTER_W * MASTER_H);
    }
  return finger;
}

void
bd_fingergen_free (BdFingergen *finger)
{
  if (finger == NULL)
    return;
  g_free (finger->ridges);
  g_free (finger);
}

static double
sample (const BdFingergen *finger, double x, double y)
{
  int x0 = (int) floor (x), y0 = (int) floor (y);
  double fx = x - x0, fy = y - y0;

  if (x0 < 0 || y0 < 0 || x0 + 1 >= MASTER_W || y0 + 1 >= MASTER_H)
    return -1.0;
  return (finger->ridges[y0 * MASTER_W + x0] * (1 - fx) * (1 - fy)
          + finger->ridges[y0 * MASTER_W + x0 + 1] * fx * (1 - fy)
          + finger->ridges[(y0 + 1) * MASTER_W + x0] * (1 - fx) * fy
          + finger->ridges[(y0 + 1) * MASTER_W + x0 + 1] * fx * fy);
}

guint8 *
bd_fingergen_impression (BdFingergen *finger, guint n)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (finger->seed * 7919u + n * 104729u + 3);
  gboolean clean = n == 0;
  double angle = clean ? 0 : g_rand_double_range (rand, -12, 12) * G_PI / 180;
  double tx = clean ? 0 : g_rand_double_range (rand, -18, 18);
  double ty = clean ? 0 : g_rand_double_range (rand, -18, 18);
  double warp = clean ? 0 : g_rand_double_range (rand, 1.0, 3.5);
  double wp1 = g_rand_double_range (rand, 0, 2 * G_PI);
  double wp2 = g_rand_double_range (rand, 0, 2 * G_PI);
  double pressure = clean ? 0 : g_rand_double_range (rand, -0.35, 0.35);
  double noise = clean ? 4 : g_rand_double_range (rand, 6, 16);
  /* The contact: an ellipse, sometimes off centre so part is missing. */
  double ccx = BD_FINGERGEN_WIDTH / 2.0 + (clean ? 0 : g_rand_double_range (rand, -30, 30));
  double ccy = BD_FINGERGEN_HEIGHT / 2.0 + (clean ? 0 : g_rand_double_range (rand, -35, 35));
  double rx = clean ? 112 : g_rand_double_range (rand, 92, 118);
  double ry = clean ? 148 : g_rand_double_range (rand, 120, 152);
  guint8 *pixels = g_new (guint8, BD_FINGERGEN_WIDTH * BD_FINGERGEN_HEIGHT);
  double c = cos (angle), s = sin (angle);

  for (int y = 0; y < BD_FINGERGEN_HEIGHT; y++)
    for (int x = 0; x < BD_FINGERGEN_WIDTH; x++)
      {
        double px = x - BD_FINGERGEN_WIDTH / 2.0, py = y - BD_FINGERGEN_HEIGHT / 2.0;
        double e = hypot ((x - ccx) / rx, (y - ccy) / ry);
        /* Elastic distortion: nothing at the centre of contact, growing
         * towards its rim, as skin stretches around the pressed core. */
        double grow = MIN (1.0, hypot (px, py) / 150.0);
        double mx = c * px - s * py + MASTER_W / 2.0 - tx
                    + warp * grow * sin (py / 40.0 + wp1);
        double my = s * px + c * py + MASTER_H / 2.0 - ty
                    + warp * grow * cos (px / 45.0 + wp2);
        double v = sample (finger, mx, my) + pressure;
        double ink = 0.5 + 0.5 * tanh (2.2 * v);     /* 1: ridge in contact */
        double contact = CLAMP ((1.0 - e) * 8.0, 0.0, 1.0);
        double grey = 245 - 200 * ink * contact + noise * gauss (rand);

        pixels[y * BD_FINGERGEN_WIDTH + x] = (guint8) CLAMP (grey, 0, 255);
      }
  return pixels;
}

int
bd_fingergen_connect (const char *path, GError **error)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof addr.sun_path)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "socket path too long");
      return -1;
    }
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return -1;
    }
  return fd;
}

static gboolean
write_all (int fd, const void *data, gsize length, GError **error)
{
  const guint8 *p = data;

  while (length > 0)
    {
      ssize_t n = write (fd, p, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "sending: %s",
                       g_strerror (saved));
          return FALSE;
        }
      p += n;
      length -= n;
    }
  return TRUE;
}

/* Waits @usec while dispatching the default context: a local service
 * (bd_fingerprint_new) runs libfprint, and so the virtual device's
 * listener, on it. */
static void
pump (gint64 usec)
{
  gint64 end = g_get_monotonic_time () + usec;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

gboolean
bd_fingergen_command (const char *path, const char *text, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GError *local = NULL;
  gboolean ok;
  int fd;

  while ((fd = bd_fingergen_connect (path, &local)) < 0 && g_get_monotonic_time () < deadline)
    {
      g_clear_error (&local);
      pump (5000);
    }
  if (fd < 0)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  ok = write_all (fd, text, strlen (text), error);
  close (fd);
  /* Let the driver take it before the next connection replaces this one. */
  pump (20000);
  return ok;
}

gboolean
bd_fingergen_send (int fd, const guint8 *pixels, int command, int arg, GError **error)
{
  int header[2] = { command, arg };

  if (pixels != NULL)
    {
      header[0] = BD_FINGERGEN_WIDTH;
      header[1] = BD_FINGERGEN_HEIGHT;
    }
  if (!write_all (fd, header, sizeof header, error))
    return FALSE;
  return pixels == NULL
         || write_all (fd, pixels, BD_FINGERGEN_WIDTH * BD_FINGERGEN_HEIGHT, error);
}

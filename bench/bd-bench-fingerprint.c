/* bd-bench-fingerprint.c: `bench/run fingerprint`.
 *
 * The fingerprint service (libfprint's NBIS matcher) on libfprint's
 * virtual_image reader, fed with synthetic
 * fingers (tests/bd-fingergen.c): BD_BENCH_FINGERS fingers (default 50)
 * x 8 impressions.  Impressions 0-4 enrol each finger; 5-7 verify it
 * (genuine attempts); impression 5 of every finger is then searched 1:N
 * against the other fingers' templates (impostor comparisons).  Scores are
 * bozorth3's, read from libfprint's own debug log ("score S/T"), which
 * is the only place libfprint 1.94 reports them; the decision is
 * libfprint's (S >= T).  Identify time is measured on galleries of 100 and
 * 1,000 templates (copies of the enrolled ones, probed with a finger that
 * is in none, so every template is compared) and extrapolated linearly to
 * 10,000, said so in the metric's name.  Last, the desk's arrangement:
 * verification through the isolated service (libfprint in
 * borderdesk-fingerprint-helper, $BORDERDESK_FINGERPRINT_HELPER), with
 * the local service's verification time as its baseline.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bd-bench-util.h"
#include "bd-fingergen.h"
#include "bd-fingerprint.h"

#define IMPRESSIONS 8
#define ENROL_IMPRESSIONS 5

typedef struct {
  BdFingerprint *fp;
  char *socket;
  int fd;
  GPtrArray *queue;      /* of guint8* impressions still to send, in order */
  GAsyncResult *result;
} Bench;

static GMutex scores_lock;
static GArray *scores;       /* ints: every "score S/T" libfprint logged since the last reset */
static int threshold = 40;

static GLogWriterOutput
writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
    else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
  if (g_strcmp0 (domain, "libfprint-print") == 0 && message != NULL
      && g_str_has_prefix (message, "score "))
    {
      int s = 0, t = 0;

      if (sscanf (message, "score %d/%d", &s, &t) == 2)
        {
          g_mutex_lock (&scores_lock);
          g_array_append_val (scores, s);
          threshold = t;
          g_mutex_unlock (&scores_lock);
        }
      return G_LOG_WRITER_HANDLED;
    }
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, data);
}

static GArray *
take_scores (void)
{
  GArray *taken;

  g_mutex_lock (&scores_lock);
  taken = scores;
  scores = g_array_new (FALSE, FALSE, sizeof (int));
  g_mutex_unlock (&scores_lock);
  return taken;
}

static int
max_score (GArray *list, guint from, guint to)
{
  int best = 0;

  for (guint i = from; i < to && i < list->len; i++)
    best = MAX (best, g_array_index (list, int, i));
  return best;
}

static void
on_event_cb (const BdFingerEvent *event, gpointer data)
{
  Bench *b = data;
  g_autoptr(GError) error = NULL;

  if (event->kind != BD_FINGER_EVENT_PLACE || b->queue->len == 0)
    return;
  if (!bd_fingergen_send (b->fd, b->queue->pdata[0], 0, 0, &error))
    g_error ("%s", error->message);
  g_ptr_array_remove_index (b->queue, 0);
}

static void
on_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  ((Bench *) data)->result = g_object_ref (result);
}

static void
wait_result (Bench *b)
{
  while (b->result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static GBytes *
enrol (Bench *b, BdFingergen *finger)
{
  g_autoptr(GError) error = NULL;
  GBytes *template;

  for (guint i = 0; i < ENROL_IMPRESSIONS; i++)
    g_ptr_array_add (b->queue, bd_fingergen_impression (finger, i));
  bd_fingerprint_enroll_async (b->fp, NULL, 7, NULL, on_event_cb, b, on_done_cb, b);
  /* The reader's socket appears when the first operation opens it; the
   * driver wants its client before it awaits a finger. */
  while (b->fd < 0)
    {
      g_autoptr(GError) local = NULL;

      b->fd = bd_fingergen_connect (b->socket, &local);
      if (b->fd < 0)
        g_usleep (10000);
    }
  wait_result (b);
  template = bd_fingerprint_enroll_finish (b->fp, b->result, NULL, &error);
  g_clear_object (&b->result);
  if (template == NULL)
    g_error ("enrolment failed: %s", error->message);
  return template;
}

static gboolean
verify (Bench *b, GBytes *template, guint8 *image)
{
  g_autoptr(GError) error = NULL;
  gboolean match = FALSE;

  g_ptr_array_add (b->queue, image);
  bd_fingerprint_verify_async (b->fp, NULL, template, NULL, on_event_cb, b, on_done_cb, b);
  wait_result (b);
  if (!bd_fingerprint_verify_finish (b->fp, b->result, &match, &error))
    g_error ("verify failed: %s", error->message);
  g_clear_object (&b->result);
  return match;
}

static int
identify (Bench *b, GPtrArray *gallery, guint8 *image)
{
  g_autoptr(GError) error = NULL;
  int index = -1;

  g_ptr_array_add (b->queue, image);
  bd_fingerprint_identify_async (b->fp, NULL, gallery, NULL, on_event_cb, b, on_done_cb, b);
  wait_result (b);
  if (!bd_fingerprint_identify_finish (b->fp, b->result, &index, &error))
    g_error ("identify failed: %s", error->message);
  g_clear_object (&b->result);
  return index;
}

static void
emit_distribution (const char *name, GArray *values)
{
  g_autofree char *p50 = g_strconcat (name, "_score_p50", NULL);
  g_autofree char *p01 = g_strconcat (name, "_score_p01", NULL);
  g_autofree char *p99 = g_strconcat (name, "_score_p99", NULL);

  bd_bench_emit ("fingerprint", p01, bd_bench_percentile (values, 0.01), "bozorth3", 0);
  bd_bench_emit ("fingerprint", p50, bd_bench_percentile (values, 0.5), "bozorth3", 0);
  bd_bench_emit ("fingerprint", p99, bd_bench_percentile (values, 0.99), "bozorth3", 0);
}

int
main (int argc, char **argv)
{
  const char *env = g_getenv ("BD_BENCH_FINGERS");
  guint n = env != NULL ? (guint) atoi (env) : 50;
  g_autofree char *dir = g_dir_make_tmp ("bd-bench-fp-XXXXXX", NULL);
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) fingers =
    g_ptr_array_new_with_free_func ((GDestroyNotify) bd_fingergen_free);
  g_autoptr(GArray) genuine = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) impostor = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) enrol_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) verify_ms = g_array_new (FALSE, FALSE, sizeof (double));
  double size = 0;
  guint false_non_match = 0, false_match = 0, comparisons = 0;
  Bench b = { 0, };

  if (n < 3)
    n = 3;
  /* libfprint only hands its debug messages (the scores) to the writer
   * when its domain is asked for. */
  g_setenv ("G_MESSAGES_DEBUG", "libfprint-print", TRUE);
  g_log_set_writer_func (writer, NULL, NULL);
  scores = g_array_new (FALSE, FALSE, sizeof (int));
  b.socket = g_build_filename (dir, "virtual-image.socket", NULL);
  g_setenv ("FP_VIRTUAL_IMAGE", b.socket, TRUE);
  g_setenv ("FP_DRIVERS_WHITELIST", "virtual_image", TRUE);
  b.fd = -1;
  b.queue = g_ptr_array_new_with_free_func (g_free);
  b.fp = bd_fingerprint_new ();
  bd_fingerprint_set_timeout (b.fp, 0);

  for (guint i = 0; i < n; i++)
    {
      BdFingergen *finger = bd_fingergen_new (1000 + i);
      double t0 = bd_bench_now_ms (), t;
      GBytes *template;

      g_ptr_array_add (fingers, finger);
      template = enrol (&b, finger);
      t = bd_bench_now_ms () - t0;
      g_array_append_val (enrol_ms, t);
      size += g_bytes_get_size (template);
      g_ptr_array_add (templates, template);
      g_array_unref (take_scores ());
      for (guint k = ENROL_IMPRESSIONS; k < IMPRESSIONS; k++)
        {
          g_autoptr(GArray) s = NULL;
          gboolean match;
          double score;

          t0 = bd_bench_now_ms ();
          match = verify (&b, template, bd_fingergen_impression (finger, k));
          t = bd_bench_now_ms () - t0;
          g_array_append_val (verify_ms, t);
          s = take_scores ();
          score = max_score (s, 0, s->len);
          g_array_append_val (genuine, score);
          false_non_match += !match;
        }
    }

  /* Impostors: each finger's impression 5 against every other template,
   * one 1:N search per finger over a gallery without it. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) others = g_ptr_array_new ();
      g_autoptr(GArray) s = NULL;
      int hit;

      for (guint j = 0; j < n; j++)
        if (j != i)
          g_ptr_array_add (others, templates->pdata[j]);
      g_array_unref (take_scores ());
      hit = identify (&b, others, bd_fingergen_impression (fingers->pdata[i], 5));
      s = take_scores ();
      /* libfprint scores each of a template's enrolment scans in turn and
       * stops at the first match: one comparison per template. */
      for (guint k = 0; k + ENROL_IMPRESSIONS <= s->len; k += ENROL_IMPRESSIONS)
        {
          double score = max_score (s, k, k + ENROL_IMPRESSIONS);

          g_array_append_val (impostor, score);
        }
      comparisons += hit >= 0 ? (guint) hit + 1 : others->len;
      false_match += hit >= 0;
    }

  bd_bench_emit ("fingerprint", "fingers", n, "fingers", 0);
  bd_bench_emit ("fingerprint", "threshold", threshold, "bozorth3", 0);
  emit_distribution ("genuine", genuine);
  emit_distribution ("impostor", impostor);
  bd_bench_emit ("fingerprint", "fnmr", (double) false_non_match / genuine->len, "ratio", 0);
  bd_bench_emit ("fingerprint", "genuine_attempts", genuine->len, "attempts", 0);
  bd_bench_emit ("fingerprint", "fmr", (double) false_match / MAX (comparisons, 1), "ratio", 0);
  bd_bench_emit ("fingerprint", "impostor_comparisons", comparisons, "comparisons", 0);
  bd_bench_emit ("fingerprint", "enrol_p50", bd_bench_percentile (enrol_ms, 0.5), "ms", 0);
  bd_bench_emit ("fingerprint", "verify_p50", bd_bench_percentile (verify_ms, 0.5), "ms", 0);
  bd_bench_emit ("fingerprint", "template_size_mean", size / n, "bytes", 0);

  /* 1:N time against galleries of copies, probed by a finger in none. */
  {
    g_autoptr(BdFingergen) stranger = bd_fingergen_new (999);
    double per_template = 0;
    guint sizes[] = { 100, 1000 };

    for (guint g = 0; g < G_N_ELEMENTS (sizes); g++)
      {
        g_autoptr(GPtrArray) gallery = g_ptr_array_new ();
        g_autofree char *metric = g_strdup_printf ("identify_%u", sizes[g]);
        double t0, t;

        for (guint i = 0; i < sizes[g]; i++)
          g_ptr_array_add (gallery, templates->pdata[i % n]);
        t0 = bd_bench_now_ms ();
        identify (&b, gallery, bd_fingergen_impression (stranger, 5));
        t = bd_bench_now_ms () - t0;
        g_array_unref (take_scores ());
        bd_bench_emit ("fingerprint", metric, t, "ms", 0);
        per_template = t / sizes[g];
      }
    bd_bench_emit ("fingerprint", "identify_10000_extrapolated", per_template * 10000, "ms", 0);
  }

  bd_fingerprint_free (b.fp);
  if (b.fd >= 0)
    close (b.fd);
  g_ptr_array_unref (b.queue);
  g_unlink (b.socket);
  g_free (b.socket);

  /* The same verifications through the helper process: what the D-Bus
   * hop and the second process cost the desk. */
  {
    g_autoptr(GArray) isolated_ms = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) template = NULL;
    Bench iso = { 0, };

    iso.socket = g_build_filename (dir, "isolated.socket", NULL);
    iso.fd = -1;
    iso.queue = g_ptr_array_new_with_free_func (g_free);
    g_setenv ("FP_VIRTUAL_IMAGE", iso.socket, TRUE);
    /* The helper's scores would only print: nobody reads its log here. */
    g_unsetenv ("G_MESSAGES_DEBUG");
    iso.fp = bd_fingerprint_new_isolated (NULL, &error);
    if (iso.fp == NULL)
      g_error ("the fingerprint helper: %s", error->message);
    bd_fingerprint_set_timeout (iso.fp, 0);
    template = enrol (&iso, fingers->pdata[0]);
    for (guint r = 0; r < 4; r++)
      for (guint k = ENROL_IMPRESSIONS; k < IMPRESSIONS; k++)
        {
          double t0 = bd_bench_now_ms (), t;

          if (!verify (&iso, template, bd_fingergen_impression (fingers->pdata[0], k)))
            g_error ("the isolated service did not match a genuine impression");
          t = bd_bench_now_ms () - t0;
          g_array_append_val (isolated_ms, t);
        }
    bd_bench_emit ("fingerprint", "verify_isolated_p50", bd_bench_percentile (isolated_ms, 0.5),
                   "ms", bd_bench_percentile (verify_ms, 0.5));
    bd_fingerprint_free (iso.fp);
    if (iso.fd >= 0)
      close (iso.fd);
    g_ptr_array_unref (iso.queue);
    g_unlink (iso.socket);
    g_free (iso.socket);
  }
  g_rmdir (dir);
  return 0;
}

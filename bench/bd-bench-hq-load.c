/* bd-bench-hq-load.c: the load generator of bench/hq.py.
 *
 *   bd-bench-hq-load raw --store URL --records N
 *       the store's raw insert rate: crossing rows, 100 to a statement and
 *       500 to a transaction as HQ writes them, nothing parsed or verified;
 *       N a multiple of 500; prints records/s on stdout
 *   bd-bench-hq-load load --bench NAME --metric-prefix P --port PORT --ca CA
 *                         --desks-dir DIR --desks N --batches B --records R
 *                         [--baseline RATE]
 *       N desk threads (DIR/desk-I.key, DIR/desk-I.crt), started together,
 *       each building, signing and posting B batches of R crossings over
 *       its own keep-alive TLS connection; prints CONTRACT.md JSON lines
 *       (records/s, errors, p50 and p99 batch latency).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bd-batch.h"
#include "bd-bench-util.h"
#include "bd-cleanup.h"
#include "bd-hq-store.h"
#include "bd-jws.h"
#include "bd-pki.h"

typedef struct {
  guint index;
  char *desk;
  EVP_PKEY *key;
  X509 *cert;
  SSL *ssl;
  int fd;
  GArray *latencies;     /* ms */
  guint errors;
  guint records;
  char *last_error;
} DeskThread;

static struct {
  SSL_CTX *ctx;
  guint16 port;
  guint batches;
  guint records;
  GMutex lock;
  GCond go;
  gboolean started;
} load;

static char *
crossing_json (const char *desk, guint n)
{
  g_autofree char *post = g_strndup (desk, strcspn (desk, "/"));
  g_autofree char *id = g_uuid_string_random ();

  return g_strdup_printf (
    "{\"type\":\"crossing\",\"id\":\"%s\",\"time\":\"2026-05-01T%02u:%02u:%02uZ\","
    "\"direction\":\"%s\",\"decision\":\"admitted\",\"shift\":1,\"officer\":\"g1\","
    "\"post\":\"%s\",\"desk\":\"%s\",\"document\":{\"code\":\"P\",\"issuing_state\":\"UTO\","
    "\"number\":\"L%07u\",\"expiry\":\"2030-01-01\"},\"traveller\":{\"surname\":\"ERIKSSON\","
    "\"given_names\":\"ANNA MARIA\",\"nationality\":\"UTO\",\"birth_date\":\"1974-08-12\","
    "\"sex\":\"F\"},\"refusal_reasons\":[],\"source\":\"mrz-reader\",\"vulnerability\":\"\","
    "\"override_by\":null}", id, (n / 3600) % 24, (n / 60) % 60, n % 60,
    n % 2 ? "exit" : "entry", post, desk, n % 10000000);
}

/* Raw: the store alone. */
static int
run_raw (const char *url, guint n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("bd-bench-raw-XXXXXX", &error);
  g_autoptr(BdHqStore) store = bd_hq_store_open (tmp, url, &error);
  g_autoptr(GString) sql = NULL;
  double start, ms;

  if (store == NULL || !store->klass->exec (store,
        "CREATE TABLE IF NOT EXISTS raw_crossings (id TEXT PRIMARY KEY, desk TEXT NOT NULL,"
        " epoch BIGINT NOT NULL, seq BIGINT NOT NULL, post TEXT NOT NULL, day TEXT NOT NULL,"
        " direction TEXT NOT NULL, decision TEXT NOT NULL, time TEXT NOT NULL,"
        " record TEXT NOT NULL)", 0, NULL, NULL, &error))
    {
      g_printerr ("raw: %s\n", error->message);
      return 1;
    }
  /* As HQ inserts: 100 rows to a statement, 500 to a transaction. */
  sql = g_string_new ("INSERT INTO raw_crossings (id, desk, epoch, seq, post, day, direction,"
                      " decision, time, record) VALUES");
  for (guint r = 0; r < 100; r++)
    {
      g_string_append (sql, r > 0 ? ", (" : " (");
      for (guint c = 0; c < 10; c++)
        g_string_append_printf (sql, "%s$%u", c > 0 ? ", " : "", r * 10 + c + 1);
      g_string_append_c (sql, ')');
    }
  start = bd_bench_now_ms ();
  for (guint done = 0; done < n && error == NULL;)
    {
      if (!store->klass->begin_write (store, &error))
        break;
      for (guint k = 0; k < 5 && error == NULL; k++, done += 100)
        {
          g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
          const char *p[1000];

          for (guint r = 0; r < 100; r++)
            {
              char *rec = crossing_json ("RAW/1", done + r);
              char *id = g_uuid_string_random ();
              const char *row[] = { id, "RAW/1", "1", "1", "RAW", "2026-05-01", "entry",
                                    "admitted", "2026-05-01T10:00:00Z", rec };

              g_ptr_array_add (owned, rec);
              g_ptr_array_add (owned, id);
              memcpy (p + r * 10, row, sizeof row);
            }
          store->klass->exec (store, sql->str, 1000, p, NULL, &error);
        }
      if (error == NULL)
        store->klass->commit (store, &error);
    }
  ms = bd_bench_now_ms () - start;
  if (error != NULL)
    {
      g_printerr ("raw: %s\n", error->message);
      return 1;
    }
  store->klass->exec (store, "DROP TABLE raw_crossings", 0, NULL, NULL, NULL);
  printf ("%.1f\n", n / (ms / 1000));
  return 0;
}

static gboolean
fail (DeskThread *t, const char *what)
{
  char buf[256] = "";
  unsigned long e = ERR_get_error ();

  if (e != 0)
    ERR_error_string_n (e, buf, sizeof buf);
  ERR_clear_error ();
  g_free (t->last_error);
  t->last_error = g_strdup_printf ("%s %s %s", what, buf, e == 0 ? g_strerror (errno) : "");
  return FALSE;
}

static void
disconnect (DeskThread *t)
{
  if (t->ssl != NULL)
    SSL_free (t->ssl);
  if (t->fd >= 0)
    close (t->fd);
  t->ssl = NULL;
  t->fd = -1;
}

static gboolean
connect_tls (DeskThread *t)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (load.port) };
  int one = 1;

  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  t->fd = socket (AF_INET, SOCK_STREAM, 0);
  if (t->fd < 0 || connect (t->fd, (struct sockaddr *) &sa, sizeof sa) != 0)
    return fail (t, "connect");
  setsockopt (t->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  t->ssl = SSL_new (load.ctx);
  if (t->ssl == NULL || SSL_use_certificate (t->ssl, t->cert) != 1 ||
      SSL_use_PrivateKey (t->ssl, t->key) != 1 || SSL_set_fd (t->ssl, t->fd) != 1 ||
      SSL_set_tlsext_host_name (t->ssl, "localhost") != 1 ||
      SSL_set1_host (t->ssl, "localhost") != 1 || SSL_connect (t->ssl) != 1)
    return fail (t, "handshake");
  return TRUE;
}

static gboolean
write_all (DeskThread *t, const char *data, gsize n)
{
  while (n > 0)
    {
      int w = SSL_write (t->ssl, data, (int) MIN (n, 1 << 20));

      if (w <= 0)
        return fail (t, "write");
      data += w;
      n -= w;
    }
  return TRUE;
}

/* One request on the connection: returns the status, 0 on failure. */
static guint
post (DeskThread *t, const char *body, gboolean *close_after)
{
  g_autofree char *head = g_strdup_printf ("POST /v1/batches HTTP/1.1\r\nHost: localhost\r\n"
                                           "Content-Type: application/jose+json\r\n"
                                           "Content-Length: %zu\r\n\r\n", strlen (body));
  g_autoptr(GString) in = g_string_new (NULL);
  char buf[16384], *end;
  guint status = 0;
  gsize length = 0, header_len;

  if (!write_all (t, head, strlen (head)) || !write_all (t, body, strlen (body)))
    return 0;
  while ((end = strstr (in->str, "\r\n\r\n")) == NULL)
    {
      int r = SSL_read (t->ssl, buf, sizeof buf);

      if (r <= 0)
        return (fail (t, "read"), 0);
      g_string_append_len (in, buf, r);
    }
  header_len = end + 4 - in->str;
  sscanf (in->str, "HTTP/1.1 %u", &status);
  for (char *h = in->str; h < end; h = strstr (h, "\r\n") + 2)
    {
      if (g_ascii_strncasecmp (h, "Content-Length:", 15) == 0)
        length = g_ascii_strtoull (h + 15, NULL, 10);
      if (g_ascii_strncasecmp (h, "Connection: close", 17) == 0)
        *close_after = TRUE;
    }
  while (in->len < header_len + length)
    {
      int r = SSL_read (t->ssl, buf, sizeof buf);

      if (r <= 0)
        return (fail (t, "read body"), 0);
      g_string_append_len (in, buf, r);
    }
  return status;
}

static char *
make_batch (DeskThread *t, guint seq, const char *prev)
{
  g_autoptr(GString) p = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  char *jws;

  g_string_append_printf (p, "{\"desk\":\"%s\",\"epoch\":1,\"seq\":%u,\"prev\":\"%s\","
                          "\"created\":\"2026-05-01T12:00:00Z\",\"audit_head\":{\"seq\":%u,"
                          "\"hash\":\"%s\"},\"records\":[", t->desk, seq, prev,
                          seq * load.records, BD_SHA256_ZERO);
  for (guint i = 0; i < load.records; i++)
    {
      g_autofree char *c = crossing_json (t->desk, seq * load.records + i);

      g_string_append_printf (p, "%s%s", i ? "," : "", c);
    }
  g_string_append (p, "]}");
  bytes = g_bytes_new (p->str, p->len);
  jws = bd_jws_sign (t->key, t->desk, BD_JWS_TYP_BATCH, NULL, bytes, &error);
  if (jws == NULL)
    g_error ("signing: %s", error->message);
  return jws;
}

static gpointer
desk_main (gpointer data)
{
  DeskThread *t = data;
  g_autofree char *prev = g_strdup (BD_SHA256_ZERO);

  g_mutex_lock (&load.lock);
  while (!load.started)
    g_cond_wait (&load.go, &load.lock);
  g_mutex_unlock (&load.lock);
  for (guint seq = 1; seq <= load.batches; seq++)
    {
      double start = bd_bench_now_ms (), ms;
      g_autofree char *batch = make_batch (t, seq, prev);
      g_autoptr(BdJws) jws = bd_jws_parse (batch, strlen (batch), BD_JWS_TYP_BATCH, NULL);
      gboolean close_after = FALSE;
      guint status = 0;

      for (int attempt = 0; attempt < 3 && status != 200; attempt++)
        {
          if (t->ssl == NULL && !connect_tls (t))
            {
              disconnect (t);
              continue;
            }
          status = post (t, batch, &close_after);
          if (status == 0 || close_after)
            disconnect (t);
          if (status == 429)
            g_usleep (G_USEC_PER_SEC);
        }
      ms = bd_bench_now_ms () - start;
      if (status != 200)
        {
          t->errors++;
          if (t->last_error == NULL)
            t->last_error = g_strdup_printf ("HTTP %u", status);
          break;
        }
      g_array_append_val (t->latencies, ms);
      t->records += load.records;
      g_free (prev);
      prev = bd_sha256_hex (g_bytes_get_data (jws->payload, NULL),
                            g_bytes_get_size (jws->payload));
    }
  disconnect (t);
  return NULL;
}

static int
run_load (const char *bench, const char *prefix, const char *ca, const char *dir, guint desks,
          double baseline)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *metric = NULL;
  DeskThread *ts = g_new0 (DeskThread, desks);
  struct rlimit rl;
  guint errors = 0, records = 0;
  double start, seconds;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
  load.ctx = SSL_CTX_new (TLS_client_method ());
  SSL_CTX_set_min_proto_version (load.ctx, TLS1_2_VERSION);
  if (SSL_CTX_load_verify_locations (load.ctx, ca, NULL) != 1)
    g_error ("loading %s", ca);
  SSL_CTX_set_verify (load.ctx, SSL_VERIFY_PEER, NULL);
  for (guint i = 0; i < desks; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = g_strdup_printf ("%s/desk-%u.key", dir, i);
      g_autofree char *crt = g_strdup_printf ("%s/desk-%u.crt", dir, i);

      ts[i].index = i;
      ts[i].fd = -1;
      ts[i].latencies = g_array_new (FALSE, FALSE, sizeof (double));
      ts[i].key = bd_pki_load_key (key, &error);
      ts[i].cert = ts[i].key != NULL ? bd_pki_load_cert (crt, &error) : NULL;
      if (ts[i].cert == NULL)
        g_error ("desk %u: %s", i, error->message);
      ts[i].desk = bd_pki_common_name (ts[i].cert);
      g_ptr_array_add (threads, g_thread_new ("desk", desk_main, &ts[i]));
    }
  g_usleep (G_USEC_PER_SEC / 5);
  start = bd_bench_now_ms ();
  g_mutex_lock (&load.lock);
  load.started = TRUE;
  g_cond_broadcast (&load.go);
  g_mutex_unlock (&load.lock);
  for (guint i = 0; i < desks; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  seconds = (bd_bench_now_ms () - start) / 1000;
  for (guint i = 0; i < desks; i++)
    {
      errors += ts[i].errors;
      records += ts[i].records;
      g_array_append_vals (all, ts[i].latencies->data, ts[i].latencies->len);
      if (ts[i].last_error != NULL && errors <= 3)
        g_printerr ("desk %s: %s\n", ts[i].desk, ts[i].last_error);
    }
  metric = g_strdup_printf ("%s_records_per_s", prefix);
  bd_bench_emit (bench, metric, records / seconds, "records/s", baseline);
  g_free (metric);
  metric = g_strdup_printf ("%s_errors", prefix);
  bd_bench_emit (bench, metric, errors, "batches", 0);
  g_free (metric);
  metric = g_strdup_printf ("%s_batch_p50", prefix);
  bd_bench_emit (bench, metric, bd_bench_percentile (all, 0.5), "ms", 0);
  g_free (metric);
  metric = g_strdup_printf ("%s_batch_p99", prefix);
  bd_bench_emit (bench, metric, bd_bench_percentile (all, 0.99), "ms", 0);
  return errors == 0 ? 0 : 1;
}

int
main (int argc, char **argv)
{
  g_autofree char *store = NULL, *bench = NULL, *prefix = NULL, *ca = NULL, *dir = NULL;
  gint port = 0, desks = 1, batches = 10, records = 500;
  double baseline = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("raw|load");
  const GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_STRING, &store, "raw: the store URL", "URL" },
    { "bench", 0, 0, G_OPTION_ARG_STRING, &bench, "load: the benchmark's name", "NAME" },
    { "metric-prefix", 0, 0, G_OPTION_ARG_STRING, &prefix, "load: metric names' prefix", "P" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "load: HQ's port on 127.0.0.1", "PORT" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca, "load: HQ's ca.crt", "FILE" },
    { "desks-dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "load: desk-I.key, desk-I.crt", "DIR" },
    { "desks", 0, 0, G_OPTION_ARG_INT, &desks, "load: desks at once", "N" },
    { "batches", 0, 0, G_OPTION_ARG_INT, &batches, "load: batches a desk", "B" },
    { "records", 0, 0, G_OPTION_ARG_INT, &records, "records a batch (raw: in all)", "R" },
    { "baseline", 0, 0, G_OPTION_ARG_DOUBLE, &baseline, "load: the raw rate", "RATE" },
    { NULL }
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "raw or load?");
      return 2;
    }
  if (strcmp (argv[1], "raw") == 0)
    return run_raw (store, records);
  load.port = port;
  load.batches = batches;
  load.records = records;
  return run_load (bench, prefix, ca, dir, desks, baseline);
}

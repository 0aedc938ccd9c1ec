/* fuzz-hq-request.c: HQ's request handling, from the bytes a desk sends
 * to the bytes HQ answers: libevent's evhttp parser with HQ's limits and
 * routes (bd_hq_worker_configure, the same call `serve` makes), then
 * bd-hq-handler.c's authorization, routes and batch ingest into a real
 * SQLite store.
 *
 * What is left out is TLS alone: the input goes over a loopback TCP
 * connection, and the handler takes the connection's peer to be the
 * certificate of desk FUZZ_DESK_ID (BdHqServer.plain_peer, NULL in
 * `serve`), registered in a throwaway HQ directory made at start-up in
 * /dev/shm (or the temporary directory) with the fixed desk key, so the
 * signed batch in the seed corpus verifies and is stored.  Batches are
 * verified inline (no verifier threads) and answered on the base's next
 * turn, as `serve` answers them.
 *
 * Each input is one connection: the bytes are written, the base runs
 * until HQ closes the connection or stops making progress, then the
 * client closes and the base runs until evhttp has freed the connection
 * (its events are back to the idle count), so nothing leaks from one
 * input to the next.  Whatever HQ answers must be HTTP: every response
 * starts with a status line of a known status. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/http.h>

#include "bd-hq-commands.h"
#include "bd-hq-metrics.h"
#include "bd-hq-pki.h"
#include "bd-hq-server.h"
#include "fuzz-util.h"

/* Turns of the loop without any byte moving before an input is done. */
#define IDLE_TURNS 8
#define MAX_TURNS 4000

static char *top;
static BdHqServer server;
static BdHqWorker worker;
static struct sockaddr_in address;
static int idle_events;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
at_exit (void)
{
  g_clear_pointer (&worker.http, evhttp_free);
  g_clear_pointer (&worker.done_event, event_free);
  g_clear_pointer (&worker.base, event_base_free);
  g_clear_pointer (&worker.store, bd_hq_store_close);
  g_clear_pointer (&worker.done, g_async_queue_unref);
  g_clear_pointer (&server.limit, bd_hq_rate_limit_free);
  g_clear_pointer (&server.dir, bd_hq_dir_free);
  g_clear_pointer (&server.plain_peer, X509_free);
  rm_rf (top);
}

/* HQ's directory and store, with the fuzz desk registered under its
 * fixed key, and the certificate its connections are taken to carry. */
static void
make_hq (const char *dir)
{
  char *init[] = { "init", "--name", "Fuzz HQ", "--host", "localhost", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *now = bd_hq_now ();
  FuzzPki pki;
  gint64 epoch = 0;
  int saved = dup (STDOUT_FILENO);

  /* init reports on stdout: keep libFuzzer's output readable. */
  g_assert_nonnull (freopen ("/dev/null", "w", stdout));
  g_assert_cmpint (bd_hq_cmd_init (dir, 5, init), ==, 0);
  fflush (stdout);
  g_assert_cmpint (dup2 (saved, STDOUT_FILENO), ==, STDOUT_FILENO);
  close (saved);
  fuzz_pki_init (&pki);
  server.dir = bd_hq_dir_open (dir, &error);
  g_assert_no_error (error);
  worker.store = bd_hq_store_open (dir, NULL, &error);
  g_assert_no_error (error);
  key_pem = bd_hq_public_pem (pki.desk_key);
  g_assert_true (bd_hq_store_desk_register (worker.store, FUZZ_DESK_ID, key_pem, now, &epoch,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpint (epoch, ==, 1);
  server.plain_peer = bd_pki_issue (pki.desk_key, FUZZ_DESK_ID, BD_CERT_DESK, NULL, pki.ca,
                                    pki.ca_key, 3, 36500, &error);
  g_assert_no_error (error);
  EVP_PKEY_free (pki.ca_key);
  EVP_PKEY_free (pki.hq_key);
  EVP_PKEY_free (pki.desk_key);
  X509_free (pki.ca);
  X509_free (pki.hq_cert);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autofree char *dir = NULL;
  struct evhttp_bound_socket *bound;
  socklen_t len = sizeof address;

  fuzz_glib_init ();
  bd_hq_log_set_stream (fopen ("/dev/null", "w"));
  top = fuzz_temp_dir ("bd-fuzz-hq");
  atexit (at_exit);
  dir = g_build_filename (top, "hq", NULL);
  make_hq (dir);
  bd_hq_metrics_init ();

  server.config.dir = dir;
  server.config.timeout = 30;
  server.config.header_timeout = 10;
  server.config.max_connections = 16;
  server.config.max_desk_connections = 16;
  /* No 429s: the fuzzer sends far more batches than a desk may. */
  server.limit = bd_hq_rate_limit_new (1e12, 1e12);
  worker.server = &server;
  worker.done = g_async_queue_new ();
  worker.base = event_base_new ();
  worker.http = evhttp_new (worker.base);
  bd_hq_worker_configure (&worker);
  bound = evhttp_bind_socket_with_handle (worker.http, "127.0.0.1", 0);
  g_assert_nonnull (bound);
  g_assert_cmpint (getsockname (evhttp_bound_socket_get_fd (bound), (struct sockaddr *) &address,
                                &len), ==, 0);
  idle_events = event_base_get_num_events (worker.base, EVENT_BASE_COUNT_ADDED);
  g_steal_pointer (&dir);  /* server.config.dir, for the process */
  return 0;
}

/* Whatever HQ sent starts with a status line "HTTP/M.N NNN " of a
 * status HQ or libevent sends.  evhttp answers in the version the request
 * named, whatever it is: HTTP/0.1, HTTP/1.4011, and a negative major or
 * minor from a version that overflows libevent's sscanf("%d").  Desks never
 * send those, and no byte of the answer depends on them but the version
 * itself.  A response cut short by a close is fine. */
static void
check_answer (const GString *answer)
{
  static const char *const statuses[] = { "100", "200", "400", "401", "403", "404", "405",
                                          "409", "411", "413", "417", "429", "431", "500",
                                          "501", "503", "505" };
  const char *s = answer->str;
  gboolean known = FALSE;

  if (answer->len == 0)
    return;
  g_assert_true (g_str_has_prefix (s, "HTTP/"));
  s += 5 + (s[5] == '-');
  g_assert_true (g_ascii_isdigit (*s));
  for (; g_ascii_isdigit (*s); s++)
    ;
  g_assert_true (*s++ == '.');
  s += *s == '-';
  g_assert_true (g_ascii_isdigit (*s));
  for (; g_ascii_isdigit (*s); s++)
    ;
  g_assert_true (*s++ == ' ' && (gsize) (s - answer->str) + 3 <= answer->len);
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    known = known || strncmp (s, statuses[i], 3) == 0;
  if (!known)
    g_error ("unexpected status: %.40s", answer->str);
  /* A 500 is a failure of HQ itself, never an answer to bad input. */
  g_assert_true (strncmp (s, "500", 3) != 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GString) answer = g_string_new (NULL);
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  gsize sent = 0;
  gboolean open = TRUE;
  guint idle = 0;

  g_assert_cmpint (fd, >=, 0);
  /* Loopback: the kernel completes the connection from the backlog. */
  g_assert_true (connect (fd, (struct sockaddr *) &address, sizeof address) == 0 ||
                 errno == EINPROGRESS);
  for (guint turn = 0; turn < MAX_TURNS && open && idle < IDLE_TURNS; turn++)
    {
      gboolean moved = FALSE;
      char buf[16384];
      ssize_t n;

      if (sent < size)
        {
          n = send (fd, data + sent, size - sent, MSG_NOSIGNAL);
          if (n > 0)
            sent += n, moved = TRUE;
        }
      event_base_loop (worker.base, EVLOOP_NONBLOCK);
      while ((n = recv (fd, buf, sizeof buf, 0)) > 0)
        g_string_append_len (answer, buf, n), moved = TRUE;
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
        open = FALSE;
      idle = moved ? 0 : idle + 1;
    }
  close (fd);
  check_answer (answer);
  /* evhttp sees the close and frees the connection (and any request a
   * batch left with the done queue is answered into the void first). */
  for (guint turn = 0; turn < MAX_TURNS; turn++)
    {
      event_base_loop (worker.base, EVLOOP_NONBLOCK);
      if (event_base_get_num_events (worker.base, EVENT_BASE_COUNT_ADDED) <= idle_events &&
          worker.pending == 0)
        return 0;
    }
  g_error ("the connection was not freed");
  return 0;
}

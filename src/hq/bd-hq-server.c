/* bd-hq-server.c: serve's listener, TLS, worker threads and shutdown. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/bufferevent_ssl.h>
#include <event2/thread.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "bd-cleanup.h"
#include "bd-hq-commands.h"
#include "bd-hq-metrics.h"
#include "bd-hq-server.h"
#include "bd-pki.h"

/* How long SIGTERM waits for open connections before it closes them:
 * under the 10 s a service manager allows. */
#define DRAIN_SECONDS 8
#define MAX_HEADERS (16 * 1024)

static gboolean
ssl_fail (GError **error, const char *what)
{
  char buf[256] = "unknown error";
  unsigned long e = ERR_get_error ();

  if (e != 0)
    ERR_error_string_n (e, buf, sizeof buf);
  ERR_clear_error ();
  g_set_error (error, BD_PKI_ERROR, BD_PKI_ERROR_FAILED, "%s: %s", what, buf);
  return FALSE;
}

/* TLS 1.2 and 1.3 with AEAD suites and (EC)DHE forward secrecy only; a
 * client certificate from HQ's CA with clientAuth, one level deep. */
static SSL_CTX *
make_ssl_ctx (const char *dir, GError **error)
{
  g_autofree char *crt = g_build_filename (dir, "tls.crt", NULL);
  g_autofree char *key_path = g_build_filename (dir, "tls.key", NULL);
  g_autofree char *ca = g_build_filename (dir, "ca.crt", NULL);
  g_autoptr(EVP_PKEY) key = bd_pki_load_key (key_path, error);
  SSL_CTX *ctx;

  if (key == NULL)
    return NULL;
  ctx = SSL_CTX_new (TLS_server_method ());
  if (ctx == NULL ||
      SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list (ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                                    "ECDHE-ECDSA-CHACHA20-POLY1305") != 1 ||
      SSL_CTX_set_ciphersuites (ctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                                     "TLS_CHACHA20_POLY1305_SHA256") != 1 ||
      /* Elliptic curves of 128-bit strength and more: OpenSSL's default
       * list also offers ffdhe2048 (112 bits) in TLS 1.3 (sslscan). */
      SSL_CTX_set1_groups_list (ctx, "X25519:P-256:X448:P-384:P-521") != 1 ||
      SSL_CTX_use_certificate_chain_file (ctx, crt) != 1 ||
      SSL_CTX_use_PrivateKey (ctx, key) != 1 ||
      SSL_CTX_check_private_key (ctx) != 1 ||
      SSL_CTX_load_verify_locations (ctx, ca, NULL) != 1 ||
      SSL_CTX_set_purpose (ctx, X509_PURPOSE_SSL_CLIENT) != 1)
    {
      ssl_fail (error, "setting up TLS");
      SSL_CTX_free (ctx);
      return NULL;
    }
  SSL_CTX_set_client_CA_list (ctx, SSL_load_client_CA_file (ca));
  SSL_CTX_set_options (ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                            SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  SSL_CTX_set_verify_depth (ctx, 1);
  SSL_CTX_set_info_callback (ctx, bd_hq_conn_on_ssl_info);
  return ctx;
}

/* While draining: done when the base's connections are gone or the time
 * is up; then the base's loop ends. */
static void
on_drain_cb (evutil_socket_t fd, short what, void *data)
{
  BdHqWorker *worker = data;
  struct timeval tick = { 0, 50000 };

  if ((g_atomic_int_get (&worker->connections) == 0 && worker->pending == 0) ||
      g_get_monotonic_time () >= worker->deadline)
    {
      event_base_loopbreak (worker->base);
      return;
    }
  evtimer_add (worker->drain, &tick);
}

static void
on_stop_cb (evutil_socket_t fd, short what, void *data)
{
  BdHqWorker *worker = data;

  if (worker->bound != NULL)
    evhttp_del_accept_socket (worker->http, worker->bound);
  worker->bound = NULL;
  worker->deadline = g_get_monotonic_time () + DRAIN_SECONDS * G_USEC_PER_SEC;
  on_drain_cb (-1, 0, worker);
}

static gpointer
worker_main (gpointer data)
{
  BdHqWorker *worker = data;

  event_base_dispatch (worker->base);
  return NULL;
}

static void
worker_free (BdHqWorker *worker)
{
  g_clear_pointer (&worker->stop, event_free);
  g_clear_pointer (&worker->drain, event_free);
  g_clear_pointer (&worker->done_event, event_free);
  if (worker->done != NULL)
    bd_hq_handler_drop_done (worker);
  g_clear_pointer (&worker->done, g_async_queue_unref);
  /* Frees the remaining connections, whose SSL data refers to us. */
  g_clear_pointer (&worker->http, evhttp_free);
  g_clear_pointer (&worker->base, event_base_free);
  g_clear_pointer (&worker->store, bd_hq_store_close);
  g_free (worker);
}

void
bd_hq_worker_configure (BdHqWorker *worker)
{
  struct timeval timeout = { worker->server->config.timeout, 0 };

  evhttp_set_max_headers_size (worker->http, MAX_HEADERS);
  evhttp_set_max_body_size (worker->http, BD_BATCH_MAX_BODY);
  evhttp_set_timeout_tv (worker->http, &timeout);
  evhttp_set_allowed_methods (worker->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
  bd_hq_handler_install (worker);
}

static BdHqWorker *
worker_new (BdHqServer *server, guint index, GError **error)
{
  BdHqWorker *worker = g_new0 (BdHqWorker, 1);
  int fd;

  worker->server = server;
  worker->index = index;
  worker->done = g_async_queue_new ();
  worker->store = bd_hq_store_open (server->config.dir, server->config.store_url, error);
  if (worker->store == NULL)
    return (worker_free (worker), NULL);
  worker->base = event_base_new ();
  worker->http = worker->base != NULL ? evhttp_new (worker->base) : NULL;
  fd = dup (server->listen_fd);
  if (worker->http == NULL || fd < 0 || evutil_make_socket_nonblocking (fd) != 0 ||
      (worker->bound = evhttp_accept_socket_with_handle (worker->http, fd)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "setting up worker %u failed", index);
      if (fd >= 0 && worker->bound == NULL)
        close (fd);
      return (worker_free (worker), NULL);
    }
  evhttp_set_bevcb (worker->http, bd_hq_conn_new, worker);
  worker->stop = event_new (worker->base, -1, 0, on_stop_cb, worker);
  worker->drain = evtimer_new (worker->base, on_drain_cb, worker);
  bd_hq_worker_configure (worker);
  return worker;
}

static int
listen_on (const char *host, guint16 port, guint16 *bound, GError **error)
{
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                            .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
  struct addrinfo *res = NULL;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  char service[8];
  int fd, one = 1, rc, saved;

  g_snprintf (service, sizeof service, "%u", port);
  rc = getaddrinfo (host, service, &hints, &res);
  if (rc != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", host, gai_strerror (rc));
      return -1;
    }
  fd = socket (res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind (fd, res->ai_addr, res->ai_addrlen) != 0 || listen (fd, 1024) != 0 ||
      getsockname (fd, (struct sockaddr *) &ss, &len) != 0)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "listening on %s:%u: %s",
                   host, port, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      freeaddrinfo (res);
      return -1;
    }
  freeaddrinfo (res);
  *bound = ntohs (ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &ss)->sin6_port
                                           : ((struct sockaddr_in *) &ss)->sin_port);
  return fd;
}

/* Hundreds of desks, each a socket: the soft limit up to the hard one.
 * The connection cap stays under it, with room for the stores' files and
 * the listening sockets, so that accept() never fails for want of one. */
static void
raise_nofile (BdHqServerConfig *config)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return;
  if (rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &rl) != 0)
        bd_hq_log ("warning", "what=\"RLIMIT_NOFILE not raised\"");
      getrlimit (RLIMIT_NOFILE, &rl);
    }
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < config->max_connections + 256)
    config->max_connections = MAX (16, (gint64) rl.rlim_cur - 256);
}

static void
server_free (BdHqServer *server)
{
  /* The verifiers first: what they finish lands in the workers' queues. */
  if (server->verifiers != NULL)
    g_thread_pool_free (server->verifiers, FALSE, TRUE);
  if (server->workers != NULL)
    g_ptr_array_unref (server->workers);
  if (server->listen_fd >= 0)
    close (server->listen_fd);
  /* After the workers: none waits on it any more. */
  g_clear_pointer (&server->committer, bd_hq_committer_free);
  g_clear_pointer (&server->ssl, SSL_CTX_free);
  g_clear_pointer (&server->limit, bd_hq_rate_limit_free);
  g_clear_pointer (&server->dir, bd_hq_dir_free);
  g_free (server);
}

int
bd_hq_server_run (const BdHqServerConfig *config)
{
  g_autoptr(GError) error = NULL;
  BdHqServer *server = g_new0 (BdHqServer, 1);
  sigset_t set;
  guint16 port = 0;
  int sig = 0;

  server->config = *config;
  server->listen_fd = -1;
  server->workers = g_ptr_array_new_with_free_func ((GDestroyNotify) worker_free);
  /* Signals go to this thread alone, through sigwait(); the workers
   * inherit the mask. */
  sigemptyset (&set);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  pthread_sigmask (SIG_BLOCK, &set, NULL);
  signal (SIGPIPE, SIG_IGN);
  raise_nofile (&server->config);
  evthread_use_pthreads ();
  bd_hq_metrics_init ();
  bd_hq_conn_init ();
  server->limit = bd_hq_rate_limit_new (config->rate, config->burst);
  if ((server->dir = bd_hq_dir_open (config->dir, &error)) == NULL ||
      (server->ssl = make_ssl_ctx (config->dir, &error)) == NULL ||
      (server->listen_fd = listen_on (config->host, config->port, &port, &error)) < 0)
    {
      server_free (server);
      return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
    }
  for (guint i = 0; i < config->threads; i++)
    {
      BdHqWorker *worker = worker_new (server, i, &error);

      if (worker == NULL)
        {
          server_free (server);
          return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
        }
      g_ptr_array_add (server->workers, worker);
    }
  if (((BdHqWorker *) g_ptr_array_index (server->workers, 0))->store->klass->group_commit)
    {
      BdHqStore *store = bd_hq_store_open (config->dir, config->store_url, &error);

      if (store == NULL)
        {
          server_free (server);
          return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
        }
      server->committer = bd_hq_committer_new (store);
    }
  server->verifiers = g_thread_pool_new (bd_hq_handler_verify, server, config->verifiers, FALSE,
                                         &error);
  if (server->verifiers == NULL)
    {
      server_free (server);
      return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
    }
  for (guint i = 0; i < server->workers->len; i++)
    {
      BdHqWorker *worker = g_ptr_array_index (server->workers, i);

      worker->thread = g_thread_new ("hq-worker", worker_main, worker);
    }
  printf ("listening on %s:%u\n", config->host, port);
  fflush (stdout);
  bd_hq_log ("start", "listen=%s:%u threads=%u verifiers=%u max_connections=%u store=%s",
             config->host, port, config->threads, config->verifiers,
             server->config.max_connections,
             ((BdHqWorker *) g_ptr_array_index (server->workers, 0))->store->klass->name);

  sigwait (&set, &sig);
  bd_hq_log ("stop", "signal=%d", sig);
  g_atomic_int_set (&server->stopping, TRUE);
  for (guint i = 0; i < server->workers->len; i++)
    event_active (((BdHqWorker *) g_ptr_array_index (server->workers, i))->stop, 0, 0);
  for (guint i = 0; i < server->workers->len; i++)
    g_thread_join (((BdHqWorker *) g_ptr_array_index (server->workers, i))->thread);
  server_free (server);
  bd_hq_log ("stopped", "status=0");
  return BD_HQ_EXIT_OK;
}

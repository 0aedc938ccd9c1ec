/* bd-hq-server.h: `serve`.  Worker threads each run an event base with an
 * evhttp accepting on its own dup() of one listening socket (TLS
 * handshakes, HTTP, replies).  A batch's slow work, verification and
 * store, runs on a pool of verifier threads, each with its own store
 * connection; the verdict comes back to the base that read the request,
 * which answers it.  TLS is mutual: the handshake
 * refuses clients without a certificate from HQ's CA (clientAuth), and
 * below TLS 1.2. */
#pragma once

#include <stdio.h>

#include <glib.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <openssl/ssl.h>

#include "bd-hq-committer.h"
#include "bd-hq-dir.h"
#include "bd-hq-ratelimit.h"
#include "bd-hq-store.h"

G_BEGIN_DECLS

typedef struct {
  char *dir;
  char *store_url;          /* nullable: DIR/hq.db */
  char *host;
  guint16 port;             /* 0: any free port */
  guint threads;             /* event bases */
  guint verifiers;          /* threads verifying and storing batches */
  double rate;              /* batches a second a desk, sustained */
  double burst;
  guint max_desk_connections;
  guint max_connections;    /* open connections in all, before any handshake */
  guint timeout;            /* seconds a connection may idle or stall */
  guint header_timeout;     /* seconds to send a request's head (and the handshake) */
} BdHqServerConfig;

typedef struct _BdHqServer BdHqServer;

typedef struct {
  BdHqServer *server;
  guint index;
  struct event_base *base;
  struct evhttp *http;
  struct evhttp_bound_socket *bound;
  struct event *stop;
  struct event *drain;
  BdHqStore *store;
  gint connections;         /* open TLS connections on this base (atomic) */
  gint64 deadline;          /* monotonic, while draining */
  guint pending;            /* batches with the verifiers */
  GAsyncQueue *done;        /* batches back from the verifiers */
  struct event *done_event;
  GThread *thread;
} BdHqWorker;

struct _BdHqServer {
  BdHqServerConfig config;
  BdHqDir *dir;
  SSL_CTX *ssl;
  BdHqRateLimit *limit;
  BdHqCommitter *committer; /* for stores with one writer at a time; else NULL */
  GThreadPool *verifiers;
  int listen_fd;
  GPtrArray *workers;       /* BdHqWorker * */
  gboolean stopping;        /* atomic */
  gint connections;         /* open connections on every base (atomic) */
  /* Tests and the fuzz target only (bd_hq_handler_serve_plain): the
   * identity given to a connection without TLS.  NULL in `serve`, where
   * every connection is TLS and one without a peer is refused. */
  X509 *plain_peer;
};

/* What HQ knows about one TLS connection, attached to its SSL and freed
 * with it (bd-hq-conn.c). */
typedef struct {
  BdHqWorker *worker;
  struct bufferevent *bev;
  char *desk;               /* counted against the desk's cap since the handshake */
  gboolean over_cap;        /* the handshake found its desk at the cap: refused */
  struct event *deadline;   /* armed while a request's head is awaited */
  gboolean awaiting_head;
  guint line;               /* the head scanner: bytes in the current line, */
  guint lines;              /* and complete lines so far */
} BdHqConn;

/* bd-hq-conn.c: connection limits that libevent 2.1 lacks.  A connection
 * must complete its handshake and its first request's head within
 * header_timeout, and each later head within header_timeout of the
 * previous answer (slow clients are closed, however steadily they
 * trickle); one desk certificate holds at most max_desk_connections
 * (counted at the handshake, refused with 429 at the first request);
 * HQ holds at most max_connections (more are closed before the
 * handshake). */
void      bd_hq_conn_init          (void);
/* For evhttp's bevcb: the TLS bufferevent of a new connection on @worker. */
struct bufferevent *bd_hq_conn_new (struct event_base *base, void *worker);
/* The connection data of @ssl, or of @req's connection; NULL when none. */
BdHqConn *bd_hq_conn_get           (SSL *ssl);
BdHqConn *bd_hq_conn_of_request    (struct evhttp_request *req);
/* A request of @conn is with the handler: no deadline runs. */
void      bd_hq_conn_dispatched    (BdHqConn *conn);
/* The request on @conn has been answered: its next head is due within
 * header_timeout. */
void      bd_hq_conn_answered      (BdHqConn *conn);
/* Counts each handshake's desk against its cap (SSL_CTX info callback). */
void      bd_hq_conn_on_ssl_info   (const SSL *ssl, int where, int ret);

/* Runs until SIGTERM or SIGINT; returns the exit status. */
int  bd_hq_server_run         (const BdHqServerConfig *config);

/* @worker's evhttp: its limits (head 16 KiB, body 8 MiB, --timeout,
 * GET and POST) and the routes; `serve` and the fuzz target alike. */
void bd_hq_worker_configure   (BdHqWorker *worker);

/* bd-hq-handler.c: the routes, installed on each worker's evhttp. */
void bd_hq_handler_install    (BdHqWorker *worker);
/* The verifier pool's function: verifies and stores one batch. */
void bd_hq_handler_verify     (gpointer job, gpointer server);
/* Frees what came back but will not be answered (shutdown). */
void bd_hq_handler_drop_done  (BdHqWorker *worker);

/* bd-hq-log.c: one structured line on stderr, key=value pairs, no
 * personal data (desk ids, seqs, statuses, durations). */
void bd_hq_log (const char *event, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* Where the lines go: stderr (NULL, the default) or @stream (the fuzz
 * target's /dev/null: a line per input would drown libFuzzer's). */
void bd_hq_log_set_stream (FILE *stream);

G_END_DECLS

/* bd-hq-conn.c: what libevent 2.1's evhttp does not bound by itself.
 *
 * evhttp's timeout (--timeout) is an idle timeout: it restarts at every
 * byte, so a client trickling a byte of its head every few seconds
 * (slowloris) would hold its connection for ever.  Here each connection
 * has a deadline for its head instead: the TLS handshake and the first
 * request's head within header_timeout of the accept, each later head
 * within header_timeout of the previous answer.  The end of a head is
 * found by watching the decrypted bytes as they arrive (an evbuffer
 * callback on the bufferevent's input, which libevent runs when the
 * bytes are added, before evhttp's deferred read callback drains them).
 *
 * A connection is closed by shutting its socket down: evhttp then sees
 * an end of file and frees the connection on its own path, whatever
 * state it is in; a deadline only fires while no request of the
 * connection is with the handler, so nothing the handler holds is freed
 * under it. */
#include "config.h"

#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/x509.h>

#include "bd-hq-server.h"
#include "bd-pki.h"

static int conn_index = -1;

static void
conn_free_cb (void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
  BdHqConn *conn = ptr;

  if (conn == NULL)
    return;
  if (conn->desk != NULL)
    bd_hq_rate_limit_disconnect (conn->worker->server->limit, conn->desk);
  g_atomic_int_dec_and_test (&conn->worker->connections);
  g_atomic_int_dec_and_test (&conn->worker->server->connections);
  g_clear_pointer (&conn->deadline, event_free);
  g_free (conn->desk);
  g_free (conn);
}

void
bd_hq_conn_init (void)
{
  if (conn_index < 0)
    conn_index = SSL_get_ex_new_index (0, NULL, NULL, NULL, conn_free_cb);
}

BdHqConn *
bd_hq_conn_get (SSL *ssl)
{
  return ssl != NULL ? SSL_get_ex_data (ssl, conn_index) : NULL;
}

BdHqConn *
bd_hq_conn_of_request (struct evhttp_request *req)
{
  struct evhttp_connection *evcon = evhttp_request_get_connection (req);
  struct bufferevent *bev = evcon != NULL ? evhttp_connection_get_bufferevent (evcon) : NULL;

  return bev != NULL ? bd_hq_conn_get (bufferevent_openssl_get_ssl (bev)) : NULL;
}

static void
close_now (BdHqConn *conn, const char *reason)
{
  evutil_socket_t fd = bufferevent_getfd (conn->bev);

  conn->awaiting_head = FALSE;
  bd_hq_log ("closed", "reason=%s desk=%s", reason, conn->desk != NULL ? conn->desk : "-");
  if (fd >= 0)
    shutdown (fd, SHUT_RDWR);
}

static void
on_deadline_cb (evutil_socket_t fd, short what, void *data)
{
  BdHqConn *conn = data;

  if (conn->awaiting_head)
    close_now (conn, "header-timeout");
}

/* A head ends at its first empty line after a non-empty one (evhttp reads
 * lines ending in LF or CRLF; empty lines before a request line are
 * not its end). */
static gboolean
scan_head (BdHqConn *conn, const guint8 *p, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      if (p[i] == '\n')
        {
          if (conn->line == 0 && conn->lines > 0)
            return TRUE;
          if (conn->line > 0)
            conn->lines++;
          conn->line = 0;
        }
      else if (p[i] != '\r')
        conn->line = MIN (conn->line + 1, G_MAXUINT - 1);
    }
  return FALSE;
}

/* Scans the bytes from @offset to the end of @buf for the end of a head;
 * disarms the deadline when found. */
static void
scan_input (BdHqConn *conn, struct evbuffer *buf, gsize offset)
{
  struct evbuffer_ptr pos;
  struct evbuffer_iovec vec[8];
  int n;

  while (conn->awaiting_head && evbuffer_ptr_set (buf, &pos, offset, EVBUFFER_PTR_SET) == 0 &&
         (n = evbuffer_peek (buf, -1, &pos, vec, G_N_ELEMENTS (vec))) > 0)
    {
      for (int i = 0; i < MIN (n, (int) G_N_ELEMENTS (vec)) && conn->awaiting_head; i++)
        {
          offset += vec[i].iov_len;
          if (scan_head (conn, vec[i].iov_base, vec[i].iov_len))
            {
              conn->awaiting_head = FALSE;
              event_del (conn->deadline);
            }
        }
      if (offset >= evbuffer_get_length (buf))
        break;
    }
}

static void
on_input_cb (struct evbuffer *buf, const struct evbuffer_cb_info *info, void *data)
{
  BdHqConn *conn = data;
  gsize length = evbuffer_get_length (buf);

  if (conn->awaiting_head && info->n_added > 0)
    scan_input (conn, buf, length - MIN (length, info->n_added));
}

static void
await_head (BdHqConn *conn, guint seconds)
{
  struct timeval tv = { seconds, 0 };

  conn->awaiting_head = TRUE;
  conn->line = 0;
  conn->lines = 0;
  event_add (conn->deadline, &tv);
}

void
bd_hq_conn_dispatched (BdHqConn *conn)
{
  if (conn == NULL)
    return;
  conn->awaiting_head = FALSE;
  event_del (conn->deadline);
}

void
bd_hq_conn_answered (BdHqConn *conn)
{
  if (conn == NULL)
    return;
  await_head (conn, conn->worker->server->config.header_timeout);
  /* A pipelined head may be read already. */
  scan_input (conn, bufferevent_get_input (conn->bev), 0);
}

struct bufferevent *
bd_hq_conn_new (struct event_base *base, void *data)
{
  BdHqWorker *worker = data;
  BdHqServer *server = worker->server;
  SSL *ssl = SSL_new (server->ssl);
  BdHqConn *conn;
  gboolean full;

  /* Without a bufferevent evhttp would make a plain one: the handler
   * refuses a connection without TLS (authorize()). */
  if (ssl == NULL)
    return NULL;
  conn = g_new0 (BdHqConn, 1);
  conn->worker = worker;
  SSL_set_ex_data (ssl, conn_index, conn);
  g_atomic_int_inc (&worker->connections);
  full = g_atomic_int_add (&server->connections, 1) >= (gint) server->config.max_connections;
  conn->bev = bufferevent_openssl_socket_new (base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                              BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
  if (conn->bev == NULL)
    {
      SSL_free (ssl);  /* and conn with it */
      return NULL;
    }
  bufferevent_openssl_set_allow_dirty_shutdown (conn->bev, 1);
  conn->deadline = evtimer_new (base, on_deadline_cb, conn);
  evbuffer_add_cb (bufferevent_get_input (conn->bev), on_input_cb, conn);
  /* Over the cap: closed as soon as evhttp has given it its socket. */
  await_head (conn, full ? 0 : server->config.header_timeout);
  if (full)
    bd_hq_log ("refused", "what=connection reason=max-connections");
  return conn->bev;
}

void
bd_hq_conn_on_ssl_info (const SSL *ssl, int where, int ret)
{
  BdHqConn *conn = SSL_get_ex_data (ssl, conn_index);
  X509 *peer;
  char *desk;

  if (!(where & SSL_CB_HANDSHAKE_DONE) || conn == NULL || conn->desk != NULL || conn->over_cap)
    return;
  peer = SSL_get0_peer_certificate (ssl);
  desk = peer != NULL ? bd_pki_common_name (peer) : NULL;
  if (desk == NULL)
    return;  /* the handler refuses it */
  if (bd_hq_rate_limit_connect (conn->worker->server->limit, desk,
                                conn->worker->server->config.max_desk_connections))
    conn->desk = desk;
  else
    {
      conn->over_cap = TRUE;
      g_free (desk);
    }
}

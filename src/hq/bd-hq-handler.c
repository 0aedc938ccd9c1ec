/* bd-hq-handler.c: serve's routes.  Every route is behind mutual TLS
 * (the handshake checked the chain and the purpose); here the peer's
 * desk is looked up: registered, not revoked, its current key. */
#include "config.h"

#include <string.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "bd-cleanup.h"
#include "bd-hq-commands.h"
#include "bd-hq-ingest.h"
#include "bd-hq-metrics.h"
#include "bd-hq-pki.h"
#include "bd-hq-server.h"
#include "bd-pki.h"

typedef struct {
  struct evhttp_request *req;
  BdHqWorker *worker;
  gint64 start;
  X509 *peer;                /* borrowed from the SSL */
  char *desk;                /* the peer's CN, a desk id */
} Request;

/* A batch on its way through the verifiers and back. */
typedef struct {
  BdHqWorker *worker;
  /* libevent keeps a request the callback has not answered even when its
   * connection goes (it detaches it); answering it then frees it. */
  struct evhttp_request *req;
  X509 *peer;                      /* a reference of our own */
  char *desk;
  char *body;
  gsize length;
  gint64 start;
  BdHqVerdict verdict;
} Job;

static GPrivate verifier_store = G_PRIVATE_INIT ((GDestroyNotify) bd_hq_store_close);

static void
job_free (Job *job)
{
  X509_free (job->peer);
  g_free (job->desk);
  g_free (job->body);
  bd_hq_verdict_clear (&job->verdict);
  g_free (job);
}

static void
request_clear (Request *r)
{
  g_clear_pointer (&r->desk, g_free);
}

static double
elapsed (const Request *r)
{
  return (g_get_monotonic_time () - r->start) / (double) G_USEC_PER_SEC;
}

static void
reply (Request *r, int status, const char *type, const char *body)
{
  struct evbuffer *out = evbuffer_new ();
  struct evkeyvalq *headers = evhttp_request_get_output_headers (r->req);

  bd_hq_conn_answered (bd_hq_conn_of_request (r->req));
  evhttp_add_header (headers, "Content-Type", type);
  evhttp_add_header (headers, "Cache-Control", "no-store");
  if (g_atomic_int_get (&r->worker->server->stopping))
    evhttp_add_header (headers, "Connection", "close");
  evbuffer_add (out, body, strlen (body));
  evhttp_send_reply (r->req, status, NULL, out);
  evbuffer_free (out);
}

/* A refusal: counted, logged, answered as {"error", "reason"}. */
static void
refuse (Request *r, const BdHqVerdict *v)
{
  g_autofree char *body = bd_hq_verdict_error_json (v);
  /* The path without its query: a query may name a document. */
  const char *path = evhttp_uri_get_path (evhttp_request_get_evhttp_uri (r->req));

  /* 503 and 507 (the store), like 429: when to offer the same again. */
  if (v->retry_after > 0)
    {
      g_autofree char *after = g_strdup_printf ("%u", v->retry_after);

      evhttp_add_header (evhttp_request_get_output_headers (r->req), "Retry-After", after);
    }
  bd_hq_metrics_refusal (v->error, elapsed (r));
  bd_hq_log ("refused", "path=%s desk=%s seq=%" G_GINT64_FORMAT " status=%u error=%s ms=%.1f",
             path != NULL ? path : "-", r->desk != NULL ? r->desk : "-", v->seq,
             v->status, v->error, elapsed (r) * 1000);
  reply (r, v->status, "application/json", body);
}

static void
refuse_simple (Request *r, guint status, const char *error, const char *reason)
{
  BdHqVerdict v = { .status = status, .error = error, .reason = (char *) reason };

  refuse (r, &v);
}

/* The store failed: 503 or 507 with Retry-After when trying again later
 * will do (bd_hq_verdict_store_failed), else 500. */
static void
refuse_store (Request *r, const GError *error)
{
  BdHqVerdict v = { 0 };

  bd_hq_verdict_store_failed (&v, error);
  refuse (r, &v);
  bd_hq_verdict_clear (&v);
}

/* Who is calling: the peer certificate's desk, registered with this very
 * key and not revoked. */
static gboolean
authorize (Request *r)
{
  struct evhttp_connection *evcon = evhttp_request_get_connection (r->req);
  struct bufferevent *bev = evhttp_connection_get_bufferevent (evcon);
  SSL *ssl = bufferevent_openssl_get_ssl (bev);
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqDesk) desk = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  BdHqConn *conn;
  g_autofree char *now = NULL;

  /* Without TLS only where a test gave the connection an identity. */
  r->peer = ssl != NULL ? SSL_get0_peer_certificate (ssl) : r->worker->server->plain_peer;
  if (r->peer == NULL || (ssl != NULL && SSL_get_verify_result (ssl) != X509_V_OK))
    return (refuse_simple (r, 401, "certificate", "a client certificate is required"), FALSE);
  r->desk = bd_pki_common_name (r->peer);
  if (r->desk == NULL || !bd_hq_desk_id_valid (r->desk))
    {
      g_clear_pointer (&r->desk, g_free);
      return (refuse_simple (r, 403, "certificate", "the certificate names no desk"), FALSE);
    }
  /* Counted at the handshake (bd-hq-conn.c); refused at its first
   * request, before the store is asked anything. */
  conn = bd_hq_conn_get (ssl);
  if (conn != NULL && conn->over_cap)
    {
      evhttp_add_header (evhttp_request_get_output_headers (r->req), "Connection", "close");
      return (refuse_simple (r, 429, "too-many-connections",
                             "too many connections from this desk"), FALSE);
    }
  desk = bd_hq_store_desk_get (r->worker->store, r->desk, &error);
  if (desk == NULL && g_error_matches (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND))
    return (refuse_simple (r, 403, "unknown-desk", "not a registered desk"), FALSE);
  if (desk == NULL)
    return (refuse_store (r, error), FALSE);
  if (desk->revoked)
    {
      now = bd_hq_now ();
      if (!bd_hq_store_alert_add (r->worker->store, now, desk->id, "revoked-desk",
                                  "a revoked desk connected", &error))
        bd_hq_log ("error", "what=alert desk=%s", desk->id);
      return (refuse_simple (r, 403, "revoked", "the desk is revoked"), FALSE);
    }
  key = bd_hq_public_key (desk->key_pem);
  if (key == NULL || !bd_pki_same_key (key, X509_get0_pubkey (r->peer)))
    return (refuse_simple (r, 403, "superseded-certificate",
                           "this certificate has been superseded"), FALSE);
  return TRUE;
}

static void
answer_batch (Request *r, BdHqVerdict *v)
{
  if (v->status != 200)
    return refuse (r, v);
  bd_hq_metrics_batch (v->stored, v->records, elapsed (r));
  bd_hq_log ("batch", "desk=%s epoch=%" G_GINT64_FORMAT " seq=%" G_GINT64_FORMAT
             " records=%u status=200 result=%s ms=%.1f", v->desk, v->epoch, v->seq, v->records,
             v->stored ? "stored" : "replay", elapsed (r) * 1000);
  reply (r, 200, "application/jose+json", v->receipt);
}

/* On the base: verdicts back from the verifiers. */
static void
on_done_cb (evutil_socket_t fd, short what, void *data)
{
  BdHqWorker *worker = data;
  Job *job;

  while ((job = g_async_queue_try_pop (worker->done)) != NULL)
    {
      Request r = { .req = job->req, .worker = worker, .start = job->start,
                    .desk = g_steal_pointer (&job->desk) };

      worker->pending--;
      answer_batch (&r, &job->verdict);
      request_clear (&r);
      job_free (job);
    }
}

void
bd_hq_handler_verify (gpointer data, gpointer server_data)
{
  Job *job = data;
  BdHqServer *server = server_data;
  BdHqStore *store = g_private_get (&verifier_store);
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    {
      store = bd_hq_store_open (server->config.dir, server->config.store_url, &error);
      g_private_set (&verifier_store, store);
    }
  if (store == NULL)
    bd_hq_verdict_store_failed (&job->verdict, error);
  else
    bd_hq_ingest (store, server->committer, server->dir, job->body, job->length, job->peer,
                  &job->verdict);
  g_async_queue_push (job->worker->done, job);
  event_active (job->worker->done_event, 0, 0);
}

void
bd_hq_handler_drop_done (BdHqWorker *worker)
{
  Job *job;

  while ((job = g_async_queue_try_pop (worker->done)) != NULL)
    job_free (job);
}

/* Checks what is cheap here, then hands the body to the verifiers. */
static void
post_batch (Request *r)
{
  struct evbuffer *in = evhttp_request_get_input_buffer (r->req);
  gsize length = evbuffer_get_length (in);
  guint retry;
  Job *job;

  if (!bd_hq_rate_limit_take (r->worker->server->limit, r->desk, &retry))
    {
      g_autofree char *after = g_strdup_printf ("%u", retry);

      evhttp_add_header (evhttp_request_get_output_headers (r->req), "Retry-After", after);
      return refuse_simple (r, 429, "rate-limited", "too many batches; retry later");
    }
  if (length > BD_BATCH_MAX_BODY)
    return refuse_simple (r, 413, "too-large", "the body is larger than 8 MiB");
  job = g_new0 (Job, 1);
  job->worker = r->worker;
  job->req = r->req;
  job->peer = r->peer;
  X509_up_ref (job->peer);
  job->desk = g_strdup (r->desk);
  job->start = r->start;
  job->length = length;
  job->body = g_malloc (length + 1);
  evbuffer_remove (in, job->body, length);
  job->body[length] = '\0';
  r->worker->pending++;
  /* Without verifier threads (the fuzz target) the verdict is reached
   * here, and answered from the base's next turn as usual. */
  if (r->worker->server->verifiers == NULL)
    bd_hq_handler_verify (job, r->worker->server);
  else
    g_thread_pool_push (r->worker->server->verifiers, job, NULL);
}

/* The query parameter @name of the request, or NULL. */
static char *
query_param (Request *r, const char *name)
{
  const char *query = evhttp_uri_get_query (evhttp_request_get_evhttp_uri (r->req));
  struct evkeyvalq params = { 0 };
  char *value = NULL;

  if (query != NULL && evhttp_parse_query_str (query, &params) == 0)
    value = g_strdup (evhttp_find_header (&params, name));
  evhttp_clear_headers (&params);
  return value;
}

/* GET /v1/watchlist?since=V and /v1/open-stays?since=V: signed deltas. */
static void
get_delta (Request *r, gboolean watchlist)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *since_text = query_param (r, "since");
  guint64 since = 0;

  if (since_text != NULL &&
      !g_ascii_string_to_unsigned (since_text, 10, 0, G_MAXINT64, &since, NULL))
    return refuse_simple (r, 400, "since", "since is not a version number");
  text = watchlist ?
    bd_hq_watchlist_signed (r->worker->store, r->worker->server->dir, (gint64) since, &error) :
    bd_hq_open_stays_signed (r->worker->store, r->worker->server->dir, (gint64) since, &error);
  if (text == NULL && g_error_matches (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NONE_PUBLISHED))
    return refuse_simple (r, 404, "no-watchlist", error->message);
  if (text == NULL && g_error_matches (error, BD_HQ_STORE_ERROR, BD_HQ_STORE_ERROR_NOT_FOUND))
    return refuse_simple (r, 400, "since", error->message);
  if (text == NULL)
    return refuse_store (r, error);
  bd_hq_log (watchlist ? "watchlist" : "open-stays", "desk=%s since=%" G_GUINT64_FORMAT
             " status=200 ms=%.1f", r->desk, since, elapsed (r) * 1000);
  reply (r, 200, "application/jose+json", text);
}

/* GET /v1/history?document=ISSUER:NUMBER.  The document is never logged. */
static void
get_history (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *document = query_param (r, "document");

  if (document == NULL || !bd_hq_document_valid (document))
    return refuse_simple (r, 400, "document", "document is not ISSUER:NUMBER");
  text = bd_hq_history_signed (r->worker->store, r->worker->server->dir, document, &error);
  if (text == NULL)
    return refuse_store (r, error);
  bd_hq_log ("history", "desk=%s status=200 ms=%.1f", r->desk, elapsed (r) * 1000);
  reply (r, 200, "application/jose+json", text);
}

/* "ok" when the store answers. */
static void
health (Request *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BdHqRows) rows = NULL;

  if (!r->worker->store->klass->exec (r->worker->store, "SELECT 1", 0, NULL, &rows, &error))
    return refuse_simple (r, 503, "store", error->message);
  reply (r, 200, "text/plain", "ok\n");
}

static void
on_request_cb (struct evhttp_request *req, void *data)
{
  Request r = { .req = req, .worker = data, .start = g_get_monotonic_time () };
  const char *path = evhttp_uri_get_path (evhttp_request_get_evhttp_uri (req));
  enum evhttp_cmd_type method = evhttp_request_get_command (req);
  gboolean get = method == EVHTTP_REQ_GET;

  bd_hq_conn_dispatched (bd_hq_conn_of_request (req));
  if (path == NULL)
    path = "";
  if (!authorize (&r))
    ;
  else if (strcmp (path, "/v1/batches") == 0 && method == EVHTTP_REQ_POST)
    post_batch (&r);
  else if (strcmp (path, "/v1/watchlist") == 0 && get)
    get_delta (&r, TRUE);
  else if (strcmp (path, "/v1/open-stays") == 0 && get)
    get_delta (&r, FALSE);
  else if (strcmp (path, "/v1/history") == 0 && get)
    get_history (&r);
  else if (strcmp (path, "/healthz") == 0 && get)
    health (&r);
  else if (strcmp (path, "/metrics") == 0 && get)
    {
      g_autofree char *text = bd_hq_metrics_text ();

      reply (&r, 200, "text/plain; version=0.0.4", text);
    }
  else
    refuse_simple (&r, 404, "not-found", "no such resource");
  request_clear (&r);
}

void
bd_hq_handler_install (BdHqWorker *worker)
{
  evhttp_set_gencb (worker->http, on_request_cb, worker);
  worker->done_event = event_new (worker->base, -1, 0, on_done_cb, worker);
}

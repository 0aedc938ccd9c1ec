/* bd-sync-http.c: one sync round over HTTPS with libcurl (see bd-sync.h).
 *
 * Trust is pinned to HQ's CA alone: CURLOPT_CAINFO is hq-ca.crt and
 * CURLOPT_CAPATH is NULL, since Debian's libcurl otherwise also trusts the
 * system directory.  The desk authenticates with desk.crt and desk.key.
 * No database transaction is held across a request.
 */
#include "config.h"

#include <string.h>

#include <curl/curl.h>

#include "bd-audit.h"
#include "bd-cleanup.h"
#include "bd-date.h"
#include "bd-history-remote.h"
#include "bd-post.h"
#include "bd-sync-private.h"
#include "bd-watchlist-delta.h"

#define CONNECT_TIMEOUT 10L
#define TRANSFER_TIMEOUT 60L
/* A whole national watchlist may come in one answer; batches' receipts
 * and error documents are small. */
#define MAX_ANSWER (256 * 1024 * 1024)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURL, curl_easy_cleanup)

typedef struct {
  GString *body;
  gboolean too_large;
} Answer;

static size_t
on_write (char *data, size_t size, size_t n, void *user_data)
{
  Answer *a = user_data;

  if (a->body->len + size * n > MAX_ANSWER)
    {
      a->too_large = TRUE;
      return 0;
    }
  g_string_append_len (a->body, data, (gssize) (size * n));
  return size * n;
}

typedef struct {
  char *url;
  char *cert;
  char *key;
  char *ca;
  char *proxy;
} Endpoint;

static void
endpoint_clear (Endpoint *e)
{
  g_free (e->url);
  g_free (e->cert);
  g_free (e->key);
  g_free (e->ca);
  g_free (e->proxy);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Endpoint, endpoint_clear)

static gboolean
load_endpoint (BdDb *db, Endpoint *e, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "SELECT hq_url FROM sync_state WHERE id = 1", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    e->url = bd_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  e->cert = bd_sync_file_path (db, BD_SYNC_CERT_FILE);
  e->key = bd_sync_file_path (db, BD_SYNC_KEY_FILE);
  e->ca = bd_sync_file_path (db, BD_SYNC_CA_FILE);
  e->proxy = bd_setting_get (db, BD_SYNC_SETTING_PROXY, "");
  if (e->url == NULL || !g_file_test (e->cert, G_FILE_TEST_EXISTS) ||
      !g_file_test (e->ca, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_NOT_ENROLLED,
                   "this desk is not enrolled with HQ: run `borderdesk-admin enroll-request`, "
                   "then `enroll-install`");
      return FALSE;
    }
  return TRUE;
}

/* One request.  @body NULL: GET.  Returns the HTTP status (0 with @error
 * on a transport failure). */
static long
request (const Endpoint *e, const char *path, const char *body, long timeout_ms,
         GString *answer, GError **error)
{
  g_autoptr(CURL) curl = curl_easy_init ();
  g_autofree char *url = NULL;
  struct curl_slist *headers = NULL;
  char errbuf[CURL_ERROR_SIZE] = "";
  Answer a = { answer, FALSE };
  CURLcode rc;
  long status = 0;

  if (curl == NULL)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_NETWORK, "libcurl: cannot start");
      return 0;
    }
  url = g_strconcat (e->url, g_str_has_suffix (e->url, "/") ? path + 1 : path, NULL);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (curl, CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
  curl_easy_setopt (curl, CURLOPT_CAINFO, e->ca);
  curl_easy_setopt (curl, CURLOPT_CAPATH, NULL);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (curl, CURLOPT_SSLCERT, e->cert);
  curl_easy_setopt (curl, CURLOPT_SSLKEY, e->key);
  if (timeout_ms > 0)
    {
      curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
      curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    }
  else
    {
      curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
      curl_easy_setopt (curl, CURLOPT_TIMEOUT, TRANSFER_TIMEOUT);
    }
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &a);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "borderdesk/" PACKAGE_VERSION);
  /* Empty: libcurl's own https_proxy / no_proxy environment. */
  if (e->proxy != NULL && *e->proxy != '\0')
    curl_easy_setopt (curl, CURLOPT_PROXY, e->proxy);
  if (body != NULL)
    {
      headers = curl_slist_append (headers, "Content-Type: application/jose+json");
      headers = curl_slist_append (headers, "Expect:");
      curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) strlen (body));
    }
  rc = curl_easy_perform (curl);
  curl_slist_free_all (headers);
  if (rc != CURLE_OK)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_NETWORK, "HQ unreachable (%s): %s",
                   e->url, a.too_large ? "answer too large"
                                       : *errbuf ? errbuf : curl_easy_strerror (rc));
      return 0;
    }
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

/* HQ's error documents are {"error": ..., "reason": ...}; say what HQ said. */
static void
refused (GError **error, long status, GString *answer, gint64 seq)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *reason = NULL;

  if (json_parser_load_from_data (parser, answer->str, (gssize) answer->len, NULL) &&
      json_parser_get_root (parser) != NULL &&  /* an empty answer parses to no root */
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      reason = json_object_get_string_member_with_default (o, "reason", NULL);
      if (reason == NULL)
        reason = json_object_get_string_member_with_default (o, "error", NULL);
    }
  g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED, "HQ refused batch %" G_GINT64_FORMAT
               " (HTTP %ld): %s", seq, status, reason != NULL ? reason : "no reason given");
}

static gboolean
store_skew (BdDb *db, gint64 skew, GError **error)
{
  sqlite3_stmt *stmt = bd_db_stmt (db, "UPDATE sync_state SET clock_skew = ? WHERE id = 1",
                                   error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, skew);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || bd_db_set_error (db, error, "storing the clock skew");
}

static gboolean
send_batches (BdDb *db, const Endpoint *e, BdSyncRound *round, GError **error)
{
  g_autoptr(GPtrArray) pending = bd_sync_pending_batches (db, error);

  if (pending == NULL)
    return FALSE;
  for (guint i = 0; i < pending->len; i++)
    {
      BdSyncBatch *b = pending->pdata[i];
      g_autoptr(GString) answer = g_string_new (NULL);
      long status = request (e, "/v1/batches", b->jws, 0, answer, error);
      gint64 skew = 0;

      if (status == 0)
        return FALSE;
      if (status != 200)
        {
          refused (error, status, answer, b->seq);
          return FALSE;
        }
      if (!bd_sync_import_receipt (db, answer->str, answer->len, &skew, error) ||
          !store_skew (db, skew, error))
        return FALSE;
      round->sent++;
      round->records += b->records;
    }
  return TRUE;
}

static gboolean
fetch_watchlist (BdDb *db, const BdActor *actor, const Endpoint *e, BdSyncRound *round,
                 GError **error)
{
  g_autoptr(GPtrArray) lists = bd_watchlist_status (db, error);
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autofree char *path = NULL;
  gint64 version = 0;
  long status;

  if (lists == NULL)
    return FALSE;
  for (guint i = 0; i < lists->len; i++)
    if (((BdWatchlistStatus *) lists->pdata[i])->source == BD_WATCHLIST_HQ)
      version = ((BdWatchlistStatus *) lists->pdata[i])->version;
  round->watchlist_version = version;
  path = g_strdup_printf ("/v1/watchlist?since=%" G_GINT64_FORMAT, version);
  status = request (e, path, NULL, 0, answer, error);
  if (status == 0)
    return FALSE;
  if (status == 404)
    return TRUE;   /* HQ has published no list yet */
  if (status != 200)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED,
                   "HQ refused the watchlist request (HTTP %ld)", status);
      return FALSE;
    }
  if (!bd_sync_apply_watchlist (db, actor, answer->str, answer->len, &version, error))
    return FALSE;
  if (version == round->watchlist_version)
    return TRUE;
  round->watchlist_updated = TRUE;
  round->watchlist_version = version;
  return TRUE;
}

static gboolean
fetch_open_stays (BdDb *db, const BdActor *actor, const Endpoint *e, GError **error)
{
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(BdOpenStaysDelta) delta = NULL;
  g_autoptr(X509) ca = NULL;
  g_autofree char *path = NULL;
  gint64 version = 0;
  long status;

  if (!bd_open_stays_version (db, &version, NULL, error))
    return FALSE;
  path = g_strdup_printf ("/v1/open-stays?since=%" G_GINT64_FORMAT, version);
  status = request (e, path, NULL, 0, answer, error);
  if (status == 0)
    return FALSE;
  if (status == 404)
    return TRUE;   /* an HQ without the feed */
  if (status != 200)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED,
                   "HQ refused the open-stays request (HTTP %ld)", status);
      return FALSE;
    }
  if ((ca = bd_sync_load_ca (db, error)) == NULL ||
      (delta = bd_open_stays_delta_verify (answer->str, answer->len, ca, error)) == NULL)
    return FALSE;
  if (delta->to == version)
    return TRUE;
  return bd_open_stays_apply (db, actor, delta, error);
}

gboolean
bd_sync_fetch_history (BdDb *db, const char *issuing_state, const char *number,
                       guint timeout_ms, GError **error)
{
  g_auto(Endpoint) e = { NULL, };
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(BdHistoryAnswer) history = NULL;
  g_autoptr(X509) ca = NULL;
  g_autofree char *path = NULL, *escaped = NULL, *ref = NULL;
  long status;

  if (!load_endpoint (db, &e, error))
    return FALSE;
  ref = g_strconcat (issuing_state, ":", number, NULL);
  escaped = g_uri_escape_string (ref, NULL, FALSE);
  path = g_strconcat ("/v1/history?document=", escaped, NULL);
  status = request (&e, path, NULL, timeout_ms, answer, error);
  if (status == 0)
    return FALSE;
  if (status != 200)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_REFUSED,
                   "HQ refused the history query (HTTP %ld)", status);
      return FALSE;
    }
  if ((ca = bd_sync_load_ca (db, error)) == NULL ||
      (history = bd_history_answer_verify (answer->str, answer->len, ca, issuing_state, number,
                                           error)) == NULL)
    return FALSE;
  return bd_history_remote_store (db, history, error);
}

static void
record_outcome (BdDb *db, gboolean ok, const char *message)
{
  g_autofree char *now = bd_time_format (bd_clock_now ());
  sqlite3_stmt *stmt = bd_db_stmt (db, ok ? "UPDATE sync_state SET last_attempt = ?1, "
                                            "last_success = ?1, last_error = NULL WHERE id = 1"
                                          : "UPDATE sync_state SET last_attempt = ?1, "
                                            "last_error = ?2 WHERE id = 1", NULL);

  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  if (!ok)
    sqlite3_bind_text (stmt, 2, message, -1, SQLITE_STATIC);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);
}

static gint64
pending_records (BdDb *db)
{
  g_autoptr(JsonObject) status = bd_sync_status (db, NULL);

  return status != NULL ? json_object_get_int_member (status, "pending_records") : -1;
}

gboolean
bd_sync_run (BdDb *db, const BdActor *actor, BdSyncRound *round, GError **error)
{
  g_auto(Endpoint) e = { NULL, };
  g_autoptr(JsonObject) details = json_object_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *who = bd_actor_audit_name (actor);
  gboolean ok;

  memset (round, 0, sizeof *round);
  if (!bd_actor_require (actor, BD_PERM_SYNC, error))
    return FALSE;
  ok = load_endpoint (db, &e, &local) &&
       bd_sync_cut (db, NULL, &local) &&
       send_batches (db, &e, round, &local) &&
       fetch_watchlist (db, actor, &e, round, &local) &&
       fetch_open_stays (db, actor, &e, &local);
  record_outcome (db, ok, ok ? NULL : local->message);
  round->pending_records = pending_records (db);
  /* An audit event for what changed hands, not for every empty round. */
  if (round->sent > 0 || round->watchlist_updated)
    {
      json_object_set_int_member (details, "batches", round->sent);
      json_object_set_int_member (details, "records", round->records);
      json_object_set_int_member (details, "watchlist_version", round->watchlist_version);
      bd_audit_record (db, who, "sync.round", "", g_steal_pointer (&details), NULL);
    }
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (round->pending_records != 0)
    {
      g_set_error (error, BD_SYNC_ERROR, BD_SYNC_ERROR_PENDING,
                   "%" G_GINT64_FORMAT " records still pending", round->pending_records);
      return FALSE;
    }
  return TRUE;
}

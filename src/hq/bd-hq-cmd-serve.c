/* serve: the HTTPS server (bd-hq-server.c). */
#include "config.h"

#include <string.h>

#include "bd-hq-commands.h"
#include "bd-hq-server.h"

int
bd_hq_cmd_serve (const char *dir, int argc, char **argv)
{
  g_autofree char *listen = NULL;
  g_autofree char *store = NULL;
  g_autofree char *host = NULL;
  gint threads = MAX (2, (gint) g_get_num_processors ());
  /* Verifiers wait on the store: more of them than cores keeps the CPU
   * busy and groups commits. */
  gint verifiers = MAX (16, 4 * (gint) g_get_num_processors ());
  gint max_conns = 8, timeout = 30, max_all = 4096, header_timeout = 10;
  double rate = 50, burst = 500;
  guint64 port;
  const char *colon;
  BdHqServerConfig config = { 0 };
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, "address and port (port 0: any)",
      "HOST:PORT" },
    BD_HQ_STORE_OPTION (store),
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "event loop threads (one a core)", "N" },
    { "verifiers", 0, 0, G_OPTION_ARG_INT, &verifiers, "threads verifying and storing "
      "batches (16)", "N" },
    { "rate", 0, 0, G_OPTION_ARG_DOUBLE, &rate, "batches a second a desk may send (50)", "R" },
    { "burst", 0, 0, G_OPTION_ARG_DOUBLE, &burst, "batches a desk may send at once (500)", "N" },
    { "max-desk-connections", 0, 0, G_OPTION_ARG_INT, &max_conns,
      "open connections a desk may hold (8)", "N" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_all,
      "open connections in all (4096, and below the open-files limit)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "seconds a connection may stall (30)", "S" },
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout,
      "seconds to complete the handshake and a request's head (10)", "S" },
    { NULL }
  };
  int status = bd_hq_options ("serve", "", "Serves POST /v1/batches, GET /v1/watchlist, "
                              "/healthz and /metrics over mutual TLS.  Prints \"listening on "
                              "HOST:PORT\" once ready; SIGTERM stops it.", entries, &argc, &argv);

  if (status >= 0)
    return status;
  colon = listen != NULL ? strrchr (listen, ':') : NULL;
  if (colon == NULL || colon == listen || argc != 1 || threads < 1 || threads > 256 ||
      verifiers < 1 || verifiers > 1024 ||
      rate <= 0 || burst < 1 || max_conns < 1 || timeout < 1 ||
      max_all < 1 || header_timeout < 1 ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_printerr ("borderdesk-hq serve: --listen HOST:PORT is required; numbers must be "
                  "positive\n");
      return BD_HQ_EXIT_USAGE;
    }
  host = g_strndup (listen, colon - listen);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  config.dir = (char *) dir;
  config.store_url = store;
  config.host = host;
  config.port = (guint16) port;
  config.threads = threads;
  config.verifiers = verifiers;
  config.rate = rate;
  config.burst = burst;
  config.max_desk_connections = max_conns;
  config.timeout = timeout;
  config.max_connections = max_all;
  config.header_timeout = header_timeout;
  return bd_hq_server_run (&config);
}

/* history: what HQ knows of a document's crossings (docs/protocol.md, 8),
 * signed as GET /v1/history answers (bd-hq-history.c). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bd-history-remote.h"
#include "bd-hq-commands.h"
#include "bd-jws.h"

int
bd_hq_cmd_history (const char *dir, int argc, char **argv)
{
  g_autofree char *document = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  g_autoptr(BdHqDir) hq = NULL;
  g_autoptr(BdHqStore) store = NULL;
  g_autoptr(BdJws) jws = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "document", 0, 0, G_OPTION_ARG_STRING, &document, "the document", "ISSUER:NUMBER" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "the answer's payload as JSON", NULL },
    BD_HQ_STORE_OPTION (url),
    { NULL }
  };
  int status = bd_hq_options ("history", "", "The admitted crossings HQ holds for a document, "
                              "from every desk, oldest first (what GET /v1/history signs).",
                              entries, &argc, &argv);
  JsonArray *crossings;

  if (status >= 0)
    return status;
  if (document == NULL || argc != 1 || !bd_hq_document_valid (document))
    {
      g_printerr ("borderdesk-hq history: --document ISSUER:NUMBER is required\n");
      return BD_HQ_EXIT_USAGE;
    }
  if ((hq = bd_hq_dir_open (dir, &error)) == NULL ||
      (store = bd_hq_store_open (dir, url, &error)) == NULL ||
      (text = bd_hq_history_signed (store, hq, document, &error)) == NULL ||
      (jws = bd_jws_parse (text, strlen (text), BD_JWS_TYP_HISTORY, &error)) == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (jws->payload, NULL),
                                   g_bytes_get_size (jws->payload), &error))
    return bd_hq_fail (BD_HQ_EXIT_FAILED, error);
  if (json)
    {
      bd_hq_print_json (json_parser_get_root (parser));
      return BD_HQ_EXIT_OK;
    }
  crossings = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "crossings");
  for (guint i = 0; i < json_array_get_length (crossings); i++)
    {
      JsonObject *c = json_array_get_object_element (crossings, i);

      printf ("%s %-5s %-16s %s\n", json_object_get_string_member (c, "time"),
              json_object_get_string_member (c, "direction"),
              json_object_get_string_member (c, "desk"), json_object_get_string_member (c, "id"));
    }
  return BD_HQ_EXIT_OK;
}

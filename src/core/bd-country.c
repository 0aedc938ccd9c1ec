/* bd-country.c: the table of three-letter codes; see bd-country.h.
 *
 * Built once, on first use, from two sources: ISO 3166-1 alpha-3 out of
 * Debian's iso-codes JSON (read at run time, never pasted here) and ICAO's
 * own codes from the core GResource.  After g_once the table is only read,
 * so lookups need no lock.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bd-country.h"

#define ISO_FILE BD_ISO_CODES_JSON_DIR "/iso_3166-1.json"
#define ICAO_RESOURCE "/org/borderdesk/core/icao-codes.txt"

/* A code as it appears in an MRZ: one to three letters A-Z. */
static gboolean
is_code (const char *code)
{
  gsize len = strlen (code);

  if (len == 0 || len > 3)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (code[i] < 'A' || code[i] > 'Z')
      return FALSE;
  return TRUE;
}

/* Adds ISO 3166-1 alpha-3 codes.  A missing or unreadable file is not
 * fatal: the desk still knows ICAO's codes, and unknown codes are only
 * warnings to the MRZ parser.  Returns FALSE with @error set on failure. */
static gboolean
load_iso (GHashTable *table, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *entries;
  JsonObject *object;

  if (!json_parser_load_from_file (parser, ISO_FILE, error))
    return FALSE;
  root = json_parser_get_root (parser);
  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (object == NULL || !json_object_has_member (object, "3166-1")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "3166-1")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "no \"3166-1\" array at the top level");
      return FALSE;
    }
  entries = json_object_get_array_member (object, "3166-1");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry;
      const char *code;
      const char *name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      code = json_object_get_string_member_with_default (entry, "alpha_3", NULL);
      name = json_object_get_string_member_with_default (entry, "name", NULL);
      if (code == NULL || !is_code (code) || strlen (code) != 3)
        continue;
      g_hash_table_replace (table, g_strdup (code), g_strdup (name != NULL ? name : code));
    }
  return TRUE;
}

/* Adds the ICAO codes: lines "CODE<TAB>Name", '#' comments, blank lines.
 * ISO's name wins where both know a code. */
static gboolean
load_icao (GHashTable *table, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize size;
  const char *data;

  bytes = g_resources_lookup_data (ICAO_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  text = g_strndup (data, size);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0' || *line == '#')
        continue;
      parts = g_strsplit (line, "\t", 2);
      g_strstrip (parts[0]);
      if (!is_code (parts[0]))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "line %u: \"%s\" is not a code of one to three letters", i + 1, parts[0]);
          return FALSE;
        }
      if (!g_hash_table_contains (table, parts[0]))
        g_hash_table_insert (table, g_strdup (parts[0]),
                             g_strdup (parts[1] != NULL ? g_strstrip (parts[1]) : parts[0]));
    }
  return TRUE;
}

static GHashTable *
get_table (void)
{
  static gsize once;
  static GHashTable *table;

  if (g_once_init_enter (&once))
    {
      GHashTable *t = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autoptr(GError) iso_error = NULL;
      g_autoptr(GError) icao_error = NULL;

      if (!load_iso (t, &iso_error))
        g_warning ("ISO 3166-1 codes unavailable (%s: %s); only ICAO's own codes are known",
                   ISO_FILE, iso_error->message);
      if (!load_icao (t, &icao_error))
        g_warning ("ICAO codes unavailable (%s: %s)", ICAO_RESOURCE, icao_error->message);
      table = t;
      g_once_init_leave (&once, 1);
    }
  return table;
}

gboolean
bd_country_is_known (const char *code)
{
  return bd_country_name (code) != NULL;
}

const char *
bd_country_name (const char *code)
{
  if (code == NULL || !is_code (code))
    return NULL;
  return g_hash_table_lookup (get_table (), code);
}

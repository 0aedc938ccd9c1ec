/* bd-watchlist-keys.c: names of lists, actions and sources, and the index
 * keys (bd-watchlist-private.h), which the store and the screen must
 * compute alike. */
#include "config.h"

#include <string.h>

#include "bd-watchlist-private.h"

static const char *const list_names[] = { "persons", "documents" };
static const char *const action_names[] = { "deny", "refer", "notify" };
static const char *const source_names[] = { "local", "hq" };

const char *
bd_watchlist_list_to_string (BdWatchlistList list)
{
  return (guint) list < G_N_ELEMENTS (list_names) ? list_names[list] : "?";
}

const char *
bd_watchlist_action_to_string (BdWatchlistAction action)
{
  return (guint) action < G_N_ELEMENTS (action_names) ? action_names[action] : "?";
}

const char *
bd_watchlist_source_to_string (BdWatchlistSource source)
{
  return (guint) source < G_N_ELEMENTS (source_names) ? source_names[source] : "?";
}

static gboolean
from_string (const char *const *names, guint n, const char *text, int *value)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
bd_watchlist_list_from_string (const char *text, BdWatchlistList *list)
{
  int v;

  if (!from_string (list_names, G_N_ELEMENTS (list_names), text, &v))
    return FALSE;
  *list = (BdWatchlistList) v;
  return TRUE;
}

gboolean
bd_watchlist_action_from_string (const char *text, BdWatchlistAction *action)
{
  int v;

  if (!from_string (action_names, G_N_ELEMENTS (action_names), text, &v))
    return FALSE;
  *action = (BdWatchlistAction) v;
  return TRUE;
}

guint
bd_watchlist_year_code (const char *birth_date)
{
  gint64 year;

  if (birth_date == NULL || strlen (birth_date) < 4)
    return 0;
  year = g_ascii_strtoll (birth_date, NULL, 10) - BD_WATCHLIST_YEAR_BASE;
  return (guint) CLAMP (year, 1, 255);
}

gint64
bd_watchlist_birth_number (const char *birth_date)
{
  gsize n = birth_date != NULL ? strlen (birth_date) : 0;
  gint64 y, m = 0, d = 0;

  if (n < 4)
    return 0;
  y = g_ascii_strtoll (birth_date, NULL, 10);
  if (n >= 7)
    m = g_ascii_strtoll (birth_date + 5, NULL, 10);
  if (n >= 10)
    d = g_ascii_strtoll (birth_date + 8, NULL, 10);
  return y * 10000 + m * 100 + d;
}

gint64
bd_watchlist_name_key (const char *skeleton, guint year_code)
{
  guint64 h = 0xcbf29ce484222325ULL;

  for (const char *p = skeleton; *p != '\0'; p++)
    {
      h ^= (guchar) *p;
      h *= 0x100000001b3ULL;
    }
  return (gint64) ((h & ~(guint64) 0xFF) | (year_code & 0xFF));
}

static void
add_key_text (GPtrArray *texts, GArray *tokens, const char *text, gsize length, guint32 covers)
{
  for (guint j = 0; j < texts->len; j++)
    if (strlen (texts->pdata[j]) == length && strncmp (texts->pdata[j], text, length) == 0)
      {
        if (tokens != NULL)
          g_array_index (tokens, guint32, j) |= covers;
        return;
      }
  g_ptr_array_add (texts, g_strndup (text, length));
  if (tokens != NULL)
    g_array_append_val (tokens, covers);
}

GPtrArray *
bd_watchlist_name_key_texts (const BdName *name, GArray *tokens)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < name->units->len; i++)
    {
      const BdNameUnit *u = name->units->pdata[i];
      gsize n = strlen (u->skeleton);

      if (n == 0)
        continue;
      add_key_text (texts, tokens, u->skeleton, n, u->covers);
      if (n > BD_WATCHLIST_PREFIX)
        add_key_text (texts, tokens, u->skeleton, BD_WATCHLIST_PREFIX, u->covers);
    }
  return texts;
}

GPtrArray *
bd_watchlist_name_pair_texts (const BdName *name, GArray *tokens)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) units = g_ptr_array_new ();
  guint per_field[2] = { 0, 0 };

  for (guint i = 0; i < name->units->len; i++)
    {
      const BdNameUnit *u = name->units->pdata[i];

      if (u->kind == BD_NAME_UNIT_TOKEN && *u->skeleton != '\0' && per_field[u->field]++ < 4)
        g_ptr_array_add (units, (gpointer) u);
    }
  for (guint i = 0; i < units->len; i++)
    for (guint j = i + 1; j < units->len; j++)
      {
        const BdNameUnit *a = units->pdata[i], *b = units->pdata[j];
        gboolean ordered = strcmp (a->skeleton, b->skeleton) <= 0;
        g_autofree char *text = g_strconcat ("~", ordered ? a->skeleton : b->skeleton, "~",
                                             ordered ? b->skeleton : a->skeleton, NULL);

        add_key_text (texts, tokens, text, strlen (text), a->covers | b->covers);
      }
  return texts;
}

char *
bd_watchlist_document_clean (const char *number)
{
  GString *out = g_string_new (NULL);

  for (const char *p = number != NULL ? number : ""; *p != '\0'; p++)
    if (*p != ' ' && *p != '-' && *p != '<')
      g_string_append_c (out, g_ascii_toupper (*p));
  return g_string_free (out, FALSE);
}

char *
bd_watchlist_document_key (const char *number, const char *state)
{
  char *clean = bd_watchlist_document_clean (number);
  char *key;

  for (char *p = clean; *p != '\0'; p++)
    switch (*p)
      {
      case 'O': *p = '0'; break;
      case 'I': *p = '1'; break;
      case 'B': *p = '8'; break;
      case 'S': *p = '5'; break;
      case 'Z': *p = '2'; break;
      default: break;
      }
  key = g_strconcat (clean, ":", state != NULL ? state : "", NULL);
  g_free (clean);
  return key;
}

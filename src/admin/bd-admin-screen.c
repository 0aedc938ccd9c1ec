/* bd-admin-screen.c: `borderdesk-admin screen`, one identity against the watchlists.
 *
 * Exit 0 no hit, 1 hit, 2 bad usage.  With --json the document is always
 * {"hits": [...]}, with an "error" member when the screen could not run,
 * so a script reads one shape whatever the exit status.  The screen reads
 * the index in the database and nothing proportional to the list.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "bd-admin.h"
#include "bd-date.h"
#include "bd-db.h"
#include "bd-watchlist.h"

static gboolean json_wanted;

/* Prints {"hits": [], "error": MESSAGE} ahead of the shared helpers, which
 * then print nothing more on stdout. */
static void
print_error_json (const char *message)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *o;

  if (!json_wanted)
    return;
  node = bd_watchlist_hits_to_json (NULL);
  o = json_node_get_object (node);
  json_object_set_string_member (o, "error", message);
  bd_admin_print_json (node);
}

static int
usage (const char *format, ...) G_GNUC_PRINTF (1, 2);

static int
usage (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  print_error_json (message);
  return bd_admin_usage ("%s", message);
}

static int
fail (GError *error)
{
  print_error_json (error->message);
  if (g_error_matches (error, BD_WATCHLIST_ERROR, BD_WATCHLIST_ERROR_INVALID))
    {
      g_printerr ("borderdesk-admin: %s\n", error->message);
      g_error_free (error);
      return BD_EXIT_USAGE;
    }
  return bd_admin_fail (error);
}

static gboolean
code_valid (const char *code)
{
  gsize n = strlen (code);

  if (n < 1 || n > 3)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isupper (code[i]))
      return FALSE;
  return TRUE;
}

static gboolean
number_valid (const char *number)
{
  gsize n = 0;

  for (const char *p = number; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '-' || *p == '<')
        continue;
      if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p))
        return FALSE;
      n++;
    }
  return n >= 1 && n <= 32;
}

static void
print_text (GPtrArray *hits)
{
  if (hits->len == 0)
    {
      g_print ("no hit\n");
      return;
    }
  for (guint i = 0; i < hits->len; i++)
    {
      BdWatchlistHit *hit = hits->pdata[i];

      g_print ("%s  %s list (%s), %s, score %.2f\n", hit->reference,
               bd_watchlist_list_to_string (hit->list), bd_watchlist_source_to_string (hit->source),
               bd_watchlist_action_to_string (hit->action), hit->score);
      for (guint k = 0; k < hit->reasons->len; k++)
        g_print ("    %s\n", (const char *) hit->reasons->pdata[k]);
    }
}

int
bd_admin_screen (BdAdmin *admin, int argc, char **argv)
{
  g_autofree char *surname = NULL, *given = NULL, *birth = NULL, *nationality = NULL;
  g_autofree char *document = NULL, *issuer = NULL, *number = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "surname", 0, 0, G_OPTION_ARG_STRING, &surname, "Surname", "S" },
    { "given-names", 0, 0, G_OPTION_ARG_STRING, &given, "Given names", "G" },
    { "birth-date", 0, 0, G_OPTION_ARG_STRING, &birth, "Birth date", "YYYY-MM-DD|YYYY-MM|YYYY" },
    { "nationality", 0, 0, G_OPTION_ARG_STRING, &nationality, "Nationality", "ISO3" },
    { "document", 0, 0, G_OPTION_ARG_STRING, &document, "Travel document", "ISSUER:NUMBER" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print {\"hits\": [...]} as JSON", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (
    "- screen one identity against the watchlists (exit 0 no hit, 1 hit)");
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  g_autoptr(GPtrArray) hits = NULL;
  BdWatchlistQuery query = { NULL, };
  GError *error = NULL;

  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--json") == 0)
      json_wanted = TRUE;
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &parse_error))
    return usage ("%s (see --help)", parse_error->message);
  if (argc > 1)
    return usage ("unexpected argument \"%s\" (see --help)", argv[1]);
  if (surname == NULL && given == NULL && document == NULL)
    return usage ("screen needs --surname, --given-names or --document (see --help)");
  if (birth != NULL && !bd_partial_date_valid (birth))
    return usage ("--birth-date: YYYY-MM-DD, YYYY-MM or YYYY");
  if (nationality != NULL)
    {
      char *upper = g_ascii_strup (nationality, -1);

      g_free (nationality);
      nationality = upper;
      if (!code_valid (nationality))
        return usage ("--nationality: a code of 1 to 3 letters such as DEU");
    }
  if (document != NULL)
    {
      char *colon = strchr (document, ':');

      if (colon == NULL)
        return usage ("--document: ISSUER:NUMBER, such as UTO:L898902C3");
      issuer = g_ascii_strup (document, colon - document);
      number = g_ascii_strup (colon + 1, -1);
      if (!code_valid (issuer) || !number_valid (number))
        return usage ("--document: ISSUER:NUMBER, an issuing state of 1 to 3 letters and "
                      "a number of 1 to 32 letters and digits");
    }
  if ((surname != NULL && strlen (surname) > 128) || (given != NULL && strlen (given) > 128) ||
      (surname != NULL && !g_utf8_validate (surname, -1, NULL)) ||
      (given != NULL && !g_utf8_validate (given, -1, NULL)))
    return usage ("--surname and --given-names: at most 128 bytes of UTF-8 each");

  query.surname = surname;
  query.given_names = given;
  query.birth_date = birth;
  query.nationality = nationality;
  query.issuing_state = issuer;
  query.document_number = number;

  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return fail (error);
  hits = bd_watchlist_screen (db, cli, &query, &error);
  if (hits == NULL)
    return fail (error);
  if (json)
    {
      g_autoptr(JsonNode) node = bd_watchlist_hits_to_json (hits);
      bd_admin_print_json (node);
    }
  else
    print_text (hits);
  return hits->len > 0 ? BD_EXIT_NO : BD_EXIT_OK;
}

/* bd-hq-cli.c: what every borderdesk-hq command shares (option parsing,
 * error lines, JSON output), in the HQ library so that the programs that
 * run commands without main.c (the fuzz target makes its HQ with
 * `init`) link. */
#include "config.h"

#include <stdio.h>

#include "bd-hq-commands.h"

int
bd_hq_options (const char *name, const char *params, const char *summary,
               const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autofree char *title = g_strdup_printf ("%s%s%s", name, *params ? " " : "", params);
  g_autoptr(GOptionContext) ctx = g_option_context_new (title);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (ctx, summary);
  g_option_context_set_help_enabled (ctx, TRUE);
  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      g_printerr ("borderdesk-hq %s: %s\n", name, error->message);
      return BD_HQ_EXIT_USAGE;
    }
  return -1;
}

int
bd_hq_fail (int status, const GError *error)
{
  g_printerr ("borderdesk-hq: %s\n", error->message);
  return status;
}

void
bd_hq_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);

  printf ("%s\n", text);
  fflush (stdout);
}

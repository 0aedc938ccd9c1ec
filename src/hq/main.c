/* borderdesk-hq: HQ's server and its administration (CONTRACT.md). */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bd-hq-commands.h"
#include "bd-hq-dir.h"

typedef struct {
  const char *name;
  int (*run) (const char *dir, int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "init", bd_hq_cmd_init, "create the CA, HQ's signing and TLS keys, and the store" },
  { "desk", bd_hq_cmd_desk, "issue, revoke and list desk certificates" },
  { "serve", bd_hq_cmd_serve, "run the HTTPS server desks sync with" },
  { "import", bd_hq_cmd_import, "verify and store batch files; write receipt files" },
  { "watchlist", bd_hq_cmd_watchlist, "stage, publish and export watchlist versions" },
  { "history", bd_hq_cmd_history, "a document's admitted crossings from every desk" },
  { "alerts", bd_hq_cmd_alerts, "list HQ alerts (conflicts, chains going back, revoked desks)" },
  { "report", bd_hq_cmd_report, "crossings by post, desk, day and direction" },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: borderdesk-hq [--dir DIR] COMMAND [OPTION...]\n\n"
                "The HQ directory is --dir DIR, else $BORDERDESK_HQ_DIR.\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\n\"borderdesk-hq COMMAND --help\" describes a command.\n");
}

int
main (int argc, char **argv)
{
  const char *dir = NULL;
  int i = 1;

  umask (077);
  setlocale (LC_ALL, "");
  /* Before any option parsing, which would take a command's name. */
  g_set_prgname ("borderdesk-hq");
  for (; i < argc && argv[i][0] == '-'; i++)
    {
      if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        return (usage (stdout), BD_HQ_EXIT_OK);
      if (strcmp (argv[i], "--version") == 0)
        return (printf ("borderdesk-hq %s\n", PACKAGE_VERSION), BD_HQ_EXIT_OK);
      if (strcmp (argv[i], "--dir") == 0 && i + 1 < argc)
        dir = argv[++i];
      else if (g_str_has_prefix (argv[i], "--dir="))
        dir = argv[i] + strlen ("--dir=");
      else
        {
          g_printerr ("borderdesk-hq: unknown option %s\n", argv[i]);
          return BD_HQ_EXIT_USAGE;
        }
    }
  if (i >= argc)
    return (usage (stderr), BD_HQ_EXIT_USAGE);
  for (gsize c = 0; c < G_N_ELEMENTS (commands); c++)
    if (strcmp (argv[i], commands[c].name) == 0)
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *path = NULL;
        gboolean help = FALSE;

        for (int j = i + 1; j < argc; j++)
          help = help || strcmp (argv[j], "--help") == 0 || strcmp (argv[j], "-h") == 0;
        path = bd_hq_dir_resolve (dir, &error);
        if (path == NULL && !help)
          return bd_hq_fail (BD_HQ_EXIT_USAGE, error);
        return commands[c].run (path, argc - i, argv + i);
      }
  g_printerr ("borderdesk-hq: unknown command %s\n", argv[i]);
  return BD_HQ_EXIT_USAGE;
}

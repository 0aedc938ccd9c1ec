/* main.c: borderdesk-admin, the desk's command line (CONTRACT.md).
 *
 * Global options come before the command: `borderdesk-admin [--db PATH]
 * COMMAND ...`.  Each command group lives in its own file.
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/stat.h>

#include "bd-admin.h"
#include "bd-db.h"

static const struct {
  const char *name;
  BdAdminCommand run;
  const char *summary;
} commands[] = {
  { "init", bd_admin_init, "set up this desk for a post" },
  { "officer", bd_admin_officer, "add, list, unlock officers; set passwords" },
  { "mrz", bd_admin_mrz, "parse a machine readable zone" },
  { "register", bd_admin_register, "check and record one crossing" },
  { "crossings", bd_admin_crossings, "list crossings; import history" },
  { "stay", bd_admin_stay, "the stay rule for one traveller on one day" },
  { "shift", bd_admin_shift, "list shifts; reports, statistics, timelines; sign-off" },
  { "audit", bd_admin_audit, "verify the audit chain" },
  { "demo", bd_admin_demo, "add synthetic demo data" },
  { "watchlist", bd_admin_watchlist, "import a local watchlist CSV; show the loaded lists" },
  { "screen", bd_admin_screen, "screen one identity against the watchlists" },
  { "enroll-request", bd_admin_enroll_request, "write a certificate request for HQ" },
  { "enroll-install", bd_admin_enroll_install, "install HQ's certificate, CA and address" },
  { "sync", bd_admin_sync, "send pending batches to HQ now; show the sync state" },
  { "batch", bd_admin_batch, "export pending batches as files for removable media" },
  { "receipt", bd_admin_receipt, "import HQ's receipts for batches carried by hand" },
  { "traveller", bd_admin_traveller, "export everything held on one person (audited)" },
  { "reader", bd_admin_reader, "list the fingerprint readers" },
  { "finger", bd_admin_finger, "enrol, verify, identify fingerprints; exemptions; purge" },
  { "retention", bd_admin_retention, "purge templates and personal data past retention" },
};

static void
usage (void)
{
  g_print ("Usage: borderdesk-admin [--db PATH] COMMAND [OPTIONS]\n\n"
           "The desk's administration tool.  The database is --db PATH, else $BORDERDESK_DB,\n"
           "else $XDG_DATA_HOME/borderdesk/desk.db.\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-15s %s\n", commands[i].name, commands[i].summary);
  g_print ("\n`borderdesk-admin COMMAND --help` for a command's options.\n"
           "Exit status: 0 success, 1 the answer is no, 2 bad usage or input, 3 failure.\n");
}

int
main (int argc, char **argv)
{
  BdAdmin admin = { NULL, };
  int i = 1, status = BD_EXIT_USAGE;

  setlocale (LC_ALL, "");
  /* GLib's default writer, kept (libfprint's debug log tells test rigs
   * when a reader awaits a finger), but on stderr: stdout carries the
   * one JSON document of --json. */
  g_log_writer_default_set_use_stderr (TRUE);
  /* Everything this tool creates is private to the desk's account. */
  umask (077);

  while (i < argc && argv[i][0] == '-')
    {
      if (strcmp (argv[i], "--db") == 0 && i + 1 < argc)
        {
          g_free (admin.db_path);
          admin.db_path = g_strdup (argv[i + 1]);
          i += 2;
        }
      else if (g_str_has_prefix (argv[i], "--db="))
        {
          g_free (admin.db_path);
          admin.db_path = g_strdup (argv[i] + 5);
          i++;
        }
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          usage ();
          g_free (admin.db_path);
          return BD_EXIT_OK;
        }
      else if (strcmp (argv[i], "--version") == 0)
        {
          g_print ("borderdesk-admin %s\n", PACKAGE_VERSION);
          g_free (admin.db_path);
          return BD_EXIT_OK;
        }
      else
        {
          g_printerr ("borderdesk-admin: unknown option %s (see --help)\n", argv[i]);
          g_free (admin.db_path);
          return BD_EXIT_USAGE;
        }
    }
  if (i >= argc)
    {
      usage ();
      g_free (admin.db_path);
      return BD_EXIT_USAGE;
    }
  if (admin.db_path == NULL)
    admin.db_path = bd_db_default_path ();

  for (int a = i; a < argc; a++)
    if (strcmp (argv[a], "--json") == 0)
      bd_admin_json_requested ();
  if (strcmp (argv[i], "register") == 0)
    bd_admin_json_shape (BD_ADMIN_JSON_REGISTER);

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    if (strcmp (argv[i], commands[c].name) == 0)
      {
        status = commands[c].run (&admin, argc - i, argv + i);
        g_free (admin.db_path);
        return status;
      }
  g_printerr ("borderdesk-admin: unknown command \"%s\" (see --help)\n", argv[i]);
  g_free (admin.db_path);
  return BD_EXIT_USAGE;
}

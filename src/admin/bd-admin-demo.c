/* bd-admin-demo.c: `borderdesk-admin demo seed`. */
#include "config.h"

#include <string.h>

#include "bd-admin.h"
#include "bd-db.h"
#include "bd-demo.h"

int
bd_admin_demo (BdAdmin *admin, int argc, char **argv)
{
  gint64 crossings = 200, travellers = 0, seed = 1, batch = 1;
  GOptionEntry entries[] = {
    { "crossings", 0, 0, G_OPTION_ARG_INT64, &crossings, "Crossings to add (200)", "N" },
    { "travellers", 0, 0, G_OPTION_ARG_INT64, &travellers,
      "Size of the traveller pool (crossings / 4)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (1)", "S" },
    { "batch", 0, 0, G_OPTION_ARG_INT64, &batch,
      "Crossings per transaction (1, as the app commits; larger loads faster)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("seed - add synthetic demo data");
  g_autoptr(BdDb) db = NULL;
  g_autoptr(BdActor) cli = bd_actor_new_cli ();
  BdDemoOptions opt = { 0, };
  GError *error = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!bd_admin_parse (ctx, &argc, &argv))
    return BD_EXIT_USAGE;
  if (argc != 2 || strcmp (argv[1], "seed") != 0)
    {
      return bd_admin_usage ("usage: borderdesk-admin demo seed [--crossings N] "
                             "[--travellers N] [--seed S]");
    }
  if (crossings < 0 || crossings > 100000000 || travellers < 0 || batch < 1 || seed < 0)
    {
      return bd_admin_usage ("counts must be positive (crossings at most 100000000)");
    }
  opt.crossings = crossings;
  opt.travellers = travellers > 0 ? travellers : MAX (crossings / 4, 1);
  opt.seed = (guint32) seed;
  opt.batch = batch;
  db = bd_admin_open_db (admin, &error);
  if (db == NULL)
    return bd_admin_fail (error);
  if (!bd_demo_seed (db, cli, &opt, &error))
    return bd_admin_fail (error);
  g_print ("added %" G_GINT64_FORMAT " crossings (demo officers' password: %s)\n",
           crossings, BD_DEMO_PASSWORD);
  return BD_EXIT_OK;
}

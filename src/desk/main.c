/* main.c: borderdesk, the desk application. */
#include "config.h"

#include <locale.h>
#include <sys/stat.h>
#include <glib/gi18n.h>

#include "bd-application.h"

int
main (int argc, char **argv)
{
  g_autoptr(BdApplication) app = NULL;

  setlocale (LC_ALL, "");
  umask (077);
  g_set_prgname ("borderdesk");
  g_set_application_name (_("borderdesk"));
  app = bd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

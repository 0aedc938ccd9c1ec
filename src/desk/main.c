/* main.c: borderdesk, the desk application. */
#include "config.h"

#include <locale.h>
#include <sys/stat.h>
#include <glib/gi18n.h>

#include "bd-application.h"

/* Where the catalogues are: $BORDERDESK_LOCALEDIR for an uninstalled run
 * (the tests point it at _build/po), else the installed prefix's. */
static const char *
locale_dir (void)
{
  const char *dir = g_getenv ("BORDERDESK_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : BD_LOCALEDIR;
}

int
main (int argc, char **argv)
{
  g_autoptr(BdFingerprint) fingerprint = NULL;
  g_autoptr(BdApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  umask (077);
  g_set_prgname ("borderdesk");
  g_set_application_name (_("borderdesk"));
  /* libfprint in its own process, so the window never waits on a reader
   * or a 1:N search; without it the desk works on, and the fingerprint
   * check says "not captured: no reader". */
  fingerprint = bd_fingerprint_new_isolated (NULL, &error);
  if (fingerprint == NULL)
    g_warning ("no fingerprint service: %s", error->message);
  app = bd_application_new (fingerprint);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  /* The window and its pending captures go before the service. */
  g_clear_object (&app);
  return status;
}

/* bd-application.h: the desk application (org.borderdesk.Desk). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BD_TYPE_APPLICATION (bd_application_get_type ())
G_DECLARE_FINAL_TYPE (BdApplication, bd_application, BD, APPLICATION, GtkApplication)

BdApplication *bd_application_new (void);

G_END_DECLS

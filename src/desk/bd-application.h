/* bd-application.h: the desk application (org.borderdesk.Desk). */
#pragma once

#include <gtk/gtk.h>

#include "bd-fingerprint.h"

G_BEGIN_DECLS

#define BD_TYPE_APPLICATION (bd_application_get_type ())
G_DECLARE_FINAL_TYPE (BdApplication, bd_application, BD, APPLICATION, GtkApplication)

/* @fingerprint (nullable: no reader) outlives the application. */
BdApplication *bd_application_new               (BdFingerprint *fingerprint);
/* Monotonic time (g_get_monotonic_time) of the last key press or click in
 * any of the application's windows. */
gint64         bd_application_get_last_activity (BdApplication *self);
/* Seconds of inactivity before the desk locks: GSettings idle-timeout
 * when the schema is installed, else its default, 600. */
guint          bd_application_get_idle_timeout  (BdApplication *self);

G_END_DECLS
